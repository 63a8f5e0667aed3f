/*
 * The 64-bit stream generator: seeded random 64-bit user-mode code from
 * the integer instruction groups, built the way gen.c builds 16/32-bit
 * streams - an item is the instruction under test after setup
 * instructions (MOV reg, imm; MOV [mem], imm; PUSH imm + POPFQ) that point
 * its operands into the sandbox or give them interesting values, and
 * branches stay inside the stream - plus what 64-bit mode brings: REX
 * (R8-R15, SPL-DIL, 64-bit operands, a REX that is not last is ignored),
 * RIP-relative and 32-bit (67) addressing, GS-relative operands (GS is
 * based at DtLayout.gs_base on both sides), 64-bit immediates and moffs,
 * MOVSXD, CMPXCHG16B, and faults of its own: non-canonical addresses
 * (#GP, or #SS through RSP and RBP), non-canonical branch targets, the
 * opcodes 64-bit mode dropped.
 *
 * Never emitted, because the host would do something pcvm cannot see:
 * SYSCALL, SYSENTER, INT n other than 3 and 4 (INT 80h is a system call
 * under Linux), CPUID, RDTSC(P), segment register loads (FS and GS carry
 * the host's TLS and our GS base), and C4/C5/62 (VEX and EVEX prefixes on
 * the host).
 */
#include "tools/difftest/gen64.h"

#include <string.h>

typedef Gen64 G;
#define RSP DT_ESP
#define RBP DT_EBP

/* --- random numbers (splitmix64, as gen.c) --- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rnd(G *g)
{
    g->rng += 0x9e3779b97f4a7c15ULL;
    return mix64(g->rng);
}

static uint32_t rn(G *g, uint32_t n)
{
    return n ? (uint32_t)(rnd(g) % n) : 0;
}

static bool chance(G *g, unsigned percent)
{
    return rn(g, 100) < percent;
}

static uint64_t mask_of(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

/* A value likely to find edge cases, @size bytes wide. */
static uint64_t interesting(G *g, unsigned size)
{
    static const uint64_t edges[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 0xf, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x41,
        0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
        0xffffffff, 0x100000000ULL, 0x100000001ULL, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, 0x8000000000000001ULL, 0xfffffffffffffffeULL,
        0xffffffffffffffffULL, 0xffffffff80000000ULL, 0x00000000ffffffffULL,
        0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL, 0x0f0f0f0f0f0f0f0fULL,
        0x123456789abcdef0ULL, 0x0000800000000000ULL, 0x00007fffffffffffULL,
    };
    uint64_t v;
    switch (rn(g, 6)) {
    case 0:
    case 1:
        v = edges[rn(g, sizeof(edges) / sizeof(edges[0]))];
        break;
    case 2: {
        uint64_t top = 1ULL << (8 * size - 1);
        switch (rn(g, 4)) {
        case 0: v = top; break;
        case 1: v = top - 1; break;
        case 2: v = mask_of(size); break;
        default: v = 0; break;
        }
        if (chance(g, 30)) {
            v += rn(g, 3) - 1;
        }
        break;
    }
    case 3:
        v = rn(g, 256);
        if (chance(g, 50)) {
            v = -v;
        }
        break;
    case 4:
        v = sext32(rnd(g));
        break;
    default:
        v = rnd(g);
        break;
    }
    return v & mask_of(size);
}

/* --- emitting --- */

static void byte(G *g, uint8_t b)
{
    DtStream *s = g->s;
    if (s->len < DT_CODE_SIZE) {
        s->code[s->len++] = b;
    }
}

static void patch8(G *g, unsigned at, uint8_t b)
{
    if (at < g->s->len) {
        g->s->code[at] = b;
    }
}

static void imm(G *g, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        byte(g, (uint8_t)(v >> (8 * i)));
    }
}

static void ins_begin(G *g)
{
    g->start = g->s->len;
    g->flag_mask = 0;
    g->reg_mask = 0;
    g->rip_at = -1;
}

static void ins_record(G *g, unsigned group)
{
    DtStream *s = g->s;
    if (g->rip_at >= 0) {
        /* RIP-relative: the displacement counts from the next
         * instruction. */
        uint64_t next = g->lay->code_base + s->len;
        uint32_t disp = (uint32_t)(g->rip_target - next);
        for (unsigned i = 0; i < 4; i++) {
            patch8(g, (unsigned)g->rip_at + i, (uint8_t)(disp >> (8 * i)));
        }
        g->rip_at = -1;
    }
    if (s->ninsn >= DT_MAX_INSNS || s->len == g->start) {
        return;
    }
    DtInsn *in = &s->insn[s->ninsn++];
    in->off = (uint16_t)g->start;
    in->len = (uint8_t)(s->len - g->start);
    in->group = (uint8_t)group;
    in->flag_mask = g->flag_mask;
    in->reg_mask = g->reg_mask;
}

static void ins_end(G *g)
{
    ins_record(g, g->group);
}

static void setup_end(G *g)
{
    ins_record(g, DT_GROUP_SETUP);
}

/* The linear address of the next byte emitted. */
static uint64_t here(const G *g)
{
    return g->lay->code_base + g->s->len;
}


/* Legacy prefixes in random order, then a REX (@rex: its low four bits;
 * @want_rex: emit one even with no bit set). @os 2 adds 66, @a32 67. */
static void prefixes(G *g, bool lock, uint8_t seg, unsigned os, bool a32,
                     uint8_t rep, unsigned rex, bool want_rex)
{
    uint8_t p[8];
    unsigned n = 0;
    if (lock) {
        p[n++] = 0xf0;
    }
    if (seg) {
        p[n++] = seg;
    }
    if (os == 2) {
        p[n++] = 0x66;
    }
    if (a32) {
        p[n++] = 0x67;
    }
    if (rep) {
        p[n++] = rep;
    }
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rn(g, i);
        uint8_t t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
    for (unsigned i = 0; i < n; i++) {
        byte(g, p[i]);
    }
    if (!g->norex && (rex || want_rex || chance(g, 8))) {
        byte(g, (uint8_t)(0x40 | rex));
    }
}

/* --- setup instructions --- */

/* MOV r64, imm in one of its encodings; returns the offset of an 8-byte
 * immediate when @patchable (always B8+r with REX.W then). */
static unsigned set_reg64_at(G *g, unsigned r, uint64_t v, bool patchable)
{
    g->avoid |= (uint16_t)(1u << r);
    ins_begin(g);
    unsigned form = patchable ? 2 : rn(g, 3);
    unsigned rexb = r >= 8 ? REX_B : 0;
    unsigned at = 0;
    if (form == 0 && v <= 0xffffffffULL) {
        /* MOV r32, imm32 zero-extends. */
        if (rexb) {
            byte(g, 0x41);
        }
        byte(g, (uint8_t)(0xb8 + (r & 7)));
        imm(g, v, 4);
    } else if (form == 1 && sext32(v) == v) {
        byte(g, (uint8_t)(0x48 | rexb));
        byte(g, 0xc7);
        byte(g, (uint8_t)(0xc0 | (r & 7)));
        imm(g, v, 4);
    } else {
        byte(g, (uint8_t)(0x48 | rexb));
        byte(g, (uint8_t)(0xb8 + (r & 7)));
        at = g->s->len;
        imm(g, v, 8);
    }
    setup_end(g);
    return at;
}

static void set_reg64(G *g, unsigned r, uint64_t v)
{
    set_reg64_at(g, r, v, false);
}

/* The full register a byte register name stands for: AH-BH (4-7
 * without REX) are bits 8-15 of RAX-RBX. */
static unsigned phys_reg(const G *g, unsigned r, unsigned size)
{
    return size == 1 && g->norex && r >= 4 && r < 8 ? r - 4 : r;
}

/* MOV r, imm of @size (1, 2, 4 or 8). */
static void set_reg(G *g, unsigned r, unsigned size, uint64_t v)
{
    if (size == 8) {
        set_reg64(g, r, v);
        return;
    }
    g->avoid |= (uint16_t)(1u << phys_reg(g, r, size));
    ins_begin(g);
    prefixes(g, false, 0, size, false, 0, r >= 8 ? REX_B : 0,
             size == 1 && r >= 4);
    byte(g, (uint8_t)((size == 1 ? 0xb0 : 0xb8) + (r & 7)));
    imm(g, v, size);
    setup_end(g);
}

static bool in_sandbox(const G *g, uint64_t addr, unsigned size)
{
    return addr >= g->lay->sbx_base &&
           addr + size <= (uint64_t)g->lay->sbx_base + DT_SBX_SIZE;
}

/* MOV [abs32], imm of @size (8: two dword stores); only inside the
 * sandbox, where the setup cannot fault. */
static void set_mem(G *g, uint64_t addr, unsigned size, uint64_t v)
{
    if (!in_sandbox(g, addr, size)) {
        return;
    }
    if (size == 8) {
        set_mem(g, addr, 4, v);
        set_mem(g, addr + 4, 4, v >> 32);
        return;
    }
    bool saved = g->norex;
    g->norex = false;
    ins_begin(g);
    prefixes(g, false, 0, size, false, 0, 0, false);
    byte(g, size == 1 ? 0xc6 : 0xc7);
    byte(g, 0x04);
    byte(g, 0x25);
    imm(g, addr, 4);
    imm(g, v, size == 1 ? 1 : size == 2 ? 2 : 4);
    setup_end(g);
    g->norex = saved;
}

/* MOV r64, [abs32] (a setup load). */
static void load_reg64(G *g, unsigned r, uint64_t addr)
{
    g->avoid |= (uint16_t)(1u << r);
    ins_begin(g);
    byte(g, (uint8_t)(0x48 | (r >= 8 ? REX_R : 0)));
    byte(g, 0x8b);
    byte(g, (uint8_t)((r & 7) << 3 | 4));
    byte(g, 0x25);
    imm(g, addr, 4);
    setup_end(g);
}

/* RFLAGS for a POPFQ: TF (the runners single-step) and IF kept, AC now
 * and then. */
static uint32_t random_flags(G *g)
{
    uint32_t f = (uint32_t)rnd(g) & DT_FL_ARITH;
    if (chance(g, 3)) {
        f |= DT_FL_AC;
    }
    if (chance(g, 15)) {
        f |= DT_FL_DF;
    }
    if (chance(g, 10)) {
        f |= DT_FL_NT;
    }
    if (chance(g, 30)) {
        f |= DT_FL_ID;
    }
    return f | DT_FL_TF | DT_FL_IF | 2;
}

static void set_flags(G *g)
{
    bool saved = g->norex;
    g->norex = true;
    ins_begin(g);
    byte(g, 0x68);
    imm(g, random_flags(g), 4);
    setup_end(g);
    ins_begin(g);
    byte(g, 0x9d);
    setup_end(g);
    g->norex = saved;
}

static void maybe_flags(G *g, unsigned percent)
{
    if (chance(g, percent)) {
        set_flags(g);
    }
}

/* --- operands --- */

typedef Ea64 Ea;

static unsigned pick_size(G *g)
{
    unsigned r = rn(g, 20);
    return r < 4 ? 1 : r < 7 ? 2 : r < 13 ? 4 : 8;
}

/* A register for an operand of @size; @dst avoids RSP (and for bytes
 * without REX, AH-BH alias RAX-RBX). */
static unsigned pick_reg(G *g, unsigned size, bool dst)
{
    for (;;) {
        unsigned r = rn(g, g->norex ? 8 : 16);
        if (phys_reg(g, r, size) != RSP || !dst || chance(g, 2)) {
            return r;
        }
    }
}

static void maybe_value(G *g, unsigned r, unsigned size, unsigned pct)
{
    if (chance(g, pct) && phys_reg(g, r, size) != RSP) {
        set_reg(g, r, size, interesting(g, size));
    }
}

/* An address for an access of @size bytes: mostly the sandbox. */
static uint64_t pick_addr(G *g, unsigned size)
{
    const DtLayout *lay = g->lay;
    uint64_t sbx = lay->sbx_base, end = sbx + DT_SBX_SIZE;
    unsigned r = rn(g, 100);
    if (r < 80) {
        return sbx + rn(g, (uint32_t)(end - sbx - size + 1));
    }
    if (r < 90) {
        /* Across a page boundary inside the sandbox. */
        uint64_t page = sbx + DT_PAGE * (1 + rn(g, DT_SBX_SIZE / DT_PAGE - 1));
        return page - 1 - rn(g, size);
    }
    if (r < 92) {
        return end - rn(g, size) - 1; /* over the end: #PF */
    }
    if (r < 94) {
        return lay->code_base + rn(g, DT_CODE_SIZE - size); /* read-only */
    }
    if (r < 95) {
        return rn(g, DT_PAGE); /* page 0: never mapped */
    }
    if (r < 97) {
        /* Canonical, far from anything mapped on either side. */
        return 0x0000100000000000ULL + (rnd(g) & 0xffffffffffULL);
    }
    /* Not canonical: #GP (#SS through RSP/RBP). */
    switch (rn(g, 4)) {
    case 0: return 0x0000800000000000ULL - rn(g, size);
    case 1: return 0xffff800000000000ULL - 1 - rn(g, 64);
    case 2: return 0x8000000000000000ULL | rnd(g);
    default: return rnd(g) | 0x0000800000000000ULL;
    }
}

/* A base or index register not set up for this item (not RSP), or -1. */
static int pick_base(G *g)
{
    unsigned n = g->norex ? 8 : 16, start = rn(g, n);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = (start + i) % n;
        if (r != RSP && !((g->avoid >> r) & 1)) {
            return (int)r;
        }
    }
    return -1;
}

/* Set a base/index register to @v for this operand's address size. */
static void set_addr_reg(G *g, const Ea *e, unsigned r, uint64_t v)
{
    if (e->a32) {
        set_reg(g, r, 4, (uint32_t)v);
    } else {
        set_reg64(g, r, v);
    }
}

static uint64_t disp_value(G *g, Ea *e, unsigned mod)
{
    if (mod == 1) {
        e->disp = (uint32_t)(int8_t)rn(g, 256);
        e->disp_size = 1;
    } else if (mod == 2) {
        e->disp = chance(g, 50) ? (uint32_t)rnd(g) : rn(g, 0x2000) - 0x1000;
        e->disp_size = 4;
    }
    return sext32(e->disp);
}

/* The ModRM/SIB form aimed at @want (the effective address, before a
 * segment base). */
static void ea_form(G *g, Ea *e, uint64_t want)
{
    uint64_t amask = e->a32 ? 0xffffffffULL : ~0ULL;
    int base, index;
    switch (rn(g, 11)) {
    case 0:
    case 1: /* [base] */
        base = pick_base(g);
        if (base < 0 || (base & 7) == 4 || (base & 7) == 5) {
            break;
        }
        set_addr_reg(g, e, (unsigned)base, want);
        e->mod = 0;
        e->rm = base & 7;
        e->rex |= base >= 8 ? REX_B : 0;
        return;
    case 2:
    case 3: /* [base + disp8/32] */
        base = pick_base(g);
        if (base < 0 || (base & 7) == 4) {
            break;
        }
        e->mod = chance(g, 50) ? 1 : 2;
        set_addr_reg(g, e, (unsigned)base,
                     (want - disp_value(g, e, e->mod)) & amask);
        e->rm = base & 7;
        e->rex |= base >= 8 ? REX_B : 0;
        return;
    case 4:
    case 5: { /* SIB: base + index << scale + disp */
        unsigned scale = rn(g, 4);
        index = pick_base(g);
        if (index < 0) {
            break;
        }
        g->avoid |= (uint16_t)(1u << index);
        base = pick_base(g);
        g->avoid &= (uint16_t)~(1u << index);
        bool nobase = base < 0 || ((base & 7) == 5 && chance(g, 50));
        e->has_sib = true;
        e->rm = 4;
        e->mod = nobase ? 0 : (uint8_t)rn(g, 3);
        if (!nobase && e->mod == 0 && (base & 7) == 5) {
            e->mod = 1;
        }
        if (nobase) {
            base = RBP; /* base field 101b with mod 0: disp32 */
            e->disp_size = 4;
        }
        uint64_t iv = chance(g, 50) ? rnd(g) : (uint64_t)(rn(g, 129) - 64);
        if (!e->a32 && chance(g, 50)) {
            iv = sext32(iv);
        }
        set_addr_reg(g, e, (unsigned)index, iv);
        uint64_t rest = want - ((e->a32 ? (uint32_t)iv : iv) << scale);
        if (nobase) {
            e->disp = (uint32_t)rest;
            if (!e->a32 && sext32(rest) != rest) {
                /* disp32 cannot reach it: index alone. */
                e->disp = 0;
                set_addr_reg(g, e, (unsigned)index, want >> scale);
                if ((want >> scale) << scale != want) {
                    scale = 0;
                    set_addr_reg(g, e, (unsigned)index, want);
                }
            }
        } else {
            uint64_t d = disp_value(g, e, e->mod);
            set_addr_reg(g, e, (unsigned)base, (rest - d) & amask);
        }
        e->rex |= (index >= 8 ? REX_X : 0) | (base >= 8 ? REX_B : 0);
        e->sib = (uint8_t)(scale << 6 | (index & 7) << 3 | (base & 7));
        return;
    }
    case 6: /* SIB without an index (100b, no REX.X) */
        base = pick_base(g);
        if (base < 0) {
            break;
        }
        e->has_sib = true;
        e->rm = 4;
        e->mod = (base & 7) == 5 ? 1 + rn(g, 2) : rn(g, 3);
        set_addr_reg(g, e, (unsigned)base,
                     (want - disp_value(g, e, e->mod)) & amask);
        e->rex |= base >= 8 ? REX_B : 0;
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | (base & 7));
        return;
    case 7:
    case 8: { /* RIP-relative: reaches the sandbox and the code */
        uint64_t code = g->lay->code_base;
        if (want - code + 0x40000000ULL > 0x80000000ULL) {
            break;
        }
        e->mod = 0;
        e->rm = 5;
        e->riprel = true;
        e->target = want;
        e->disp_size = 4;
        return;
    }
    case 9: /* [rsp + disp8]: the stack, wherever RSP is */
        e->wild = true;
        e->has_sib = true;
        e->rm = 4;
        e->mod = 1;
        e->disp = rn(g, 64) - 8;
        e->disp_size = 1;
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | RSP);
        return;
    default:
        break;
    }
    /* [disp32]: absolute through a SIB without base or index. */
    if (e->a32 ? want <= 0xffffffffULL : sext32(want) == want) {
        e->mod = 0;
        e->rm = 4;
        e->has_sib = true;
        e->sib = 0x25;
        e->disp = (uint32_t)want;
        e->disp_size = 4;
        return;
    }
    base = pick_base(g);
    if (base < 0 || (base & 7) == 4 || (base & 7) == 5) {
        base = (g->avoid >> 3) & 1 ? 6 : 3; /* RSI or RBX, whatever */
    }
    set_addr_reg(g, e, (unsigned)base, want);
    e->mod = 0;
    e->rm = base & 7;
    e->rex |= base >= 8 ? REX_B : 0;
}

static uint8_t ignored_seg(G *g)
{
    static const uint8_t segs[] = {0x26, 0x2e, 0x36, 0x3e};
    return segs[rn(g, 4)];
}

/* A memory operand at @addr. */
static Ea mem_at(G *g, uint64_t addr, unsigned flags)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.mem = true;
    uint64_t want = addr;
    if (!(flags & E_NOSEG)) {
        unsigned r = rn(g, 100);
        if (r < 12) {
            e.seg = 0x65; /* GS: based at gs_base */
            want = addr - g->lay->gs_base;
        } else if (r < 18) {
            e.seg = ignored_seg(g);
        }
    }
    if (!(flags & E_NOA32) && chance(g, 12) && want <= 0xffffffffULL) {
        e.a32 = true;
    }
    ea_form(g, &e, want);
    return e;
}

static Ea pick_mem(G *g, unsigned size, unsigned flags)
{
    return mem_at(g, pick_addr(g, size), flags);
}

static Ea reg_E(unsigned r)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.reg = (uint8_t)r;
    e.mod = 3;
    e.rm = r & 7;
    e.rex = r >= 8 ? REX_B : 0;
    return e;
}

static Ea pick_E(G *g, unsigned size, unsigned flags)
{
    bool mem = (flags & E_MEM) && (!(flags & E_REG) || chance(g, 45));
    if (mem) {
        return pick_mem(g, size, flags);
    }
    return reg_E(pick_reg(g, size, flags & E_DST));
}

/* Prefixes and REX for an instruction with ModRM operand @e, ModRM.reg
 * @regf (a register 0-15 or a /digit), operand size @os (1, 2, 4, 8);
 * @byte_regs when @regf or a register @e names byte registers. */
static void ea_prefixes(G *g, const Ea *e, unsigned regf, unsigned os,
                        bool lock, uint8_t rep, bool byte_regs)
{
    unsigned rex = e->rex | (regf >= 8 ? REX_R : 0) | (os == 8 ? REX_W : 0);
    bool need = byte_regs && !g->norex &&
                ((regf >= 4 && regf < 8) || (!e->mem && e->reg >= 4));
    prefixes(g, lock, e->seg, os, e->a32, rep, rex, need);
}

static void modrm(G *g, const Ea *e, unsigned regf)
{
    byte(g, (uint8_t)(e->mod << 6 | (regf & 7) << 3 | e->rm));
    if (!e->mem) {
        return;
    }
    if (e->has_sib) {
        byte(g, e->sib);
    }
    if (e->riprel) {
        g->rip_at = (int)g->s->len;
        g->rip_target = e->target;
    }
    imm(g, e->disp, e->disp_size);
}

/* An ALU-style instruction: [prefixes] opcode bytes ModRM [imm]. */
static void op_E(G *g, const Ea *e, unsigned regf, unsigned os, bool lock,
                 const uint8_t *op, unsigned nop, bool byte_regs)
{
    ea_prefixes(g, e, regf, os, lock, 0, byte_regs);
    for (unsigned i = 0; i < nop; i++) {
        byte(g, op[i]);
    }
    modrm(g, e, regf);
}

/* Immediate size of an Iz operand. */
static unsigned iz(unsigned size)
{
    return size == 8 ? 4 : size;
}

/* --- groups --- */

/* ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NOT NEG */
static void gen_alu(G *g)
{
    unsigned size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    bool w = size != 1;
    unsigned op = rn(g, 8);
    unsigned kind = rn(g, 10);
    maybe_flags(g, 20);
    switch (kind) {
    case 0:
    case 1:
    case 2: { /* Ev,Gv and Gv,Ev */
        bool to_e = chance(g, 50);
        unsigned gr = pick_reg(g, size, !to_e && op != 7);
        maybe_value(g, gr, size, 30);
        Ea e = pick_E(g, size, E_REG | E_MEM | (to_e && op != 7 ? E_DST : 0));
        bool lock = to_e && e.mem && op != 7 && chance(g, 20);
        uint8_t opc = (uint8_t)(op * 8 + (to_e ? 0 : 2) + w);
        ins_begin(g);
        op_E(g, &e, gr, size, lock, &opc, 1, size == 1);
        ins_end(g);
        break;
    }
    case 3: /* AL/AX/EAX/RAX, imm */
        maybe_value(g, DT_EAX, size, 30);
        ins_begin(g);
        prefixes(g, false, 0, size, false, 0, size == 8 ? REX_W : 0, false);
        byte(g, (uint8_t)(op * 8 + 4 + w));
        imm(g, interesting(g, size), iz(size));
        ins_end(g);
        break;
    case 4: { /* group 1: 80 81 83 */
        Ea e = pick_E(g, size, E_REG | E_MEM | (op != 7 ? E_DST : 0));
        bool lock = e.mem && op != 7 && chance(g, 20);
        uint8_t opc = size == 1 ? 0x80 : (chance(g, 50) ? 0x83 : 0x81);
        ins_begin(g);
        op_E(g, &e, op, size, lock, &opc, 1, size == 1);
        imm(g, interesting(g, size), opc == 0x81 ? iz(size) : 1);
        ins_end(g);
        break;
    }
    case 5: { /* TEST */
        unsigned form = rn(g, 3);
        unsigned gr = pick_reg(g, size, false);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        ins_begin(g);
        if (form == 0) {
            uint8_t opc = (uint8_t)(0x84 + w);
            op_E(g, &e, gr, size, false, &opc, 1, size == 1);
        } else if (form == 1) {
            prefixes(g, false, 0, size, false, 0, size == 8 ? REX_W : 0,
                     false);
            byte(g, (uint8_t)(0xa8 + w));
            imm(g, interesting(g, size), iz(size));
        } else {
            uint8_t opc = (uint8_t)(0xf6 + w);
            op_E(g, &e, rn(g, 2), size, false, &opc, 1, size == 1);
            imm(g, interesting(g, size), iz(size));
        }
        ins_end(g);
        break;
    }
    case 6: { /* INC DEC */
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        if (!e.mem) {
            maybe_value(g, e.reg, size, 40);
        }
        uint8_t opc = (uint8_t)(0xfe + w);
        ins_begin(g);
        op_E(g, &e, rn(g, 2), size, e.mem && chance(g, 20), &opc, 1,
             size == 1);
        ins_end(g);
        break;
    }
    case 7: { /* NOT NEG */
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        if (!e.mem) {
            maybe_value(g, e.reg, size, 40);
        }
        uint8_t opc = (uint8_t)(0xf6 + w);
        ins_begin(g);
        op_E(g, &e, 2 + rn(g, 2), size, e.mem && chance(g, 20), &opc, 1,
             size == 1);
        ins_end(g);
        break;
    }
    default: { /* register, register (32-bit forms clear the top half) */
        unsigned a = pick_reg(g, size, op != 7);
        unsigned b = chance(g, 20) ? a : pick_reg(g, size, false);
        maybe_value(g, a, size, 40);
        maybe_value(g, b, size, 40);
        Ea e = reg_E(a);
        uint8_t opc = (uint8_t)(op * 8 + w);
        ins_begin(g);
        op_E(g, &e, b, size, false, &opc, 1, size == 1);
        ins_end(g);
        break;
    }
    }
}

/* MUL IMUL DIV IDIV */
static void gen_muldiv(G *g)
{
    typedef unsigned __int128 u128;
    typedef __int128 s128;
    unsigned size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    bool w = size != 1;
    unsigned kind = rn(g, 8);
    maybe_flags(g, 10);
    if (kind <= 1) { /* MUL/IMUL r/m */
        maybe_value(g, DT_EAX, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (!e.mem) {
            maybe_value(g, e.reg, size, 40);
        }
        uint8_t opc = (uint8_t)(0xf6 + w);
        ins_begin(g);
        op_E(g, &e, 4 + kind, size, false, &opc, 1, size == 1);
        ins_end(g);
        return;
    }
    if (size == 1) {
        size = 8;
        g->norex = false;
    }
    if (kind == 2) { /* IMUL Gv,Ev */
        unsigned gr = pick_reg(g, size, true);
        maybe_value(g, gr, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        static const uint8_t opc[2] = {0x0f, 0xaf};
        ins_begin(g);
        op_E(g, &e, gr, size, false, opc, 2, false);
        ins_end(g);
        return;
    }
    if (kind == 3) { /* IMUL Gv,Ev,Iz / Ib */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        bool ib = chance(g, 50);
        uint8_t opc = ib ? 0x6b : 0x69;
        ins_begin(g);
        op_E(g, &e, gr, size, false, &opc, 1, false);
        imm(g, interesting(g, ib ? 1 : iz(size)), ib ? 1 : iz(size));
        ins_end(g);
        return;
    }
    /* DIV / IDIV: mostly with a dividend whose quotient fits. */
    size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    w = size != 1;
    bool sign = chance(g, 50);
    unsigned bits = 8 * size;
    unsigned mode = rn(g, 10);
    Ea e;
    if (mode == 0) {
        e = pick_E(g, size, E_REG | E_MEM);
    } else {
        u128 lim = (u128)1 << bits;
        uint64_t mask = mask_of(size);
        s128 d, q, r;
        if (mode == 1) {
            d = 0;
        } else {
            uint64_t dv = interesting(g, size);
            d = sign ? (s128)(int64_t)(dv << (64 - bits)) >> (64 - bits)
                     : (s128)dv;
            if (d == 0) {
                d = 1;
            }
        }
        if (sign) {
            s128 half = (s128)(lim / 2);
            q = chance(g, 20) ? (chance(g, 50) ? half - 1 : -half)
                              : (s128)((u128)rnd(g) % lim) - half;
            if (chance(g, 5)) {
                q = half; /* just too big: #DE */
            }
            s128 ad = d < 0 ? -d : d;
            r = ad ? (s128)((u128)rnd(g) % (u128)ad) : 0;
            if ((q < 0) != (d < 0) && q != 0) {
                r = -r;
            }
        } else {
            q = (s128)((u128)rnd(g) % lim);
            if (chance(g, 10)) {
                q = (s128)(lim - 1);
            }
            if (chance(g, 5)) {
                q = (s128)lim;
            }
            r = d ? (s128)((u128)rnd(g) % (u128)d) : 0;
        }
        u128 n = (u128)(q * d + r);
        if (size == 1) {
            set_reg(g, DT_EAX, 2, (uint64_t)n & 0xffff);
        } else {
            set_reg(g, DT_EAX, size, (uint64_t)n & mask);
            set_reg(g, DT_EDX, size, (uint64_t)(n >> bits) & mask);
        }
        uint64_t dval = (uint64_t)d & mask;
        if (chance(g, 50)) {
            uint64_t addr = g->lay->sbx_base +
                            rn(g, DT_SBX_SIZE - size + 1);
            set_mem(g, addr, size, dval);
            e = mem_at(g, addr, 0);
        } else {
            unsigned rr;
            do {
                rr = rn(g, g->norex ? 8 : 16);
            } while (size == 1 ? (phys_reg(g, rr, 1) == DT_EAX)
                               : (rr == DT_EAX || rr == DT_EDX ||
                                  rr == RSP));
            set_reg(g, rr, size, dval);
            e = reg_E(rr);
        }
    }
    uint8_t opc = (uint8_t)(0xf6 + w);
    ins_begin(g);
    op_E(g, &e, sign ? 7 : 6, size, false, &opc, 1, size == 1);
    ins_end(g);
}

static uint8_t shift_count(G *g)
{
    static const uint8_t counts[] = {0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17,
                                     24, 31, 32, 33, 63, 64, 65, 127, 255};
    return chance(g, 70) ? counts[rn(g, sizeof(counts))] : (uint8_t)rn(g, 256);
}

/* ROL ROR RCL RCR SHL SHR SAL SAR, SHLD SHRD */
static void gen_shift(G *g)
{
    unsigned size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    bool w = size != 1;
    unsigned kind = rn(g, 5);
    maybe_flags(g, 40);
    if (kind == 4) { /* SHLD/SHRD */
        if (size == 1) {
            size = 8;
            g->norex = false;
        }
        bool cl = chance(g, 50);
        if (cl && chance(g, 70)) {
            set_reg(g, DT_ECX, 1, shift_count(g));
        }
        unsigned gr = pick_reg(g, size, false);
        maybe_value(g, gr, size, 30);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        uint8_t opc[2] = {0x0f, (uint8_t)((chance(g, 50) ? 0xa4 : 0xac) + cl)};
        ins_begin(g);
        op_E(g, &e, gr, size, false, opc, 2, false);
        if (!cl) {
            imm(g, shift_count(g), 1);
        }
        ins_end(g);
        return;
    }
    if (kind == 1 && chance(g, 70)) {
        set_reg(g, DT_ECX, 1, shift_count(g));
    }
    Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
    if (!e.mem) {
        maybe_value(g, e.reg, size, 30);
    }
    uint8_t opc = (uint8_t)((kind == 0 ? 0xd0 : kind == 1 ? 0xd2 : 0xc0) + w);
    ins_begin(g);
    op_E(g, &e, rn(g, 8), size, false, &opc, 1, size == 1);
    if (kind >= 2) {
        imm(g, shift_count(g), 1);
    }
    ins_end(g);
}

/* BT BTS BTR BTC, BSF BSR, BSWAP, SETcc, CMOVcc */
static void gen_bit(G *g)
{
    unsigned size = chance(g, 20) ? 2 : chance(g, 50) ? 4 : 8;
    unsigned kind = rn(g, 6);
    maybe_flags(g, 40);
    switch (kind) {
    case 0: { /* BT* Ev,Gv */
        unsigned op = rn(g, 4);
        unsigned gr = pick_reg(g, size, false);
        Ea e;
        if (chance(g, 50)) {
            /* Memory: the bit offset reaches around the operand. */
            uint64_t addr = pick_addr(g, size);
            int64_t bit = (int64_t)rn(g, 0x4000) - 0x2000;
            if (chance(g, 10)) {
                bit = (int64_t)rnd(g); /* far away */
            }
            set_reg(g, gr, size, (uint64_t)bit & mask_of(size));
            e = mem_at(g, addr, E_DST);
        } else {
            maybe_value(g, gr, size, 50);
            e = pick_E(g, size, E_REG | E_DST);
        }
        uint8_t opc[2] = {0x0f, (uint8_t)(0xa3 + 8 * op)};
        ins_begin(g);
        op_E(g, &e, gr, size, e.mem && op != 0 && chance(g, 20), opc, 2,
             false);
        ins_end(g);
        break;
    }
    case 1: { /* BT* Ev,Ib */
        unsigned op = rn(g, 4);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        static const uint8_t opc[2] = {0x0f, 0xba};
        ins_begin(g);
        op_E(g, &e, 4 + op, size, e.mem && op != 0 && chance(g, 20), opc, 2,
             false);
        imm(g, rn(g, 256), 1);
        ins_end(g);
        break;
    }
    case 2: { /* BSF BSR */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (!e.mem) {
            if (chance(g, 25)) {
                set_reg(g, e.reg, size, 0);
            } else {
                maybe_value(g, e.reg, size, 50);
            }
        }
        uint8_t opc[2] = {0x0f, chance(g, 50) ? 0xbc : 0xbd};
        ins_begin(g);
        op_E(g, &e, gr, size, false, opc, 2, false);
        ins_end(g);
        break;
    }
    case 3: { /* BSWAP */
        unsigned r = pick_reg(g, 8, true);
        ins_begin(g);
        prefixes(g, false, 0, chance(g, 10) ? 2 : 4, false, 0,
                 (r >= 8 ? REX_B : 0) | (size == 8 ? REX_W : 0), false);
        byte(g, 0x0f);
        byte(g, (uint8_t)(0xc8 + (r & 7)));
        ins_end(g);
        break;
    }
    case 4: { /* SETcc */
        g->norex = chance(g, 35);
        Ea e = pick_E(g, 1, E_REG | E_MEM | E_DST);
        uint8_t opc[2] = {0x0f, (uint8_t)(0x90 + rn(g, 16))};
        ins_begin(g);
        op_E(g, &e, rn(g, 8), chance(g, 10) ? 2 : 4, false, opc, 2, true);
        ins_end(g);
        break;
    }
    default: { /* CMOVcc: a 32-bit one clears the top half either way */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        uint8_t opc[2] = {0x0f, (uint8_t)(0x40 + rn(g, 16))};
        ins_begin(g);
        op_E(g, &e, gr, size, false, opc, 2, false);
        ins_end(g);
        break;
    }
    }
}

/* A stack address for RBP (ENTER, LEAVE): near the initial RSP. */
static uint64_t stack_addr(G *g)
{
    return g->lay->stack_lo + rn(g, g->lay->stack_hi - g->lay->stack_lo);
}

/* MOV, MOVABS, LEA, XCHG, MOVZX/MOVSX/MOVSXD, CBW..CQO, XLAT, LAHF SAHF,
 * flag ops, MOV Ev,Sreg, NOPs */
static void gen_move(G *g)
{
    unsigned size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    bool w = size != 1;
    unsigned kind = rn(g, 16);
    switch (kind) {
    case 0:
    case 1: { /* 88-8B */
        bool to_e = chance(g, 50);
        unsigned gr = pick_reg(g, size, !to_e);
        Ea e = pick_E(g, size, E_REG | E_MEM | (to_e ? E_DST : 0));
        uint8_t opc = (uint8_t)(0x88 + (to_e ? 0 : 2) + w);
        ins_begin(g);
        op_E(g, &e, gr, size, false, &opc, 1, size == 1);
        ins_end(g);
        break;
    }
    case 2: { /* A0-A3: moffs64, or moffs32 with 67 */
        bool a32 = chance(g, 20);
        bool store = chance(g, 50);
        uint64_t addr = pick_addr(g, size);
        uint8_t seg = chance(g, 15) ? 0x65 : chance(g, 10) ? ignored_seg(g)
                                                          : 0;
        if (seg == 0x65 && chance(g, 70)) {
            addr -= g->lay->gs_base;
        }
        if (a32) {
            addr &= 0xffffffffULL;
        }
        ins_begin(g);
        prefixes(g, false, seg, size, a32, 0, size == 8 ? REX_W : 0, false);
        byte(g, (uint8_t)(0xa0 + (store ? 2 : 0) + w));
        imm(g, addr, a32 ? 4 : 8);
        ins_end(g);
        break;
    }
    case 3: /* B0-BF (imm64 with REX.W), C6/C7 */
        if (chance(g, 50)) {
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, size, false, 0,
                     (r >= 8 ? REX_B : 0) | (size == 8 ? REX_W : 0),
                     size == 1 && r >= 4 && !g->norex);
            byte(g, (uint8_t)((w ? 0xb8 : 0xb0) + (r & 7)));
            imm(g, interesting(g, size), size);
        } else {
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            uint8_t opc = (uint8_t)(0xc6 + w);
            ins_begin(g);
            op_E(g, &e, 0, size, false, &opc, 1, size == 1);
            imm(g, interesting(g, size), iz(size));
        }
        ins_end(g);
        break;
    case 4: { /* MOV Ev, Sreg (a register gets it zero-extended) */
        g->norex = false;
        Ea e = pick_E(g, 2, E_REG | E_MEM | E_DST);
        unsigned os = chance(g, 30) ? 2 : chance(g, 50) ? 4 : 8;
        static const uint8_t opc = 0x8c;
        ins_begin(g);
        op_E(g, &e, rn(g, 6), os, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 5: { /* LEA: any address form, no access */
        if (size == 1) {
            size = 8;
            g->norex = false;
        }
        unsigned gr = pick_reg(g, size, true);
        Ea e;
        memset(&e, 0, sizeof(e));
        e.mem = true;
        e.a32 = chance(g, 20);
        if (chance(g, 15)) {
            e.seg = chance(g, 50) ? 0x65 : ignored_seg(g);
        }
        ea_form(g, &e, e.a32 ? (uint32_t)rnd(g) : rnd(g));
        static const uint8_t opc = 0x8d;
        ins_begin(g);
        op_E(g, &e, gr, size, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 6: /* XCHG */
        if (chance(g, 40) && size != 1) {
            /* 90+r: with REX.B, 90 is XCHG R8, rAX, not NOP */
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, size, false, 0,
                     (r >= 8 ? REX_B : 0) | (size == 8 ? REX_W : 0), false);
            byte(g, (uint8_t)(0x90 + (r & 7)));
        } else {
            unsigned gr = pick_reg(g, size, true);
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            uint8_t opc = (uint8_t)(0x86 + w);
            ins_begin(g);
            op_E(g, &e, gr, size, e.mem && chance(g, 20), &opc, 1,
                 size == 1);
        }
        ins_end(g);
        break;
    case 7: { /* MOVZX MOVSX (to 16, 32 or 64 bits) */
        g->norex = chance(g, 30);
        unsigned dsize = chance(g, 20) ? 2 : g->norex || chance(g, 50) ? 4
                                                                      : 8;
        bool src16 = chance(g, 50);
        unsigned gr = pick_reg(g, dsize, true);
        Ea e = pick_E(g, src16 ? 2 : 1, E_REG | E_MEM);
        uint8_t opc[2] = {0x0f,
                          (uint8_t)((chance(g, 50) ? 0xb6 : 0xbe) + src16)};
        ins_begin(g);
        op_E(g, &e, gr, dsize, false, opc, 2, !src16);
        ins_end(g);
        break;
    }
    case 8: { /* MOVSXD: REX.W sign-extends; else a plain move */
        g->norex = false;
        unsigned dsize = chance(g, 60) ? 8 : chance(g, 50) ? 4 : 2;
        unsigned gr = pick_reg(g, dsize, true);
        Ea e = pick_E(g, dsize == 8 ? 4 : dsize, E_REG | E_MEM);
        if (!e.mem) {
            maybe_value(g, e.reg, 8, 50);
        }
        static const uint8_t opc = 0x63;
        ins_begin(g);
        op_E(g, &e, gr, dsize, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 9: { /* CBW CWDE CDQE, CWD CDQ CQO */
        g->norex = false;
        unsigned os = chance(g, 20) ? 2 : chance(g, 40) ? 4 : 8;
        maybe_value(g, DT_EAX, 8, 50);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, os == 8 ? REX_W : 0, false);
        byte(g, chance(g, 50) ? 0x98 : 0x99);
        ins_end(g);
        break;
    }
    case 10: { /* XLAT: [RBX + AL] (EBX with 67) */
        g->norex = false;
        bool a32 = chance(g, 25);
        uint64_t table = pick_addr(g, 256);
        set_reg(g, DT_EBX, a32 ? 4 : 8, table - 0x80);
        ins_begin(g);
        prefixes(g, false, chance(g, 15) ? ignored_seg(g) : 0, 0, a32, 0,
                 chance(g, 30) ? REX_W : 0, false);
        byte(g, 0xd7);
        ins_end(g);
        break;
    }
    case 11: /* LAHF SAHF (LAHF_LM), CMC CLC STC CLD STD */
        g->norex = true;
        maybe_flags(g, 30);
        if (chance(g, 30)) {
            set_reg(g, 4, 1, rn(g, 256)); /* AH */
        }
        ins_begin(g);
        if (chance(g, 50)) {
            byte(g, (uint8_t)(0x9e + rn(g, 2)));
        } else {
            static const uint8_t ops[] = {0xf5, 0xf8, 0xf9, 0xfc, 0xfd};
            byte(g, ops[rn(g, 5)]);
        }
        ins_end(g);
        break;
    case 12: { /* NOP, PAUSE, 0F 1F NOP Ev, 0F 18-1F hints */
        unsigned form = rn(g, 4);
        g->norex = false;
        Ea e = pick_E(g, size == 1 ? 4 : size, E_REG | E_MEM);
        ins_begin(g);
        if (form == 0) {
            if (chance(g, 30)) {
                byte(g, 0xf3);
            }
            byte(g, 0x90);
        } else {
            uint8_t opc[2] = {0x0f, form == 1 ? 0x1f
                                              : (uint8_t)(0x18 + rn(g, 8))};
            unsigned regf = rn(g, 8);
            if (opc[1] == 0x1c && e.mem && regf == 0) {
                regf = 1; /* 0F 1C /0 is CLDEMOTE on newer CPUs */
            }
            op_E(g, &e, regf, size == 1 ? 4 : size, false, opc, 2, false);
        }
        ins_end(g);
        break;
    }
    default: { /* plain loads and stores, the bread and butter */
        bool to_e = chance(g, 50);
        unsigned gr = pick_reg(g, size, !to_e);
        Ea e = pick_E(g, size, E_MEM | (to_e ? E_DST : 0));
        uint8_t opc = (uint8_t)(0x88 + (to_e ? 0 : 2) + w);
        ins_begin(g);
        op_E(g, &e, gr, size, false, &opc, 1, size == 1);
        ins_end(g);
        break;
    }
    }
}

/* PUSH POP (all forms; 66 for 16 bits), PUSHF POPF, ENTER LEAVE */
static void gen_stack(G *g)
{
    unsigned os = chance(g, 15) ? 2 : 8;
    unsigned kind = rn(g, 12);
    g->norex = false;
    switch (kind) {
    case 0: { /* PUSH r */
        unsigned r = rn(g, 16);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, r >= 8 ? REX_B : 0, false);
        byte(g, (uint8_t)(0x50 + (r & 7)));
        ins_end(g);
        break;
    }
    case 1: { /* POP r (rarely RSP) */
        unsigned r = pick_reg(g, 8, true);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, r >= 8 ? REX_B : 0, false);
        byte(g, (uint8_t)(0x58 + (r & 7)));
        ins_end(g);
        break;
    }
    case 2: { /* PUSH imm8/imm32 (imm16 with 66) */
        bool ib = chance(g, 50);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, ib ? 0x6a : 0x68);
        imm(g, interesting(g, 4), ib ? 1 : os == 2 ? 2 : 4);
        ins_end(g);
        break;
    }
    case 3: { /* PUSH Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM);
        static const uint8_t opc = 0xff;
        ins_begin(g);
        op_E(g, &e, 6, os, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 4: { /* POP Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM | E_DST);
        static const uint8_t opc = 0x8f;
        ins_begin(g);
        op_E(g, &e, 0, os, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 5: /* PUSH FS, PUSH GS (their selectors are 0) */
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0x0f);
        byte(g, chance(g, 50) ? 0xa0 : 0xa8);
        ins_end(g);
        break;
    case 6: /* PUSHFQ */
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0x9c);
        ins_end(g);
        break;
    case 7: { /* PUSH imm; POPFQ */
        uint32_t f = random_flags(g) | ((uint32_t)rnd(g) & 0x7000u);
        if (chance(g, 4)) {
            f &= ~DT_FL_TF; /* the rest of the stream runs unstepped */
        }
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0x68);
        imm(g, f, os == 2 ? 2 : 4);
        ins_end(g);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0x9d);
        ins_end(g);
        break;
    }
    case 8:
    case 9: { /* ENTER */
        uint32_t lvl = chance(g, 40) ? 0 : chance(g, 80) ? rn(g, 5)
                                                       : rn(g, 256);
        if (lvl > 1 || chance(g, 50)) {
            set_reg64(g, RBP, stack_addr(g));
        }
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0xc8);
        imm(g, chance(g, 30) ? 0 : rn(g, 0x200), 2);
        byte(g, (uint8_t)lvl);
        ins_end(g);
        break;
    }
    case 10: /* LEAVE */
        set_reg64(g, RBP, stack_addr(g));
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, 0, false);
        byte(g, 0xc9);
        ins_end(g);
        break;
    default: { /* PUSH r then POP r */
        unsigned a = rn(g, 16), b = pick_reg(g, 8, true);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, a >= 8 ? REX_B : 0, false);
        byte(g, (uint8_t)(0x50 + (a & 7)));
        ins_end(g);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0, b >= 8 ? REX_B : 0, false);
        byte(g, (uint8_t)(0x58 + (b & 7)));
        ins_end(g);
        break;
    }
    }
}

/* MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE, both directions, 64- and
 * 32-bit addressing, byte to quadword */
static void gen_string(G *g)
{
    static const uint8_t ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    const DtLayout *lay = g->lay;
    unsigned size = pick_size(g);
    bool a32 = chance(g, 20);
    uint8_t op = ops[rn(g, 5)];
    uint8_t rep = chance(g, 25) ? 0 : chance(g, 50) ? 0xf3 : 0xf2;
    unsigned count = chance(g, 10) ? 0 : chance(g, 80) ? rn(g, 17)
                                                     : rn(g, 300);
    g->norex = false;
    maybe_flags(g, 50);
    uint64_t span = (uint64_t)(count + 1) * size;
    uint64_t end = (uint64_t)lay->sbx_base + DT_SBX_SIZE;
    uint64_t room = DT_SBX_SIZE;
    for (int i = 0; i < 2; i++) {
        unsigned r = i ? DT_EDI : DT_ESI;
        uint64_t p;
        if (chance(g, 5)) {
            continue; /* keep whatever is there */
        }
        if (chance(g, 8) || room <= 2 * span) {
            p = end - rn(g, (uint32_t)span); /* run into the end */
        } else {
            p = lay->sbx_base + span + rn(g, (uint32_t)(room - 2 * span));
        }
        if (!a32 && chance(g, 10)) {
            p |= 0x0000800000000000ULL; /* not canonical */
        }
        set_reg(g, r, a32 ? 4 : 8, p);
    }
    set_reg(g, DT_ECX, a32 ? 4 : 8, count);
    if (op == 0xae || op == 0xa6 || op == 0xac) {
        maybe_value(g, DT_EAX, size, 50);
    }
    uint8_t seg = 0;
    if (op != 0xaa && op != 0xae && chance(g, 12)) {
        seg = chance(g, 50) ? ignored_seg(g) : 0x65;
        if (seg == 0x65) {
            /* GS for the source: RSI relative to the GS base. */
            set_reg(g, DT_ESI, 8, lay->sbx_base + rn(g, 0x1000) -
                                      lay->gs_base);
            a32 = false;
            set_reg(g, DT_ECX, 8, count);
        }
    }
    ins_begin(g);
    prefixes(g, false, seg, size, a32, rep, size == 8 ? REX_W : 0, false);
    byte(g, (uint8_t)(op + (size != 1)));
    ins_end(g);
}

/* XADD CMPXCHG CMPXCHG8B CMPXCHG16B, LOCKed or not */
static void gen_atomic(G *g)
{
    unsigned size = pick_size(g);
    g->norex = size == 1 && chance(g, 35);
    bool w = size != 1;
    unsigned kind = rn(g, 4);
    maybe_flags(g, 20);
    if (kind >= 2) { /* CMPXCHG8B m64, CMPXCHG16B m128 */
        bool x16 = kind == 3;
        g->norex = false;
        uint64_t addr = pick_addr(g, x16 ? 16 : 8);
        if (x16 && chance(g, 85)) {
            addr &= ~15ULL; /* aligned, else #GP(0) */
        }
        if (chance(g, 50) && in_sandbox(g, addr, 16)) {
            /* Make it succeed: RDX:RAX from the operand. */
            load_reg64(g, DT_EAX, addr);
            load_reg64(g, DT_EDX, addr + (x16 ? 8 : 4));
        }
        Ea e = mem_at(g, addr, E_DST);
        if (chance(g, 3)) {
            e = reg_E(rn(g, 8)); /* register form: #UD */
        }
        static const uint8_t opc[2] = {0x0f, 0xc7};
        ins_begin(g);
        op_E(g, &e, 1, x16 ? 8 : 4, e.mem && chance(g, 40), opc, 2, false);
        ins_end(g);
        return;
    }
    unsigned gr = pick_reg(g, size, true);
    maybe_value(g, gr, size, 30);
    Ea e;
    if (kind == 1 && chance(g, 50)) {
        /* CMPXCHG that succeeds: accumulator = operand. */
        uint64_t addr = pick_addr(g, size);
        if (in_sandbox(g, addr, 8)) {
            load_reg64(g, DT_EAX, addr);
        }
        e = mem_at(g, addr, E_DST);
    } else {
        e = pick_E(g, size, E_REG | E_MEM | E_DST);
    }
    uint8_t opc[2] = {0x0f, (uint8_t)((kind == 0 ? 0xc0 : 0xb0) + w)};
    ins_begin(g);
    op_E(g, &e, gr, size, e.mem && chance(g, 40), opc, 2, size == 1);
    ins_end(g);
}

static void gen_item(G *g, bool allow_branch);

/* Patch a forward displacement of @size bytes at @at to reach here. */
static void patch_rel(G *g, unsigned at, unsigned size)
{
    int32_t rel = (int32_t)(g->s->len - (at + size));
    if (size == 1 && rel > 127) {
        rel = 0;
    }
    for (unsigned i = 0; i < size; i++) {
        patch8(g, at + i, (uint8_t)(rel >> (8 * i)));
    }
}

/* A prefix on a near branch: 66 (ignored by Intel in 64-bit mode), REX.W
 * (ignored), or nothing. */
static void branch_prefixes(G *g)
{
    g->norex = false;
    unsigned r = rn(g, 10);
    prefixes(g, false, 0, r == 0 ? 2 : 8, false, 0, r == 1 ? REX_W : 0,
             false);
}

/* Jcc JMP LOOP JRCXZ CALL RET, all forward inside the stream */
static void gen_branch(G *g)
{
    unsigned kind = rn(g, 9);
    unsigned group = g->group;
    unsigned at;
    maybe_flags(g, 30);
    switch (kind) {
    case 0: /* Jcc rel8 */
    case 1: /* JMP rel8 */
        ins_begin(g);
        branch_prefixes(g);
        byte(g, kind == 0 ? (uint8_t)(0x70 + rn(g, 16)) : 0xeb);
        at = g->s->len;
        byte(g, 0);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, 1);
        break;
    case 2: /* Jcc rel32 */
    case 3: /* JMP rel32 */
        ins_begin(g);
        branch_prefixes(g);
        if (kind == 2) {
            byte(g, 0x0f);
            byte(g, (uint8_t)(0x80 + rn(g, 16)));
        } else {
            byte(g, 0xe9);
        }
        at = g->s->len;
        imm(g, 0, 4);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, 4);
        break;
    case 4: { /* LOOP LOOPE LOOPNE JRCXZ (ECX with 67) */
        bool a32 = chance(g, 20);
        g->norex = false;
        if (chance(g, 60)) {
            uint64_t c = chance(g, 50) ? rn(g, 3) : interesting(g, 8);
            set_reg(g, DT_ECX, a32 ? 4 : 8, a32 ? (uint32_t)c : c);
        }
        ins_begin(g);
        prefixes(g, false, 0, 8, a32, 0, chance(g, 10) ? REX_W : 0, false);
        byte(g, (uint8_t)(0xe0 + rn(g, 4)));
        at = g->s->len;
        byte(g, 0);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, 1);
        break;
    }
    case 5: /* CALL rel32 */
        ins_begin(g);
        branch_prefixes(g);
        byte(g, 0xe8);
        at = g->s->len;
        imm(g, 0, 4);
        ins_end(g);
        if (chance(g, 50)) {
            gen_item(g, false);
        }
        patch_rel(g, at, 4);
        break;
    case 6:
    case 7: { /* CALL/JMP r/m64 to the end of the branch itself */
        bool call = kind == 6;
        unsigned setup_at;
        bool in_mem = chance(g, 40);
        Ea e;
        g->norex = false;
        if (in_mem) {
            uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 8);
            set_mem(g, addr, 4, 0);
            setup_at = g->s->len - 4;
            set_mem(g, addr + 4, 4, 0);
            e = mem_at(g, addr, 0);
        } else {
            unsigned r = pick_reg(g, 8, true);
            if (r == RSP) {
                r = DT_EAX;
            }
            setup_at = set_reg64_at(g, r, 0, true);
            e = reg_E(r);
        }
        static const uint8_t opc = 0xff;
        ins_begin(g);
        op_E(g, &e, call ? 2 : 4, chance(g, 10) ? 2 : 8, false, &opc, 1,
             false);
        ins_end(g);
        uint64_t target = here(g);
        for (unsigned i = 0; i < 4; i++) {
            patch8(g, setup_at + i, (uint8_t)(target >> (8 * i)));
        }
        break;
    }
    default: { /* PUSH target; RET [imm16] */
        bool with_imm = chance(g, 30);
        uint32_t n = with_imm ? (chance(g, 50) ? rn(g, 16) : rn(g, 0x10000))
                              : 0;
        g->norex = false;
        ins_begin(g);
        byte(g, 0x68);
        at = g->s->len;
        imm(g, 0, 4);
        setup_end(g);
        ins_begin(g);
        branch_prefixes(g);
        byte(g, with_imm ? 0xc2 : 0xc3);
        if (with_imm) {
            imm(g, n, 2);
        }
        ins_end(g);
        uint64_t target = here(g);
        for (unsigned i = 0; i < 4; i++) {
            patch8(g, at + i, (uint8_t)(target >> (8 * i)));
        }
        break;
    }
    }
    g->group = group;
}

/* Redundant, ignored and overridden prefixes on ordinary instructions. */
static void gen_prefix(G *g)
{
    unsigned gr = pick_reg(g, 8, true);
    g->norex = false;
    Ea e = pick_E(g, 8, E_REG | E_MEM | E_NOSEG | E_NOA32);
    unsigned op = rn(g, 8);
    unsigned form = rn(g, 6);
    unsigned rex = e.rex | (gr >= 8 ? REX_R : 0);
    maybe_value(g, gr, 8, 30);
    ins_begin(g);
    switch (form) {
    case 0: /* a REX followed by another prefix is ignored */
        byte(g, (uint8_t)(0x40 | rn(g, 16)));
        byte(g, chance(g, 50) ? 0x66 : ignored_seg(g));
        if (chance(g, 50)) {
            byte(g, (uint8_t)(0x40 | rex | (chance(g, 50) ? REX_W : 0)));
        } else if (rex) {
            byte(g, (uint8_t)(0x40 | rex));
        }
        break;
    case 1: /* two REX prefixes: the last counts */
        byte(g, (uint8_t)(0x40 | rn(g, 16)));
        byte(g, (uint8_t)(0x40 | rex | (chance(g, 50) ? REX_W : 0)));
        break;
    case 2: /* 66 with REX.W: W wins */
        byte(g, 0x66);
        byte(g, (uint8_t)(0x48 | rex));
        break;
    case 3: /* ignored segment prefixes, and GS then one of them */
        for (unsigned i = 1 + rn(g, 3); i > 0; i--) {
            byte(g, ignored_seg(g));
        }
        if (rex || chance(g, 50)) {
            byte(g, (uint8_t)(0x40 | rex | (chance(g, 50) ? REX_W : 0)));
        }
        break;
    case 4: /* F2/F3 on an ALU op, REX.W */
        byte(g, chance(g, 50) ? 0xf2 : 0xf3);
        byte(g, (uint8_t)(0x48 | rex));
        break;
    default: /* up to four redundant 66/segment prefixes */
        for (unsigned i = 1 + rn(g, 4); i > 0; i--) {
            byte(g, chance(g, 30) ? 0x66 : ignored_seg(g));
        }
        byte(g, (uint8_t)(0x40 | rex | (chance(g, 70) ? REX_W : 0)));
        break;
    }
    byte(g, (uint8_t)(op * 8 + 3)); /* op Gv, Ev */
    modrm(g, &e, gr);
    ins_end(g);
}

/* Instructions that end the stream with an exception (or do not: INT1,
 * a passing INT 4 is still a trap), and encodings to check #UD on. */
static void gen_fault(G *g)
{
    /* Gone in 64-bit mode (not C4/C5/62: VEX and EVEX on the host). */
    static const uint8_t ud64[] = {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f,
                                   0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0xce,
                                   0xd4, 0xd5, 0xd6};
    static const uint8_t ud_0f[] = {0x04, 0x0a, 0x0c, 0x0e, 0x0f, 0x24, 0x25,
                                    0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c,
                                    0x3d, 0x3e, 0x3f, 0x0b, 0xa6, 0xa7,
                                    0xaa, 0xff, 0xb9};
    unsigned kind = rn(g, 12);
    g->norex = false;
    switch (kind) {
    case 0: /* the opcodes 64-bit mode dropped */
        ins_begin(g);
        if (chance(g, 20)) {
            byte(g, 0x48);
        }
        byte(g, ud64[rn(g, sizeof(ud64))]);
        byte(g, 0x0a);
        ins_end(g);
        break;
    case 1: /* 82, EA/9A far pointers */
        ins_begin(g);
        switch (rn(g, 3)) {
        case 0:
            byte(g, 0x82);
            byte(g, (uint8_t)(0xc0 | rn(g, 64)));
            byte(g, 1);
            break;
        default:
            byte(g, chance(g, 50) ? 0xea : 0x9a);
            imm(g, rnd(g), 6);
            break;
        }
        ins_end(g);
        break;
    case 2: { /* a non-canonical memory operand: #GP, #SS via RSP/RBP */
        uint64_t addr = chance(g, 50)
                            ? 0x0000800000000000ULL + rn(g, 0x1000)
                            : 0xffff800000000000ULL - 1 - rn(g, 0x1000);
        if (chance(g, 40)) {
            /* Through RBP: the stack segment. */
            set_reg64(g, RBP, addr);
            Ea e;
            memset(&e, 0, sizeof(e));
            e.mem = true;
            e.mod = 1;
            e.rm = RBP;
            e.disp = rn(g, 8);
            e.disp_size = 1;
            static const uint8_t opc = 0x8b;
            ins_begin(g);
            op_E(g, &e, pick_reg(g, 8, true), 8, false, &opc, 1, false);
        } else {
            Ea e = mem_at(g, addr, 0);
            static const uint8_t opc = 0x8b;
            ins_begin(g);
            op_E(g, &e, pick_reg(g, 8, true), 8, false, &opc, 1, false);
        }
        ins_end(g);
        break;
    }
    case 3: { /* a non-canonical stack: PUSH/POP/CALL raise #SS(0) */
        uint64_t sp = chance(g, 50) ? 0x0000800000000008ULL + 8 * rn(g, 4)
                                    : 0xffff800000000000ULL - 8 * rn(g, 4);
        set_reg64(g, RSP, sp);
        ins_begin(g);
        switch (rn(g, 3)) {
        case 0: byte(g, 0x50); break;
        case 1: byte(g, 0x58); break;
        default: byte(g, 0xe8); imm(g, 0, 4); break;
        }
        ins_end(g);
        break;
    }
    case 4: { /* a branch to a non-canonical target: #GP at the branch */
        uint64_t t = 0x0000800000000000ULL + rn(g, 0x100);
        unsigned r = 1 + rn(g, 3);
        set_reg64(g, r, t);
        ins_begin(g);
        switch (rn(g, 3)) {
        case 0: /* JMP r */
            byte(g, 0xff);
            byte(g, (uint8_t)(0xe0 | r));
            break;
        case 1: /* CALL r */
            byte(g, 0xff);
            byte(g, (uint8_t)(0xd0 | r));
            break;
        default: /* PUSH r; RET */
            byte(g, (uint8_t)(0x50 + r));
            setup_end(g);
            ins_begin(g);
            byte(g, 0xc3);
            break;
        }
        ins_end(g);
        break;
    }
    case 5: /* INT1, INT3, INT 3, INT 4 */
        maybe_flags(g, 60);
        ins_begin(g);
        switch (rn(g, 4)) {
        case 0: byte(g, 0xf1); break;
        case 1: byte(g, 0xcc); break;
        default:
            byte(g, 0xcd);
            byte(g, (uint8_t)(3 + rn(g, 2)));
            break;
        }
        ins_end(g);
        break;
    case 6: { /* undefined 0F xx */
        uint8_t op = ud_0f[rn(g, sizeof(ud_0f))];
        ins_begin(g);
        if (chance(g, 30)) {
            byte(g, (uint8_t)(0x40 | rn(g, 16)));
        }
        byte(g, 0x0f);
        byte(g, op);
        if (op == 0xb9 || op == 0xff) {
            byte(g, (uint8_t)(0xc0 | rn(g, 64)));
        }
        ins_end(g);
        break;
    }
    case 7: { /* LOCK where it is not allowed */
        Ea e = pick_E(g, 8, E_REG | E_MEM);
        static const uint8_t ops[] = {0x89, 0x39, 0x85, 0x8b};
        uint8_t opc = ops[rn(g, 4)];
        ins_begin(g);
        op_E(g, &e, rn(g, 16), 8, true, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 8: { /* too long: more than 15 bytes */
        unsigned n = 10 + rn(g, 5);
        ins_begin(g);
        for (unsigned i = 0; i < n; i++) {
            static const uint8_t pfx[] = {0x3e, 0x26, 0x36, 0x66, 0x67};
            byte(g, pfx[rn(g, 5)]);
        }
        byte(g, 0x48);
        byte(g, 0x81);
        byte(g, 0xc0);
        imm(g, 0, 4);
        ins_end(g);
        break;
    }
    case 9: { /* privileged at CPL 3: #GP(0) */
        static const uint8_t priv[][3] = {
            {0x0f, 0x20, 0xc0}, /* MOV RAX, CR0 */
            {0x0f, 0x22, 0xd8}, /* MOV CR3, RAX */
            {0x0f, 0x21, 0xc0}, /* MOV RAX, DR0 */
            {0x0f, 0x06, 0x90}, /* CLTS */
            {0x0f, 0x30, 0x90}, /* WRMSR */
            {0x0f, 0x32, 0x90}, /* RDMSR */
            {0x0f, 0x07, 0x90}, /* SYSRET */
            {0x0f, 0x01, 0xf8}, /* SWAPGS */
            {0x0f, 0x09, 0x90}, /* WBINVD */
            {0xf4, 0x90, 0x90}, /* HLT */
            {0xfa, 0x90, 0x90}, /* CLI */
            {0xfb, 0x90, 0x90}, /* STI */
        };
        unsigned i = rn(g, sizeof(priv) / sizeof(priv[0]));
        ins_begin(g);
        if (i == 6 && chance(g, 50)) {
            byte(g, 0x48); /* SYSRETQ */
        }
        unsigned len = priv[i][0] == 0x0f ? (priv[i][2] == 0x90 ? 2 : 3) : 1;
        for (unsigned k = 0; k < len; k++) {
            byte(g, priv[i][k]);
        }
        ins_end(g);
        break;
    }
    case 10: /* CMPXCHG16B misaligned, and UD2 */
        if (chance(g, 50)) {
            ins_begin(g);
            byte(g, 0x0f);
            byte(g, 0x0b);
        } else {
            uint64_t addr = (g->lay->sbx_base + rn(g, DT_SBX_SIZE / 2)) | 8;
            Ea e = mem_at(g, addr, E_NOSEG | E_NOA32);
            static const uint8_t opc[2] = {0x0f, 0xc7};
            ins_begin(g);
            op_E(g, &e, 1, 8, false, opc, 2, false);
        }
        ins_end(g);
        break;
    default: { /* register forms of memory-only instructions */
        static const uint8_t ops[] = {0xb2, 0xb4, 0xb5};
        ins_begin(g);
        if (chance(g, 40)) {
            byte(g, 0x48);
            byte(g, 0x8d);
        } else {
            byte(g, 0x0f);
            byte(g, ops[rn(g, 3)]);
        }
        byte(g, (uint8_t)(0xc0 | rn(g, 64)));
        ins_end(g);
        break;
    }
    }
}

/* A few instructions for compatibility mode after a far transfer there:
 * INC/DEC r32 (REX prefixes in 64-bit mode), MOV r32, imm32, ALU r32, r32,
 * PUSH/POP r32 (ESP not a destination). */
static void compat_body(G *g)
{
    for (unsigned n = rn(g, 5); n > 0; n--) {
        unsigned r = rn(g, 8);
        if (r == RSP) {
            r = DT_EAX;
        }
        ins_begin(g);
        switch (rn(g, 4)) {
        case 0:
            byte(g, (uint8_t)(0x40 + 8 * rn(g, 2) + r)); /* INC/DEC r32 */
            break;
        case 1:
            byte(g, (uint8_t)(0xb8 + r));
            imm(g, interesting(g, 4), 4);
            break;
        case 2:
            byte(g, (uint8_t)(8 * rn(g, 8) + 1));         /* op r/m32, r32 */
            byte(g, (uint8_t)(0xc0 | rn(g, 8) << 3 | r));
            break;
        default:
            byte(g, (uint8_t)(0x50 + rn(g, 8)));
            ins_end(g);
            ins_begin(g);
            byte(g, (uint8_t)(0x58 + r));
            break;
        }
        ins_end(g);
    }
}

/* Patch a 4-byte absolute address at @at to here. */
static void patch_here32(G *g, unsigned at)
{
    uint64_t t = here(g);
    for (unsigned i = 0; i < 4; i++) {
        patch8(g, at + i, (uint8_t)(t >> (8 * i)));
    }
}

/* Back from compatibility mode to 64-bit code right after: JMP far
 * ptr16:32, or PUSH CS:EIP and a 32-bit RETF. */
static void compat_return(G *g)
{
    unsigned at;
    ins_begin(g);
    if (chance(g, 50)) {
        byte(g, 0xea);
        at = g->s->len;
        imm(g, 0, 4);
        imm(g, DT_SEL_CODE64, 2);
        ins_end(g);
    } else {
        byte(g, 0x6a);
        byte(g, DT_SEL_CODE64);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x68);
        at = g->s->len;
        imm(g, 0, 4);
        ins_end(g);
        ins_begin(g);
        byte(g, 0xcb);
        ins_end(g);
    }
    patch_here32(g, at);
}

/* A selector for segment loads and the descriptor instructions: the host
 * GDT's user segments (23 2B 33) and null mostly, else any other GDT
 * selector (empty or kernel-only there, empty in pcvm's copy; not 78-7F,
 * the per-CPU CPUNODE segment, nor LDT selectors, which differ). */
static uint16_t pick_sel(G *g)
{
    static const uint16_t common[] = {0, DT_SEL_CODE32, DT_SEL_DATA32,
                                      DT_SEL_CODE64, 0x2b, 0x28, 0x30};
    if (chance(g, 70)) {
        return common[rn(g, sizeof(common) / sizeof(common[0]))];
    }
    uint16_t sel = (uint16_t)(rn(g, 0x200) & ~4u);
    if (sel < 4) {
        /* A null selector with an RPL would lose it at the host kernel's
         * next IRET to user mode (every single step). */
        return 0;
    }
    return (sel & 0xfff8) == 0x78 ? 0x20 | (sel & 3) : sel;
}

/* Far JMP/CALL/RET, IRETQ (to compatibility mode and back), MOV Sreg,
 * LAR LSL VERR VERW: the long-mode segment machinery at CPL 3. */
static void gen_far(G *g)
{
    unsigned at;
    g->norex = false;
    switch (rn(g, 8)) {
    case 0: /* RETFQ to compatibility mode, and back */
        ins_begin(g);
        byte(g, 0x6a);
        byte(g, DT_SEL_CODE32);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x68);
        at = g->s->len;
        imm(g, 0, 4);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x48);
        byte(g, 0xcb);
        ins_end(g);
        patch_here32(g, at);
        compat_body(g);
        compat_return(g);
        break;
    case 1: { /* CALL far m16:64 or m16:32 within 64-bit code, RETF back */
        bool q = chance(g, 60);
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        set_mem(g, addr, 4, 0);
        unsigned off_at = g->s->len - 4;
        if (q) {
            set_mem(g, addr + 4, 4, 0);
        }
        set_mem(g, addr + (q ? 8 : 4), 2, DT_SEL_CODE64);
        Ea e = mem_at(g, addr, 0);
        static const uint8_t opc = 0xff;
        ins_begin(g);
        op_E(g, &e, 3, q ? 8 : 4, false, &opc, 1, false);
        ins_end(g);
        ins_begin(g);
        byte(g, 0xeb);                  /* JMP over the callee */
        at = g->s->len;
        byte(g, 0);
        ins_end(g);
        patch_here32(g, off_at);
        ins_begin(g);
        if (q) {
            byte(g, 0x48);
        }
        byte(g, 0xcb);                  /* RETF(Q) */
        ins_end(g);
        patch8(g, at, (uint8_t)(g->s->len - at - 1));
        break;
    }
    case 2: { /* JMP far m16:64 / m16:32 to the next instruction */
        bool q = chance(g, 60);
        bool to32 = chance(g, 30);
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        set_mem(g, addr, 4, 0);
        unsigned off_at = g->s->len - 4;
        if (q) {
            set_mem(g, addr + 4, 4, 0);
        }
        set_mem(g, addr + (q ? 8 : 4), 2,
                to32 ? DT_SEL_CODE32 : DT_SEL_CODE64);
        Ea e = mem_at(g, addr, 0);
        static const uint8_t opc = 0xff;
        ins_begin(g);
        op_E(g, &e, 5, q ? 8 : 4, false, &opc, 1, false);
        ins_end(g);
        patch_here32(g, off_at);
        if (to32) {
            compat_body(g);
            compat_return(g);
        }
        break;
    }
    case 3: { /* a far transfer to a selector that is not code */
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        uint16_t sel = pick_sel(g);
        if ((sel & 0xfff8) == 0x20 || (sel & 0xfff8) == 0x30) {
            sel = DT_SEL_DATA32; /* not the code segments */
        }
        set_mem(g, addr, 4, g->lay->code_base);
        set_mem(g, addr + 4, 2, sel);
        Ea e = mem_at(g, addr, 0);
        static const uint8_t opc = 0xff;
        ins_begin(g);
        op_E(g, &e, chance(g, 50) ? 3 : 5, 4, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    case 4: { /* IRETQ at CPL 3: 64-bit or compatibility-mode code */
        bool to32 = chance(g, 40);
        /* Not AC: an IRETQ that loads AC and then pops a misaligned RSP
         * raises #AC with AC clear in the pushed flags, which Linux takes
         * for a split lock and retries forever. */
        uint32_t f = (random_flags(g) | ((uint32_t)rnd(g) & 0x3000u)) &
                     ~DT_FL_AC;
        /* MOV R11, RSP; then the frame SS, RSP, RFLAGS, CS, RIP. */
        g->avoid |= 1u << DT_R11;
        ins_begin(g);
        byte(g, 0x49);
        byte(g, 0x89);
        byte(g, 0xe3);
        setup_end(g);
        ins_begin(g);
        byte(g, 0x6a);
        byte(g, DT_SEL_DATA32);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x41);
        byte(g, 0x53);                  /* PUSH R11 */
        ins_end(g);
        ins_begin(g);
        byte(g, 0x68);
        imm(g, f, 4);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x6a);
        byte(g, to32 ? DT_SEL_CODE32 : DT_SEL_CODE64);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x68);
        at = g->s->len;
        imm(g, 0, 4);
        ins_end(g);
        ins_begin(g);
        byte(g, 0x48);
        byte(g, 0xcf);
        ins_end(g);
        patch_here32(g, at);
        if (to32) {
            compat_body(g);
            compat_return(g);
        }
        break;
    }
    case 5: { /* MOV DS/ES/SS, r/m16 (SS holds off the single-step trap) */
        static const uint8_t sregs[] = {0, 2, 3};
        uint16_t sel = pick_sel(g);
        unsigned sr = sregs[rn(g, 3)];
        Ea e;
        if (chance(g, 30)) {
            uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 2);
            set_mem(g, addr, 2, sel);
            e = mem_at(g, addr, 0);
        } else {
            unsigned r = pick_reg(g, 2, true);
            set_reg(g, r, 2, sel);
            e = reg_E(r);
        }
        static const uint8_t opc = 0x8e;
        ins_begin(g);
        op_E(g, &e, sr, chance(g, 20) ? 8 : 4, false, &opc, 1, false);
        ins_end(g);
        break;
    }
    default: { /* LAR LSL VERR VERW */
        uint16_t sel = pick_sel(g);
        unsigned k = rn(g, 4);
        unsigned r = pick_reg(g, 2, true);
        Ea e;
        if (chance(g, 30)) {
            uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 2);
            set_mem(g, addr, 2, sel);
            e = mem_at(g, addr, 0);
        } else {
            set_reg(g, r, 2, sel);
            e = reg_E(r);
        }
        maybe_flags(g, 30);
        ins_begin(g);
        if (k < 2) {
            uint8_t opc[2] = {0x0f, (uint8_t)(0x02 + k)};
            unsigned os = chance(g, 20) ? 2 : chance(g, 50) ? 4 : 8;
            op_E(g, &e, pick_reg(g, os, true), os, false, opc, 2, false);
        } else {
            static const uint8_t opc[2] = {0x0f, 0x00};
            op_E(g, &e, k + 2, 4, false, opc, 2, false); /* /4 /5 */
        }
        ins_end(g);
        break;
    }
    }
}

typedef void GenFn(G *g);

static const struct {
    const char *name;
    GenFn *gen;
} gen64_groups[] = {
    {"alu", gen_alu},       {"muldiv", gen_muldiv}, {"shift", gen_shift},
    {"bit", gen_bit},       {"move", gen_move},     {"stack", gen_stack},
    {"string", gen_string}, {"atomic", gen_atomic}, {"branch", gen_branch},
    {"prefix", gen_prefix}, {"fault", gen_fault},     {"far", gen_far},
    {"ssefp", gen64_ssefp}, {"ssecvt", gen64_ssecvt},
    {"ssemov", gen64_ssemov}, {"sseint", gen64_sseint},
};

/* The 64-bit generator of group @i of dt_groups, or NULL. */
static GenFn *gen_of(unsigned i)
{
    for (size_t k = 0; k < sizeof(gen64_groups) / sizeof(gen64_groups[0]);
         k++) {
        if (!strcmp(gen64_groups[k].name, dt_groups[i].name)) {
            return gen64_groups[k].gen;
        }
    }
    return NULL;
}

static bool usable(const G *g, unsigned i, bool allow_branch)
{
    GenFn *f = gen_of(i);
    return ((g->group_mask >> i) & 1) && f &&
           (allow_branch || f != gen_branch) &&
           (g->depth == 0 || f != gen_fault);
}

static void gen_item(G *g, bool allow_branch)
{
    unsigned total = 0;
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (usable(g, i, allow_branch)) {
            total += dt_groups[i].weight;
        }
    }
    if (total == 0) {
        return;
    }
    uint32_t pick = rn(g, total);
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (!usable(g, i, allow_branch)) {
            continue;
        }
        if (pick < dt_groups[i].weight) {
            bool norex = g->norex;
            g->group = i;
            g->avoid = 0;
            g->norex = false;
            g->depth++;
            gen_of(i)(g);
            g->depth--;
            g->norex = norex;
            return;
        }
        pick -= dt_groups[i].weight;
    }
}

void dt_gen_stream64(DtStream *s, const DtLayout *lay, uint64_t seed,
                     uint64_t index, uint64_t group_mask, unsigned ninsn)
{
    G gen;
    G *g = &gen;
    memset(g, 0, sizeof(*g));
    g->rng = mix64(seed * 0x9e3779b97f4a7c15ULL + index + 0x64);
    g->lay = lay;
    g->s = s;
    g->group_mask = group_mask;
    g->limit = DT_CODE_SIZE - 512;
    g->rip_at = -1;
    s->bits = 64;
    s->len = 0;
    s->ninsn = 0;
    s->mem_seed = rnd(g);
    memset(s->code, 0xf4, DT_CODE_SIZE);
    if (chance(g, 5)) {
        /* Run into the end of the code (and the no-execute sandbox). */
        s->len = DT_CODE_SIZE - 320 - rn(g, 256);
        g->limit = DT_CODE_SIZE;
    }
    unsigned start = s->len;
    memset(&s->init, 0, sizeof(s->init));
    for (int r = 0; r < 16; r++) {
        s->init.r[r] = interesting(g, 8);
    }
    uint64_t sp = lay->stack_lo + rn(g, lay->stack_hi - lay->stack_lo);
    if (chance(g, 90)) {
        sp &= ~7ULL;
    }
    s->init.r[RSP] = sp;
    s->init.eflags = random_flags(g);
    dt_fpu_default(&s->init.fpu);
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (((group_mask >> i) & 1) && dt_groups[i].sse) {
            gen64_sse_init(g);
            break;
        }
    }
    s->init.eip = lay->code_base + start;
    if (ninsn > DT_MAX_INSNS - 64) {
        ninsn = DT_MAX_INSNS - 64;
    }
    while (s->ninsn < ninsn && s->len < g->limit) {
        gen_item(g, true);
    }
}

/* --- for the other 64-bit group files (gen64.h) --- */

uint64_t g64_rnd(Gen64 *g)
{
    return rnd(g);
}

uint32_t g64_rn(Gen64 *g, uint32_t n)
{
    return rn(g, n);
}

bool g64_chance(Gen64 *g, unsigned percent)
{
    return chance(g, percent);
}

uint64_t g64_interesting(Gen64 *g, unsigned size)
{
    return interesting(g, size);
}

void g64_byte(Gen64 *g, uint8_t b)
{
    byte(g, b);
}

void g64_ins_begin(Gen64 *g)
{
    ins_begin(g);
}

void g64_ins_end(Gen64 *g)
{
    ins_end(g);
}

void g64_setup_end(Gen64 *g)
{
    setup_end(g);
}

void g64_prefixes(Gen64 *g, bool lock, uint8_t seg, unsigned os, bool a32,
                  uint8_t rep, unsigned rex, bool want_rex)
{
    prefixes(g, lock, seg, os, a32, rep, rex, want_rex);
}

void g64_set_reg(Gen64 *g, unsigned r, unsigned size, uint64_t v)
{
    set_reg(g, r, size, v);
}

void g64_set_mem(Gen64 *g, uint64_t addr, unsigned size, uint64_t v)
{
    set_mem(g, addr, size, v);
}

bool g64_in_sandbox(const Gen64 *g, uint64_t addr, unsigned size)
{
    return in_sandbox(g, addr, size);
}

void g64_maybe_flags(Gen64 *g, unsigned percent)
{
    maybe_flags(g, percent);
}

uint64_t g64_pick_addr(Gen64 *g, unsigned size)
{
    return pick_addr(g, size);
}

unsigned g64_pick_reg(Gen64 *g, unsigned size, bool dst)
{
    return pick_reg(g, size, dst);
}

Ea64 g64_mem_at(Gen64 *g, uint64_t addr, unsigned flags)
{
    return mem_at(g, addr, flags);
}

Ea64 g64_reg_E(unsigned r)
{
    return reg_E(r);
}

Ea64 g64_pick_E(Gen64 *g, unsigned size, unsigned flags)
{
    return pick_E(g, size, flags);
}

void g64_modrm(Gen64 *g, const Ea64 *e, unsigned regf)
{
    modrm(g, e, regf);
}
