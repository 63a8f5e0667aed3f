/* System control port B: see port61.h. */
#include "hw/pc/port61.h"

#include <stdlib.h>

#define PORT61_GATE2 0x01
#define PORT61_WRITABLE 0x0f
#define PORT61_REFRESH 0x10
#define PORT61_OUT2 0x20
/* One refresh request per 18 PIT ticks (counter 1 as the AT BIOS sets it). */
#define PORT61_REFRESH_NS 15085

typedef struct Port61Snap {
    uint8_t value; /* the writable bits */
} Port61Snap;

struct Port61State {
    Port61Snap st;
    PitState *pit;
    Clock *clock;
};

static const SnapField port61_fields[] = {
    SNAP_FIELD(Port61Snap, value),
    SNAP_END,
};

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    Port61State *s = opaque;
    uint8_t v = s->st.value;
    if ((clock_now(s->clock) / PORT61_REFRESH_NS) & 1) {
        v |= PORT61_REFRESH;
    }
    if (pit_get_out(s->pit, 2)) {
        v |= PORT61_OUT2;
    }
    return v;
}

static void port61_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    Port61State *s = opaque;
    s->st.value = value & PORT61_WRITABLE;
    pit_set_gate(s->pit, 2, value & PORT61_GATE2);
}

static const MemOps port61_ops = {
    .read = port61_read, .write = port61_write, .min_size = 1, .max_size = 1,
};

static void port61_reset(void *opaque, ResetKind kind)
{
    port61_write(opaque, 0, 0, 1);
}

static int port61_post_load(void *opaque)
{
    Port61State *s = opaque;
    s->st.value &= PORT61_WRITABLE;
    return 0;
}

static void port61_destroy(void *opaque) { free(opaque); }

static const DeviceInfo port61_info = {
    .name = "port61",
    .version = 1,
    .fields = port61_fields,
    .reset = port61_reset,
    .post_load = port61_post_load,
    .destroy = port61_destroy,
};

Port61State *port61_new(const IsaEnv *env, uint16_t base, PitState *pit)
{
    Port61State *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->pit = pit;
    s->clock = env->clock;
    if (!iobus_register(env->io, "port61", base, 1, &port61_ops, s)) {
        free(s);
        return NULL;
    }
    port61_reset(s, RESET_COLD);
    device_register(env->devices, &port61_info, s, &s->st);
    return s;
}
