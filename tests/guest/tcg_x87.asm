; tcg-lite's x87 forms (tcg-lite/x87.c): exact results of the forms it
; runs itself - FLD/FST/FSTP m32 m64 m80 ST(i), FILD/FIST/FISTP, FADD FSUB
; FSUBR FMUL FDIV FDIVR with every operand form and the P forms, FCOM
; FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM FCOMI FUCOMI and the P forms,
; FXCH FCHS FABS FLDZ FLD1, FNSTSW AX, FLDCW, FNSTCW - at the rounding
; boundaries (ties to even both ways, carries into the exponent, every
; precision control), the C1 bit, PE, TOP and the tags, FIP/FOP/FDP, and
; the cases it must leave to the interpreter: denormal, overflowing and
; infinite results, special operands, stack faults, unmasked exceptions,
; other rounding modes, faulting operands, #NM. Most of the code runs
; straight, in long blocks (the checks come after each group). The
; guest suite runs it under the interpreter too, which must agree.
; Expected values were computed with exact rational arithmetic.
; expect: tcg_x87 ok
%include "guest.inc"
%include "pm.inc"

%define RES     0xb000          ; case k: value (10 bytes), FSW at +10
%define RES2    0xa800          ; scratch
%define ENV     0xa900          ; FNSTENV images
%define ROM     0xf0000         ; the ROM's linear address (DS is flat)
%define R(k)    (RES + (k) * 16)

%define SW_IE 0x0001
%define SW_DE 0x0002
%define SW_ZE 0x0004
%define SW_OE 0x0008
%define SW_UE 0x0010
%define SW_PE 0x0020
%define SW_SF 0x0040
%define SW_C0 0x0100
%define SW_C1 0x0200
%define SW_C2 0x0400
%define SW_C3 0x4000
%define TOP(n)  ((n) << 11)

; SW k: the status word now is case k's.
%macro SW 1
        fnstsw [R(%1) + 10]
%endmacro

; POP k: ST(0), popped, is case k's value.
%macro POP 1
        fstp tword [R(%1)]
%endmacro

; IS k, sexp, significand, fsw: case k's value and status word.
%macro IS 4
        CHECK dword [R(%1)], ((%3) & 0xffffffff)
        CHECK dword [R(%1) + 4], (((%3) >> 32) & 0xffffffff)
        movzx eax, word [R(%1) + 8]
        CHECK eax, %2
        movzx eax, word [R(%1) + 10]
        CHECK eax, %4
%endmacro

; X80_AT addr, sexp, significand: the 80-bit value at addr.
%macro X80_AT 3
        CHECK dword [%1], ((%3) & 0xffffffff)
        CHECK dword [(%1) + 4], (((%3) >> 32) & 0xffffffff)
        movzx eax, word [(%1) + 8]
        CHECK eax, %2
%endmacro

; W_AT addr, value: the word at addr.
%macro W_AT 2
        movzx eax, word [%1]
        CHECK eax, %2
%endmacro

; SET_C1: C1 = 1 (FISTP rounding 3.5 up), the stack as it was, no
; exception flags.
%macro SET_C1 0
        fld tword [cs:X_3_5]
        fistp word [RES2 + 0xf0]
        fnclex
%endmacro

        TEST_START

        ; --- real mode: FIP and FDP as linear addresses, CS operands
        fninit
        fld1
.r1:    fadd qword [cs:D_THREE]
.r2:    fst qword [RES2]
        fnstenv [RES2 + 16]
        cmp word [RES2 + 16 + 6], .r2                     ; FIP (linear)
        je .r3
        FAIL 1
.r3:    cmp word [RES2 + 16 + 8], 0xf000 | 0x516          ; FIP 19:16, FOP
        je .r4
        FAIL 2
.r4:    cmp word [RES2 + 16 + 10], RES2                   ; FDP
        je .r5
        FAIL 3
.r5:    cmp dword [RES2 + 4], 0x40100000                  ; 4.0
        je .r6
        FAIL 4
.r6:
        PM_ENTER

        ; --- 64-bit precision: boundaries and every arithmetic form
        fninit
        ; 0: 1 + 2^-64: a tie, to even (down)
        fnclex
        fld tword [cs:X_ONE]
        fadd qword [cs:D_2M64]
        SW 0
        POP 0
        ; 1: (1 + 2^-63) + 2^-64: a tie, to even (up), m64 through DS
        fnclex
        fld tword [cs:X_ONE_E]
        fadd qword [ROM + D_2M64]
        SW 1
        POP 1
        ; 2: (2 - 2^-63) + 2^-64: a carry into the exponent (FADDP)
        fnclex
        fld tword [cs:X_TWO_E]
        fld qword [cs:D_2M64]
        faddp st1, st0
        SW 2
        POP 2
        ; 3: (1.5 + 2^-63)^2 rounds up (FLD ST(0), FMULP)
        fnclex
        fld tword [cs:X_15E]
        fld st0
        fmulp st1, st0
        SW 3
        POP 3
        ; 4: (1 + 2^-63) - 1 = 2^-63 exactly (FSUBP)
        fnclex
        fld tword [cs:X_ONE_E]
        fld1
        fsubp st1, st0
        SW 4
        POP 4
        ; 5: 1 - 2^-70 rounds up to 1 (FSUB m64)
        fnclex
        fld1
        fsub qword [cs:D_2M70]
        SW 5
        POP 5
        ; 6: -1.5 - -1.5 = +0 (FSUB ST0, ST0)
        fnclex
        fld qword [cs:D_M15]
        fsub st0, st0
        SW 6
        POP 6
        ; 7: -0 + -0 = -0 (FLDZ, FCHS, FADDP)
        fnclex
        fldz
        fchs
        fld st0
        faddp st1, st0
        SW 7
        POP 7
        ; 8: 1 / 3 (FDIV m64)
        fnclex
        fld1
        fdiv qword [cs:D_THREE]
        SW 8
        POP 8
        ; 9: 1 / 3 (FDIVRP)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fdivrp st1, st0
        SW 9
        POP 9
        ; 10: 3 / 1 (FDIVR m64)
        fnclex
        fld1
        fdivr qword [cs:D_THREE]
        SW 10
        POP 10
        ; 11: 2^-64 - 3 (FSUBR m64)
        fnclex
        fld qword [cs:D_THREE]
        fsubr qword [cs:D_2M64]
        SW 11
        POP 11
        ; 12: 3 (1 + 2^-63): a tie, to even (FMUL ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld tword [cs:X_ONE_E]
        fmul st0, st1
        SW 12
        POP 12
        fstp st0
        ; 13: 1 + (2 - 2^-63) (FADD ST1, ST0)
        fnclex
        fld1
        fld tword [cs:X_TWO_E]
        fadd st1, st0
        SW 13
        fstp st0
        POP 13
        ; 14: 1 / 3 (FDIV ST1, ST0)
        fnclex
        fld1
        fld qword [cs:D_THREE]
        fdiv st1, st0
        SW 14
        fstp st0
        POP 14
        ; 15: 1 / 3 (FDIVR ST1, ST0)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fdivr st1, st0
        SW 15
        fstp st0
        POP 15
        ; 16: 1 - 3 (FSUBR ST1, ST0)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fsubr st1, st0
        SW 16
        fstp st0
        POP 16
        ; 17: 1 - 3 (FSUB ST1, ST0)
        fnclex
        fld1
        fld qword [cs:D_THREE]
        fsub st1, st0
        SW 17
        fstp st0
        POP 17
        ; 18: 1 * 3 (FMUL ST1, ST0)
        fnclex
        fld1
        fld qword [cs:D_THREE]
        fmul st1, st0
        SW 18
        fstp st0
        POP 18
        ; 19: 1 - 3 (FSUBRP)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fsubrp st1, st0
        SW 19
        POP 19
        ; 20: 1 / 3 (FDIVP)
        fnclex
        fld1
        fld qword [cs:D_THREE]
        fdivp st1, st0
        SW 20
        POP 20
        ; 21: 3 - 1 (FSUBR ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fsubr st0, st1
        SW 21
        POP 21
        fstp st0
        ; 22: 1 / 3 (FDIV ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fdiv st0, st1
        SW 22
        POP 22
        fstp st0
        ; 23: 3 / 1 (FDIVR ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fdivr st0, st1
        SW 23
        POP 23
        fstp st0
        ; 24: 1 - 3 (FSUB ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fsub st0, st1
        SW 24
        POP 24
        fstp st0
        ; 25: 1 + 3 (FADD ST0, ST1)
        fnclex
        fld qword [cs:D_THREE]
        fld1
        fadd st0, st1
        SW 25
        POP 25
        fstp st0
        ; 26: 1 * 3 (FMUL m32)
        fnclex
        fld1
        fmul dword [cs:F_THREE]
        SW 26
        POP 26
        ; 27: 3 - 1 (FSUBR m32)
        fnclex
        fld1
        fsubr dword [cs:F_THREE]
        SW 27
        POP 27
        ; 28: 1 - 3 (FSUB m32)
        fnclex
        fld1
        fsub dword [cs:F_THREE]
        SW 28
        POP 28
        ; 29: 1 + 3 (FADD m32)
        fnclex
        fld1
        fadd dword [cs:F_THREE]
        SW 29
        POP 29
        ; 30: 1 / 3 (FDIV m32)
        fnclex
        fld1
        fdiv dword [cs:F_THREE]
        SW 30
        POP 30
        ; 31: 3 / 1 (FDIVR m32)
        fnclex
        fld1
        fdivr dword [cs:F_THREE]
        SW 31
        POP 31
        ; 32: (1 + 2^-63) (1 + 2^-23) (FMUL m32)
        fnclex
        fld tword [cs:X_ONE_E]
        fmul dword [cs:F_ONE_P]
        SW 32
        POP 32
        ; 33: 1 + (2^31 - 1) (FIADD m32)
        fnclex
        fld1
        fiadd dword [cs:I32_BIG]
        SW 33
        POP 33
        ; 34: -2^31 - 1 (FISUBR m32)
        fnclex
        fld1
        fisubr dword [cs:I32_MIN]
        SW 34
        POP 34
        ; 35: 1 / 3 (FIDIV m32)
        fnclex
        fld1
        fidiv dword [cs:I32_THREE]
        SW 35
        POP 35
        ; 36: 3 / 1 (FIDIVR m32)
        fnclex
        fld1
        fidivr dword [cs:I32_THREE]
        SW 36
        POP 36
        ; 37: 1 * 3 (FIMUL m32)
        fnclex
        fld1
        fimul dword [cs:I32_THREE]
        SW 37
        POP 37
        ; 38: 1 - 3 (FISUB m32)
        fnclex
        fld1
        fisub dword [cs:I32_THREE]
        SW 38
        POP 38
        ; 39: -3 (1 + 2^-63): a tie (FIMUL m16)
        fnclex
        fld tword [cs:X_ONE_E]
        fimul word [cs:I16_M3]
        SW 39
        POP 39
        ; 40: -3 / 1 (FIDIVR m16)
        fnclex
        fld1
        fidivr word [cs:I16_M3]
        SW 40
        POP 40
        ; 41: 1 / -3 (FIDIV m16)
        fnclex
        fld1
        fidiv word [cs:I16_M3]
        SW 41
        POP 41
        ; 42: 1 + 3 (FISUB m16)
        fnclex
        fld1
        fisub word [cs:I16_M3]
        SW 42
        POP 42
        ; 43: -3 - 1 (FISUBR m16)
        fnclex
        fld1
        fisubr word [cs:I16_M3]
        SW 43
        POP 43
        ; 44: 1 - 32768 (FIADD m16)
        fnclex
        fld1
        fiadd word [cs:I16_MIN]
        SW 44
        POP 44
        ; 45: 2^-15 x (1 - 2^-64), rounding at a tiny exponent
        fnclex
        fld tword [cs:X_M_TINY]
        fld tword [cs:X_ONE_M64]
        fmulp st1, st0
        SW 45
        POP 45
        ; checks
        IS 0, 0x3fff, 0x8000000000000000, 0x3820
        IS 1, 0x3fff, 0x8000000000000002, 0x3a20
        IS 2, 0x4000, 0x8000000000000000, 0x3a20
        IS 3, 0x4000, 0x9000000000000002, 0x3a20
        IS 4, 0x3fc0, 0x8000000000000000, 0x3800
        IS 5, 0x3fff, 0x8000000000000000, 0x3a20
        IS 6, 0x0000, 0x0000000000000000, 0x3800
        IS 7, 0x8000, 0x0000000000000000, 0x3800
        IS 8, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 9, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 10, 0x4000, 0xc000000000000000, 0x3800
        IS 11, 0xc000, 0xc000000000000000, 0x3a20
        IS 12, 0x4000, 0xc000000000000002, 0x3220
        IS 13, 0x4000, 0xc000000000000000, 0x3220
        IS 14, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3220
        IS 15, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3220
        IS 16, 0xc000, 0x8000000000000000, 0x3000
        IS 17, 0xc000, 0x8000000000000000, 0x3000
        IS 18, 0x4000, 0xc000000000000000, 0x3000
        IS 19, 0xc000, 0x8000000000000000, 0x3800
        IS 20, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 21, 0x4000, 0x8000000000000000, 0x3000
        IS 22, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3220
        IS 23, 0x4000, 0xc000000000000000, 0x3000
        IS 24, 0xc000, 0x8000000000000000, 0x3000
        IS 25, 0x4001, 0x8000000000000000, 0x3000
        IS 26, 0x4000, 0xc000000000000000, 0x3800
        IS 27, 0x4000, 0x8000000000000000, 0x3800
        IS 28, 0xc000, 0x8000000000000000, 0x3800
        IS 29, 0x4001, 0x8000000000000000, 0x3800
        IS 30, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 31, 0x4000, 0xc000000000000000, 0x3800
        IS 32, 0x3fff, 0x8000010000000001, 0x3820
        IS 33, 0x401e, 0x8000000000000000, 0x3800
        IS 34, 0xc01e, 0x8000000100000000, 0x3800
        IS 35, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 36, 0x4000, 0xc000000000000000, 0x3800
        IS 37, 0x4000, 0xc000000000000000, 0x3800
        IS 38, 0xc000, 0x8000000000000000, 0x3800
        IS 39, 0xc000, 0xc000000000000002, 0x3a20
        IS 40, 0xc000, 0xc000000000000000, 0x3800
        IS 41, 0xbffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 42, 0x4001, 0x8000000000000000, 0x3800
        IS 43, 0xc001, 0x8000000000000000, 0x3800
        IS 44, 0xc00d, 0xfffe000000000000, 0x3800
        IS 45, 0xbfef, 0xffffffffffffffff, 0x3800

        ; --- other precisions
        ; 46: 1 / 3 to 53 bits
        fnclex
        fldcw [cs:CW_PC53]
        fld1
        fdiv qword [cs:D_THREE]
        SW 46
        POP 46
        ; 47: 1 / 3 to 24 bits
        fnclex
        fldcw [cs:CW_PC24]
        fld1
        fdiv qword [cs:D_THREE]
        SW 47
        POP 47
        ; 48: (1 + 2^-63) + 0 to 53 bits
        fnclex
        fldcw [cs:CW_PC53]
        fld tword [cs:X_ONE_E]
        fadd dword [cs:F_ZERO]
        SW 48
        POP 48
        ; 49: (1.5 + 2^-63)^2 to 24 bits
        fnclex
        fldcw [cs:CW_PC24]
        fld tword [cs:X_15E]
        fmul st0, st0
        SW 49
        POP 49
        ; 50: (1 + 2^-52 + 2^-53) + 0 to 53 bits: a tie, up
        fnclex
        fldcw [cs:CW_PC53]
        fld tword [cs:X_S2]
        fldz
        faddp st1, st0
        SW 50
        POP 50
        ; 51: (2 - 2^-54) x 1 to 53 bits: a carry
        fnclex
        fldcw [cs:CW_PC53]
        fld tword [cs:X_S3]
        fld1
        fmulp st1, st0
        SW 51
        POP 51
        fldcw [cs:CW_DEF]
        ; checks
        IS 46, 0x3ffd, 0xaaaaaaaaaaaaa800, 0x3820
        IS 47, 0x3ffd, 0xaaaaab0000000000, 0x3a20
        IS 48, 0x3fff, 0x8000000000000000, 0x3820
        IS 49, 0x4000, 0x9000000000000000, 0x3820
        IS 50, 0x3fff, 0x8000000000001000, 0x3a20
        IS 51, 0x4000, 0x8000000000000000, 0x3a20

        ; --- the interpreter's: results that are not normal numbers,
        ; special operands, other control words
        ; 52: smallest normal x 0.5: a denormal, exact
        fnclex
        fld tword [cs:X_MIN]
        fmul qword [cs:D_HALF]
        SW 52
        POP 52
        ; 53: smallest normal x (1 - 2^-64): tiny, rounds up to it
        fnclex
        fld tword [cs:X_MIN]
        fld tword [cs:X_ONE_M64]
        fmulp st1, st0
        SW 53
        POP 53
        ; 54: largest x 2 overflows
        fnclex
        fld tword [cs:X_MAX]
        fadd st0, st0
        SW 54
        POP 54
        ; 55: 1 / 0
        fnclex
        fld1
        fdiv qword [cs:D_ZERO]
        SW 55
        POP 55
        ; 56: 1 + a denormal double
        fnclex
        fld1
        fadd qword [cs:D_DENORM]
        SW 56
        POP 56
        ; 57: 1 + infinity
        fnclex
        fld tword [cs:X_INF]
        fld1
        faddp st1, st0
        SW 57
        POP 57
        ; 58: FLD m64 of an SNaN
        fnclex
        fld qword [cs:D_SNAN]
        SW 58
        POP 58
        ; 59: FLD m32 of a denormal
        fnclex
        fld dword [cs:F_DENORM]
        SW 59
        POP 59
        ; 60: 1 / 3 rounding up
        fnclex
        fldcw [cs:CW_UP]
        fld1
        fdiv qword [cs:D_THREE]
        fldcw [cs:CW_DEF]
        SW 60
        POP 60
        ; 61: 1 / 3 with PE unmasked
        fninit
        fldcw [cs:CW_PE_UNMASKED]
        fld1
        fdiv qword [cs:D_THREE]
        fnstsw ax
        fnclex
        fldcw [cs:CW_DEF]
        mov [R(61) + 12], ax
        SW 61
        POP 61
        ; checks
        IS 52, 0x0000, 0x4000000000000000, 0x3800
        IS 53, 0x0001, 0x8000000000000000, 0x3a30
        IS 54, 0x7fff, 0x8000000000000000, 0x3a28
        IS 55, 0x7fff, 0x8000000000000000, 0x3804
        IS 56, 0x3fff, 0x8000000000000000, 0x3822
        IS 57, 0x7fff, 0x8000000000000000, 0x3800
        IS 58, 0x7fff, 0xc000000000000800, 0x3801
        IS 59, 0x3f6a, 0x8000000000000000, 0x3802
        IS 60, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a20
        IS 61, 0x3ffd, 0xaaaaaaaaaaaaaaab, 0x3a00
        movzx eax, word [R(61) + 12]
        CHECK eax, 0xbaa0

        ; --- stores: float64, float32, integers (rounding, C1, the limits)
        ; 62: FST m64 of X_S1
        fnclex
        fld tword [cs:X_S1]
        fst qword [R(62)]
        SW 62
        fstp st0
        ; 63: FSTP m64 of X_S2
        fnclex
        fld tword [cs:X_S2]
        fstp qword [R(63)]
        SW 63
        ; 64: FST m64 of X_S3
        fnclex
        fld tword [cs:X_S3]
        fst qword [R(64)]
        SW 64
        fstp st0
        ; 65: FSTP m64 of X_ONE_E
        fnclex
        fld tword [cs:X_ONE_E]
        fstp qword [R(65)]
        SW 65
        ; 66: FST m64 of X_15E
        fnclex
        fld tword [cs:X_15E]
        fst qword [R(66)]
        SW 66
        fstp st0
        ; 67: FSTP m64 overflow
        fnclex
        fld tword [cs:X_BIG]
        fstp qword [R(67)]
        SW 67
        ; 68: FST m64 of 2^-1023: a denormal, exact
        fnclex
        fld tword [cs:X_TINY]
        fst qword [R(68)]
        SW 68
        fstp st0
        ; 69: FST m32 of X_S4
        fnclex
        fld tword [cs:X_S4]
        fst dword [R(69)]
        SW 69
        fstp st0
        ; 70: FSTP m32 of X_S5
        fnclex
        fld tword [cs:X_S5]
        fstp dword [R(70)]
        SW 70
        ; 71: FST m32 of X_1_5
        fnclex
        fld tword [cs:X_1_5]
        fst dword [R(71)]
        SW 71
        fstp st0
        ; 72: FSTP m32 of X_15E
        fnclex
        fld tword [cs:X_15E]
        fstp dword [R(72)]
        SW 72
        ; 73: FST m32 of X_M_TINY
        fnclex
        fld tword [cs:X_M_TINY]
        fst dword [R(73)]
        SW 73
        fstp st0
        ; 74: FSTP m32 overflow
        fnclex
        fld tword [cs:X_BIG]
        fstp dword [R(74)]
        SW 74
        ; 75: FST m32 underflow
        fnclex
        fld tword [cs:X_TINY]
        fst dword [R(75)]
        SW 75
        fstp st0
        ; 76: FIST m16 2.5: to even
        fnclex
        fld tword [cs:X_2_5]
        fist word [R(76)]
        SW 76
        fstp st0
        ; 77: FISTP m16 3.5: to even, up
        fnclex
        fld tword [cs:X_3_5]
        fistp word [R(77)]
        SW 77
        ; 78: FIST m16 -2.5
        fnclex
        fld tword [cs:X_M2_5]
        fist word [R(78)]
        SW 78
        fstp st0
        ; 79: FIST m16 32767.5: out of range
        fnclex
        fld tword [cs:X_32767_5]
        fist word [R(79)]
        SW 79
        fstp st0
        ; 80: FISTP m16 -32768.5: to even (down), in range
        fnclex
        fld tword [cs:X_M32768_5]
        fistp word [R(80)]
        SW 80
        ; 81: FIST m32 0.5
        fnclex
        fld tword [cs:X_HALF]
        fist dword [R(81)]
        SW 81
        fstp st0
        ; 82: FISTP m32 1.5
        fnclex
        fld tword [cs:X_1_5]
        fistp dword [R(82)]
        SW 82
        ; 83: FIST m32 2^31 - 0.5: out of range
        fnclex
        fld tword [cs:X_2P31_M]
        fist dword [R(83)]
        SW 83
        fstp st0
        ; 84: FIST m32 -2^-15
        fnclex
        fld tword [cs:X_M_TINY]
        fist dword [R(84)]
        SW 84
        fstp st0
        ; 85: FISTP m64 2^62 + 1
        fnclex
        fld tword [cs:X_2P62_1]
        fistp qword [R(85)]
        SW 85
        ; 86: FISTP m64 -32768.5
        fnclex
        fld tword [cs:X_M32768_5]
        fistp qword [R(86)]
        SW 86
        ; checks
        CHECK dword [R(62)], 0x00000000
        CHECK dword [R(62) + 4], 0x3ff00000
        movzx eax, word [R(62) + 10]
        CHECK eax, 0x3820
        CHECK dword [R(63)], 0x00000002
        CHECK dword [R(63) + 4], 0x3ff00000
        movzx eax, word [R(63) + 10]
        CHECK eax, 0x0220
        CHECK dword [R(64)], 0x00000000
        CHECK dword [R(64) + 4], 0x40000000
        movzx eax, word [R(64) + 10]
        CHECK eax, 0x3a20
        CHECK dword [R(65)], 0x00000000
        CHECK dword [R(65) + 4], 0x3ff00000
        movzx eax, word [R(65) + 10]
        CHECK eax, 0x0020
        CHECK dword [R(66)], 0x00000000
        CHECK dword [R(66) + 4], 0x3ff80000
        movzx eax, word [R(66) + 10]
        CHECK eax, 0x3820
        CHECK dword [R(67)], 0x00000000
        CHECK dword [R(67) + 4], 0x7ff00000
        movzx eax, word [R(67) + 10]
        CHECK eax, 0x0228
        CHECK dword [R(68)], 0x00000000
        CHECK dword [R(68) + 4], 0x00080000
        movzx eax, word [R(68) + 10]
        CHECK eax, 0x3800
        CHECK dword [R(69)], 0x3f800000
        movzx eax, word [R(69) + 10]
        CHECK eax, 0x3820
        CHECK dword [R(70)], 0x3f800002
        movzx eax, word [R(70) + 10]
        CHECK eax, 0x0220
        CHECK dword [R(71)], 0x3fc00000
        movzx eax, word [R(71) + 10]
        CHECK eax, 0x3800
        CHECK dword [R(72)], 0x3fc00000
        movzx eax, word [R(72) + 10]
        CHECK eax, 0x0020
        CHECK dword [R(73)], 0xb8000000
        movzx eax, word [R(73) + 10]
        CHECK eax, 0x3800
        CHECK dword [R(74)], 0x7f800000
        movzx eax, word [R(74) + 10]
        CHECK eax, 0x0228
        CHECK dword [R(75)], 0x00000000
        movzx eax, word [R(75) + 10]
        CHECK eax, 0x3830
        movzx eax, word [R(76)]
        CHECK eax, 0x0002
        movzx eax, word [R(76) + 10]
        CHECK eax, 0x3820
        movzx eax, word [R(77)]
        CHECK eax, 0x0004
        movzx eax, word [R(77) + 10]
        CHECK eax, 0x0220
        movzx eax, word [R(78)]
        CHECK eax, 0xfffe
        movzx eax, word [R(78) + 10]
        CHECK eax, 0x3820
        movzx eax, word [R(79)]
        CHECK eax, 0x8000
        movzx eax, word [R(79) + 10]
        CHECK eax, 0x3801
        movzx eax, word [R(80)]
        CHECK eax, 0x8000
        movzx eax, word [R(80) + 10]
        CHECK eax, 0x0020
        CHECK dword [R(81)], 0x00000000
        movzx eax, word [R(81) + 10]
        CHECK eax, 0x3820
        CHECK dword [R(82)], 0x00000002
        movzx eax, word [R(82) + 10]
        CHECK eax, 0x0220
        CHECK dword [R(83)], 0x80000000
        movzx eax, word [R(83) + 10]
        CHECK eax, 0x3801
        CHECK dword [R(84)], 0x00000000
        movzx eax, word [R(84) + 10]
        CHECK eax, 0x3820
        CHECK dword [R(85)], 0x00000001
        CHECK dword [R(85) + 4], 0x40000000
        movzx eax, word [R(85) + 10]
        CHECK eax, 0x0000
        CHECK dword [R(86)], 0xffff8000
        CHECK dword [R(86) + 4], 0xffffffff
        movzx eax, word [R(86) + 10]
        CHECK eax, 0x0020

        ; --- loads: C1 cleared, tags by value
        fninit
        SET_C1
        fld dword [cs:F_THREE]
        fld qword [cs:D_M1_1]
        fild word [cs:I16_MIN]
        fild dword [cs:I32_MIN]
        fild qword [cs:I64_MIN]
        fld dword [cs:F_ZERO]
        fld qword [cs:D_MZERO]
        fldz
        fnstsw [RES2]
        fnstenv [ENV]
        fstp tword [RES2 + 0x10]
        fstp tword [RES2 + 0x20]
        fstp tword [RES2 + 0x30]
        fstp tword [RES2 + 0x40]
        fstp tword [RES2 + 0x50]
        fstp tword [RES2 + 0x60]
        fstp tword [RES2 + 0x70]
        fstp tword [RES2 + 0x80]
        W_AT RES2, TOP(0)
        CHECK dword [ENV + 8], 0xffff0015       ; R0-R2 zero, R3-R7 valid
        X80_AT RES2 + 0x10, 0x0000, 0
        X80_AT RES2 + 0x20, 0x8000, 0
        X80_AT RES2 + 0x30, 0x0000, 0
        X80_AT RES2 + 0x40, 0xc03e, 0x8000000000000000
        X80_AT RES2 + 0x50, 0xc01e, 0x8000000000000000
        X80_AT RES2 + 0x60, 0xc00e, 0x8000000000000000
        X80_AT RES2 + 0x70, 0xbfff, 0x8cccccccccccd000
        X80_AT RES2 + 0x80, 0x4000, 0xc000000000000000
        ; a ninth push overflows the stack
        fninit
        fld1
        fld1
        fld1
        fld1
        fld1
        fld1
        fld1
        fld1
        fld qword [cs:D_THREE]
        fnstsw [RES2]
        fstp tword [RES2 + 0x10]
        W_AT RES2, TOP(7) | SW_C1 | SW_SF | SW_IE
        X80_AT RES2 + 0x10, 0xffff, 0xc000000000000000

        ; --- compares: C3 C2 C0, C1 cleared
        fninit
        fld1
        SET_C1
        fcom qword [cs:D_THREE]
        fnstsw [RES2]
        fcom dword [cs:F_ZERO]
        fnstsw [RES2 + 2]
        ficom word [cs:I16_M3]
        fnstsw [RES2 + 4]
        fcom qword [cs:D_ONE]
        fnstsw [RES2 + 6]
        ficom dword [cs:I32_THREE]
        fnstsw [RES2 + 8]
        fld qword [cs:D_THREE]
        fcom st1
        fnstsw [RES2 + 10]
        fucom st1
        fnstsw [RES2 + 12]
        fxch st1
        fucom st1
        fnstsw [RES2 + 14]
        fcomp qword [cs:D_ONE]
        fnstsw [RES2 + 16]
        fld1
        fucomp st1
        fnstsw [RES2 + 18]
        fld1
        fcompp
        fnstsw [RES2 + 20]
        fldz
        fld qword [cs:D_MZERO]
        fucompp
        fnstsw [RES2 + 22]
        fld1
        fcomp dword [cs:F_ZERO]
        fnstsw [RES2 + 24]
        fld1
        ficomp word [cs:I16_M3]
        fnstsw [RES2 + 26]
        fld1
        ficomp dword [cs:I32_THREE]
        fnstsw [RES2 + 28]
        fld qword [cs:D_MZERO]
        fcom dword [cs:F_ZERO]
        fnstsw [RES2 + 30]
        fcom qword [cs:D_QNAN]
        fnstsw [RES2 + 32]
        fnclex
        fucom st0
        fnstsw [RES2 + 34]
        W_AT RES2, TOP(7) | SW_C0
        W_AT RES2 + 2, TOP(7)
        W_AT RES2 + 4, TOP(7)
        W_AT RES2 + 6, TOP(7) | SW_C3
        W_AT RES2 + 8, TOP(7) | SW_C0
        W_AT RES2 + 10, TOP(6)
        W_AT RES2 + 12, TOP(6)
        W_AT RES2 + 14, TOP(6) | SW_C0
        W_AT RES2 + 16, TOP(7) | SW_C3
        W_AT RES2 + 18, TOP(7) | SW_C0
        W_AT RES2 + 20, TOP(0) | SW_C0
        W_AT RES2 + 22, TOP(0) | SW_C3
        W_AT RES2 + 24, TOP(0)
        W_AT RES2 + 26, TOP(0)
        W_AT RES2 + 28, TOP(0) | SW_C0
        W_AT RES2 + 30, TOP(7) | SW_C3
        W_AT RES2 + 32, TOP(7) | SW_C3 | SW_C2 | SW_C0 | SW_IE
        W_AT RES2 + 34, TOP(7) | SW_C3

        ; --- FCOMI and friends: ZF PF CF, OF SF AF cleared, C1 kept
        fninit
        SET_C1
        fld qword [cs:D_THREE]
        fld1
        mov al, 0x7f
        add al, 1                       ; OF SF AF set
        fcomi st1
        pushfd
        pop dword [RES2]
        fucomi st0
        pushfd
        pop dword [RES2 + 4]
        fld qword [cs:D_THREE]
        fucomip st2
        pushfd
        pop dword [RES2 + 8]
        SET_C1
        fcomip st1
        pushfd
        pop dword [RES2 + 12]
        fnstsw [RES2 + 16]
        fld qword [cs:D_QNAN]
        fucomi st1
        pushfd
        pop dword [RES2 + 20]
        fnstsw [RES2 + 24]
        mov eax, [RES2]
        and eax, 0x8d5
        CHECK eax, 0x001                ; 1 < 3: CF
        mov eax, [RES2 + 4]
        and eax, 0x8d5
        CHECK eax, 0x040                ; equal: ZF
        mov eax, [RES2 + 8]
        and eax, 0x8d5
        CHECK eax, 0x040                ; 3 = 3
        mov eax, [RES2 + 12]
        and eax, 0x8d5
        CHECK eax, 0x001                ; 1 < 3
        W_AT RES2 + 16, TOP(7) | SW_C1
        mov eax, [RES2 + 20]
        and eax, 0x8d5
        CHECK eax, 0x045                ; unordered: ZF PF CF
        W_AT RES2 + 24, TOP(6)

        ; --- register moves; the tags of what they move
        fninit
        SET_C1
        fld qword [cs:D_THREE]
        fld1
        fxch st1
        fchs
        fld st0
        fabs
        fst st2
        fstp st1
        fld tword [cs:X_INF]
        fchs
        fld st0
        fldz
        fld1
        SET_C1
        fxch st3
        fnstsw [RES2]
        fnstenv [ENV]
        fstp tword [RES2 + 0x10]
        fstp tword [RES2 + 0x20]
        fstp tword [RES2 + 0x30]
        fstp tword [RES2 + 0x40]
        fstp tword [RES2 + 0x50]
        fstp tword [RES2 + 0x60]
        W_AT RES2, TOP(2)
        CHECK dword [ENV + 8], 0xffff026f       ; R2, R4 special; R3 zero
        X80_AT RES2 + 0x10, 0xffff, 0x8000000000000000
        X80_AT RES2 + 0x20, 0x0000, 0
        X80_AT RES2 + 0x30, 0xffff, 0x8000000000000000
        X80_AT RES2 + 0x40, 0x3fff, 0x8000000000000000
        X80_AT RES2 + 0x50, 0x4000, 0xc000000000000000
        X80_AT RES2 + 0x60, 0x4000, 0xc000000000000000

        ; --- C1 cleared by every move
        fninit
        fld1
        fld1
        SET_C1
        fstp tword [RES2 + 0x40]
        fnstsw [RES2]
        SET_C1
        fst st1
        fnstsw [RES2 + 2]
        SET_C1
        fstp st1
        fnstsw [RES2 + 4]
        SET_C1
        fchs
        fnstsw [RES2 + 6]
        SET_C1
        fabs
        fnstsw [RES2 + 8]
        SET_C1
        fld st0
        fnstsw [RES2 + 10]
        SET_C1
        fxch st1
        fnstsw [RES2 + 12]
        SET_C1
        fld1
        fnstsw [RES2 + 14]
        SET_C1
        fldz
        fnstsw [RES2 + 16]
        SET_C1
        fld tword [RES2 + 0x40]
        fnstsw [RES2 + 18]
        W_AT RES2, TOP(7)
        W_AT RES2 + 2, TOP(7)
        W_AT RES2 + 4, TOP(0)
        W_AT RES2 + 6, TOP(0)
        W_AT RES2 + 8, TOP(0)
        W_AT RES2 + 10, TOP(7)
        W_AT RES2 + 12, TOP(7)
        W_AT RES2 + 14, TOP(6)
        W_AT RES2 + 16, TOP(5)
        W_AT RES2 + 18, TOP(4)

        ; --- a pending unmasked exception: #MF before anything changes
        mov eax, cr0
        or eax, 0x20                    ; NE
        mov cr0, eax
        fninit
        fldcw [cs:CW_PE_UNMASKED]
        fld1
        fdiv qword [cs:D_THREE]         ; PE: ES set
        TRY
        fld1
        CATCH 16, NOERR
        TRY
        fchs
        CATCH 16, NOERR
        TRY
        fcom qword [cs:D_ONE]
        CATCH 16, NOERR
        fnstsw ax
        movzx eax, ax
        CHECK eax, 0x8000 | TOP(7) | SW_C1 | 0x80 | SW_PE
        fnclex
        fldcw [cs:CW_DEF]
        fstp tword [RES2]
        X80_AT RES2, 0x3ffd, 0xaaaaaaaaaaaaaaab

        ; --- stack underflows (masked): the indefinite
        fninit
        fld1
        fadd st0, st1
        fnstsw [RES2]
        fninit
        fxch st2
        fnstsw [RES2 + 2]
        fninit
        fstp qword [RES2 + 8]
        fnstsw [RES2 + 4]
        W_AT RES2, TOP(7) | SW_SF | SW_IE
        W_AT RES2 + 2, TOP(0) | SW_SF | SW_IE
        W_AT RES2 + 4, TOP(1) | SW_SF | SW_IE
        CHECK dword [RES2 + 8], 0
        CHECK dword [RES2 + 12], 0xfff80000

        ; --- MMX values in the registers: tagged valid, not numbers
        fninit
        movq mm0, [cs:D_ONE]
        movq mm1, [cs:D_THREE]
        fadd st0, st1
        fnstsw [RES2]
        fstp tword [RES2 + 0x10]
        emms
        W_AT RES2, TOP(0) | SW_IE
        X80_AT RES2 + 0x10, 0xffff, 0xc000000000000000

        ; --- m80 operands at 16-bit addresses: the exponent part wraps
        ; around on its own (in a segment based at 100h, inside a page)
        SET_DESC SEL_FREE, 0x100, 0xfffff, 0x92, 0xc
        mov ax, SEL_FREE
        mov es, ax
        fninit
        mov dword [0x100fa], 0
        mov dword [0x100fe], 0x80000000
        mov word [0x102], 0x3fff
        mov word [0x10102], 0x1234
        a16 fld tword [es:0xfffa]
        fstp tword [RES2]
        fld qword [cs:D_THREE]
        a16 fstp tword [es:0xfffa]
        mov ax, SEL_DATA
        mov es, ax
        X80_AT RES2, 0x3fff, 0x8000000000000000
        W_AT 0x102, 0x4000
        W_AT 0x10102, 0x1234
        CHECK dword [0x100fe], 0xc0000000

        ; --- FIP, FOP, FDP, FDS: the last x87 instruction's, mid-block
        fninit
        mov dword [RES2 + 0x20], 0
        mov dword [RES2 + 0x24], 0x3ff00000
        fld qword [cs:D_THREE]
.i1:    fadd qword [RES2 + 0x20]
.i2:    fld1
        fnstenv [ENV]
        CHECK dword [ENV + 12], .i2
        CHECK dword [ENV + 16], SEL_CODE32 | 0x1e8 << 16
        CHECK dword [ENV + 20], RES2 + 0x20
        CHECK dword [ENV + 24], 0xffff0000 | SEL_DATA
        fninit
        fld qword [cs:D_THREE]
.i3:    fmul qword [cs:D_HALF]
        fnstenv [ENV]
        CHECK dword [ENV + 12], .i3
        CHECK dword [ENV + 16], SEL_CODE32 | 0x40d << 16
        CHECK dword [ENV + 20], D_HALF
        CHECK dword [ENV + 24], 0xffff0000 | SEL_CODE32
        CHECK dword [ENV + 4], 0xffff0000 | TOP(7)

        ; --- FLDCW, FNSTCW, FNSTSW AX
        fninit
        mov word [RES2], 0x0f7f
        fldcw [RES2]
        fnstcw [RES2 + 2]
        W_AT RES2 + 2, 0x0f7f
        fld1
        fdiv qword [cs:D_THREE]         ; toward zero: down
        fnstsw ax
        movzx eax, ax
        CHECK eax, TOP(7) | SW_PE
        fstp tword [RES2 + 0x10]
        X80_AT RES2 + 0x10, 0x3ffd, 0xaaaaaaaaaaaaaaaa
        fldcw [cs:CW_DEF]

        ; --- operands that fault, and #NM: nothing changes first
        fninit
        fld1
        mov ax, SEL_DATA16
        mov es, ax
        TRY
        fadd qword [es:0xfffc]          ; past the limit
        CATCH EXC_GP, 0
        mov ax, SEL_DATA
        mov es, ax
        fnstsw ax
        movzx eax, ax
        CHECK eax, TOP(7)
        mov eax, cr0
        or eax, 8                       ; TS
        mov cr0, eax
        TRY
        fmul st0, st0
        CATCH EXC_NM, NOERR
        clts
        fstp tword [RES2]
        X80_AT RES2, 0x3fff, 0x8000000000000000

        PUTS32 "tcg_x87 ok", 10
        PASS

        align 16
X_ONE:           dq 0x8000000000000000 ; 1
                 dw 0x3fff
X_ONE_E:         dq 0x8000000000000001 ; 1 + 2^-63
                 dw 0x3fff
X_TWO_E:         dq 0xffffffffffffffff ; 2 - 2^-63
                 dw 0x3fff
X_15E:           dq 0xc000000000000001 ; 1.5 + 2^-63
                 dw 0x3fff
X_ONE_M64:       dq 0xffffffffffffffff ; 1 - 2^-64
                 dw 0x3ffe
X_MIN:           dq 0x8000000000000000 ; the smallest normal
                 dw 0x0001
X_MAX:           dq 0xffffffffffffffff ; the largest finite
                 dw 0x7ffe
X_INF:           dq 0x8000000000000000 ; +infinity
                 dw 0x7fff
X_S1:            dq 0x8000000000000400 ; 1 + 2^-53
                 dw 0x3fff
X_S2:            dq 0x8000000000000c00 ; 1 + 2^-52 + 2^-53
                 dw 0x3fff
X_S3:            dq 0xfffffffffffffe00 ; 2 - 2^-54
                 dw 0x3fff
X_S4:            dq 0x8000008000000000 ; 1 + 2^-24
                 dw 0x3fff
X_S5:            dq 0x8000018000000000 ; 1 + 2^-23 + 2^-24
                 dw 0x3fff
X_BIG:           dq 0x8000000000000000 ; 2^1024
                 dw 0x43ff
X_TINY:          dq 0x8000000000000000 ; 2^-1023
                 dw 0x3c00
X_2_5:           dq 0xa000000000000000 ; 2.5
                 dw 0x4000
X_3_5:           dq 0xe000000000000000 ; 3.5
                 dw 0x4000
X_M2_5:          dq 0xa000000000000000 ; -2.5
                 dw 0xc000
X_32767_5:       dq 0xffff000000000000 ; 32767.5
                 dw 0x400d
X_M32768_5:      dq 0x8000800000000000 ; -32768.5
                 dw 0xc00e
X_HALF:          dq 0x8000000000000000 ; 0.5
                 dw 0x3ffe
X_1_5:           dq 0xc000000000000000 ; 1.5
                 dw 0x3fff
X_2P31_M:        dq 0xffffffff00000000 ; 2^31 - 0.5
                 dw 0x401d
X_2P62_1:        dq 0x8000000000000002 ; 2^62 + 1
                 dw 0x403d
X_M_TINY:        dq 0x8000000000000000 ; -2^-15
                 dw 0xbff0
D_2M64:          dq 0x3bf0000000000000 ; 2^-64
D_2M70:          dq 0x3b90000000000000 ; 2^-70
D_M15:           dq 0xbff8000000000000 ; -1.5
D_THREE:         dq 0x4008000000000000 ; 3
D_HALF:          dq 0x3fe0000000000000 ; 0.5
D_ZERO:          dq 0x0000000000000000 ; +0
D_MZERO:         dq 0x8000000000000000 ; -0
D_DENORM:        dq 0x0000000000000001 ; the smallest denormal
D_SNAN:          dq 0x7ff0000000000001 ; an SNaN
D_ONE:           dq 0x3ff0000000000000 ; 1
D_M1_1:          dq 0xbff199999999999a ; -1.1
F_THREE:         dd 0x40400000 ; 3
F_ZERO:          dd 0x00000000 ; +0
F_ONE_P:         dd 0x3f800001 ; 1 + 2^-23
F_DENORM:        dd 0x00000001 ; 2^-149, a denormal
I32_THREE:       dd 0x00000003 ; 3
I32_BIG:         dd 0x7fffffff ; 2^31 - 1
I32_MIN:         dd 0x80000000 ; -2^31
I16_M3:          dw 0xfffd ; -3
I16_MIN:         dw 0x8000 ; -32768
I64_MIN:         dq 0x8000000000000000 ; -2^63
CW_PC53:         dw 0x027f ; precision 53 bits
CW_PC24:         dw 0x007f ; precision 24 bits
CW_DEF:          dw 0x037f ; the default
CW_UP:           dw 0x0b7f ; rounding up
CW_PE_UNMASKED:  dw 0x035f ; PE unmasked
D_QNAN:          dq 0x7ff8000000000000 ; a QNaN

        PM_LIB
        GUEST_LIB
        ROM_END
