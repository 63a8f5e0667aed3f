; SSE exceptions: unmasked SIMD floating-point exceptions give #XM with
; CR4.OSXMMEXCPT (#UD without), leave the destination alone and record
; the flags by the pre-/post-computation rule; LDMXCSR #GP on reserved
; bits; #GP for misaligned 16-byte operands; #NM with CR0.TS; #UD with
; CR0.EM or without CR4.OSFXSR (the MMX forms need no OSFXSR); CPUID.
; kvm-needs: cpuid
; pcvm-args: -cpu core2duo
; kvm-needs: cpuid
; expect: sse_exc ok
%include "guest.inc"
%include "sse.inc"

        TEST_START
        TRAP_VECTORS
        SSE_ENABLE

        ; CPUID: SSE, SSE2 (EDX 25, 26), SSE3, SSSE3 (ECX 0, 9)
        mov eax, 1
        cpuid
        and edx, 0x06000000
        cmp edx, 0x06000000
        je .c1
        FAIL 1
.c1:    and ecx, 0x201
        cmp ecx, 0x201
        je .c2
        FAIL 2
.c2:
        ; 1/0 with ZE unmasked: #XM, xmm0 kept, ZE recorded
        ldmxcsr [cs:mx_ze]
        movups xmm0, [cs:v_one]
        xorps xmm1, xmm1
        EXPECT_FAULT 19, 3, divss xmm0, xmm1
        stmxcsr [RES]
        cmp dword [RES], 0x1d84         ; ZE unmasked, ZE set
        je .x1
        FAIL 4
.x1:    movups [RES], xmm0
        cmp dword [RES], 0x3f800000
        je .x2
        FAIL 5
.x2:
        ; PE unmasked: lane 0 inexact, lane 1 a masked IE (SNaN). The
        ; unmasked exception comes after computing: every flag is
        ; recorded, nothing stored.
        ldmxcsr [cs:mx_pe]
        movups xmm0, [cs:v_third]
        movups xmm2, xmm0
        movups xmm1, [cs:v_snan]
        EXPECT_FAULT 19, 6, addps xmm0, xmm1
        stmxcsr [RES]
        cmp dword [RES], 0x0f80 | 0x21  ; IE and PE
        je .x3
        FAIL 7
.x3:    movups [RES], xmm0
        movups [RES + 16], xmm2
        mov si, RES
        mov di, RES + 16
        mov cx, 16
        repe cmpsb
        je .x4
        FAIL 8
.x4:
        ; IE unmasked and PE unmasked: a pre-computation exception wins,
        ; only IE (and no PE) is recorded
        ldmxcsr [cs:mx_ie_pe]
        movups xmm0, [cs:v_third]
        EXPECT_FAULT 19, 9, addps xmm0, xmm1
        stmxcsr [RES]
        cmp dword [RES], 0x1f80 & ~0x1080 | 0x01
        je .x5
        FAIL 10
.x5:
        ; the same without CR4.OSXMMEXCPT: #UD
        mov eax, cr4
        and eax, ~0x400
        mov cr4, eax
        ldmxcsr [cs:mx_ze]
        movups xmm0, [cs:v_one]
        xorps xmm1, xmm1
        EXPECT_FAULT 6, 11, divss xmm0, xmm1
        mov eax, cr4
        or eax, 0x400
        mov cr4, eax
        ; masked again: 1/0 = inf, ZE
        ldmxcsr [cs:mx_default]
        divss xmm0, xmm1
        movups [RES], xmm0
        cmp dword [RES], 0x7f800000
        je .x6
        FAIL 12
.x6:    stmxcsr [RES]
        cmp dword [RES], 0x1f84
        je .x7
        FAIL 13
.x7:
        ; LDMXCSR: reserved bits #GP, DAZ accepted (SSE2 model)
        EXPECT_FAULT 13, 14, ldmxcsr [cs:mx_bad]
        ldmxcsr [cs:mx_daz]
        stmxcsr [RES]
        cmp dword [RES], 0x1fc0
        je .l1
        FAIL 15
.l1:
        ; 16-byte alignment: MOVAPS/ADDPS/PADDB need it, MOVUPS does not
        EXPECT_FAULT 13, 16, movaps xmm0, [0x508]
        EXPECT_FAULT 13, 17, addps xmm0, [0x504]
        EXPECT_FAULT 13, 18, paddb xmm0, [0x501]
        EXPECT_FAULT 13, 19, movntdq [0x518], xmm0
        movups xmm0, [0x508]
        movaps xmm0, [0x510]
        addss xmm0, [0x504]             ; scalar: no alignment needed
        movq mm0, [0x501]
        pavgb mm0, [0x503]              ; MMX forms: none either

        ; CR0.TS: #NM for SSE, LDMXCSR and the MMX forms
        mov eax, cr0
        or eax, 0x08
        mov cr0, eax
        EXPECT_FAULT 7, 20, addps xmm0, xmm1
        EXPECT_FAULT 7, 21, ldmxcsr [cs:mx_default]
        EXPECT_FAULT 7, 22, pshufb mm0, mm1
        clts

        ; CR0.EM: #UD
        mov eax, cr0
        or eax, 0x04
        mov cr0, eax
        EXPECT_FAULT 6, 23, addps xmm0, xmm1
        EXPECT_FAULT 6, 24, pavgb mm0, mm1
        EXPECT_FAULT 6, 25, stmxcsr [RES]
        mov eax, cr0
        and eax, ~0x04
        mov cr0, eax

        ; CR4.OSFXSR clear: #UD for XMM forms, MMX forms still run
        mov eax, cr4
        and eax, ~0x200
        mov cr4, eax
        EXPECT_FAULT 6, 26, addps xmm0, xmm1
        EXPECT_FAULT 6, 27, paddb xmm0, xmm1
        EXPECT_FAULT 6, 28, ldmxcsr [cs:mx_default]
        EXPECT_FAULT 6, 29, cvtpi2ps xmm0, mm1
        movq mm0, [cs:v_one]
        pavgb mm0, mm0
        pshufb mm0, mm1
        palignr mm0, mm1, 3
        mov eax, cr4
        or eax, 0x200
        mov cr4, eax

        ; LOCK is #UD
        EXPECT_FAULT 6, 30, lock addps xmm0, [0x510]
        ; MOVLPD has no register form, MOVMSKPS no memory form
        EXPECT_FAULT 6, 31, db 0x66, 0x0f, 0x12, 0xc1
        EXPECT_FAULT 6, 32, db 0x0f, 0x50, 0x06, 0x00, 0x05
        emms
        PUTS "sse_exc ok", 10
        PASS

        FAULT_LIB

mx_default:     dd 0x1f80
mx_ze:          dd 0x1f80 & ~0x0200
mx_pe:          dd 0x1f80 & ~0x1000
mx_ie_pe:       dd 0x1f80 & ~0x1080
mx_bad:         dd 0x11f80
mx_daz:         dd 0x1fc0
        align 16
v_one:          dd 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000
v_third:        dd 0x3eaaaaab, 0x3f800000, 0x3f800000, 0x3f800000
v_snan:         dd 0x3f800000, 0x7f800001, 0, 0

        GUEST_LIB
        ROM_END
