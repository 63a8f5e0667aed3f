; An SSE kernel: SAXPY (y = a x + y) over 4096 floats with MOVAPS,
; MULPS, ADDPS, then a dot product with SSE2 doubles (CVTPS2PD, MULPD,
; ADDPD) and an integer checksum with PADDD/PXOR, 3000 passes, in flat
; 32-bit protected mode (needs SSE2: -cpu core2duo on pcvm).
%include "bench.inc"
        cpu any

%define X 0x100000
%define Y 0x110000
%define N 4096
%define PASSES 3000

        BENCH_BEGIN
        BENCH_PM
        mov eax, cr0
        and eax, ~0x4                   ; EM off
        or eax, 0x2                     ; MP on
        mov cr0, eax
        mov eax, cr4
        or eax, 0x600                   ; OSFXSR, OSXMMEXCPT
        mov cr4, eax
        ; x[i] = i / 4096, y[i] = 1 - x[i]
        xor ecx, ecx
.init:  mov [0x1000], ecx
        cvtsi2ss xmm0, dword [0x1000]
        mulss xmm0, [cs:inv_n]
        movss [X + ecx * 4], xmm0
        movss xmm1, [cs:one]
        subss xmm1, xmm0
        movss [Y + ecx * 4], xmm1
        inc ecx
        cmp ecx, N
        jb .init

        mov ebp, PASSES
        pxor xmm7, xmm7                 ; integer checksum
.pass:  movss xmm6, [cs:alpha]
        shufps xmm6, xmm6, 0
        xor esi, esi
.saxpy: movaps xmm0, [X + esi]
        movaps xmm1, [X + esi + 16]
        mulps xmm0, xmm6
        mulps xmm1, xmm6
        addps xmm0, [Y + esi]
        addps xmm1, [Y + esi + 16]
        movaps [Y + esi], xmm0
        movaps [Y + esi + 16], xmm1
        add esi, 32
        cmp esi, N * 4
        jb .saxpy
        ; dot(x, y) in doubles
        xorpd xmm2, xmm2
        xor esi, esi
.dot:   cvtps2pd xmm0, [X + esi]
        cvtps2pd xmm1, [Y + esi]
        mulpd xmm0, xmm1
        addpd xmm2, xmm0
        movq xmm3, [Y + esi]
        paddd xmm7, xmm3
        pxor xmm7, xmm0
        add esi, 8
        cmp esi, N * 4
        jb .dot
        ; keep y bounded: y = y * 0.5
        movss xmm5, [cs:half]
        shufps xmm5, xmm5, 0
        xor esi, esi
.half:  movaps xmm0, [Y + esi]
        mulps xmm0, xmm5
        movaps [Y + esi], xmm0
        add esi, 16
        cmp esi, N * 4
        jb .half
        dec ebp
        jnz .pass
        movd [0x410], xmm7
        BENCH_END32

        align 4
inv_n:  dd 0x39800000                   ; 1 / 4096
one:    dd 1.0
alpha:  dd 0.75
half:   dd 0.5
        BENCH_LIB32
