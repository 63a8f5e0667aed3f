/*
 * SSE/SSE2/SSE3 floating-point instructions: arithmetic, MIN/MAX, SQRT,
 * RCP/RSQRT, compares, COMISS/UCOMISS, ADDSUB and horizontal add and
 * subtract, logic, shuffles and unpacks, and the conversions.
 *
 * The mandatory prefix picks the form: none packed single, 66 packed
 * double, F3 scalar single, F2 scalar double (unless noted). Every
 * element runs with its own flags; sse_fp_finish() then applies the
 * MXCSR rule before anything is written. Packed memory operands must be
 * 16-byte aligned; scalar ones read only their element.
 */
#include "cpu/sse.h"

#include "cpu/ops.h"

/* An element of a vector: float32 lanes or float64 lanes. */
static uint64_t lane(const X86Xmm *v, bool dbl, unsigned i)
{
    return dbl ? v->q[i] : v->l[i];
}

static void set_lane(X86Xmm *v, bool dbl, unsigned i, uint64_t x)
{
    if (dbl) {
        v->q[i] = x;
    } else {
        v->l[i] = (uint32_t)x;
    }
}

/* The source of a ps/pd/ss/sd instruction. */
static void load_src(X86Cpu *cpu, const DecodedInsn *d, X86Xmm *b,
                     bool dbl, bool scalar)
{
    sse_load_E(cpu, d, b, scalar ? (dbl ? 8 : 4) : 16, !scalar);
}

/* 0F 51-53, 58-5F: SQRT RSQRT RCP ADD MUL SUB MIN DIV MAX. */
HANDLER(op_sse_arith)
{
    static const uint8_t ops[16] = {
        [0x1] = SSEFP_SQRT, [0x2] = SSEFP_RSQRT, [0x3] = SSEFP_RCP,
        [0x8] = SSEFP_ADD,  [0x9] = SSEFP_MUL,   [0xc] = SSEFP_SUB,
        [0xd] = SSEFP_MIN,  [0xe] = SSEFP_DIV,   [0xf] = SSEFP_MAX,
    };
    unsigned pfx = sse_pfx(d);
    bool dbl = pfx == PFX_66 || pfx == PFX_F2;
    bool scalar = pfx >= PFX_F3;
    SseFpOp op = ops[d->opcode & 15];
    X86Xmm b;

    sse_check(cpu);
    load_src(cpu, d, &b, dbl, scalar);
    X86Xmm r = cpu->xmm[d->reg];
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    unsigned n = scalar ? 1 : dbl ? 2 : 4;
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = ssefp_arith(&env, op, dbl, lane(&r, dbl, i),
                                 lane(&b, dbl, i));
        sse_fp_collect(&env, &pre, &all);
        set_lane(&r, dbl, i, x);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F C2 ib: CMPPS/CMPPD/CMPSS/CMPSD with predicate imm8[2:0]. */
HANDLER(op_sse_cmp)
{
    unsigned pfx = sse_pfx(d);
    bool dbl = pfx == PFX_66 || pfx == PFX_F2;
    bool scalar = pfx >= PFX_F3;
    X86Xmm b;

    sse_check(cpu);
    load_src(cpu, d, &b, dbl, scalar);
    X86Xmm r = cpu->xmm[d->reg];
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    unsigned n = scalar ? 1 : dbl ? 2 : 4;
    for (unsigned i = 0; i < n; i++) {
        bool t = ssefp_cmp(&env, (unsigned)d->imm & 7, dbl, lane(&r, dbl, i),
                           lane(&b, dbl, i));
        sse_fp_collect(&env, &pre, &all);
        set_lane(&r, dbl, i, t ? ~0ULL : 0);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F 2E/2F: UCOMISS/COMISS (66: UCOMISD/COMISD) into ZF, PF, CF; OF,
 * SF and AF cleared. */
HANDLER(op_sse_comis)
{
    bool dbl = sse_pfx(d) == PFX_66;
    bool quiet = (d->opcode & 0xff) == 0x2e;
    X86Xmm b;

    sse_check(cpu);
    load_src(cpu, d, &b, dbl, true);
    FloatEnv env = sse_env(cpu);
    FloatRel rel = ssefp_comi(&env, quiet, dbl, lane(&cpu->xmm[d->reg], dbl, 0),
                              lane(&b, dbl, 0));
    uint32_t pre = 0, all = 0;
    sse_fp_collect(&env, &pre, &all);
    sse_fp_finish(cpu, pre, all);
    static const uint32_t fl[] = {
        [FLOAT_LESS] = FL_CF,
        [FLOAT_EQUAL] = FL_ZF,
        [FLOAT_GREATER] = 0,
        [FLOAT_UNORDERED] = FL_ZF | FL_PF | FL_CF,
    };
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = fl[rel];
}

/* 66 0F D0 ADDSUBPD, F2 0F D0 ADDSUBPS: even elements subtract, odd
 * ones add. */
HANDLER(op_sse_addsub)
{
    bool dbl = sse_pfx(d) == PFX_66;
    X86Xmm b;

    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    X86Xmm r = cpu->xmm[d->reg];
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    unsigned n = dbl ? 2 : 4;
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = ssefp_arith(&env, (i & 1) ? SSEFP_ADD : SSEFP_SUB, dbl,
                                 lane(&r, dbl, i), lane(&b, dbl, i));
        sse_fp_collect(&env, &pre, &all);
        set_lane(&r, dbl, i, x);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F 7C HADDPD/HADDPS, 0F 7D HSUBPD/HSUBPS (66: double, F2: single):
 * pairs of adjacent elements, the destination's pairs first. */
HANDLER(op_sse_hadd)
{
    bool dbl = sse_pfx(d) == PFX_66;
    SseFpOp op = (d->opcode & 0xff) == 0x7c ? SSEFP_ADD : SSEFP_SUB;
    X86Xmm b;

    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    const X86Xmm a = cpu->xmm[d->reg];
    X86Xmm r;
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    unsigned n = dbl ? 2 : 4;
    for (unsigned i = 0; i < n; i++) {
        const X86Xmm *src = i < n / 2 ? &a : &b;
        unsigned j = 2 * (i % (n / 2));
        uint64_t x = ssefp_arith(&env, op, dbl, lane(src, dbl, j),
                                 lane(src, dbl, j + 1));
        sse_fp_collect(&env, &pre, &all);
        set_lane(&r, dbl, i, x);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* Bitwise logic: 0F 54-57 ANDPS ANDNPS ORPS XORPS (and the PD forms),
 * 66 0F DB/DF/EB/EF PAND PANDN POR PXOR. */
HANDLER(op_sse_logic)
{
    X86Xmm b;
    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    X86Xmm *a = &cpu->xmm[d->reg];
    for (unsigned i = 0; i < 2; i++) {
        uint64_t x = a->q[i], y = b.q[i];
        switch (d->opcode & 0xff) {
        case 0x54: case 0xdb: x &= y; break;
        case 0x55: case 0xdf: x = ~x & y; break;
        case 0x56: case 0xeb: x |= y; break;
        default: x ^= y; break;
        }
        a->q[i] = x;
    }
}

/* 0F 14/15: UNPCKLPS/UNPCKHPS, UNPCKLPD/UNPCKHPD. */
HANDLER(op_sse_unpck)
{
    bool dbl = sse_pfx(d) == PFX_66;
    bool high = (d->opcode & 0xff) == 0x15;
    X86Xmm b, r;

    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    const X86Xmm a = cpu->xmm[d->reg];
    if (dbl) {
        r.q[0] = a.q[high];
        r.q[1] = b.q[high];
    } else {
        unsigned h = high ? 2 : 0;
        r.l[0] = a.l[h];
        r.l[1] = b.l[h];
        r.l[2] = a.l[h + 1];
        r.l[3] = b.l[h + 1];
    }
    cpu->xmm[d->reg] = r;
}

/* 0F C6 ib: SHUFPS (66: SHUFPD): low half from the destination, high
 * half from the source, elements picked by imm8. */
HANDLER(op_sse_shuf)
{
    unsigned imm = (unsigned)d->imm;
    X86Xmm b, r;

    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    const X86Xmm a = cpu->xmm[d->reg];
    if (sse_pfx(d) == PFX_66) {
        r.q[0] = a.q[imm & 1];
        r.q[1] = b.q[(imm >> 1) & 1];
    } else {
        r.l[0] = a.l[imm & 3];
        r.l[1] = a.l[(imm >> 2) & 3];
        r.l[2] = b.l[(imm >> 4) & 3];
        r.l[3] = b.l[(imm >> 6) & 3];
    }
    cpu->xmm[d->reg] = r;
}

/* --- conversions --- */

/* The integer operand size of CVTSI2SS and friends: REX.W makes it 64. */
static unsigned int_size(const DecodedInsn *d)
{
    return (d->rex & 8) ? 8 : 4;
}

/* 0F 2A: CVTPI2PS xmm, mm/m64; 66 CVTPI2PD xmm, mm/m64; F3 CVTSI2SS
 * xmm, r/m32; F2 CVTSI2SD xmm, r/m32. */
HANDLER(op_cvt_2a)
{
    unsigned pfx = sse_pfx(d);
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    X86Xmm r;

    if (pfx >= PFX_F3) {
        sse_check(cpu);
        bool dbl = pfx == PFX_F2;
        unsigned size = int_size(d);
        int64_t v = sext(load_E(cpu, d, size), size);
        uint64_t x = ssefp_from_int(&env, dbl, v);
        sse_fp_collect(&env, &pre, &all);
        sse_fp_finish(cpu, pre, all);
        set_lane(&cpu->xmm[d->reg], dbl, 0, x);
        return;
    }
    /* The MMX-register forms take pending x87 errors and enter MMX
     * mode; from memory they do neither. */
    bool dbl = pfx == PFX_66;
    bool mmx = !d->mem;
    if (mmx) {
        if (!sse_check_both(cpu)) {
            return;
        }
    } else {
        sse_check(cpu);
    }
    uint64_t src = sse_load_mm_E(cpu, d, 8);
    r = cpu->xmm[d->reg];
    for (unsigned i = 0; i < 2; i++) {
        uint64_t x = ssefp_from_int(&env, dbl, (int32_t)(src >> (32 * i)));
        sse_fp_collect(&env, &pre, &all);
        set_lane(&r, dbl, i, x);
    }
    if (mmx) {
        fpu_mmx_enter(cpu);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F 2C (truncating) and 2D: CVT(T)PS2PI mm, xmm/m64; 66 CVT(T)PD2PI
 * mm, xmm/m128; F3 CVT(T)SS2SI r32, xmm/m32; F2 CVT(T)SD2SI r32,
 * xmm/m64. */
HANDLER(op_cvt_2c)
{
    unsigned pfx = sse_pfx(d);
    bool dbl = pfx == PFX_66 || pfx == PFX_F2;
    bool trunc = (d->opcode & 0xff) == 0x2c;
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    X86Xmm b;

    if (pfx >= PFX_F3) {
        sse_check(cpu);
        unsigned size = int_size(d);
        load_src(cpu, d, &b, dbl, true);
        int64_t v = ssefp_to_int(&env, dbl, lane(&b, dbl, 0), 8 * size,
                                 trunc);
        sse_fp_collect(&env, &pre, &all);
        sse_fp_finish(cpu, pre, all);
        reg_write(cpu, d->reg, size, (uint64_t)v);
        return;
    }
    if (!sse_check_both(cpu)) {
        return;
    }
    sse_load_E(cpu, d, &b, dbl ? 16 : 8, dbl);
    uint64_t r = 0;
    for (unsigned i = 0; i < 2; i++) {
        int64_t v = ssefp_to_int(&env, dbl, lane(&b, dbl, i), 32, trunc);
        sse_fp_collect(&env, &pre, &all);
        r |= (uint64_t)(uint32_t)v << (32 * i);
    }
    fpu_mmx_enter(cpu);
    sse_fp_finish(cpu, pre, all);
    mm_set(cpu, mm_reg(d), r);
}

/* 0F 5A: CVTPS2PD xmm, xmm/m64; 66 CVTPD2PS; F3 CVTSS2SD xmm, xmm/m32;
 * F2 CVTSD2SS xmm, xmm/m64. */
HANDLER(op_cvt_5a)
{
    unsigned pfx = sse_pfx(d);
    bool from_dbl = pfx == PFX_66 || pfx == PFX_F2;
    bool scalar = pfx >= PFX_F3;
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    X86Xmm b;

    sse_check(cpu);
    if (pfx == PFX_NONE) {
        sse_load_E(cpu, d, &b, 8, false);
    } else {
        load_src(cpu, d, &b, from_dbl, scalar);
    }
    X86Xmm r = cpu->xmm[d->reg];
    if (pfx == PFX_66) {
        r.q[1] = 0;
    }
    unsigned n = scalar ? 1 : 2;
    for (unsigned i = 0; i < n; i++) {
        if (from_dbl) {
            r.l[i] = ssefp_f64_to_f32(&env, b.q[i]);
        } else {
            r.q[i] = ssefp_f32_to_f64(&env, b.l[i]);
        }
        sse_fp_collect(&env, &pre, &all);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F 5B: CVTDQ2PS; 66 CVTPS2DQ; F3 CVTTPS2DQ. */
HANDLER(op_cvt_5b)
{
    unsigned pfx = sse_pfx(d);
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    X86Xmm b, r;

    sse_check(cpu);
    sse_load_E(cpu, d, &b, 16, true);
    for (unsigned i = 0; i < 4; i++) {
        if (pfx == PFX_NONE) {
            r.l[i] = (uint32_t)ssefp_from_int(&env, false, (int32_t)b.l[i]);
        } else {
            r.l[i] = (uint32_t)ssefp_to_int(&env, false, b.l[i], 32,
                                            pfx == PFX_F3);
        }
        sse_fp_collect(&env, &pre, &all);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}

/* 0F E6: 66 CVTTPD2DQ; F3 CVTDQ2PD xmm, xmm/m64; F2 CVTPD2DQ. */
HANDLER(op_cvt_e6)
{
    unsigned pfx = sse_pfx(d);
    FloatEnv env = sse_env(cpu);
    uint32_t pre = 0, all = 0;
    X86Xmm b, r = {.q = {0, 0}};

    sse_check(cpu);
    if (pfx == PFX_F3) {
        sse_load_E(cpu, d, &b, 8, false);
        for (unsigned i = 0; i < 2; i++) {
            r.q[i] = ssefp_from_int(&env, true, (int32_t)b.l[i]);
        }
        cpu->xmm[d->reg] = r;
        return;
    }
    sse_load_E(cpu, d, &b, 16, true);
    for (unsigned i = 0; i < 2; i++) {
        r.l[i] = (uint32_t)ssefp_to_int(&env, true, b.q[i], 32,
                                        pfx == PFX_66);
        sse_fp_collect(&env, &pre, &all);
    }
    sse_fp_finish(cpu, pre, all);
    cpu->xmm[d->reg] = r;
}
