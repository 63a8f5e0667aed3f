/*
 * The stream generator: seeded random 16-, 32- or 64-bit user-mode code
 * from the instruction groups, with every memory operand pointed into the
 * sandbox (mostly: a few go astray on purpose, to compare faults) and
 * every branch kept inside the stream.
 *
 * A group is one entry in dt_groups: functions that emit one item, for
 * 16/32-bit and for 64-bit code. An item is the instruction under test,
 * preceded by setup instructions (MOV reg, imm; MOV [mem], imm; PUSH imm
 * + POPF) that make its operands interesting or valid. Setup
 * instructions are compared like any other.
 *
 * This file holds what the groups share (gen.h): random numbers, the
 * mode, emitting, setup instructions and operands; gen_addr.c adds where
 * memory operands point and how they are addressed.
 */
#include "tools/difftest/gen.h"

#include <string.h>

/* --- random numbers and values (vals.c) --- */

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

uint64_t interesting(DtGen *g, unsigned size)
{
    return size == 8 ? dt_interesting64(&g->rng)
                     : dt_interesting32(&g->rng, size);
}

/* --- the mode --- */

unsigned nregs(const DtGen *g)
{
    return g->bits == 64 && !g->norex ? 16 : 8;
}

unsigned def_os(const DtGen *g)
{
    return g->bits == 16 ? 2 : 4;
}

unsigned def_as(const DtGen *g)
{
    return g->bits / 8;
}

unsigned pick_os(DtGen *g, unsigned pct)
{
    return chance(g, pct) ? 6 - def_os(g) : def_os(g);
}

unsigned pick_as(DtGen *g, unsigned pct)
{
    if (!chance(g, pct)) {
        return def_as(g);
    }
    return g->bits == 64 ? 4 : 6 - def_as(g);
}

unsigned pick_size(DtGen *g)
{
    if (g->bits == 64) {
        unsigned r = rn(g, 20);
        return r < 4 ? 1 : r < 7 ? 2 : r < 13 ? 4 : 8;
    }
    unsigned r = rn(g, 4);
    return r == 0 ? 2 : r == 3 ? 1 : 4;
}

unsigned wide_size(const DtGen *g)
{
    return g->bits == 64 ? 8 : 4;
}

void pick_byte_regs(DtGen *g, unsigned size)
{
    if (g->bits == 64) {
        g->norex = size == 1 && chance(g, 35);
    }
}

bool rex_w(DtGen *g, unsigned pct)
{
    return g->bits == 64 && chance(g, pct);
}

unsigned rex_b(unsigned r)
{
    return r >= 8 ? REX_B : 0;
}

unsigned rex_r(unsigned r)
{
    return r >= 8 ? REX_R : 0;
}

/* --- emitting --- */

void byte(DtGen *g, uint8_t b)
{
    DtStream *s = g->s;
    if (s->len < DT_CODE_SIZE) {
        s->code[s->len++] = b;
    }
}

void imm(DtGen *g, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        byte(g, (uint8_t)(v >> (8 * i)));
    }
}

void patch8(DtGen *g, unsigned at, uint8_t b)
{
    if (at < g->s->len) {
        g->s->code[at] = b;
    }
}

void patch(DtGen *g, unsigned at, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        patch8(g, at + i, (uint8_t)(v >> (8 * i)));
    }
}

uint64_t here(const DtGen *g)
{
    return g->lay->code_base + g->s->len - g->cs_base;
}

void ins_begin(DtGen *g)
{
    g->start = g->s->len;
    g->flag_mask = 0;
    g->reg_mask = 0;
    g->fpu_tol = 0;
    g->rip_at = -1;
}

static void ins_record(DtGen *g, unsigned group)
{
    DtStream *s = g->s;
    if (g->rip_at >= 0) {
        /* RIP-relative: the displacement counts from the next
         * instruction. */
        patch(g, (unsigned)g->rip_at, g->rip_target - here(g), 4);
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

void prefixes(DtGen *g, bool lock, uint8_t seg, unsigned os, unsigned as,
              uint8_t rep, unsigned rex)
{
    uint8_t p[8];
    unsigned n = 0;
    if (lock) {
        p[n++] = 0xf0;
    }
    if (seg) {
        p[n++] = seg;
    }
    if ((os == 2 || os == 4) && os != def_os(g)) {
        p[n++] = 0x66;
    }
    if (as && as != def_as(g)) {
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
    /* An item with AH-BH (norex) gets a REX only where its setup needs
     * one (R8-R15, 64-bit values). */
    bool needed = (rex & ~REX_ON) != 0;
    if (g->bits == 64 && (needed || (!g->norex && (rex || chance(g, 8))))) {
        byte(g, (uint8_t)(REX_ON | rex));
    }
}

/* --- setup instructions --- */

unsigned set_reg_at(DtGen *g, unsigned r, unsigned size, uint64_t v)
{
    g->avoid |= (uint16_t)(1u << phys_reg(g, r, size));
    ins_begin(g);
    prefixes(g, false, 0, size, 0, 0,
             rex_b(r) | (size == 8 ? REX_W : 0) |
                 (size == 1 && r >= 4 ? REX_ON : 0));
    byte(g, (uint8_t)((size == 1 ? 0xb0 : 0xb8) + (r & 7)));
    unsigned at = g->s->len;
    imm(g, v, size);
    setup_end(g);
    return at;
}

void set_reg(DtGen *g, unsigned r, unsigned size, uint64_t v)
{
    if (size == 8) {
        /* The shorter forms where the value fits: MOV r32, imm32
         * zero-extends, MOV r/m64, imm32 sign-extends. */
        unsigned form = rn(g, 3);
        if (form == 0 && v <= 0xffffffffULL) {
            size = 4;
        } else if (form == 1 && (uint64_t)(int64_t)(int32_t)v == v) {
            g->avoid |= (uint16_t)(1u << r);
            ins_begin(g);
            prefixes(g, false, 0, 8, 0, 0, REX_W | rex_b(r));
            byte(g, 0xc7);
            byte(g, (uint8_t)(0xc0 | (r & 7)));
            imm(g, v, 4);
            setup_end(g);
            return;
        }
    }
    set_reg_at(g, r, size, v);
}

/* Prefixes, opcode @op and ModRM.reg @regf for the absolute address
 * @addr: [disp16] in 16-bit code where it fits, else [disp32] (through a
 * SIB in 64-bit code, where ModRM 05 is RIP-relative). */
static void abs_operand(DtGen *g, uint8_t op, unsigned regf, uint64_t addr,
                        unsigned os, unsigned rex)
{
    bool a16 = g->bits == 16 && addr < 0x10000;
    prefixes(g, false, 0, os, g->bits == 64 ? 0 : a16 ? 2 : 4, 0, rex);
    byte(g, op);
    if (g->bits == 64) {
        byte(g, (uint8_t)((regf & 7) << 3 | 4));
        byte(g, 0x25);
    } else {
        byte(g, (uint8_t)((regf & 7) << 3 | (a16 ? 6 : 5)));
    }
    imm(g, addr, a16 ? 2 : 4);
}

int set_mem_at(DtGen *g, uint64_t addr, unsigned size, uint64_t v)
{
    if (!in_sandbox(g, addr, size)) {
        return -1;
    }
    if (size == 8) {
        int at = set_mem_at(g, addr, 4, v);
        set_mem_at(g, addr + 4, 4, v >> 32);
        return at;
    }
    ins_begin(g);
    abs_operand(g, size == 1 ? 0xc6 : 0xc7, 0, addr, size, 0);
    unsigned at = g->s->len;
    imm(g, v, size);
    setup_end(g);
    return (int)at;
}

void set_mem(DtGen *g, uint64_t addr, unsigned size, uint64_t v)
{
    set_mem_at(g, addr, size, v);
}

void load_reg(DtGen *g, unsigned r, uint64_t addr, unsigned size)
{
    if (!in_sandbox(g, addr, size)) {
        return;
    }
    g->avoid |= (uint16_t)(1u << phys_reg(g, r, size));
    ins_begin(g);
    abs_operand(g, size == 1 ? 0x8a : 0x8b, r, addr, size,
                rex_r(r) | (size == 8 ? REX_W : 0) |
                    (size == 1 && r >= 4 ? REX_ON : 0));
    setup_end(g);
}

uint32_t random_flags(DtGen *g)
{
    uint32_t f = (uint32_t)rnd(g) & DT_FL_ARITH;
    if (chance(g, 3)) {
        f |= DT_FL_AC; /* CR0.AM is on: misaligned accesses raise #AC */
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

/* PUSH imm32; POPF with a 32- or 64-bit operand (POPFD, POPFQ). */
static void set_flags(DtGen *g)
{
    ins_begin(g);
    prefixes(g, false, 0, 4, 0, 0, 0);
    byte(g, 0x68);
    imm(g, random_flags(g), 4);
    setup_end(g);
    ins_begin(g);
    prefixes(g, false, 0, 4, 0, 0, 0);
    byte(g, 0x9d);
    setup_end(g);
}

void maybe_flags(DtGen *g, unsigned percent)
{
    if (chance(g, percent)) {
        set_flags(g);
    }
}

void maybe_value(DtGen *g, unsigned r, unsigned size, unsigned pct)
{
    if (chance(g, pct) && phys_reg(g, r, size) != DT_ESP) {
        set_reg(g, r, size, interesting(g, size));
    }
}

/* --- operands --- */

unsigned phys_reg(const DtGen *g, unsigned r, unsigned size)
{
    return size == 1 && nregs(g) == 8 && r >= 4 ? r - 4 : r;
}

unsigned pick_reg(DtGen *g, unsigned size, bool dst)
{
    for (;;) {
        unsigned r = rn(g, nregs(g));
        if (phys_reg(g, r, size) != DT_ESP || !dst || chance(g, 2)) {
            return r;
        }
    }
}

uint64_t sbx_end(const DtGen *g)
{
    uint64_t end = (uint64_t)g->lay->sbx_base + DT_SBX_SIZE;
    return end - 1 > g->data_limit ? (uint64_t)g->data_limit + 1 : end;
}

bool in_sandbox(const DtGen *g, uint64_t addr, unsigned size)
{
    uint64_t end = sbx_end(g);
    return addr >= g->lay->sbx_base && addr < end && size <= end - addr;
}

Ea reg_E(unsigned r)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.reg = (uint8_t)r;
    e.mod = 3;
    e.rm = r & 7;
    e.rex = (uint8_t)rex_b(r);
    return e;
}

Ea pick_E(DtGen *g, unsigned size, unsigned flags)
{
    bool mem = (flags & E_MEM) && (!(flags & E_REG) || chance(g, 45));
    if (mem) {
        return mem_at(g, pick_addr(g, size), flags);
    }
    Ea e = reg_E(pick_reg(g, size, flags & E_DST));
    e.byte = size == 1;
    return e;
}

/* Prefixes and REX for op_E(). */
static void ea_prefixes(DtGen *g, const Ea *e, unsigned regf, unsigned os,
                        bool lock)
{
    unsigned rex = e->rex | rex_r(regf) | (os == 8 ? REX_W : 0);
    /* SPL-DIL need a REX, AH-BH must not have one. */
    if ((os == 1 && regf >= 4 && regf < 8) ||
        ((os == 1 || e->byte) && !e->mem && e->reg >= 4 && e->reg < 8)) {
        rex |= REX_ON;
    }
    prefixes(g, lock, e->seg, os, e->mem ? e->as : 0, 0, rex);
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
    if (e->riprel) {
        g->rip_at = (int)g->s->len;
        g->rip_target = e->target;
    }
    imm(g, e->disp, e->disp_size);
}

void op_E(DtGen *g, const Ea *e, unsigned regf, unsigned os, bool lock,
          unsigned op)
{
    ea_prefixes(g, e, regf, os, lock);
    if (op > 0xff) {
        byte(g, (uint8_t)(op >> 8));
    }
    byte(g, (uint8_t)op);
    modrm(g, e, regf);
}

/* --- items and streams --- */

const DtGroup dt_groups[] = {
    {"alu", "ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NOT NEG", gen_alu,
     gen_alu, 20, false},
    {"muldiv", "MUL IMUL DIV IDIV", gen_muldiv, gen_muldiv, 8, false},
    {"shift", "ROL ROR RCL RCR SHL SHR SAL SAR SHLD SHRD", gen_shift,
     gen_shift, 10, false},
    {"bcd", "DAA DAS AAA AAS AAM AAD", gen_bcd, NULL, 4, false},
    {"bit", "BT BTS BTR BTC BSF BSR BSWAP SETcc CMOVcc", gen_bit, gen_bit, 8,
     false},
    {"move", "MOV LEA XCHG MOVZX MOVSX MOVSXD CBW CWD XLAT LAHF SAHF SALC "
     "ARPL NOP", gen_move, gen_move, 14, false},
    {"stack", "PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE", gen_stack,
     gen_stack, 8, false},
    {"string", "MOVS CMPS STOS LODS SCAS with REP prefixes", gen_string,
     gen_string, 6, false},
    {"atomic", "XADD CMPXCHG CMPXCHG8B CMPXCHG16B (LOCK)", gen_atomic,
     gen_atomic, 5, false},
    {"branch", "Jcc JMP LOOP JECXZ CALL RET", gen_branch, gen_branch, 7,
     false},
    {"prefix", "redundant and ignored prefixes", gen_prefix, gen_prefix64, 3,
     false},
    {"fault", "BOUND INTO INT3 ICEBP UD2 #UD encodings, bad LOCK, HLT, "
     "privileged and non-canonical", gen_fault, gen_fault64, 2, false},
    {"ssefp", "SSE-SSE3 float arithmetic, MIN MAX SQRT RCP RSQRT, CMPcc, "
     "COMIS, logic, ADDSUB HADD HSUB", gen_ssefp, gen_ssefp, 24, true},
    {"ssecvt", "CVT* between float32, float64, int32/64, MMX and GPRs",
     gen_ssecvt, gen_ssecvt, 10, true},
    {"ssemov", "MOV* MOVNT* MASKMOV MOVMSK shuffles unpacks LDMXCSR "
     "STMXCSR fences FXSAVE FXRSTOR", gen_ssemov, gen_ssemov, 14, true},
    {"sseint", "SSE2 integer on XMM, SSE/SSE2 additions to MMX, SSSE3",
     gen_sseint, gen_sseint, 20, true},
    {"x87", "x87 loads, stores, arithmetic, compares, transcendentals, "
     "control, FSTENV FSAVE and their restores, random FCW", gen_x87, NULL,
     30, false},
    {"far", "JMP CALL RET far, IRETQ (to compatibility mode and back), "
     "MOV Sreg, LAR LSL VERR VERW", NULL, gen_far, 3, false},
};

const unsigned dt_group_count = sizeof(dt_groups) / sizeof(dt_groups[0]);

/* The generator of group @i for this stream, or NULL. */
static DtGenFn *gen_of(const DtGen *g, unsigned i)
{
    if (!((g->group_mask >> i) & 1)) {
        return NULL;
    }
    return g->bits == 64 ? dt_groups[i].gen64 : dt_groups[i].gen;
}

static bool usable(const DtGen *g, unsigned i, bool allow_branch)
{
    DtGenFn *f = gen_of(g, i);
    return f && (allow_branch || f != gen_branch) &&
           (g->depth == 0 || (f != gen_fault && f != gen_fault64));
}

static void gen_item(DtGen *g, bool allow_branch)
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
            unsigned group = g->group;
            bool norex = g->norex;
            g->group = i;
            g->avoid = 0;
            g->norex = false;
            g->depth++;
            gen_of(g, i)(g);
            g->depth--;
            g->norex = norex;
            g->group = group;
            return;
        }
        pick -= dt_groups[i].weight;
    }
}

void gen_nested_item(DtGen *g)
{
    gen_item(g, false);
}

void dt_gen_stream(DtStream *s, const DtLayout *lay, uint64_t seed,
                   uint64_t index, uint64_t group_mask, unsigned ninsn,
                   unsigned bits)
{
    DtGen gen;
    DtGen *g = &gen;
    memset(g, 0, sizeof(*g));
    g->rng = dt_mix64(seed * 0x9e3779b97f4a7c15ULL + index +
                      (bits == 64 ? 0x64 : 0));
    g->lay = lay;
    g->s = s;
    g->group_mask = group_mask;
    g->limit = DT_CODE_SIZE - 512;
    g->bits = bits;
    g->rip_at = -1;
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
    if (bits == 16) {
        /* CS based at the code, 64 KiB data segments. */
        g->cs_base = lay->code_base;
        g->data_limit = 0xffff;
        g->stack_lo = 0xb000;
        g->stack_hi = 0xf800;
    } else {
        g->cs_base = 0;
        g->data_limit = 0xffffffffu;
        g->stack_lo = lay->stack_lo;
        g->stack_hi = lay->stack_hi;
    }

    memset(&s->init, 0, sizeof(s->init));
    for (unsigned r = 0; r < nregs(g); r++) {
        s->init.r[r] = interesting(g, wide_size(g));
    }
    uint64_t sp = g->stack_lo + rn(g, (uint32_t)(g->stack_hi - g->stack_lo));
    if (chance(g, 90)) {
        sp &= ~(uint64_t)(wide_size(g) - 1);
    }
    if (bits == 16) {
        sp |= interesting(g, 4) & 0xffff0000u; /* SP is 16 bits */
    }
    s->init.r[DT_ESP] = sp;
    s->init.eflags = random_flags(g);
    dt_fpu_default(&s->init.fpu);
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (gen_of(g, i) && dt_groups[i].sse) {
            gen_sse_init(g);
            break;
        }
    }
    g->sse3 = (group_mask & DT_GEN_SSE) != 0;
    for (unsigned i = 0; i < dt_group_count; i++) {
        if (gen_of(g, i) == gen_x87) {
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
        uint64_t v = dt_mix64(st);
        /* Some zero and all-ones bytes, for BSF, CMPXCHG and friends. */
        switch (v & 15) {
        case 0: v = 0; break;
        case 1: v = ~0ULL; break;
        default: break;
        }
        memcpy(buf + i, &v, 8);
    }
}
