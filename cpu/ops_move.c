/*
 * Data movement: MOV in all forms, LEA, XCHG, MOVZX/MOVSX/MOVSXD, ARPL,
 * XLAT, far-pointer loads (LES LDS LSS LFS LGS), NOP.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

HANDLER(op_mov_EG)
{
    store_E(cpu, d, d->opsize, load_G(cpu, d, d->opsize));
}

HANDLER(op_mov_GE)
{
    store_G(cpu, d, d->opsize, load_E(cpu, d, d->opsize));
}

/* MOV Ev, Sreg: a register destination gets the selector zero-extended to
 * the operand size; memory always gets 16 bits. */
HANDLER(op_mov_ES)
{
    unsigned s = (d->modrm >> 3) & 7;
    if (s >= SEG_COUNT) {
        x86_raise(cpu, EXC_UD, -1);
    }
    uint16_t sel = cpu->seg[s].sel;
    if (d->mem) {
        x86_write(cpu, d->seg, x86_ea(cpu, d), sel, 2);
    } else {
        reg_write(cpu, d->rm, d->opsize, sel);
    }
}

HANDLER(op_mov_SE)
{
    unsigned s = (d->modrm >> 3) & 7;
    if (s >= SEG_COUNT || s == R_CS) {
        x86_raise(cpu, EXC_UD, -1);
    }
    uint16_t sel = load_E(cpu, d, 2);
    x86_load_seg(cpu, s, sel);
    if (s == R_SS) {
        /* MOV SS blocks interrupts (and debug traps) for one instruction,
         * so MOV SS; MOV ESP is atomic. */
        cpu->irq_shadow = true;
    }
}

HANDLER(op_lea)
{
    store_G(cpu, d, d->opsize, x86_ea(cpu, d));
}

HANDLER(op_mov_moffs)
{
    uint64_t addr = (uint64_t)d->disp & addr_mask(d);
    if (d->opcode < 0xa2) {
        reg_write(cpu, R_EAX, d->opsize,
                  x86_read(cpu, d->seg, addr, d->opsize));
    } else {
        x86_write(cpu, d->seg, addr, reg_read(cpu, R_EAX, d->opsize),
                  d->opsize);
    }
}

HANDLER(op_mov_r_imm)
{
    reg_write(cpu, opcode_reg(d, d->opsize), d->opsize, d->imm);
}

HANDLER(op_mov_EI)
{
    store_E(cpu, d, d->opsize, d->imm);
}

HANDLER(op_xchg_EG)
{
    unsigned size = d->opsize;
    uint64_t g = load_G(cpu, d, size);
    if (d->mem) {
        uint64_t addr = x86_ea(cpu, d);
        x86_probe_write(cpu, d->seg, addr, size);
        uint64_t m = x86_read(cpu, d->seg, addr, size);
        x86_write(cpu, d->seg, addr, g, size);
        store_G(cpu, d, size, m);
    } else {
        uint64_t e = load_E(cpu, d, size);
        store_E(cpu, d, size, g);
        store_G(cpu, d, size, e);
    }
}

HANDLER(op_xchg_AX_r)
{
    unsigned r = opcode_reg(d, d->opsize);
    if (r == R_EAX) {
        /* NOP; with F3 it is PAUSE, the spin-wait hint: with several vCPUs
         * taking turns, hand the turn over, or a spinning vCPU holds a
         * lock for its whole slice while the others wait for it. */
        if (d->rep == 0xf3 && cpu->yield_on_pause) {
            cpu->interrupt_request |= CPU_REQ_EXIT;
        }
        return;
    }
    uint64_t a = reg_read(cpu, R_EAX, d->opsize);
    reg_write(cpu, R_EAX, d->opsize, reg_read(cpu, r, d->opsize));
    reg_write(cpu, r, d->opsize, a);
}

HANDLER(op_movzx)
{
    unsigned src = (d->opcode & 1) ? 2 : 1;
    store_G(cpu, d, d->opsize, load_E(cpu, d, src));
}

HANDLER(op_movsx)
{
    unsigned src = (d->opcode & 1) ? 2 : 1;
    store_G(cpu, d, d->opsize, (uint64_t)sext(load_E(cpu, d, src), src));
}

HANDLER(op_arpl_movsxd)
{
    if (cpu->code64) {
        /* MOVSXD Gq, Ed; without REX.W a plain 32- or 16-bit move. */
        unsigned src = d->opsize == 8 ? 4 : d->opsize;
        uint64_t v = load_E(cpu, d, src);
        store_G(cpu, d, d->opsize, (uint64_t)sext(v, src));
        return;
    }
    if (!cpu->pe || cpu->vm86) {
        x86_raise(cpu, EXC_UD, -1);
    }
    /* The destination is read, and written only when its RPL changes
     * (so a read-only operand faults only then), as on the host. */
    uint64_t addr = 0;
    uint16_t dst;
    if (d->mem) {
        addr = x86_ea(cpu, d);
        dst = x86_read(cpu, d->seg, addr, 2);
    } else {
        dst = reg_read(cpu, d->rm, 2);
    }
    uint16_t src = reg_read(cpu, d->reg, 2);
    cc_materialize(cpu);
    if ((dst & 3) < (src & 3)) {
        dst = (dst & ~3) | (src & 3);
        if (d->mem) {
            x86_write(cpu, d->seg, addr, dst, 2);
        } else {
            reg_write(cpu, d->rm, 2, dst);
        }
        cpu->cc_src |= FL_ZF;
    } else {
        cpu->cc_src &= ~FL_ZF;
    }
}

HANDLER(op_xlat)
{
    /* No ModRM: the decoder leaves the segment to us (DS, or the
     * override). */
    int seg = d->seg_override != SEG_NONE ? d->seg_override : R_DS;
    uint64_t addr = (cpu->regs[R_EBX] + (cpu->regs[R_EAX] & 0xff)) &
                    addr_mask(d);
    reg_write(cpu, R_EAX, 1, x86_read(cpu, seg, addr, 1));
}

HANDLER(op_load_far_ptr)
{
    int s;
    switch (d->opcode) {
    case 0xc4: s = R_ES; break;
    case 0xc5: s = R_DS; break;
    case 0x1b2: s = R_SS; break;
    case 0x1b4: s = R_FS; break;
    default: s = R_GS; break;
    }
    uint64_t addr = x86_ea(cpu, d);
    uint64_t off = x86_read(cpu, d->seg, addr, d->opsize);
    uint16_t sel = x86_read(cpu, d->seg, (addr + d->opsize) & addr_mask(d), 2);
    x86_load_seg(cpu, s, sel);
    store_G(cpu, d, d->opsize, off);
}

HANDLER(op_nop)
{
    /* Hint instructions still check their memory operand's address is
     * well-formed (done by the decoder); nothing else happens. */
}
