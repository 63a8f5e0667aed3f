/* The HPET: see hpet.h. */
#include "hw/pc/hpet.h"

#include <stdlib.h>
#include <string.h>

#define HPET_MMIO_SIZE 0x400

/* General capabilities: revision 1, 3 timers (field = count - 1), 64-bit
 * counter, legacy replacement capable, vendor 0x8086, 10 ns period. */
#define HPET_CAP                                                               \
    (0x01ULL | (uint64_t)(HPET_NUM_TIMERS - 1) << 8 | 1ULL << 13 |            \
     1ULL << 15 | 0x8086ULL << 16 | (uint64_t)HPET_PERIOD_FS << 32)
#define PERIOD_NS 10

#define CFG_ENABLE (1u << 0)
#define CFG_LEGACY (1u << 1)

#define TN_LEVEL (1u << 1)
#define TN_INT_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_PER_CAP (1u << 4)
#define TN_SIZE_CAP (1u << 5)
#define TN_VAL_SET (1u << 6)
#define TN_32BIT (1u << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1fu << 9)
#define TN_WRITABLE (TN_LEVEL | TN_INT_ENB | TN_PERIODIC | TN_VAL_SET |       \
                     TN_32BIT | TN_ROUTE_MASK)

typedef struct HpetTimerState {
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
} HpetTimerState;

typedef struct HpetState {
    uint64_t config;
    uint64_t isr;
    uint64_t counter_base; /* counter value at start_ns (or while stopped) */
    int64_t start_ns;
    HpetTimerState t[HPET_NUM_TIMERS];
} HpetState;

struct Hpet {
    Machine *m;
    HpetState st;
    Timer timer[HPET_NUM_TIMERS];
    IrqLine ioapic[24];
    IrqLine irq0, irq8;
    IrqLine legacy_out;
    int line_level[HPET_NUM_TIMERS]; /* what each timer drives now */
    int legacy_level;
};

static bool enabled(const Hpet *s) { return s->st.config & CFG_ENABLE; }

static uint64_t counter_now(Hpet *s)
{
    if (!enabled(s)) {
        return s->st.counter_base;
    }
    int64_t now = clock_now(s->m->clock);
    return s->st.counter_base + (uint64_t)(now - s->st.start_ns) / PERIOD_NS;
}

/* The line timer @n interrupts on, or an unconnected line. */
static IrqLine timer_line(Hpet *s, int n)
{
    if (s->st.config & CFG_LEGACY) {
        if (n == 0) {
            return s->irq0;
        }
        if (n == 1) {
            return s->irq8;
        }
    }
    unsigned route = (s->st.t[n].config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
    if (!((HPET_ROUTE_CAP >> route) & 1)) {
        return (IrqLine){0};
    }
    return s->ioapic[route];
}

/* Drive timer @n's line from its level-interrupt status. */
static void update_level(Hpet *s, int n)
{
    HpetTimerState *t = &s->st.t[n];
    int level = enabled(s) && (t->config & TN_LEVEL) &&
                (t->config & TN_INT_ENB) && ((s->st.isr >> n) & 1);
    if (level != s->line_level[n]) {
        s->line_level[n] = level;
        irq_set(timer_line(s, n), level);
    }
}

static void lower_all(Hpet *s)
{
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        if (s->line_level[n]) {
            s->line_level[n] = 0;
            irq_set(timer_line(s, n), 0);
        }
    }
}

static uint64_t cmp_mask(const HpetTimerState *t)
{
    return (t->config & TN_32BIT) ? 0xffffffffULL : ~0ULL;
}

/* Arm the host-side timer for comparator @n's next match. */
static void arm(Hpet *s, int n)
{
    HpetTimerState *t = &s->st.t[n];
    if (!enabled(s)) {
        timer_del(&s->timer[n]);
        return;
    }
    uint64_t mask = cmp_mask(t);
    uint64_t now = counter_now(s);
    uint64_t diff = (t->cmp - now) & mask;
    if (diff == 0) {
        diff = mask == ~0ULL ? ~0ULL : mask + 1; /* a full wrap away */
    }
    /* Ticks since start_ns at the match; beyond the clock's range (a
     * 64-bit comparator far away) it never fires. */
    uint64_t elapsed = now - s->st.counter_base;
    uint64_t limit = (uint64_t)(CLOCK_NEVER - s->st.start_ns) / PERIOD_NS;
    if (diff > limit || elapsed > limit - diff) {
        timer_del(&s->timer[n]);
        return;
    }
    uint64_t target = elapsed + diff;
    timer_mod(&s->timer[n], s->st.start_ns + (int64_t)(target * PERIOD_NS));
}

static void fire(void *opaque);

typedef struct HpetTimerRef {
    Hpet *s;
    int n;
} HpetTimerRef;

static void timer_fired(Hpet *s, int n)
{
    HpetTimerState *t = &s->st.t[n];
    uint64_t mask = cmp_mask(t);
    if ((t->config & TN_PERIODIC) && t->period) {
        uint64_t now = counter_now(s);
        /* The comparator adds its period until it is ahead of the counter
         * again (several periods if time jumped). */
        uint64_t behind = (now - t->cmp) & mask;
        if (behind <= (mask >> 1)) {
            t->cmp = (t->cmp + (behind / t->period + 1) * t->period) & mask;
        }
    }
    if (t->config & TN_INT_ENB) {
        if (t->config & TN_LEVEL) {
            s->st.isr |= 1ULL << n;
            update_level(s, n);
        } else {
            irq_pulse(timer_line(s, n));
        }
    }
    arm(s, n);
}

static void fire(void *opaque)
{
    HpetTimerRef *ref = opaque;
    timer_fired(ref->s, ref->n);
}

static void update_legacy(Hpet *s)
{
    int level = (s->st.config & CFG_LEGACY) != 0;
    if (level != s->legacy_level) {
        s->legacy_level = level;
        irq_set(s->legacy_out, level);
    }
}

static uint64_t reg_read64(Hpet *s, uint64_t reg)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        HpetTimerState *t = &s->st.t[(reg - 0x100) / 0x20];
        switch (reg & 0x1f) {
        case 0x00:
            return t->config | TN_PER_CAP | TN_SIZE_CAP |
                   (uint64_t)HPET_ROUTE_CAP << 32;
        case 0x08: return t->cmp;
        default: return 0; /* no FSB delivery */
        }
    }
    switch (reg) {
    case 0x000: return HPET_CAP;
    case 0x010: return s->st.config;
    case 0x020: return s->st.isr;
    case 0x0f0: return counter_now(s);
    default: return 0;
    }
}

static void timer_write(Hpet *s, int n, uint64_t reg, uint64_t v,
                        uint64_t mask)
{
    HpetTimerState *t = &s->st.t[n];
    switch (reg & 0x1f) {
    case 0x00: {
        IrqLine old_line = timer_line(s, n);
        int old_level = s->line_level[n];
        uint64_t cfg = (t->config & ~(mask & TN_WRITABLE)) |
                       (v & mask & TN_WRITABLE);
        if (old_level) {
            irq_set(old_line, 0);
            s->line_level[n] = 0;
        }
        t->config = cfg;
        if (t->config & TN_32BIT) {
            t->cmp &= 0xffffffffULL;
            t->period &= 0xffffffffULL;
        }
        if (!(t->config & TN_LEVEL)) {
            s->st.isr &= ~(1ULL << n);
        }
        update_level(s, n);
        break;
    }
    case 0x08: {
        if (t->config & TN_32BIT) {
            v &= 0xffffffffULL;
            mask &= 0xffffffffULL;
        }
        if (!(t->config & TN_PERIODIC) || (t->config & TN_VAL_SET)) {
            t->cmp = (t->cmp & ~mask) | (v & mask);
        }
        if (t->config & TN_PERIODIC) {
            t->period = (t->period & ~mask) | (v & mask);
        }
        t->config &= ~(uint64_t)TN_VAL_SET;
        break;
    }
    default:
        break;
    }
    arm(s, n);
}

static void reg_write64(Hpet *s, uint64_t reg, uint64_t v, uint64_t mask)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        timer_write(s, (int)((reg - 0x100) / 0x20), reg, v, mask);
        return;
    }
    switch (reg) {
    case 0x010: {
        uint64_t old = s->st.config;
        uint64_t cfg = (old & ~(mask & 3)) | (v & mask & 3);
        if ((old ^ cfg) & CFG_ENABLE) {
            /* Starting or stopping the counter keeps its value. */
            s->st.counter_base = counter_now(s);
            s->st.start_ns = clock_now(s->m->clock);
        }
        lower_all(s);
        s->st.config = cfg;
        update_legacy(s);
        for (int n = 0; n < HPET_NUM_TIMERS; n++) {
            update_level(s, n);
            arm(s, n);
        }
        break;
    }
    case 0x020:
        /* Write 1 to clear a level interrupt's status. */
        s->st.isr &= ~(v & mask);
        for (int n = 0; n < HPET_NUM_TIMERS; n++) {
            update_level(s, n);
        }
        break;
    case 0x0f0:
        s->st.counter_base = (counter_now(s) & ~mask) | (v & mask);
        s->st.start_ns = clock_now(s->m->clock);
        for (int n = 0; n < HPET_NUM_TIMERS; n++) {
            arm(s, n);
        }
        break;
    default:
        break;
    }
}

static uint64_t hpet_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    Hpet *s = opaque;
    uint64_t v = reg_read64(s, offset & ~7ULL);
    if (size == 4) {
        v >>= 8 * (offset & 4);
    }
    return v;
}

static void hpet_mmio_write(void *opaque, uint64_t offset, uint64_t value,
                            unsigned size)
{
    Hpet *s = opaque;
    unsigned shift = size == 4 ? 8 * (offset & 4) : 0;
    uint64_t mask = (size == 4 ? 0xffffffffULL : ~0ULL) << shift;
    reg_write64(s, offset & ~7ULL, value << shift, mask);
}

static const MemOps hpet_mmio_ops = {
    .read = hpet_mmio_read,
    .write = hpet_mmio_write,
    .min_size = 4,
    .max_size = 8,
};

static void hpet_reset(void *opaque, ResetKind kind)
{
    Hpet *s = opaque;
    lower_all(s);
    memset(&s->st, 0, sizeof(s->st));
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        s->st.t[n].cmp = ~0ULL;
        timer_del(&s->timer[n]);
    }
    update_legacy(s);
}

static int hpet_post_load(void *opaque)
{
    Hpet *s = opaque;
    s->st.config &= 3;
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        s->st.t[n].config &= TN_WRITABLE & ~(uint64_t)TN_VAL_SET;
    }
    s->st.isr &= (1u << HPET_NUM_TIMERS) - 1;
    update_legacy(s);
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        update_level(s, n);
        arm(s, n);
    }
    return 0;
}

static const SnapField hpet_fields[] = {
    SNAP_FIELD(HpetState, config),
    SNAP_FIELD(HpetState, isr),
    SNAP_FIELD(HpetState, counter_base),
    SNAP_FIELD(HpetState, start_ns),
    SNAP_BYTES(HpetState, t),
    SNAP_END,
};

static void hpet_destroy(void *opaque)
{
    Hpet *s = opaque;
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        timer_del(&s->timer[n]);
        free(s->timer[n].opaque);
    }
    free(s);
}

static const DeviceInfo hpet_info = {
    .name = "hpet",
    .version = 1,
    .fields = hpet_fields,
    .reset = hpet_reset,
    .post_load = hpet_post_load,
    .destroy = hpet_destroy,
};

Hpet *hpet_new(Machine *m, uint64_t base, const IrqLine ioapic[24],
               IrqLine irq0, IrqLine irq8, IrqLine legacy_out)
{
    Hpet *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    memcpy(s->ioapic, ioapic, sizeof(s->ioapic));
    s->irq0 = irq0;
    s->irq8 = irq8;
    s->legacy_out = legacy_out;
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        HpetTimerRef *ref = malloc(sizeof(*ref));
        if (!ref) {
            free(s);
            return NULL;
        }
        *ref = (HpetTimerRef){s, n};
        timer_init(&s->timer[n], m->clock, fire, ref, "hpet");
    }
    device_register(&m->devices, &hpet_info, s, &s->st);
    hpet_reset(s, RESET_COLD);
    if (!as_add_io(m->as, "hpet", base, HPET_MMIO_SIZE, &hpet_mmio_ops, s,
                   2)) {
        return NULL;
    }
    return s;
}
