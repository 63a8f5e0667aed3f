/*
 * The AT interrupt controller: two 8259A PICs, the slave cascaded into the
 * master's IR2, and the PIIX edge/level control registers (ELCR).
 *
 * Promise: pic_new() claims ports 0x20-0x21 (master), 0xa0-0xa1 (slave) and
 * 0x4d0-0x4d1 (ELCR; the PIC owns them, so the PIIX model must not). Each
 * of the 16 inputs is an IrqLine from pic_irq_in(); input 2 is the cascade,
 * so pic_irq_in(s, 2) gives IRQ9, as the AT bus wires ISA IRQ2. A line is
 * level triggered when its ELCR bit or the chip's ICW1.LTIM says so, else
 * edge triggered; an edge request stays latched in IRR until acknowledged
 * even if the line falls first (so pulse-signalling devices are seen).
 * The master's INT output drives @intr; pic_ack() is the INTA cycle the CPU
 * runs through VcpuIntc: it returns the vector and updates IRR/ISR, giving
 * the spurious vector (base + 7 of the chip that found nothing) the way the
 * chip does. Every mode BIOSes, DOS and Linux use is modelled: ICW1-4, IMR,
 * IRR/ISR reads, poll, specific/non-specific/rotating EOI, set priority,
 * auto-EOI with rotation, special mask and special fully nested mode.
 */
#ifndef PCVM_HW_I8259_H
#define PCVM_HW_I8259_H

#include "core/irq.h"
#include "core/vcpu.h"
#include "hw/pc/isa_env.h"

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE 0xa0
#define PIC_ELCR_BASE 0x4d0

typedef struct PicState PicState;

/* NULL if the ports are taken. */
PicState *pic_new(const IsaEnv *env, IrqLine intr);
IrqLine pic_irq_in(PicState *s, int n);
/* The INTA cycle (a VcpuIntc ack: @opaque is the PicState). */
int pic_ack(void *opaque);
VcpuIntc pic_intc(PicState *s);

#endif
