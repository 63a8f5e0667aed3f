; The stack in real mode: PUSH/POP in all forms (PUSH SP pushes the old
; value, POP SP, PUSH/POP with an SP-based memory operand), 32-bit pushes,
; PUSHA/POPA, PUSHF/POPF (which bits real mode lets through), ENTER with
; nesting levels, LEAVE, near CALL/RET/RET n, and SP wrapping at 64 KiB.
; expect: int_stack: ok
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        ; --- PUSH SP / POP SP (286 and later: the value before) ---
        mov bx, sp
        push sp
        pop ax
        CHECK ax, bx
        push word 0x1234
        mov bp, sp
        mov word [bp], 0x7b00
        pop sp
        CHECK sp, 0x7b00
        mov sp, bx

        ; --- memory operands based on SP ---
        push word 0xaaaa
        push word 0x1234
        pop word [esp]                  ; addressed after the pop
        pop ax
        CHECK ax, 0x1234
        push word 0x5555
        push word [esp]                 ; addressed before the push
        pop ax
        pop cx
        CHECK ax, 0x5555
        CHECK sp, bx

        ; --- immediates, 32-bit pushes ---
        push byte -2
        pop ax
        CHECK ax, 0xfffe
        push dword 0x12345678
        CHECK sp, 0x7bfc
        pop eax
        CHECK eax, 0x12345678
        mov eax, 0xcafebabe
        push eax
        pop dx
        pop cx
        CHECK dx, 0xbabe
        CHECK cx, 0xcafe

        ; --- PUSHA / POPA ---
        mov ax, 1
        mov cx, 2
        mov dx, 3
        mov bx, 4
        mov bp, 6
        mov si, 7
        mov di, 8
        pusha
        CHECK word [esp + 6], 0x7c00    ; the SP before PUSHA
        CHECK word [esp + 14], 1
        mov word [esp + 6], 0x1111      ; POPA skips SP
        xor ax, ax
        xor di, di
        popa
        CHECK sp, 0x7c00
        CHECK ax, 1
        CHECK di, 8
        mov eax, 0x10000001
        pushad
        CHECK sp, 0x7c00 - 32
        mov eax, 0
        popad
        CHECK eax, 0x10000001

        ; --- PUSHF / POPF in real mode: IOPL and NT are writable ---
        push word 0xfcff                ; all but TF and IF
        popf
        pushf
        pop ax
        CHECK ax, 0x7cd7
        push dword 0x00270cd5           ; AC and ID stick, RF and VM not
        popfd
        pushfd
        pop eax
        CHECK eax, 0x00240cd7
        push word 2
        popf

        ; --- ENTER / LEAVE ---
        mov bp, 0x7000
        mov word [0x6ffe], 0x0aaa       ; the caller's display
        mov word [0x6ffc], 0x0bbb
        mov bx, sp
        enter 8, 3
        CHECK bp, 0x7bfe
        CHECK word [bp], 0x7000         ; old BP
        CHECK word [bp - 2], 0x0aaa     ; copied frame pointers
        CHECK word [bp - 4], 0x0bbb
        CHECK word [bp - 6], 0x7bfe     ; this frame
        CHECK sp, 0x7bfe - 6 - 8
        leave
        CHECK sp, bx
        CHECK bp, 0x7000
        enter 4, 0
        CHECK bp, 0x7bfe
        CHECK sp, 0x7bfe - 4
        leave
        mov ebp, 0x7000
        db 0x66, 0xc8, 0x04, 0x00, 0x01 ; ENTER 4, 1 with a 32-bit operand
        CHECK ebp, 0x7bfc
        CHECK dword [esp + 4], 0x7bfc
        CHECK sp, 0x7bfc - 4 - 4
        db 0x66, 0xc9                   ; LEAVE, 32-bit
        CHECK sp, 0x7c00
        CHECK ebp, 0x7000

        ; --- near CALL / RET / RET n ---
        mov bx, sp
        push word 0x1111
        call .sub
        CHECK sp, bx
        CHECK ax, 0x2222
        jmp .after
.sub:   mov ax, 0x2222
        ret 2
.after:
        call dword .sub32
        CHECK sp, bx
        jmp .after32
.sub32: CHECK word [esp + 2], 0         ; a 32-bit return address
        o32 ret
.after32:

        ; --- SP wraps at 64 KiB ---
        mov ax, 0x2000
        mov ss, ax
        mov sp, 0
        push word 0x4321
        CHECK sp, 0xfffe
        CHECK word [ss:0xfffe], 0x4321
        pop ax
        CHECK sp, 0
        xor ax, ax
        mov ss, ax
        mov sp, 0x7c00

        PUTS "int_stack: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
