/*
 * SSE common ground: the checks before an instruction, memory operands
 * with the 16-byte alignment rule, the MXCSR exception rule, and the
 * control instructions of 0F AE (LDMXCSR, STMXCSR, the fences, CLFLUSH).
 * See sse.h.
 */
#include "cpu/sse.h"

#include "cpu/debug.h"
#include "cpu/models.h"
#include "cpu/ops.h"

void sse_check(X86Cpu *cpu)
{
    if ((cpu->cr0 & CR0_EM) || !(cpu->cr4 & CR4_OSFXSR)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (cpu->cr0 & CR0_TS) {
        x86_raise(cpu, EXC_NM, -1);
    }
}

bool sse_check_mmx(X86Cpu *cpu)
{
    if (cpu->cr0 & CR0_EM) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (cpu->cr0 & CR0_TS) {
        x86_raise(cpu, EXC_NM, -1);
    }
    return fpu_check_pending(cpu);
}

bool sse_check_both(X86Cpu *cpu)
{
    sse_check(cpu);
    return fpu_check_pending(cpu);
}

/* --- memory --- */

/* The alignment check comes first, on the linear address, before the
 * segment checks. */
static uint64_t mem_linear(X86Cpu *cpu, const DecodedInsn *d, unsigned size,
                           int acc, bool aligned)
{
    uint64_t off = x86_ea(cpu, d);
    if (aligned) {
        uint64_t base = (cpu->code64 && d->seg != R_FS && d->seg != R_GS)
                            ? 0 : cpu->seg[d->seg].base;
        if ((base + off) & 15) {
            x86_raise(cpu, EXC_GP, 0);
        }
    }
    uint64_t lin = x86_seg_linear(cpu, d->seg, off, size, acc);
    if (cpu->hflags & X86_HF_DBG) {
        x86_debug_data(cpu, lin, size, acc == ACC_WRITE);
    }
    return lin;
}

void sse_read_mem(X86Cpu *cpu, const DecodedInsn *d, X86Xmm *out,
                  unsigned size, bool aligned)
{
    out->q[0] = out->q[1] = 0;
    if (size < 16) {
        out->q[0] = x86_read(cpu, d->seg, x86_ea(cpu, d), size);
        return;
    }
    uint64_t lin = mem_linear(cpu, d, 16, ACC_READ, aligned);
    x86_probe_lin(cpu, lin, 16, ACC_READ);
    out->q[0] = x86_read_lin(cpu, lin, 8, ACC_READ);
    out->q[1] = x86_read_lin(cpu, lin + 8, 8, ACC_READ);
}

void sse_write_mem(X86Cpu *cpu, const DecodedInsn *d, const X86Xmm *v,
                   unsigned size, bool aligned)
{
    if (size < 16) {
        x86_write(cpu, d->seg, x86_ea(cpu, d), v->q[0], size);
        return;
    }
    uint64_t lin = mem_linear(cpu, d, 16, ACC_WRITE, aligned);
    x86_probe_lin(cpu, lin, 16, ACC_WRITE);
    x86_write_lin(cpu, lin, v->q[0], 8, ACC_WRITE);
    x86_write_lin(cpu, lin + 8, v->q[1], 8, ACC_WRITE);
}

void sse_load_E(X86Cpu *cpu, const DecodedInsn *d, X86Xmm *out,
                unsigned size, bool aligned)
{
    if (d->mem) {
        sse_read_mem(cpu, d, out, size, aligned);
    } else {
        *out = cpu->xmm[d->rm];
    }
}

uint64_t sse_load_mm_E(X86Cpu *cpu, const DecodedInsn *d, unsigned size)
{
    if (d->mem) {
        return x86_read(cpu, d->seg, x86_ea(cpu, d), size);
    }
    return mm_get(cpu, mm_rm(d));
}

/* --- MXCSR --- */

uint32_t sse_mxcsr_mask(const X86Cpu *cpu)
{
    /* DAZ came with the later Pentium 4s; we give it to every model with
     * SSE2, as their MXCSR_MASK says. */
    return x86_has_feature(cpu, X86_FEAT_SSE2) ? 0xffffu : FPU_MXCSR_MASK;
}

void sse_fp_finish(X86Cpu *cpu, uint32_t pre, uint32_t all)
{
    uint32_t unmasked = ~(cpu->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    if (pre & unmasked) {
        cpu->mxcsr |= pre;
    } else {
        cpu->mxcsr |= all;
        if (!(all & unmasked)) {
            return;
        }
    }
    x86_raise(cpu, (cpu->cr4 & CR4_OSXMMEXCPT) ? EXC_XM : EXC_UD, -1);
}

/* 0F AE /2: LDMXCSR m32. */
HANDLER(op_ldmxcsr)
{
    sse_check(cpu);
    uint32_t v = (uint32_t)x86_read(cpu, d->seg, x86_ea(cpu, d), 4);
    if (v & ~sse_mxcsr_mask(cpu)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    cpu->mxcsr = v;
}

/* 0F AE /3: STMXCSR m32. */
HANDLER(op_stmxcsr)
{
    sse_check(cpu);
    x86_write(cpu, d->seg, x86_ea(cpu, d), cpu->mxcsr, 4);
}

/* LFENCE, MFENCE, SFENCE: one CPU executing in order needs nothing. */
HANDLER(op_fence)
{
    (void)cpu;
    (void)d;
}

/* CLFLUSH m8: no cache to flush, but the address must be valid (a read
 * access for the segment and page checks; no #AC). */
HANDLER(op_clflush)
{
    uint64_t lin = x86_seg_linear(cpu, d->seg, x86_ea(cpu, d), 1, ACC_READ);
    x86_probe_lin(cpu, lin, 1, ACC_READ);
}
