/*
 * The edge/level control registers (PIIX3 ELCR1/ELCR2, ports 0x4d0 and
 * 0x4d1): which ISA IRQs the 8259s treat as level triggered.
 *
 * Promise: the guest reads back what it wrote, except that IRQ 0, 1, 2, 8
 * and 13 are always edge (their bits read 0). Every change, the reset
 * value (all edge) and a load are pushed to the setter, so the PIC (which
 * owns the trigger logic) only needs a `set_elcr(opaque, mask)` entry.
 */
#ifndef PCVM_HW_ELCR_H
#define PCVM_HW_ELCR_H

#include <stdint.h>

#include "core/machine.h"

#define ELCR_IO_BASE 0x4d0
#define ELCR_WRITABLE 0xdef8 /* IRQ 3-7, 9-12, 14, 15 */

typedef struct Elcr Elcr;
/* Bit n set: ISA IRQ n is level triggered. */
typedef void ElcrSetter(void *opaque, uint16_t elcr);

Elcr *elcr_new(Machine *m, uint16_t base, ElcrSetter *set, void *opaque);
/* Connect (or change) the setter later, e.g. once the PIC exists. */
void elcr_set_sink(Elcr *s, ElcrSetter *set, void *opaque);
uint16_t elcr_get(Elcr *s);

#endif
