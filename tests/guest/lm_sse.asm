; SSE, SSE2 and SSE3 in 64-bit mode on qemu64, with exact results:
; XMM8-15 through REX.R/REX.B, REX on MMX-register forms (ignored for the
; MMX register, extending the GPR or memory operand), the REX.W forms
; (MOVD/MOVQ with r/m64, CVTSI2SS/SD from r/m64, CVT(T)SS2SI/SD2SI to
; r64, 32-bit results zero-extended, PEXTRW PMOVMSKB MOVMSKPS/PD, MOVNTI
; m64), RIP-relative operands followed by an immediate byte, MASKMOVDQU
; through RDI or (67) EDI, FXSAVE/FXRSTOR with and without REX.W (64-bit
; or 32-bit FPU IP/DP, XMM0-15 either way; #GP, #SS, #PF order and CR2),
; canonical and alignment checks of 16-byte operands, and SSSE3 absent
; (#UD) on this model.
; pcvm-args: -no-reboot
; kvm-needs: paging cpuid
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define FXA     LM_FREE_RAM             ; FXSAVE areas (512 bytes each)
%define FXB     (LM_FREE_RAM + 0x200)
%define FXC     (LM_FREE_RAM + 0x400)
%define BUF     (LM_FREE_RAM + 0x800)   ; MASKMOV*, MOVNTI, stores
%define MXCSR_PE 0x20


; MXCHK value: MXCSR holds @value.
%macro MXCHK 1
        stmxcsr [test_scratch]
        mov eax, [test_scratch]
        CHECK rax, %1
%endmacro

; LDMX value: load MXCSR.
%macro LDMX 1
        mov dword [test_scratch], %1
        ldmxcsr [test_scratch]
%endmacro

        TEST_START
        LM_ENTER

        ; SSE on: CR0.EM and TS off, MP on; CR4.OSFXSR and OSXMMEXCPT.
        mov rax, cr0
        and eax, ~((1 << 2) | (1 << 3))
        or eax, 1 << 1
        mov cr0, rax
        mov rax, cr4
        or eax, (1 << 9) | (1 << 10)
        mov cr4, rax

        ; --- CPUID: SSE, SSE2, SSE3; no SSSE3 ---
        mov eax, 1
        cpuid
        mov eax, edx
        shr eax, 25
        and eax, 3
        CHECK rax, 3
        mov eax, ecx
        and eax, (1 << 0) | (1 << 9)
        CHECK rax, 1

        ; --- XMM0-15 are sixteen registers ---
        lea rsi, [rel vecs]
        movdqu xmm0, [rsi]
        movdqu xmm1, [rsi + 16]
        movdqu xmm2, [rsi + 32]
        movdqu xmm3, [rsi + 48]
        movdqu xmm4, [rsi + 64]
        movdqu xmm5, [rsi + 80]
        movdqu xmm6, [rsi + 96]
        movdqu xmm7, [rsi + 112]
        movdqu xmm8, [rsi + 128]
        movdqu xmm9, [rsi + 144]
        movdqu xmm10, [rsi + 160]
        movdqu xmm11, [rsi + 176]
        movdqu xmm12, [rsi + 192]
        movdqu xmm13, [rsi + 208]
        movdqu xmm14, [rsi + 224]
        movdqu xmm15, [rsi + 240]
        XCHK xmm0, 0x0706050403020100, 0x0f0e0d0c0b0a0908
        XCHK xmm7, 0x7776757473727170, 0x7f7e7d7c7b7a7978
        XCHK xmm8, 0x8786858483828180, 0x8f8e8d8c8b8a8988
        XCHK xmm11, 0xb7b6b5b4b3b2b1b0, 0xbfbebdbcbbbab9b8
        XCHK xmm15, 0xf7f6f5f4f3f2f1f0, 0xfffefdfcfbfaf9f8
        movdqa xmm9, xmm2               ; REX.R
        XCHK xmm9, 0x2726252423222120, 0x2f2e2d2c2b2a2928
        movdqa xmm3, xmm12              ; REX.B
        XCHK xmm3, 0xc7c6c5c4c3c2c1c0, 0xcfcecdcccbcac9c8
        pxor xmm10, xmm11               ; REX.R and REX.B
        XCHK xmm10, 0x1010101010101010, 0x1010101010101010
        paddb xmm15, xmm8
        XCHK xmm15, 0x7e7c7a7876747270, 0x8e8c8a8886848280
        XCHK xmm2, 0x2726252423222120, 0x2f2e2d2c2b2a2928
        XCHK xmm12, 0xc7c6c5c4c3c2c1c0, 0xcfcecdcccbcac9c8

        ; --- masks to 32- or 64-bit registers, zero-extended ---
        mov r8, -1
        pmovmskb r8d, xmm15
        CHECK r8, 0xff00
        mov r8, -1
        db 0x66, 0x4d, 0x0f, 0xd7, 0xc7 ; pmovmskb r8, xmm15 (REX.W)
        CHECK r8, 0xff00
        mov r9, -1
        movmskps r9d, xmm3
        CHECK r9, 0xf
        mov r9, -1
        db 0x66, 0x4d, 0x0f, 0x50, 0xcc ; movmskpd r9, xmm12 (REX.W)
        CHECK r9, 3

        ; --- MOVD/MOVQ between XMM and r/m32, r/m64 ---
        mov r10, 0x0123456789abcdef
        movq xmm9, r10                  ; 66 REX.W 0F 6E
        XCHK xmm9, 0x0123456789abcdef, 0
        movd xmm9, r10d
        XCHK xmm9, 0x89abcdef, 0
        movq xmm9, r10
        mov r12, -1
        movq r12, xmm9                  ; 66 REX.W 0F 7E
        CHECK r12, r10
        mov r12, -1
        movd r12d, xmm9
        CHECK r12, 0x89abcdef
        lea rbx, [rel q_pattern]
        db 0x66, 0x4c, 0x0f, 0x6e, 0x13 ; movq xmm10, [rbx]
        XCHK xmm10, 0xfedcba9876543210, 0
        db 0x66, 0x44, 0x0f, 0x6e, 0x13 ; movd xmm10, [rbx]
        XCHK xmm10, 0x76543210, 0
        mov rbx, BUF
        mov qword [rbx], -1
        mov qword [rbx + 8], -1
        db 0x66, 0x4c, 0x0f, 0x7e, 0x0b ; movq [rbx], xmm9
        CHECK qword [rbx], r10
        CHECK qword [rbx + 8], -1
        mov qword [rbx], -1
        db 0x66, 0x44, 0x0f, 0x7e, 0x0b ; movd [rbx], xmm9
        mov rax, 0xffffffff89abcdef
        CHECK qword [rbx], rax

        ; --- MMX registers: REX.W widens the GPR, REX.R/B name mm0-7 ---
        mov r8, 0x1122334455667788
        movq mm1, r8                    ; REX.W REX.B 0F 6E
        movq rax, mm1
        CHECK rax, r8
        db 0x4c, 0x0f, 0x6e, 0xd0       ; movq mm2 (REX.R ignored), rax
        movq rcx, mm2
        CHECK rcx, r8
        mov rax, 0x0101010101010101
        movq mm2, rax
        db 0x45, 0x0f, 0xfc, 0xca       ; paddb mm1, mm2 (REX.R, REX.B)
        movq rax, mm1
        mov rcx, 0x1223344556677889
        CHECK rax, rcx
        lea r9, [rel q_one]
        paddq mm1, [r9]                 ; REX.B extends the base
        movq rax, mm1
        mov rcx, 0x122334455667788a
        CHECK rax, rcx
        mov rax, -1
        movd eax, mm1
        CHECK rax, 0x5667788a
        emms

        ; --- conversions with 64-bit integers ---
        LDMX 0x1f80
        mov r12, 0x123456789
        cvtsi2sd xmm11, r12
        XCHK xmm11, 0x41f2345678900000, 0xbfbebdbcbbbab9b8
        MXCHK 0x1f80                    ; exact
        mov rax, 0x8000000000000000
        cvtsi2sd xmm11, rax
        XCHK xmm11, 0xc3e0000000000000, 0xbfbebdbcbbbab9b8
        mov rax, 0xffffffff80000000
        cvtsi2sd xmm11, eax             ; the low 32 bits, signed
        XCHK xmm11, 0xc1e0000000000000, 0xbfbebdbcbbbab9b8
        lea rbx, [rel q_pattern]
        cvtsi2sd xmm13, qword [rbx]
        XCHK xmm13, 0xc3723456789abcdf, 0xdfdedddcdbdad9d8
        MXCHK 0x1f80                    ; 53 significant bits: exact
        cvtsi2sd xmm13, dword [rbx]
        XCHK xmm13, 0x41dd950c84000000, 0xdfdedddcdbdad9d8
        mov rax, 0x7fffffffffffffff
        cvtsi2ss xmm12, rax             ; rounds to 2^63
        XCHK xmm12, 0xc7c6c5c45f000000, 0xcfcecdcccbcac9c8
        MXCHK 0x1f80 | MXCSR_PE
        LDMX 0x3f80                     ; round down
        mov rax, 0x7fffffffffffffff
        cvtsi2ss xmm12, rax
        XCHK xmm12, 0xc7c6c5c45effffff, 0xcfcecdcccbcac9c8
        LDMX 0x1f80
        mov rax, 0x426d1a94a2000000     ; 1e12
        movq xmm14, rax
        cvttsd2si r13, xmm14
        mov rax, 1000000000000
        CHECK r13, rax
        MXCHK 0x1f80
        cvttsd2si r13d, xmm14           ; too big: indefinite, zero-extended
        CHECK r13, 0x80000000
        MXCHK 0x1f81                    ; IE
        LDMX 0x1f80
        mov rax, 0x43e158e460913d00     ; 1e19
        movq xmm14, rax
        cvtsd2si r13, xmm14
        mov rax, 0x8000000000000000
        CHECK r13, rax
        mov rax, 0x4004000000000000     ; 2.5: to even
        movq xmm14, rax
        cvtsd2si r13, xmm14
        CHECK r13, 2
        cvttss2si r14, dword [rel f_2p40]
        mov rax, 0x10000000000
        CHECK r14, rax
        mov r14, -1
        cvtss2si r14d, dword [rel f_2p40]
        CHECK r14, 0x80000000
        mov r14, -1
        cvtss2si r14, dword [rel f_m3]
        CHECK r14, -3

        ; --- PEXTRW, PINSRW, MOVNTI ---
        movq xmm9, r10                  ; 0x0123456789abcdef
        mov r15, -1
        pextrw r15d, xmm9, 3
        CHECK r15, 0x0123
        mov r15, -1
        db 0x66, 0x4d, 0x0f, 0xc5, 0xf9, 1 ; pextrw r15, xmm9, 1 (REX.W)
        CHECK r15, 0x89ab
        mov rax, 0xffffffffffff5a5a
        db 0x66, 0x4c, 0x0f, 0xc4, 0xc8, 0 ; pinsrw xmm9, eax, 0 (REX.W)
        XCHK xmm9, 0x0123456789ab5a5a, 0
        mov rbx, BUF
        mov qword [rbx], -1
        movnti [rbx], r10
        CHECK qword [rbx], r10
        mov qword [rbx], -1
        movnti [rbx], r10d
        mov rax, 0xffffffff89abcdef
        CHECK qword [rbx], rax

        ; --- RIP-relative operands followed by an immediate byte ---
        pshufd xmm8, [rel vecs + 16], 0x1b
        XCHK xmm8, 0x1b1a19181f1e1d1c, 0x1312111017161514
        movups xmm1, [rel f_1234]
        cmpps xmm1, [rel f_2222], 1     ; less than
        XCHK xmm1, 0x00000000ffffffff, 0
        movdqu xmm2, [rel vecs + 32]
        shufps xmm2, [rel f_1234], 0x4e
        XCHK xmm2, 0x2f2e2d2c2b2a2928, 0x400000003f800000
        movdqu xmm4, [rel vecs + 64]
        pinsrw xmm4, [rel w_beef], 3
        XCHK xmm4, 0xbeef454443424140, 0x4f4e4d4c4b4a4948
        pshufw mm0, [rel q_pattern], 0x1b
        movq rax, mm0
        mov rcx, 0x32107654ba98fedc
        CHECK rax, rcx
        emms
        pshufhw xmm5, [rel vecs + 96], 0x1b
        XCHK xmm5, 0x6766656463626160, 0x69686b6a6d6c6f6e
        mov rax, 0x3ff8000000000000
        movq xmm13, rax
        cmpsd xmm13, [rel d_1p5], 2     ; less or equal
        XCHK xmm13, -1, 0
        ; 67: EIP-relative, the immediate after it.
        db 0x67, 0x66, 0x44, 0x0f, 0x70, 0x05 ; pshufd xmm8, [eip + x], 0xe4
        dd vecs + 32 - .eip_end
        db 0xe4
.eip_end:
        XCHK xmm8, 0x2726252423222120, 0x2f2e2d2c2b2a2928

        ; --- SSE3 on XMM8-15 ---
        movddup xmm14, [rel d_1p5]
        XCHK xmm14, 0x3ff8000000000000, 0x3ff8000000000000
        haddpd xmm14, xmm14
        XCHK xmm14, 0x4008000000000000, 0x4008000000000000
        lea rbx, [rel vecs + 3]
        lddqu xmm15, [rbx]
        XCHK xmm15, 0x0a09080706050403, 0x1211100f0e0d0c0b

        ; --- MASKMOVDQU / MASKMOVQ: RDI, or EDI with 67 ---
        movdqu xmm2, [rel mask_alt]
        mov rdi, BUF
        mov qword [rdi], 0
        mov qword [rdi + 8], 0
        mov rax, 0xdead000000000000
        or rdi, rax                     ; not canonical; 67 ignores it
        movdqu xmm1, [rel vecs + 16]
        a32 maskmovdqu xmm1, xmm2
        mov rbx, BUF
        CHECK qword [rbx], 0x0016001400120010
        CHECK qword [rbx + 8], 0x001e001c001a0018
        movdqu xmm10, xmm2
        movdqu xmm9, [rel vecs + 32]
        lea rdi, [rbx + 16]
        maskmovdqu xmm9, xmm10
        CHECK qword [rbx + 16], 0x0026002400220020
        CHECK qword [rbx + 24], 0x002e002c002a0028
        mov rdi, 0x8000000000000000
        TRY
        maskmovdqu xmm9, xmm10          ; RDI not canonical
        CATCH EXC_GP, 0
        movq mm1, [rel q_pattern]
        movq mm2, [rel mask_alt]
        lea rdi, [rbx + 32]
        mov qword [rdi], 0
        db 0x41, 0x0f, 0xf7, 0xca       ; maskmovq mm1, mm2 (REX.B ignored)
        CHECK qword [rbx + 32], 0x00dc009800540010
        emms

        ; --- FXSAVE64 and FXSAVE in 64-bit mode ---
        mov rdi, FXA
        mov ecx, 3 * 512 / 8
        mov rax, 0xaaaaaaaaaaaaaaaa
        rep stosq
        movdqu xmm8, [rel vecs + 128]
        movdqu xmm15, [rel vecs + 240]
        LDMX 0x1f80
        fninit
.fld:   fld qword [rel d_1p5]
        fxsave64 [FXA]
        movzx eax, word [FXA]
        CHECK rax, 0x037f               ; FCW
        movzx eax, word [FXA + 2]
        CHECK rax, 0x3800               ; FSW: TOP 7
        movzx eax, word [FXA + 4]
        CHECK rax, 0x80                 ; R7 valid (and a zero byte)
        movzx eax, word [FXA + 6]
        CHECK rax, 0x505                ; FOP: DD /0, ModRM 05
        CHECK qword [FXA + 8], LIN(.fld)
        CHECK qword [FXA + 16], LIN(d_1p5)
        CHECK qword [FXA + 24], 0x0000ffff00001f80 ; MXCSR, MXCSR_MASK
        mov rax, 0xc000000000000000
        CHECK qword [FXA + 32], rax     ; ST0 = 1.5
        CHECK qword [FXA + 40], 0x3fff
        mov rax, 0x8786858483828180
        CHECK qword [FXA + 160 + 16 * 8], rax ; XMM8
        mov rax, 0xfffefdfcfbfaf9f8
        CHECK qword [FXA + 160 + 16 * 15 + 8], rax ; XMM15
        mov rax, 0xaaaaaaaaaaaaaaaa
        CHECK qword [FXA + 464], rax    ; not written
        CHECK qword [FXA + 504], rax
        fxsave [FXB]                    ; 32-bit FPU IP and DP, with selectors
        CHECK qword [FXB + 8], LIN(.fld) | (SEL_CODE64 << 32)
        CHECK qword [FXB + 16], LIN(d_1p5) | (SEL_DATA << 32)
        mov rax, 0xfffefdfcfbfaf9f8
        CHECK qword [FXB + 160 + 16 * 15 + 8], rax ; XMM8-15 all the same

        ; --- FXRSTOR64 and FXRSTOR ---
        mov qword [FXA + 160 + 16 * 15], 0x1234
        mov qword [FXA + 160 + 16 * 15 + 8], 0x5678
        mov dword [FXA + 24], 0x3f80
        mov rax, 0x0000123456789abc
        mov [FXA + 8], rax
        fxrstor64 [FXA]
        XCHK xmm15, 0x1234, 0x5678
        MXCHK 0x3f80
        fxsave64 [FXC]
        mov rax, 0x0000123456789abc
        CHECK qword [FXC + 8], rax      ; the 64-bit FPU IP round trip
        mov qword [FXB + 160 + 16 * 8], 0xabcdef
        mov qword [FXB + 160 + 16 * 8 + 8], 0
        fxrstor [FXB]                   ; XMM8-15 too in 64-bit mode
        XCHK xmm8, 0xabcdef, 0
        MXCHK 0x1f80
        fninit

        ; --- FXSAVE/FXRSTOR faults ---
        mov dword [FXA + 24], 0x11f80   ; a reserved MXCSR bit
        TRY
        fxrstor64 [FXA]
        CATCH EXC_GP, 0
        TRY
        fxsave [FXA + 8]                ; misaligned
        CATCH EXC_GP, 0
        ; Not canonical: through RBP #SS, before the alignment check.
        mov rbp, 0x8000000000000008
        TRY
        fxsave [rbp]
        CATCH EXC_SS, 0
        mov rax, rbp
        TRY
        fxsave [rax]
        CATCH EXC_GP, 0
        ; A 16-byte operand checks its alignment first.
        TRY
        movaps xmm0, [rbp]
        CATCH EXC_GP, 0
        mov rbp, 0x8000000000000000
        TRY
        movaps xmm0, [rbp]
        CATCH EXC_SS, 0
        ; Pages: the last byte's first (CR2 = the last byte when its page
        ; is missing), nothing written. 2 MiB at 400000h unmapped.
        and qword [PD0 + 8 * 2], ~PTE_P
        invlpg [0x400000]
        mov rdi, 0x3fff00
        mov ecx, 256 / 8
        mov rax, 0x5555555555555555
        rep stosq
        TRY
        fxsave [0x3fff00]
        CATCH EXC_PF, PF_W
        mov rax, cr2
        CHECK rax, 0x4000ff
        mov rax, 0x5555555555555555
        CHECK qword [0x3fff00], rax
        CHECK qword [0x3ffff8], rax
        TRY
        fxsave [0x400100]
        CATCH EXC_PF, PF_W
        mov rax, cr2
        CHECK rax, 0x4002ff
        TRY
        fxsave [0x5fff00]               ; the first page missing
        CATCH EXC_PF, PF_W
        mov rax, cr2
        CHECK rax, 0x5fff00
        TRY
        fxrstor [0x3fff00]
        CATCH EXC_PF, 0
        mov rax, cr2
        CHECK rax, 0x4000ff
        or qword [PD0 + 8 * 2], PTE_P
        invlpg [0x400000]

        ; --- SSSE3 is not there ---
        TRY
        pshufb xmm0, xmm1
        CATCH EXC_UD, NOERR
        TRY
        palignr xmm8, [rel vecs], 3
        CATCH EXC_UD, NOERR

        PUTS64 "ok", 10
        PASS

        align 16
vecs:   BYTES_0_TO_255
f_1234: dd 1.0, 2.0, 3.0, 4.0
f_2222: dd 2.0, 2.0, 2.0, 2.0
mask_alt:
        times 8 db 0x80, 0x00
q_pattern:
        dq 0xfedcba9876543210, 0x1111111111111111
q_one:  dq 1, 0x100
d_1p5:  dq 1.5, 2.0
f_2p40: dd 0x53800000, 0
f_m3:   dd -3.0, 0
w_beef: dw 0xbeef, 0x1234, 0

        LM_LIB
        GUEST_LIB
        ROM_END
