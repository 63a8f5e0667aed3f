/*
 * Local APICs (xAPIC, one per CPU) and the APIC bus that joins them to the
 * IOAPIC and to message-signalled interrupts.
 *
 * Promise: every CPU sees its own LAPIC in one 4 KiB MMIO window (default
 * 0xfee00000); the window asks *current_cpu (set by the accelerator while
 * a vCPU runs) which one. Registers: ID, version (0x14, 6 LVTs), TPR, APR,
 * PPR, EOI, LDR, DFR (flat and cluster), spurious vector (software
 * enable), ISR/TMR/IRR, ESR (illegal vectors), ICR (fixed, lowest
 * priority, SMI, NMI, INIT, SIPI, ExtINT; no/self/all/all-but-self
 * shorthands; delivery is immediate, so the status bit always reads 0),
 * the LVTs (timer, thermal, perf, LINT0, LINT1, error) and the timer:
 * one-shot, periodic and TSC-deadline, counting virtual nanoseconds
 * divided by the divide configuration (bus clock 1 GHz).
 *
 * The CPU is reached only through its pins and the acknowledge callback:
 * INTR is high while an interrupt can be taken; lapic_intc() is the
 * VcpuIntc the accelerator calls on INTA. LINT0 in ExtINT mode (the reset
 * state of CPU 0, as on PCs whose BIOS sets up virtual wire) passes the
 * 8259's output through and the acknowledge goes to the 8259 (set with
 * lapic_set_extint); LINT1 defaults to NMI. INIT resets the target LAPIC
 * and pulses the CPU's INIT pin; SIPI goes to the board's sipi hook.
 * An EOI for a level-triggered vector is broadcast to the EOI listeners
 * (the IOAPIC clears its remote IRR).
 *
 * CR8 is the TPR's bits 7:4: lapic_intc() carries the hooks the CPU
 * reads and writes it through.
 *
 * Not modelled: x2APIC, the APIC base MSR's relocation and global disable
 * (the CPU owns that MSR), EOI broadcast suppression.
 */
#ifndef PCVM_HW_LAPIC_H
#define PCVM_HW_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/machine.h"
#include "core/vcpu.h"

#define APIC_DEFAULT_BASE 0xfee00000ULL
#define APIC_BUS_MAX_CPUS 255
#define APIC_MMIO_PRIO 2

/* Delivery modes */
#define APIC_DM_FIXED 0
#define APIC_DM_LOWEST 1
#define APIC_DM_SMI 2
#define APIC_DM_NMI 4
#define APIC_DM_INIT 5
#define APIC_DM_SIPI 6
#define APIC_DM_EXTINT 7

typedef struct ApicBus ApicBus;
typedef struct Lapic Lapic;

/* A message on the APIC bus (from an IOAPIC, an ICR, or an MSI). */
typedef struct ApicMsg {
    uint8_t dest;
    bool logical;
    uint8_t mode;     /* APIC_DM_* */
    uint8_t vector;
    bool level;       /* level-triggered (sets TMR) */
} ApicMsg;

/* What a LAPIC drives on its CPU. */
typedef struct LapicCpu {
    IrqLine intr, nmi, init, smi;
    void (*sipi)(void *opaque, int cpu, uint8_t vector);
    void *opaque;
} LapicCpu;

typedef void ApicEoiListener(void *opaque, uint8_t vector);

/* @current_cpu: index of the CPU whose access is being dispatched. */
ApicBus *apic_bus_new(Machine *m, uint64_t base, const int *current_cpu);
void apic_bus_add_eoi_listener(ApicBus *bus, ApicEoiListener *fn,
                               void *opaque);
void apic_bus_deliver(ApicBus *bus, const ApicMsg *msg);
/* An MSI write: address 0xfeeXXXXX (destination, mode), data (vector,
 * delivery mode, trigger). */
void apic_bus_msi(ApicBus *bus, uint64_t addr, uint32_t data);

/* CPU @index (APIC ID = index). */
Lapic *lapic_new(ApicBus *bus, int index, LapicCpu cpu);
Lapic *apic_bus_cpu(ApicBus *bus, int index);
IrqLine lapic_lint(Lapic *s, int n); /* LINT0 / LINT1 inputs */
void lapic_set_extint(Lapic *s, VcpuIntc pic);
VcpuIntc lapic_intc(Lapic *s);
/* Register access as from this LAPIC's CPU (tests, the MMIO window). */
uint32_t lapic_reg_read(Lapic *s, uint32_t offset);
void lapic_reg_write(Lapic *s, uint32_t offset, uint32_t value);
/* IA32_TSC_DEADLINE in virtual ns (the TSC runs at 1 GHz); 0 disarms. */
void lapic_set_tsc_deadline(Lapic *s, uint64_t ns);
uint64_t lapic_get_tsc_deadline(Lapic *s);

#endif
