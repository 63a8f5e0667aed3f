/* The device bench: see isa_fixture.h. */
#include "tests/unit/isa_fixture.h"

#include <assert.h>
#include <string.h>

void isa_fixture_init(IsaFixture *f)
{
    memset(f, 0, sizeof(*f));
    f->io = iobus_new(&f->log);
    f->clock = clock_new(CLOCK_MANUAL, 0);
    assert(f->io && f->clock);
    f->env.io = f->io;
    f->env.clock = f->clock;
    f->env.devices = &f->devices;
    f->env.log = &f->log;
}

void isa_fixture_free(IsaFixture *f)
{
    devices_destroy(&f->devices);
    clock_free(f->clock);
    iobus_free(f->io);
}

void fx_outb(IsaFixture *f, uint16_t port, uint8_t v)
{
    iobus_write(f->io, port, v, 1);
}

uint8_t fx_inb(IsaFixture *f, uint16_t port)
{
    return iobus_read(f->io, port, 1);
}

IrqLine fx_irq(IsaFixture *f, int n)
{
    return irq_recorder_line(&f->rec, n);
}

int64_t fx_now(IsaFixture *f)
{
    return clock_now(f->clock);
}

void fx_step_to(IsaFixture *f, int64_t ns)
{
    int64_t now = clock_now(f->clock);
    assert(ns >= now);
    clock_step(f->clock, ns - now);
}

uint32_t fx_rand(uint64_t *state)
{
    /* xorshift64*: plenty for picking registers and values. */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

int fx_snap_copy(IsaFixture *a, IsaFixture *b, const char *name)
{
    Device *da = device_find(&a->devices, name);
    Device *db = device_find(&b->devices, name);
    SnapBuf s1 = {0}, s2 = {0};
    if (!da || !db) {
        return -1;
    }
    device_save(da, &s1);
    int rc = device_load(db, &s1);
    if (rc == 0) {
        device_save(db, &s2);
        rc = s1.len == s2.len && !memcmp(s1.data, s2.data, s1.len) ? 0 : -1;
    }
    snapbuf_free(&s1);
    snapbuf_free(&s2);
    return rc;
}
