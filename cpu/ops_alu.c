/*
 * Arithmetic and logic: the eight ALU operations in all their forms, TEST,
 * INC/DEC, NOT/NEG, flag instructions, BCD adjustments, sign extension,
 * CMOV/SETcc, bit tests and scans, BSWAP, XADD, CMPXCHG, CMPXCHG8B.
 */
#include "cpu/alu.h"
#include "cpu/internal.h"
#include "cpu/models.h"
#include "cpu/ops.h"

/* E op= value (read-modify-write unless CMP). */
static void alu_to_E(X86Cpu *cpu, const DecodedInsn *d, unsigned op,
                     uint64_t b)
{
    unsigned size = d->opsize;
    if (d->mem) {
        uint64_t addr = x86_ea(cpu, d);
        if (op != ALU_CMP) {
            x86_probe_write(cpu, d->seg, addr, size);
        }
        uint64_t r = x86_alu(cpu, op, size,
                             x86_read(cpu, d->seg, addr, size), b);
        if (op != ALU_CMP) {
            x86_write(cpu, d->seg, addr, r, size);
        }
        return;
    }
    uint64_t r = x86_alu(cpu, op, size, load_E(cpu, d, size), b);
    if (op != ALU_CMP) {
        store_E(cpu, d, size, r);
    }
}

HANDLER(op_alu_EG)
{
    alu_to_E(cpu, d, (d->opcode >> 3) & 7, load_G(cpu, d, d->opsize));
}

HANDLER(op_alu_GE)
{
    unsigned op = (d->opcode >> 3) & 7;
    uint64_t b = load_E(cpu, d, d->opsize);
    uint64_t r = x86_alu(cpu, op, d->opsize, load_G(cpu, d, d->opsize), b);
    if (op != ALU_CMP) {
        store_G(cpu, d, d->opsize, r);
    }
}

HANDLER(op_alu_AI)
{
    unsigned op = (d->opcode >> 3) & 7;
    uint64_t r = x86_alu(cpu, op, d->opsize, reg_read(cpu, R_EAX, d->opsize),
                     d->imm);
    if (op != ALU_CMP) {
        reg_write(cpu, R_EAX, d->opsize, r);
    }
}

HANDLER(op_alu_EI)
{
    alu_to_E(cpu, d, (d->modrm >> 3) & 7, d->imm);
}

HANDLER(op_test_EG)
{
    uint64_t a = load_E(cpu, d, d->opsize);
    x86_alu(cpu, ALU_AND, d->opsize, a, load_G(cpu, d, d->opsize));
}

HANDLER(op_test_AI)
{
    x86_alu(cpu, ALU_AND, d->opsize, reg_read(cpu, R_EAX, d->opsize), d->imm);
}

HANDLER(op_test_EI)
{
    x86_alu(cpu, ALU_AND, d->opsize, load_E(cpu, d, d->opsize), d->imm);
}

HANDLER(op_inc_r)
{
    unsigned r = opcode_reg(d, d->opsize);
    reg_write(cpu, r, d->opsize,
              x86_incdec(cpu, d->opsize, reg_read(cpu, r, d->opsize), false));
}

HANDLER(op_dec_r)
{
    unsigned r = opcode_reg(d, d->opsize);
    reg_write(cpu, r, d->opsize,
              x86_incdec(cpu, d->opsize, reg_read(cpu, r, d->opsize), true));
}

HANDLER(op_incdec_E)
{
    bool dec = (d->modrm >> 3) & 1;
    if (d->mem) {
        uint64_t addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, d->opsize);
        uint64_t v = x86_read(cpu, d->seg, addr, d->opsize);
        x86_write(cpu, d->seg, addr, x86_incdec(cpu, d->opsize, v, dec),
                  d->opsize);
    } else {
        store_E(cpu, d, d->opsize,
                x86_incdec(cpu, d->opsize, load_E(cpu, d, d->opsize), dec));
    }
}

HANDLER(op_not_E)
{
    if (d->mem) {
        uint64_t addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, d->opsize);
        x86_write(cpu, d->seg, addr, ~x86_read(cpu, d->seg, addr, d->opsize),
                  d->opsize);
    } else {
        store_E(cpu, d, d->opsize, ~load_E(cpu, d, d->opsize));
    }
}

HANDLER(op_neg_E)
{
    uint64_t addr = 0, v;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, d->opsize);
        v = x86_read(cpu, d->seg, addr, d->opsize);
    } else {
        v = load_E(cpu, d, d->opsize);
    }
    uint64_t r = x86_alu(cpu, ALU_SUB, d->opsize, 0, v);
    if (d->mem) {
        x86_write(cpu, d->seg, addr, r, d->opsize);
    } else {
        store_E(cpu, d, d->opsize, r);
    }
}

/* CLC STC CMC CLD STD */
HANDLER(op_flag_op)
{
    switch (d->opcode) {
    case 0xf5:
        cc_materialize(cpu);
        cpu->cc_src ^= FL_CF;
        break;
    case 0xf8:
        cc_materialize(cpu);
        cpu->cc_src &= ~FL_CF;
        break;
    case 0xf9:
        cc_materialize(cpu);
        cpu->cc_src |= FL_CF;
        break;
    case 0xfc: cpu->eflags &= ~FL_DF; break;
    case 0xfd: cpu->eflags |= FL_DF; break;
    }
}

/* CLI/STI obey IOPL, and in V86 mode / protected mode with VME or PVI
 * change VIF instead (SDM vol. 3, 20.2). */
static bool vif_instead(X86Cpu *cpu)
{
    unsigned iopl = (cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
    if (!cpu->pe || cpu->cpl <= iopl || (cpu->vm86 && iopl == 3)) {
        return false;
    }
    if ((cpu->vm86 && (cpu->cr4 & CR4_VME)) ||
        (!cpu->vm86 && cpu->cpl == 3 && (cpu->cr4 & CR4_PVI))) {
        return true;
    }
    x86_raise(cpu, EXC_GP, 0);
}

HANDLER(op_cli)
{
    if (vif_instead(cpu)) {
        cpu->eflags &= ~FL_VIF;
    } else {
        cpu->eflags &= ~FL_IF;
    }
}

HANDLER(op_sti)
{
    if (vif_instead(cpu)) {
        if (cpu->eflags & FL_VIP) {
            x86_raise(cpu, EXC_GP, 0);
        }
        cpu->eflags |= FL_VIF;
        return;
    }
    if (!(cpu->eflags & FL_IF)) {
        /* Interrupts stay blocked until after the next instruction. */
        cpu->irq_shadow = true;
    }
    cpu->eflags |= FL_IF;
}

#define SAHF_MASK (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)

HANDLER(op_sahf)
{
    if (cpu->code64 && !x86_has_feature(cpu, X86_FEAT_LAHF_LM)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    cc_materialize(cpu);
    uint32_t ah = (cpu->regs[R_EAX] >> 8) & SAHF_MASK;
    cpu->cc_src = (cpu->cc_src & ~SAHF_MASK) | ah;
}

HANDLER(op_lahf)
{
    if (cpu->code64 && !x86_has_feature(cpu, X86_FEAT_LAHF_LM)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    uint32_t f = (x86_cc_compute(cpu) & SAHF_MASK) | FL_FIXED;
    reg_write(cpu, REG8_AH, 1, f);
}

HANDLER(op_salc)
{
    reg_write(cpu, R_EAX, 1, x86_cc_carry(cpu) ? 0xff : 0);
}

/* --- BCD (SDM pseudo-code). Undefined flags as the P6 family and the
 * host leave them (docs/cpu-flags.md): OF clear after DAA DAS AAA AAS,
 * SF ZF PF from AL after AAA AAS, OF AF CF clear after AAM, and AAD
 * flagging the addition it does. --- */

static void set_szp(X86Cpu *cpu, uint8_t al, bool cf, bool af)
{
    uint32_t f = (al == 0 ? FL_ZF : 0) | ((al & 0x80) ? FL_SF : 0) |
                 (__builtin_parity(al) ? 0 : FL_PF) | (cf ? FL_CF : 0) |
                 (af ? FL_AF : 0);
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = f;
}

HANDLER(op_daa)
{
    uint32_t f = x86_cc_compute(cpu);
    uint8_t al = cpu->regs[R_EAX], old_al = al;
    bool cf = f & FL_CF, af = false;
    if ((al & 0x0f) > 9 || (f & FL_AF)) {
        al += 6;
        af = true;
    }
    if (old_al > 0x99 || cf) {
        al += 0x60;
        cf = true;
    } else {
        cf = false;
    }
    reg_write(cpu, R_EAX, 1, al);
    set_szp(cpu, al, cf, af);
}

HANDLER(op_das)
{
    uint32_t f = x86_cc_compute(cpu);
    uint8_t al = cpu->regs[R_EAX], old_al = al;
    bool cf = false, af = false, old_cf = f & FL_CF;
    if ((al & 0x0f) > 9 || (f & FL_AF)) {
        cf = old_cf || al < 6;
        al -= 6;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al -= 0x60;
        cf = true;
    }
    reg_write(cpu, R_EAX, 1, al);
    set_szp(cpu, al, cf, af);
}

/* AAA adds 0x106 to AX and AAS subtracts it, so a carry or borrow out of
 * AL reaches AH (the SDM's pseudo-code since the 386). */
static void ascii_adjust(X86Cpu *cpu, bool sub)
{
    uint32_t f = x86_cc_compute(cpu);
    uint16_t ax = cpu->regs[R_EAX];
    bool adj = (ax & 0x0f) > 9 || (f & FL_AF);
    if (adj) {
        ax = sub ? ax - 0x106 : ax + 0x106;
    }
    ax &= 0xff0f;
    reg_write(cpu, R_EAX, 2, ax);
    set_szp(cpu, ax & 0xff, adj, adj);
}

HANDLER(op_aaa) { ascii_adjust(cpu, false); }
HANDLER(op_aas) { ascii_adjust(cpu, true); }

HANDLER(op_aam)
{
    uint8_t base = d->imm;
    if (base == 0) {
        x86_raise(cpu, EXC_DE, -1);
    }
    uint8_t al = cpu->regs[R_EAX];
    uint8_t ah = al / base;
    al %= base;
    reg_write(cpu, R_EAX, 2, (uint16_t)(ah << 8 | al));
    set_cc(cpu, CC_OP_LOGIC8, 1, al, 0, 0);
}

HANDLER(op_aad)
{
    uint8_t base = d->imm;
    uint16_t ax = cpu->regs[R_EAX];
    uint8_t t = (uint8_t)((ax >> 8) * base);
    uint8_t al = (uint8_t)(ax + t);
    reg_write(cpu, R_EAX, 2, al);
    set_cc(cpu, CC_OP_ADD8, 1, al, t, 0);
}

/* CBW / CWDE / CDQE */
HANDLER(op_cbw)
{
    unsigned half = d->opsize / 2;
    reg_write(cpu, R_EAX, d->opsize,
              (uint64_t)sext(reg_read(cpu, R_EAX, half), half));
}

/* CWD / CDQ / CQO */
HANDLER(op_cwd)
{
    bool neg = reg_read(cpu, R_EAX, d->opsize) & sign_bit(d->opsize);
    reg_write(cpu, R_EDX, d->opsize, neg ? ~0ULL : 0);
}

HANDLER(op_cmov)
{
    uint64_t v = load_E(cpu, d, d->opsize); /* read (and fault) always */
    if (x86_cond(cpu, d->opcode & 15)) {
        store_G(cpu, d, d->opsize, v);
    } else if (d->opsize == 4) {
        /* A 32-bit CMOV zero-extends even when it does not move. */
        store_G(cpu, d, 4, load_G(cpu, d, 4));
    }
}

HANDLER(op_setcc)
{
    store_E(cpu, d, 1, x86_cond(cpu, d->opcode & 15));
}

/* --- bit tests --- */

/* BT/BTS/BTR/BTC: 0 test, 1 set, 2 reset, 3 complement. */
static void bit_op(X86Cpu *cpu, const DecodedInsn *d, unsigned kind,
                   int64_t bitoff, bool reg_offset)
{
    unsigned size = d->opsize, bits = size * 8;
    uint64_t v, addr = 0;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        if (reg_offset) {
            /* A register bit offset reaches anywhere around the operand. */
            int64_t off = sext((uint64_t)bitoff, size);
            int shift = size == 2 ? 4 : size == 4 ? 5 : 6;
            addr = (addr + (uint64_t)((off >> shift) * (int64_t)size)) &
                   addr_mask(d);
        }
        if (kind) {
            x86_probe_write(cpu, d->seg, addr, size);
        }
        v = x86_read(cpu, d->seg, addr, size);
    } else {
        v = load_E(cpu, d, size);
    }
    unsigned bit = (uint64_t)bitoff & (bits - 1);
    bool old = (v >> bit) & 1;
    switch (kind) {
    case 1: v |= 1ULL << bit; break;
    case 2: v &= ~(1ULL << bit); break;
    case 3: v ^= 1ULL << bit; break;
    default: break;
    }
    if (kind) {
        if (d->mem) {
            x86_write(cpu, d->seg, addr, v, size);
        } else {
            store_E(cpu, d, size, v);
        }
    }
    cc_materialize(cpu);
    cpu->cc_src = (cpu->cc_src & ~FL_CF) | (old ? FL_CF : 0);
}

HANDLER(op_bt_EG)
{
    static const unsigned kind_of[4] = {0, 1, 2, 3}; /* A3 AB B3 BB */
    unsigned kind = kind_of[(d->opcode >> 3) & 3];
    bit_op(cpu, d, kind, (int64_t)load_G(cpu, d, d->opsize), true);
}

HANDLER(op_bt_EI)
{
    bit_op(cpu, d, ((d->modrm >> 3) & 7) - 4, (int64_t)(d->imm & 0xff),
           false);
}

/* BSF/BSR: a zero source leaves the destination alone (P6 and later) and
 * sets ZF and PF; otherwise the flags are those of a logic operation on
 * the index, ZF clear (docs/cpu-flags.md). */
static void bit_scan(X86Cpu *cpu, const DecodedInsn *d, bool reverse)
{
    uint64_t v = load_E(cpu, d, d->opsize);
    cpu->cc_op = CC_OP_EFLAGS;
    if (v == 0) {
        cpu->cc_src = FL_ZF | FL_PF;
        return;
    }
    unsigned idx = reverse ? 63 - __builtin_clzll(v) : __builtin_ctzll(v);
    cpu->cc_src = __builtin_parity(idx) ? 0 : FL_PF;
    store_G(cpu, d, d->opsize, idx);
}

HANDLER(op_bsf) { bit_scan(cpu, d, false); }
HANDLER(op_bsr) { bit_scan(cpu, d, true); }

HANDLER(op_bswap)
{
    unsigned r = (d->opcode & 7) | ((d->rex & 1) << 3);
    if (d->opsize == 8) {
        cpu->regs[r] = __builtin_bswap64(cpu->regs[r]);
    } else if (d->opsize == 4) {
        reg_write(cpu, r, 4, __builtin_bswap32((uint32_t)cpu->regs[r]));
    } else {
        /* 16-bit BSWAP is undefined; P6 and later clear the word. */
        reg_write(cpu, r, 2, 0);
    }
}

HANDLER(op_xadd)
{
    unsigned size = d->opsize;
    uint64_t src = load_G(cpu, d, size);
    uint64_t addr = 0, dst;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, size);
        dst = x86_read(cpu, d->seg, addr, size);
    } else {
        dst = load_E(cpu, d, size);
    }
    uint64_t sum = x86_alu(cpu, ALU_ADD, size, dst, src);
    if (d->mem) {
        x86_write(cpu, d->seg, addr, sum, size);
        store_G(cpu, d, size, dst);
    } else {
        store_G(cpu, d, size, dst);
        store_E(cpu, d, size, sum);
    }
}

HANDLER(op_cmpxchg)
{
    unsigned size = d->opsize;
    uint64_t addr = 0, dst;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        /* The destination is written either way (with its own value on
         * failure), so it must be writable. */
        x86_probe_write(cpu, d->seg, addr, size);
        dst = x86_read(cpu, d->seg, addr, size);
    } else {
        dst = load_E(cpu, d, size);
    }
    uint64_t acc = reg_read(cpu, R_EAX, size);
    x86_alu(cpu, ALU_CMP, size, acc, dst);
    if (acc == dst) {
        store_E(cpu, d, size, load_G(cpu, d, size));
    } else {
        if (d->mem) {
            x86_write(cpu, d->seg, addr, dst, size);
        }
        reg_write(cpu, R_EAX, size, dst);
    }
}

/* CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W) */
HANDLER(op_cmpxchg8b)
{
    uint64_t addr = x86_ea(cpu, d);
    cc_materialize(cpu);
    if (d->rex & 8) {
        if (!x86_has_feature(cpu, X86_FEAT_CX16) || (addr & 15)) {
            x86_raise(cpu, (addr & 15) ? EXC_GP : EXC_UD, (addr & 15) ? 0 : -1);
        }
        x86_probe_write(cpu, d->seg, addr, 16);
        uint64_t lo = x86_read(cpu, d->seg, addr, 8);
        uint64_t hi = x86_read(cpu, d->seg, (addr + 8) & addr_mask(d), 8);
        if (lo == cpu->regs[R_EAX] && hi == cpu->regs[R_EDX]) {
            x86_write(cpu, d->seg, addr, cpu->regs[R_EBX], 8);
            x86_write(cpu, d->seg, (addr + 8) & addr_mask(d),
                      cpu->regs[R_ECX], 8);
            cpu->cc_src |= FL_ZF;
        } else {
            x86_write(cpu, d->seg, addr, lo, 8);
            x86_write(cpu, d->seg, (addr + 8) & addr_mask(d), hi, 8);
            cpu->regs[R_EAX] = lo;
            cpu->regs[R_EDX] = hi;
            cpu->cc_src &= ~FL_ZF;
        }
        return;
    }
    x86_probe_write(cpu, d->seg, addr, 8);
    uint64_t v = x86_read(cpu, d->seg, addr, 8);
    uint64_t cmp = (uint32_t)cpu->regs[R_EAX] |
                   (uint64_t)(uint32_t)cpu->regs[R_EDX] << 32;
    if (v == cmp) {
        x86_write(cpu, d->seg, addr,
                  (uint32_t)cpu->regs[R_EBX] |
                      (uint64_t)(uint32_t)cpu->regs[R_ECX] << 32,
                  8);
        cpu->cc_src |= FL_ZF;
    } else {
        x86_write(cpu, d->seg, addr, v, 8);
        reg_write(cpu, R_EAX, 4, (uint32_t)v);
        reg_write(cpu, R_EDX, 4, v >> 32);
        cpu->cc_src &= ~FL_ZF;
    }
}

HANDLER(op_popcnt)
{
    uint64_t v = load_E(cpu, d, d->opsize);
    store_G(cpu, d, d->opsize, (uint64_t)__builtin_popcountll(v));
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = v ? 0 : FL_ZF;
}
