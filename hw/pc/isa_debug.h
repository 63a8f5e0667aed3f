/*
 * Debug devices for guests and tests, as in QEMU and Bochs.
 *
 * Promise: isa-debugcon (port 0xe9 by default) writes every byte the guest
 * outputs to its character device and reads back 0xe9, so a guest can tell
 * it is there. isa-debug-exit (port 0xf4, 4 ports by default) ends pcvm
 * when written: a value v gives exit status (v << 1) | 1, so a guest can
 * report a test result that no crash can fake (status 1 is v = 0).
 */
#ifndef PCVM_HW_ISA_DEBUG_H
#define PCVM_HW_ISA_DEBUG_H

#include <stdint.h>

#include "core/chardev.h"
#include "core/machine.h"

typedef struct DebugconState DebugconState;
typedef struct DebugExitState DebugExitState;

DebugconState *debugcon_new(Machine *m, uint16_t iobase, Chardev *chr);
DebugExitState *debug_exit_new(Machine *m, uint16_t iobase, uint16_t iosize);

#endif
