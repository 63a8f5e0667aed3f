/*
 * System control port A (port 0x92): "fast A20" and a fast CPU reset.
 *
 * Promise: port92_new() claims one port at @base. Bit 1 drives @a20 (the
 * board ORs it with the keyboard controller's A20), writing bit 0 as 1
 * when it was 0 pulses @reset; the other bits read back. A machine reset
 * clears bit 0 and keeps the rest.
 */
#ifndef PCVM_HW_PORT92_H
#define PCVM_HW_PORT92_H

#include <stdint.h>

#include "core/irq.h"
#include "hw/pc/isa_env.h"

#define PORT92_BASE 0x92

typedef struct Port92State Port92State;

Port92State *port92_new(const IsaEnv *env, uint16_t base, IrqLine a20,
                        IrqLine reset);

#endif
