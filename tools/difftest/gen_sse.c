/*
 * The SSE groups of the stream generator: SSE, SSE2, SSE3 and SSSE3
 * floating point, conversions, moves and shuffles, and integer
 * instructions (XMM and MMX forms), run with random MXCSR settings, in
 * 16-, 32- and 64-bit code.
 *
 * Operand values come from the stream's initial XMM/MMX state (edge
 * cases: zeros, denormals, infinities, NaNs, integer limits), from setup
 * stores into memory operands and from reloads of registers. Most
 * memory operands of instructions that need 16-byte alignment are
 * aligned; the rest take #GP. MXCSR loads now and then unmask
 * exceptions, so #XM ends some streams.
 *
 * What 64-bit code adds:
 *  - REX.R and REX.B name XMM8-15; on MMX registers they are ignored
 *    (and extend only a GPR or memory operand);
 *  - REX.W forms: MOVD/MOVQ between XMM/MMX and r/m64, CVTSI2SS/SD from
 *    r/m64, CVT(T)SS2SI/SD2SI to r64, MOVMSKPS/PD, PMOVMSKB and PEXTRW
 *    to r64, MOVNTI m64, FXSAVE64/FXRSTOR64; everywhere else REX.W is
 *    ignored, and emitted now and then;
 *  - RIP-relative operands followed by an immediate byte (the
 *    displacement counts from the end of the instruction);
 *  - MASKMOVQ/MASKMOVDQU through RDI (EDI with 67), GS-relative;
 *  - PREFETCH/PREFETCHW (0F 0D), #UD on the 32-bit models.
 */
#include "tools/difftest/gen.h"

#include <string.h>

enum { P_NONE = 0, P_66 = 0x66, P_F3 = 0xf3, P_F2 = 0xf2 };

static const uint8_t pfx4[4] = {P_NONE, P_66, P_F3, P_F2};

void gen_sse_init(DtGen *g)
{
    dt_sse_init(&g->rng, &g->s->init.fpu, nregs(g));
}

/* --- operands --- */

/* An XMM register, or a register field for an MMX operand (in 64-bit
 * code 0-15: REX bits on MMX registers are ignored, any number will do). */
static unsigned xreg(DtGen *g)
{
    return rn(g, nregs(g));
}

/* An address for an operand of @size bytes: with @align, 16-byte
 * aligned in the sandbox most of the time. */
static uint64_t sse_addr(DtGen *g, unsigned size, bool align)
{
    if (!align || chance(g, 8)) {
        return pick_addr(g, size);
    }
    uint64_t sbx = g->lay->sbx_base;
    return (sbx + rn(g, (uint32_t)(sbx_end(g) - sbx - 16))) & ~15ULL;
}

/* Store interesting lanes at @addr (float32, or float64 with @dbl). */
static void fill_mem(DtGen *g, uint64_t addr, unsigned size, bool dbl)
{
    if (!in_sandbox(g, addr, size)) {
        return;
    }
    for (unsigned off = 0; off < size; off += 4) {
        if (dbl && size >= 8) {
            set_mem(g, addr + off, 8, dt_f64_val(&g->rng));
            off += 4;
        } else {
            set_mem(g, addr + off, 4, dt_f32_val(&g->rng));
        }
    }
}

/* A register E operand (XMM or MMX) or @size bytes of memory (@mem_pct
 * percent of the time), aligned to 16 most of the time with @align,
 * holding float64 (@dbl) or float32 values now and then. */
static Ea sse_E(DtGen *g, unsigned size, bool align, unsigned mem_pct,
                bool dbl)
{
    if (chance(g, mem_pct)) {
        uint64_t addr = sse_addr(g, size, align);
        if (chance(g, 40)) {
            fill_mem(g, addr, size, dbl);
        }
        return mem_at(g, addr, 0);
    }
    return reg_E(xreg(g));
}

/* A general register source of @size bytes (4 or 8) with a fresh value
 * now and then, or memory. */
static Ea gpr_src(DtGen *g, unsigned size)
{
    if (chance(g, 45)) {
        return mem_at(g, sse_addr(g, size, false), 0);
    }
    unsigned r = pick_reg(g, size, false);
    if (r != DT_ESP && chance(g, 60)) {
        set_reg(g, r, size, chance(g, 50) ? interesting(g, size) : rnd(g));
    }
    return reg_E(r);
}

/*
 * Emit an instruction: the E operand's segment and address-size
 * prefixes with the mandatory prefix @pfx (in any order; now and then a
 * redundant 66 that F2/F3 override), in 64-bit code a REX (REX.W with
 * @w, now and then where it changes nothing), 0F, the map byte (0, 0x38
 * or 0x3a), @op, ModRM with @reg (0-15) and an immediate byte if
 * @ib >= 0.
 */
static void emit_w(DtGen *g, uint8_t pfx, uint8_t map, uint8_t op,
                   const Ea *e, unsigned reg, int ib, bool w)
{
    ins_begin(g);
    unsigned rex = e->rex | rex_r(reg) | (w ? REX_W : 0);
    if (g->bits == 64) {
        if (!w && chance(g, 10)) {
            rex |= REX_W;
        }
        if ((!e->mem || !e->has_sib) && chance(g, 3)) {
            rex |= REX_X; /* no SIB byte: ignored */
        }
    }
    bool f2f3 = pfx == P_F2 || pfx == P_F3;
    unsigned os = f2f3 && chance(g, 5) ? 6 - def_os(g) : 0;
    prefixes(g, false, e->seg, os, e->as, pfx, rex);
    byte(g, 0x0f);
    if (map) {
        byte(g, map);
    }
    byte(g, op);
    modrm(g, e, reg);
    if (ib >= 0) {
        byte(g, (uint8_t)ib);
    }
    ins_end(g);
}

static void emit(DtGen *g, uint8_t pfx, uint8_t map, uint8_t op,
                 const Ea *e, unsigned reg, int ib)
{
    emit_w(g, pfx, map, op, e, reg, ib, false);
}

/* LDMXCSR from a setup store (reserved bits now and then: #GP). */
static void load_mxcsr(DtGen *g)
{
    uint64_t addr = sse_addr(g, 4, true) + 4 * rn(g, 4);
    if (!in_sandbox(g, addr, 4)) {
        addr = g->lay->sbx_base + 0x100;
    }
    uint32_t v = dt_mxcsr_val(&g->rng);
    if (chance(g, 3)) {
        v |= 1u << (16 + rn(g, 16));
    }
    set_mem(g, addr, 4, v);
    Ea e = mem_at(g, addr, 0);
    emit(g, P_NONE, 0, 0xae, &e, 2, -1);
}

/* Reload an XMM register from memory with fresh values (setup). */
static void load_xmm(DtGen *g)
{
    uint64_t addr = sse_addr(g, 16, true);
    if (!in_sandbox(g, addr, 16)) {
        return;
    }
    uint8_t v[16];
    dt_vec_val(&g->rng, v);
    for (unsigned i = 0; i < 16; i += 8) {
        uint64_t x;
        memcpy(&x, v + i, 8);
        set_mem(g, addr + i, 8, x);
    }
    Ea e = mem_at(g, addr, E_NOSEG);
    unsigned reg = xreg(g);
    ins_begin(g);
    prefixes(g, false, 0, 0, e.as, 0, e.rex | rex_r(reg));
    byte(g, 0x0f);
    byte(g, 0x10); /* movups */
    modrm(g, &e, reg);
    setup_end(g);
}

/* Setup common to the groups: now and then new MXCSR settings or fresh
 * register contents. */
static void sse_setup(DtGen *g)
{
    if (chance(g, 6)) {
        load_mxcsr(g);
    }
    if (chance(g, 12)) {
        load_xmm(g);
    }
    maybe_flags(g, 5);
}

/* --- groups --- */

/* ADD SUB MUL DIV MIN MAX SQRT RCP RSQRT (ps pd ss sd), CMPcc, COMISS
 * UCOMISS, AND ANDN OR XOR, ADDSUB, HADD, HSUB. */
void gen_ssefp(DtGen *g)
{
    static const uint8_t arith[] = {0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f,
                                    0x51, 0x52, 0x53};
    sse_setup(g);
    unsigned kind = rn(g, 20);
    unsigned reg = xreg(g);
    if (kind < 12) {
        uint8_t op = arith[rn(g, sizeof(arith))];
        unsigned p = rn(g, 4);
        if (op == 0x52 || op == 0x53) {
            p &= 2; /* none or F3 */
        }
        bool dbl = p == 1 || p == 3, scalar = p >= 2;
        Ea e = sse_E(g, scalar ? (dbl ? 8 : 4) : 16, !scalar, 40, dbl);
        emit(g, pfx4[p], 0, op, &e, reg, -1);
    } else if (kind < 15) {
        /* CMPcc: RIP-relative operands are followed by the predicate. */
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3, scalar = p >= 2;
        Ea e = sse_E(g, scalar ? (dbl ? 8 : 4) : 16, !scalar, 40, dbl);
        int imm8 = chance(g, 95) ? (int)rn(g, 8) : (int)rn(g, 256);
        emit(g, pfx4[p], 0, 0xc2, &e, reg, imm8);
    } else if (kind < 17) {
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, dbl ? 8 : 4, false, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, chance(g, 50) ? 0x2e : 0x2f, &e,
             reg, -1);
    } else if (kind < 18) {
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 30, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, (uint8_t)(0x54 + rn(g, 4)), &e, reg,
             -1);
    } else {
        static const uint8_t sse3[] = {0xd0, 0x7c, 0x7d};
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 40, dbl);
        emit(g, dbl ? P_66 : P_F2, 0, sse3[rn(g, 3)], &e, reg, -1);
    }
}

/* CVT*: every conversion, with XMM, MMX, 32- and 64-bit GPR and memory
 * operands. */
void gen_ssecvt(DtGen *g)
{
    sse_setup(g);
    unsigned reg = xreg(g);
    switch (rn(g, 7)) {
    case 0:
    case 1: { /* 0F 2A */
        unsigned p = rn(g, 4);
        if (p >= 2) {
            /* CVTSI2SS/SD xmm, r/m32 or (REX.W) r/m64 */
            bool w = rex_w(g, 50);
            Ea e = gpr_src(g, w ? 8 : 4);
            emit_w(g, pfx4[p], 0, 0x2a, &e, reg, -1, w);
        } else {
            Ea e = sse_E(g, 8, false, 40, false);
            emit(g, pfx4[p], 0, 0x2a, &e, reg, -1);
        }
        break;
    }
    case 2:
    case 3: { /* 0F 2C / 2D */
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3;
        unsigned size = p == 0 ? 8 : p == 1 ? 16 : dbl ? 8 : 4;
        Ea e = sse_E(g, size, p == 1, 40, dbl);
        bool w = false;
        if (p >= 2) {
            /* CVT(T)SS2SI/SD2SI r32 or (REX.W) r64 */
            reg = pick_reg(g, 8, true);
            w = rex_w(g, 50);
        }
        emit_w(g, pfx4[p], 0, chance(g, 50) ? 0x2c : 0x2d, &e, reg, -1, w);
        break;
    }
    case 4: { /* 0F 5A */
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3;
        unsigned size = p == 0 ? 8 : p == 1 ? 16 : dbl ? 8 : 4;
        Ea e = sse_E(g, size, p == 1, 40, dbl);
        emit(g, pfx4[p], 0, 0x5a, &e, reg, -1);
        break;
    }
    case 5: { /* 0F 5B */
        unsigned p = rn(g, 3);
        Ea e = sse_E(g, 16, true, 40, false);
        emit(g, pfx4[p], 0, 0x5b, &e, reg, -1);
        break;
    }
    default: { /* 0F E6 */
        unsigned p = 1 + rn(g, 3);
        Ea e = sse_E(g, p == 2 ? 8 : 16, p != 2, 40, p != 2);
        emit(g, pfx4[p], 0, 0xe6, &e, reg, -1);
        break;
    }
    }
}

/* FXSAVE (in 64-bit code with or without REX.W) to a 16-byte aligned
 * area, now and then new values stored into the image, FXRSTOR from it;
 * now and then a misaligned or unwritable area. FXRSTOR takes the very
 * operand FXSAVE had, and the stores go into the image only when that
 * operand surely reaches the area. FXRSTOR loads what FXSAVE wrote but
 * for XMM, x87 registers, MXCSR, FCW/FSW/FTW, with the x87 pointers other
 * than FIP zeroed: the host keeps FOP, FCS, FDP and FDS as a current
 * Intel CPU does, pcvm as a P6 (docs/cpu-flags.md, the x87 group), and
 * random ones would show two things pcvm does not copy from the host
 * (docs/sse.md). */
static void gen_fx(DtGen *g)
{
    uint64_t sbx = g->lay->sbx_base;
    uint64_t area = (sbx + rn(g, (uint32_t)(sbx_end(g) - sbx - 512))) &
                    ~15ULL;
    if (chance(g, 5)) {
        area = pick_addr(g, 512);
    }
    bool known = in_sandbox(g, area, 512);
    /* In 16/32-bit streams the x87 group runs: the pointers of the image
     * must be overwritten, so it must be where we think. */
    Ea e = mem_at(g, area, known && g->bits != 64 ? E_EXACT : 0);
    known = known && !e.wild;
    emit_w(g, P_NONE, 0, 0xae, &e, 0, -1, rex_w(g, 50));
    if (known && g->bits != 64) {
        set_mem(g, area + 6, 2, 0);
        set_mem(g, area + 12, 4, 0);
        set_mem(g, area + 16, 4, 0);
        set_mem(g, area + 20, 4, 0);
    }
    if (!chance(g, 70)) {
        return;
    }
    if (known) {
        /* Some XMM lanes, an x87 register, MXCSR (valid, mostly). */
        for (unsigned n = rn(g, 4); n > 0; n--) {
            set_mem(g, area + 160 + 8 * rn(g, 32), 8,
                    chance(g, 50) ? dt_f64_val(&g->rng) : rnd(g));
        }
        if (chance(g, 30)) {
            set_mem(g, area + 32 + 16 * rn(g, 8), 8, rnd(g));
        }
        if (chance(g, 30)) {
            uint32_t m = dt_mxcsr_val(&g->rng);
            if (chance(g, 5)) {
                m |= 1u << (16 + rn(g, 16));
            }
            set_mem(g, area + 24, 4, m);
        }
        if (chance(g, 20)) {
            /* FCW, FSW (TOP), abridged tags */
            set_mem(g, area, 4, (uint32_t)rnd(g) & 0x3fff1f3f);
            set_mem(g, area + 4, 1, rnd(g));
        }
    }
    emit_w(g, P_NONE, 0, 0xae, &e, 1, -1, rex_w(g, 50));
}

/* MOV*, MOVMSK, MASKMOV, MOVNT*, shuffles and unpacks, LDMXCSR,
 * STMXCSR, fences, CLFLUSH, PREFETCH, FXSAVE, FXRSTOR. */
void gen_ssemov(DtGen *g)
{
    sse_setup(g);
    unsigned reg = xreg(g);
    unsigned kind = rn(g, 27);
    switch (kind) {
    case 0:
    case 1: { /* 0F 10/11, 28/29 */
        unsigned p = rn(g, 4);
        bool aligned = chance(g, 40) && p < 2;
        uint8_t op = (uint8_t)((aligned ? 0x28 : 0x10) + rn(g, 2));
        unsigned size = p == 2 ? 4 : p == 3 ? 8 : 16;
        Ea e = sse_E(g, size, aligned, 50, p & 1);
        emit(g, pfx4[p], 0, op, &e, reg, -1);
        break;
    }
    case 2:
    case 3: { /* 0F 12/13/16/17 */
        unsigned p = rn(g, 4);
        bool store = p < 2 && chance(g, 40);
        uint8_t op = (uint8_t)((chance(g, 50) ? 0x12 : 0x16) + store);
        if (p == 3 && op == 0x16) {
            p = 2; /* no F2 0F 16 */
        }
        bool mem_only = store || p == 1;
        unsigned size = p == 2 ? 16 : 8;
        Ea e = sse_E(g, size, p == 2, mem_only ? 95 : 50, false);
        emit(g, pfx4[p], 0, op, &e, reg, -1);
        break;
    }
    case 4: { /* MOVMSKPS/PD r32 (r64) */
        Ea e = reg_E(xreg(g));
        uint8_t pfx = chance(g, 50) ? P_66 : P_NONE;
        unsigned dst = pick_reg(g, 8, true);
        emit_w(g, pfx, 0, 0x50, &e, dst, -1, rex_w(g, 50));
        break;
    }
    case 5:
    case 6: { /* 66 [REX.W] 0F 6E/7E: MOVD/MOVQ xmm <-> r/m32 (r/m64) */
        bool load = chance(g, 50), w = rex_w(g, 50);
        Ea e = load ? gpr_src(g, w ? 8 : 4)
                    : pick_E(g, w ? 8 : 4, E_REG | E_MEM | E_DST);
        emit_w(g, P_66, 0, load ? 0x6e : 0x7e, &e, reg, -1, w);
        break;
    }
    case 7: { /* F3 0F 7E, 66 0F D6: MOVQ */
        bool load = chance(g, 50);
        Ea e = sse_E(g, 8, false, 50, false);
        emit(g, load ? P_F3 : P_66, 0, load ? 0x7e : 0xd6, &e, reg, -1);
        break;
    }
    case 8: { /* MOVDQA/MOVDQU, LDDQU */
        unsigned k = rn(g, 5);
        if (k == 4) {
            Ea e = sse_E(g, 16, false, 95, false);
            emit(g, P_F2, 0, 0xf0, &e, reg, -1);
            break;
        }
        bool aligned = k < 2;
        Ea e = sse_E(g, 16, aligned, 50, false);
        emit(g, aligned ? P_66 : P_F3, 0, (k & 1) ? 0x7f : 0x6f, &e, reg,
             -1);
        break;
    }
    case 9: { /* MOVQ2DQ, MOVDQ2Q */
        Ea e = reg_E(xreg(g));
        emit(g, chance(g, 50) ? P_F3 : P_F2, 0, 0xd6, &e, reg, -1);
        break;
    }
    case 10: { /* MOVNTPS/PD, MOVNTQ, MOVNTDQ, MOVNTI m32 (m64) */
        static const uint8_t ops[] = {0x2b, 0x2b, 0xe7, 0xe7, 0xc3};
        static const uint8_t pf[] = {P_NONE, P_66, P_NONE, P_66, P_NONE};
        unsigned k = rn(g, 5);
        bool w = k == 4 && rex_w(g, 50);
        Ea e = sse_E(g, k == 2 || w ? 8 : k == 4 ? 4 : 16, k != 2 && k != 4,
                     95, false);
        if (k == 4) {
            reg = pick_reg(g, 8, false);
        }
        emit_w(g, pf[k], 0, ops[k], &e, reg, -1, w);
        break;
    }
    case 11: { /* MASKMOVQ, MASKMOVDQU: (E/R)DI points into the sandbox */
        bool xmm = chance(g, 50);
        Ea e = reg_E(xreg(g));
        uint64_t addr = sse_addr(g, 16, false);
        unsigned as = def_as(g);
        if (g->bits == 64) {
            e.seg = pick_seg(g, 0, &addr);
            as = pick_as(g, 15);
            if (as == 4 && chance(g, 70)) {
                /* With 67, the upper half of RDI does not count. */
                addr = (uint32_t)addr | rnd(g) << 32;
            }
            e.as = (uint8_t)as;
        }
        if (chance(g, 90)) {
            set_reg(g, DT_EDI, wide_size(g),
                    as == 2 ? addr & 0xffff : addr);
        }
        emit(g, xmm ? P_66 : P_NONE, 0, 0xf7, &e, reg, -1);
        break;
    }
    case 12:
    case 13: { /* UNPCKL/H PS/PD */
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, chance(g, 50) ? 0x14 : 0x15, &e,
             reg, -1);
        break;
    }
    case 14:
    case 15: { /* SHUFPS/PD */
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, 0xc6, &e, reg, (int)rn(g, 256));
        break;
    }
    case 16: /* LDMXCSR */
        load_mxcsr(g);
        break;
    case 17: { /* STMXCSR */
        Ea e = mem_at(g, sse_addr(g, 4, false), E_DST);
        emit(g, P_NONE, 0, 0xae, &e, 3, -1);
        break;
    }
    case 18: { /* LFENCE MFENCE SFENCE (any rm) */
        Ea e = reg_E(xreg(g));
        emit(g, P_NONE, 0, 0xae, &e, 5 + rn(g, 3), -1);
        break;
    }
    case 19: { /* CLFLUSH, PREFETCHh, PREFETCH/PREFETCHW (any form) */
        Ea e = mem_at(g, pick_addr(g, 1), 0);
        unsigned k = rn(g, g->bits == 64 ? 3 : 2);
        if (k == 0) {
            emit(g, P_NONE, 0, 0xae, &e, 7, -1);
        } else if (k == 1) {
            emit(g, P_NONE, 0, 0x18, &e, rn(g, 4), -1);
        } else {
            if (chance(g, 20)) {
                e = reg_E(xreg(g));
            }
            emit(g, P_NONE, 0, 0x0d, &e, rn(g, 8), -1);
        }
        break;
    }
    case 20: { /* MOVSLDUP MOVSHDUP MOVDDUP */
        unsigned k = rn(g, 3);
        Ea e = sse_E(g, k == 2 ? 8 : 16, k != 2, 40, k == 2);
        emit(g, k == 2 ? P_F2 : P_F3, 0, k == 1 ? 0x16 : 0x12, &e, reg, -1);
        break;
    }
    case 21: { /* any opcode of the SSE ranges with any prefix */
        static const uint8_t lo[] = {0x10, 0x28, 0x50, 0x70, 0xc2, 0xd0};
        static const uint8_t n[] = {8, 8, 40, 8, 5, 48};
        unsigned r = rn(g, 6);
        uint8_t op = (uint8_t)(lo[r] + rn(g, n[r]));
        if (op == 0x77 || (op >= 0x78 && op <= 0x7b)) {
            op = 0x7c; /* EMMS is not SSE; 78-7B are VMX/SSE4a */
        }
        bool ib = (op >= 0x70 && op <= 0x73) ||
                  (op >= 0xc2 && op <= 0xc6 && op != 0xc3);
        Ea e = sse_E(g, 16, true, 40, false);
        if ((op >= 0x71 && op <= 0x73) && chance(g, 70)) {
            e = reg_E(xreg(g));
        }
        uint8_t pfx = pfx4[rn(g, 4)];
        int imm8 = ib ? (int)rn(g, 256) : -1;
        emit_w(g, pfx, 0, op, &e, reg, imm8, rex_w(g, 20));
        break;
    }
    case 22:
    case 23: /* FXSAVE, FXRSTOR */
        gen_fx(g);
        break;
    default: { /* register-to-register moves of all kinds */
        static const uint8_t ops[] = {0x10, 0x11, 0x28, 0x29, 0x12, 0x16};
        unsigned p = rn(g, 4);
        uint8_t op = ops[rn(g, 6)];
        if (op >= 0x28 || op == 0x12 || op == 0x16) {
            p = 0;
        }
        Ea e = reg_E(xreg(g));
        emit(g, pfx4[p], 0, op, &e, reg, -1);
        break;
    }
    }
}

/* Integer instructions: the SSE2 XMM forms of MMX, the SSE and SSE2
 * additions on MMX registers, shifts by immediates, PSHUF*, PINSRW,
 * PEXTRW, PMOVMSKB, SSSE3 (both forms), the original MMX instructions
 * (MOVD/MOVQ with r/m64 too). */
void gen_sseint(DtGen *g)
{
    /* Two-operand 0F opcodes with an XMM (66) form. */
    static const uint8_t xmm_ops[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
        0x6b, 0x6c, 0x6d, 0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5,
        0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2,
        0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
        0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
        0xfd, 0xfe,
    };
    /* Those SSE and SSE2 added on MMX registers. */
    static const uint8_t mmx_ops[] = {0xd4, 0xda, 0xde, 0xe0, 0xe3, 0xe4,
                                      0xea, 0xee, 0xf4, 0xf6, 0xfb};
    static const uint8_t ssse3[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
                                    0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                    0x1c, 0x1d, 0x1e};
    /* The original MMX instructions (mmx.c), for the company. */
    static const uint8_t mmx_orig[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
        0x6b, 0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd5, 0xd8, 0xd9, 0xdb,
        0xdc, 0xdd, 0xdf, 0xe1, 0xe2, 0xe5, 0xe8, 0xe9, 0xeb, 0xec, 0xed,
        0xef, 0xf1, 0xf2, 0xf3, 0xf5, 0xf8, 0xf9, 0xfa, 0xfc, 0xfd, 0xfe,
        0x6e, 0x6f, 0x7e, 0x7f, 0x77,
    };
    sse_setup(g);
    unsigned reg = xreg(g);
    unsigned kind = rn(g, 23);
    if (kind >= 20) {
        uint8_t op = mmx_orig[rn(g, sizeof(mmx_orig))];
        if (op == 0x77) { /* EMMS */
            ins_begin(g);
            prefixes(g, false, 0, 0, 0, 0, 0);
            byte(g, 0x0f);
            byte(g, 0x77);
            ins_end(g);
            return;
        }
        if (op == 0x6e || op == 0x7e) {
            /* MOVD/MOVQ mm <-> r/m32 (r/m64) */
            bool w = rex_w(g, 50);
            Ea e = op == 0x6e ? gpr_src(g, w ? 8 : 4)
                              : pick_E(g, w ? 8 : 4, E_REG | E_MEM | E_DST);
            emit_w(g, P_NONE, 0, op, &e, reg, -1, w);
            return;
        }
        Ea e = sse_E(g, 8, false, 35, false);
        emit(g, P_NONE, 0, op, &e, reg, -1);
        return;
    }
    if (kind < 7) {
        Ea e = sse_E(g, 16, true, 35, false);
        emit(g, P_66, 0, xmm_ops[rn(g, sizeof(xmm_ops))], &e, reg, -1);
    } else if (kind < 9) {
        Ea e = sse_E(g, 8, false, 35, false);
        emit(g, P_NONE, 0, mmx_ops[rn(g, sizeof(mmx_ops))], &e, reg, -1);
    } else if (kind < 13) {
        bool xmm = chance(g, 60);
        Ea e = sse_E(g, xmm ? 16 : 8, xmm, 35, false);
        emit(g, xmm ? P_66 : P_NONE, 0x38, ssse3[rn(g, sizeof(ssse3))], &e,
             reg, -1);
    } else if (kind < 14) {
        /* PALIGNR: RIP-relative operands are followed by the count. */
        bool xmm = chance(g, 60);
        Ea e = sse_E(g, xmm ? 16 : 8, xmm, 35, false);
        emit(g, xmm ? P_66 : P_NONE, 0x3a, 0x0f, &e, reg,
             chance(g, 80) ? (int)rn(g, 34) : (int)rn(g, 256));
    } else if (kind < 16) {
        /* 0F 71-73 shifts by imm8 (XMM and MMX) */
        static const uint8_t regs71[] = {2, 4, 6};
        static const uint8_t regs73[] = {2, 3, 6, 7};
        uint8_t op = (uint8_t)(0x71 + rn(g, 3));
        bool xmm = chance(g, 65);
        unsigned r = op != 0x73 ? regs71[rn(g, 3)]
                     : xmm      ? regs73[rn(g, 4)]
                                : regs73[2 * rn(g, 2)];
        Ea e = reg_E(xreg(g));
        int count = chance(g, 80) ? (int)rn(g, 20) : (int)rn(g, 256);
        emit(g, xmm ? P_66 : P_NONE, 0, op, &e, r, count);
    } else if (kind < 18) {
        /* PSHUFW/D/HW/LW */
        unsigned p = rn(g, 4);
        Ea e = sse_E(g, p ? 16 : 8, p != 0, 35, false);
        emit(g, pfx4[p], 0, 0x70, &e, reg, (int)rn(g, 256));
    } else if (kind < 19) {
        /* PINSRW (r32/m16; REX.W changes nothing), PEXTRW r32 (r64) */
        uint8_t pfx = chance(g, 50) ? P_66 : P_NONE;
        bool w = rex_w(g, 30);
        if (chance(g, 50)) {
            Ea e = chance(g, 50) ? gpr_src(g, 4)
                                 : mem_at(g, sse_addr(g, 2, false), 0);
            emit_w(g, pfx, 0, 0xc4, &e, reg, (int)rn(g, 256), w);
        } else {
            Ea e = reg_E(xreg(g));
            unsigned dst = pick_reg(g, 8, true);
            emit_w(g, pfx, 0, 0xc5, &e, dst, (int)rn(g, 256), w);
        }
    } else {
        /* PMOVMSKB r32 (r64) */
        Ea e = reg_E(xreg(g));
        uint8_t pfx = chance(g, 50) ? P_66 : P_NONE;
        unsigned dst = pick_reg(g, 8, true);
        emit_w(g, pfx, 0, 0xd7, &e, dst, -1, rex_w(g, 50));
    }
}
