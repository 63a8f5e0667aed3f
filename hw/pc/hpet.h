/*
 * The HPET (IA-PC High Precision Event Timers 1.0a) at 0xfed00000.
 *
 * Promise: a 64-bit main counter at 100 MHz (period 10 ns) computed from
 * virtual time, and three comparators, each one-shot or periodic, 32- or
 * 64-bit, edge or level triggered, each routed to an IOAPIC pin (20-23
 * allowed) or, in legacy replacement mode, timer 0 to IRQ0 and timer 1 to
 * IRQ8. Legacy replacement also takes IRQ0 and IRQ8 away from the 8254 and
 * the RTC: the board connects hpet_legacy_out() to whatever gates them.
 * Level interrupts stay asserted until their status bit is written with 1.
 * One virtual-clock timer per comparator, armed for its next match.
 */
#ifndef PCVM_HW_HPET_H
#define PCVM_HW_HPET_H

#include "core/irq.h"
#include "core/machine.h"

#define HPET_DEFAULT_BASE 0xfed00000ULL
#define HPET_NUM_TIMERS 3
#define HPET_PERIOD_FS 10000000u /* 10 ns */
#define HPET_ROUTE_CAP 0x00f00000u /* IOAPIC pins 20-23 */

typedef struct Hpet Hpet;

/* @ioapic: the IOAPIC's 24 input lines; @irq0/@irq8: the ISA lines for
 * legacy replacement; @legacy_out goes high while legacy replacement is on. */
Hpet *hpet_new(Machine *m, uint64_t base, const IrqLine ioapic[24],
               IrqLine irq0, IrqLine irq8, IrqLine legacy_out);

#endif
