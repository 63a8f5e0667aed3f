/*
 * System control port B (port 0x61): the PC speaker gate and data bits,
 * the NMI check enables and their status bits, the DRAM refresh toggle.
 *
 * Promise: port61_new() claims one port at @base. Bit 0 drives the PIT's
 * counter 2 GATE, bit 1 is the speaker data enable (stored: no sound
 * backend yet), bits 2-3 are the parity/channel check enables (stored);
 * bit 4 toggles every 15.085 us of virtual time (the refresh request of
 * the AT's counter 1), bit 5 reads counter 2's OUT, bits 6-7 (check
 * status) read 0: nothing raises those NMIs.
 */
#ifndef PCVM_HW_PORT61_H
#define PCVM_HW_PORT61_H

#include <stdint.h>

#include "hw/pc/i8254.h"
#include "hw/pc/isa_env.h"

#define PORT61_BASE 0x61

typedef struct Port61State Port61State;

Port61State *port61_new(const IsaEnv *env, uint16_t base, PitState *pit);

#endif
