/*
 * The integer groups of the stream generator, for 16-, 32- and 64-bit
 * code: ALU, multiply and divide, shifts, BCD, bit instructions, moves,
 * the stack, strings, atomics and branches (gen_fault.c: faults and
 * redundant prefixes).
 *
 * Operand sizes, registers, REX and addressing come from the helpers in
 * gen.c and gen_addr.c, which know the mode. What 64-bit code adds to a
 * group - 64-bit operands and immediates, SPL-DIL, MOVSXD, CMPXCHG16B,
 * non-canonical pointers, the prefixes it ignores - is marked where it
 * comes, and so are the opcodes it dropped (INC/DEC r, ARPL, PUSHA,
 * SALC, the segment pushes), which 16/32-bit code keeps.
 */
#include "tools/difftest/gen.h"

/* Immediate size of an Iz operand: 64-bit operations sign-extend an
 * imm32. */
static unsigned iz(unsigned size)
{
    return size == 8 ? 4 : size;
}

/* @size, or the widest size of the mode for instructions without a byte
 * form. */
static unsigned no_byte(DtGen *g, unsigned size)
{
    if (size != 1) {
        return size;
    }
    g->norex = false;
    return wide_size(g);
}

/* ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NOT NEG */
void gen_alu(DtGen *g)
{
    unsigned size = pick_size(g);
    pick_byte_regs(g, size);
    unsigned w = size != 1;
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
        op_E(g, &e, gr, size, lock, op * 8 + (to_e ? 0 : 2) + w);
        ins_end(g);
        break;
    }
    case 3: /* AL/AX/EAX/RAX, imm */
        maybe_value(g, DT_EAX, size, 30);
        ins_begin(g);
        prefixes(g, false, 0, size, 0, 0, size == 8 ? REX_W : 0);
        byte(g, (uint8_t)(op * 8 + 4 + w));
        imm(g, interesting(g, size), iz(size));
        ins_end(g);
        break;
    case 4: { /* group 1: 80 81 83, and 82 (80 outside 64-bit code) */
        Ea e = pick_E(g, size, E_REG | E_MEM | (op != 7 ? E_DST : 0));
        bool lock = e.mem && op != 7 && chance(g, 20);
        unsigned opc = size != 1 ? (chance(g, 50) ? 0x83 : 0x81)
                       : g->bits != 64 && chance(g, 15) ? 0x82
                                                        : 0x80;
        ins_begin(g);
        op_E(g, &e, op, size, lock, opc);
        imm(g, interesting(g, size), opc == 0x81 ? iz(size) : 1);
        ins_end(g);
        break;
    }
    case 5: { /* TEST */
        unsigned form = rn(g, 3);
        if (form == 0) {
            unsigned gr = pick_reg(g, size, false);
            Ea e = pick_E(g, size, E_REG | E_MEM);
            ins_begin(g);
            op_E(g, &e, gr, size, false, 0x84 + w);
        } else if (form == 1) {
            ins_begin(g);
            prefixes(g, false, 0, size, 0, 0, size == 8 ? REX_W : 0);
            byte(g, (uint8_t)(0xa8 + w));
            imm(g, interesting(g, size), iz(size));
        } else {
            Ea e = pick_E(g, size, E_REG | E_MEM);
            unsigned regf = rn(g, 4) ? 0 : 1; /* /1 is an alias */
            ins_begin(g);
            op_E(g, &e, regf, size, false, 0xf6 + w);
            imm(g, interesting(g, size), iz(size));
        }
        ins_end(g);
        break;
    }
    case 6:
        if (g->bits == 64) {
            /* 40-4F are REX: register, register instead (a 32-bit
             * result clears the top half), now and then one register */
            unsigned a = pick_reg(g, size, op != 7);
            unsigned b = chance(g, 20) ? a : pick_reg(g, size, false);
            maybe_value(g, a, size, 40);
            maybe_value(g, b, size, 40);
            Ea e = reg_E(a);
            ins_begin(g);
            op_E(g, &e, b, size, false, op * 8 + w);
        } else {
            /* INC/DEC r16/r32 */
            size = no_byte(g, size);
            unsigned r = pick_reg(g, size, true);
            maybe_value(g, r, size, 30);
            ins_begin(g);
            prefixes(g, false, 0, size, 0, 0, 0);
            byte(g, (uint8_t)(0x40 + (rn(g, 2) ? 8 : 0) + r));
        }
        ins_end(g);
        break;
    case 7:
    case 8: { /* INC DEC (FE/FF), NOT NEG (F6/F7) */
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        bool lock = e.mem && chance(g, 20);
        unsigned regf = kind == 7 ? rn(g, 2) : 2 + rn(g, 2);
        ins_begin(g);
        op_E(g, &e, regf, size, lock, (kind == 7 ? 0xfe : 0xf6) + w);
        ins_end(g);
        break;
    }
    default: { /* ALU with a memory destination, often locked */
        Ea e = pick_E(g, size, E_MEM | E_DST);
        unsigned gr = pick_reg(g, size, false);
        bool lock = op != 7 && chance(g, 60);
        ins_begin(g);
        op_E(g, &e, gr, size, lock, op * 8 + w);
        ins_end(g);
        break;
    }
    }
}

/* DIV or IDIV (@sign) of @size: mostly with a dividend whose quotient
 * fits. */
static void divide(DtGen *g, unsigned size, bool sign)
{
    typedef unsigned __int128 u128;
    typedef __int128 s128;
    unsigned bits = 8 * size;
    unsigned mode = rn(g, 10);
    Ea e;
    if (mode == 0) {
        e = pick_E(g, size, E_REG | E_MEM);
    } else {
        u128 lim = (u128)1 << bits;
        uint64_t mask = (uint64_t)(lim - 1);
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
            uint64_t addr = pick_addr(g, size);
            set_mem(g, addr, size, dval);
            e = mem_at(g, addr, 0);
        } else {
            /* The divisor in a register the dividend is not in. */
            unsigned dr;
            do {
                dr = rn(g, nregs(g));
            } while (size == 1 ? phys_reg(g, dr, 1) == DT_EAX
                               : dr == DT_EAX || dr == DT_EDX ||
                                     dr == DT_ESP);
            set_reg(g, dr, size, dval);
            e = reg_E(dr);
        }
    }
    ins_begin(g);
    op_E(g, &e, sign ? 7 : 6, size, false, 0xf6 + (size != 1));
    ins_end(g);
}

/* MUL IMUL DIV IDIV */
void gen_muldiv(DtGen *g)
{
    unsigned size = pick_size(g);
    pick_byte_regs(g, size);
    unsigned kind = rn(g, 8);
    maybe_flags(g, 10);
    if (kind <= 1) { /* MUL/IMUL r/m */
        maybe_value(g, DT_EAX, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (!e.mem) {
            maybe_value(g, e.reg, size, 40);
        }
        ins_begin(g);
        op_E(g, &e, 4 + kind, size, false, 0xf6 + (size != 1));
        ins_end(g);
        return;
    }
    if (kind >= 4) {
        size = pick_size(g);
        pick_byte_regs(g, size);
        divide(g, size, chance(g, 50));
        return;
    }
    size = no_byte(g, size);
    unsigned gr = pick_reg(g, size, true);
    if (kind == 2) { /* IMUL Gv,Ev */
        maybe_value(g, gr, size, 50);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        ins_begin(g);
        op_E(g, &e, gr, size, false, 0x0faf);
        ins_end(g);
        return;
    }
    /* IMUL Gv,Ev,Iz / Ib */
    Ea e = pick_E(g, size, E_REG | E_MEM);
    unsigned isize = chance(g, 50) ? 1 : iz(size);
    ins_begin(g);
    op_E(g, &e, gr, size, false, isize == 1 ? 0x6b : 0x69);
    imm(g, interesting(g, isize), isize);
    ins_end(g);
}

static uint32_t shift_count(DtGen *g)
{
    static const uint8_t counts[] = {0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17,
                                     24, 31, 32, 33, 63, 64, 65, 255};
    return chance(g, 70) ? counts[rn(g, sizeof(counts))] : rn(g, 256);
}

/* ROL ROR RCL RCR SHL SHR SAL SAR, SHLD SHRD */
void gen_shift(DtGen *g)
{
    unsigned size = pick_size(g);
    pick_byte_regs(g, size);
    unsigned kind = rn(g, 5);
    maybe_flags(g, 40);
    if (kind == 4) { /* SHLD/SHRD */
        size = no_byte(g, size);
        bool cl = chance(g, 50);
        if (cl && chance(g, 70)) {
            set_reg(g, DT_ECX, 1, shift_count(g));
        }
        unsigned gr = pick_reg(g, size, false);
        maybe_value(g, gr, size, 30);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        unsigned op = (chance(g, 50) ? 0x0fa4 : 0x0fac) + cl;
        ins_begin(g);
        op_E(g, &e, gr, size, false, op);
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
    unsigned op = (kind == 0 ? 0xd0 : kind == 1 ? 0xd2 : 0xc0) + (size != 1);
    unsigned regf = rn(g, 8);
    ins_begin(g);
    op_E(g, &e, regf, size, false, op);
    if (kind >= 2) {
        imm(g, shift_count(g), 1);
    }
    ins_end(g);
}

/* DAA DAS AAA AAS AAM AAD (16/32-bit code) */
void gen_bcd(DtGen *g)
{
    static const uint8_t ops[] = {0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5};
    maybe_flags(g, 70);
    if (chance(g, 80)) {
        uint32_t v = chance(g, 50) ? rn(g, 0x10000)
                                   : (uint32_t)interesting(g, 2);
        set_reg(g, DT_EAX, 2, v);
    }
    uint8_t op = ops[rn(g, 6)];
    ins_begin(g);
    prefixes(g, false, 0, pick_os(g, 10), 0, 0, 0); /* no effect on these */
    byte(g, op);
    if (op >= 0xd4) {
        uint32_t base = chance(g, 50) ? 10 : chance(g, 10) ? 0 : rn(g, 256);
        byte(g, (uint8_t)base);
    }
    ins_end(g);
}

/* BT BTS BTR BTC, BSF BSR, BSWAP, SETcc, CMOVcc */
void gen_bit(DtGen *g)
{
    unsigned size = chance(g, 30) ? 2 : rex_w(g, 50) ? 8 : 4;
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
                bit = (int64_t)rnd(g); /* far away: likely #PF */
            }
            set_reg(g, gr, size, (uint64_t)bit);
            e = mem_at(g, addr, E_DST);
        } else {
            maybe_value(g, gr, size, 50);
            e = pick_E(g, size, E_REG | E_DST);
        }
        bool lock = e.mem && op != 0 && chance(g, 20);
        ins_begin(g);
        op_E(g, &e, gr, size, lock, 0x0fa3 + 8 * op);
        ins_end(g);
        break;
    }
    case 1: { /* BT* Ev,Ib */
        unsigned op = rn(g, 4);
        Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
        bool lock = e.mem && op != 0 && chance(g, 20);
        ins_begin(g);
        op_E(g, &e, 4 + op, size, lock, 0x0fba);
        imm(g, rn(g, 256), 1);
        ins_end(g);
        break;
    }
    case 2: { /* BSF BSR, now and then of 0 */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        if (chance(g, 25)) {
            if (e.mem) {
                e = reg_E(pick_reg(g, size, true)); /* in a register */
            }
            set_reg(g, e.reg, size, 0);
        } else if (!e.mem) {
            maybe_value(g, e.reg, size, 50);
        }
        unsigned op = chance(g, 50) ? 0x0fbc : 0x0fbd;
        ins_begin(g);
        op_E(g, &e, gr, size, false, op);
        ins_end(g);
        break;
    }
    case 3: { /* BSWAP */
        unsigned r = pick_reg(g, 4, true);
        unsigned os = chance(g, 10) ? 2 : 4;
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0,
                 rex_b(r) | (size == 8 ? REX_W : 0));
        byte(g, 0x0f);
        byte(g, (uint8_t)(0xc8 + (r & 7)));
        ins_end(g);
        break;
    }
    case 4: { /* SETcc */
        pick_byte_regs(g, 1);
        Ea e = pick_E(g, 1, E_REG | E_MEM | E_DST);
        unsigned os = pick_os(g, 10);
        unsigned op = 0x0f90 + rn(g, 16);
        unsigned regf = rn(g, 8);
        ins_begin(g);
        op_E(g, &e, regf, os, false, op);
        ins_end(g);
        break;
    }
    default: { /* CMOVcc: a 32-bit one clears the top half either way */
        unsigned gr = pick_reg(g, size, true);
        Ea e = pick_E(g, size, E_REG | E_MEM);
        unsigned op = 0x0f40 + rn(g, 16);
        ins_begin(g);
        op_E(g, &e, gr, size, false, op);
        ins_end(g);
        break;
    }
    }
}

/* MOV Gv, Ev and Ev, Gv of @size; @mem_only: not register, register. */
static void mov_E(DtGen *g, unsigned size, bool mem_only)
{
    bool to_e = chance(g, 50);
    unsigned gr = pick_reg(g, size, !to_e);
    Ea e = pick_E(g, size, (mem_only ? 0 : E_REG) | E_MEM |
                               (to_e ? E_DST : 0));
    ins_begin(g);
    op_E(g, &e, gr, size, false, 0x88 + (to_e ? 0 : 2) + (size != 1));
    ins_end(g);
}

/* MOV A0-A3 with a moffs of the address size (moffs64 in 64-bit code). */
static void mov_moffs(DtGen *g, unsigned size)
{
    unsigned as = pick_as(g, 20);
    bool store = chance(g, 50);
    uint64_t addr = pick_addr(g, size);
    uint8_t seg = pick_seg(g, store ? E_DST : 0, &addr);
    if (as < 8) {
        addr &= (1ULL << (8 * as)) - 1;
    }
    ins_begin(g);
    prefixes(g, false, seg, size, as, 0, size == 8 ? REX_W : 0);
    byte(g, (uint8_t)(0xa0 + (store ? 2 : 0) + (size != 1)));
    imm(g, addr, as);
    ins_end(g);
}

/* MOV, MOVABS, LEA, XCHG, MOVZX/MOVSX, ARPL/MOVSXD, CBW..CQO, XLAT, LAHF
 * SAHF SALC, flag ops, MOV Ev,Sreg, NOP and hint NOPs */
void gen_move(DtGen *g)
{
    unsigned size = pick_size(g);
    pick_byte_regs(g, size);
    unsigned w = size != 1;
    unsigned kind = rn(g, 16);
    switch (kind) {
    case 0:
    case 1: /* 88-8B */
        mov_E(g, size, false);
        break;
    case 2: /* A0-A3 */
        mov_moffs(g, size);
        break;
    case 3: /* B0-BF (imm64 with REX.W), C6/C7 */
        if (chance(g, 50)) {
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, size, 0, 0,
                     rex_b(r) | (size == 8 ? REX_W : 0) |
                         (size == 1 && r >= 4 ? REX_ON : 0));
            byte(g, (uint8_t)((w ? 0xb8 : 0xb0) + (r & 7)));
            imm(g, interesting(g, size), size);
        } else {
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            ins_begin(g);
            op_E(g, &e, 0, size, false, 0xc6 + w);
            imm(g, interesting(g, size), iz(size));
        }
        ins_end(g);
        break;
    case 4: { /* MOV Ev, Sreg (a register gets it zero-extended) */
        g->norex = false;
        Ea e = pick_E(g, 2, E_REG | E_MEM | E_DST);
        unsigned os = chance(g, 50) ? 2 : rex_w(g, 50) ? 8 : 4;
        unsigned sreg = rn(g, 6);
        ins_begin(g);
        op_E(g, &e, sreg, os, false, 0x8c);
        ins_end(g);
        break;
    }
    case 5: { /* LEA: any address form, no access */
        size = no_byte(g, size);
        unsigned gr = pick_reg(g, size, true);
        Ea e = any_mem(g);
        ins_begin(g);
        op_E(g, &e, gr, size, false, 0x8d);
        ins_end(g);
        break;
    }
    case 6: /* XCHG */
        if (chance(g, 40) && size != 1) {
            /* 90+r: with REX.B, 90 is XCHG R8, rAX, not NOP */
            unsigned r = pick_reg(g, size, true);
            ins_begin(g);
            prefixes(g, false, 0, size, 0, 0,
                     rex_b(r) | (size == 8 ? REX_W : 0));
            byte(g, (uint8_t)(0x90 + (r & 7)));
        } else {
            unsigned gr = pick_reg(g, size, true);
            Ea e = pick_E(g, size, E_REG | E_MEM | E_DST);
            bool lock = e.mem && chance(g, 20);
            ins_begin(g);
            op_E(g, &e, gr, size, lock, 0x86 + w);
        }
        ins_end(g);
        break;
    case 7: { /* MOVZX MOVSX (to 16, 32 or 64 bits) */
        pick_byte_regs(g, 1);
        unsigned dsize = chance(g, 30)                 ? 2
                         : !g->norex && rex_w(g, 50) ? 8
                                                       : 4;
        bool src16 = chance(g, 50);
        unsigned gr = pick_reg(g, dsize, true);
        Ea e = pick_E(g, src16 ? 2 : 1, E_REG | E_MEM);
        unsigned op = (chance(g, 50) ? 0x0fb6 : 0x0fbe) + src16;
        ins_begin(g);
        op_E(g, &e, gr, dsize, false, op);
        ins_end(g);
        break;
    }
    case 8: { /* CBW CWDE CDQE, CWD CDQ CQO */
        unsigned os = chance(g, 40) ? 2 : rex_w(g, 50) ? 8 : 4;
        maybe_value(g, DT_EAX, wide_size(g), 50);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0, os == 8 ? REX_W : 0);
        byte(g, chance(g, 50) ? 0x98 : 0x99);
        ins_end(g);
        break;
    }
    case 9: { /* XLAT: [(E/R)BX + AL] */
        unsigned as = pick_as(g, 25);
        uint64_t table = pick_addr(g, 256);
        uint8_t seg = pick_seg(g, 0, &table);
        set_reg(g, DT_EBX, as, table - 0x80);
        ins_begin(g);
        prefixes(g, false, seg, 0, as, 0, rex_w(g, 30) ? REX_W : 0);
        byte(g, 0xd7);
        ins_end(g);
        break;
    }
    case 10: /* LAHF SAHF (LAHF_LM in 64-bit code), SALC (not there) */
        g->norex = true;
        maybe_flags(g, 30);
        if (chance(g, 30)) {
            set_reg(g, 4, 1, rn(g, 256)); /* AH */
        }
        ins_begin(g);
        byte(g, g->bits != 64 && chance(g, 20) ? 0xd6
                                               : (uint8_t)(0x9e + rn(g, 2)));
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
        g->norex = false;
        if (form == 0) {
            ins_begin(g);
            if (chance(g, 30)) {
                byte(g, 0xf3);
            }
            byte(g, 0x90);
            ins_end(g);
            break;
        }
        unsigned os = size == 1 ? 4 : size;
        Ea e = pick_E(g, os, E_REG | E_MEM);
        unsigned op = form == 1 ? 0x0f1f : 0x0f18 + rn(g, 8);
        unsigned regf = rn(g, 8);
        if (op == 0x0f1c && e.mem && regf == 0) {
            regf = 1; /* 0F 1C /0 is CLDEMOTE on newer CPUs */
        }
        ins_begin(g);
        op_E(g, &e, regf, os, false, op);
        ins_end(g);
        break;
    }
    case 13:
        g->norex = false;
        if (g->bits == 64) {
            /* 63 is MOVSXD: REX.W sign-extends; else a plain move */
            unsigned dsize = chance(g, 60) ? 8 : chance(g, 50) ? 4 : 2;
            unsigned gr = pick_reg(g, dsize, true);
            Ea e = pick_E(g, dsize == 8 ? 4 : dsize, E_REG | E_MEM);
            if (!e.mem) {
                maybe_value(g, e.reg, 8, 50);
            }
            ins_begin(g);
            op_E(g, &e, gr, dsize, false, 0x63);
        } else {
            /* ARPL Ew, Gw (protected mode, any CPL) */
            unsigned gr = pick_reg(g, 2, false);
            maybe_value(g, gr, 2, 50);
            Ea e = pick_E(g, 2, E_REG | E_MEM | E_DST);
            unsigned os = pick_os(g, 10);
            ins_begin(g);
            op_E(g, &e, gr, os, false, 0x63);
        }
        ins_end(g);
        break;
    default: /* plain loads and stores, the bread and butter */
        mov_E(g, size, true);
        break;
    }
}

/* The operand size of pushes and pops: the default, or the other one
 * (66); in 64-bit code 8, or 2 with 66. */
static unsigned stack_os(DtGen *g)
{
    if (g->bits == 64) {
        return chance(g, 15) ? 2 : 8;
    }
    return pick_os(g, 25);
}

/* A stack address for (E/R)BP (ENTER, LEAVE): near the initial ESP. */
static uint64_t stack_addr(DtGen *g)
{
    return g->stack_lo + rn(g, (uint32_t)(g->stack_hi - g->stack_lo));
}

/* A one-byte instruction @op with prefixes for operand size @os and
 * REX bits @rex. */
static void plain(DtGen *g, unsigned os, unsigned rex, uint8_t op)
{
    ins_begin(g);
    prefixes(g, false, 0, os, 0, 0, rex);
    byte(g, op);
    ins_end(g);
}

/* PUSH POP (all forms), PUSHA POPA, PUSHF POPF, ENTER LEAVE */
void gen_stack(DtGen *g)
{
    unsigned os = stack_os(g);
    unsigned kind = rn(g, 12);
    g->norex = false;
    switch (kind) {
    case 0: { /* PUSH r */
        unsigned r = rn(g, nregs(g));
        plain(g, os, rex_b(r), (uint8_t)(0x50 + (r & 7)));
        break;
    }
    case 1: { /* POP r (rarely ESP) */
        unsigned r = pick_reg(g, wide_size(g), true);
        plain(g, os, rex_b(r), (uint8_t)(0x58 + (r & 7)));
        break;
    }
    case 2: { /* PUSH imm8, imm16/32 (imm32 in 64-bit code) */
        bool ib = chance(g, 50);
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0, 0);
        byte(g, ib ? 0x6a : 0x68);
        imm(g, interesting(g, 4), ib ? 1 : iz(os));
        ins_end(g);
        break;
    }
    case 3: { /* PUSH Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM);
        ins_begin(g);
        op_E(g, &e, 6, os, false, 0xff);
        ins_end(g);
        break;
    }
    case 4: { /* POP Ev */
        Ea e = pick_E(g, os, E_REG | E_MEM | E_DST);
        ins_begin(g);
        op_E(g, &e, 0, os, false, 0x8f);
        ins_end(g);
        break;
    }
    case 5: /* PUSH sreg: FS GS (0F A0/A8), ES CS SS DS (not in 64-bit
               code) */
        if (g->bits == 64 || chance(g, 33)) {
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0, 0);
            byte(g, 0x0f);
            byte(g, chance(g, 50) ? 0xa0 : 0xa8);
            ins_end(g);
        } else {
            static const uint8_t ops[] = {0x06, 0x0e, 0x16, 0x1e};
            plain(g, os, 0, ops[rn(g, 4)]);
        }
        break;
    case 6: /* PUSHA POPA (#UD in 64-bit code: the next kind there) */
    case 7: /* PUSHF; PUSH imm + POPF */
        if (kind == 6 && g->bits != 64) {
            plain(g, os, 0, chance(g, 50) ? 0x60 : 0x61);
        } else if (chance(g, 50)) {
            plain(g, os, 0, 0x9c);
        } else {
            uint32_t f = random_flags(g) | ((uint32_t)rnd(g) & 0x7000u);
            if (chance(g, 4)) {
                f &= ~DT_FL_TF; /* the rest of the stream runs unstepped */
            }
            ins_begin(g);
            prefixes(g, false, 0, os, 0, 0, 0);
            byte(g, 0x68);
            imm(g, f, iz(os));
            ins_end(g);
            plain(g, os, 0, 0x9d);
        }
        break;
    case 8:
    case 9: { /* ENTER ((E/R)BP into the stack area for nested levels) */
        uint32_t lvl = chance(g, 40) ? 0 : chance(g, 80) ? rn(g, 5)
                                                       : rn(g, 256);
        if (lvl > 1 || chance(g, 50)) {
            set_reg(g, DT_EBP, wide_size(g), stack_addr(g));
        }
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0, 0);
        byte(g, 0xc8);
        imm(g, chance(g, 30) ? 0 : rn(g, 0x200), 2);
        byte(g, (uint8_t)lvl);
        ins_end(g);
        break;
    }
    case 10: /* LEAVE */
        set_reg(g, DT_EBP, wide_size(g), stack_addr(g));
        plain(g, os, 0, 0xc9);
        break;
    default: { /* PUSH r then POP r (register moves through memory) */
        unsigned a = rn(g, nregs(g));
        unsigned b = pick_reg(g, wide_size(g), true);
        plain(g, os, rex_b(a), (uint8_t)(0x50 + (a & 7)));
        plain(g, os, rex_b(b), (uint8_t)(0x58 + (b & 7)));
        break;
    }
    }
}

/* MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE, both directions, both
 * address sizes, byte to quadword */
void gen_string(DtGen *g)
{
    static const uint8_t ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    unsigned size = pick_size(g);
    unsigned as = pick_as(g, 20);
    uint8_t op = ops[rn(g, 5)];
    uint8_t rep = chance(g, 25) ? 0 : chance(g, 50) ? 0xf3 : 0xf2;
    unsigned count = chance(g, 10) ? 0 : chance(g, 80) ? rn(g, 17)
                                                     : rn(g, 300);
    bool src = op != 0xaa && op != 0xae; /* reads DS:(E/R)SI */
    g->norex = false;
    maybe_flags(g, 50);
    uint64_t sbx = g->lay->sbx_base;
    uint64_t span = (uint64_t)(count + 1) * size;
    uint64_t end = sbx_end(g);
    if (as == 2 && end > 0x10000) {
        end = 0x10000;
    }
    uint64_t room = end > sbx ? end - sbx : DT_PAGE;
    uint8_t seg = 0;
    for (int i = 0; i < 2; i++) {
        unsigned r = i ? DT_EDI : DT_ESI;
        uint64_t p;
        if (chance(g, 8) || room <= 2 * span) {
            /* Run into the end of the sandbox or segment. */
            p = end - rn(g, (uint32_t)span);
        } else {
            p = sbx + span + rn(g, (uint32_t)(room - 2 * span));
        }
        if (i == 0 && src) {
            seg = pick_seg(g, 0, &p);
        }
        if (as == 8 && chance(g, 10)) {
            p |= 0x0000800000000000ULL; /* not canonical */
        }
        if (!chance(g, 5)) { /* else keep whatever is there */
            set_reg(g, r, as, p);
        }
    }
    set_reg(g, DT_ECX, as, count);
    if (op == 0xae || op == 0xa6 || op == 0xac) {
        maybe_value(g, DT_EAX, size, 50);
    }
    ins_begin(g);
    prefixes(g, false, seg, size, as, rep, size == 8 ? REX_W : 0);
    byte(g, (uint8_t)(op + (size != 1)));
    ins_end(g);
}

/* XADD CMPXCHG CMPXCHG8B CMPXCHG16B, LOCKed or not */
void gen_atomic(DtGen *g)
{
    unsigned size = pick_size(g);
    pick_byte_regs(g, size);
    unsigned kind = rn(g, 3);
    maybe_flags(g, 20);
    if (kind == 2) { /* CMPXCHG8B m64, CMPXCHG16B m128 (REX.W) */
        bool x16 = rex_w(g, 50);
        unsigned half = x16 ? 8 : 4;
        g->norex = false;
        uint64_t addr = pick_addr(g, 2 * half);
        if (x16 && chance(g, 85)) {
            addr &= ~15ULL; /* aligned, else #GP(0) */
        }
        if (chance(g, 50)) {
            /* Make it succeed: EDX:EAX (RDX:RAX) from the operand. */
            load_reg(g, DT_EAX, addr, half);
            load_reg(g, DT_EDX, addr + half, half);
        }
        Ea e = mem_at(g, addr, E_DST);
        if (chance(g, 3)) {
            e = reg_E(rn(g, 8)); /* register form: #UD */
        }
        unsigned os = x16 ? 8 : pick_os(g, 10);
        bool lock = e.mem && chance(g, 40);
        ins_begin(g);
        op_E(g, &e, 1, os, lock, 0x0fc7);
        ins_end(g);
        return;
    }
    unsigned gr = pick_reg(g, size, true);
    maybe_value(g, gr, size, 30);
    Ea e;
    if (kind == 1 && chance(g, 50)) {
        /* CMPXCHG that succeeds: accumulator = operand. */
        uint64_t addr = pick_addr(g, size);
        load_reg(g, DT_EAX, addr, size);
        e = mem_at(g, addr, E_DST);
    } else {
        e = pick_E(g, size, E_REG | E_MEM | E_DST);
    }
    bool lock = e.mem && chance(g, 40);
    ins_begin(g);
    op_E(g, &e, gr, size, lock, (kind == 0 ? 0x0fc0 : 0x0fb0) + (size != 1));
    ins_end(g);
}

/* The operand size of a near branch: the default or, with @pct percent,
 * the other one; in 64-bit code 8 (see branch_prefixes). */
static unsigned branch_os(DtGen *g, unsigned pct)
{
    return g->bits == 64 ? 8 : pick_os(g, pct);
}

/* Prefixes of a near branch of operand size @os; in 64-bit code now and
 * then 66 or REX.W, which change nothing there (Intel). */
static void branch_prefixes(DtGen *g, unsigned os)
{
    if (g->bits != 64) {
        prefixes(g, false, 0, os, 0, 0, 0);
        return;
    }
    unsigned r = rn(g, 10);
    prefixes(g, false, 0, r == 0 ? 2 : 8, 0, 0, r == 1 ? REX_W : 0);
}

/* Patch a forward displacement of @size bytes at @at to reach here. */
static void patch_rel(DtGen *g, unsigned at, unsigned size)
{
    int32_t rel = (int32_t)(g->s->len - (at + size));
    if (size == 1 && rel > 127) {
        rel = 0;
    }
    patch(g, at, (uint32_t)rel, size);
}

/* A branch @op (0F xx when above 0xff) of operand size @os with a
 * forward displacement of @rsize bytes over an item (with
 * @maybe_empty, half the time none). */
static void branch_over(DtGen *g, unsigned os, uint16_t op, unsigned rsize,
                        bool maybe_empty)
{
    ins_begin(g);
    branch_prefixes(g, os);
    if (op > 0xff) {
        byte(g, (uint8_t)(op >> 8));
    }
    byte(g, (uint8_t)op);
    unsigned at = g->s->len;
    imm(g, 0, rsize);
    ins_end(g);
    if (!maybe_empty || chance(g, 50)) {
        gen_nested_item(g);
    }
    patch_rel(g, at, rsize);
}

/* Jcc JMP LOOP JECXZ CALL RET, all forward inside the stream */
void gen_branch(DtGen *g)
{
    unsigned kind = rn(g, 9);
    unsigned os = branch_os(g, 10);
    maybe_flags(g, 30);
    switch (kind) {
    case 0: /* Jcc rel8 */
    case 1: /* JMP rel8 */
        branch_over(g, branch_os(g, 5),
                    kind == 0 ? 0x70 + rn(g, 16) : 0xeb, 1, false);
        break;
    case 2: /* Jcc rel16/32 */
    case 3: /* JMP rel16/32 */
        branch_over(g, os, kind == 2 ? 0x0f80 + rn(g, 16) : 0xe9, iz(os),
                    false);
        break;
    case 4: { /* LOOP LOOPE LOOPNE JECXZ (CX, ECX or RCX by address size) */
        unsigned as = pick_as(g, 20);
        if (chance(g, 60)) {
            uint64_t c = chance(g, 50) ? rn(g, 3) : interesting(g, as);
            set_reg(g, DT_ECX, as, c);
        }
        unsigned los = branch_os(g, 5);
        ins_begin(g);
        prefixes(g, false, 0, los, as, 0, rex_w(g, 10) ? REX_W : 0);
        byte(g, (uint8_t)(0xe0 + rn(g, 4)));
        unsigned at = g->s->len;
        byte(g, 0);
        ins_end(g);
        gen_nested_item(g);
        patch_rel(g, at, 1);
        break;
    }
    case 5: /* CALL rel16/32 */
        branch_over(g, os, 0xe8, iz(os), true);
        break;
    case 6:
    case 7: { /* CALL/JMP r/m to the end of the branch itself */
        bool call = kind == 6;
        int setup_at;
        Ea e;
        g->norex = false;
        /* The target is known once the branch is built: set up a
         * placeholder and patch it. */
        if (chance(g, 40)) {
            uint64_t addr = g->lay->sbx_base +
                            rn(g, (uint32_t)(sbx_end(g) - g->lay->sbx_base -
                                             os + 1));
            setup_at = set_mem_at(g, addr, os, 0);
            e = mem_at(g, addr, 0);
        } else {
            unsigned r = pick_reg(g, wide_size(g), true);
            if (r == DT_ESP) {
                r = DT_EAX;
            }
            setup_at = (int)set_reg_at(g, r, os, 0);
            e = reg_E(r);
        }
        /* 66 in 64-bit code: ignored (Intel) */
        unsigned eos = g->bits == 64 && chance(g, 10) ? 2 : os;
        ins_begin(g);
        op_E(g, &e, call ? 2 : 4, eos, false, 0xff);
        ins_end(g);
        if (setup_at >= 0) {
            patch(g, (unsigned)setup_at, here(g), iz(os));
        }
        break;
    }
    default: { /* PUSH target; RET [imm16] */
        bool with_imm = chance(g, 30);
        uint32_t n = with_imm ? (chance(g, 50) ? rn(g, 16) : rn(g, 0x10000))
                              : 0;
        g->norex = false;
        ins_begin(g);
        prefixes(g, false, 0, os, 0, 0, 0);
        byte(g, 0x68);
        unsigned at = g->s->len;
        imm(g, 0, iz(os));
        setup_end(g);
        ins_begin(g);
        branch_prefixes(g, os);
        byte(g, with_imm ? 0xc2 : 0xc3);
        if (with_imm) {
            imm(g, n, 2);
        }
        ins_end(g);
        patch(g, at, here(g), iz(os));
        break;
    }
    }
}
