/*
 * The I/O APIC (82093AA-style, version 0x20, 24 pins) at 0xfec00000.
 *
 * Promise: IOREGSEL (offset 0x00) selects a register, IOWIN (0x10) reads
 * and writes it: ID (0), version (1: 23 redirection entries - 1, 0x20),
 * arbitration (2), and the redirection table (0x10 + 2n: vector, delivery
 * mode, logical destination, delivery status, polarity, remote IRR,
 * trigger, mask; 0x11 + 2n: destination). The EOI register (0x40) takes a
 * vector, like an EOI broadcast. Input lines carry the logical level
 * (asserted = 1) whatever the programmed polarity. An edge-triggered pin
 * delivers on each rising edge while unmasked; a level-triggered pin
 * delivers while asserted, unmasked and remote IRR is clear, sets remote
 * IRR, and delivers again after an EOI for its vector if still asserted.
 * Delivery goes to the APIC bus (lapic.h).
 */
#ifndef PCVM_HW_IOAPIC_H
#define PCVM_HW_IOAPIC_H

#include "core/irq.h"
#include "core/machine.h"
#include "hw/pc/lapic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_NUM_PINS 24

typedef struct Ioapic Ioapic;

Ioapic *ioapic_new(Machine *m, uint64_t base, ApicBus *bus);
IrqLine ioapic_input(Ioapic *s, int pin);

#endif
