/*
 * The fault and prefix groups of the stream generator: instructions that
 * end a stream with an exception (or, for INT1, a passing BOUND or INTO,
 * do not), encodings to check #UD on, and redundant or ignored prefixes
 * on ordinary instructions.
 *
 * The two modes share a few kinds (INT3 and friends, undefined 0F
 * opcodes, misplaced LOCK, instructions too long, register forms of
 * memory-only instructions); the rest is each mode's own: BOUND, the
 * undefined group members and UD2/HLT/CLI/STI for 16/32-bit code, and for
 * 64-bit code the opcodes it dropped, non-canonical addresses, stacks and
 * branch targets, privileged instructions, misaligned CMPXCHG16B and
 * the rules of REX.
 */
#include "tools/difftest/gen.h"

/* --- shared kinds --- */

/* INTO (not in 64-bit code), INT1 (ICEBP), INT3, INT 3, INT 4. */
static void fault_int(DtGen *g)
{
    static const uint8_t ops[] = {0xf1, 0xcc, 0xcd, 0xcd, 0xce, 0xce};
    maybe_flags(g, 60);
    uint8_t op = ops[rn(g, g->bits == 64 ? 4 : 6)];
    ins_begin(g);
    byte(g, op);
    if (op == 0xcd) {
        byte(g, (uint8_t)(3 + rn(g, 2)));
    }
    ins_end(g);
}

/* Undefined 0F xx, the same on the P6 and on today's CPUs (in 64-bit
 * code now and then after a REX). */
static void fault_ud0f(DtGen *g)
{
    static const uint8_t ud_0f[] = {0x04, 0x0a, 0x0c, 0x0e, 0x0f, 0x24, 0x25,
                                    0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c,
                                    0x3d, 0x3e, 0x3f, 0x0b, 0xa6, 0xa7,
                                    0xaa, 0xff, 0xb9};
    uint8_t op = ud_0f[rn(g, sizeof(ud_0f))];
    ins_begin(g);
    if (g->bits == 64 && chance(g, 30)) {
        byte(g, (uint8_t)(REX_ON | rn(g, 16)));
    }
    byte(g, 0x0f);
    byte(g, op);
    if (op == 0xb9 || op == 0xff) {
        byte(g, (uint8_t)(0xc0 | rn(g, 64)));
    }
    ins_end(g);
}

/* LOCK where it is not allowed: a register destination, MOV, CMP, TEST,
 * an instruction without ModRM. */
static void fault_lock(DtGen *g)
{
    unsigned size = wide_size(g);
    unsigned form = rn(g, 4);
    Ea e = pick_E(g, size, form == 0 ? E_REG | E_DST : E_REG | E_MEM);
    unsigned regf = rn(g, nregs(g));
    unsigned op;
    switch (form) {
    case 0: op = 8 * rn(g, 7) + 1; break;       /* ALU op Ev,Gv */
    case 1: op = chance(g, 50) ? 0x89 : 0x8b; break;
    case 2: op = chance(g, 50) ? 0x39 : 0x85; break;
    default:
        /* NOP, or INC EAX outside 64-bit code (40 is REX there) */
        ins_begin(g);
        byte(g, 0xf0);
        byte(g, g->bits == 64 || chance(g, 50) ? 0x90 : 0x40);
        ins_end(g);
        return;
    }
    ins_begin(g);
    op_E(g, &e, regf, size, true, op);
    ins_end(g);
}

/* More than 15 bytes: redundant prefixes before ADD eAX, imm32. */
static void fault_too_long(DtGen *g)
{
    static const uint8_t pfx[] = {0x3e, 0x26, 0x36, 0x66, 0x67};
    unsigned n = 11 + rn(g, 5);
    ins_begin(g);
    for (unsigned i = 0; i < n; i++) {
        byte(g, pfx[rn(g, 5)]);
    }
    prefixes(g, false, 0, wide_size(g), 0, 0, g->bits == 64 ? REX_W : 0);
    byte(g, 0x81);
    byte(g, 0xc0);
    imm(g, 0, 4);
    ins_end(g);
}

/* Register forms of memory-only instructions (LEA, LSS, LFS, LGS; not
 * C4/C5 or 62: with mod 11 those are VEX/EVEX prefixes today). */
static void fault_reg_form(DtGen *g)
{
    static const uint8_t ops[] = {0xb2, 0xb4, 0xb5};
    ins_begin(g);
    prefixes(g, false, 0, 0, 0, 0, 0);
    if (chance(g, 40)) {
        byte(g, 0x8d);
    } else {
        byte(g, 0x0f);
        byte(g, ops[rn(g, 3)]);
    }
    byte(g, (uint8_t)(0xc0 | rn(g, 64)));
    ins_end(g);
}

/* --- 16/32-bit code --- */

/* BOUND, mostly with the index inside or just outside the bounds. */
static void fault_bound(DtGen *g)
{
    unsigned size = chance(g, 30) ? 2 : 4;
    uint64_t addr = pick_addr(g, 2 * size);
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
    op_E(g, &e, r, size, false, 0x62);
    ins_end(g);
}

/* Undefined members of the opcode groups. */
static void fault_group(DtGen *g)
{
    Ea e = pick_E(g, 4, E_REG | E_MEM);
    switch (rn(g, 5)) {
    case 0: {
        unsigned regf = 2 + rn(g, 6);
        ins_begin(g);
        op_E(g, &e, regf, 0, false, 0xfe);
        break;
    }
    case 1:
        ins_begin(g);
        op_E(g, &e, 7, 0, false, 0xff);
        break;
    case 2: {
        unsigned regf = 1 + rn(g, 7);
        ins_begin(g);
        op_E(g, &e, regf, 0, false, 0x8f);
        break;
    }
    case 3: {
        unsigned regf = rn(g, 4);
        ins_begin(g);
        op_E(g, &e, regf, 0, false, 0x0fba);
        byte(g, (uint8_t)rn(g, 256));
        break;
    }
    default: { /* 0F C7 /0 and /2 */
        unsigned regf = rn(g, 2) * 2;
        ins_begin(g);
        op_E(g, &e, regf, 0, false, 0x0fc7);
        break;
    }
    }
    ins_end(g);
}

void gen_fault(DtGen *g)
{
    switch (rn(g, 10)) {
    case 0:
    case 1:
        fault_bound(g);
        break;
    case 2:
        fault_int(g);
        break;
    case 3:
        fault_ud0f(g);
        break;
    case 4:
        fault_group(g);
        break;
    case 5: { /* C6/C7 /1-/6 (and /7 with memory) */
        Ea e = pick_E(g, 4, E_REG | E_MEM);
        unsigned regf = 1 + rn(g, e.mem ? 7 : 6);
        unsigned op = chance(g, 50) ? 0xc6 : 0xc7;
        ins_begin(g);
        op_E(g, &e, regf, 0, false, op);
        imm(g, rnd(g), 4);
        ins_end(g);
        break;
    }
    case 6:
        fault_lock(g);
        break;
    case 7:
        fault_too_long(g);
        break;
    case 8: { /* UD2, HLT, CLI, STI */
        static const uint8_t ops[] = {0x0b, 0xf4, 0xfa, 0xfb};
        uint8_t op = ops[rn(g, 4)];
        ins_begin(g);
        if (op == 0x0b) {
            byte(g, 0x0f);
        }
        byte(g, op);
        ins_end(g);
        break;
    }
    default:
        fault_reg_form(g);
        break;
    }
}

/* Redundant prefixes on ordinary instructions. */
void gen_prefix(DtGen *g)
{
    static const uint8_t pfx[] = {0x26, 0x2e, 0x36, 0x3e, 0x66, 0x66};
    unsigned n = 1 + rn(g, 4);
    unsigned gr = pick_reg(g, 4, true);
    Ea e = pick_E(g, 4, E_REG | E_MEM | E_NOSEG);
    ins_begin(g);
    for (unsigned i = 0; i < n; i++) {
        byte(g, pfx[rn(g, 6)]);
    }
    if (chance(g, 20)) {
        byte(g, chance(g, 50) ? 0xf2 : 0xf3); /* ignored by ALU ops */
    }
    if (e.mem && e.as != def_as(g)) {
        byte(g, 0x67);
    }
    byte(g, (uint8_t)(rn(g, 8) * 8 + 3)); /* op Gv, Ev */
    modrm(g, &e, gr);
    ins_end(g);
}

/* --- 64-bit code --- */

/* A memory operand at a non-canonical address: #GP, or #SS through
 * RBP. */
static void fault_noncanonical(DtGen *g)
{
    uint64_t addr = chance(g, 50) ? 0x0000800000000000ULL + rn(g, 0x1000)
                                  : 0xffff800000000000ULL - 1 - rn(g, 0x1000);
    Ea e;
    if (chance(g, 40)) {
        /* [RBP + disp8]: the stack segment. */
        set_reg(g, DT_EBP, 8, addr);
        e = reg_E(DT_EBP);
        e.mem = true;
        e.mod = 1;
        e.as = 8;
        e.disp = rn(g, 8);
        e.disp_size = 1;
    } else {
        e = mem_at(g, addr, 0);
    }
    unsigned r = pick_reg(g, 8, true);
    ins_begin(g);
    op_E(g, &e, r, 8, false, 0x8b);
    ins_end(g);
}

/* A branch to a non-canonical target: #GP at the branch. */
static void fault_far_target(DtGen *g)
{
    unsigned r = 1 + rn(g, 3);
    set_reg(g, r, 8, 0x0000800000000000ULL + rn(g, 0x100));
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
}

/* Privileged at CPL 3: #GP(0). */
static void fault_privileged(DtGen *g)
{
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
}

void gen_fault64(DtGen *g)
{
    /* Gone in 64-bit mode (not C4/C5/62: VEX and EVEX on the host). */
    static const uint8_t ud64[] = {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f,
                                   0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0xce,
                                   0xd4, 0xd5, 0xd6};
    switch (rn(g, 12)) {
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
        if (chance(g, 33)) {
            byte(g, 0x82);
            byte(g, (uint8_t)(0xc0 | rn(g, 64)));
            byte(g, 1);
        } else {
            byte(g, chance(g, 50) ? 0xea : 0x9a);
            imm(g, rnd(g), 6);
        }
        ins_end(g);
        break;
    case 2:
        fault_noncanonical(g);
        break;
    case 3: { /* a non-canonical stack: PUSH/POP/CALL raise #SS(0) */
        uint64_t sp = chance(g, 50) ? 0x0000800000000008ULL + 8 * rn(g, 4)
                                    : 0xffff800000000000ULL - 8 * rn(g, 4);
        set_reg(g, DT_ESP, 8, sp);
        ins_begin(g);
        switch (rn(g, 3)) {
        case 0: byte(g, 0x50); break;
        case 1: byte(g, 0x58); break;
        default: byte(g, 0xe8); imm(g, 0, 4); break;
        }
        ins_end(g);
        break;
    }
    case 4:
        fault_far_target(g);
        break;
    case 5:
        fault_int(g);
        break;
    case 6:
        fault_ud0f(g);
        break;
    case 7:
        fault_lock(g);
        break;
    case 8:
        fault_too_long(g);
        break;
    case 9:
        fault_privileged(g);
        break;
    case 10: /* CMPXCHG16B misaligned, and UD2 */
        if (chance(g, 50)) {
            ins_begin(g);
            byte(g, 0x0f);
            byte(g, 0x0b);
        } else {
            uint64_t addr = (g->lay->sbx_base + rn(g, DT_SBX_SIZE / 2)) | 8;
            Ea e = mem_at(g, addr, 0);
            ins_begin(g);
            op_E(g, &e, 1, 8, false, 0x0fc7);
        }
        ins_end(g);
        break;
    default:
        fault_reg_form(g);
        break;
    }
}

/* Redundant, ignored and overridden prefixes (REX among them) on
 * ordinary instructions. */
void gen_prefix64(DtGen *g)
{
    static const uint8_t segs[] = {0x26, 0x2e, 0x36, 0x3e};
    unsigned gr = pick_reg(g, 8, true);
    Ea e = pick_E(g, 8, E_REG | E_MEM | E_NOSEG);
    unsigned form = rn(g, 6);
    unsigned rex = e.rex | rex_r(gr);
    maybe_value(g, gr, 8, 30);
    ins_begin(g);
    if (e.mem && e.as != def_as(g)) {
        byte(g, 0x67);
    }
    switch (form) {
    case 0: /* a REX followed by another prefix is ignored */
        byte(g, (uint8_t)(REX_ON | rn(g, 16)));
        byte(g, chance(g, 50) ? 0x66 : segs[rn(g, 4)]);
        if (chance(g, 50)) {
            byte(g, (uint8_t)(REX_ON | rex | (chance(g, 50) ? REX_W : 0)));
        } else if (rex) {
            byte(g, (uint8_t)(REX_ON | rex));
        }
        break;
    case 1: /* two REX prefixes: the last counts */
        byte(g, (uint8_t)(REX_ON | rn(g, 16)));
        byte(g, (uint8_t)(REX_ON | rex | (chance(g, 50) ? REX_W : 0)));
        break;
    case 2: /* 66 with REX.W: W wins */
        byte(g, 0x66);
        byte(g, (uint8_t)(REX_ON | REX_W | rex));
        break;
    case 3: /* ignored segment prefixes */
        for (unsigned i = 1 + rn(g, 3); i > 0; i--) {
            byte(g, segs[rn(g, 4)]);
        }
        if (rex || chance(g, 50)) {
            byte(g, (uint8_t)(REX_ON | rex | (chance(g, 50) ? REX_W : 0)));
        }
        break;
    case 4: /* F2/F3 on an ALU op, REX.W */
        byte(g, chance(g, 50) ? 0xf2 : 0xf3);
        byte(g, (uint8_t)(REX_ON | REX_W | rex));
        break;
    default: /* up to four redundant 66/segment prefixes */
        for (unsigned i = 1 + rn(g, 4); i > 0; i--) {
            byte(g, chance(g, 30) ? 0x66 : segs[rn(g, 4)]);
        }
        byte(g, (uint8_t)(REX_ON | rex | (chance(g, 70) ? REX_W : 0)));
        break;
    }
    byte(g, (uint8_t)(rn(g, 8) * 8 + 3)); /* op Gv, Ev */
    modrm(g, &e, gr);
    ins_end(g);
}
