; MMX: wrapping and saturating arithmetic, multiplies, packs, unpacks,
; compares, shifts, logic, MOVD/MOVQ; the x87 aliasing (TOP 0, all tags
; valid, exponent all ones on write) and EMMS; #MF for a pending x87
; error.
; expect: mmx_arith ok
%include "guest.inc"
%include "fpu.inc"

; MMXOP insn, a, b, expected, failcode: mm0 = a; insn mm0, b; check.
%macro MMXOP 5
        movq mm0, [cs:%2]
        %1 mm0, [cs:%3]
        movq [RES], mm0
        CHECK_BYTES RES, %4, 8, %5
%endmacro

        TEST_START
        fninit
        MMXOP paddsb, b_a, b_b, r_paddsb, 1
        MMXOP paddusb, b_a, b_b, r_paddusb, 2
        MMXOP psubsb, b_a, b_b, r_psubsb, 3
        MMXOP psubb, b_a, b_b, r_psubb, 4
        MMXOP psubusw, w_a, w_b, r_psubusw, 5
        MMXOP paddw, w_c, w_d, r_paddw, 6
        MMXOP paddsw, w_c, w_d, r_paddsw, 7
        MMXOP pmaddwd, w_e, w_f, r_pmaddwd, 8
        MMXOP pmulhw, w_g, w_h, r_pmulhw, 9
        MMXOP pmullw, w_g, w_h, r_pmullw, 10
        MMXOP packsswb, w_p, w_q, r_packsswb, 11
        MMXOP packuswb, w_p, w_q, r_packuswb, 12
        MMXOP packssdw, d_p, d_q, r_packssdw, 13
        MMXOP punpcklbw, seq_lo, seq_hi, r_punpcklbw, 14
        MMXOP punpckhdq, seq_lo, seq_hi, r_punpckhdq, 15
        MMXOP punpcklwd, seq_lo, seq_hi, r_punpcklwd, 16
        MMXOP pcmpgtw, w_gt_a, w_gt_b, r_pcmpgtw, 17
        MMXOP pcmpeqb, seq_lo, seq_lo_mod, r_pcmpeqb, 18
        MMXOP pandn, seq_lo, seq_hi, r_pandn, 19
        MMXOP pxor, seq_lo, seq_hi, r_pxor, 20
        MMXOP psrlw, seq_hi, cnt_4, r_psrlw4, 21
        MMXOP psrld, seq_hi, cnt_32, r_zero, 22
        MMXOP psrad, seq_hi, cnt_32, r_psrad32, 23

        ; shifts by immediate
        movq mm3, [cs:seq_q]
        psllq mm3, 4
        movq [RES], mm3
        CHECK_BYTES RES, r_psllq4, 8, 24
        movq mm3, [cs:w_sra]
        psraw mm3, 15
        movq [RES], mm3
        CHECK_BYTES RES, r_psraw15, 8, 25

        ; MOVD: to a register, and back zero-extended
        movq mm1, [cs:seq_q]
        movd eax, mm1
        cmp eax, 0x89abcdef
        je .v1
        FAIL 26
.v1:    movd mm2, eax
        movq [RES], mm2
        CHECK_BYTES RES, r_movd, 8, 27
        movq mm4, mm2                   ; register form
        movq [RES], mm4
        CHECK_BYTES RES, r_movd, 8, 28

        ; the x87 view: TOP 0, no register empty, R2 exponent all ones.
        ; FNSTENV tags each register by its contents (SDM vol. 3,
        ; "Effect of MMX, x87 FPU, FXSAVE, and FXRSTOR Instructions on the
        ; x87 FPU Tag Word"; so does the hardware): R2 is special (10b).
        fnstenv [RES]
        mov ax, [RES + 4]
        mov bx, ax
        shr bx, 1
        and bx, ax
        test bx, 0x5555                 ; a pair 11b: empty
        jz .x0
        FAIL 29
.x0:    and ax, 0x0030
        cmp ax, 0x0020
        je .x1
        FAIL 29
.x1:    test word [RES + 2], SW_TOP
        jz .x2
        FAIL 30
.x2:    fsave [RES]
        CHECK_BYTES RES + 14 + 2 * 10, r_r2_as_x87, 10, 31
        ; EMMS empties every tag
        movq mm0, mm1
        emms
        fnstenv [RES]
        cmp word [RES + 4], 0xffff
        je .x3
        FAIL 32
.x3:
        ; a pending x87 exception: MMX raises #MF (CR0.NE)
        SET_VECTOR 16, mf_handler
        mov word [0x480], 0
        mov eax, cr0
        or eax, 0x20
        mov cr0, eax
        fninit
        fldcw [cs:cw_ze]
        fld1
        fldz
        fdivp st1, st0
        paddb mm0, mm1
        cmp word [0x480], 1
        je .x4
        FAIL 33
.x4:    emms
        PUTS "mmx_arith ok", 10
        PASS

mf_handler:
        inc word [0x480]
        fnclex
        iret

cw_ze:          dw 0x037b
b_a:            db 0x7f, 0x80, 0x01, 0xff, 0x10, 0xf0, 0x40, 0x00
b_b:            db 0x01, 0xff, 0x7f, 0x01, 0x10, 0xf0, 0x40, 0x00
r_paddsb:       db 0x7f, 0x80, 0x7f, 0x00, 0x20, 0xe0, 0x7f, 0x00
r_paddusb:      db 0x80, 0xff, 0x80, 0xff, 0x20, 0xff, 0x80, 0x00
r_psubsb:       db 0x7e, 0x81, 0x82, 0xfe, 0x00, 0x00, 0x00, 0x00
r_psubb:        db 0x7e, 0x81, 0x82, 0xfe, 0x00, 0x00, 0x00, 0x00
w_a:            dw 0x0005, 0x1000, 0xffff, 0x8000
w_b:            dw 0x0006, 0x0fff, 0x0001, 0x8001
r_psubusw:      dw 0x0000, 0x0001, 0xfffe, 0x0000
w_c:            dw 0xffff, 0x7fff, 0x0001, 0x8000
w_d:            dw 0x0001, 0x0001, 0xffff, 0x8000
r_paddw:        dw 0x0000, 0x8000, 0x0000, 0x0000
r_paddsw:       dw 0x0000, 0x7fff, 0x0000, 0x8000
w_e:            dw 1, 2, -3, 0x8000
w_f:            dw 3, 4, 5, 0x8000
r_pmaddwd:      dd 11, 0x3ffffff1
w_g:            dw 0x4000, -2, 0x7fff, 0x8000
w_h:            dw 0x4000, 3, 0x7fff, 0x8000
r_pmulhw:       dw 0x1000, 0xffff, 0x3fff, 0x4000
r_pmullw:       dw 0x0000, 0xfffa, 0x0001, 0x0000
w_p:            dw 0x0080, 0xff7f, 0x0010, 0xfff0
w_q:            dw 0x7fff, 0x8000, 0x0001, 0x0000
r_packsswb:     db 0x7f, 0x80, 0x10, 0xf0, 0x7f, 0x80, 0x01, 0x00
r_packuswb:     db 0x80, 0x00, 0x10, 0x00, 0xff, 0x00, 0x01, 0x00
d_p:            dd 0x00012345, 0xfffe0000
d_q:            dd 0x00007fff, 0xffff8000
r_packssdw:     dw 0x7fff, 0x8000, 0x7fff, 0x8000
seq_lo:         db 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
seq_hi:         db 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
seq_lo_mod:     db 0x00, 0x11, 0x23, 0x33, 0x44, 0x00, 0x66, 0x77
r_punpcklbw:    db 0x00, 0x88, 0x11, 0x99, 0x22, 0xaa, 0x33, 0xbb
r_punpckhdq:    db 0x44, 0x55, 0x66, 0x77, 0xcc, 0xdd, 0xee, 0xff
r_punpcklwd:    db 0x00, 0x11, 0x88, 0x99, 0x22, 0x33, 0xaa, 0xbb
w_gt_a:         dw 1, -1, 0x8000, 5
w_gt_b:         dw -1, 1, 0x7fff, 5
r_pcmpgtw:      dw 0xffff, 0, 0, 0
r_pcmpeqb:      db 0xff, 0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0xff
r_pandn:        db 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88
r_pxor:         db 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88
cnt_4:          dq 4
cnt_32:         dq 32
r_psrlw4:       dw 0x0998, 0x0bba, 0x0ddc, 0x0ffe
r_zero:         dq 0
r_psrad32:      dd 0xffffffff, 0xffffffff
seq_q:          dq 0x0123456789abcdef
r_psllq4:       dq 0x123456789abcdef0
w_sra:          dw 0x8000, 0x7fff, 0xffff, 0x0001
r_psraw15:      dw 0xffff, 0x0000, 0xffff, 0x0000
r_movd:         dq 0x0000000089abcdef
r_r2_as_x87:    dq 0x0000000089abcdef
                dw 0xffff

        GUEST_LIB
        ROM_END
