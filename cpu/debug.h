/*
 * Debug registers (SDM vol. 3, chapter 17): instruction, data and I/O
 * breakpoints set in DR0-DR3 and enabled in DR7, reported in DR6.
 *
 * Promise: none of this runs while DR7 enables no breakpoint (the mode
 * bit X86_HF_DBG is clear), so the memory fast path pays one flag test.
 * Instruction breakpoints are faults taken before the instruction (unless
 * EFLAGS.RF); data and I/O breakpoints are traps taken after it, together
 * with a single-step trap when both happen.
 */
#ifndef PCVM_CPU_DEBUG_H
#define PCVM_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

#define DR6_B(n) (1u << (n))
#define DR6_BD (1u << 13)
#define DR6_BS (1u << 14)
#define DR6_BT (1u << 15)
#define DR7_GD (1u << 13)

/* Before the instruction at cpu->rip: raise #DB for an instruction
 * breakpoint there. */
void x86_debug_insn_start(X86Cpu *cpu);
/* A data access: note the data breakpoints it hits (taken at the end of
 * the instruction). */
void x86_debug_data(X86Cpu *cpu, uint64_t lin, unsigned size, bool write);
/* A port access (breakpoints with R/W = 10b, when CR4.DE is set). */
void x86_debug_io(X86Cpu *cpu, uint16_t port, unsigned size);
/* After the instruction: raise the #DB trap for the breakpoints it hit
 * and, with @single_step, BS. */
void x86_debug_insn_end(X86Cpu *cpu, bool single_step);

#endif
