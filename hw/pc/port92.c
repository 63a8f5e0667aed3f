/* System control port A: see port92.h. */
#include "hw/pc/port92.h"

#include <stdlib.h>

#define PORT92_RESET 0x01
#define PORT92_A20 0x02

typedef struct Port92Snap {
    uint8_t value;
} Port92Snap;

struct Port92State {
    Port92Snap st;
    IrqLine a20;
    IrqLine reset;
};

static const SnapField port92_fields[] = {
    SNAP_FIELD(Port92Snap, value),
    SNAP_END,
};

static uint64_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
    Port92State *s = opaque;
    return s->st.value;
}

static void port92_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    Port92State *s = opaque;
    uint8_t was = s->st.value;
    s->st.value = value;
    irq_set(s->a20, (value & PORT92_A20) != 0);
    if ((value & PORT92_RESET) && !(was & PORT92_RESET)) {
        irq_pulse(s->reset);
    }
}

static const MemOps port92_ops = {
    .read = port92_read, .write = port92_write, .min_size = 1, .max_size = 1,
};

static void port92_reset(void *opaque, ResetKind kind)
{
    Port92State *s = opaque;
    s->st.value &= ~PORT92_RESET;
    irq_set(s->a20, (s->st.value & PORT92_A20) != 0);
}

static int port92_post_load(void *opaque)
{
    Port92State *s = opaque;
    irq_set(s->a20, (s->st.value & PORT92_A20) != 0);
    return 0;
}

static void port92_destroy(void *opaque) { free(opaque); }

static const DeviceInfo port92_info = {
    .name = "port92",
    .version = 1,
    .fields = port92_fields,
    .reset = port92_reset,
    .post_load = port92_post_load,
    .destroy = port92_destroy,
};

Port92State *port92_new(const IsaEnv *env, uint16_t base, IrqLine a20,
                        IrqLine reset)
{
    Port92State *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->a20 = a20;
    s->reset = reset;
    if (!iobus_register(env->io, "port92", base, 1, &port92_ops, s)) {
        free(s);
        return NULL;
    }
    device_register(env->devices, &port92_info, s, &s->st);
    return s;
}
