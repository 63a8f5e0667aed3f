/*
 * Shifts and rotates (group 2) and the double shifts SHLD/SHRD.
 * The count is masked to 5 bits (6 with a 64-bit operand); a masked count
 * of zero changes nothing, flags included (but a 32-bit register operand
 * is still written: its top half clears in 64-bit mode). Undefined flags (OF for counts
 * above 1, AF) follow P6-family hardware: see docs/cpu-flags.md.
 */
#include "cpu/alu.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

static unsigned shift_count(const X86Cpu *cpu, const DecodedInsn *d)
{
    unsigned raw;
    switch (d->opcode) {
    case 0xd0: case 0xd1: raw = 1; break;
    case 0xd2: case 0xd3: case 0x1a5: case 0x1ad:
        raw = cpu->regs[R_ECX] & 0xff;
        break;
    default: raw = d->imm & 0xff; break;
    }
    return raw & (d->opsize == 8 ? 63 : 31);
}

static void set_flags_direct(X86Cpu *cpu, uint32_t set, uint32_t mask)
{
    cc_materialize(cpu);
    cpu->cc_src = (cpu->cc_src & ~mask) | (set & mask);
}

/* OF for a count above 1 is undefined; P6-family and later Intel CPUs
 * compute it as for a count of 1, from the operand before the shift
 * (docs/cpu-flags.md). These are the count-1 formulas. */
static bool of_left(uint64_t v, uint64_t msb)
{
    return ((v & msb) != 0) != ((v & (msb >> 1)) != 0);
}

/* Rotates change only CF and OF. RCL/RCR rotate through CF, a
 * (bits+1)-bit rotation: a count that is a multiple of bits+1 changes
 * nothing, flags included. */
static uint64_t rotate(X86Cpu *cpu, const DecodedInsn *d, unsigned kind,
                       unsigned size, uint64_t v, unsigned count)
{
    typedef unsigned __int128 u128;
    unsigned bits = size * 8;
    uint64_t mask = size_mask(size), msb = sign_bit(size);
    uint64_t r;
    bool cf, of;
    switch (kind) {
    case 0: { /* ROL */
        unsigned c = count % bits;
        r = c ? ((v << c) | (v >> (bits - c))) & mask : v;
        cf = r & 1;
        of = of_left(v, msb);
        break;
    }
    case 1: { /* ROR */
        unsigned c = count % bits;
        r = c ? ((v >> c) | (v << (bits - c))) & mask : v;
        cf = (r & msb) != 0;
        of = ((v & msb) != 0) != (v & 1);
        break;
    }
    default: { /* RCL, RCR */
        unsigned w = bits + 1, c = count % w;
        if (c == 0) {
            return v;
        }
        bool cf_in = x86_cc_carry(cpu);
        u128 x = (u128)cf_in << bits | v;
        u128 wmask = ((u128)1 << w) - 1;
        u128 y = kind == 2 ? (x << c) | (x >> (w - c))
                           : (x >> c) | (x << (w - c));
        y &= wmask;
        r = (uint64_t)y & mask;
        cf = (y >> bits) & 1;
        of = kind == 2 ? of_left(v, msb) : ((v & msb) != 0) != cf_in;
        break;
    }
    }
    /* ROL/ROR by an immediate other than 1 leave OF alone on the host
     * with a register operand (the CL and memory forms do not):
     * docs/cpu-flags.md. */
    bool keep_of = kind <= 1 && count != 1 && !d->mem &&
                   (d->opcode == 0xc0 || d->opcode == 0xc1);
    set_flags_direct(cpu, (cf ? FL_CF : 0) | (of ? FL_OF : 0),
                     keep_of ? FL_CF : FL_CF | FL_OF);
    return r;
}

/* A masked count of zero changes nothing but still writes a 32-bit
 * register destination, clearing its top half in 64-bit mode (as the
 * host does; tools/difftest). */
static void zero_count_write(X86Cpu *cpu, const DecodedInsn *d,
                             unsigned size, uint64_t v)
{
    if (size == 4 && !d->mem) {
        store_E(cpu, d, 4, v);
    }
}

HANDLER(op_shift)
{
    unsigned size = d->opsize;
    unsigned kind = (d->modrm >> 3) & 7;
    unsigned count = shift_count(cpu, d);
    uint64_t addr = 0, v;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, size);
        v = x86_read(cpu, d->seg, addr, size);
    } else {
        v = load_E(cpu, d, size);
    }
    if (count == 0) {
        zero_count_write(cpu, d, size, v);
        return;
    }
    uint64_t r;
    if (kind < 4) {
        r = rotate(cpu, d, kind, size, v, count);
    } else {
        r = x86_shift(cpu, kind, size, v, count);
    }
    if (d->mem) {
        x86_write(cpu, d->seg, addr, r, size);
    } else {
        store_E(cpu, d, size, r);
    }
}

static void double_shift(X86Cpu *cpu, const DecodedInsn *d, bool left)
{
    unsigned size = d->opsize, bits = size * 8;
    unsigned count = shift_count(cpu, d);
    uint64_t addr = 0, dst;
    uint64_t src = load_G(cpu, d, size);
    if (d->mem) {
        addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, size);
        dst = x86_read(cpu, d->seg, addr, size);
    } else {
        dst = load_E(cpu, d, size);
    }
    if (count == 0) {
        zero_count_write(cpu, d, size, dst);
        return;
    }
    uint64_t mask = size_mask(size), r;
    bool cf;
    if (size == 2) {
        /* 16-bit: counts above 16 shift through a dst:src:dst pattern,
         * as P6 does. */
        if (left) {
            uint64_t tmp = (dst << 32) | (src << 16) | dst;
            r = ((tmp << count) >> 32) & 0xffff;
            cf = (tmp >> (48 - count)) & 1;
        } else {
            uint64_t tmp = dst | (src << 16) | (dst << 32);
            r = (tmp >> count) & 0xffff;
            cf = (tmp >> (count - 1)) & 1;
        }
    } else if (left) {
        r = ((dst << count) | (src >> (bits - count))) & mask;
        cf = (dst >> (bits - count)) & 1;
    } else {
        r = ((dst >> count) | (src << (bits - count))) & mask;
        cf = (dst >> (count - 1)) & 1;
    }
    /* OF as for a count of 1 (see of_left). */
    uint64_t msb = sign_bit(size);
    bool of = left ? of_left(dst, msb)
                   : ((dst & msb) != 0) != ((src & 1) != 0);
    uint32_t f = (cf ? FL_CF : 0) | (of ? FL_OF : 0) | (r == 0 ? FL_ZF : 0) |
                 ((r & sign_bit(size)) ? FL_SF : 0) |
                 (__builtin_parity((unsigned)(r & 0xff)) ? 0 : FL_PF);
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = f;
    if (d->mem) {
        x86_write(cpu, d->seg, addr, r, size);
    } else {
        store_E(cpu, d, size, r);
    }
}

HANDLER(op_shld) { double_shift(cpu, d, true); }
HANDLER(op_shrd) { double_shift(cpu, d, false); }
