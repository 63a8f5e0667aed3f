/* The ELCR: see elcr.h. */
#include "hw/pc/elcr.h"

#include <stdlib.h>

typedef struct ElcrState {
    uint16_t elcr;
} ElcrState;

struct Elcr {
    ElcrSetter *set;
    void *opaque;
    ElcrState st;
};

static void elcr_push(Elcr *s)
{
    if (s->set) {
        s->set(s->opaque, s->st.elcr);
    }
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    Elcr *s = opaque;
    return (s->st.elcr >> (8 * offset)) & 0xff;
}

static void elcr_write(void *opaque, uint64_t offset, uint64_t value,
                       unsigned size)
{
    Elcr *s = opaque;
    uint16_t mask = (uint16_t)(0xff << (8 * offset)) & ELCR_WRITABLE;
    s->st.elcr = (s->st.elcr & ~mask) | ((value << (8 * offset)) & mask);
    elcr_push(s);
}

static const MemOps elcr_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .min_size = 1,
    .max_size = 1,
};

static void elcr_reset(void *opaque, ResetKind kind)
{
    Elcr *s = opaque;
    s->st.elcr = 0;
    elcr_push(s);
}

static int elcr_post_load(void *opaque)
{
    Elcr *s = opaque;
    s->st.elcr &= ELCR_WRITABLE;
    elcr_push(s);
    return 0;
}

static void elcr_destroy(void *opaque) { free(opaque); }

static const SnapField elcr_fields[] = {
    SNAP_FIELD(ElcrState, elcr),
    SNAP_END,
};

static const DeviceInfo elcr_info = {
    .name = "elcr",
    .version = 1,
    .fields = elcr_fields,
    .reset = elcr_reset,
    .post_load = elcr_post_load,
    .destroy = elcr_destroy,
};

void elcr_set_sink(Elcr *s, ElcrSetter *set, void *opaque)
{
    s->set = set;
    s->opaque = opaque;
    elcr_push(s);
}

uint16_t elcr_get(Elcr *s) { return s->st.elcr; }

Elcr *elcr_new(Machine *m, uint16_t base, ElcrSetter *set, void *opaque)
{
    Elcr *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->set = set;
    s->opaque = opaque;
    device_register(&m->devices, &elcr_info, s, &s->st);
    if (!iobus_register(m->io, "elcr", base, 2, &elcr_ops, s)) {
        return NULL;
    }
    return s;
}
