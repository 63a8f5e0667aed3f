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

#include <stdint.h>

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

/*
 * A CPU state set from outside, as firmware would leave it: what a board
 * that boots a kernel directly (no firmware) puts into a vCPU after reset.
 * Accelerator-neutral: each accelerator loads it into its own vCPU (the
 * software CPU into the canonical state, which KVM then syncs in).
 *
 * Segments are the descriptor caches: @flags holds the descriptor's
 * attribute bits as they sit in its high dword (bits 8-23: type, S, DPL,
 * P, AVL, L, D/B, G), @limit is in bytes (granularity applied). Everything
 * not named here keeps its RESET value.
 */
typedef struct VcpuSegment {
    uint16_t sel;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
} VcpuSegment;

enum { VCPU_SEG_ES, VCPU_SEG_CS, VCPU_SEG_SS, VCPU_SEG_DS, VCPU_SEG_FS,
       VCPU_SEG_GS, VCPU_SEG_COUNT };

#define VCPU_BOOT_MAX_MSRS 8

typedef struct VcpuBootState {
    uint64_t regs[16];    /* RAX..R15 in encoding order */
    uint64_t rip;
    uint64_t rflags;
    VcpuSegment seg[VCPU_SEG_COUNT];
    VcpuSegment tr;
    VcpuSegment ldt;
    uint64_t gdt_base;
    uint64_t idt_base;
    uint16_t gdt_limit;
    uint16_t idt_limit;
    uint64_t cr0, cr3, cr4, efer;
    int nmsrs;            /* MSRs to write, e.g. the MTRRs */
    struct {
        uint32_t index;
        uint64_t value;
    } msrs[VCPU_BOOT_MAX_MSRS];
} VcpuBootState;

#endif
