/*
 * The 8254 programmable interval timer: three 16-bit counters clocked at
 * 1.193182 MHz.
 *
 * Promise: pit_new() claims four ports at @base (counters 0-2 and the
 * control word). All six modes, binary and BCD counting, the counter latch
 * and read-back commands and the LSB/MSB/word flip-flops behave as the
 * datasheet says, except that a count is loaded at the instant it is
 * written (not on the next CLK edge) and that modes 2 and 3 take a count
 * written while counting at the end of the current full period. Counter 0's
 * OUT drives @out0 (IRQ0); counters 0 and 1 have their GATE tied high, the
 * board drives counter 2's GATE with pit_set_gate() and reads its OUT with
 * pit_get_out() (port 0x61). Counts are derived from virtual time when read;
 * a timer is armed only for the next change of a connected OUT.
 */
#ifndef PCVM_HW_I8254_H
#define PCVM_HW_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "hw/pc/isa_env.h"

#define PIT_FREQ_HZ 1193182
#define PIT_BASE 0x40

typedef struct PitState PitState;

/* NULL if the ports are taken. */
PitState *pit_new(const IsaEnv *env, uint16_t base, IrqLine out0);
void pit_set_gate(PitState *s, int channel, bool level);
bool pit_get_out(PitState *s, int channel);

#endif
