/*
 * Helpers shared by the instruction handlers: register and memory operand
 * access, lazy flags, the stack. Not an interface for anything outside cpu/
 * and tcg-lite/.
 *
 * Rules for handlers (what keeps exceptions precise): read every operand
 * and check every destination (x86_probe_write) before the first state
 * change; write memory before registers; never write rip (set
 * cpu->next_rip; the run loop commits it).
 */
#ifndef PCVM_CPU_INTERNAL_H
#define PCVM_CPU_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"

/* --- sizes --- */

static inline uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static inline uint64_t sign_bit(unsigned size)
{
    return 1ULL << (size * 8 - 1);
}

/* Sign-extend the low @size bytes of @v to 64 bits. */
static inline int64_t sext(uint64_t v, unsigned size)
{
    switch (size) {
    case 1: return (int8_t)v;
    case 2: return (int16_t)v;
    case 4: return (int32_t)v;
    default: return (int64_t)v;
    }
}

/* --- registers --- */

static inline uint64_t reg_read(const X86Cpu *cpu, unsigned r, unsigned size)
{
    switch (size) {
    case 1:
        return r >= REG8_AH ? (cpu->regs[r - REG8_AH] >> 8) & 0xff
                            : cpu->regs[r] & 0xff;
    case 2: return cpu->regs[r] & 0xffff;
    case 4: return (uint32_t)cpu->regs[r];
    default: return cpu->regs[r];
    }
}

/* 32-bit writes zero the upper half, as in 64-bit mode (invisible in
 * legacy modes). */
static inline void reg_write(X86Cpu *cpu, unsigned r, unsigned size,
                             uint64_t v)
{
    switch (size) {
    case 1:
        if (r >= REG8_AH) {
            r -= REG8_AH;
            cpu->regs[r] = (cpu->regs[r] & ~0xff00ULL) | ((v & 0xff) << 8);
        } else {
            cpu->regs[r] = (cpu->regs[r] & ~0xffULL) | (v & 0xff);
        }
        break;
    case 2: cpu->regs[r] = (cpu->regs[r] & ~0xffffULL) | (v & 0xffff); break;
    case 4: cpu->regs[r] = (uint32_t)v; break;
    default: cpu->regs[r] = v; break;
    }
}

/* The register of a ModRM.reg operand / an opcode's low three bits. */
static inline unsigned opcode_reg(const DecodedInsn *d, unsigned size)
{
    unsigned r = (d->opcode & 7) | ((d->rex & 1) << 3);
    if (size == 1 && !d->rex && r >= 4) {
        r = REG8_AH + (r - 4);
    }
    return r;
}

/* --- operands --- */

/* Byte-register number for a ModRM field: without REX, 4-7 are AH-BH. */
static inline unsigned reg8_index(const DecodedInsn *d, unsigned r)
{
    return (!d->rex && r >= 4 && r < 8) ? REG8_AH + (r - 4) : r;
}

/* The G (ModRM.reg) operand. */
static inline uint64_t load_G(const X86Cpu *cpu, const DecodedInsn *d,
                              unsigned size)
{
    return reg_read(cpu, size == 1 ? reg8_index(d, d->reg) : d->reg, size);
}

static inline void store_G(X86Cpu *cpu, const DecodedInsn *d, unsigned size,
                           uint64_t v)
{
    reg_write(cpu, size == 1 ? reg8_index(d, d->reg) : d->reg, size, v);
}

/* Effective address (offset in d->seg) of the ModRM memory operand,
 * wrapped to the address size. */
uint64_t x86_ea(X86Cpu *cpu, const DecodedInsn *d);

/* The same, inline (x86_ea runs it; so does tcg-lite). */
static inline __attribute__((always_inline)) uint64_t
x86_ea_calc(const X86Cpu *cpu, const DecodedInsn *d)
{
    uint64_t ea = (uint64_t)d->disp;
    if (d->ea_flags & EA_BASE) {
        ea += cpu->regs[d->base];
    }
    if (d->ea_flags & EA_INDEX) {
        ea += cpu->regs[d->index] << d->scale;
    }
    if (d->ea_flags & EA_RIP) {
        ea += cpu->next_rip;
    }
    return ea & size_mask(d->addrsize);
}

/* The E (ModRM.rm) operand, register or memory. */
static inline uint64_t load_E(X86Cpu *cpu, const DecodedInsn *d,
                              unsigned size)
{
    if (d->mem) {
        return x86_read(cpu, d->seg, x86_ea(cpu, d), size);
    }
    return reg_read(cpu, size == 1 ? reg8_index(d, d->rm) : d->rm, size);
}

static inline void store_E(X86Cpu *cpu, const DecodedInsn *d, unsigned size,
                           uint64_t v)
{
    if (d->mem) {
        x86_write(cpu, d->seg, x86_ea(cpu, d), v, size);
    } else {
        reg_write(cpu, size == 1 ? reg8_index(d, d->rm) : d->rm, size, v);
    }
}

/* Address mask for the instruction's address size. */
static inline uint64_t addr_mask(const DecodedInsn *d)
{
    return size_mask(d->addrsize);
}

/* --- lazy flags (flags.c) --- */

uint32_t x86_cc_compute(const X86Cpu *cpu);    /* the FL_ARITH bits */
bool x86_cc_carry(const X86Cpu *cpu);
/* Condition code 0-15 as in Jcc/SETcc/CMOVcc. */
bool x86_cond(const X86Cpu *cpu, unsigned cc);

static inline unsigned cc_size_index(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static inline void set_cc(X86Cpu *cpu, unsigned op_base, unsigned size,
                          uint64_t dst, uint64_t src, uint64_t src2)
{
    cpu->cc_op = op_base + cc_size_index(size);
    cpu->cc_dst = dst;
    cpu->cc_src = src;
    cpu->cc_src2 = src2;
}

/* Materialize the arithmetic flags into CC_OP_EFLAGS form, so an
 * instruction can change a few of them. */
static inline void cc_materialize(X86Cpu *cpu)
{
    if (cpu->cc_op != CC_OP_EFLAGS) {
        cpu->cc_src = x86_cc_compute(cpu);
        cpu->cc_op = CC_OP_EFLAGS;
    }
}

/* --- stack (stack.c) --- */

unsigned x86_stack_size(const X86Cpu *cpu); /* 2, 4 or 8 */
void x86_push(X86Cpu *cpu, uint64_t v, unsigned size);
uint64_t x86_pop(X86Cpu *cpu, unsigned size);
/* Read the value @offset bytes above the stack top, without popping. */
uint64_t x86_stack_peek(X86Cpu *cpu, unsigned offset, unsigned size);
void x86_stack_adjust(X86Cpu *cpu, int64_t delta);
/* POPF/IRET: write flags with the CPL/IOPL rules of protected mode. */
void x86_popf_value(X86Cpu *cpu, uint32_t v, unsigned opsize);

/* --- control --- */

/* Near jump: set next_rip to @target, truncated to the operand size, and
 * checked against CS's limit (or canonical in 64-bit mode). */
void x86_jump_near(X86Cpu *cpu, uint64_t target, unsigned opsize);
/* Load a segment register in the current mode (real: base = sel << 4;
 * protected: descriptor checks). Raises on bad selectors. */
void x86_load_seg(X86Cpu *cpu, int seg, uint16_t sel);
/* Far transfers and returns (seg.c / exec.c). */
void x86_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t offset,
                  unsigned opsize);
void x86_far_call(X86Cpu *cpu, uint16_t sel, uint64_t offset,
                  unsigned opsize);
void x86_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes);
void x86_iret(X86Cpu *cpu, unsigned opsize);
/* Software interrupt INT n / INT3 / INTO (trap: returns to next_rip). */
void x86_software_interrupt(X86Cpu *cpu, int vector, bool is_int3_or_into);
/* A trap-class exception: delivered with the return address after the
 * current instruction (INT1, single-step, data breakpoints). */
__attribute__((noreturn)) void x86_raise_trap(X86Cpu *cpu, int vector);

bool x86_exception_has_error_code(int vec);

/* Iterations a REP string instruction runs before it yields (rip still on
 * itself); tcg-lite's bulk forms keep the same batches. */
#define X86_REP_BATCH 1024

/* Is an asynchronous event deliverable now (a REP instruction yields)? */
bool x86_irq_pending(const X86Cpu *cpu);

/* Privilege helpers. */
static inline void require_cpl0(X86Cpu *cpu)
{
    if (cpu->cpl != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
}
/* Port I/O permission: IOPL, then the TSS I/O bitmap (raises #GP). */
void x86_check_io(X86Cpu *cpu, uint16_t port, unsigned size);

/* Control-register writes with their checks and side effects. */
void x86_write_cr0(X86Cpu *cpu, uint64_t v);
void x86_write_cr3(X86Cpu *cpu, uint64_t v);
void x86_write_cr4(X86Cpu *cpu, uint64_t v);
/* CR8: the task priority, coupled to the local APIC's TPR. */
uint64_t x86_read_cr8(X86Cpu *cpu);
void x86_write_cr8(X86Cpu *cpu, uint64_t v);

/* Unimplemented instruction: logs once (rate limited) and raises #UD. */
__attribute__((noreturn)) void x86_unimplemented(X86Cpu *cpu,
                                                 const DecodedInsn *d);

/* Drive the FERR# output from the x87 status (after RESET). */
void x86_fpu_update_ferr(X86Cpu *cpu);

/* A decoded instruction at cpu->rip (insn_start, next_rip and RF set up
 * as a step does): run it as the interpreter's step would, with the
 * single-step and data breakpoint traps (@tf: EFLAGS.TF as it began).
 * tcg-lite runs single-stepped code through it. */
void x86_exec_decoded(X86Cpu *cpu, const DecodedInsn *d, bool tf);

/* Flush retired-instruction counts to the clock before touching devices,
 * so they see the right virtual time under -icount. */
void x86_sync_icount(X86Cpu *cpu);

#endif
