; IDIV of EDX:EAX = -2^63 by -1 is #DE (the quotient does not fit), and
; must not trap in the emulator itself.
; expect: int_idiv_min ok
%include "guest.inc"

        TEST_START
        mov word [0 * 4], de_handler
        mov word [0 * 4 + 2], cs
        mov word [0x480], 0
        mov edx, 0x80000000
        xor eax, eax
        mov ecx, -1
.div:   idiv ecx
        cmp word [0x480], 1
        je .ok
        FAIL 1
.ok:    cmp edx, 0x80000000             ; unchanged
        je .ok2
        FAIL 2
.ok2:   PUTS "int_idiv_min ok", 10
        PASS

de_handler:
        push bp
        mov bp, sp
        inc word [0x480]
        add word [bp + 2], 3            ; skip IDIV ECX (66 F7 F9)
        pop bp
        iret

        GUEST_LIB
        ROM_END
