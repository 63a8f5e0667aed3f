; A Pentium III has SSE only: CPUID says so, SSE and its MMX additions
; run, SSE2/SSE3/SSSE3 encodings are #UD, MXCSR has no DAZ (LDMXCSR with
; it is #GP, FXSAVE's MXCSR_MASK is 0xffbf).
; kvm-needs: cpuid
; pcvm-args: -cpu pentium3
; kvm-needs: cpuid
; expect: sse_p3 ok
%include "guest.inc"
%include "sse.inc"

        TEST_START
        TRAP_VECTORS
        SSE_ENABLE
        mov eax, 1
        cpuid
        and edx, 0x06000000
        cmp edx, 0x02000000
        je .c1
        FAIL 1
.c1:    test ecx, 0x201
        jz .c2
        FAIL 2
.c2:
        movups xmm0, [cs:v_two]
        mulps xmm0, xmm0
        sqrtss xmm0, xmm0
        movups [RES], xmm0
        cmp dword [RES], 0x40000000     ; sqrt(4)
        je .s1
        FAIL 3
.s1:    cmp dword [RES + 4], 0x41800000     ; 4 * 4, kept
        je .s2
        FAIL 4
.s2:    movq mm0, [cs:v_two]
        pmaxub mm0, [cs:v_two + 8]
        pshufw mm1, mm0, 0
        sfence
        prefetchnta [RES]
        EXPECT_FAULT 6, 5, addpd xmm0, xmm0
        EXPECT_FAULT 6, 6, paddb xmm0, xmm0
        EXPECT_FAULT 6, 7, paddq mm0, mm0
        EXPECT_FAULT 6, 8, haddps xmm0, xmm0
        EXPECT_FAULT 6, 9, pshufb mm0, mm0
        EXPECT_FAULT 6, 10, palignr mm0, mm0, 1
        EXPECT_FAULT 6, 11, mfence
        EXPECT_FAULT 6, 12, clflush [RES]
        EXPECT_FAULT 6, 13, cvtsd2ss xmm0, xmm0
        EXPECT_FAULT 6, 14, movdqa xmm0, [RES]
        EXPECT_FAULT 13, 15, ldmxcsr [cs:mx_daz]
        fxsave [0x600]
        cmp dword [0x600 + 28], 0xffbf
        je .f1
        FAIL 16
.f1:    emms
        PUTS "sse_p3 ok", 10
        PASS

        FAULT_LIB

mx_daz:         dd 0x1fc0
        align 16
v_two:          dd 0x40000000, 0x40800000, 0x01020304, 0x05060708

        GUEST_LIB
        ROM_END
