/* The x87 error logic: see ferr.h. */
#include "hw/pc/ferr.h"

#include <stdlib.h>

typedef struct FerrSnap {
    uint8_t ferr;   /* FERR# from the CPU */
    uint8_t irq13;  /* the latched interrupt */
    uint8_t ignne;  /* IGNNE# to the CPU */
} FerrSnap;

struct FerrState {
    FerrSnap st;
    IrqLine irq13;
    IrqLine ignne;
};

static void drive(FerrState *s)
{
    irq_set(s->irq13, s->st.irq13);
    irq_set(s->ignne, s->st.ignne);
}

static void ferr_in(void *opaque, int n, int level)
{
    FerrState *s = opaque;
    if (level && !s->st.ferr) {
        s->st.irq13 = 1;
    } else if (!level) {
        s->st.irq13 = 0;
        s->st.ignne = 0;
    }
    s->st.ferr = level != 0;
    drive(s);
}

IrqLine ferr_input(FerrState *s) { return irq_line(ferr_in, s, 0); }

static uint64_t ferr_read(void *opaque, uint64_t off, unsigned size)
{
    return 0xff;
}

static void ferr_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    FerrState *s = opaque;
    s->st.irq13 = 0;
    s->st.ignne = s->st.ferr;
    drive(s);
}

static const MemOps ferr_ops = {ferr_read, ferr_write, 1, 1};

static void ferr_reset(void *opaque, ResetKind kind)
{
    FerrState *s = opaque;
    s->st.irq13 = 0;
    s->st.ignne = 0;
    drive(s);
}

static int ferr_post_load(void *opaque)
{
    drive(opaque);
    return 0;
}

static void ferr_destroy(void *opaque) { free(opaque); }

static const SnapField ferr_fields[] = {
    SNAP_FIELD(FerrSnap, ferr),
    SNAP_FIELD(FerrSnap, irq13),
    SNAP_FIELD(FerrSnap, ignne),
    SNAP_END,
};

static const DeviceInfo ferr_info = {
    .name = "x87-ferr",
    .version = 1,
    .fields = ferr_fields,
    .reset = ferr_reset,
    .post_load = ferr_post_load,
    .destroy = ferr_destroy,
};

FerrState *ferr_new(const IsaEnv *env, IrqLine irq13, IrqLine ignne)
{
    FerrState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->irq13 = irq13;
    s->ignne = ignne;
    if (!iobus_register(env->io, "x87-ferr", 0xf0, 1, &ferr_ops, s)) {
        free(s);
        return NULL;
    }
    device_register(env->devices, &ferr_info, s, &s->st);
    return s;
}
