; x87 arithmetic with exact bit results: rounding modes, precision
; control, conversions, BCD, comparisons, transcendentals (correctly
; rounded values computed offline with 200-bit arithmetic).
; expect: fpu_arith ok
%include "guest.inc"
%include "fpu.inc"

        TEST_START
        fninit
        CHECK_SW 0xffff, 0, 1

        ; 1 + 2 = 3, stored as double
        fld1
        fadd qword [cs:f64_two]
        fstp qword [RES]
        CHECK_BYTES RES, f64_three, 8, 2

        ; 1/3 rounded to double (nearest)
        fld1
        fdiv qword [cs:f64_three]
        fstp qword [RES]
        CHECK_BYTES RES, f64_third, 8, 3
        CHECK_SW SW_PE | SW_C1, SW_PE, 4     ; rounded down: C1 clear

        ; 1/3 to single, rounding up then down
        fldcw [cs:cw_up]
        fld1
        fdiv dword [cs:f32_three]
        fst dword [RES]
        CHECK_BYTES RES, f32_third_up, 4, 5
        CHECK_SW SW_C1, SW_C1, 6             ; rounded up: C1 set
        fldcw [cs:cw_down]
        fstp dword [RES]
        CHECK_BYTES RES, f32_third_down, 4, 7

        ; precision control 24 bits: the extended result is rounded too
        fldcw [cs:cw_pc24]
        fld1
        fidiv word [cs:i16_three]
        fstp tword [RES]
        CHECK_BYTES RES, x80_third_pc24, 10, 8
        fldcw [cs:cw_default]

        ; sqrt(2), extended
        fld qword [cs:f64_two]
        fsqrt
        fstp tword [RES]
        CHECK_BYTES RES, x80_sqrt2, 10, 9

        ; FIST: 2.5 -> 2 (nearest even), 3 rounding up
        fld qword [cs:f64_2_5]
        fist word [RES]
        cmp word [RES], 2
        je .f1
        FAIL 10
.f1:    fldcw [cs:cw_up]
        fistp word [RES]
        cmp word [RES], 3
        je .f2
        FAIL 11
.f2:    fldcw [cs:cw_default]

        ; FIST overflow: masked IE stores the integer indefinite
        fnclex
        fld qword [cs:f64_1e10]
        fistp word [RES]
        cmp word [RES], 0x8000
        je .f3
        FAIL 12
.f3:    CHECK_SW SW_IE, SW_IE, 13

        ; FBSTP -1234567890123 and FBLD it back
        fnclex
        fild qword [cs:i64_big]
        fbstp tword [RES]
        CHECK_BYTES RES, bcd_big, 10, 14
        fbld tword [RES]
        fistp qword [RES + 16]
        CHECK_BYTES RES + 16, i64_big, 8, 15

        ; FCOM 1 vs 2: less (C0); FNSTSW AX + SAHF
        fld qword [cs:f64_two]
        fld1
        fcompp
        fnstsw ax
        and ax, SW_CC
        cmp ax, SW_C0
        je .c1
        FAIL 16
.c1:    ; FCOMI 2 vs 1: above
        fld1
        fld qword [cs:f64_two]
        fcomi st0, st1
        ja .c2
        FAIL 17
.c2:    fcompp
        ; FUCOMI with a QNaN: unordered (ZF PF CF), no IE
        fnclex
        fld tword [cs:x80_qnan]
        fld1
        fucomip st0, st1
        jp .c3
        FAIL 18
.c3:    jz .c4
        FAIL 19
.c4:    fstp st0
        CHECK_SW SW_IE, 0, 20
        ; FCOM with a QNaN: IE
        fld tword [cs:x80_qnan]
        fcom dword [cs:f32_three]
        CHECK_SW SW_IE | SW_CC, SW_IE | SW_C3 | SW_C2 | SW_C0, 21
        fstp st0

        ; FXAM of -infinity: C3 C2 C0 = 011, C1 = sign
        fld tword [cs:x80_neg_inf]
        fxam
        CHECK_SW SW_CC, SW_C2 | SW_C1 | SW_C0, 22
        fstp st0

        ; FPREM: 2^200 mod 3 needs partial steps (C2), then 2^200 mod 3 = 1
        fld qword [cs:f64_three]
        fld tword [cs:x80_2p200]
        fprem
        CHECK_SW SW_C2, SW_C2, 23
.prem:  fprem
        fnstsw ax
        test ax, SW_C2
        jnz .prem
        fistp word [RES]
        fstp st0
        cmp word [RES], 1
        je .p1
        FAIL 24
.p1:
        ; FSCALE: 1.5 * 2^10 = 1536
        fild word [cs:i16_ten]
        fld qword [cs:f64_1_5]
        fscale
        fistp word [RES]
        fstp st0
        cmp word [RES], 1536
        je .s1
        FAIL 25
.s1:    ; FXTRACT 12 -> 1.5 and 3
        fild word [cs:i16_twelve]
        fxtract
        fcomp qword [cs:f64_1_5]
        CHECK_SW SW_CC, SW_C3, 26
        fistp word [RES]
        cmp word [RES], 3
        je .x1
        FAIL 27
.x1:
        ; transcendentals
        fld1
        fsin
        fstp tword [RES]
        CHECK_BYTES RES, x80_sin1, 10, 28
        fld1
        fcos
        fstp tword [RES]
        CHECK_BYTES RES, x80_cos1, 10, 29
        fld qword [cs:f64_0_5]
        fptan
        fld1
        fcompp                            ; the pushed 1.0
        CHECK_SW SW_CC, SW_C3, 30
        fstp tword [RES]
        CHECK_BYTES RES, x80_tan_half, 10, 31
        fld1
        fld1
        fpatan
        fstp tword [RES]
        CHECK_BYTES RES, x80_pi_4, 10, 32
        fld qword [cs:f64_0_5]
        f2xm1
        fstp tword [RES]
        CHECK_BYTES RES, x80_2xm1_half, 10, 33
        fld1
        fild word [cs:i16_ten]
        fyl2x
        fstp tword [RES]
        CHECK_BYTES RES, x80_l2t, 10, 34
        fld1
        fld qword [cs:f64_0_25]
        fyl2xp1
        fstp tword [RES]
        CHECK_BYTES RES, x80_log2_1_25, 10, 35
        ; FPTAN of a NaN pushes the NaN again, not 1.0
        fld tword [cs:x80_qnan]
        fptan
        fstp tword [RES]
        CHECK_BYTES RES, x80_qnan, 10, 48
        fstp tword [RES]
        CHECK_BYTES RES, x80_qnan, 10, 49
        ; FSIN out of range: C2 set, operand kept
        fld tword [cs:x80_2p200]
        fsin
        CHECK_SW SW_C2, SW_C2, 36
        fstp tword [RES]
        CHECK_BYTES RES, x80_2p200, 10, 37

        ; constants follow the rounding control
        fldpi
        fstp tword [RES]
        CHECK_BYTES RES, x80_pi_near, 10, 38
        fldcw [cs:cw_down]
        fldpi
        fstp tword [RES]
        CHECK_BYTES RES, x80_pi_down, 10, 39
        fldcw [cs:cw_default]

        ; a single denormal operand raises DE
        fnclex
        fld dword [cs:f32_denormal]
        CHECK_SW SW_DE, SW_DE, 40
        fstp st0
        ; masked overflow: +inf with OE, PE and C1
        fnclex
        fld tword [cs:x80_big]
        fmul st0, st0
        CHECK_SW SW_OE | SW_PE | SW_C1, SW_OE | SW_PE | SW_C1, 41
        fstp tword [RES]
        CHECK_BYTES RES, x80_inf, 10, 42
        ; 0/0 invalid -> the QNaN indefinite; 1/0 -> ZE, infinity
        fnclex
        fldz
        fdiv st0, st0
        fstp tword [RES]
        CHECK_BYTES RES, x80_indefinite, 10, 43
        fld1
        fldz
        fdivp st1, st0
        CHECK_SW SW_ZE | SW_IE, SW_ZE | SW_IE, 44
        fstp tword [RES]
        CHECK_BYTES RES, x80_inf, 10, 45

        ; FCMOV: CF set moves, clear does not
        fnclex
        fld1
        fldz
        stc
        fcmovb st0, st1                 ; st0 = 1
        clc
        fcmovb st0, st1
        fistp word [RES]
        fstp st0
        cmp word [RES], 1
        je .m1
        FAIL 46
.m1:    CHECK_SW SW_TOP | SW_IE, 0, 47

        PUTS "fpu_arith ok", 10
        PASS

cw_default:     dw 0x037f
cw_up:          dw 0x0b7f
cw_down:        dw 0x077f
cw_pc24:        dw 0x007f
i16_three:      dw 3
i16_ten:        dw 10
i16_twelve:     dw 12
i64_big:        dq -1234567890123
f32_three:      dd 3.0
f32_third_up:   dd 0x3eaaaaab
f32_third_down: dd 0x3eaaaaaa
f32_denormal:   dd 0x00000001
f64_two:        dq 2.0
f64_three:      dq 3.0
f64_third:      dq 0x3fd5555555555555
f64_2_5:        dq 2.5
f64_1_5:        dq 1.5
f64_0_5:        dq 0.5
f64_0_25:       dq 0.25
f64_1e10:       dq 1.0e10
bcd_big:        db 0x23, 0x01, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0x80
%macro X80 2
        dq %2
        dw %1
%endmacro
x80_third_pc24: X80 0x3ffd, 0xaaaaab0000000000
x80_sqrt2:      X80 0x3fff, 0xb504f333f9de6484
x80_qnan:       X80 0x7fff, 0xc000000000000001
x80_neg_inf:    X80 0xffff, 0x8000000000000000
x80_inf:        X80 0x7fff, 0x8000000000000000
x80_indefinite: X80 0xffff, 0xc000000000000000
x80_big:        X80 0x7ff0, 0x8000000000000000
x80_2p200:      X80 0x40c7, 0x8000000000000000
x80_sin1:       X80 0x3ffe, 0xd76aa47848677021
x80_cos1:       X80 0x3ffe, 0x8a51407da8345c92
x80_tan_half:   X80 0x3ffe, 0x8bda7adf9a3a5219
x80_pi_4:       X80 0x3ffe, 0xc90fdaa22168c235
x80_2xm1_half:  X80 0x3ffd, 0xd413cccfe7799211
x80_l2t:        X80 0x4000, 0xd49a784bcd1b8afe
x80_log2_1_25:  X80 0x3ffd, 0xa4d3c25e68dc57f2
x80_pi_near:    X80 0x4000, 0xc90fdaa22168c235
x80_pi_down:    X80 0x4000, 0xc90fdaa22168c234

        GUEST_LIB
        ROM_END
