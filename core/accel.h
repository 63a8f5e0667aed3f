/*
 * Accelerators: what runs the vCPUs against the machine.
 *
 * Promise: tcg (the software CPU, with tcg-lite's translation cache) and
 * kvm implement the same ops over the same machine and device models. The
 * main loop calls run() with a virtual-time deadline; run() returns by then,
 * or earlier when the machine wants attention (a request, all vCPUs idle).
 */
#ifndef PCVM_ACCEL_H
#define PCVM_ACCEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/irq.h"
#include "core/vcpu.h"

typedef struct Machine Machine;
typedef struct MachineConfig MachineConfig;

typedef enum AccelRunResult {
    ACCEL_RAN,     /* reached the deadline or the slice ended */
    ACCEL_IDLE,    /* every vCPU is halted: wait for an event */
    ACCEL_EVENT,   /* the machine has a request (reset, exit, ...) */
} AccelRunResult;

typedef struct AccelOps {
    const char *name;
    /* Create the machine's vCPUs; returns 0, or -1 with @err filled. */
    int (*init)(Machine *m, char *err, size_t errlen);
    void (*destroy)(Machine *m);
    AccelRunResult (*run)(Machine *m, int64_t deadline_ns);
    /* Put every vCPU in its power-on state. */
    void (*reset)(Machine *m);
    IrqLine (*cpu_pin)(Machine *m, int cpu, VcpuPin pin);
    void (*set_intc)(Machine *m, int cpu, VcpuIntc intc);
    /* Connect a vCPU's output signal (optional). */
    void (*cpu_output)(Machine *m, int cpu, VcpuOutput out, IrqLine line);
    /* A start-up IPI for @cpu (from its local APIC); optional. */
    void (*sipi)(Machine *m, int cpu, uint8_t vector);
    /* Make run() return soon (from device code, timers, signals). */
    void (*kick)(Machine *m);
    /* Print the vCPUs' registers (errors, -d cpu). */
    void (*dump)(Machine *m, FILE *f);
    /* Optional: load @st into @cpu, which runs from there (a direct
     * kernel boot after reset); returns -1 when the state cannot be
     * loaded (an MSR the CPU lacks). */
    int (*set_boot_state)(Machine *m, int cpu, const VcpuBootState *st);
    /* Optional: can this accelerator run @cfg here? 0: yes; 1: it can,
     * but -accel auto should not choose it; -1: it cannot. @why gets the
     * reason in a few words (one line, no "pcvm:" prefix). */
    int (*probe)(const MachineConfig *cfg, char *why, size_t whylen);
    /* Optional: what -accel help says about this accelerator here. */
    void (*help)(FILE *f);
    /* Optional: the input of an interrupt controller inside the
     * accelerator (KVM's in-kernel IOAPIC/PIC) for GSI @gsi, which the
     * board adds next to its own controllers; a line with no handler when
     * the board's controllers are the only ones. */
    IrqLine (*gsi_line)(Machine *m, int gsi);
} AccelOps;

extern const AccelOps tcg_accel_ops;
extern const AccelOps kvm_accel_ops;

#endif
