/*
 * The PIIX3 PCI-to-ISA bridge (function 0 of the southbridge, PCI 01.0):
 * PCI interrupt routing and the reset control register.
 *
 * Promise: PIRQA-D (config 0x60-0x63; bit 7 disables, bits 3:0 name the
 * ISA IRQ, one of 3-7, 9-12, 14, 15) steer the four PCI interrupt lines
 * onto ISA IRQ lines; an ISA line is high while any PIRQ routed to it is,
 * and the PIIX only drives lines that a PIRQ is or was routed to. The
 * board takes the PIRQ inputs from piix3_pirq() and the swizzle from
 * piix3_map_irq() (slot + pin, modulo 4). The reset control register
 * (port 0xcf9, reached through the host bridge with piix3_rcr_ops):
 * writing bit 2 (RCPU) set resets the machine; bits 1 and 3 read back.
 */
#ifndef PCVM_HW_PIIX_H
#define PCVM_HW_PIIX_H

#include "core/irq.h"
#include "core/machine.h"
#include "hw/pci/pci.h"

#define PIIX_PIRQC 0x60
#define PIIX_ISA_IRQS 16

typedef struct Piix3 Piix3;

/* @isa_irq[n] is ISA IRQ n as seen by the interrupt controllers. */
Piix3 *piix3_new(Machine *m, PciBus *bus, int devfn,
                 const IrqLine isa_irq[PIIX_ISA_IRQS]);
PciDevice *piix3_pci(Piix3 *s);
IrqLine piix3_pirq(Piix3 *s, int n);
int piix3_map_irq(void *opaque, int devfn, int pin);
extern const MemOps piix3_rcr_ops; /* opaque: the Piix3 */

#endif
