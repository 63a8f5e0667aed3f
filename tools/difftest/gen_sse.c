/*
 * The SSE groups of the stream generator: SSE, SSE2, SSE3 and SSSE3
 * floating point, conversions, moves and shuffles, and integer
 * instructions (XMM and MMX forms), run with random MXCSR settings.
 *
 * Operand values come from the stream's initial XMM/MMX state (edge
 * cases: zeros, denormals, infinities, NaNs, integer limits), from setup
 * stores into memory operands and from reloads of registers. Most
 * memory operands of instructions that need 16-byte alignment are
 * aligned; the rest take #GP. MXCSR loads now and then unmask
 * exceptions, so #XM ends some streams.
 */
#include "tools/difftest/gen.h"

#include <string.h>

enum { P_NONE = 0, P_66 = 0x66, P_F3 = 0xf3, P_F2 = 0xf2 };

static const uint8_t pfx4[4] = {P_NONE, P_66, P_F3, P_F2};

/* --- values (vals.c) --- */

static uint32_t f32_val(DtGen *g)
{
    return dt_f32_val(&g->rng);
}

static uint64_t f64_val(DtGen *g)
{
    return dt_f64_val(&g->rng);
}

static void vec_val(DtGen *g, uint8_t *v)
{
    dt_vec_val(&g->rng, v);
}

static uint32_t mxcsr_val(DtGen *g)
{
    return dt_mxcsr_val(&g->rng);
}

void gen_sse_init(DtGen *g)
{
    dt_sse_init(&g->rng, &g->s->init.fpu, 8);
}

/* --- operands --- */

/* An address for an operand of @size bytes: with @align, 16-byte
 * aligned most of the time. */
static uint32_t sse_addr(DtGen *g, unsigned size, bool align)
{
    if (!align || chance(g, 8)) {
        return pick_addr(g, size);
    }
    const DtLayout *lay = g->lay;
    uint32_t end = lay->sbx_base + DT_SBX_SIZE;
    if (end - 1 > g->data_limit) {
        end = g->data_limit + 1;
    }
    uint32_t span = end - lay->sbx_base - 16;
    return (lay->sbx_base + rn(g, span)) & ~15u;
}

static bool in_sandbox(const DtGen *g, uint32_t addr, unsigned size)
{
    uint32_t end = g->lay->sbx_base + DT_SBX_SIZE;
    if (end - 1 > g->data_limit) {
        end = g->data_limit + 1;
    }
    return addr >= g->lay->sbx_base && addr + size <= end;
}

/* Store interesting lanes at @addr (float32 or float64 with @dbl). */
static void fill_mem(DtGen *g, uint32_t addr, unsigned size, bool dbl)
{
    if (!in_sandbox(g, addr, size)) {
        return;
    }
    for (unsigned off = 0; off < size; off += 4) {
        uint32_t v;
        if (dbl && size >= 8) {
            uint64_t x = f64_val(g);
            set_mem(g, addr + off, 4, (uint32_t)x);
            off += 4;
            v = (uint32_t)(x >> 32);
        } else {
            v = f32_val(g);
        }
        set_mem(g, addr + off, 4, v);
    }
}

/* A register or memory E operand: a register (XMM or MMX, 0-7) or
 * @size bytes of memory (@mem_pct percent of the time), aligned to 16
 * most of the time with @align, holding interesting float64 (@dbl) or
 * float32 values now and then. */
static Ea sse_E(DtGen *g, unsigned size, bool align, unsigned mem_pct,
                bool dbl)
{
    if (chance(g, mem_pct)) {
        uint32_t addr = sse_addr(g, size, align);
        if (chance(g, 40)) {
            fill_mem(g, addr, size, dbl);
        }
        return mem_at(g, addr, 0);
    }
    Ea e;
    memset(&e, 0, sizeof(e));
    e.reg = (uint8_t)rn(g, 8);
    e.mod = 3;
    e.rm = e.reg;
    return e;
}

static Ea reg_E(unsigned r)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.reg = (uint8_t)r;
    e.mod = 3;
    e.rm = (uint8_t)r;
    return e;
}

/*
 * Emit an instruction: segment and address-size prefixes, the mandatory
 * prefix @pfx (now and then with a redundant 66 that F2/F3 override),
 * 0F, the map byte(s) in @map (0, 0x38 or 0x3a), @op, ModRM and an
 * immediate byte if @ib >= 0.
 */
static void emit(DtGen *g, uint8_t pfx, uint8_t map, uint8_t op, const Ea *e,
                 unsigned reg, int ib)
{
    ins_begin(g);
    prefixes(g, false, e->seg, 0, e->mem ? (e->a16 ? 2 : 4) : 0, 0);
    if ((pfx == P_F2 || pfx == P_F3) && chance(g, 5)) {
        byte(g, 0x66);
    }
    if (pfx) {
        byte(g, pfx);
    }
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

/* LDMXCSR from a setup store (reserved bits now and then: #GP). */
static void load_mxcsr(DtGen *g)
{
    uint32_t addr = sse_addr(g, 4, true) + 4 * rn(g, 4);
    if (!in_sandbox(g, addr, 4)) {
        addr = g->lay->sbx_base + 0x100;
    }
    uint32_t v = mxcsr_val(g);
    if (chance(g, 3)) {
        v |= 1u << (16 + rn(g, 16));
    }
    set_mem(g, addr, 4, v);
    Ea e = mem_at(g, addr, 0);
    emit(g, P_NONE, 0, 0xae, &e, 2, -1);
}

/* Reload an XMM register from memory with fresh values. */
static void load_xmm(DtGen *g)
{
    uint32_t addr = sse_addr(g, 16, true);
    if (!in_sandbox(g, addr, 16)) {
        return;
    }
    uint8_t v[16];
    vec_val(g, v);
    for (unsigned i = 0; i < 16; i += 4) {
        uint32_t x;
        memcpy(&x, v + i, 4);
        set_mem(g, addr + i, 4, x);
    }
    Ea e = mem_at(g, addr, E_NOSEG);
    ins_begin(g);
    prefixes(g, false, 0, 0, e.mem ? (e.a16 ? 2 : 4) : 0, 0);
    byte(g, 0x0f);
    byte(g, 0x10); /* movups */
    modrm(g, &e, rn(g, 8));
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
    unsigned reg = rn(g, 8);
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
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3, scalar = p >= 2;
        Ea e = sse_E(g, scalar ? (dbl ? 8 : 4) : 16, !scalar, 40, dbl);
        int imm8 = chance(g, 95) ? (int)rn(g, 8) : (int)rn(g, 256);
        emit(g, pfx4[p], 0, 0xc2, &e, reg, imm8);
    } else if (kind < 17) {
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, dbl ? 8 : 4, false, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, chance(g, 50) ? 0x2e : 0x2f, &e, reg,
             -1);
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

/* CVT*: every conversion, with XMM, MMX, GPR and memory operands. */
void gen_ssecvt(DtGen *g)
{
    sse_setup(g);
    unsigned reg = rn(g, 8);
    switch (rn(g, 6)) {
    case 0: { /* 0F 2A */
        unsigned p = rn(g, 4);
        Ea e;
        if (p >= 2) {
            /* CVTSI2SS/SD xmm, r/m32 */
            if (chance(g, 50)) {
                unsigned r = pick_reg(g, 4, false);
                if (r != DT_ESP) {
                    set_reg32(g, r, chance(g, 50) ? interesting(g, 4)
                                                  : (uint32_t)rnd(g));
                }
                e = reg_E(r);
            } else {
                e = mem_at(g, sse_addr(g, 4, false), 0);
            }
        } else {
            e = sse_E(g, 8, false, 40, false);
        }
        emit(g, pfx4[p], 0, 0x2a, &e, reg, -1);
        break;
    }
    case 1:
    case 2: { /* 0F 2C / 2D */
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3;
        unsigned size = p == 0 ? 8 : p == 1 ? 16 : dbl ? 8 : 4;
        Ea e = sse_E(g, size, p == 1, 40, dbl);
        if (p >= 2) {
            reg = pick_reg(g, 4, true);
        }
        emit(g, pfx4[p], 0, chance(g, 50) ? 0x2c : 0x2d, &e, reg, -1);
        break;
    }
    case 3: { /* 0F 5A */
        unsigned p = rn(g, 4);
        bool dbl = p == 1 || p == 3;
        unsigned size = p == 0 ? 8 : p == 1 ? 16 : dbl ? 8 : 4;
        Ea e = sse_E(g, size, p == 1, 40, dbl);
        emit(g, pfx4[p], 0, 0x5a, &e, reg, -1);
        break;
    }
    case 4: { /* 0F 5B */
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

/* FXSAVE to a 16-byte aligned area (through an operand aimed at it),
 * now and then new values stored into the image, FXRSTOR from it; now
 * and then a misaligned or unwritable area. FXRSTOR loads what FXSAVE
 * wrote but for XMM, x87 registers, MXCSR, FCW/FSW, with the x87
 * pointers other than FIP zeroed: random FCS/FDS would show a difference
 * from the host (see docs/sse.md). */
static void gen_fx(DtGen *g)
{
    uint32_t end = g->lay->sbx_base + DT_SBX_SIZE;
    if (end - 1 > g->data_limit) {
        end = g->data_limit + 1;
    }
    uint32_t area = (g->lay->sbx_base + rn(g, end - g->lay->sbx_base - 512))
                    & ~15u;
    if (chance(g, 5)) {
        area = pick_addr(g, 512);
    }
    Ea e;
    do {
        e = mem_at(g, area, 0);
    } while (e.wild);
    emit(g, P_NONE, 0, 0xae, &e, 0, -1);
    if (in_sandbox(g, area, 512)) {
        /* FOP, FCS, FDP and FDS: the host keeps them as a current Intel
         * CPU does, pcvm as a P6 (docs/cpu-flags.md, the x87 group). */
        set_mem(g, area + 6, 2, 0);
        set_mem(g, area + 12, 4, 0);
        set_mem(g, area + 16, 4, 0);
        set_mem(g, area + 20, 4, 0);
    }
    if (!chance(g, 70)) {
        return;
    }
    if (in_sandbox(g, area, 512)) {
        for (unsigned n = rn(g, 4); n > 0; n--) {
            set_mem(g, area + 160 + 4 * rn(g, 32), 4, (uint32_t)rnd(g));
        }
        if (chance(g, 30)) {
            set_mem(g, area + 32 + 16 * rn(g, 8), 4, (uint32_t)rnd(g));
        }
        if (chance(g, 30)) {
            uint32_t m = mxcsr_val(g);
            if (chance(g, 5)) {
                m |= 1u << (16 + rn(g, 16));
            }
            set_mem(g, area + 24, 4, m);
        }
        if (chance(g, 20)) {
            set_mem(g, area, 4, (uint32_t)rnd(g) & 0x3fff1f3f);
        }
    }
    emit(g, P_NONE, 0, 0xae, &e, 1, -1);
}

/* MOV*, MOVMSK, MASKMOV, MOVNT*, shuffles and unpacks, LDMXCSR,
 * STMXCSR, fences, CLFLUSH, PREFETCH, FXSAVE, FXRSTOR. */
void gen_ssemov(DtGen *g)
{
    sse_setup(g);
    unsigned reg = rn(g, 8);
    unsigned kind = rn(g, 26);
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
    case 4: { /* MOVMSKPS/PD */
        Ea e = reg_E(rn(g, 8));
        emit(g, chance(g, 50) ? P_66 : P_NONE, 0, 0x50, &e,
             pick_reg(g, 4, true), -1);
        break;
    }
    case 5: { /* 66 0F 6E/7E: MOVD */
        bool load = chance(g, 50);
        Ea e = pick_E(g, 4, E_REG | E_MEM | (load ? 0 : E_DST));
        emit(g, P_66, 0, load ? 0x6e : 0x7e, &e, reg, -1);
        break;
    }
    case 6: { /* F3 0F 7E, 66 0F D6: MOVQ */
        bool load = chance(g, 50);
        Ea e = sse_E(g, 8, false, 50, false);
        emit(g, load ? P_F3 : P_66, 0, load ? 0x7e : 0xd6, &e, reg, -1);
        break;
    }
    case 7: { /* MOVDQA/MOVDQU, LDDQU */
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
    case 8: { /* MOVQ2DQ, MOVDQ2Q */
        Ea e = reg_E(rn(g, 8));
        emit(g, chance(g, 50) ? P_F3 : P_F2, 0, 0xd6, &e, reg, -1);
        break;
    }
    case 9: { /* MOVNTPS/PD, MOVNTQ, MOVNTDQ, MOVNTI */
        unsigned k = rn(g, 5);
        static const uint8_t ops[] = {0x2b, 0x2b, 0xe7, 0xe7, 0xc3};
        static const uint8_t pf[] = {P_NONE, P_66, P_NONE, P_66, P_NONE};
        Ea e = sse_E(g, k == 2 ? 8 : k == 4 ? 4 : 16, k != 2 && k != 4, 95,
                     false);
        emit(g, pf[k], 0, ops[k], &e, k == 4 ? pick_reg(g, 4, false) : reg,
             -1);
        break;
    }
    case 10: { /* MASKMOVQ, MASKMOVDQU: EDI points into the sandbox */
        bool xmm = chance(g, 50);
        uint32_t addr = sse_addr(g, 16, false);
        if (chance(g, 90)) {
            set_reg32(g, DT_EDI, g->def32 ? addr : addr & 0xffff);
        }
        Ea e = reg_E(rn(g, 8));
        emit(g, xmm ? P_66 : P_NONE, 0, 0xf7, &e, reg, -1);
        break;
    }
    case 11:
    case 12: { /* UNPCKL/H PS/PD */
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, chance(g, 50) ? 0x14 : 0x15, &e, reg,
             -1);
        break;
    }
    case 13:
    case 14: { /* SHUFPS/PD */
        bool dbl = chance(g, 50);
        Ea e = sse_E(g, 16, true, 40, dbl);
        emit(g, dbl ? P_66 : P_NONE, 0, 0xc6, &e, reg, (int)rn(g, 256));
        break;
    }
    case 15: /* LDMXCSR */
        load_mxcsr(g);
        break;
    case 16: { /* STMXCSR */
        Ea e = mem_at(g, sse_addr(g, 4, false), E_DST);
        emit(g, P_NONE, 0, 0xae, &e, 3, -1);
        break;
    }
    case 17: { /* LFENCE MFENCE SFENCE (any rm) */
        Ea e = reg_E(rn(g, 8));
        emit(g, P_NONE, 0, 0xae, &e, 5 + rn(g, 3), -1);
        break;
    }
    case 18: { /* CLFLUSH, PREFETCHh */
        Ea e = mem_at(g, pick_addr(g, 1), 0);
        if (chance(g, 50)) {
            emit(g, P_NONE, 0, 0xae, &e, 7, -1);
        } else {
            emit(g, P_NONE, 0, 0x18, &e, rn(g, 4), -1);
        }
        break;
    }
    case 19: { /* MOVSLDUP MOVSHDUP MOVDDUP */
        unsigned k = rn(g, 3);
        Ea e = sse_E(g, k == 2 ? 8 : 16, k != 2, 40, k == 2);
        emit(g, k == 2 ? P_F2 : P_F3, 0, k == 1 ? 0x16 : 0x12, &e, reg, -1);
        break;
    }
    case 20: { /* any opcode of the SSE ranges with any prefix */
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
            e = reg_E(rn(g, 8));
        }
        emit(g, pfx4[rn(g, 4)], 0, op, &e, reg, ib ? (int)rn(g, 256) : -1);
        break;
    }
    case 21: /* FXSAVE, FXRSTOR */
        gen_fx(g);
        break;
    default: { /* register-to-register moves of all kinds */
        static const uint8_t ops[] = {0x10, 0x11, 0x28, 0x29, 0x12, 0x16};
        unsigned p = rn(g, 4);
        uint8_t op = ops[rn(g, 6)];
        if (op >= 0x28 || op == 0x12 || op == 0x16) {
            p = 0;
        }
        Ea e = reg_E(rn(g, 8));
        emit(g, pfx4[p], 0, op, &e, reg, -1);
        break;
    }
    }
}

/* Integer instructions: the SSE2 XMM forms of MMX, the SSE and SSE2
 * additions on MMX registers, shifts by immediates, PSHUF*, PINSRW,
 * PEXTRW, PMOVMSKB, SSSE3 (both forms). */
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
    unsigned reg = rn(g, 8);
    unsigned kind = rn(g, 23);
    if (kind >= 20) {
        uint8_t op = mmx_orig[rn(g, sizeof(mmx_orig))];
        Ea e;
        if (op == 0x6e || op == 0x7e) {
            e = pick_E(g, 4, E_REG | E_MEM | (op == 0x7e ? E_DST : 0));
        } else {
            e = sse_E(g, 8, false, 35, false);
        }
        if (op == 0x77) {
            ins_begin(g);
            byte(g, 0x0f);
            byte(g, 0x77);
            ins_end(g);
            return;
        }
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
        Ea e = reg_E(rn(g, 8));
        int count = chance(g, 80) ? (int)rn(g, 20) : (int)rn(g, 256);
        emit(g, xmm ? P_66 : P_NONE, 0, op, &e, r, count);
    } else if (kind < 18) {
        /* PSHUFW/D/HW/LW */
        unsigned p = rn(g, 4);
        Ea e = sse_E(g, p ? 16 : 8, p != 0, 35, false);
        emit(g, pfx4[p], 0, 0x70, &e, reg, (int)rn(g, 256));
    } else if (kind < 19) {
        /* PINSRW, PEXTRW */
        bool xmm = chance(g, 50);
        if (chance(g, 50)) {
            Ea e = pick_E(g, 2, E_REG | E_MEM);
            emit(g, xmm ? P_66 : P_NONE, 0, 0xc4, &e, reg, (int)rn(g, 256));
        } else {
            Ea e = reg_E(rn(g, 8));
            emit(g, xmm ? P_66 : P_NONE, 0, 0xc5, &e, pick_reg(g, 4, true),
                 (int)rn(g, 256));
        }
    } else {
        /* PMOVMSKB */
        Ea e = reg_E(rn(g, 8));
        emit(g, chance(g, 50) ? P_66 : P_NONE, 0, 0xd7, &e,
             pick_reg(g, 4, true), -1);
    }
}
