; Real-mode integer basics: arithmetic and flags, 32-bit operands in real
; mode, string moves, the stack, calls, software interrupts through the
; IVT, and #DE delivered through vector 0.
; expect: arith ok
; expect: strings ok
; expect: calls ok
; expect: ivt ok
%include "guest.inc"

        TEST_START

        ; --- arithmetic and flags ---
        mov ax, 0x7fff
        add ax, 1                       ; overflow into the sign bit
        jno fail_of
        jns fail_of
        jc fail_of
        mov al, 0xff
        add al, 1                       ; carry out, zero
        jnc fail_cf
        jnz fail_cf
        mov bx, 5
        sub bx, 7                       ; borrow
        jnc fail_cf
        CHECK_EQ bx, 0xfffe, 3
        mov eax, 0x12345678             ; 32-bit operand size in real mode
        mov ecx, 0x11111111
        add eax, ecx
        CHECK_EQ eax, 0x23456789, 4
        mov eax, 100000
        mov ebx, 300
        mul ebx                         ; edx:eax = 30,000,000
        CHECK_EQ eax, 30000000, 5
        CHECK_EQ edx, 0, 6
        mov ax, 1000
        mov cl, 7
        div cl                          ; al = 142, ah = 6
        CHECK_EQ ax, 0x068e, 7
        mov al, 0x15
        add al, 0x27
        daa                             ; BCD 15 + 27 = 42
        CHECK_EQ al, 0x42, 8
        mov ax, 0x8000
        sar ax, 15
        CHECK_EQ ax, 0xffff, 9
        stc
        mov al, 0x80
        rcl al, 1                       ; CF in, top bit out
        jnc fail_cf
        CHECK_EQ al, 1, 10
        PUTS "arith ok", 10

        ; --- strings: copy a ROM string to RAM and compare ---
        push cs
        pop ds
        mov si, message
        mov di, 0x500
        mov cx, message_len
        rep movsb
        xor ax, ax
        mov ds, ax
        mov si, 0x500
        push cs
        pop es
        mov di, message
        mov cx, message_len
        repe cmpsb
        jne fail_str
        CHECK_EQ cx, 0, 11
        xor ax, ax
        mov es, ax
        mov di, 0x600
        mov al, 0xab
        mov cx, 16
        rep stosb
        CHECK_EQ byte [0x60f], 0xab, 12
        CHECK_EQ di, 0x610, 13
        std                             ; backwards
        mov si, 0x60f
        lodsb
        cld
        CHECK_EQ si, 0x60e, 14
        PUTS "strings ok", 10

        ; --- stack and calls ---
        mov ax, 3
        call factorial                  ; ax = 3! = 6
        CHECK_EQ ax, 6, 15
        mov ax, 5
        call factorial
        CHECK_EQ ax, 120, 16
        push word 0x1234
        push word 0x5678
        pop bx
        pop cx
        CHECK_EQ bx, 0x5678, 17
        CHECK_EQ cx, 0x1234, 18
        CHECK_EQ sp, 0x7c00, 19
        call 0xf000:far_target
        CHECK_EQ dx, 0xbeef, 20
        PUTS "calls ok", 10

        ; --- interrupts through the IVT ---
        mov word [0x80 * 4], int80_handler
        mov word [0x80 * 4 + 2], 0xf000
        mov word [0 * 4], de_handler
        mov word [0 * 4 + 2], 0xf000
        mov ax, 7
        int 0x80                        ; handler doubles ax
        CHECK_EQ ax, 14, 21
        xor bp, bp
        mov ax, 1
        xor dl, dl
de_site:
        div dl                          ; divide by zero -> vector 0
        CHECK_EQ bp, 1, 22              ; the handler ran once
        PUTS "ivt ok", 10
        PASS

factorial:                              ; ax = ax!
        cmp ax, 1
        jbe .one
        push ax
        dec ax
        call factorial
        pop cx
        mul cx
        ret
.one:   mov ax, 1
        ret

far_target:
        mov dx, 0xbeef
        retf

int80_handler:
        add ax, ax
        iret

de_handler:
        ; The return address is the faulting DIV itself: skip it (2 bytes).
        inc bp
        push bp
        mov bp, sp
        CHECK_EQ word [ss:bp + 2], de_site, 23
        add word [ss:bp + 2], 2
        pop bp
        iret

fail_of: FAIL 1
fail_cf: FAIL 2
fail_str: FAIL 24

message: db "The quick brown fox"
message_len equ $ - message

        GUEST_LIB
        ROM_END
