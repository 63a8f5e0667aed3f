; MUL, IMUL (one, two and three operands), DIV, IDIV in real mode, 8, 16
; and 32 bits: results, CF/OF, the undefined flags as the P6 family and
; later leave them (SF and PF from the low half, ZF and AF clear; DIV and
; IDIV change no flag), and #DE through the IVT (a fault: IP at the
; divide, nothing changed).
; expect: int_muldiv: ok
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        ; --- MUL ---
        SETF FL_ZF | FL_AF
        mov al, 0x80
        mov bl, 2
        mul bl
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_PF
        CHECK ax, 0x0100
        mov al, 3
        mov bl, 4
        mul bl
        CHECKF FL_ARITH, FL_PF
        CHECK ax, 12
        mov ax, 0xffff
        mov cx, 0xffff
        mov dx, 0x1234
        mul cx
        CHECKF FL_ARITH, FL_CF | FL_OF
        CHECK ax, 0x0001
        CHECK dx, 0xfffe
        mov eax, 0x80000000
        mov ecx, 2
        mul ecx
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_PF ; ZF clear though EAX = 0
        CHECK eax, 0
        CHECK edx, 1
        mov word [int_scratch], 300
        mov ax, 300
        mul word [int_scratch]
        CHECK ax, 0x5f90
        CHECK dx, 1

        ; --- IMUL ---
        mov al, 0xff
        mov bl, 2
        imul bl
        CHECKF FL_ARITH, FL_SF
        CHECK ax, 0xfffe
        mov al, 0x40
        mov bl, 4
        imul bl
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_PF
        CHECK ax, 0x0100
        mov cx, 0x7fff
        mov dx, 2
        imul cx, dx
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_SF
        CHECK cx, 0xfffe
        mov ebx, 5
        imul eax, ebx, -3
        CHECKF FL_ARITH, FL_SF
        CHECK eax, -15
        mov word [int_scratch], 0x0123
        imul si, [int_scratch], 0x100
        CHECKF FL_CF | FL_OF, FL_CF | FL_OF
        CHECK si, 0x2300
        mov eax, -2
        mov edx, 0x55555555
        mov ecx, 0x7fffffff
        imul ecx                        ; EDX:EAX = -0xfffffffe
        CHECKF FL_CF | FL_OF, FL_CF | FL_OF
        CHECK eax, 2
        CHECK edx, 0xffffffff

        ; --- DIV / IDIV: no flag changes ---
        SETF FL_ARITH
        mov ax, 0x0105
        mov bl, 0x10
        div bl
        CHECKF FL_ARITH, FL_ARITH
        CHECK ax, 0x0510
        SETF 0
        mov edx, 1
        mov eax, 0
        mov ecx, 0x10
        div ecx
        CHECKF FL_ARITH, 0
        CHECK eax, 0x10000000
        CHECK edx, 0
        mov ax, -7
        mov bl, 2
        idiv bl
        CHECK ax, 0xfffd                ; AL = -3, AH = -1
        mov eax, -100
        cdq
        mov ecx, 7
        idiv ecx
        CHECK eax, -14
        CHECK edx, -2
        mov ax, 0x0080                  ; 128 / -1 = -128 fits
        mov bl, 0xff
        idiv bl
        CHECK ax, 0x0080
        mov dx, 0x0012
        mov ax, 0x3456
        mov word [int_scratch], 0x1000
        div word [int_scratch]
        CHECK ax, 0x0123
        CHECK dx, 0x0456

        ; --- #DE: the divide faults, registers keep their values ---
        mov ax, 0x1000
        mov bl, 0x10
        EXC 0, div bl                   ; quotient 0x100 does not fit
        CHECK ax, 0x1000
        mov bl, 0
        EXC 0, div bl
        mov ax, 0xff80                  ; -128 / -1 = 128 does not fit
        mov bl, 0xff
        EXC 0, idiv bl
        CHECK ax, 0xff80
        mov dx, 0xffff
        mov ax, 0x8000
        mov cx, -1
        EXC 0, idiv cx
        CHECK dx, 0xffff
        mov edx, 0x80000000
        xor eax, eax
        mov ecx, 1
        EXC 0, idiv ecx                 ; quotient 2^63
        xor edx, edx
        EXC 0, div edx

        PUTS "int_muldiv: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
