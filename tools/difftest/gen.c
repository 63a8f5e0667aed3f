/*
 * The stream generator: seeded random 32-bit user-mode code from the
 * integer instruction groups, with every memory operand pointed into the
 * sandbox (mostly: a few go astray on purpose, to compare page faults) and
 * every branch kept inside the stream.
 *
 * A group is one entry in dt_groups: a function that emits one item. An
 * item is the instruction under test, preceded by setup instructions
 * (MOV reg, imm; MOV [mem], imm; PUSH imm + POPFD) that make its operands
 * interesting or valid. Setup instructions are compared like any other.
 * Later groups (x87, MMX, SSE) add their own entry and generator file.
 */
#include "tools/difftest/gen.h"

#include <string.h>


/* --- random numbers (vals.c) --- */

static uint64_t mix64(uint64_t z)
{
    return dt_mix64(z);
}

uint64_t rnd(DtGen *g)
{
    return dt_rnd(&g->rng);
}

uint32_t rn(DtGen *g, uint32_t n)
{
    return dt_rn(&g->rng, n);
}

bool chance(DtGen *g, unsigned percent)
{
    return dt_chance(&g->rng, percent);
}

/* Operand size for prefixes(): bytes for 2 and 4, 0 for byte operands
 * (no prefix). */
static unsigned osz(unsigned size)
{
    return size == 1 ? 0 : size;
}

/* The mode's default operand size, or the other one with @pct percent. */
static unsigned pick_os(DtGen *g, unsigned pct)
{
    bool other = chance(g, pct);
    return g->def32 != other ? 4 : 2;
}

/* A value likely to find edge cases. */
uint32_t interesting(DtGen *g, unsigned size)
{
    return dt_interesting32(&g->rng, size);
}

/* --- emitting --- */

void byte(DtGen *g, uint8_t b)
{
    DtStream *s = g->s;
    if (s->len < DT_CODE_SIZE) {
        s->code[s->len++] = b;
    }
}

/* Rewrite an emitted byte (a branch displacement, a target); bytes cut
 * off at the end of the code are gone. */
static void patch8(DtGen *g, unsigned at, uint8_t b)
{
    if (at < g->s->len) {
        g->s->code[at] = b;
    }
}

void imm(DtGen *g, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        byte(g, (uint8_t)(v >> (8 * i)));
    }
}

void ins_begin(DtGen *g)
{
    g->start = g->s->len;
    g->flag_mask = 0;
    g->reg_mask = 0;
    g->fpu_tol = 0;
}

static void ins_record(DtGen *g, unsigned group)
{
    DtStream *s = g->s;
    if (s->ninsn >= DT_MAX_INSNS || s->len == g->start) {
        return;
    }
    DtInsn *in = &s->insn[s->ninsn++];
    in->off = (uint16_t)g->start;
    in->len = (uint8_t)(s->len - g->start);
    in->group = (uint8_t)group;
    in->flag_mask = g->flag_mask;
    in->reg_mask = g->reg_mask;
    in->fpu_tol = g->fpu_tol;
}

void ins_end(DtGen *g)
{
    ins_record(g, g->group);
}

void setup_end(DtGen *g)
{
    ins_record(g, DT_GROUP_SETUP);
}

/* The offset in CS of the next byte emitted. */
static uint32_t here(const DtGen *g)
{
    return g->lay->code_base + g->s->len - g->cs_base;
}

/* Prefixes in random order; @rep is 0, 0xf2 or 0xf3. @os and @as are
 * the operand and address sizes wanted (2 or 4; 0: the instruction does
 * not care): 66 and 67 are emitted where they differ from the mode's
 * default. */
void prefixes(DtGen *g, bool lock, uint8_t seg, unsigned os,
              unsigned as, uint8_t rep)
{
    uint8_t p[8];
    unsigned n = 0;
    unsigned def = g->def32 ? 4 : 2;
    if (lock) {
        p[n++] = 0xf0;
    }
    if (seg) {
        p[n++] = seg;
    }
    if (os && os != def) {
        p[n++] = 0x66;
    }
    if (as && as != def) {
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
}

/* --- setup instructions --- */

/* MOV r, imm of @size (2 or 4); returns the offset of the immediate. */
static unsigned mov_reg_imm(DtGen *g, unsigned r, unsigned size, uint32_t v)
{
    g->avoid |= (uint8_t)(1u << r);
    ins_begin(g);
    prefixes(g, false, 0, size, 0, 0);
    byte(g, (uint8_t)(0xb8 + r));
    unsigned at = g->s->len;
    imm(g, v, size);
    setup_end(g);
    return at;
}

void set_reg32(DtGen *g, unsigned r, uint32_t v)
{
    mov_reg_imm(g, r, 4, v);
}

static void set_reg16(DtGen *g, unsigned r, uint32_t v)
{
    mov_reg_imm(g, r, 2, v);
}

/* Byte registers: 0-3 AL CL DL BL, 4-7 AH CH DH BH. */
static void set_reg8(DtGen *g, unsigned r, uint32_t v)
{
    g->avoid |= (uint8_t)(1u << (r & 3));
    ins_begin(g);
    byte(g, 0xb0 + r);
    imm(g, v, 1);
    setup_end(g);
}

static void set_reg(DtGen *g, unsigned r, unsigned size, uint32_t v)
{
    if (size == 1) {
        set_reg8(g, r, v);
    } else if (size == 2) {
        set_reg16(g, r, v);
    } else {
        set_reg32(g, r, v);
    }
}

/* An absolute address operand: [disp16] when it fits in 16-bit code,
 * else [disp32]. Emits the prefixes and opcode @op with ModRM.reg @regf. */
static void abs_operand(DtGen *g, uint8_t op, unsigned regf, uint32_t addr,
                        unsigned os)
{
    bool a16 = !g->def32 && addr < 0x10000;
    prefixes(g, false, 0, os, a16 ? 2 : 4, 0);
    byte(g, op);
    byte(g, (uint8_t)((regf & 7) << 3 | (a16 ? 6 : 5)));
    imm(g, addr, a16 ? 2 : 4);
}

/* MOV [abs], imm of @size; returns the offset of the immediate. */
static unsigned mov_mem_imm(DtGen *g, uint32_t addr, unsigned size,
                            uint32_t v)
{
    ins_begin(g);
    abs_operand(g, size == 1 ? 0xc6 : 0xc7, 0, addr, osz(size));
    unsigned at = g->s->len;
    imm(g, v, size);
    setup_end(g);
    return at;
}

void set_mem(DtGen *g, uint32_t addr, unsigned size, uint32_t v)
{
    mov_mem_imm(g, addr, size, v);
}

/* MOV r, [abs] of @size (a setup load). */
static void load_reg(DtGen *g, unsigned r, uint32_t addr, unsigned size)
{
    g->avoid |= (uint8_t)(1u << (size == 1 ? r & 3 : r));
    ins_begin(g);
    abs_operand(g, size == 1 ? 0x8a : 0x8b, r, addr, osz(size));
    setup_end(g);
}

/* EFLAGS for a POPF: keeps TF (the runners single-step) and IF, and
 * now and then sets AC (CR0.AM is on: misaligned accesses raise #AC). */
static uint32_t random_flags(DtGen *g)
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

static void set_flags(DtGen *g)
{
    ins_begin(g);
    prefixes(g, false, 0, 4, 0, 0);
    byte(g, 0x68);
    imm(g, random_flags(g), 4);
    setup_end(g);
    ins_begin(g);
    prefixes(g, false, 0, 4, 0, 0);
    byte(g, 0x9d);
    setup_end(g);
}

void maybe_flags(DtGen *g, unsigned percent)
{
    if (chance(g, percent)) {
        set_flags(g);
    }
}

/* --- operands --- */


static unsigned pick_size(DtGen *g, bool allow_byte)
{
    unsigned r = rn(g, allow_byte ? 4 : 3);
    return r == 0 ? 2 : r == 3 ? 1 : 4;
}

/* A general register for an operand of @size; @dst avoids ESP. */
unsigned pick_reg(DtGen *g, unsigned size, bool dst)
{
    for (;;) {
        unsigned r = rn(g, 8);
        if (size == 1 || r != DT_ESP || !dst || chance(g, 2)) {
            return r;
        }
    }
}

static void maybe_value(DtGen *g, unsigned r, unsigned size, unsigned pct)
{
    if (chance(g, pct) && (size == 1 || r != DT_ESP)) {
        set_reg(g, r, size, interesting(g, size));
    }
}

/* A target address for a memory access of @size bytes. */
uint32_t pick_addr(DtGen *g, unsigned size)
{
    const DtLayout *lay = g->lay;
    uint32_t sbx = lay->sbx_base;
    /* Where the data segments reach: all the sandbox, or its part below
     * 64 KiB for 16-bit segments. */
    uint32_t end = sbx + DT_SBX_SIZE;
    if (end - 1 > g->data_limit) {
        end = g->data_limit + 1;
    }
    unsigned r = rn(g, 100);
    if (r < 82) {
        return sbx + rn(g, end - sbx - size + 1);
    }
    if (r < 92) {
        /* Across a page boundary inside the sandbox. */
        uint32_t page = sbx + DT_PAGE * (1 + rn(g, (end - sbx) / DT_PAGE - 1));
        return page - 1 - rn(g, size);
    }
    if (r < 95) {
        /* Over the end of the sandbox, or of the segment. */
        return end - rn(g, size) - 1;
    }
    if (r < 97) {
        /* The code: readable, not writable. */
        return lay->code_base + rn(g, DT_CODE_SIZE - size);
    }
    if (r < 98) {
        return rn(g, DT_PAGE);
    }
    return (uint32_t)rnd(g);
}

static uint8_t pick_seg(DtGen *g, unsigned flags)
{
    static const uint8_t segs[] = {0x26, 0x36, 0x3e, 0x2e};
    if ((flags & E_NOSEG) || !chance(g, 12)) {
        return 0;
    }
    /* CS: reads work, writes raise #GP. */
    unsigned n = (flags & E_DST) && !chance(g, 10) ? 3 : 4;
    return segs[rn(g, n)];
}

/* 16-bit addressing aimed at @want (a 16-bit offset). */
static void ea16(DtGen *g, Ea *e, uint32_t want)
{
    static const int8_t r1[8] = {DT_EBX, DT_EBX, DT_EBP, DT_EBP,
                                 DT_ESI, DT_EDI, DT_EBP, DT_EBX};
    static const int8_t r2[8] = {DT_ESI, DT_EDI, DT_ESI, DT_EDI,
                                 -1, -1, -1, -1};
    e->a16 = true;
    e->rm = rn(g, 8);
    e->mod = rn(g, 3);
    if (e->mod != 0 || e->rm != 6) {
        uint8_t used = (uint8_t)(1u << r1[e->rm]);
        if (r2[e->rm] >= 0) {
            used |= (uint8_t)(1u << r2[e->rm]);
        }
        if (used & g->avoid) {
            e->mod = 0;
            e->rm = 6;
        }
    }
    if (e->mod == 0 && e->rm == 6) {
        e->disp = want & 0xffff;
        e->disp_size = 2;
        return;
    }
    if (e->mod == 1) {
        e->disp = (uint32_t)(int8_t)rn(g, 256);
        e->disp_size = 1;
    } else if (e->mod == 2) {
        e->disp = rn(g, 0x10000);
        e->disp_size = 2;
    }
    if (!chance(g, 80)) {
        e->wild = true; /* whatever the registers hold */
        return;
    }
    uint32_t rest = want - e->disp;
    if (r2[e->rm] >= 0) {
        uint32_t a = rn(g, 0x10000);
        set_reg16(g, r1[e->rm], a);
        set_reg16(g, r2[e->rm], rest - a);
    } else {
        set_reg16(g, r1[e->rm], rest);
    }
}

/* A base or index register not set up for this item, or -1. */
static int pick_base(DtGen *g, bool allow_ebp)
{
    static const uint8_t bases[] = {DT_EAX, DT_ECX, DT_EDX, DT_EBX,
                                    DT_ESI, DT_EDI, DT_EBP};
    unsigned n = allow_ebp ? 7 : 6, start = rn(g, n);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = bases[(start + i) % n];
        if (!((g->avoid >> r) & 1)) {
            return (int)r;
        }
    }
    return -1;
}

/* 32-bit addressing aimed at @addr. */
static void ea32(DtGen *g, Ea *e, uint32_t addr)
{
    int base, index;
    switch (rn(g, 8)) {
    case 1: /* [base] */
        base = pick_base(g, false);
        if (base < 0) {
            break;
        }
        set_reg32(g, (unsigned)base, addr);
        e->mod = 0;
        e->rm = (uint8_t)base;
        return;
    case 2:
    case 3: /* [base + disp8/disp32] */
        base = pick_base(g, true);
        if (base < 0) {
            break;
        }
        e->mod = rn(g, 2) ? 1 : 2;
        e->disp = e->mod == 1 ? (uint32_t)(int8_t)rn(g, 256)
                              : (uint32_t)rnd(g);
        e->disp_size = e->mod == 1 ? 1 : 4;
        set_reg32(g, (unsigned)base, addr - e->disp);
        e->rm = (uint8_t)base;
        return;
    case 4:
    case 5: { /* SIB: base + index << scale + disp */
        unsigned scale = rn(g, 4);
        index = pick_base(g, true);
        if (index < 0) {
            break;
        }
        g->avoid |= (uint8_t)(1u << index);
        base = pick_base(g, true);
        g->avoid &= (uint8_t)~(1u << index);
        bool nobase = base < 0 || (base == DT_EBP && chance(g, 50));
        e->has_sib = true;
        e->rm = 4;
        e->mod = nobase ? 0 : (uint8_t)rn(g, 3);
        if (!nobase && e->mod == 0 && base == DT_EBP) {
            e->mod = 1;
        }
        if (nobase) {
            base = DT_EBP;
            e->disp_size = 4;
        } else if (e->mod == 1) {
            e->disp = (uint32_t)(int8_t)rn(g, 256);
            e->disp_size = 1;
        } else if (e->mod == 2) {
            e->disp = (uint32_t)rnd(g);
            e->disp_size = 4;
        }
        uint32_t iv = chance(g, 50) ? (uint32_t)rnd(g)
                                    : (uint32_t)(rn(g, 129) - 64);
        set_reg32(g, (unsigned)index, iv);
        if (nobase) {
            e->disp = addr - (iv << scale);
        } else {
            set_reg32(g, (unsigned)base, addr - e->disp - (iv << scale));
        }
        e->sib = (uint8_t)(scale << 6 | (unsigned)index << 3 | (unsigned)base);
        return;
    }
    case 6: /* SIB without an index (index 100b ignores the scale) */
        base = pick_base(g, true);
        if (base < 0) {
            break;
        }
        e->has_sib = true;
        e->rm = 4;
        e->mod = base == DT_EBP ? 1 + rn(g, 2) : rn(g, 3);
        if (e->mod == 1) {
            e->disp = (uint32_t)(int8_t)rn(g, 256);
            e->disp_size = 1;
        } else if (e->mod == 2) {
            e->disp = (uint32_t)rnd(g);
            e->disp_size = 4;
        }
        set_reg32(g, (unsigned)base, addr - e->disp);
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | (unsigned)base);
        return;
    case 7: /* [esp + disp8]: the stack, wherever ESP is now */
        e->wild = true;
        e->has_sib = true;
        e->rm = 4;
        e->mod = 1;
        e->disp = rn(g, 64) - 8;
        e->disp_size = 1;
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | DT_ESP);
        return;
    default:
        break;
    }
    /* [disp32] */
    e->mod = 0;
    e->rm = 5;
    e->disp = addr;
    e->disp_size = 4;
}

/* A memory operand at @addr of @size bytes. */
Ea mem_at(DtGen *g, uint32_t addr, unsigned flags)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.mem = true;
    e.seg = pick_seg(g, flags);
    bool a16 = g->def32 ? chance(g, 15) : chance(g, 85);
    if (!(flags & E_NOA16) && a16) {
        ea16(g, &e, addr);
    } else {
        ea32(g, &e, addr);
    }
    return e;
}

Ea pick_mem(DtGen *g, unsigned size, unsigned flags)
{
    return mem_at(g, pick_addr(g, size), flags);
}

Ea pick_E(DtGen *g, unsigned size, unsigned flags)
{
    bool mem = (flags & E_MEM) && (!(flags & E_REG) || chance(g, 45));
    if (mem) {
        return pick_mem(g, size, flags);
    }
    Ea e;
    memset(&e, 0, sizeof(e));
    e.reg = (uint8_t)pick_reg(g, size, flags & E_DST);
    e.mod = 3;
    e.rm = e.reg;
    return e;
}

void ea_prefixes(DtGen *g, const Ea *e, bool lock, unsigned os)
{
    prefixes(g, lock, e->seg, os, e->mem ? (e->a16 ? 2 : 4) : 0, 0);
}

void modrm(DtGen *g, const Ea *e, unsigned regf)
{
    byte(g, (uint8_t)(e->mod << 6 | (regf & 7) << 3 | e->rm));
    if (!e->mem) {
        return;
    }
    if (e->has_sib) {
        byte(g, e->sib);
    }
    imm(g, e->disp, e->disp_size);
}

/* --- groups --- */

/* ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NOT NEG */
static void gen_alu(DtGen *g)
{
    unsigned size = pick_size(g, true);
    bool w = size != 1;
    unsigned os = osz(size);
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
        ins_begin(g);
        ea_prefixes(g, &e, lock, os);
        byte(g, (uint8_t)(op * 8 + (to_e ? 0 : 2) + w));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 3: /* AL/eAX, imm */
        maybe_value(g, DT_EAX, size, 30);
        ins_begin(g);
        prefixes(g, false, 0, os, false, 0);
        byte(g, (uint8_t)(op * 8 + 4 + w));
        imm(g, interesting(g, size), size);
        ins_end(g);
        break;
    case 4: { /* group 1: 80 81 82 83 */
        Ea e = pick_E(g, size, E_REG | E_MEM | (op != 7 ? E_DST : 0));
        bool lock = e.mem && op != 7 && chance(g, 20);
        uint8_t opc = size == 1 ? (chance(g, 15) ? 0x82 : 0x80)
                                : (chance(g, 50) ? 0x83 : 0x81);
        ins_begin(g);
        ea_prefixes(g, &e, lock, os);
        byte(g, opc);
        modrm(g, &e, op);
        imm(g, interesting(g, size), opc == 0x81 ? size : 1);
        ins_end(g);
        break;
    }
    case 5: { /* TEST */
        unsigned form = rn(g, 3);
        if (form == 0) {
            unsigned gr = pick_reg(g, size, false);
            Ea e = pick_E(g, size, E_REG | E_MEM);
            ins_begin(g);
            ea_prefixes(g, &e, false, os);
            byte(g, 0x84 + w);
            modrm(g, &e, gr);
        } else if (form == 1) {
            ins_begin(g);
            prefixes(g, false, 0, os, false, 0);
            byte(g, 0xa8 + w);
            imm(g, interesting(g, size), size);
        } else {
            Ea e = pick_E(g, size, E_REG | E_MEM);
            ins_begin(g);
            ea_prefixes(g, &e, false, os);
            byte(g, 0xf6 + w);
            modrm(g, &e, rn(g, 4) ? 0 : 1); /* /1 is an alias */
            imm(g, interesting(g, size), size);
        }
        ins_end(g);
        break;
    }
    case 6: { /* INC/DEC r16/r32 */
        if (size == 1) {
            size = 4;
        }
        unsigned r = pick_reg(g, size, true);
        maybe_value(g, r, size, 30);
        ins_begin(g);
        prefixes(g, false, 0, size, 0, 0);
        byte(g, (uint8_t)(0x40 + (rn(g, 2) ? 8 : 0) + r));
        ins_end(g);
        break;
    }
    case 7:
    case 8: { /* INC DEC (FE/FF), NOT NEG (F6/F7) */
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        bool lock = e.mem && chance(g, 20);
        ins_begin(g);
        ea_prefixes(g, &e, lock, os);
        if (kind == 7) {
            byte(g, 0xfe + w);
            modrm(g, &e, rn(g, 2));
        } else {
            byte(g, 0xf6 + w);
            modrm(g, &e, 2 + rn(g, 2));
        }
        ins_end(g);
        break;
    }
    default: { /* ALU with a memory destination, often locked */
        Ea e = pick_E(g, size, E_MEM | E_DST);
        unsigned gr = pick_reg(g, size, false);
        ins_begin(g);
        ea_prefixes(g, &e, op != 7 && chance(g, 60), os);
        byte(g, (uint8_t)(op * 8 + w));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    }
}

/* MUL IMUL DIV IDIV */
static void gen_muldiv(DtGen *g)
{
    unsigned size = pick_size(g, true);
    bool w = size != 1;
    unsigned os = osz(size);
    unsigned kind = rn(g, 8);
    maybe_flags(g, 10);
    if (kind <= 1) { /* MUL/IMUL r/m */
        maybe_value(g, DT_EAX, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (!e.mem) {
            maybe_value(g, e.reg, size, 40);
        }
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0xf6 + w);
        modrm(g, &e, 4 + kind);
        ins_end(g);
        return;
    }
    if (size == 1) {
        size = 4;
        os = 4;
    }
    if (kind == 2) { /* IMUL Gv,Ev */
        unsigned gr = pick_reg(g, size, true);
        maybe_value(g, gr, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0x0f);
        byte(g, 0xaf);
        modrm(g, &e, gr);
        ins_end(g);
        return;
    }
    if (kind == 3) { /* IMUL Gv,Ev,Iz / Ib */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        bool ib = chance(g, 50);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, ib ? 0x6b : 0x69);
        modrm(g, &e, gr);
        imm(g, interesting(g, ib ? 1 : size), ib ? 1 : size);
        ins_end(g);
        return;
    }
    /* DIV / IDIV: mostly with a dividend whose quotient fits. */
    size = pick_size(g, true);
    w = size != 1;
    os = osz(size);
    bool sign = chance(g, 50);
    unsigned bits = 8 * size;
    unsigned mode = rn(g, 10);
    Ea e;
    if (mode == 0) {
        e = pick_E(g, size, E_REG | E_MEM);
    } else {
        int64_t d, q, r;
        uint64_t lim = 1ULL << bits;
        if (mode == 1) {
            d = 0;
        } else {
            d = (int64_t)interesting(g, size);
            if (sign) {
                d = (int64_t)(int32_t)(d << (32 - bits)) >> (32 - bits);
            }
            if (d == 0) {
                d = 1;
            }
        }
        if (sign) {
            int64_t half = (int64_t)(lim / 2);
            q = chance(g, 20) ? (chance(g, 50) ? half - 1 : -half)
                              : (int64_t)(rnd(g) % lim) - half;
            if (chance(g, 5)) {
                q = half; /* just too big: #DE */
            }
            int64_t ad = d < 0 ? -d : d;
            r = ad ? (int64_t)(rnd(g) % (uint64_t)ad) : 0;
            if ((q < 0) != (d < 0) && q != 0) {
                r = -r;
            }
        } else {
            q = (int64_t)(rnd(g) % lim);
            if (chance(g, 10)) {
                q = (int64_t)lim - 1;
            }
            if (chance(g, 5)) {
                q = (int64_t)lim;
            }
            r = d ? (int64_t)(rnd(g) % (uint64_t)d) : 0;
        }
        uint64_t n = (uint64_t)(q * d + r);
        if (size == 1) {
            set_reg16(g, DT_EAX, (uint32_t)n);
        } else {
            set_reg(g, DT_EAX, size, (uint32_t)n);
            set_reg(g, DT_EDX, size, (uint32_t)(n >> bits));
        }
        if (chance(g, 50)) {
            uint32_t addr = pick_addr(g, size);
            set_mem(g, addr, size, (uint32_t)d);
            e = mem_at(g, addr, 0);
        } else {
            unsigned r8;
            do {
                r8 = rn(g, 8);
            } while (size == 1 ? (r8 == 0 || r8 == 4)
                               : (r8 == DT_EAX || r8 == DT_EDX ||
                                  r8 == DT_ESP));
            set_reg(g, r8, size, (uint32_t)d);
            memset(&e, 0, sizeof(e));
            e.reg = (uint8_t)r8;
            e.rm = (uint8_t)r8;
            e.mod = 3;
        }
    }
    ins_begin(g);
    ea_prefixes(g, &e, false, os);
    byte(g, 0xf6 + w);
    modrm(g, &e, sign ? 7 : 6);
    ins_end(g);
}

static uint32_t shift_count(DtGen *g)
{
    static const uint8_t counts[] = {0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17,
                                     24, 31, 32, 33, 63, 64, 65, 255};
    return chance(g, 70) ? counts[rn(g, sizeof(counts))] : rn(g, 256);
}

/* ROL ROR RCL RCR SHL SHR SAL SAR, SHLD SHRD */
static void gen_shift(DtGen *g)
{
    unsigned size = pick_size(g, true);
    bool w = size != 1;
    unsigned os = osz(size);
    unsigned kind = rn(g, 5);
    maybe_flags(g, 40);
    if (kind == 4) { /* SHLD/SHRD */
        if (size == 1) {
            size = 4;
            os = 4;
        }
        bool cl = chance(g, 50);
        if (cl && chance(g, 70)) {
            set_reg8(g, DT_ECX, shift_count(g));
        }
        unsigned gr = pick_reg(g, size, false);
        maybe_value(g, gr, size, 30);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0x0f);
        byte(g, (uint8_t)((chance(g, 50) ? 0xa4 : 0xac) + cl));
        modrm(g, &e, gr);
        if (!cl) {
            imm(g, shift_count(g), 1);
        }
        ins_end(g);
        return;
    }
    if (kind == 1 && chance(g, 70)) {
        set_reg8(g, DT_ECX, shift_count(g));
    }
    Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
    if (!e.mem) {
        maybe_value(g, e.reg, size, 30);
    }
    ins_begin(g);
    ea_prefixes(g, &e, false, os);
    switch (kind) {
    case 0: byte(g, 0xd0 + w); break;
    case 1: byte(g, 0xd2 + w); break;
    default: byte(g, 0xc0 + w); break;
    }
    modrm(g, &e, rn(g, 8));
    if (kind >= 2) {
        imm(g, shift_count(g), 1);
    }
    ins_end(g);
}

/* DAA DAS AAA AAS AAM AAD */
static void gen_bcd(DtGen *g)
{
    static const uint8_t ops[] = {0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5};
    maybe_flags(g, 70);
    if (chance(g, 80)) {
        uint32_t v = chance(g, 50) ? rn(g, 0x10000) : interesting(g, 2);
        set_reg16(g, DT_EAX, v);
    }
    uint8_t op = ops[rn(g, 6)];
    ins_begin(g);
    prefixes(g, false, 0, pick_os(g, 10), 0, 0); /* no effect on these */
    byte(g, op);
    if (op >= 0xd4) {
        uint32_t base = chance(g, 50) ? 10 : chance(g, 10) ? 0 : rn(g, 256);
        byte(g, (uint8_t)base);
    }
    ins_end(g);
}

/* BT BTS BTR BTC, BSF BSR, BSWAP, SETcc, CMOVcc */
static void gen_bit(DtGen *g)
{
    unsigned size = chance(g, 30) ? 2 : 4;
    unsigned os = size;
    unsigned kind = rn(g, 6);
    maybe_flags(g, 40);
    switch (kind) {
    case 0: { /* BT* Ev,Gv */
        unsigned op = rn(g, 4);
        unsigned gr = pick_reg(g, size, false);
        Ea e;
        if (chance(g, 50)) {
            /* Memory: the bit offset reaches around the operand. */
            uint32_t addr = pick_addr(g, size);
            int32_t bit = (int32_t)rn(g, 0x4000) - 0x2000;
            if (chance(g, 10)) {
                bit = (int32_t)rnd(g); /* far away: likely #PF */
            }
            set_reg(g, gr, size, (uint32_t)bit);
            e = mem_at(g, addr, E_DST);
        } else {
            maybe_value(g, gr, size, 50);
            e = pick_E(g, size, E_REG | E_DST);
        }
        ins_begin(g);
        ea_prefixes(g, &e, e.mem && op != 0 && chance(g, 20), os);
        byte(g, 0x0f);
        byte(g, (uint8_t)(0xa3 + 8 * op));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 1: { /* BT* Ev,Ib */
        unsigned op = rn(g, 4);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, e.mem && op != 0 && chance(g, 20), os);
        byte(g, 0x0f);
        byte(g, 0xba);
        modrm(g, &e, 4 + op);
        imm(g, rn(g, 256), 1);
        ins_end(g);
        break;
    }
    case 2: { /* BSF BSR */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (chance(g, 25)) {
            if (e.mem) {
                /* Already addressed; zero it through a second operand
                 * would move the setup: use a register instead. */
                memset(&e, 0, sizeof(e));
                e.reg = (uint8_t)pick_reg(g, size, true);
                e.rm = e.reg;
                e.mod = 3;
            }
            set_reg(g, e.reg, size, 0);
        } else if (!e.mem) {
            maybe_value(g, e.reg, size, 50);
        }
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0x0f);
        byte(g, chance(g, 50) ? 0xbc : 0xbd);
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 3: { /* BSWAP */
        unsigned r = pick_reg(g, 4, true);
        ins_begin(g);
        prefixes(g, false, 0, chance(g, 10) ? 2 : 4, 0, 0);
        byte(g, 0x0f);
        byte(g, (uint8_t)(0xc8 + r));
        ins_end(g);
        break;
    }
    case 4: { /* SETcc */
        Ea e = pick_E(g, 1, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, false, pick_os(g, 10));
        byte(g, 0x0f);
        byte(g, (uint8_t)(0x90 + rn(g, 16)));
        modrm(g, &e, rn(g, 8));
        ins_end(g);
        break;
    }
    default: { /* CMOVcc */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0x0f);
        byte(g, (uint8_t)(0x40 + rn(g, 16)));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    }
}

/* MOV, LEA, XCHG, MOVZX/MOVSX, CBW CWD, XLAT, LAHF SAHF SALC, flag ops,
 * NOP and hint NOPs */
static void gen_move(DtGen *g)
{
    unsigned size = pick_size(g, true);
    bool w = size != 1;
    unsigned os = osz(size);
    unsigned kind = rn(g, 16);
    switch (kind) {
    case 0:
    case 1: { /* 88-8B */
        bool to_e = chance(g, 50);
        unsigned gr = pick_reg(g, size, !to_e);
        Ea e = pick_E(g, size, E_REG | E_MEM | (to_e ? E_DST : 0));
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, (uint8_t)(0x88 + (to_e ? 0 : 2) + w));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 2: { /* A0-A3 moffs */
        unsigned as = pick_os(g, 20);
        bool store = chance(g, 50);
        uint32_t addr = as == 2 ? pick_addr(g, size) & 0xffff
                                : pick_addr(g, size);
        ins_begin(g);
        prefixes(g, false, pick_seg(g, store ? E_DST : 0), os, as, 0);
        byte(g, (uint8_t)(0xa0 + (store ? 2 : 0) + w));
        imm(g, addr, as);
        ins_end(g);
        break;
    }
    case 3: { /* B0-BF, C6/C7 */
        if (chance(g, 50)) {
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, os, false, 0);
            byte(g, (uint8_t)((w ? 0xb8 : 0xb0) + r));
            imm(g, interesting(g, size), size);
        } else {
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            ins_begin(g);
            ea_prefixes(g, &e, false, os);
            byte(g, 0xc6 + w);
            modrm(g, &e, 0);
            imm(g, interesting(g, size), size);
        }
        ins_end(g);
        break;
    }
    case 4: { /* MOV Ev, Sreg */
        Ea e = pick_E(g, 2, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, false, chance(g, 50) ? 2 : 4);
        byte(g, 0x8c);
        modrm(g, &e, rn(g, 6));
        ins_end(g);
        break;
    }
    case 5: { /* LEA: any address form, no access */
        if (size == 1) {
            size = 4;
        }
        unsigned gr = pick_reg(g, size, true);
        Ea e;
        memset(&e, 0, sizeof(e));
        e.mem = true;
        if (chance(g, 30)) {
            ea16(g, &e, (uint32_t)rnd(g));
        } else {
            ea32(g, &e, (uint32_t)rnd(g));
        }
        ins_begin(g);
        ea_prefixes(g, &e, false, size);
        byte(g, 0x8d);
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 6: { /* XCHG */
        if (chance(g, 40) && size != 1) {
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0);
            byte(g, (uint8_t)(0x90 + r));
        } else {
            unsigned gr = pick_reg(g, size, true);
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            ins_begin(g);
            ea_prefixes(g, &e, e.mem && chance(g, 20), os);
            byte(g, 0x86 + w);
            modrm(g, &e, gr);
        }
        ins_end(g);
        break;
    }
    case 7: { /* MOVZX MOVSX */
        unsigned dsize = chance(g, 30) ? 2 : 4;
        bool src16 = chance(g, 50);
        unsigned gr = pick_reg(g, dsize, true);
        Ea e = pick_E(g, src16 ? 2 : 1, E_REG | E_MEM);
        ins_begin(g);
        ea_prefixes(g, &e, false, dsize);
        byte(g, 0x0f);
        byte(g, (uint8_t)((chance(g, 50) ? 0xb6 : 0xbe) + src16));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    case 8: /* CBW CWDE CWD CDQ */
        maybe_value(g, DT_EAX, 4, 50);
        ins_begin(g);
        prefixes(g, false, 0, chance(g, 40) ? 2 : 4, 0, 0);
        byte(g, chance(g, 50) ? 0x98 : 0x99);
        ins_end(g);
        break;
    case 9: { /* XLAT */
        unsigned as = pick_os(g, 25);
        uint32_t table = pick_addr(g, 256);
        if (as == 2) {
            set_reg16(g, DT_EBX, table - 0x80);
        } else {
            set_reg32(g, DT_EBX, table - 0x80);
        }
        ins_begin(g);
        prefixes(g, false, pick_seg(g, 0), 0, as, 0);
        byte(g, 0xd7);
        ins_end(g);
        break;
    }
    case 10: /* LAHF SAHF SALC */
        maybe_flags(g, 30);
        if (chance(g, 30)) {
            set_reg8(g, 4, rn(g, 256));
        }
        ins_begin(g);
        byte(g, (uint8_t)(0x9e + rn(g, 2)));
        if (chance(g, 20)) {
            g->s->len--;
            byte(g, 0xd6);
        }
        ins_end(g);
        break;
    case 11: { /* CMC CLC STC CLD STD */
        static const uint8_t ops[] = {0xf5, 0xf8, 0xf9, 0xfc, 0xfd};
        ins_begin(g);
        byte(g, ops[rn(g, 5)]);
        ins_end(g);
        break;
    }
    case 12: { /* NOP, PAUSE, 0F 1F NOP Ev, 0F 18-1F hints */
        unsigned form = rn(g, 4);
        ins_begin(g);
        if (form == 0) {
            if (chance(g, 30)) {
                byte(g, 0xf3);
            }
            byte(g, 0x90);
        } else {
            Ea e = pick_E(g, size == 1 ? 4 : size, E_REG | E_MEM);
            uint8_t op = form == 1 ? 0x1f : (uint8_t)(0x18 + rn(g, 8));
            unsigned regf = rn(g, 8);
            if (op == 0x1c && e.mem && regf == 0) {
                regf = 1; /* 0F 1C /0 is CLDEMOTE on newer CPUs */
            }
            ea_prefixes(g, &e, false, os);
            byte(g, 0x0f);
            byte(g, op);
            modrm(g, &e, regf);
        }
        ins_end(g);
        break;
    }
    case 13: { /* ARPL Ew, Gw (protected mode, any CPL) */
        unsigned gr = pick_reg(g, 2, false);
        maybe_value(g, gr, 2, 50);
        Ea e = pick_E(g, 2, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, false, pick_os(g, 10));
        byte(g, 0x63);
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    default: { /* plain loads and stores, the bread and butter */
        bool to_e = chance(g, 50);
        unsigned gr = pick_reg(g, size, !to_e);
        Ea e = pick_E(g, size, E_MEM | (to_e ? E_DST : 0));
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, (uint8_t)(0x88 + (to_e ? 0 : 2) + w));
        modrm(g, &e, gr);
        ins_end(g);
        break;
    }
    }
}

/* A stack address for EBP (ENTER, LEAVE): near the initial ESP. */
static uint32_t stack_addr(DtGen *g)
{
    return g->stack_lo + rn(g, g->stack_hi - g->stack_lo);
}

/* PUSH POP (all forms), PUSHA POPA, PUSHF POPF, ENTER LEAVE */
static void gen_stack(DtGen *g)
{
    unsigned os = pick_os(g, 25);
    unsigned kind = rn(g, 12);
    switch (kind) {
    case 0: /* PUSH r */
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, (uint8_t)(0x50 + rn(g, 8)));
        ins_end(g);
        break;
    case 1: { /* POP r (rarely ESP) */
        unsigned r = pick_reg(g, 4, true);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, (uint8_t)(0x58 + r));
        ins_end(g);
        break;
    }
    case 2: { /* PUSH imm */
        bool ib = chance(g, 50);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, ib ? 0x6a : 0x68);
        imm(g, interesting(g, 4), ib ? 1 : os);
        ins_end(g);
        break;
    }
    case 3: { /* PUSH Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0xff);
        modrm(g, &e, 6);
        ins_end(g);
        break;
    }
    case 4: { /* POP Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM | E_DST);
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0x8f);
        modrm(g, &e, 0);
        ins_end(g);
        break;
    }
    case 5: { /* PUSH sreg */
        static const uint8_t ops[] = {0x06, 0x0e, 0x16, 0x1e};
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        if (chance(g, 33)) {
            byte(g, 0x0f);
            byte(g, chance(g, 50) ? 0xa0 : 0xa8);
        } else {
            byte(g, ops[rn(g, 4)]);
        }
        ins_end(g);
        break;
    }
    case 6: /* PUSHA POPA */
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, chance(g, 50) ? 0x60 : 0x61);
        ins_end(g);
        break;
    case 7: /* PUSHF; PUSH imm + POPF */
        if (chance(g, 50)) {
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0);
            byte(g, 0x9c);
            ins_end(g);
        } else {
            uint32_t f = random_flags(g) | ((uint32_t)rnd(g) & 0x7000u);
            if (chance(g, 4)) {
                f &= ~DT_FL_TF; /* the rest of the stream runs unstepped */
            }
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0);
            byte(g, 0x68);
            imm(g, f, os);
            ins_end(g);
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0);
            byte(g, 0x9d);
            ins_end(g);
        }
        break;
    case 8:
    case 9: { /* ENTER (EBP into the stack area for nested levels) */
        uint32_t lvl = chance(g, 40) ? 0 : chance(g, 80) ? rn(g, 5)
                                                       : rn(g, 256);
        if (lvl > 1 || chance(g, 50)) {
            set_reg32(g, DT_EBP, stack_addr(g));
        }
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, 0xc8);
        imm(g, chance(g, 30) ? 0 : rn(g, 0x200), 2);
        byte(g, (uint8_t)lvl);
        ins_end(g);
        break;
    }
    case 10: /* LEAVE */
        set_reg32(g, DT_EBP, stack_addr(g));
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, 0xc9);
        ins_end(g);
        break;
    default: { /* PUSH r then POP r (register moves through memory) */
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, (uint8_t)(0x50 + rn(g, 8)));
        ins_end(g);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, (uint8_t)(0x58 + pick_reg(g, 4, true)));
        ins_end(g);
        break;
    }
    }
}

/* MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE, both directions, both
 * address sizes */
static void gen_string(DtGen *g)
{
    static const uint8_t ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    const DtLayout *lay = g->lay;
    unsigned size = pick_size(g, true);
    unsigned as = pick_os(g, 20);
    uint8_t op = ops[rn(g, 5)];
    uint8_t rep = chance(g, 25) ? 0 : chance(g, 50) ? 0xf3 : 0xf2;
    unsigned count = chance(g, 10) ? 0 : chance(g, 80) ? rn(g, 17)
                                                     : rn(g, 300);
    maybe_flags(g, 50);
    uint32_t span = (count + 1) * size;
    uint32_t end = lay->sbx_base + DT_SBX_SIZE;
    if (end - 1 > g->data_limit) {
        end = g->data_limit + 1;
    }
    if (as == 2 && end > 0x10000) {
        end = 0x10000;
    }
    uint32_t room = end > lay->sbx_base ? end - lay->sbx_base : DT_PAGE;
    for (int i = 0; i < 2; i++) {
        unsigned r = i ? DT_EDI : DT_ESI;
        uint32_t p;
        if (chance(g, 5)) {
            continue; /* keep whatever is there */
        }
        if (chance(g, 8) || room <= 2 * span) {
            /* Run into the end of the sandbox or segment. */
            p = end - rn(g, span);
        } else {
            p = lay->sbx_base + span + rn(g, room - 2 * span);
        }
        if (as == 2) {
            set_reg16(g, r, p);
        } else {
            set_reg32(g, r, p);
        }
    }
    if (as == 2) {
        set_reg16(g, DT_ECX, count);
    } else {
        set_reg32(g, DT_ECX, count);
    }
    if (op == 0xae || op == 0xa6 || op == 0xac) {
        maybe_value(g, DT_EAX, size, 50);
    }
    ins_begin(g);
    prefixes(g, false, op == 0xaa || op == 0xae ? 0 : pick_seg(g, 0),
             osz(size), as, rep);
    byte(g, (uint8_t)(op + (size != 1)));
    ins_end(g);
}

/* XADD CMPXCHG CMPXCHG8B */
static void gen_atomic(DtGen *g)
{
    unsigned size = pick_size(g, true);
    bool w = size != 1;
    unsigned os = osz(size);
    unsigned kind = rn(g, 3);
    maybe_flags(g, 20);
    if (kind == 2) { /* CMPXCHG8B m64 */
        uint32_t addr = pick_addr(g, 8);
        if (chance(g, 50)) {
            /* Make it succeed: load EDX:EAX from the operand. */
            load_reg(g, DT_EAX, addr, 4);
            load_reg(g, DT_EDX, addr + 4, 4);
        }
        Ea e = mem_at(g, addr, E_DST);
        if (chance(g, 3)) {
            memset(&e, 0, sizeof(e));
            e.mod = 3; /* register form: #UD */
        }
        ins_begin(g);
        ea_prefixes(g, &e, e.mem && chance(g, 40), pick_os(g, 10));
        byte(g, 0x0f);
        byte(g, 0xc7);
        modrm(g, &e, 1);
        ins_end(g);
        return;
    }
    unsigned gr = pick_reg(g, size, true);
    maybe_value(g, gr, size, 30);
    Ea e;
    if (kind == 1 && chance(g, 50)) {
        /* CMPXCHG that succeeds: accumulator = operand. */
        uint32_t addr = pick_addr(g, size);
        load_reg(g, DT_EAX, addr, size);
        e = mem_at(g, addr, E_DST);
    } else {
        e = pick_E(g, size, E_REG | E_MEM | E_DST);
    }
    ins_begin(g);
    ea_prefixes(g, &e, e.mem && chance(g, 40), os);
    byte(g, 0x0f);
    byte(g, (uint8_t)((kind == 0 ? 0xc0 : 0xb0) + w));
    modrm(g, &e, gr);
    ins_end(g);
}

static void gen_item(DtGen *g, bool allow_branch);

/* Patch a forward displacement of @size bytes at @at to reach here. */
static void patch_rel(DtGen *g, unsigned at, unsigned size)
{
    int32_t rel = (int32_t)(g->s->len - (at + size));
    if (size == 1 && rel > 127) {
        rel = 0;
    }
    for (unsigned i = 0; i < size; i++) {
        patch8(g, at + i, (uint8_t)(rel >> (8 * i)));
    }
}

/* Jcc JMP LOOP JECXZ CALL RET, all forward inside the stream */
static void gen_branch(DtGen *g)
{
    unsigned kind = rn(g, 9);
    unsigned group = g->group;
    unsigned at, rsize;
    unsigned os = pick_os(g, 10);
    maybe_flags(g, 30);
    switch (kind) {
    case 0: /* Jcc rel8 */
    case 1: /* JMP rel8 */
        ins_begin(g);
        prefixes(g, false, 0, pick_os(g, 5), 0, 0);
        byte(g, kind == 0 ? (uint8_t)(0x70 + rn(g, 16)) : 0xeb);
        at = g->s->len;
        byte(g, 0);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, 1);
        break;
    case 2: /* Jcc rel32/rel16 */
    case 3: /* JMP rel32/rel16 */
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        if (kind == 2) {
            byte(g, 0x0f);
            byte(g, (uint8_t)(0x80 + rn(g, 16)));
        } else {
            byte(g, 0xe9);
        }
        at = g->s->len;
        rsize = os;
        imm(g, 0, rsize);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, rsize);
        break;
    case 4: { /* LOOP LOOPE LOOPNE JECXZ (CX or ECX by address size) */
        unsigned as = pick_os(g, 20);
        if (chance(g, 60)) {
            uint32_t c = chance(g, 50) ? rn(g, 3) : interesting(g, 4);
            if (as == 2) {
                set_reg16(g, DT_ECX, c);
            } else {
                set_reg32(g, DT_ECX, c);
            }
        }
        ins_begin(g);
        prefixes(g, false, 0, pick_os(g, 5), as, 0);
        byte(g, (uint8_t)(0xe0 + rn(g, 4)));
        at = g->s->len;
        byte(g, 0);
        ins_end(g);
        gen_item(g, false);
        patch_rel(g, at, 1);
        break;
    }
    case 5: /* CALL rel */
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, 0xe8);
        at = g->s->len;
        rsize = os;
        imm(g, 0, rsize);
        ins_end(g);
        if (chance(g, 50)) {
            gen_item(g, false);
        }
        patch_rel(g, at, rsize);
        break;
    case 6:
    case 7: { /* CALL/JMP r/m to the end of the branch itself */
        bool call = kind == 6;
        unsigned setup_at;
        Ea e;
        memset(&e, 0, sizeof(e));
        /* The target is known once the branch is built: emit the setup
         * with a placeholder and patch it. */
        if (chance(g, 40)) {
            uint32_t addr = pick_addr(g, os);
            setup_at = mov_mem_imm(g, addr, os, 0);
            e = mem_at(g, addr, 0);
        } else {
            unsigned r = pick_reg(g, 4, true);
            if (r == DT_ESP) {
                r = DT_EAX;
            }
            setup_at = mov_reg_imm(g, r, os, 0);
            e.mod = 3;
            e.rm = (uint8_t)r;
            e.reg = (uint8_t)r;
        }
        ins_begin(g);
        ea_prefixes(g, &e, false, os);
        byte(g, 0xff);
        modrm(g, &e, call ? 2 : 4);
        ins_end(g);
        uint32_t target = here(g);
        for (unsigned i = 0; i < os; i++) {
            patch8(g, setup_at + i, (uint8_t)(target >> (8 * i)));
        }
        break;
    }
    default: { /* PUSH target; RET [imm16] */
        bool with_imm = chance(g, 30);
        uint32_t n = with_imm ? (chance(g, 50) ? rn(g, 16) : rn(g, 0x10000))
                              : 0;
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, 0x68);
        at = g->s->len;
        imm(g, 0, os);
        setup_end(g);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0);
        byte(g, with_imm ? 0xc2 : 0xc3);
        if (with_imm) {
            imm(g, n, 2);
        }
        ins_end(g);
        uint32_t target = here(g);
        for (unsigned i = 0; i < os; i++) {
            patch8(g, at + i, (uint8_t)(target >> (8 * i)));
        }
        break;
    }
    }
    g->group = group;
}

/* Instructions that end the stream with an exception (or, for ICEBP and
 * a passing BOUND or INTO, do not), and encodings to check #UD on. */
static void gen_fault(DtGen *g)
{
    /* Undefined on the P6 and on today's CPUs alike. */
    static const uint8_t ud_0f[] = {0x04, 0x0a, 0x0c, 0x0e, 0x0f, 0x24, 0x25,
                                    0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c,
                                    0x3d, 0x3e, 0x3f, 0x0b, 0xa6, 0xa7,
                                    0xaa, 0xff, 0xb9};
    unsigned kind = rn(g, 10);
    switch (kind) {
    case 0:
    case 1: { /* BOUND */
        unsigned size = chance(g, 30) ? 2 : 4;
        uint32_t addr = pick_addr(g, 2 * size);
        int32_t lo = (int32_t)interesting(g, size);
        int32_t hi = (int32_t)interesting(g, size);
        if (size == 2) {
            lo = (int16_t)lo;
            hi = (int16_t)hi;
        }
        if (lo > hi) {
            int32_t t = lo;
            lo = hi;
            hi = t;
        }
        unsigned r = pick_reg(g, size, false);
        if (chance(g, 70)) {
            set_mem(g, addr, size, (uint32_t)lo);
            set_mem(g, addr + size, size, (uint32_t)hi);
            int64_t v = lo + (int64_t)rn(g, (uint32_t)((int64_t)hi - lo + 1));
            if (chance(g, 20)) {
                v = chance(g, 50) ? (int64_t)lo - 1 : (int64_t)hi + 1;
            }
            if (r != DT_ESP) {
                set_reg(g, r, size, (uint32_t)v);
            }
        }
        Ea e = mem_at(g, addr, 0);
        ins_begin(g);
        ea_prefixes(g, &e, false, size);
        byte(g, 0x62);
        modrm(g, &e, r);
        ins_end(g);
        break;
    }
    case 2: /* INTO, ICEBP, INT3, INT 3, INT 4 */
        maybe_flags(g, 60);
        ins_begin(g);
        switch (rn(g, 6)) {
        case 0:
        case 1: byte(g, 0xce); break;
        case 2:
        case 3: byte(g, 0xf1); break;
        case 4: byte(g, 0xcc); break;
        default:
            byte(g, 0xcd);
            byte(g, (uint8_t)(3 + rn(g, 2)));
            break;
        }
        ins_end(g);
        break;
    case 3: { /* undefined 0F xx */
        uint8_t op = ud_0f[rn(g, sizeof(ud_0f))];
        ins_begin(g);
        byte(g, 0x0f);
        byte(g, op);
        if (op == 0xb9 || op == 0xff) {
            byte(g, 0xc0 | (uint8_t)rn(g, 64));
        }
        ins_end(g);
        break;
    }
    case 4: { /* undefined group members */
        Ea e = pick_E(g, 4, E_REG | E_MEM);
        ins_begin(g);
        ea_prefixes(g, &e, false, false);
        switch (rn(g, 5)) {
        case 0:
            byte(g, 0xfe);
            modrm(g, &e, 2 + rn(g, 6));
            break;
        case 1:
            byte(g, 0xff);
            modrm(g, &e, 7);
            break;
        case 2:
            byte(g, 0x8f);
            modrm(g, &e, 1 + rn(g, 7));
            break;
        case 3:
            byte(g, 0x0f);
            byte(g, 0xba);
            modrm(g, &e, rn(g, 4));
            byte(g, (uint8_t)rn(g, 256));
            break;
        default: /* 0F C7 /0 and /2 */
            byte(g, 0x0f);
            byte(g, 0xc7);
            modrm(g, &e, rn(g, 2) * 2);
            break;
        }
        ins_end(g);
        break;
    }
    case 5: { /* C6/C7 /1-/6 (and /7 with memory) */
        Ea e = pick_E(g, 4, E_REG | E_MEM);
        unsigned regf = 1 + rn(g, e.mem ? 7 : 6);
        ins_begin(g);
        ea_prefixes(g, &e, false, false);
        byte(g, chance(g, 50) ? 0xc6 : 0xc7);
        modrm(g, &e, regf);
        imm(g, (uint32_t)rnd(g), 4);
        ins_end(g);
        break;
    }
    case 6: { /* LOCK where it is not allowed */
        unsigned f = rn(g, 4);
        Ea e = pick_E(g, 4, f == 0 ? E_REG | E_DST : E_REG | E_MEM);
        ins_begin(g);
        byte(g, 0xf0);
        switch (f) {
        case 0: /* register destination */
            byte(g, (uint8_t)(8 * rn(g, 7) + 1));
            modrm(g, &e, rn(g, 8));
            break;
        case 1: /* MOV */
            byte(g, 0x89);
            modrm(g, &e, rn(g, 8));
            break;
        case 2: /* CMP / TEST */
            byte(g, chance(g, 50) ? 0x39 : 0x85);
            modrm(g, &e, rn(g, 8));
            break;
        default: /* no ModRM at all */
            byte(g, chance(g, 50) ? 0x90 : 0x40);
            break;
        }
        ins_end(g);
        break;
    }
    case 7: { /* too long: more than 15 bytes */
        unsigned n = 11 + rn(g, 5);
        ins_begin(g);
        for (unsigned i = 0; i < n; i++) {
            static const uint8_t pfx[] = {0x3e, 0x26, 0x36, 0x66, 0x67};
            byte(g, pfx[rn(g, 5)]);
        }
        byte(g, 0x81);
        byte(g, 0xc0);
        imm(g, 0, 4);
        ins_end(g);
        break;
    }
    case 8: /* UD2, HLT, CLI, STI */
        ins_begin(g);
        switch (rn(g, 4)) {
        case 0: byte(g, 0x0f); byte(g, 0x0b); break;
        case 1: byte(g, 0xf4); break;
        case 2: byte(g, 0xfa); break;
        default: byte(g, 0xfb); break;
        }
        ins_end(g);
        break;
    default: { /* register forms of memory-only instructions (not C4/C5
                  or 62: with mod 11 those are VEX/EVEX prefixes today) */
        static const uint8_t ops[] = {0xb2, 0xb4, 0xb5};
        ins_begin(g);
        if (chance(g, 40)) {
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

/* Redundant prefixes on ordinary instructions. */
static void gen_prefix(DtGen *g)
{
    static const uint8_t pfx[] = {0x26, 0x2e, 0x36, 0x3e, 0x66, 0x66};
    unsigned n = 1 + rn(g, 4);
    unsigned gr = pick_reg(g, 4, true);
    Ea e = pick_E(g, 4, E_REG | E_MEM | E_NOSEG | E_NOA16);
    ins_begin(g);
    for (unsigned i = 0; i < n; i++) {
        byte(g, pfx[rn(g, 6)]);
    }
    if (chance(g, 20)) {
        byte(g, chance(g, 50) ? 0xf2 : 0xf3); /* ignored by ALU ops */
    }
    if (e.mem && e.a16 == g->def32) {
        byte(g, 0x67);
    }
    unsigned op = rn(g, 8);
    byte(g, (uint8_t)(op * 8 + 3)); /* op Gv, Ev */
    modrm(g, &e, gr);
    ins_end(g);
}

const DtGroup dt_groups[] = {
    {"alu", "ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NOT NEG", gen_alu,
     20, false},
    {"muldiv", "MUL IMUL DIV IDIV", gen_muldiv, 8, false},
    {"shift", "ROL ROR RCL RCR SHL SHR SAL SAR SHLD SHRD", gen_shift, 10,
     false},
    {"bcd", "DAA DAS AAA AAS AAM AAD", gen_bcd, 4, false},
    {"bit", "BT BTS BTR BTC BSF BSR BSWAP SETcc CMOVcc", gen_bit, 8, false},
    {"move", "MOV LEA XCHG MOVZX MOVSX CBW CWD XLAT LAHF SAHF SALC ARPL NOP",
     gen_move, 14, false},
    {"stack", "PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE", gen_stack, 8,
     false},
    {"string", "MOVS CMPS STOS LODS SCAS with REP prefixes", gen_string, 6,
     false},
    {"atomic", "XADD CMPXCHG CMPXCHG8B (LOCK)", gen_atomic, 5, false},
    {"branch", "Jcc JMP LOOP JECXZ CALL RET", gen_branch, 7, false},
    {"prefix", "redundant and ignored prefixes", gen_prefix, 3, false},
    {"fault", "BOUND INTO INT3 ICEBP UD2 #UD encodings, bad LOCK, HLT",
     gen_fault, 2, false},
    {"ssefp", "SSE-SSE3 float arithmetic, MIN MAX SQRT RCP RSQRT, CMPcc, "
     "COMIS, logic, ADDSUB HADD HSUB", gen_ssefp, 24, true},
    {"ssecvt", "CVT* between float32, float64, int32, MMX and GPRs",
     gen_ssecvt, 10, true},
    {"ssemov", "MOV* MOVNT* MASKMOV MOVMSK shuffles unpacks LDMXCSR "
     "STMXCSR fences", gen_ssemov, 14, true},
    {"sseint", "SSE2 integer on XMM, SSE/SSE2 additions to MMX, SSSE3",
     gen_sseint, 20, true},
    {"x87", "x87 loads, stores, arithmetic, compares, transcendentals, "
     "control, FSTENV FSAVE and their restores, random FCW", gen_x87, 30,
     false},
    /* 64-bit streams only (gen64.c): no 16/32-bit generator. */
    {"far", "JMP CALL RET far, IRETQ (to compatibility mode and back), "
     "MOV Sreg, LAR LSL VERR VERW", NULL, 3, false},
};

const unsigned dt_group_count = sizeof(dt_groups) / sizeof(dt_groups[0]);

static void gen_item(DtGen *g, bool allow_branch)
{
    unsigned total = 0;
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (((g->group_mask >> i) & 1) && dt_groups[i].gen &&
            (allow_branch || dt_groups[i].gen != gen_branch) &&
            (g->depth == 0 || dt_groups[i].gen != gen_fault)) {
            total += dt_groups[i].weight;
        }
    }
    if (total == 0) {
        return;
    }
    uint32_t pick = rn(g, total);
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (!((g->group_mask >> i) & 1) || !dt_groups[i].gen ||
            (!allow_branch && dt_groups[i].gen == gen_branch) ||
            (g->depth > 0 && dt_groups[i].gen == gen_fault)) {
            continue;
        }
        if (pick < dt_groups[i].weight) {
            g->group = i;
            g->avoid = 0;
            g->depth++;
            dt_groups[i].gen(g);
            g->depth--;
            return;
        }
        pick -= dt_groups[i].weight;
    }
}

void dt_gen_stream(DtStream *s, const DtLayout *lay, uint64_t seed,
                   uint64_t index, uint64_t group_mask, unsigned ninsn,
                   unsigned bits)
{
    DtGen gen;
    DtGen *g = &gen;
    memset(g, 0, sizeof(*g));
    g->rng = mix64(seed * 0x9e3779b97f4a7c15ULL + index);
    g->lay = lay;
    g->s = s;
    g->group_mask = group_mask;
    g->limit = DT_CODE_SIZE - 512;
    g->def32 = bits == 32;
    s->bits = (uint8_t)bits;
    s->len = 0;
    s->ninsn = 0;
    s->mem_seed = rnd(g);
    memset(s->code, 0xf4, DT_CODE_SIZE);
    if (chance(g, 5)) {
        /* Run into the end of the code: the last instruction may cross
         * into the (no-execute) sandbox, or the HLT after it lie there. */
        s->len = DT_CODE_SIZE - 320 - rn(g, 256);
        g->limit = DT_CODE_SIZE;
    }
    unsigned start = s->len;
    if (g->def32) {
        g->cs_base = 0;
        g->data_limit = 0xffffffffu;
        g->stack_lo = lay->stack_lo;
        g->stack_hi = lay->stack_hi;
    } else {
        /* 16-bit code: CS based at the code, 64 KiB data segments. */
        g->cs_base = lay->code_base;
        g->data_limit = 0xffff;
        g->stack_lo = 0xb000;
        g->stack_hi = 0xf800;
    }

    memset(&s->init, 0, sizeof(s->init));
    for (int r = 0; r < 8; r++) {
        s->init.r[r] = interesting(g, 4);
    }
    uint32_t sp = g->stack_lo + rn(g, g->stack_hi - g->stack_lo);
    if (chance(g, 90)) {
        sp &= ~3u;
    }
    if (!g->def32) {
        sp |= interesting(g, 4) & 0xffff0000u; /* SP is 16 bits */
    }
    s->init.r[DT_ESP] = sp;
    s->init.eflags = random_flags(g);
    dt_fpu_default(&s->init.fpu);
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (((group_mask >> i) & 1) && dt_groups[i].sse) {
            gen_sse_init(g);
            break;
        }
    }
    g->sse3 = (group_mask & DT_GEN_SSE) != 0;
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (((group_mask >> i) & 1) && dt_groups[i].gen == gen_x87) {
            gen_x87_init(g);
        }
    }
    s->init.eip = lay->code_base + start - g->cs_base;

    if (ninsn > DT_MAX_INSNS - 64) {
        ninsn = DT_MAX_INSNS - 64;
    }
    while (s->ninsn < ninsn && s->len < g->limit) {
        gen_item(g, true);
    }
}

void dt_truncate(DtStream *dst, const DtStream *s, unsigned n)
{
    *dst = *s;
    if (n < s->ninsn) {
        dst->ninsn = n;
        dst->len = s->insn[n].off;
    }
}

void dt_fill_sandbox(uint8_t *buf, uint64_t mem_seed)
{
    uint64_t st = mem_seed;
    for (unsigned i = 0; i < DT_SBX_SIZE; i += 8) {
        st += 0x9e3779b97f4a7c15ULL;
        uint64_t v = mix64(st);
        /* Some zero and all-ones bytes, for BSF, CMPXCHG and friends. */
        switch (v & 15) {
        case 0: v = 0; break;
        case 1: v = ~0ULL; break;
        default: break;
        }
        memcpy(buf + i, &v, 8);
    }
}
