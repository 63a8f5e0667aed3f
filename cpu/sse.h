/*
 * Helpers shared by the SSE handlers (sse*.c): the checks made before an
 * SSE instruction, XMM and MMX operands, aligned memory operands, and the
 * MXCSR exception rule. Not an interface for anything outside cpu/.
 *
 * Register numbers are REX-ready: d->reg and d->rm already carry REX.R
 * and REX.B, so xmm8-15 work wherever the decoder hands them over; MMX
 * registers use the ModRM bits alone.
 */
#ifndef PCVM_CPU_SSE_H
#define PCVM_CPU_SSE_H

#include "cpu/fpu.h"
#include "cpu/sse_fp.h"

/* The mandatory prefix that picked the instruction (as the decoder
 * chose the sub-table): 0 none, 1 66, 2 F3, 3 F2. */
enum { PFX_NONE, PFX_66, PFX_F3, PFX_F2 };

static inline unsigned sse_pfx(const DecodedInsn *d)
{
    return d->rep == 0xf3 ? PFX_F3 : d->rep == 0xf2 ? PFX_F2
                                   : d->opsize_prefix ? PFX_66 : PFX_NONE;
}

/*
 * Checks before an instruction, in the hardware's order (the decoder has
 * already refused what the model does not advertise):
 *  - sse_check: XMM instructions - #UD for CR0.EM or without CR4.OSFXSR,
 *    #NM for CR0.TS.
 *  - sse_check_mmx: instructions on MMX registers added by SSE and later
 *    (PAVGB mm, PSHUFB mm...) - as MMX: #UD for CR0.EM, #NM for CR0.TS,
 *    then a pending x87 error (#MF or the FERR# freeze).
 *  - sse_check_both: instructions with both (CVTPI2PS, MOVQ2DQ...).
 * The last two return false when the CPU froze: return at once.
 *
 * Instructions on MMX registers enter MMX mode (fpu_mmx_enter) after
 * reading their memory operands but before #XM: a faulting load leaves
 * the x87 state alone. A store from an MMX register sets TOP to 0 before
 * it may fault and the tags once it is done.
 */
void sse_check(X86Cpu *cpu);
bool sse_check_mmx(X86Cpu *cpu);
bool sse_check_both(X86Cpu *cpu);

/* MMX registers: reading one is free; writing one (and every instruction
 * that uses MMX registers) enters MMX mode. */
static inline uint64_t mm_get(const X86Cpu *cpu, unsigned r)
{
    return cpu->fpr[r & 7].mant;
}

static inline void mm_set(X86Cpu *cpu, unsigned r, uint64_t v)
{
    cpu->fpr[r & 7].mant = v;
    cpu->fpr[r & 7].sexp = 0xffff;
}

static inline unsigned mm_reg(const DecodedInsn *d)
{
    return (d->modrm >> 3) & 7;
}

static inline unsigned mm_rm(const DecodedInsn *d)
{
    return d->modrm & 7;
}

/*
 * Memory operands. 16-byte operands with @aligned raise #GP(0) unless
 * the linear address is 16-byte aligned (before the segment checks and
 * paging). Smaller ones go through x86_read/x86_write (and so
 * #AC). A store checks its whole destination before writing.
 */
void sse_read_mem(X86Cpu *cpu, const DecodedInsn *d, X86Xmm *out,
                  unsigned size, bool aligned);
void sse_write_mem(X86Cpu *cpu, const DecodedInsn *d, const X86Xmm *v,
                   unsigned size, bool aligned);

/* The E (ModRM.rm) operand: the whole register, or @size bytes of memory
 * zero-extended to 16. */
void sse_load_E(X86Cpu *cpu, const DecodedInsn *d, X86Xmm *out,
                unsigned size, bool aligned);

/* The E operand of an MMX form: register or m64 (@size bytes). */
uint64_t sse_load_mm_E(X86Cpu *cpu, const DecodedInsn *d, unsigned size);

/* --- MXCSR --- */

static inline FloatEnv sse_env(const X86Cpu *cpu)
{
    return ssefp_env(cpu->mxcsr);
}

/* The MXCSR bits a guest may set on this CPU (MXCSR_MASK): DAZ only
 * where the model has it. */
uint32_t sse_mxcsr_mask(const X86Cpu *cpu);

/*
 * Exceptions of a floating-point instruction: @pre are the IE/DE/ZE
 * flags and @all every flag raised over all its elements. If a
 * pre-computation exception is unmasked, only @pre is recorded; else if
 * any is unmasked, all are; either way the instruction then faults with
 * #XM (CR4.OSXMMEXCPT) or #UD, its destination untouched. Otherwise the
 * flags are recorded and the caller stores its result.
 */
void sse_fp_finish(X86Cpu *cpu, uint32_t pre, uint32_t all);

/* Accumulate one element's flags from @env (which is then cleared). */
static inline void sse_fp_collect(FloatEnv *env, uint32_t *pre,
                                  uint32_t *all)
{
    *pre |= env->flags & SSEFP_PRE;
    *all |= env->flags & FLOAT_ALL_EXC;
    env->flags = 0;
}

#endif
