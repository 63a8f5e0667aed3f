/*
 * A bench for device tests without a CPU ("qtest-lite"): a port bus, a
 * CLOCK_MANUAL clock, a device list and an IRQ recorder, plus helpers to
 * drive ports and to check that a device's state survives save -> load.
 */
#ifndef PCVM_TESTS_ISA_FIXTURE_H
#define PCVM_TESTS_ISA_FIXTURE_H

#include <stdint.h>

#include "core/irq.h"
#include "hw/pc/isa_env.h"

typedef struct IsaFixture {
    Log log;
    IoBus *io;
    Clock *clock;
    DeviceList devices;
    IsaEnv env;
    IrqRecorder rec;
} IsaFixture;

void isa_fixture_init(IsaFixture *f);
void isa_fixture_free(IsaFixture *f);

void fx_outb(IsaFixture *f, uint16_t port, uint8_t v);
uint8_t fx_inb(IsaFixture *f, uint16_t port);
IrqLine fx_irq(IsaFixture *f, int n);
int64_t fx_now(IsaFixture *f);
/* Advance the clock to absolute time @ns (>= now). */
void fx_step_to(IsaFixture *f, int64_t ns);

/* A deterministic generator for the random register runs. */
uint32_t fx_rand(uint64_t *state);

/* Save @name's state from @a, load it into the same device of @b, save it
 * again and return whether the two streams are identical (0) or not. */
int fx_snap_copy(IsaFixture *a, IsaFixture *b, const char *name);

#endif
