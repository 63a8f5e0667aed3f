/*
 * What the board sees of a virtual CPU, whichever accelerator runs it.
 *
 * Promise: a vCPU has input pins driven like any interrupt line (INTR is a
 * level; NMI, INIT and SMI act on the rising edge; A20 masks address bit 20
 * while low) and asks the board's interrupt controller for a vector when it
 * takes INTR (the INTA cycle). IGNNE# is a level: while high, x87 errors do
 * not stop the CPU. The board wires pins; the CPU knows no device.
 */
#ifndef PCVM_VCPU_H
#define PCVM_VCPU_H

typedef enum VcpuPin {
    VCPU_PIN_INTR,
    VCPU_PIN_NMI,
    VCPU_PIN_INIT,
    VCPU_PIN_SMI,
    VCPU_PIN_A20,
    VCPU_PIN_IGNNE, /* ignore x87 errors (the PC's port F0h latch) */
    VCPU_PIN_COUNT
} VcpuPin;

/* Signals a vCPU drives towards the board. */
typedef enum VcpuOutput {
    VCPU_OUT_FERR, /* x87 error, legacy (CR0.NE clear) reporting: IRQ13 */
    VCPU_OUT_COUNT
} VcpuOutput;

/* The interrupt acknowledge: returns the vector of the highest pending
 * interrupt (and marks it in service), or -1 if none is pending any more
 * (then the CPU takes nothing: the 8259 would give its spurious vector,
 * which the controller returns itself). */
typedef struct VcpuIntc {
    int (*ack)(void *opaque);
    void *opaque;
    /* The task priority (a local APIC's TPR, 0-255), which 64-bit code
     * reads and writes as CR8 (its bits 7:4); NULL where there is none. */
    int (*get_tpr)(void *opaque);
    void (*set_tpr)(void *opaque, int tpr);
} VcpuIntc;

#endif
