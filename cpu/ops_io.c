/*
 * Port I/O: IN and OUT, with the protected-mode permission checks (IOPL,
 * then the TSS I/O permission bitmap).
 */
#include "cpu/debug.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

void x86_check_io(X86Cpu *cpu, uint16_t port, unsigned size)
{
    unsigned iopl = (cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
    if (__builtin_expect(cpu->hflags & X86_HF_DBG, 0)) {
        x86_debug_io(cpu, port, size);
    }
    if (!cpu->pe || (!cpu->vm86 && cpu->cpl <= iopl)) {
        return;
    }
    /* The bitmap needs a 32-bit TSS (type 9 or 11) that reaches it. */
    const X86Seg *tr = &cpu->tr;
    unsigned type = (tr->flags >> SEGF_TYPE_SHIFT) & 0xf;
    if (!(tr->flags & SEGF_P) || (type != 9 && type != 11) ||
        tr->limit < 0x67) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint32_t base = x86_read_lin(cpu, tr->base + 0x66, 2, ACC_READ | ACC_SUPER);
    uint32_t byte = base + port / 8;
    if (byte + 1 > tr->limit) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint32_t bits = x86_read_lin(cpu, tr->base + byte, 2, ACC_READ | ACC_SUPER);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        x86_raise(cpu, EXC_GP, 0);
    }
}

HANDLER(op_in)
{
    uint16_t port = (d->opcode & 8) ? (uint16_t)cpu->regs[R_EDX] : d->imm;
    unsigned size = d->opsize > 4 ? 4 : d->opsize;
    x86_check_io(cpu, port, size);
    x86_sync_icount(cpu);
    reg_write(cpu, R_EAX, size, iobus_read(cpu->io, port, size));
}

HANDLER(op_out)
{
    uint16_t port = (d->opcode & 8) ? (uint16_t)cpu->regs[R_EDX] : d->imm;
    unsigned size = d->opsize > 4 ? 4 : d->opsize;
    x86_check_io(cpu, port, size);
    x86_sync_icount(cpu);
    iobus_write(cpu->io, port, reg_read(cpu, R_EAX, size), size);
}
