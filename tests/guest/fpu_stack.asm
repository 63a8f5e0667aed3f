; x87 register stack: TOP, the full tag word (as FSTENV reports it), stack
; overflow and underflow (IE + SF, C1 up/down) with their masked results,
; FFREE, FINCSTP/FDECSTP, FXCH of an empty register, FSTENV masking.
%include "guest.inc"
%include "fpu.inc"

        TEST_START
        fninit
        ; eight pushes fill the stack: TOP 0, every tag valid
%rep 8
        fld1
%endrep
        fnstenv [RES]
        cmp word [RES + 4], 0x0000
        je .t1
        FAIL 1
.t1:    CHECK_SW SW_TOP | SW_IE, 0, 2

        ; a ninth push overflows: IE, SF, C1 = 1; ST0 = the indefinite
        fld1
        CHECK_SW SW_IE | SW_SF | SW_C1 | SW_TOP, SW_IE | SW_SF | SW_C1 | 0x3800, 3
        fstp tword [RES]
        CHECK_BYTES RES, x80_indefinite, 10, 4

        ; underflow: FST from an empty ST0 stores the indefinite, C1 = 0
        fninit
        fst qword [RES]
        CHECK_BYTES RES, f64_indefinite, 8, 5
        CHECK_SW SW_IE | SW_SF | SW_C1, SW_IE | SW_SF, 6
        ; FADD with an empty operand: the indefinite goes to ST0
        fninit
        fld1
        fadd st0, st3
        fstp tword [RES]
        CHECK_BYTES RES, x80_indefinite, 10, 7

        ; tags: zero 01, valid 00, special 10 (denormal), empty 11
        fninit
        fldz
        fld1
        fld tword [cs:x80_denormal]
        fnstenv [RES]
        cmp word [RES + 4], 0x4bff
        je .t2
        FAIL 8
.t2:    cmp word [RES + 2], 0x2800      ; TOP = 5
        je .t3
        FAIL 9
.t3:    ffree st1                       ; R6 (the 1.0) empty
        fnstenv [RES]
        cmp word [RES + 4], 0x7bff
        je .t4
        FAIL 10
.t4:    fincstp                         ; TOP 6, tags unchanged
        fnstenv [RES]
        cmp word [RES + 2], 0x3000
        je .t5
        FAIL 11
.t5:    cmp word [RES + 4], 0x7bff
        je .t6
        FAIL 12
.t6:    fdecstp
        fdecstp                         ; TOP 4: ST0 = R4, empty
        fxam
        CHECK_SW SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C0, 13

        ; FXCH with an empty register (masked): the empty one becomes the
        ; indefinite, then they swap
        fninit
        fld1
        fxch st3
        CHECK_SW SW_IE | SW_SF, SW_IE | SW_SF, 14
        fstp tword [RES]
        CHECK_BYTES RES, x80_indefinite, 10, 15
        fstp st0
        fstp st0
        fistp word [RES]
        cmp word [RES], 1
        je .t7
        FAIL 16
.t7:
        ; FSTENV masks all exceptions afterwards
        fninit
        fldcw [cs:cw_unmasked]
        fnstenv [RES]
        cmp word [RES], 0x0340
        je .t8
        FAIL 17
.t8:    fnstcw [RES]
        cmp word [RES], 0x037f
        je .t9
        FAIL 18
.t9:
        ; FLDCW keeps only the defined bits, bit 6 reads as one
        fldcw [cs:cw_all]
        fnstcw [RES]
        cmp word [RES], 0x1f7f
        je .t10
        FAIL 19
.t10:
        ; FLDENV: tags are recomputed for non-empty registers
        fninit
        fldz
        fld1
        fnstenv [RES]
        mov word [RES + 4], 0x0fff      ; claim both valid
        fldenv [RES]
        fnstenv [RES]
        cmp word [RES + 4], 0x4fff      ; R7 zero, R6 valid
        je .t11
        FAIL 20
.t11:
        ; DE D0+i (an FCOMP alias) pops once
        fninit
        fld1
        fld1
        fld1
        db 0xde, 0xd1                   ; fcomp5 st1
        CHECK_SW SW_TOP | SW_CC, 0x3000 | SW_C3, 21
        ; D9 D8+i (FSTPNCE) with an empty ST0 just pops, without a fault
        fninit
        fld1
        ffree st0
        db 0xd9, 0xd9                   ; fstp1 st1
        CHECK_SW SW_TOP | SW_IE | SW_SF, 0, 22
        ; FLD ST(i) of an empty register on a full stack: underflow (C1 0)
        fninit
%rep 7
        fld1
%endrep
        fld st7
        CHECK_SW SW_IE | SW_SF | SW_C1, SW_IE | SW_SF, 23
        PASS

cw_unmasked:    dw 0x0340
cw_all:         dw 0xffff
f64_indefinite: dq 0xfff8000000000000
x80_indefinite: dq 0xc000000000000000
                dw 0xffff
x80_denormal:   dq 0x0000000000001234
                dw 0x0000

        GUEST_LIB
        ROM_END
