/*
 * SSE2 integer instructions on XMM registers, the integer instructions
 * SSE added to MMX (PAVGB, PMINUB, PSADBW, PSHUFW, PINSRW...), and SSSE3
 * (0F 38 00-1E and PALIGNR) in both their MMX and XMM forms.
 *
 * One lane engine serves both widths: a vector is an X86Xmm of which the
 * first @n bytes (8 for MMX, 16 for XMM) count. MMX forms check and enter
 * MMX mode like MMX instructions; XMM forms check like SSE and need
 * 16-byte aligned memory operands.
 */
#include "cpu/sse.h"

#include "cpu/ops.h"

enum {
    V_NONE,
    V_ADD, V_ADDS, V_ADDUS, V_SUB, V_SUBS, V_SUBUS,
    V_CMPEQ, V_CMPGT,
    V_MULL, V_MULH, V_MULHU, V_MADD, V_MULUDQ,
    V_SRL, V_SRA, V_SLL,
    V_UNPCKL, V_UNPCKH, V_PACKSS, V_PACKUS,
    V_AVG, V_MINU, V_MAXU, V_MINS, V_MAXS, V_SAD,
    V_PSHUFB, V_HADD, V_HADDS, V_HSUB, V_HSUBS, V_MADDUBS, V_SIGN,
    V_MULHRS, V_ABS,
};

typedef struct IntOp {
    uint8_t kind;
    uint8_t bits;    /* lane width */
} IntOp;

#define I(k, b) {V_##k, b}

/* Two-operand instructions of the 0F map (66: XMM, none: MMX). */
static const IntOp ops_0f[256] = {
    [0x60] = I(UNPCKL, 8), [0x61] = I(UNPCKL, 16), [0x62] = I(UNPCKL, 32),
    [0x63] = I(PACKSS, 16), [0x64] = I(CMPGT, 8), [0x65] = I(CMPGT, 16),
    [0x66] = I(CMPGT, 32), [0x67] = I(PACKUS, 16),
    [0x68] = I(UNPCKH, 8), [0x69] = I(UNPCKH, 16), [0x6a] = I(UNPCKH, 32),
    [0x6b] = I(PACKSS, 32), [0x6c] = I(UNPCKL, 64), [0x6d] = I(UNPCKH, 64),
    [0x74] = I(CMPEQ, 8), [0x75] = I(CMPEQ, 16), [0x76] = I(CMPEQ, 32),
    [0xd1] = I(SRL, 16), [0xd2] = I(SRL, 32), [0xd3] = I(SRL, 64),
    [0xd4] = I(ADD, 64), [0xd5] = I(MULL, 16),
    [0xd8] = I(SUBUS, 8), [0xd9] = I(SUBUS, 16), [0xda] = I(MINU, 8),
    [0xdc] = I(ADDUS, 8), [0xdd] = I(ADDUS, 16), [0xde] = I(MAXU, 8),
    [0xe0] = I(AVG, 8), [0xe1] = I(SRA, 16), [0xe2] = I(SRA, 32),
    [0xe3] = I(AVG, 16), [0xe4] = I(MULHU, 16), [0xe5] = I(MULH, 16),
    [0xe8] = I(SUBS, 8), [0xe9] = I(SUBS, 16), [0xea] = I(MINS, 16),
    [0xec] = I(ADDS, 8), [0xed] = I(ADDS, 16), [0xee] = I(MAXS, 16),
    [0xf1] = I(SLL, 16), [0xf2] = I(SLL, 32), [0xf3] = I(SLL, 64),
    [0xf4] = I(MULUDQ, 32), [0xf5] = I(MADD, 16), [0xf6] = I(SAD, 8),
    [0xf8] = I(SUB, 8), [0xf9] = I(SUB, 16), [0xfa] = I(SUB, 32),
    [0xfb] = I(SUB, 64),
    [0xfc] = I(ADD, 8), [0xfd] = I(ADD, 16), [0xfe] = I(ADD, 32),
};

/* SSSE3, 0F 38 00-1E. */
static const IntOp ops_0f38[32] = {
    [0x00] = I(PSHUFB, 8), [0x01] = I(HADD, 16), [0x02] = I(HADD, 32),
    [0x03] = I(HADDS, 16), [0x04] = I(MADDUBS, 8), [0x05] = I(HSUB, 16),
    [0x06] = I(HSUB, 32), [0x07] = I(HSUBS, 16), [0x08] = I(SIGN, 8),
    [0x09] = I(SIGN, 16), [0x0a] = I(SIGN, 32), [0x0b] = I(MULHRS, 16),
    [0x1c] = I(ABS, 8), [0x1d] = I(ABS, 16), [0x1e] = I(ABS, 32),
};

#undef I

/* --- lanes --- */

static uint64_t get(const X86Xmm *v, unsigned bits, unsigned i)
{
    switch (bits) {
    case 8: return v->b[i];
    case 16: return v->w[i];
    case 32: return v->l[i];
    default: return v->q[i];
    }
}

static void put(X86Xmm *v, unsigned bits, unsigned i, uint64_t x)
{
    switch (bits) {
    case 8: v->b[i] = (uint8_t)x; break;
    case 16: v->w[i] = (uint16_t)x; break;
    case 32: v->l[i] = (uint32_t)x; break;
    default: v->q[i] = x; break;
    }
}

static int64_t sx(uint64_t v, unsigned bits)
{
    return bits >= 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t sat_s(int64_t v, unsigned bits)
{
    int64_t hi = (int64_t)((1ULL << (bits - 1)) - 1);
    return clamp(v, -hi - 1, hi);
}

/* Lane-by-lane operations. */
static uint64_t lane_op(unsigned kind, unsigned bits, uint64_t ua, uint64_t ub)
{
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
    int64_t sa = sx(ua, bits), sb = sx(ub, bits);
    switch (kind) {
    case V_ADD: return ua + ub;
    case V_ADDS: return (uint64_t)sat_s(sa + sb, bits);
    case V_ADDUS: return ua + ub > mask ? mask : ua + ub;
    case V_SUB: return ua - ub;
    case V_SUBS: return (uint64_t)sat_s(sa - sb, bits);
    case V_SUBUS: return ua > ub ? ua - ub : 0;
    case V_CMPEQ: return ua == ub ? mask : 0;
    case V_CMPGT: return sa > sb ? mask : 0;
    case V_MULL: return (uint64_t)(sa * sb);
    case V_MULH: return (uint64_t)((sa * sb) >> bits);
    case V_MULHU: return (ua * ub) >> bits;
    case V_AVG: return (ua + ub + 1) >> 1;
    case V_MINU: return ua < ub ? ua : ub;
    case V_MAXU: return ua > ub ? ua : ub;
    case V_MINS: return sa < sb ? ua : ub;
    case V_MAXS: return sa > sb ? ua : ub;
    case V_SIGN: return sb < 0 ? 0 - ua : sb == 0 ? 0 : ua;
    case V_MULHRS: return (uint64_t)((((sa * sb) >> 14) + 1) >> 1);
    case V_ABS: return sb < 0 ? 0 - ub : ub;
    default: return 0;
    }
}

/* Shift each lane by @count (shifts of a lane's width or more give 0, or
 * the sign for arithmetic shifts). */
static void shift(unsigned kind, unsigned bits, unsigned n, const X86Xmm *a,
                  uint64_t count, X86Xmm *r)
{
    for (unsigned i = 0; i < n * 8 / bits; i++) {
        uint64_t v = get(a, bits, i);
        if (kind == V_SRA) {
            v = (uint64_t)(sx(v, bits) >> (count > bits - 1 ? bits - 1
                                                            : count));
        } else if (count > bits - 1) {
            v = 0;
        } else {
            v = kind == V_SRL ? v >> count : v << count;
        }
        put(r, bits, i, v);
    }
}

/* r = a OP b over the first @n bytes (8 or 16). */
static void vec_op(const IntOp *op, unsigned n, const X86Xmm *a,
                   const X86Xmm *b, X86Xmm *r)
{
    unsigned bits = op->bits, count = n * 8 / bits, half = count / 2;
    X86Xmm t = {.q = {0, 0}};

    switch (op->kind) {
    case V_SRL:
    case V_SRA:
    case V_SLL:
        shift(op->kind, bits, n, a, b->q[0], &t);
        break;
    case V_UNPCKL:
    case V_UNPCKH: {
        unsigned base = op->kind == V_UNPCKH ? half : 0;
        for (unsigned i = 0; i < half; i++) {
            put(&t, bits, 2 * i, get(a, bits, base + i));
            put(&t, bits, 2 * i + 1, get(b, bits, base + i));
        }
        break;
    }
    case V_PACKSS:
    case V_PACKUS: {
        unsigned out = bits / 2;
        int64_t hi = op->kind == V_PACKUS ? (1LL << out) - 1
                                          : (1LL << (out - 1)) - 1;
        int64_t lo = op->kind == V_PACKUS ? 0 : -(1LL << (out - 1));
        for (unsigned i = 0; i < count; i++) {
            put(&t, out, i, (uint64_t)clamp(sx(get(a, bits, i), bits), lo, hi));
            put(&t, out, count + i,
                (uint64_t)clamp(sx(get(b, bits, i), bits), lo, hi));
        }
        break;
    }
    case V_MADD:
        for (unsigned i = 0; i < half; i++) {
            int64_t s = sx(get(a, 16, 2 * i), 16) * sx(get(b, 16, 2 * i), 16) +
                        sx(get(a, 16, 2 * i + 1), 16) *
                            sx(get(b, 16, 2 * i + 1), 16);
            put(&t, 32, i, (uint64_t)s);
        }
        break;
    case V_MADDUBS:
        for (unsigned i = 0; i < half; i++) {
            int64_t s = (int64_t)get(a, 8, 2 * i) * sx(get(b, 8, 2 * i), 8) +
                        (int64_t)get(a, 8, 2 * i + 1) *
                            sx(get(b, 8, 2 * i + 1), 8);
            put(&t, 16, i, (uint64_t)sat_s(s, 16));
        }
        break;
    case V_MULUDQ:
        for (unsigned i = 0; i < n / 8; i++) {
            t.q[i] = get(a, 32, 2 * i) * get(b, 32, 2 * i);
        }
        break;
    case V_SAD:
        for (unsigned i = 0; i < n / 8; i++) {
            uint64_t s = 0;
            for (unsigned j = 0; j < 8; j++) {
                int x = a->b[8 * i + j], y = b->b[8 * i + j];
                s += (uint64_t)(x > y ? x - y : y - x);
            }
            t.q[i] = s;
        }
        break;
    case V_PSHUFB:
        for (unsigned i = 0; i < n; i++) {
            uint8_t idx = b->b[i];
            t.b[i] = (idx & 0x80) ? 0 : a->b[idx & (n - 1)];
        }
        break;
    case V_HADD:
    case V_HADDS:
    case V_HSUB:
    case V_HSUBS:
        for (unsigned i = 0; i < count; i++) {
            const X86Xmm *src = i < half ? a : b;
            unsigned j = 2 * (i % half);
            int64_t x = sx(get(src, bits, j), bits);
            int64_t y = sx(get(src, bits, j + 1), bits);
            int64_t v = (op->kind == V_HADD || op->kind == V_HADDS) ? x + y
                                                                    : x - y;
            if (op->kind == V_HADDS || op->kind == V_HSUBS) {
                v = sat_s(v, bits);
            }
            put(&t, bits, i, (uint64_t)v);
        }
        break;
    default:
        for (unsigned i = 0; i < count; i++) {
            put(&t, bits, i, lane_op(op->kind, bits, get(a, bits, i),
                                     get(b, bits, i)));
        }
        break;
    }
    *r = t;
}

/* --- handlers --- */

/* Two-operand integer instructions: 66 0F xx (XMM), the SSE additions
 * to MMX at 0F xx, and SSSE3 at 0F 38 xx (none: MMX, 66: XMM). */
HANDLER(op_sse_int)
{
    bool xmm = sse_pfx(d) == PFX_66;
    unsigned code = d->opcode & 0xff;
    const IntOp *op = d->opcode >= 0x200 ? &ops_0f38[code & 31]
                                         : &ops_0f[code];
    X86Xmm a, b, r;

    if (xmm) {
        sse_check(cpu);
        sse_load_E(cpu, d, &b, 16, true);
        a = cpu->xmm[d->reg];
        vec_op(op, 16, &a, &b, &r);
        cpu->xmm[d->reg] = r;
        return;
    }
    if (!sse_check_mmx(cpu)) {
        return;
    }
    a.q[1] = b.q[1] = 0;
    b.q[0] = sse_load_mm_E(cpu, d, 8);
    a.q[0] = mm_get(cpu, mm_reg(d));
    vec_op(op, 8, &a, &b, &r);
    fpu_mmx_enter(cpu);
    mm_set(cpu, mm_reg(d), r.q[0]);
}

/* 66 0F 71-73 ib: shifts of an XMM register by an immediate, and
 * PSRLDQ (/3) and PSLLDQ (/7), byte shifts of the whole register. */
HANDLER(op_sse_shift_imm)
{
    static const uint8_t bits[3] = {16, 32, 64};
    unsigned reg = (d->modrm >> 3) & 7, count = d->imm & 0xff;
    X86Xmm *v = &cpu->xmm[d->rm];
    X86Xmm r = {.q = {0, 0}};

    sse_check(cpu);
    if (reg == 3 || reg == 7) {
        for (unsigned i = 0; i < 16; i++) {
            int src = reg == 3 ? (int)(i + count) : (int)i - (int)count;
            if (src >= 0 && src < 16) {
                r.b[i] = v->b[src];
            }
        }
    } else {
        unsigned kind = reg == 2 ? V_SRL : reg == 4 ? V_SRA : V_SLL;
        shift(kind, bits[(d->opcode & 0xff) - 0x71], 16, v, count, &r);
    }
    *v = r;
}

/* 0F 70 ib: PSHUFW mm, mm/m64; 66 PSHUFD; F3 PSHUFHW; F2 PSHUFLW. */
HANDLER(op_pshuf)
{
    unsigned pfx = sse_pfx(d), imm = d->imm & 0xff;
    X86Xmm b, r;

    if (pfx == PFX_NONE) {
        if (!sse_check_mmx(cpu)) {
            return;
        }
        b.q[0] = sse_load_mm_E(cpu, d, 8);
        for (unsigned i = 0; i < 4; i++) {
            r.w[i] = b.w[(imm >> (2 * i)) & 3];
        }
        fpu_mmx_enter(cpu);
        mm_set(cpu, mm_reg(d), r.q[0]);
        return;
    }
    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    r = b;
    for (unsigned i = 0; i < 4; i++) {
        unsigned sel = (imm >> (2 * i)) & 3;
        switch (pfx) {
        case PFX_66: r.l[i] = b.l[sel]; break;
        case PFX_F3: r.w[4 + i] = b.w[4 + sel]; break;
        default: r.w[i] = b.w[sel]; break;
        }
    }
    cpu->xmm[d->reg] = r;
}

/* 0F C4 ib: PINSRW mm, r32/m16 (66: xmm). */
HANDLER(op_pinsrw)
{
    bool xmm = sse_pfx(d) == PFX_66;
    if (xmm) {
        sse_check(cpu);
    } else if (!sse_check_mmx(cpu)) {
        return;
    }
    uint16_t v = (uint16_t)load_E(cpu, d, 2);
    if (xmm) {
        cpu->xmm[d->reg].w[d->imm & 7] = v;
        return;
    }
    X86Xmm t = {.q = {mm_get(cpu, mm_reg(d)), 0}};
    t.w[d->imm & 3] = v;
    fpu_mmx_enter(cpu);
    mm_set(cpu, mm_reg(d), t.q[0]);
}

/* 0F C5 ib: PEXTRW r32, mm (66: xmm). */
HANDLER(op_pextrw)
{
    uint16_t v;
    if (sse_pfx(d) == PFX_66) {
        sse_check(cpu);
        v = cpu->xmm[d->rm].w[d->imm & 7];
    } else {
        if (!sse_check_mmx(cpu)) {
            return;
        }
        X86Xmm t = {.q = {mm_get(cpu, mm_rm(d)), 0}};
        v = t.w[d->imm & 3];
        fpu_mmx_enter(cpu);
    }
    reg_write(cpu, d->reg, 4, v);
}

/* 0F D7: PMOVMSKB r32, mm (66: xmm). */
HANDLER(op_pmovmskb)
{
    X86Xmm v;
    unsigned n;
    if (sse_pfx(d) == PFX_66) {
        sse_check(cpu);
        v = cpu->xmm[d->rm];
        n = 16;
    } else {
        if (!sse_check_mmx(cpu)) {
            return;
        }
        v.q[0] = mm_get(cpu, mm_rm(d));
        n = 8;
        fpu_mmx_enter(cpu);
    }
    uint32_t m = 0;
    for (unsigned i = 0; i < n; i++) {
        m |= (uint32_t)(v.b[i] >> 7) << i;
    }
    reg_write(cpu, d->reg, 4, m);
}

/* 0F 3A 0F ib: PALIGNR mm, mm/m64 (66: xmm): the destination and source
 * side by side (destination high), shifted right by imm8 bytes. */
HANDLER(op_palignr)
{
    bool xmm = sse_pfx(d) == PFX_66;
    unsigned n = xmm ? 16 : 8, imm = d->imm & 0xff;
    uint8_t cat[32];
    X86Xmm a, b, r = {.q = {0, 0}};

    if (xmm) {
        sse_check(cpu);
        sse_load_E(cpu, d, &b, 16, true);
        a = cpu->xmm[d->reg];
    } else {
        if (!sse_check_mmx(cpu)) {
            return;
        }
        b.q[0] = sse_load_mm_E(cpu, d, 8);
        a.q[0] = mm_get(cpu, mm_reg(d));
    }
    memcpy(cat, b.b, n);
    memcpy(cat + n, a.b, n);
    for (unsigned i = 0; i < n; i++) {
        if (imm + i < 2 * n) {
            r.b[i] = cat[imm + i];
        }
    }
    if (xmm) {
        cpu->xmm[d->reg] = r;
    } else {
        fpu_mmx_enter(cpu);
        mm_set(cpu, mm_reg(d), r.q[0]);
    }
}
