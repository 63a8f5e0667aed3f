/*
 * The x87 FPU escape (D8-DF) and FWAIT.
 *
 * The device-not-available checks (CR0.EM/TS/MP) are complete; the
 * arithmetic itself is not built yet (M2 brings the software 80-bit
 * core), so an x87 instruction past those checks says so and raises #UD.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

HANDLER(op_x87)
{
    if (cpu->cr0 & (CR0_EM | CR0_TS)) {
        x86_raise(cpu, EXC_NM, -1);
    }
    x86_unimplemented(cpu, d);
}

HANDLER(op_fwait)
{
    if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
        x86_raise(cpu, EXC_NM, -1);
    }
    /* No x87 exception can be pending until the x87 core exists. */
}
