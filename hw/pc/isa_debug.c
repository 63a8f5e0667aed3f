/* isa-debugcon and isa-debug-exit: see isa_debug.h. */
#include "hw/pc/isa_debug.h"

#include <stdlib.h>

struct DebugconState {
    Chardev *chr;
};

struct DebugExitState {
    Machine *m;
};

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0xe9;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value,
                           unsigned size)
{
    DebugconState *s = opaque;
    uint8_t c = value;
    chardev_write(s->chr, &c, 1);
}

static const MemOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .min_size = 1,
    .max_size = 1,
};

static void debug_device_destroy(void *s) { free(s); }

static const DeviceInfo debugcon_info = {
    .name = "isa-debugcon",
    .version = 1,
    .destroy = debug_device_destroy,
};

DebugconState *debugcon_new(Machine *m, uint16_t iobase, Chardev *chr)
{
    DebugconState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->chr = chr;
    if (!iobus_register(m->io, "isa-debugcon", iobase, 1, &debugcon_ops, s)) {
        free(s);
        return NULL;
    }
    device_register(&m->devices, &debugcon_info, s, NULL);
    return s;
}

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t value,
                             unsigned size)
{
    DebugExitState *s = opaque;
    machine_request_exit(s->m, (int)((value << 1) | 1));
}

static const MemOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .min_size = 1,
    .max_size = 4,
};

static const DeviceInfo debug_exit_info = {
    .name = "isa-debug-exit",
    .version = 1,
    .destroy = debug_device_destroy,
};

DebugExitState *debug_exit_new(Machine *m, uint16_t iobase, uint16_t iosize)
{
    DebugExitState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    if (!iobus_register(m->io, "isa-debug-exit", iobase, iosize,
                        &debug_exit_ops, s)) {
        free(s);
        return NULL;
    }
    device_register(&m->devices, &debug_exit_info, s, NULL);
    return s;
}
