; A 486 (-cpu 486) has an x87 but no MMX: MMX instructions and EMMS
; raise #UD.
; pcvm-args: -cpu 486
%include "guest.inc"
%include "fpu.inc"

        TEST_START
        SET_VECTOR 6, ud_handler
        mov word [0x480], 0
        fninit
        fld1
        fistp word [RES]
        cmp word [RES], 1
        je .a
        FAIL 1
.a:     paddb mm0, mm1                  ; 3 bytes
        emms                            ; 2 bytes (handler skips 3: pad)
        nop
        cmp word [0x480], 2
        je .b
        FAIL 2
.b:     PASS

ud_handler:
        push bp
        mov bp, sp
        inc word [0x480]
        add word [bp + 2], 3
        pop bp
        iret

        GUEST_LIB
        ROM_END
