/*
 * SSE data movement: MOVUPS/MOVAPS and their double and integer twins,
 * MOVSS/MOVSD, the half moves (MOVLPS, MOVHPS, MOVHLPS, MOVLHPS), the
 * SSE3 duplicating loads, MOVD/MOVQ to and from XMM, MOVQ2DQ/MOVDQ2Q,
 * the non-temporal stores, MOVMSKPS/PD and MASKMOVQ/MASKMOVDQU.
 *
 * A store to memory writes only its own bytes; a register-to-register
 * MOVSS/MOVSD merges into the destination, a load from memory clears the
 * rest of it.
 */
#include "cpu/sse.h"

#include "cpu/ops.h"

/* 0F 10 MOVUPS/MOVUPD/MOVSS/MOVSD, 0F 28 MOVAPS/MOVAPD, 66 0F 6F MOVDQA,
 * F3 0F 6F MOVDQU, F2 0F F0 LDDQU, F3 0F 7E MOVQ xmm, xmm/m64: loads. */
HANDLER(op_sse_load)
{
    unsigned pfx = sse_pfx(d), op = d->opcode & 0xff;
    X86Xmm *dst = &cpu->xmm[d->reg];
    X86Xmm v;

    sse_check(cpu);
    if (op == 0x7e) {
        sse_load_E(cpu, d, &v, 8, false);
        dst->q[0] = v.q[0];
        dst->q[1] = 0;
        return;
    }
    if (op == 0x10 && pfx >= PFX_F3) {
        unsigned size = pfx == PFX_F3 ? 4 : 8;
        if (d->mem) {
            sse_read_mem(cpu, d, &v, size, false);
            *dst = v;
        } else if (size == 4) {
            dst->l[0] = cpu->xmm[d->rm].l[0];
        } else {
            dst->q[0] = cpu->xmm[d->rm].q[0];
        }
        return;
    }
    bool aligned = op == 0x28 || (op == 0x6f && pfx == PFX_66);
    sse_load_E(cpu, d, &v, 16, aligned);
    *dst = v;
}

/* 0F 11 MOVUPS/MOVUPD/MOVSS/MOVSD, 0F 29 MOVAPS/MOVAPD, 0F 2B
 * MOVNTPS/MOVNTPD, 0F 7F MOVDQA/MOVDQU, 66 0F E7 MOVNTDQ, 66 0F D6 MOVQ
 * xmm/m64, xmm: stores. */
HANDLER(op_sse_store)
{
    unsigned pfx = sse_pfx(d), op = d->opcode & 0xff;
    const X86Xmm v = cpu->xmm[d->reg];

    sse_check(cpu);
    unsigned size = 16;
    if (op == 0xd6) {
        size = 8;
    } else if (op == 0x11 && pfx >= PFX_F3) {
        size = pfx == PFX_F3 ? 4 : 8;
    }
    if (d->mem) {
        bool aligned = op == 0x29 || op == 0x2b || op == 0xe7 ||
                       (op == 0x7f && pfx == PFX_66);
        sse_write_mem(cpu, d, &v, size, aligned);
        return;
    }
    X86Xmm *dst = &cpu->xmm[d->rm];
    if (op == 0xd6) {
        dst->q[0] = v.q[0];
        dst->q[1] = 0;
    } else if (size == 4) {
        dst->l[0] = v.l[0];
    } else if (size == 8) {
        dst->q[0] = v.q[0];
    } else {
        *dst = v;
    }
}

/* 0F 12: MOVLPS xmm, m64 / MOVHLPS xmm, xmm; 66 MOVLPD xmm, m64; F3
 * MOVSLDUP; F2 MOVDDUP. 0F 16: MOVHPS xmm, m64 / MOVLHPS xmm, xmm; 66
 * MOVHPD xmm, m64; F3 MOVSHDUP. */
HANDLER(op_sse_movhl)
{
    unsigned pfx = sse_pfx(d);
    bool high = (d->opcode & 0xff) == 0x16;
    X86Xmm *dst = &cpu->xmm[d->reg];
    X86Xmm v;

    sse_check(cpu);
    switch (pfx) {
    case PFX_F3: /* MOVSLDUP, MOVSHDUP */
        sse_load_E(cpu, d, &v, 16, true);
        for (unsigned i = 0; i < 4; i += 2) {
            dst->l[i] = dst->l[i + 1] = v.l[i + high];
        }
        return;
    case PFX_F2: /* MOVDDUP */
        sse_load_E(cpu, d, &v, 8, false);
        dst->q[0] = dst->q[1] = v.q[0];
        return;
    default:
        break;
    }
    if (d->mem) {
        sse_read_mem(cpu, d, &v, 8, false);
        dst->q[high] = v.q[0];
    } else {
        /* MOVHLPS / MOVLHPS */
        dst->q[high] = cpu->xmm[d->rm].q[!high];
    }
}

/* 0F 13 MOVLPS/MOVLPD m64, xmm; 0F 17 MOVHPS/MOVHPD m64, xmm. */
HANDLER(op_sse_movhl_store)
{
    bool high = (d->opcode & 0xff) == 0x17;
    sse_check(cpu);
    x86_write(cpu, d->seg, x86_ea(cpu, d), cpu->xmm[d->reg].q[high], 8);
}

/* 0F 50: MOVMSKPS r32, xmm (66: MOVMSKPD). */
HANDLER(op_sse_movmsk)
{
    const X86Xmm *v = &cpu->xmm[d->rm];
    uint32_t m = 0;
    sse_check(cpu);
    if (sse_pfx(d) == PFX_66) {
        m = (uint32_t)(v->q[0] >> 63) | (uint32_t)(v->q[1] >> 63) << 1;
    } else {
        for (unsigned i = 0; i < 4; i++) {
            m |= (v->l[i] >> 31) << i;
        }
    }
    reg_write(cpu, d->reg, 4, m);
}

/* 66 0F 6E: MOVD xmm, r/m32 (REX.W: MOVQ xmm, r/m64). */
HANDLER(op_sse_movd_load)
{
    sse_check(cpu);
    uint64_t v = load_E(cpu, d, (d->rex & 8) ? 8 : 4);
    cpu->xmm[d->reg].q[0] = v;
    cpu->xmm[d->reg].q[1] = 0;
}

/* 66 0F 7E: MOVD r/m32, xmm (REX.W: MOVQ r/m64, xmm). */
HANDLER(op_sse_movd_store)
{
    sse_check(cpu);
    store_E(cpu, d, (d->rex & 8) ? 8 : 4, cpu->xmm[d->reg].q[0]);
}

/* F3 0F D6: MOVQ2DQ xmm, mm. */
HANDLER(op_movq2dq)
{
    if (!sse_check_both(cpu)) {
        return;
    }
    uint64_t v = mm_get(cpu, mm_rm(d));
    fpu_mmx_enter(cpu);
    cpu->xmm[d->reg].q[0] = v;
    cpu->xmm[d->reg].q[1] = 0;
}

/* F2 0F D6: MOVDQ2Q mm, xmm. */
HANDLER(op_movdq2q)
{
    if (!sse_check_both(cpu)) {
        return;
    }
    uint64_t v = cpu->xmm[d->rm].q[0];
    fpu_mmx_enter(cpu);
    mm_set(cpu, mm_reg(d), v);
}

/* 0F E7: MOVNTQ m64, mm. */
HANDLER(op_movntq)
{
    if (!sse_check_mmx(cpu)) {
        return;
    }
    /* A store from an MMX register sets TOP to 0 before it can fault;
     * the tags change only when it completes. */
    cpu->ftop = 0;
    x86_write(cpu, d->seg, x86_ea(cpu, d), mm_get(cpu, mm_reg(d)), 8);
    fpu_mmx_enter(cpu);
}

/* 0F C3: MOVNTI m32, r32 (REX.W: m64, r64), an integer store. */
HANDLER(op_movnti)
{
    unsigned size = (d->rex & 8) ? 8 : 4;
    x86_write(cpu, d->seg, x86_ea(cpu, d), reg_read(cpu, d->reg, size),
              size);
}

/* 0F F7: MASKMOVQ mm1, mm2; 66 0F F7: MASKMOVDQU xmm1, xmm2. Bytes of
 * the first operand whose mask byte (in the second) has its top bit set
 * go to DS:rDI (a segment override applies). Whatever the mask, the
 * destination is checked as 8-byte writes - for MASKMOVDQU the high half
 * first, as the hardware reports its faults - before any byte is
 * written. */
HANDLER(op_maskmov)
{
    bool xmm = sse_pfx(d) == PFX_66;
    X86Xmm data, mask;
    unsigned halves = xmm ? 2 : 1;

    if (xmm) {
        sse_check(cpu);
        data = cpu->xmm[d->reg];
        mask = cpu->xmm[d->rm];
    } else {
        if (!sse_check_mmx(cpu)) {
            return;
        }
        data.q[0] = mm_get(cpu, mm_reg(d));
        mask.q[0] = mm_get(cpu, mm_rm(d));
        /* Unlike MOVNTQ, the whole switch to MMX mode comes first. */
        fpu_mmx_enter(cpu);
    }
    int seg = d->seg_override != SEG_NONE ? d->seg_override : R_DS;
    uint64_t base = cpu->regs[R_EDI] & addr_mask(d);
    for (unsigned h = halves; h-- > 0;) {
        x86_probe_write(cpu, seg, (base + 8 * h) & addr_mask(d), 8);
    }
    for (unsigned i = 0; i < 8 * halves; i++) {
        if (mask.b[i] & 0x80) {
            x86_write(cpu, seg, (base + i) & addr_mask(d), data.b[i], 1);
        }
    }
}
