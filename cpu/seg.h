/*
 * Segments and far transfers.
 *
 * Promise: these functions change CS/SS/rip/stack exactly as the current
 * mode requires - real mode (base = selector << 4, limit and attributes
 * kept, which is what makes unreal mode work), virtual-8086 mode, protected
 * mode with every descriptor, privilege and gate check, long mode - or
 * raise the exception the SDM specifies before changing anything.
 * Interrupt and exception delivery lives here too, because it is a far call
 * through a gate.
 */
#ifndef PCVM_CPU_SEG_H
#define PCVM_CPU_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Real/V86-mode load: selector and base only (V86 also sets limit 0xffff
 * and DPL-3 data attributes). */
void x86_seg_load_real(X86Cpu *cpu, int seg, uint16_t sel);

/* How an interrupt was raised: it decides the gate DPL check and, in
 * virtual-8086 mode, IOPL sensitivity and VME redirection. */
enum {
    INT_HW,       /* exceptions, NMI, external interrupts, INT1 (ICEBP) */
    INT_SOFT,     /* INT n */
    INT_SOFT_EXC, /* INT3, INTO: DPL checked, not IOPL-sensitive */
};

/* Deliver vector @vec raised as @kind (INT_*), with @error_code (-1 when
 * there is none) and @ret the rip to return to. Sets rip and next_rip to
 * the handler. */
void x86_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                 uint64_t ret);

/* Protected mode: segment loads and far JMP/CALL/RET (seg_pm.c), IRET
 * (iret_pm.c), interrupt delivery (intr_pm.c); the helpers they share
 * are in desc.h. In long mode (EFER.LMA, 64-bit and compatibility mode)
 * they hand over to the lm_* functions below. */
void pm_load_seg(X86Cpu *cpu, int seg, uint16_t sel);
void pm_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize);
void pm_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize);
void pm_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes);
void pm_iret(X86Cpu *cpu, unsigned opsize);
void pm_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                uint64_t ret);

/* Long mode (seg_lm.c, intr_lm.c, iret_pm.c): far JMP/CALL/RET with 16-byte call gates and no task switches, IRET, and
 * interrupt delivery through 16-byte IDT gates with 64-bit frames and
 * the interrupt stack table. */
void lm_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize);
void lm_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize);
void lm_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes);
void lm_iret(X86Cpu *cpu, unsigned opsize);
void lm_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                uint64_t ret);
/* RSP0-2 (@index 0-2) or IST1-7 (@index 3-9) from the 64-bit TSS;
 * raises #TS(TR selector) when the TSS is too short. */
uint64_t lm_tss_rsp(X86Cpu *cpu, unsigned index, bool ext);
/* Load SS with a null selector whose RPL (and cached DPL) is @rpl, as
 * 64-bit mode allows at CPL 0-2. */
void lm_load_null_ss(X86Cpu *cpu, uint16_t sel);

#endif
