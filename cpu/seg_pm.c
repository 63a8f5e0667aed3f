/*
 * Protected and long mode segmentation, far transfers, gates, task
 * switches and interrupt delivery.
 *
 * Not built yet: this milestone (M1) runs real-mode guests only. Each entry
 * point says so once (rate limited) and raises #UD, so a guest that enters
 * protected mode gets a clear message rather than silent misbehaviour. The
 * M2 CPU issue replaces this file.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"
#include "cpu/seg.h"

static __attribute__((noreturn)) void pm_not_built(X86Cpu *cpu,
                                                   const char *what)
{
    log_guest(cpu->log, LOG_UNIMP, &cpu->unimp_count,
              "cpu%d: protected-mode %s is not built yet (M2); raising #UD",
              cpu->index, what);
    x86_raise(cpu, EXC_UD, -1);
}

void pm_load_seg(X86Cpu *cpu, int seg, uint16_t sel)
{
    pm_not_built(cpu, "segment load");
}

void pm_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    pm_not_built(cpu, "far jump");
}

void pm_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    pm_not_built(cpu, "far call");
}

void pm_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes)
{
    pm_not_built(cpu, "far return");
}

void pm_iret(X86Cpu *cpu, unsigned opsize)
{
    pm_not_built(cpu, "iret");
}

void pm_deliver(X86Cpu *cpu, int vec, int error_code, int kind, uint64_t ret)
{
    /* Cannot raise from here without looping: a triple fault ends it. */
    log_guest(cpu->log, LOG_UNIMP, &cpu->unimp_count,
              "cpu%d: protected-mode interrupt delivery (vector %d) is not "
              "built yet (M2)", cpu->index, vec);
    cpu->exc_depth = 2;
    cpu->last_exc = EXC_DF;
    x86_raise(cpu, EXC_DF, 0);
}

HANDLER(op_sldt_str) { x86_unimplemented(cpu, d); }
HANDLER(op_lldt) { x86_unimplemented(cpu, d); }
HANDLER(op_ltr) { x86_unimplemented(cpu, d); }
HANDLER(op_verr_verw) { x86_unimplemented(cpu, d); }
HANDLER(op_lar) { x86_unimplemented(cpu, d); }
HANDLER(op_lsl) { x86_unimplemented(cpu, d); }
HANDLER(op_sysenter) { x86_unimplemented(cpu, d); }
HANDLER(op_sysexit) { x86_unimplemented(cpu, d); }
HANDLER(op_syscall) { x86_unimplemented(cpu, d); }
HANDLER(op_sysret) { x86_unimplemented(cpu, d); }
HANDLER(op_swapgs) { x86_unimplemented(cpu, d); }
