/*
 * The PC's x87 error logic (IBM AT compatibility, kept by every chipset):
 * the CPU's FERR# output raises IRQ13; a write to port 0xF0 clears IRQ13
 * and asserts IGNNE#, so the interrupted x87 instruction can finish, until
 * FERR# goes away (the handler's FNCLEX).
 *
 * Promise: ferr_new() claims port 0xF0 and returns the line the CPU's FERR#
 * drives; @irq13 and @ignne are its outputs.
 */
#ifndef PCVM_HW_FERR_H
#define PCVM_HW_FERR_H

#include "core/irq.h"
#include "hw/pc/isa_env.h"

typedef struct FerrState FerrState;

FerrState *ferr_new(const IsaEnv *env, IrqLine irq13, IrqLine ignne);
IrqLine ferr_input(FerrState *s);

#endif
