; Integer ALU in real mode: ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC
; NEG NOT in 8, 16 and 32 bits (66 prefix), exact results and flags;
; 16-bit address wraparound, BP-based operands in SS, 32-bit addressing
; (67 prefix), the segment limit (#GP, #SS), the 82 and F6 /1 aliases,
; LOCK on a memory operand and #UD for LOCK elsewhere.
; expect: int_alu: ok
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        ; --- ADD ---
        SETF 0
        mov al, 0x7f
        add al, 1
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_AF
        CHECK al, 0x80
        mov al, 0xff
        add al, 1
        CHECKF FL_ARITH, FL_CF | FL_ZF | FL_AF | FL_PF
        CHECK al, 0
        mov ax, 0x8000
        add ax, 0x8000
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_ZF | FL_PF
        CHECK ax, 0
        mov eax, 0x7fffffff
        add eax, 1
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_AF | FL_PF
        CHECK eax, 0x80000000
        mov bx, 0x1234
        mov cx, 0x4321
        add bx, cx
        CHECKF FL_ARITH, FL_PF
        CHECK bx, 0x5555

        ; --- ADC / SBB use CF ---
        SETF FL_CF
        mov al, 0xff
        adc al, 0
        CHECKF FL_ARITH, FL_CF | FL_ZF | FL_AF | FL_PF
        CHECK al, 0
        SETF FL_CF
        mov dx, 0x7fff
        adc dx, 0
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_AF | FL_PF
        CHECK dx, 0x8000
        SETF FL_CF
        mov ecx, 0xffffffff
        adc ecx, 0xffffffff
        CHECKF FL_ARITH, FL_CF | FL_SF | FL_AF | FL_PF
        CHECK ecx, 0xffffffff
        SETF FL_CF
        mov al, 0
        sbb al, 0
        CHECKF FL_ARITH, FL_CF | FL_SF | FL_AF | FL_PF
        CHECK al, 0xff
        SETF FL_CF
        mov bx, 5
        sbb bx, 3
        CHECKF FL_ARITH, 0
        CHECK bx, 1

        ; --- SUB / CMP ---
        SETF 0
        mov al, 0
        sub al, 1
        CHECKF FL_ARITH, FL_CF | FL_SF | FL_AF | FL_PF
        CHECK al, 0xff
        mov ah, 0x80
        sub ah, 1
        CHECKF FL_ARITH, FL_OF | FL_AF
        CHECK ah, 0x7f
        mov esi, 5
        cmp esi, 5
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK esi, 5
        mov di, 0x8000
        cmp di, 1
        CHECKF FL_ARITH, FL_OF | FL_AF | FL_PF
        CHECK di, 0x8000

        ; --- logic: CF = OF = 0, AF = 0 (undefined; P6 clears it) ---
        SETF FL_ARITH
        mov ax, 0xf0f0
        and ax, 0x0ff0
        CHECKF FL_ARITH, FL_PF
        CHECK ax, 0x00f0
        mov bx, 0x8000
        or bx, 1
        CHECKF FL_ARITH, FL_SF
        CHECK bx, 0x8001
        xor eax, eax
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK eax, 0
        mov cl, 0x80
        test cl, 0x80
        CHECKF FL_ARITH, FL_SF
        CHECK cl, 0x80

        ; --- INC / DEC keep CF; NEG; NOT changes no flag ---
        SETF FL_CF
        mov al, 0x7f
        inc al
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_AF | FL_CF
        CHECK al, 0x80
        SETF 0
        mov dx, 0
        dec dx
        CHECKF FL_ARITH, FL_SF | FL_AF | FL_PF
        CHECK dx, 0xffff
        mov ebx, 0x80000000
        dec ebx
        CHECKF FL_ARITH, FL_OF | FL_AF | FL_PF
        CHECK ebx, 0x7fffffff
        mov al, 0x80
        neg al
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_SF
        CHECK al, 0x80
        mov ax, 0
        neg ax
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK ax, 0
        SETF FL_ARITH
        mov al, 0x55
        not al
        CHECKF FL_ARITH, FL_ARITH
        CHECK al, 0xaa

        ; --- aliases: 82 /0 = 80 /0, F6 /1 = F6 /0 ---
        SETF 0
        mov al, 0xfe
        db 0x82, 0xc0, 0x03             ; add al, 3
        CHECKF FL_ARITH, FL_CF | FL_AF
        CHECK al, 1
        mov bl, 0x0f
        db 0xf6, 0xcb, 0xf0             ; test bl, 0xf0
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK bl, 0x0f

        ; --- memory operands, 16-bit wraparound, SS for BP ---
        mov ax, int_scratch >> 4
        mov ds, ax                      ; DS:0 = 0:int_scratch
        mov word [0x10], 0x1111
        mov bx, 0xfff0
        mov si, 0x0020                  ; bx + si wraps to 0x0010
        add word [bx + si], 0x2222
        CHECK word [0x10], 0x3333
        mov word [ss:0x0700], 0x0102    ; SS = 0
        mov word [0x0700], 0x0a0b       ; DS-based twin
        mov bp, 0x0600
        mov di, 0x0100
        mov ax, [bp + di]               ; SS:0x700
        CHECK ax, 0x0102
        mov ax, [bx + di + 0x0120]      ; DS:(0xfff0+0x100+0x120)=DS:0x0210
        mov cx, [0x0210]
        CHECK ax, cx
        ; 32-bit addressing in real mode (67 prefix).
        mov ebx, 0x100
        mov ecx, 0x40
        mov dword [0x200], 0xdeadbeef
        mov eax, [ebx + ecx * 4]        ; DS:0x200
        CHECK eax, 0xdeadbeef
        xor ax, ax
        mov ds, ax
        ; Beyond the 64 KiB limit: #GP for DS, #SS for SS.
        mov ebx, 0x10000
        EXC 13, mov al, [ebx]
        EXC 13, mov ax, [0xffff]
        mov ebp, 0xfffe
        EXC 12, mov eax, [ebp]

        ; --- LOCK: fine on a memory destination, #UD elsewhere ---
        mov word [int_scratch], 5
        lock add word [int_scratch], 7
        CHECK word [int_scratch], 12
        lock xchg [int_scratch], ax
        EXC 6, db 0xf0, 0x01, 0xc0      ; lock add ax, ax
        EXC 6, db 0xf0, 0x89, 0x07      ; lock mov [bx], ax
        EXC 6, db 0xf0, 0x39, 0x07      ; lock cmp [bx], ax
        EXC 6, db 0xf0, 0x90            ; lock nop

        PUTS "int_alu: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
