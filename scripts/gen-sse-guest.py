#!/usr/bin/env python3
"""Write tests/guest/sse_values.asm: SSE/SSE2/SSE3/SSSE3 instructions on
chosen operands and MXCSR settings, with the results the host CPU gives.

Needs an x86-64 host with SSSE3 and gcc; run it there once and commit the
output (the guest test then checks pcvm against those measured values on
any host). Each case loads xmm0 = A, xmm1 = B, mm0 = A[63:0], mm1 =
B[63:0], EAX = 0x12345678, EFLAGS arithmetic bits clear and MXCSR, runs
one instruction and records xmm0, mm0, MXCSR, EAX and the arithmetic
flags.
"""
import os
import struct
import subprocess
import sys
import tempfile

F32 = lambda x: struct.unpack('<I', struct.pack('<f', x))[0]
F64 = lambda x: struct.unpack('<Q', struct.pack('<d', x))[0]


def ps(*v):
    """Four float32 lanes (ints are raw bits)."""
    return b''.join(struct.pack('<I', F32(x) if isinstance(x, float) else x)
                    for x in v)


def pd(*v):
    return b''.join(struct.pack('<Q', F64(x) if isinstance(x, float) else x)
                    for x in v)


def w(*v):
    return b''.join(struct.pack('<H', x & 0xffff) for x in v)


def b(*v):
    return bytes(x & 0xff for x in v)


def d(*v):
    return b''.join(struct.pack('<I', x & 0xffffffff) for x in v)


SNAN32 = 0x7f800001
QNAN32 = 0xffc12345
DEN32 = 0x00000003
INF32 = 0x7f800000
SNAN64 = 0x7ff0000000000001
QNAN64 = 0xfff8000000001234
DEN64 = 0x0000000000000005
MAX64 = 0x7fefffffffffffff
RC_DOWN, RC_UP, RC_ZERO = 0x2000, 0x4000, 0x6000
DAZ, FTZ = 0x0040, 0x8000
M = 0x1f80  # all masked

# (instruction, A, B, MXCSR)
CASES = [
    ('addps xmm0, xmm1', ps(1.0, 1.5, 0x7f7fffff, DEN32),
     ps(2.0 ** -30, -1.5, 0x7f7fffff, DEN32), M),
    ('addps xmm0, xmm1', ps(1.0, 1.0, -1.0, 1.0),
     ps(2.0 ** -24 + 2.0 ** -47, 2.0 ** -24, 2.0 ** -24, 3 * 2.0 ** -24),
     M | RC_UP),
    ('subps xmm0, xmm1', ps(INF32, 1.0, SNAN32, QNAN32),
     ps(INF32, 1.0, 1.0, SNAN32), M),
    ('subps xmm0, xmm1', ps(1.0, 1.0, 0.0, 5.0),
     ps(1.0, 1.0, 0.0, 5.0), M | RC_DOWN),
    ('mulps xmm0, xmm1', ps(0x00800000, 1.5, DEN32, 3.0),
     ps(0.5, 0x00800000, 1.0, 0x7f000000), M),
    ('mulps xmm0, xmm1', ps(0x00800000, 1.5, DEN32, 3.0),
     ps(0.5, 0x00800000, 1.0, 1.0), M | FTZ | DAZ),
    ('divps xmm0, xmm1', ps(1.0, 0.0, 1.0, -2.0),
     ps(3.0, 0.0, 0.0, 3.0), M | RC_ZERO),
    ('sqrtps xmm0, xmm1', ps(0, 0, 0, 0), ps(2.0, -1.0, -0.0, DEN32), M),
    ('minps xmm0, xmm1', ps(QNAN32, 1.0, 0.0, -0.0),
     ps(2.0, SNAN32, -0.0, 0.0), M),
    ('maxps xmm0, xmm1', ps(QNAN32, 1.0, 0.0, DEN32),
     ps(2.0, SNAN32, -0.0, 0x80000001), M | DAZ),
    ('rcpps xmm0, xmm1', ps(0, 0, 0, 0), ps(3.0, -0.0, 0x7e800000, 1.1), M),
    ('rsqrtps xmm0, xmm1', ps(0, 0, 0, 0), ps(2.0, -1.0, INF32, 0.3), M),
    ('addss xmm0, xmm1', ps(1.0, 7.0, 7.0, 7.0), ps(2.0 ** -24, 9, 9, 9),
     M),
    ('divss xmm0, xmm1', ps(1.0, 7.0, 7.0, 7.0), ps(0.0, 9, 9, 9), M),
    ('sqrtss xmm0, xmm1', ps(1.0, 7.0, 7.0, 7.0), ps(2.0, 9, 9, 9),
     M | RC_UP),
    ('addpd xmm0, xmm1', pd(1.0, MAX64), pd(2.0 ** -53, MAX64), M),
    ('subpd xmm0, xmm1', pd(1.0, DEN64), pd(1.0, 0.0), M | RC_DOWN),
    ('mulpd xmm0, xmm1', pd(0x0010000000000000, 1.0), pd(0.5, SNAN64), M),
    ('divpd xmm0, xmm1', pd(1.0, 10.0), pd(3.0, 0.0), M),
    ('sqrtpd xmm0, xmm1', pd(0, 0), pd(2.0, QNAN64), M | RC_ZERO),
    ('minpd xmm0, xmm1', pd(QNAN64, -0.0), pd(1.0, 0.0), M),
    ('maxsd xmm0, xmm1', pd(SNAN64, 3.0), pd(1.0, 0.0), M),
    ('mulsd xmm0, xmm1', pd(0x0010000000000000, 3.0), pd(0.75, 0.0),
     M | FTZ),
    ('cmpps xmm0, xmm1, 0', ps(1.0, QNAN32, 0.0, 2.0),
     ps(1.0, QNAN32, -0.0, 1.0), M),
    ('cmpps xmm0, xmm1, 1', ps(1.0, QNAN32, 0.0, 2.0),
     ps(1.0, 1.0, -0.0, 3.0), M),
    ('cmpps xmm0, xmm1, 2', ps(1.0, 1.0, DEN32, 2.0),
     ps(1.0, 0.0, 0.0, 3.0), M | DAZ),
    ('cmpps xmm0, xmm1, 3', ps(1.0, QNAN32, 0.0, SNAN32),
     ps(1.0, 1.0, -0.0, 3.0), M),
    ('cmpps xmm0, xmm1, 4', ps(1.0, QNAN32, 0.0, 2.0),
     ps(1.0, 1.0, -0.0, 3.0), M),
    ('cmpps xmm0, xmm1, 5', ps(1.0, QNAN32, 0.0, 2.0),
     ps(1.0, 1.0, -0.0, 3.0), M),
    ('cmpps xmm0, xmm1, 6', ps(1.0, QNAN32, 0.0, 4.0),
     ps(1.0, 1.0, -0.0, 3.0), M),
    ('cmpps xmm0, xmm1, 7', ps(1.0, QNAN32, 0.0, 2.0),
     ps(1.0, 1.0, -0.0, QNAN32), M),
    ('cmpsd xmm0, xmm1, 1', pd(1.0, 5.0), pd(2.0, 1.0), M),
    ('cmpss xmm0, xmm1, 6', ps(2.0, 5.0, 5.0, 5.0), ps(1.0, 1, 1, 1), M),
    ('comiss xmm0, xmm1', ps(1.0, 0, 0, 0), ps(2.0, 0, 0, 0), M),
    ('comiss xmm0, xmm1', ps(QNAN32, 0, 0, 0), ps(2.0, 0, 0, 0), M),
    ('ucomiss xmm0, xmm1', ps(QNAN32, 0, 0, 0), ps(2.0, 0, 0, 0), M),
    ('ucomisd xmm0, xmm1', pd(-0.0, 0), pd(0.0, 0), M),
    ('comisd xmm0, xmm1', pd(3.0, 0), pd(2.0, 0), M),
    ('andps xmm0, xmm1', d(0xff00ff00, 1, 2, 3), d(0x0ff00ff0, 3, 3, 1), M),
    ('andnpd xmm0, xmm1', d(0xff00ff00, 1, 2, 3), d(0x0ff00ff0, 3, 3, 1), M),
    ('xorps xmm0, xmm1', d(0xff00ff00, 1, 2, 3), d(0x0ff00ff0, 3, 3, 1), M),
    ('orpd xmm0, xmm1', d(0xff00ff00, 1, 2, 3), d(0x0ff00ff0, 3, 3, 1), M),
    ('unpcklps xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('unpckhpd xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('shufps xmm0, xmm1, 0x1b', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('shufpd xmm0, xmm1, 2', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('movhlps xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('movlhps xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('movss xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('movsd xmm0, xmm1', d(1, 2, 3, 4), d(5, 6, 7, 8), M),
    ('movmskps eax, xmm1', d(1, 2, 3, 4), d(0x80000000, 6, 0xffffffff, 8),
     M),
    ('movmskpd eax, xmm1', d(1, 2, 3, 4), d(0, 0x80000000, 0, 0), M),
    ('cvtps2pd xmm0, xmm1', ps(1.0, 2.0, 3, 4), ps(DEN32, SNAN32, 0, 0),
     M),
    ('cvtpd2ps xmm0, xmm1', d(1, 2, 3, 4), pd(1e300, 1.0 / 3), M),
    ('cvtss2sd xmm0, xmm1', ps(1.0, 2.0, 3.0, 4.0), ps(1.5, 0, 0, 0), M),
    ('cvtsd2ss xmm0, xmm1', ps(1.0, 2.0, 3.0, 4.0), pd(1e-40, 0), M | FTZ),
    ('cvtdq2ps xmm0, xmm1', d(0, 0, 0, 0),
     d(16777217, -1, 0x7fffffff, 0x80000000), M | RC_UP),
    ('cvtps2dq xmm0, xmm1', d(0, 0, 0, 0), ps(2.5, -2.5, 3e9, QNAN32),
     M),
    ('cvttps2dq xmm0, xmm1', d(0, 0, 0, 0), ps(2.5, -2.5, -2147483648.0,
                                                  0.99), M),
    ('cvtpd2dq xmm0, xmm1', d(9, 9, 9, 9), pd(-1.5, 2147483647.5),
     M | RC_DOWN),
    ('cvttpd2dq xmm0, xmm1', d(9, 9, 9, 9), pd(-1.5, 1e10), M),
    ('cvtdq2pd xmm0, xmm1', d(9, 9, 9, 9), d(-7, 0x7fffffff, 0, 0), M),
    ('cvtss2si eax, xmm1', d(0, 0, 0, 0), ps(-3.5, 0, 0, 0), M),
    ('cvtss2si eax, xmm1', d(0, 0, 0, 0), ps(-3.5, 0, 0, 0), M | RC_ZERO),
    ('cvttss2si eax, xmm1', d(0, 0, 0, 0), ps(2147483648.0, 0, 0, 0), M),
    ('cvtsd2si eax, xmm1', d(0, 0, 0, 0), pd(0.5, 0), M),
    ('cvttsd2si eax, xmm1', d(0, 0, 0, 0), pd(-2147483648.9, 0), M),
    ('cvtsi2ss xmm0, eax', ps(9.0, 9.0, 9.0, 9.0), d(0, 0, 0, 0), M),
    ('cvtsi2sd xmm0, eax', ps(9.0, 9.0, 9.0, 9.0), d(0, 0, 0, 0), M),
    ('cvtpi2ps xmm0, mm1', ps(9.0, 9.0, 9.0, 9.0), d(-5, 16777217, 0, 0),
     M),
    ('cvtps2pi mm0, xmm1', d(0, 0, 0, 0), ps(1.5, -1e20, 0, 0), M),
    ('cvttpd2pi mm0, xmm1', d(0, 0, 0, 0), pd(-1.9, 1.9), M),
    ('addsubps xmm0, xmm1', ps(1.0, 1.0, 1.0, 1.0), ps(0.5, 0.5, 2.0, 2.0),
     M),
    ('addsubpd xmm0, xmm1', pd(1.0, 1.0), pd(0.5, 0.25), M),
    ('haddps xmm0, xmm1', ps(1.0, 2.0, 3.0, 4.0), ps(5.0, 6.0, INF32,
                                                      0xff800000), M),
    ('hsubpd xmm0, xmm1', pd(1.0, 2.0), pd(5.0, 0.5), M),
    ('movsldup xmm0, xmm1', d(0, 0, 0, 0), d(1, 2, 3, 4), M),
    ('movshdup xmm0, xmm1', d(0, 0, 0, 0), d(1, 2, 3, 4), M),
    ('movddup xmm0, xmm1', d(0, 0, 0, 0), d(1, 2, 3, 4), M),
    ('paddq xmm0, xmm1', d(0xffffffff, 0, 5, 6), d(1, 0, 7, 8), M),
    ('psubusb xmm0, xmm1', b(*range(16)), b(*range(0, 32, 2)), M),
    ('paddsw xmm0, xmm1', w(0x7000, 0x8000, 1, 2, 3, 4, 5, 6),
     w(0x7000, 0xffff, 1, 2, 3, 4, 5, 6), M),
    ('pmulhuw xmm0, xmm1', w(0xffff, 0x8000, 3, 4, 5, 6, 7, 8),
     w(0xffff, 2, 3, 4, 5, 6, 7, 0x8000), M),
    ('pmuludq xmm0, xmm1', d(0xffffffff, 9, 3, 9), d(0xffffffff, 9, 5, 9), M),
    ('pmaddwd xmm0, xmm1', w(0x8000, 0x8000, 1, 2, 3, 4, 5, 6),
     w(0x8000, 0x8000, 1, 2, 3, 4, 5, 6), M),
    ('psadbw xmm0, xmm1', b(*range(16)), b(*range(15, -1, -1)), M),
    ('pavgb xmm0, xmm1', b(*range(16)), b(*([255] * 16)), M),
    ('pminsw xmm0, xmm1', w(1, -1, 5, 0x8000, 0, 0, 7, 7),
     w(-1, 1, 6, 0x7fff, 0, 0, 8, 6), M),
    ('pmaxub xmm0, xmm1', b(*range(16)), b(*range(15, -1, -1)), M),
    ('packsswb xmm0, xmm1', w(300, -300, 127, -128, 0, 1, 2, 3),
     w(0x7fff, 0x8000, 5, 6, 7, 8, 9, 10), M),
    ('packuswb xmm0, xmm1', w(300, -300, 127, 255, 0, 1, 2, 3),
     w(0x7fff, 0x8000, 5, 6, 7, 8, 9, 256), M),
    ('packssdw xmm0, xmm1', d(70000, -70000, 5, 6), d(1, 2, 3, 4), M),
    ('punpcklbw xmm0, xmm1', b(*range(16)), b(*range(16, 32)), M),
    ('punpckhwd xmm0, xmm1', b(*range(16)), b(*range(16, 32)), M),
    ('punpcklqdq xmm0, xmm1', b(*range(16)), b(*range(16, 32)), M),
    ('punpckhqdq xmm0, xmm1', b(*range(16)), b(*range(16, 32)), M),
    ('pcmpgtd xmm0, xmm1', d(1, -1, 5, 0), d(0, 0, 5, -1), M),
    ('psllw xmm0, xmm1', w(1, 0x8001, 3, 4, 5, 6, 7, 8), d(3, 0, 9, 9), M),
    ('psrad xmm0, xmm1', d(0x80000000, 0x40000000, 5, 6), d(33, 0, 0, 0),
     M),
    ('psrlq xmm0, xmm1', d(1, 0x80000000, 5, 6), d(0xff, 0, 0, 0), M),
    ('psrldq xmm0, 5', b(*range(16)), d(0, 0, 0, 0), M),
    ('pslldq xmm0, 9', b(*range(16)), d(0, 0, 0, 0), M),
    ('psraw xmm0, 4', w(0x8000, 0x7fff, 1, 2, 3, 4, 5, 0xfff0), d(0), M),
    ('pshufd xmm0, xmm1, 0x1b', d(0), d(1, 2, 3, 4), M),
    ('pshufhw xmm0, xmm1, 0x1b', d(0), w(1, 2, 3, 4, 5, 6, 7, 8), M),
    ('pshuflw xmm0, xmm1, 0xe4', d(0), w(1, 2, 3, 4, 5, 6, 7, 8), M),
    ('pshufw mm0, mm1, 0x27', d(0), w(1, 2, 3, 4), M),
    ('pinsrw xmm0, eax, 5', d(0), d(0), M),
    ('pextrw eax, xmm1, 6', d(0), w(1, 2, 3, 4, 5, 6, 0xfedc, 8), M),
    ('pmovmskb eax, xmm1', d(0), b(0x80, 0, 0xff, 1, 0x7f, 0x81, 0, 0, 0x80,
                                   0, 0, 0, 0, 0, 0, 0xc0), M),
    ('pminub mm0, mm1', b(1, 2, 3, 4, 5, 6, 7, 8), b(8, 7, 6, 5, 4, 3, 2, 1),
     M),
    ('psubq mm0, mm1', d(0, 1), d(1, 0), M),
    ('movq2dq xmm0, mm1', d(9, 9, 9, 9), d(1, 2, 3, 4), M),
    ('movdq2q mm0, xmm1', d(9, 9, 9, 9), d(1, 2, 3, 4), M),
    ('movq xmm0, xmm1', d(9, 9, 9, 9), d(1, 2, 3, 4), M),
    ('movd xmm0, eax', d(9, 9, 9, 9), d(1, 2, 3, 4), M),
    ('pshufb xmm0, xmm1', b(*range(100, 116)),
     b(15, 0x80, 1, 0x8f, 14, 2, 3, 0x13, 0, 0, 0, 0, 4, 5, 6, 7), M),
    ('pshufb mm0, mm1', b(*range(100, 116)),
     b(7, 0x80, 1, 0x8f, 14, 2, 3, 0x13), M),
    ('phaddw xmm0, xmm1', w(1, 2, 0x7fff, 1, 5, 6, 7, 8),
     w(10, 20, 30, 40, 50, 60, 70, 80), M),
    ('phaddsw xmm0, xmm1', w(1, 2, 0x7fff, 1, 0x8000, -1, 7, 8),
     w(10, 20, 30, 40, 50, 60, 70, 80), M),
    ('phsubd xmm0, xmm1', d(1, 2, 0x80000000, 1), d(10, 20, 30, 40), M),
    ('phsubsw mm0, mm1', w(0x8000, 1, 5, 3), w(10, 20, 30, 40), M),
    ('pmaddubsw xmm0, xmm1', b(255, 255, 1, 2, *range(12)),
     b(127, 127, -1, -2, *range(12)), M),
    ('pmulhrsw xmm0, xmm1', w(0x8000, 0x4000, 3, -3, 5, 6, 7, 8),
     w(0x8000, 0x4000, 0x7fff, 0x7fff, 5, 6, 7, 8), M),
    ('psignb xmm0, xmm1', b(*range(1, 17)),
     b(-1, 0, 1, -128, 5, 0, -5, 0, 1, 1, 1, 1, -1, -1, 0, 0), M),
    ('psignd mm0, mm1', d(5, 6), d(0, -9), M),
    ('pabsw xmm0, xmm1', d(0), w(0x8000, -5, 5, 0, 0xffff, 7, 0x8001, 9), M),
    ('pabsd mm0, mm1', d(0), d(-7, 0x80000000), M),
    ('palignr xmm0, xmm1, 5', b(*range(16)), b(*range(16, 32)), M),
    ('palignr xmm0, xmm1, 20', b(*range(16)), b(*range(16, 32)), M),
    ('palignr mm0, mm1, 3', b(*range(16)), b(*range(16, 32)), M),
]


def c_program():
    lines = ['#include <stdio.h>', '#include <stdint.h>', '#include <string.h>',
             'typedef struct { uint8_t a[16], b[16]; uint32_t mx; } In;',
             'typedef struct { uint8_t x[16]; uint8_t m[8]; uint32_t mx,'
             ' eax, fl; } Out;']
    for i, (insn, _, _, _) in enumerate(CASES):
        lines.append(f'''static void run{i}(const In *in, Out *o) {{
    uint64_t fl; uint32_t eax;
    __asm__ volatile(
        "ldmxcsr %[mx]\\n movdqu %[a], %%xmm0\\n movdqu %[b], %%xmm1\\n"
        "movq %[a], %%mm0\\n movq %[b], %%mm1\\n"
        "mov $0x12345678, %%eax\\n push $0x202\\n popfq\\n"
        ".intel_syntax noprefix\\n {insn}\\n .att_syntax prefix\\n"
        "pushfq\\n pop %[fl]\\n mov %%eax, %[eax]\\n"
        "movdqu %%xmm0, %[x]\\n movq %%mm0, %[m]\\n stmxcsr %[omx]\\n emms\\n"
        : [fl] "=&r"(fl), [eax] "=m"(eax), [x] "=m"(o->x), [m] "=m"(o->m),
          [omx] "=m"(o->mx)
        : [mx] "m"(in->mx), [a] "m"(in->a), [b] "m"(in->b)
        : "rax", "xmm0", "xmm1", "mm0", "mm1", "memory", "cc");
    o->eax = eax; o->fl = (uint32_t)fl & 0x8d5;
}}''')
    lines.append('int main(void) {')
    for i, (_, a, bb, mx) in enumerate(CASES):
        a = (a + bytes(16))[:16]
        bb = (bb + bytes(16))[:16]
        ca = ','.join(str(x) for x in a)
        cb = ','.join(str(x) for x in bb)
        lines.append(f'  {{ In in = {{{{{ca}}}, {{{cb}}}, {mx}}}; Out o; '
                     f'memset(&o, 0, sizeof o); run{i}(&in, &o); '
                     'fwrite(&o, sizeof o, 1, stdout); }')
    lines.append('  return 0;\n}')
    return '\n'.join(lines)


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else 'tests/guest/sse_values.asm'
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'm.c')
        exe = os.path.join(tmp, 'm')
        with open(src, 'w') as f:
            f.write(c_program())
        subprocess.check_call(['gcc', '-O0', '-mssse3', '-o', exe, src])
        raw = subprocess.check_output([exe])
    rec = 16 + 8 + 12
    assert len(raw) == rec * len(CASES)
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    o = []
    o.append('; SSE, SSE2, SSE3 and SSSE3 instructions on chosen operands and')
    o.append('; MXCSR settings (rounding, DAZ, FTZ, NaNs, denormals, overflow,')
    o.append('; saturation...): exact results, MXCSR flags, EAX and EFLAGS as')
    o.append(f'; measured on the host CPU ({cpu}).')
    o.append('; Generated by scripts/gen-sse-guest.py; do not edit.')
    o.append('; pcvm-args: -cpu core2duo')
    o.append('; kvm-needs: cpuid')
    o.append('; expect: sse_values ok')
    o.append('%include "guest.inc"')
    o.append('%include "sse.inc"')
    o.append('')
    o.append('        TEST_START')
    o.append('        SSE_ENABLE')
    for i, (insn, _, _, _) in enumerate(CASES):
        o.append(f'        SSE_CASE {{{insn}}}, {i}')
    o.append('        PUTS "sse_values ok", 10')
    o.append('        PASS')
    o.append('')
    o.append('        SSE_CASE_LIB')
    o.append('')
    o.append('        align 16')
    o.append('case_in:                        ; A, B, MXCSR, pad')
    for i, (insn, a, bb, mx) in enumerate(CASES):
        a = (a + bytes(16))[:16]
        bb = (bb + bytes(16))[:16]
        o.append(f'        ; {i}: {insn}')
        o.append('        db ' + ', '.join(f'0x{x:02x}' for x in a))
        o.append('        db ' + ', '.join(f'0x{x:02x}' for x in bb))
        o.append(f'        dd 0x{mx:08x}, 0, 0, 0')
    o.append('case_out:                       ; xmm0, mm0, MXCSR, EAX, flags')
    for i in range(len(CASES)):
        r = raw[i * rec:(i + 1) * rec]
        o.append(f'        db ' + ', '.join(f'0x{x:02x}' for x in r[:24]))
        o.append(f'        dd ' + ', '.join(
            f'0x{x:08x}' for x in struct.unpack('<3I', r[24:])))
    o.append('')
    o.append('        GUEST_LIB')
    o.append('        ROM_END')
    with open(out_path, 'w') as f:
        f.write('\n'.join(o) + '\n')
    print(f'{out_path}: {len(CASES)} cases')


if __name__ == '__main__':
    main()
