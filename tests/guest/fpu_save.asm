; FSAVE/FRSTOR and FSTENV/FLDENV round trips in real mode, 16- and 32-bit
; operand size: the image layout (control, status, full tag word, the
; instruction pointer as a linear address with FOP, the data pointer),
; the registers in stack order, and FSAVE's re-initialisation.
%include "guest.inc"
%include "fpu.inc"

        TEST_START
        fninit
        fldcw [cs:cw_test]
        mov dword [0x700], 0x40490fdb   ; 3.1415927f
        fld dword [0x700]               ; FDP = 0x700
        fld1
.last:  fldz                            ; TOP 5: 0, 1, pi
        fsave [RES]

        ; FSAVE re-initialised the FPU
        fnstcw [RES + 0x100]
        cmp word [RES + 0x100], 0x037f
        je .a1
        FAIL 1
.a1:    CHECK_SW 0xffff, 0, 2
        fnstenv [RES + 0x100]
        cmp word [RES + 0x104], 0xffff
        je .a2
        FAIL 3
.a2:
        ; the 94-byte real-mode image
        cmp word [RES], 0x0e7f
        je .b1
        FAIL 4
.b1:    cmp word [RES + 2], 0x2800
        je .b2
        FAIL 5
.b2:    cmp word [RES + 4], 0x07ff      ; R7 valid, R6 valid, R5 zero
        je .b3
        FAIL 6
.b3:    cmp word [RES + 6], .last       ; linear F0000 + .last, low part
        je .b4
        FAIL 7
.b4:    cmp word [RES + 8], 0xf000 | 0x1ee ; linear bits 19-16, FOP D9 EE
        je .b5
        FAIL 8
.b5:    cmp word [RES + 10], 0x0700
        je .b6
        FAIL 9
.b6:    cmp word [RES + 12], 0
        je .b7
        FAIL 10
.b7:    CHECK_BYTES RES + 14, x80_zero, 10, 11
        CHECK_BYTES RES + 24, x80_one, 10, 12
        CHECK_BYTES RES + 34, x80_pi_f32, 10, 13

        ; FRSTOR brings it all back
        frstor [RES]
        CHECK_SW 0xffff, 0x2800, 14
        fnstcw [RES + 0x100]
        cmp word [RES + 0x100], 0x0e7f
        je .c1
        FAIL 15
.c1:    fstp tword [RES + 0x100]
        CHECK_BYTES RES + 0x100, x80_zero, 10, 16
        fstp tword [RES + 0x100]
        CHECK_BYTES RES + 0x100, x80_one, 10, 17
        fstp tword [RES + 0x100]
        CHECK_BYTES RES + 0x100, x80_pi_f32, 10, 18

        ; 32-bit operand size: 108 bytes, 32-bit fields
        fninit
.last32:
        fld1
        o32 fsave [RES]
        cmp dword [RES], 0xffff037f
        je .d1
        FAIL 19
.d1:    cmp dword [RES + 4], 0xffff3800
        je .d2
        FAIL 20
.d2:    cmp dword [RES + 8], 0xffff3fff
        je .d3
        FAIL 21
.d3:    cmp dword [RES + 12], .last32 + 0xffff0000
        je .d4
        FAIL 22
.d4:    cmp dword [RES + 16], 0x0000f000 | 0x1e8  ; FIP 31-16 << 12, FOP
        je .d5
        FAIL 23
.d5:    CHECK_BYTES RES + 28, x80_one, 10, 24
        o32 frstor [RES]
        CHECK_SW 0xffff, 0x3800, 25
        fstp tword [RES + 0x100]
        CHECK_BYTES RES + 0x100, x80_one, 10, 26

        ; FLDENV of an image with a pending unmasked exception sets ES,
        ; and the tags of the image decide only empty or not
        fninit
        fld1
        fnstenv [RES]
        mov word [RES], 0x037e          ; IE unmasked
        mov word [RES + 2], 0x3801      ; IE pending
        fldenv [RES]
        fnstsw ax
        cmp ax, 0xb881
        je .e1
        FAIL 27
.e1:    fnclex
        fninit
        PASS

cw_test:        dw 0x0e7f
x80_zero:       dq 0
                dw 0
x80_one:        dq 0x8000000000000000
                dw 0x3fff
x80_pi_f32:     dq 0xc90fdb0000000000
                dw 0x4000

        GUEST_LIB
        ROM_END
