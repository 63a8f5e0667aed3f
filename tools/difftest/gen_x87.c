/*
 * The x87 group of the stream generator: every x87 instruction (loads
 * and stores in all formats, arithmetic in all forms, compares, the
 * transcendentals, stack and control instructions, environment and state
 * images), run with random control words (precision control, rounding,
 * exception masks).
 *
 * The generator keeps a rough count of the registers in use (it cannot
 * know for sure: an unmasked exception keeps a pop from happening, a
 * branch may skip an item) and, before most items, pushes interesting
 * values or pops to make the instruction's operands valid; now and then
 * it leaves the stack alone, for stack faults. Values come from setup
 * stores to memory (m32, m64, m80, m16/m32/m64 integers, packed BCD)
 * and from the constants. An unmasked exception asks for #MF at the next
 * waiting instruction, which ends the stream.
 *
 * FSTENV and FSAVE images hold FCS, FOP, FDP and FDS, which the host
 * does not keep as a P6 does (docs/cpu-flags.md): setup stores overwrite
 * them right after the instruction, so the sandbox comparison sees only
 * the rest of the image (FIP included).
 */
#include "tools/difftest/gen.h"

#include <string.h>

typedef struct X80 {
    uint64_t mant;
    uint16_t sexp;
} X80;

#define J_BIT (1ULL << 63)

static X80 x80(uint16_t sexp, uint64_t mant)
{
    X80 v = {mant, sexp};
    return v;
}

static X80 x80_from_int(int64_t k)
{
    if (k == 0) {
        return x80(0, 0);
    }
    uint16_t sign = k < 0 ? 0x8000 : 0;
    uint64_t m = k < 0 ? 0 - (uint64_t)k : (uint64_t)k;
    int lz = __builtin_clzll(m);
    return x80((uint16_t)(sign | (0x3fff + 63 - lz)), m << lz);
}

/* A normal number: sign, unbiased exponent, random significand. */
static X80 x80_normal(DtGen *g, int exp)
{
    uint16_t e = (uint16_t)(0x3fff + exp);
    if (chance(g, 50)) {
        e |= 0x8000;
    }
    return x80(e, J_BIT | rnd(g));
}

/* --- values --- */

/* An 80-bit value likely to find edge cases. */
static X80 x80_val(DtGen *g)
{
    static const X80 edges[] = {
        {0, 0}, {0, 0x8000},                                  /* zeros */
        {J_BIT, 0x3fff}, {J_BIT, 0xbfff},                     /* +-1 */
        {J_BIT, 0x4000}, {J_BIT, 0x3ffe},                     /* 2, .5 */
        {0xc000000000000000ULL, 0x4000},                      /* 3 */
        {0xc000000000000000ULL, 0xbffe},                      /* -.75 */
        {0xa000000000000000ULL, 0x4002},                      /* 10 */
        {1, 0}, {0x7fffffffffffffffULL, 0x8000},              /* denormal */
        {0x0000000012345678ULL, 0},
        {J_BIT, 0}, {0x8000000000000001ULL, 0x8000},          /* pseudo- */
        {0xc000000000000000ULL, 0},                           /* denormal */
        {J_BIT, 0x0001}, {J_BIT, 0x8001},                     /* min */
        {~0ULL, 0x7ffe}, {~0ULL, 0xfffe},                     /* max */
        {J_BIT, 0x7fff}, {J_BIT, 0xffff},                     /* inf */
        {0xc000000000000000ULL, 0x7fff},                      /* QNaN */
        {0xc000000000000000ULL, 0xffff},                      /* indef. */
        {0xc000000000001234ULL, 0xffff},
        {0xe000000000000000ULL, 0x7fff},
        {0x8000000000000001ULL, 0x7fff},                      /* SNaN */
        {0xa000000000000000ULL, 0xffff},
        {0x0000000000000000ULL, 0x7fff},                      /* pseudo-inf */
        {0x4000000000000000ULL, 0xffff},                      /* pseudo-NaN */
        {0x4000000000000000ULL, 0x3fff},                      /* unnormal */
        {0x0000000000000001ULL, 0x4030},
        {J_BIT, 0x403e}, {J_BIT, 0xc03e},                     /* 2^63 */
        {~0ULL, 0x403e}, {~0ULL, 0x403d},
        {J_BIT, 0x401e}, {J_BIT, 0xc01e},                     /* 2^31 */
        {0xfffffffe00000000ULL, 0x401d},                      /* 2^31-1 */
        {J_BIT, 0x400e}, {J_BIT, 0xc00e},                     /* 2^15 */
        {0xfffe000000000000ULL, 0x400d},
        {0xffff000000000000ULL, 0x400e},                      /* 65535.. */
        {0x8de0b6b3a763ffffULL, 0x403b},                      /* 10^18-1 */
        {0xde0b6b3a76400000ULL, 0x403a},                      /* 10^18 */
        {0xc90fdaa22168c235ULL, 0x4000},                      /* pi */
        {0xc90fdaa22168c235ULL, 0x3fff},                      /* pi/2 */
        {0xc90fdaa22168c234ULL, 0x3ffe},                      /* pi/4 */
        {0xb17217f7d1cf79acULL, 0x3ffe},                      /* ln 2 */
    };
    switch (rn(g, 10)) {
    case 0:
    case 1:
    case 2:
        return edges[rn(g, sizeof(edges) / sizeof(edges[0]))];
    case 3: /* near 1: rounding-rich sums and products */
        return x80_normal(g, (int)rn(g, 9) - 4);
    case 4: { /* an integer, maybe plus a half (ties for FRNDINT, FIST) */
        int64_t k = (int64_t)interesting(g, 4);
        if (chance(g, 30)) {
            k = (int64_t)((uint64_t)interesting(g, 4) << 32 |
                          interesting(g, 4));
        } else if (chance(g, 50)) {
            k = (int32_t)k;
        }
        X80 v = x80_from_int(k);
        if (chance(g, 40) && v.mant && (v.sexp & 0x7fff) < 0x403e) {
            /* k + 1/2, exactly (the significand has room). */
            unsigned e = v.sexp & 0x7fff;
            v.mant |= 1ULL << (0x403e - e - 1);
        }
        return v;
    }
    case 5: { /* at the edges of float32, float64 and the x87 range */
        static const int exps[] = {127, 128, -126, -127, -149, -150,
                                   1023, 1024, -1022, -1023, -1074, -1075,
                                   16383, -16382, -16383, -16440, 62, 63,
                                   64, -64, 31, 15};
        int e = exps[rn(g, sizeof(exps) / sizeof(exps[0]))];
        X80 v = x80_normal(g, e);
        if (chance(g, 50)) {
            /* the last representable, or one more */
            v.mant = chance(g, 50) ? ~0ULL : J_BIT;
        }
        if ((int)(v.sexp & 0x7fff) != 0x3fff + e) {
            v.sexp = (uint16_t)((v.sexp & 0x8000) | ((0x3fff + e) & 0x7fff));
        }
        return v;
    }
    case 6: /* a denormal or pseudo-denormal */
        return x80((uint16_t)(chance(g, 50) ? 0x8000 : 0),
                   rnd(g) >> rn(g, 64) | (chance(g, 20) ? J_BIT : 0));
    case 7: /* any finite normal */
        return x80_normal(g, (int)rn(g, 0x7ffe) - 0x3ffe);
    case 8: /* a normal of moderate size */
        return x80_normal(g, (int)rn(g, 160) - 80);
    default: /* any bits at all: unnormals, NaNs, pseudo-whatevers */
        return x80((uint16_t)rnd(g), rnd(g));
    }
}

static uint64_t int_val(DtGen *g, unsigned size)
{
    if (size < 8) {
        return interesting(g, size);
    }
    switch (rn(g, 4)) {
    case 0:
        return (uint64_t)(int64_t)(int32_t)interesting(g, 4);
    case 1:
        return chance(g, 50) ? 1ULL << 63 : (1ULL << 63) - rn(g, 3);
    case 2:
        return (uint64_t)interesting(g, 4) << 32 | interesting(g, 4);
    default:
        return rnd(g) >> rn(g, 64);
    }
}

/* --- addresses and setup stores --- */

/* @size bytes in the sandbox (within the data segments): aligned to
 * @align mostly, across a page boundary now and then. */
static uint32_t x87_addr(DtGen *g, unsigned size, unsigned align)
{
    uint32_t lo = g->lay->sbx_base, end = (uint32_t)sbx_end(g);
    uint32_t a = lo + rn(g, end - lo - size + 1);
    if (chance(g, 8)) {
        uint32_t page = lo + DT_PAGE * (1 + rn(g, (end - lo) / DT_PAGE - 1));
        a = page - 1 - rn(g, size);
    } else if (!chance(g, 10)) {
        a &= ~(align - 1);
    }
    return a;
}

/* The address of an instruction's operand: mostly good, sometimes not
 * (faults are compared as well). */
static uint32_t op_addr(DtGen *g, unsigned size, unsigned align)
{
    return chance(g, 94) ? x87_addr(g, size, align) : pick_addr(g, size);
}

/* Store @len bytes of @p at @addr with setup MOVs. */
static void store_bytes(DtGen *g, uint32_t addr, const uint8_t *p,
                        unsigned len)
{
    if (!in_sandbox(g, addr, len)) {
        return;
    }
    unsigned i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t v;
        memcpy(&v, p + i, 4);
        set_mem(g, addr + i, 4, v);
    }
    if (i + 2 <= len) {
        set_mem(g, addr + i, 2, (uint32_t)(p[i] | p[i + 1] << 8));
        i += 2;
    }
    if (i < len) {
        set_mem(g, addr + i, 1, p[i]);
    }
}

static void store_u64(DtGen *g, uint32_t addr, uint64_t v, unsigned len)
{
    uint8_t b[8];
    memcpy(b, &v, 8);
    store_bytes(g, addr, b, len);
}

static void store_x80(DtGen *g, uint32_t addr, X80 v)
{
    uint8_t b[10];
    memcpy(b, &v.mant, 8);
    memcpy(b + 8, &v.sexp, 2);
    store_bytes(g, addr, b, 10);
}

/* Packed BCD: 18 digits and a sign byte; now and then an invalid digit
 * or stray bits in the sign byte. */
static void store_bcd(DtGen *g, uint32_t addr)
{
    uint8_t b[10];
    unsigned digits = chance(g, 30) ? rn(g, 19) : 18;
    memset(b, 0, sizeof(b));
    for (unsigned i = 0; i < digits; i++) {
        unsigned d = chance(g, 20) ? 9 : rn(g, 10);
        if (chance(g, 3)) {
            d = 10 + rn(g, 6);
        }
        b[i / 2] |= (uint8_t)(d << (4 * (i & 1)));
    }
    b[9] = chance(g, 50) ? 0x80 : 0;
    if (chance(g, 5)) {
        b[9] |= (uint8_t)rn(g, 128);
    }
    store_bytes(g, addr, b, 10);
}

/* A memory operand that surely addresses @addr (mem_at() may leave a
 * base register as it is): [disp], or [base + disp] with the base set. */
static Ea exact_at(DtGen *g, uint32_t addr)
{
    static const uint8_t bases[] = {DT_EAX, DT_ECX, DT_EDX, DT_EBX,
                                    DT_EBP, DT_ESI, DT_EDI};
    Ea e;
    memset(&e, 0, sizeof(e));
    e.mem = true;
    e.as = 4;
    if (addr < 0x10000 && chance(g, g->bits == 32 ? 15 : 70)) {
        /* (in 32-bit code too: a 16-bit offset wraps past 0xffff) */
        e.as = 2;
        e.rm = 6;
        e.disp = addr;
        e.disp_size = 2;
        return e;
    }
    unsigned r = bases[rn(g, sizeof(bases))];
    if (chance(g, 50) && !((g->avoid >> r) & 1)) {
        e.mod = 2;
        e.rm = (uint8_t)r;
        e.disp = (uint32_t)rnd(g);
        e.disp_size = 4;
        set_reg(g, r, 4, addr - e.disp);
        return e;
    }
    e.rm = 5;
    e.disp = addr;
    e.disp_size = 4;
    return e;
}

/* --- emitting --- */

/* A register form: @esc (0-7) and the second byte. */
static void op2(DtGen *g, unsigned esc, uint8_t b2, bool setup)
{
    ins_begin(g);
    byte(g, (uint8_t)(0xd8 + esc));
    byte(g, b2);
    if (setup) {
        setup_end(g);
    } else {
        ins_end(g);
    }
}

/* A memory form: @esc /@reg with operand @e; @os 2 or 4 picks the
 * environment format (0: no operand-size prefix, now and then a
 * redundant one). */
static void op_mem(DtGen *g, unsigned esc, unsigned reg, const Ea *e,
                   unsigned os, bool setup)
{
    if (!os && !setup && chance(g, 3)) {
        os = 6 - def_os(g);
    }
    ins_begin(g);
    op_E(g, e, reg, os, false, 0xd8 + esc);
    if (setup) {
        setup_end(g);
    } else {
        ins_end(g);
    }
}

static void fwait(DtGen *g)
{
    ins_begin(g);
    byte(g, 0x9b);
    ins_end(g);
}

/* --- the register stack as the generator thinks it is --- */

static void depth_add(DtGen *g, int n)
{
    if (g->x87_depth >= 0) {
        g->x87_depth += n;
        if (g->x87_depth < 0) {
            g->x87_depth = 0;
        } else if (g->x87_depth > 8) {
            g->x87_depth = 8;
        }
    }
}

/* A control word: mostly all exceptions masked, any precision and
 * rounding; now and then unmasked exceptions or odd bits. */
static uint16_t fcw_val(DtGen *g)
{
    static const uint16_t pcs[] = {3, 3, 3, 3, 2, 2, 0, 0, 1};
    uint16_t v = 0x40 | 0x3f;
    v |= (uint16_t)(pcs[rn(g, sizeof(pcs) / sizeof(pcs[0]))] << 8);
    v |= (uint16_t)(rn(g, 4) << 10);
    if (chance(g, 15)) {
        /* unmask one (rarely PE: nearly everything is inexact) */
        v &= (uint16_t)~(1u << rn(g, chance(g, 10) ? 6 : 5));
    }
    if (chance(g, 4)) {
        v &= (uint16_t)~rn(g, 64);
    }
    if (chance(g, 4)) {
        v ^= (uint16_t)(rnd(g) & 0xe080);
    }
    return v;
}

/* FLDCW from a setup store. */
static void load_fcw(DtGen *g, uint16_t v, bool setup)
{
    uint32_t addr = x87_addr(g, 2, 2);
    set_mem(g, addr, 2, v);
    Ea e = mem_at(g, addr, 0);
    op_mem(g, 1, 5, &e, 0, setup);
}

/* FNINIT and a new control word. */
static void reset(DtGen *g)
{
    op2(g, 3, 0xe3, true);
    if (chance(g, 80)) {
        load_fcw(g, fcw_val(g), true);
    }
    g->x87_depth = 0;
}

/* Push @v through memory (FLD m80). */
static void push_x80(DtGen *g, X80 v)
{
    uint32_t addr = x87_addr(g, 10, 8);
    store_x80(g, addr, v);
    Ea e = mem_at(g, addr, 0);
    op_mem(g, 3, 5, &e, 0, true);
    depth_add(g, 1);
}

/* Push an interesting value. */
static void push_value(DtGen *g)
{
    unsigned k = rn(g, 20);
    if (k < 8) {
        push_x80(g, x80_val(g));
        return;
    }
    if (k < 16) {
        /* m32, m64, m16int, m32int, m64int */
        static const uint8_t esc[] = {1, 5, 7, 3, 7};
        static const uint8_t reg[] = {0, 0, 0, 0, 5};
        static const uint8_t size[] = {4, 8, 2, 4, 8};
        unsigned f = rn(g, 5);
        uint32_t addr = x87_addr(g, size[f], size[f]);
        uint64_t v = f == 0 ? dt_f32_val(&g->rng) : f == 1 ? dt_f64_val(&g->rng)
                                                  : int_val(g, size[f]);
        store_u64(g, addr, v, size[f]);
        Ea e = mem_at(g, addr, 0);
        op_mem(g, esc[f], reg[f], &e, 0, true);
    } else if (k < 18 || g->x87_depth <= 0) {
        op2(g, 1, (uint8_t)(0xe8 + rn(g, 7)), true); /* constants */
    } else {
        op2(g, 1, (uint8_t)(0xc0 + rn(g, (unsigned)g->x87_depth)), true);
    }
    depth_add(g, 1);
}

/* Make ST(0) .. ST(@in - 1) hold values and leave room for @push pushes;
 * now and then leave the stack as it is (stack faults). */
static void prepare(DtGen *g, unsigned in, unsigned push)
{
    if (chance(g, 4)) {
        return;
    }
    if (g->x87_depth < 0 || chance(g, 3)) {
        reset(g);
    }
    if (chance(g, 5)) {
        load_fcw(g, fcw_val(g), true);
    }
    while (g->x87_depth + (int)push > 8) {
        if (g->x87_depth == 8 && chance(g, 50)) {
            op2(g, 5, 0xc7, true); /* FFREE ST(7) */
        } else {
            op2(g, 5, 0xd8, true); /* FSTP ST(0) */
        }
        depth_add(g, -1);
    }
    bool fresh = in && g->x87_depth + (int)push < 8 && chance(g, 50);
    while (g->x87_depth < (int)in || fresh) {
        fresh = false;
        push_value(g);
    }
}

/* A register index: mostly one in use. */
static unsigned pick_st(DtGen *g)
{
    if (g->x87_depth > 0 && chance(g, 85)) {
        return rn(g, (unsigned)g->x87_depth);
    }
    return rn(g, 8);
}

/* --- the instruction kinds --- */

/* FADD FMUL FSUB FSUBR FDIV FDIVR: ST(0), ST(i) / ST(i), ST(0) / and
 * pop. */
static void gen_arith_reg(DtGen *g)
{
    static const uint8_t ops[] = {0, 1, 4, 5, 6, 7};
    unsigned op = ops[rn(g, 6)];
    static const uint8_t escs[] = {0, 4, 6};
    unsigned esc = escs[rn(g, 3)];
    prepare(g, 2, 0);
    unsigned i = pick_st(g);
    if (esc == 6 && chance(g, 70)) {
        i = 1;
    }
    op2(g, esc, (uint8_t)(0xc0 | op << 3 | i), false);
    if (esc == 6) {
        depth_add(g, -1);
    }
}

/* The memory forms of D8 DA DC DE: arithmetic and FCOM/FICOM. */
static void gen_arith_mem(DtGen *g)
{
    static const uint8_t size[] = {4, 4, 8, 2};
    unsigned esc = 2 * rn(g, 4), reg = rn(g, 8);
    unsigned sz = size[esc / 2];
    prepare(g, 1, 0);
    uint32_t addr = op_addr(g, sz, sz);
    if (chance(g, 80)) {
        uint64_t v = esc == 0 ? dt_f32_val(&g->rng) : esc == 4 ? dt_f64_val(&g->rng)
                                                      : int_val(g, sz);
        store_u64(g, addr, v, sz);
    }
    Ea e = mem_at(g, addr, 0);
    op_mem(g, esc, reg, &e, 0, false);
    if (reg == 3) {
        depth_add(g, -1);
    }
}

/* FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FCOMI FCOMIP FUCOMI FUCOMIP FTST
 * FXAM. */
static void gen_compare(DtGen *g)
{
    unsigned k = rn(g, 12);
    prepare(g, k >= 10 ? 1 : 2, 0);
    unsigned i = pick_st(g);
    maybe_flags(g, 20);
    switch (k) {
    case 0: op2(g, 0, (uint8_t)(0xd0 + i), false); break;  /* FCOM */
    case 1: op2(g, 0, (uint8_t)(0xd8 + i), false); depth_add(g, -1); break;
    case 2: op2(g, 6, 0xd9, false); depth_add(g, -2); break; /* FCOMPP */
    case 3: op2(g, 5, (uint8_t)(0xe0 + i), false); break;  /* FUCOM */
    case 4: op2(g, 5, (uint8_t)(0xe8 + i), false); depth_add(g, -1); break;
    case 5: op2(g, 2, 0xe9, false); depth_add(g, -2); break; /* FUCOMPP */
    case 6: op2(g, 3, (uint8_t)(0xf0 + i), false); break;  /* FCOMI */
    case 7: op2(g, 3, (uint8_t)(0xe8 + i), false); break;  /* FUCOMI */
    case 8: /* FCOMIP, FUCOMIP */
    case 9:
        op2(g, 7, (uint8_t)((k == 8 ? 0xf0 : 0xe8) + i), false);
        depth_add(g, -1);
        break;
    case 10: op2(g, 1, 0xe4, false); break;                /* FTST */
    default:
        if (chance(g, 15)) {
            /* FXAM of an empty register */
            op2(g, 5, 0xc0, true);
        }
        op2(g, 1, 0xe5, false);
        break;
    }
}

/* FLD m32 m64 m80 ST(i), FILD m16 m32 m64, FBLD, constants. */
static void gen_load(DtGen *g)
{
    unsigned k = rn(g, 10);
    prepare(g, 0, 1);
    if (k >= 8) {
        if (k == 9 || g->x87_depth <= 0) {
            op2(g, 1, (uint8_t)(0xe8 + rn(g, 7)), false);
        } else {
            op2(g, 1, (uint8_t)(0xc0 + pick_st(g)), false);
        }
        depth_add(g, 1);
        return;
    }
    static const uint8_t esc[] = {1, 5, 3, 7, 3, 7, 7, 3};
    static const uint8_t reg[] = {0, 0, 5, 0, 0, 5, 4, 5};
    static const uint8_t size[] = {4, 8, 10, 2, 4, 8, 10, 10};
    unsigned sz = size[k];
    uint32_t addr = op_addr(g, sz, sz > 8 ? 8 : sz);
    if (chance(g, 85)) {
        switch (k) {
        case 0: store_u64(g, addr, dt_f32_val(&g->rng), 4); break;
        case 1: store_u64(g, addr, dt_f64_val(&g->rng), 8); break;
        case 2:
        case 7: store_x80(g, addr, x80_val(g)); break;
        case 6: store_bcd(g, addr); break;
        default: store_u64(g, addr, int_val(g, sz), sz); break;
        }
    }
    Ea e = mem_at(g, addr, 0);
    op_mem(g, esc[k], reg[k], &e, 0, false);
    depth_add(g, 1);
}

/* FST FSTP m32 m64 m80 ST(i), FIST FISTP FISTTP m16 m32 m64, FBSTP. */
static void gen_store(DtGen *g)
{
    unsigned k = rn(g, 15);
    prepare(g, 1, 0);
    if (chance(g, 40) && g->x87_depth < 8) {
        /* a value near the limits of the target format */
        push_x80(g, x80_val(g));
    }
    if (k >= 13) {
        unsigned i = pick_st(g);
        op2(g, 5, (uint8_t)((k == 13 ? 0xd0 : 0xd8) + i), false);
        if (k == 14) {
            depth_add(g, -1);
        }
        return;
    }
    /* FST FSTP m32, FST FSTP m64, FSTP m80, FIST FISTP m16, FIST FISTP
     * m32, FISTP m64, FBSTP, FISTTP m32 */
    static const struct {
        uint8_t esc, reg, size;
    } forms[13] = {
        {1, 2, 4}, {1, 3, 4}, {5, 2, 8}, {5, 3, 8}, {3, 7, 10}, {7, 2, 2},
        {7, 3, 2}, {3, 2, 4}, {3, 3, 4}, {7, 7, 8}, {7, 6, 10}, {3, 3, 4},
        {3, 1, 4},
    };
    unsigned e_ = forms[k].esc, r = forms[k].reg, sz = forms[k].size;
    if (k == 12 && g->sse3) {
        /* FISTTP m16 m32 m64 (SSE3; FISTP m32 without) */
        static const uint8_t tesc[] = {7, 3, 5};
        static const uint8_t tsize[] = {2, 4, 8};
        unsigned t = rn(g, 3);
        e_ = tesc[t];
        sz = tsize[t];
    } else if (k == 12) {
        r = 3;
    }
    uint32_t addr = op_addr(g, sz, sz > 8 ? 8 : sz);
    Ea e = mem_at(g, addr, E_DST);
    op_mem(g, e_, r, &e, 0, false);
    if (r != 2) {
        depth_add(g, -1);
    }
}

/* FCHS FABS FSQRT FRNDINT FXTRACT FSCALE FPREM FPREM1. */
static void gen_unary(DtGen *g)
{
    static const uint8_t ops[] = {0xe0, 0xe1, 0xfa, 0xfc, 0xf4, 0xfd,
                                  0xf8, 0xf5};
    unsigned k = rn(g, 8);
    bool two = k >= 5;
    prepare(g, two ? 2 : 1, k == 4);
    if (two && chance(g, 60) && g->x87_depth >= 0 && g->x87_depth <= 6) {
        /* operands made for it: a scale factor, or a dividend and a
         * divisor with exponents apart by less or more than 64 */
        X80 b = x80_val(g), a = x80_val(g);
        if (k == 5) {
            b = chance(g, 50) ? x80_from_int((int32_t)rn(g, 200) - 100)
                              : x80_normal(g, (int)rn(g, 20));
        } else if (chance(g, 70)) {
            b = x80_normal(g, (int)rn(g, 40) - 20);
            a = x80_normal(g, (int)rn(g, 120) - 20);
        }
        push_x80(g, b);
        push_x80(g, a);
    }
    op2(g, 1, ops[k], false);
    if (k == 4) {
        depth_add(g, 1);
    }
}

/* An argument for a transcendental: @kind 0 trig, 1 F2XM1, 2 FYL2X x,
 * 3 FYL2XP1 x, 4 anything. */
static X80 trans_arg(DtGen *g, unsigned kind)
{
    if (chance(g, 12)) {
        return x80_val(g);
    }
    switch (kind) {
    case 0:
        if (chance(g, 8)) {
            return x80_normal(g, 63 + (int)rn(g, 3)); /* out of range */
        }
        if (chance(g, 20)) {
            return x80_normal(g, (int)rn(g, 63));
        }
        return x80_normal(g, (int)rn(g, 12) - 8);
    case 1:
        if (chance(g, 10)) {
            return x80_from_int(chance(g, 50) ? 1 : -1);
        }
        return x80_normal(g, -1 - (int)(chance(g, 70) ? rn(g, 8)
                                                      : rn(g, 70)));
    case 2: {
        X80 v = chance(g, 80) ? x80_normal(g, (int)rn(g, 40) - 20)
                              : x80_normal(g, (int)rn(g, 0x7ffe) - 0x3ffe);
        if (chance(g, 10)) {
            v.mant = J_BIT; /* a power of two */
        }
        v.sexp &= 0x7fff;
        return v;
    }
    case 3:
        return x80_normal(g, -3 - (int)(chance(g, 70) ? rn(g, 8)
                                                      : rn(g, 70)));
    default:
        return x80_normal(g, (int)rn(g, 40) - 20);
    }
}

/* F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS. */
static void gen_trans(DtGen *g)
{
    static const uint8_t ops[] = {0xf0, 0xf1, 0xf9, 0xf2, 0xf3, 0xfe,
                                  0xff, 0xfb};
    static const uint8_t arg[] = {1, 2, 3, 0, 4, 0, 0, 0};
    unsigned k = rn(g, 8);
    bool two = k == 1 || k == 2 || k == 4;
    bool push = k == 3 || k == 7;
    prepare(g, 0, (two ? 2 : 1) + push);
    if (chance(g, 90)) {
        if (two) {
            push_x80(g, trans_arg(g, 4));
        }
        push_x80(g, trans_arg(g, arg[k]));
    }
    /* The last bit and C1 are the hardware's own (docs/cpu-flags.md). */
    ins_begin(g);
    byte(g, 0xd9);
    byte(g, ops[k]);
    g->fpu_tol = DT_FPU_ULP;
    ins_end(g);
    depth_add(g, two ? -1 : push ? 1 : 0);
}

/* FXCH FINCSTP FDECSTP FFREE FFREEP FCMOVcc FNOP FST ST(i). */
static void gen_fstack(DtGen *g)
{
    unsigned k = rn(g, 8);
    prepare(g, 2, 0);
    unsigned i = pick_st(g);
    switch (k) {
    case 0:
    case 1: op2(g, 1, (uint8_t)(0xc8 + i), false); break;      /* FXCH */
    case 2: op2(g, 1, 0xf7, false); break;                     /* FINCSTP */
    case 3: op2(g, 1, 0xf6, false); break;                     /* FDECSTP */
    case 4: /* FFREE */
        op2(g, 5, (uint8_t)(0xc0 + i), false);
        if (i == 0) {
            g->x87_depth = -1;
        }
        break;
    case 5:
    case 6: { /* FCMOVcc */
        maybe_flags(g, 70);
        unsigned esc = chance(g, 50) ? 2 : 3;
        op2(g, esc, (uint8_t)(0xc0 + rn(g, 4) * 8 + i), false);
        break;
    }
    default:
        op2(g, 1, 0xd0, false);                                /* FNOP */
        break;
    }
    if (k == 2 || k == 3) {
        g->x87_depth = -1; /* who knows what is on top now */
    }
}

/* FLDCW FNSTCW FNSTSW (m16, AX) FNCLEX FNINIT FWAIT, and their waiting
 * forms. */
static void gen_control(DtGen *g)
{
    unsigned k = rn(g, 9);
    if (chance(g, 15) && k != 7) {
        fwait(g); /* FSTSW, FCLEX... are FWAIT and the N form */
    }
    switch (k) {
    case 0:
    case 1:
        load_fcw(g, chance(g, 90) ? fcw_val(g) : (uint16_t)rnd(g), false);
        break;
    case 2:
    case 3: { /* FNSTCW, FNSTSW m16 */
        Ea e = mem_at(g, op_addr(g, 2, 2), E_DST);
        op_mem(g, k == 2 ? 1 : 5, 7, &e, 0, false);
        break;
    }
    case 4: /* FNSTSW AX */
        op2(g, 7, 0xe0, false);
        break;
    case 5: /* FNCLEX */
        op2(g, 3, 0xe2, false);
        break;
    case 6: /* FNINIT */
        op2(g, 3, 0xe3, false);
        g->x87_depth = 0;
        break;
    case 7:
        fwait(g);
        break;
    default: { /* an unmasked exception on purpose, then the N forms */
        uint16_t cw = (uint16_t)(0x037f & ~(1u << rn(g, 6)));
        prepare(g, 2, 1);
        load_fcw(g, cw, true);
        op2(g, 0, (uint8_t)(0xc0 + rn(g, 8) * 8 + pick_st(g)), false);
        break;
    }
    }
}

/* Overwrite the pointer fields of an image at @addr that the host keeps
 * differently (FCS FOP FDP FDS, or FCS FDP FDS in the 16-bit format). */
static void mask_pointers(DtGen *g, uint32_t addr, bool small)
{
    if (small) {
        set_mem(g, addr + 8, 4, 0);
        set_mem(g, addr + 12, 2, 0);
    } else {
        set_mem(g, addr + 16, 4, 0);
        set_mem(g, addr + 20, 4, 0);
        set_mem(g, addr + 24, 4, 0xffff0000u);
    }
}

/* A made-up environment at @addr (@small: 14 bytes), all of it random
 * but mostly sensible. */
static void store_env(DtGen *g, uint32_t addr, bool small)
{
    uint16_t fcw = chance(g, 80) ? fcw_val(g) : (uint16_t)rnd(g);
    uint16_t fsw = (uint16_t)(rnd(g) & (chance(g, 60) ? 0x7f00 : 0xffff));
    if (chance(g, 40)) {
        fsw |= (uint16_t)(rnd(g) & 0x3f & fcw);
    }
    uint16_t ftw = (uint16_t)rnd(g);
    if (chance(g, 40)) {
        ftw |= 0xaaaa & (uint16_t)rnd(g); /* tags are only empty or not */
    }
    uint8_t b[28];
    for (unsigned i = 0; i < sizeof(b); i++) {
        b[i] = (uint8_t)rnd(g);
    }
    unsigned step = small ? 2 : 4;
    memcpy(b, &fcw, 2);
    memcpy(b + step, &fsw, 2);
    memcpy(b + 2 * step, &ftw, 2);
    store_bytes(g, addr, b, small ? 14 : 28);
}

/* FNSTENV FSTENV FLDENV FNSAVE FSAVE FRSTOR, 16- and 32-bit formats. */
static void gen_env(DtGen *g)
{
    if (g->s->len + 160 > DT_CODE_SIZE) {
        /* too near the end of the code for the stores after a save */
        gen_control(g);
        return;
    }
    bool small = chance(g, 25);
    unsigned os = small ? 2 : 4;
    bool save = chance(g, 40);
    unsigned env = small ? 14 : 28, size = env + (save ? 80 : 0);
    /* 4-aligned, so that the setup stores after it never take #AC */
    uint32_t addr = x87_addr(g, size, 4) & ~3u;
    bool good = true;
    if (chance(g, 5)) {
        /* somewhere else, maybe faulting (then nothing needs masking) */
        addr = pick_addr(g, size);
        good = in_sandbox(g, addr & ~3u, size);
        if (good) {
            addr &= ~3u;
        }
    }
    if (chance(g, 40)) {
        prepare(g, rn(g, 4), 0);
    }
    if (chance(g, 12)) {
        /* a restore from whatever is there (or a fault) */
        Ea r = exact_at(g, chance(g, 50) ? addr : pick_addr(g, size));
        op_mem(g, save ? 5 : 1, 4, &r, os, false);
        g->x87_depth = -1;
        return;
    }
    /* (not mem_at(): [esp + disp8] would land who knows where) */
    Ea e = exact_at(g, addr);
    if (chance(g, 10)) {
        fwait(g);
    }
    if (g->s->len + 64 > DT_CODE_SIZE) {
        return; /* no room left for the stores after it */
    }
    /* FNSTENV or FNSAVE */
    op_mem(g, save ? 5 : 1, 6, &e, os, false);
    if (good) {
        mask_pointers(g, addr, small);
    }
    if (save) {
        g->x87_depth = 0;
    }
    if (chance(g, 40)) {
        /* something to restore: what was saved, or something else */
        if (chance(g, 40)) {
            store_env(g, addr, small);
        }
        if (save && chance(g, 30)) {
            for (unsigned i = 0; i < 8; i++) {
                if (chance(g, 30)) {
                    store_x80(g, addr + env + 10 * i, x80_val(g));
                }
            }
        }
        e = exact_at(g, addr);
        op_mem(g, save ? 5 : 1, 4, &e, os, false); /* FRSTOR, FLDENV */
        g->x87_depth = -1;
    }
}

/* Undocumented aliases, no-ops and reserved encodings. */
static void gen_odd(DtGen *g)
{
    static const uint8_t forms[][2] = {
        {4, 0xd0}, {4, 0xd8}, {6, 0xd0}, /* FCOM2 FCOMP3 FCOMP5 */
        {5, 0xc8}, {7, 0xc8},            /* FXCH4 FXCH7 */
        {1, 0xd8}, {7, 0xd0}, {7, 0xd8}, /* FSTP1 FSTP8 FSTP9 */
        {7, 0xc0},                       /* FFREEP */
        {3, 0xe0}, {3, 0xe1}, {3, 0xe4}, /* FENI FDISI FSETPM */
        {1, 0xd1}, {1, 0xe2}, {1, 0xe7}, /* reserved */
        {1, 0xef}, {2, 0xe8}, {3, 0xe5}, {3, 0xf8}, {6, 0xd8},
        {7, 0xe1}, {7, 0xf8}, {5, 0xf0},
    };
    prepare(g, 2, 0);
    unsigned k = rn(g, sizeof(forms) / sizeof(forms[0]));
    uint8_t b2 = forms[k][1];
    if (k < 9 || (b2 & 7) == 0) {
        b2 = (uint8_t)(b2 + pick_st(g));
    }
    op2(g, forms[k][0], b2, false);
    if (k >= 5 && k < 9) {
        depth_add(g, -1);
    }
}

/* --- the group --- */

void gen_x87_init(DtGen *g)
{
    DtFpu *f = &g->s->init.fpu;
    unsigned top = rn(g, 8);
    int depth = chance(g, 10) ? 0 : (int)rn(g, 9);
    f->fcw = fcw_val(g);
    f->fsw = (uint16_t)(top << 11);
    if (chance(g, 30)) {
        f->fsw |= (uint16_t)(rnd(g) & 0x4700);
    }
    if (chance(g, 20)) {
        f->fsw |= (uint16_t)(rnd(g) & 0x3f & f->fcw);
    }
    f->ftw = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned p = (top + i) & 7;
        X80 v = x80_val(g);
        f->st_mant[p] = v.mant;
        f->st_exp[p] = v.sexp;
        if ((int)i < depth) {
            f->ftw |= (uint8_t)(1u << p);
        }
    }
    g->x87_depth = depth;
}

void gen_x87(DtGen *g)
{
    unsigned k = rn(g, 100);
    if (k < 14) {
        gen_arith_reg(g);
    } else if (k < 28) {
        gen_arith_mem(g);
    } else if (k < 38) {
        gen_compare(g);
    } else if (k < 48) {
        gen_load(g);
    } else if (k < 60) {
        gen_store(g);
    } else if (k < 70) {
        gen_unary(g);
    } else if (k < 80) {
        gen_trans(g);
    } else if (k < 87) {
        gen_fstack(g);
    } else if (k < 93) {
        gen_control(g);
    } else if (k < 98) {
        gen_env(g);
    } else {
        gen_odd(g);
    }
}
