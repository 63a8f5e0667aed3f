/* Local APICs and the APIC bus: see lapic.h (Intel SDM vol. 3, ch. 10). */
#include "hw/pc/lapic.h"

#include <stdlib.h>
#include <string.h>

#define APIC_VERSION 0x00050014u
#define SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_COUNT 7
#define MAX_EOI_LISTENERS 4

enum { LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1,
       LVT_ERROR };

static const uint32_t lvt_wmask[LVT_COUNT] = {
    0x107ff, 0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_TSC_DEADLINE 2

#define ESR_SEND_ILLEGAL 0x20
#define ESR_RECV_ILLEGAL 0x40
#define ESR_ILLEGAL_REG 0x80

/* Migratable state of one LAPIC. */
typedef struct LapicState {
    uint32_t id;
    uint32_t tpr;
    uint32_t ldr;
    uint32_t dfr;
    uint32_t svr;
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t esr;
    uint32_t esr_pending;
    uint32_t icr_lo;
    uint32_t icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t initial_count;
    uint32_t dcr;
    int64_t timer_start;
    uint64_t tsc_deadline;
    uint8_t lint_level[2];
    uint8_t extint_pending;
} LapicState;

struct Lapic {
    ApicBus *bus;
    int index;
    LapicCpu cpu;
    VcpuIntc pic;
    Timer timer;
    unsigned guest_errors;
    LapicState st;
};

struct ApicBus {
    Machine *m;
    const int *current_cpu;
    Lapic *cpus[APIC_BUS_MAX_CPUS];
    int ncpus;
    struct {
        ApicEoiListener *fn;
        void *opaque;
    } eoi[MAX_EOI_LISTENERS];
    int neoi;
};

/* --- vectors --- */

static bool bit_get(const uint32_t *v, int n)
{
    return v[n >> 5] >> (n & 31) & 1;
}

static void bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void bit_clear(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }

static int highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i]) {
            return i * 32 + 31 - __builtin_clz(v[i]);
        }
    }
    return -1;
}

static uint32_t ppr(Lapic *s)
{
    int isrv = highest(s->st.isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (s->st.tpr & 0xf0) >= isr_class ? s->st.tpr & 0xff : isr_class;
}

/* The vector the CPU would take now, or -1. */
static int deliverable(Lapic *s)
{
    if (!(s->st.svr & SVR_ENABLE)) {
        return -1;
    }
    int v = highest(s->st.irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (ppr(s) & 0xf0)) {
        return -1;
    }
    return v;
}

static bool extint_active(Lapic *s)
{
    uint32_t lvt = s->st.lvt[LVT_LINT0];
    return s->st.extint_pending ||
           (!(lvt & LVT_MASKED) && ((lvt >> 8) & 7) == APIC_DM_EXTINT &&
            s->st.lint_level[0]);
}

static void lapic_update(Lapic *s)
{
    irq_set(s->cpu.intr, extint_active(s) || deliverable(s) >= 0);
}

static void lapic_error(Lapic *s, uint32_t bits)
{
    s->st.esr_pending |= bits;
    uint32_t lvt = s->st.lvt[LVT_ERROR];
    if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16) {
        bit_set(s->st.irr, lvt & 0xff);
        bit_clear(s->st.tmr, lvt & 0xff);
    }
}

static void lapic_accept(Lapic *s, uint8_t vector, bool level)
{
    if (vector < 16) {
        lapic_error(s, ESR_RECV_ILLEGAL);
    } else {
        bit_set(s->st.irr, vector);
        if (level) {
            bit_set(s->st.tmr, vector);
        } else {
            bit_clear(s->st.tmr, vector);
        }
    }
    lapic_update(s);
}

/* --- reset, INIT --- */

static void lapic_timer_update(Lapic *s);

static void lapic_state_reset(Lapic *s, bool keep_id)
{
    uint32_t id = s->st.id;
    memset(&s->st, 0, sizeof(s->st));
    s->st.id = keep_id ? id : (uint32_t)s->index << 24;
    s->st.dfr = 0xffffffffu;
    s->st.svr = 0xff;
    for (int i = 0; i < LVT_COUNT; i++) {
        s->st.lvt[i] = LVT_MASKED;
    }
    /* Virtual wire on the boot CPU, as the BIOS of a PC leaves it. */
    if (s->index == 0) {
        s->st.lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
        s->st.lvt[LVT_LINT1] = APIC_DM_NMI << 8;
    }
    timer_del(&s->timer);
    lapic_update(s);
}

static void lapic_do_init(Lapic *s)
{
    lapic_state_reset(s, true);
    irq_pulse(s->cpu.init);
}

/* --- delivery --- */

static void lapic_deliver_local(Lapic *s, uint8_t mode, uint8_t vector,
                                bool level)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        lapic_accept(s, vector, level);
        break;
    case APIC_DM_NMI:
        irq_pulse(s->cpu.nmi);
        break;
    case APIC_DM_SMI:
        irq_pulse(s->cpu.smi);
        break;
    case APIC_DM_INIT:
        lapic_do_init(s);
        break;
    case APIC_DM_SIPI:
        if (s->cpu.sipi) {
            s->cpu.sipi(s->cpu.opaque, s->index, vector);
        }
        break;
    case APIC_DM_EXTINT:
        s->st.extint_pending = 1;
        lapic_update(s);
        break;
    default:
        break;
    }
}

static bool lapic_match(Lapic *s, uint8_t dest, bool logical)
{
    if (!logical) {
        return dest == 0xff || dest == (s->st.id >> 24);
    }
    uint8_t ldr = s->st.ldr >> 24;
    if (dest == 0xff) {
        return true;
    }
    if ((s->st.dfr >> 28) == 0xf) {
        return (ldr & dest) != 0;
    }
    /* Cluster model: high nibble cluster, low nibble members. */
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0x0f) != 0;
}

void apic_bus_deliver(ApicBus *bus, const ApicMsg *msg)
{
    if (msg->mode == APIC_DM_LOWEST) {
        Lapic *best = NULL;
        for (int i = 0; i < bus->ncpus; i++) {
            Lapic *s = bus->cpus[i];
            if (lapic_match(s, msg->dest, msg->logical) &&
                (!best || (s->st.tpr & 0xff) < (best->st.tpr & 0xff))) {
                best = s;
            }
        }
        if (best) {
            lapic_deliver_local(best, msg->mode, msg->vector, msg->level);
        }
        return;
    }
    for (int i = 0; i < bus->ncpus; i++) {
        Lapic *s = bus->cpus[i];
        if (lapic_match(s, msg->dest, msg->logical)) {
            lapic_deliver_local(s, msg->mode, msg->vector, msg->level);
        }
    }
}

void apic_bus_msi(ApicBus *bus, uint64_t addr, uint32_t data)
{
    if ((addr & 0xfff00000ULL) != 0xfee00000ULL) {
        return;
    }
    ApicMsg msg = {
        .dest = (uint8_t)(addr >> 12),
        .logical = (addr >> 2) & 1,
        .mode = (data >> 8) & 7,
        .vector = (uint8_t)data,
        .level = (data >> 15) & 1,
    };
    apic_bus_deliver(bus, &msg);
}

static void lapic_send_ipi(Lapic *s)
{
    uint32_t lo = s->st.icr_lo;
    uint8_t mode = (lo >> 8) & 7;
    uint8_t vector = lo & 0xff;
    unsigned shorthand = (lo >> 18) & 3;
    ApicBus *bus = s->bus;

    /* INIT level de-assert only synchronises arbitration IDs. */
    if (mode == APIC_DM_INIT && !(lo & (1u << 14)) && (lo & (1u << 15))) {
        return;
    }
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        lapic_error(s, ESR_SEND_ILLEGAL);
        lapic_update(s);
        return;
    }
    bool level = (lo >> 15) & 1;
    switch (shorthand) {
    case 1:
        lapic_deliver_local(s, mode, vector, level);
        break;
    case 2:
    case 3:
        for (int i = 0; i < bus->ncpus; i++) {
            if (shorthand == 2 || bus->cpus[i] != s) {
                lapic_deliver_local(bus->cpus[i], mode, vector, level);
            }
        }
        break;
    default: {
        ApicMsg msg = {(uint8_t)(s->st.icr_hi >> 24), (lo >> 11) & 1, mode,
                       vector, level};
        apic_bus_deliver(bus, &msg);
        break;
    }
    }
}

/* --- the timer --- */

static unsigned timer_shift(Lapic *s)
{
    unsigned v = (s->st.dcr & 3) | ((s->st.dcr >> 1) & 4);
    return (v + 1) & 7;
}

static unsigned timer_mode(Lapic *s)
{
    return (s->st.lvt[LVT_TIMER] >> 17) & 3;
}

static uint32_t timer_current(Lapic *s)
{
    if (s->st.initial_count == 0 || timer_mode(s) == TIMER_TSC_DEADLINE) {
        return 0;
    }
    int64_t now = clock_now(s->bus->m->clock);
    uint64_t elapsed = (uint64_t)(now - s->st.timer_start) >> timer_shift(s);
    if (timer_mode(s) == TIMER_PERIODIC) {
        return s->st.initial_count - (uint32_t)(elapsed %
                                                s->st.initial_count);
    }
    return elapsed >= s->st.initial_count
               ? 0 : s->st.initial_count - (uint32_t)elapsed;
}

static void lapic_timer_update(Lapic *s)
{
    int64_t now = clock_now(s->bus->m->clock);
    unsigned mode = timer_mode(s);
    if (mode == TIMER_TSC_DEADLINE) {
        if (s->st.tsc_deadline) {
            timer_mod(&s->timer, (int64_t)s->st.tsc_deadline);
        } else {
            timer_del(&s->timer);
        }
        return;
    }
    if (s->st.initial_count == 0) {
        timer_del(&s->timer);
        return;
    }
    uint64_t period = (uint64_t)s->st.initial_count << timer_shift(s);
    uint64_t elapsed = (uint64_t)(now - s->st.timer_start);
    if (mode == TIMER_PERIODIC) {
        timer_mod(&s->timer, s->st.timer_start +
                                 (int64_t)((elapsed / period + 1) * period));
    } else if (elapsed < period) {
        timer_mod(&s->timer, s->st.timer_start + (int64_t)period);
    } else {
        timer_del(&s->timer);
    }
}

static void lapic_timer_cb(void *opaque)
{
    Lapic *s = opaque;
    uint32_t lvt = s->st.lvt[LVT_TIMER];
    if (!(lvt & LVT_MASKED)) {
        lapic_accept(s, lvt & 0xff, false);
    }
    if (timer_mode(s) == TIMER_TSC_DEADLINE) {
        s->st.tsc_deadline = 0;
    }
    lapic_timer_update(s);
}

void lapic_set_tsc_deadline(Lapic *s, uint64_t ns)
{
    if (timer_mode(s) != TIMER_TSC_DEADLINE) {
        return;
    }
    s->st.tsc_deadline = ns;
    lapic_timer_update(s);
}

uint64_t lapic_get_tsc_deadline(Lapic *s) { return s->st.tsc_deadline; }

/* --- registers --- */

static int lvt_index(uint32_t off)
{
    if (off == 0x2f0) {
        return LVT_CMCI;
    }
    if (off >= 0x320 && off <= 0x370) {
        return LVT_TIMER + (int)((off - 0x320) >> 4);
    }
    return -1;
}

uint32_t lapic_reg_read(Lapic *s, uint32_t off)
{
    int lvt = lvt_index(off);
    if (lvt >= 0) {
        return s->st.lvt[lvt];
    }
    if (off >= 0x100 && off < 0x280) {
        const uint32_t *v = off < 0x180 ? s->st.isr
                            : off < 0x200 ? s->st.tmr : s->st.irr;
        return v[(off >> 4) & 7];
    }
    switch (off) {
    case 0x20: return s->st.id;
    case 0x30: return APIC_VERSION;
    case 0x80: return s->st.tpr;
    case 0xa0: return ppr(s);
    case 0xd0: return s->st.ldr;
    case 0xe0: return s->st.dfr;
    case 0xf0: return s->st.svr;
    case 0x280: return s->st.esr;
    case 0x300: return s->st.icr_lo;
    case 0x310: return s->st.icr_hi;
    case 0x380: return s->st.initial_count;
    case 0x390: return timer_current(s);
    case 0x3e0: return s->st.dcr;
    default: return 0;
    }
}

static void lapic_eoi(Lapic *s)
{
    int v = highest(s->st.isr);
    if (v < 0) {
        return;
    }
    bit_clear(s->st.isr, v);
    if (bit_get(s->st.tmr, v)) {
        bit_clear(s->st.tmr, v);
        ApicBus *bus = s->bus;
        for (int i = 0; i < bus->neoi; i++) {
            bus->eoi[i].fn(bus->eoi[i].opaque, (uint8_t)v);
        }
    }
    lapic_update(s);
}

void lapic_reg_write(Lapic *s, uint32_t off, uint32_t v)
{
    int lvt = lvt_index(off);
    if (lvt >= 0) {
        unsigned old_mode = timer_mode(s);
        uint32_t keep = s->st.lvt[lvt] & ~lvt_wmask[lvt];
        s->st.lvt[lvt] = keep | (v & lvt_wmask[lvt]);
        if (!(s->st.svr & SVR_ENABLE)) {
            s->st.lvt[lvt] |= LVT_MASKED;
        }
        if (lvt == LVT_TIMER && timer_mode(s) != old_mode) {
            /* Switching modes disarms the timer (SDM 10.5.4.1). */
            s->st.initial_count = 0;
            s->st.tsc_deadline = 0;
            lapic_timer_update(s);
        }
        lapic_update(s);
        return;
    }
    switch (off) {
    case 0x20:
        s->st.id = v & 0xff000000u;
        break;
    case 0x80:
        s->st.tpr = v & 0xff;
        lapic_update(s);
        break;
    case 0xb0:
        lapic_eoi(s);
        break;
    case 0xd0:
        s->st.ldr = v & 0xff000000u;
        break;
    case 0xe0:
        s->st.dfr = v | 0x0fffffffu;
        break;
    case 0xf0:
        s->st.svr = v & 0x3ff;
        if (!(s->st.svr & SVR_ENABLE)) {
            for (int i = 0; i < LVT_COUNT; i++) {
                s->st.lvt[i] |= LVT_MASKED;
            }
        }
        lapic_update(s);
        break;
    case 0x280:
        s->st.esr = s->st.esr_pending;
        s->st.esr_pending = 0;
        break;
    case 0x300:
        s->st.icr_lo = v & ~(1u << 12);
        lapic_send_ipi(s);
        break;
    case 0x310:
        s->st.icr_hi = v & 0xff000000u;
        break;
    case 0x380:
        if (timer_mode(s) != TIMER_TSC_DEADLINE) {
            s->st.initial_count = v;
            s->st.timer_start = clock_now(s->bus->m->clock);
            lapic_timer_update(s);
        }
        break;
    case 0x3e0: {
        uint32_t current = timer_current(s);
        s->st.dcr = v & 0xb;
        /* Keep counting from where it was, at the new rate. */
        if (s->st.initial_count && current) {
            uint64_t done = s->st.initial_count - current;
            s->st.timer_start = clock_now(s->bus->m->clock) -
                                (int64_t)(done << timer_shift(s));
        }
        lapic_timer_update(s);
        break;
    }
    default:
        /* Read-only or reserved: an illegal register access. */
        if (off > 0x3f0 || off == 0x30 || off == 0x90 || off == 0xa0 ||
            (off >= 0x100 && off < 0x280) || off == 0x390) {
            lapic_error(s, ESR_ILLEGAL_REG);
            lapic_update(s);
        }
        break;
    }
}

/* --- the CPU side --- */

static int lapic_ack(void *opaque)
{
    Lapic *s = opaque;
    int v;
    /* An ExtINT from the 8259 ignores the priority rules. */
    if (extint_active(s)) {
        s->st.extint_pending = 0;
        v = s->pic.ack ? s->pic.ack(s->pic.opaque) : -1;
        lapic_update(s);
        return v;
    }
    v = deliverable(s);
    if (v < 0) {
        lapic_update(s);
        return -1;
    }
    bit_clear(s->st.irr, v);
    bit_set(s->st.isr, v);
    lapic_update(s);
    return v;
}

static int lapic_get_tpr(void *opaque)
{
    Lapic *s = opaque;
    return (int)(s->st.tpr & 0xff);
}

static void lapic_set_tpr(void *opaque, int tpr)
{
    Lapic *s = opaque;
    s->st.tpr = (uint32_t)tpr & 0xff;
    lapic_update(s);
}

VcpuIntc lapic_intc(Lapic *s)
{
    VcpuIntc intc = {lapic_ack, s, lapic_get_tpr, lapic_set_tpr};
    return intc;
}

void lapic_set_extint(Lapic *s, VcpuIntc pic) { s->pic = pic; }

static void lapic_lint_handler(void *opaque, int n, int level)
{
    Lapic *s = opaque;
    bool rising = level && !s->st.lint_level[n];
    s->st.lint_level[n] = level != 0;
    uint32_t lvt = s->st.lvt[LVT_LINT0 + n];
    uint8_t mode = (lvt >> 8) & 7;
    if (!(lvt & LVT_MASKED) && rising && mode != APIC_DM_EXTINT) {
        lapic_deliver_local(s, mode, lvt & 0xff, (lvt & LVT_LEVEL) != 0);
    }
    lapic_update(s);
}

IrqLine lapic_lint(Lapic *s, int n)
{
    return irq_line(lapic_lint_handler, s, n & 1);
}

/* --- MMIO window --- */

static Lapic *current_lapic(ApicBus *bus)
{
    int cpu = bus->current_cpu ? *bus->current_cpu : 0;
    return cpu >= 0 && cpu < bus->ncpus ? bus->cpus[cpu] : NULL;
}

static uint64_t apic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    Lapic *s = current_lapic(opaque);
    if (!s || (offset & 0xf)) {
        return 0;
    }
    return lapic_reg_read(s, (uint32_t)offset);
}

static void apic_mmio_write(void *opaque, uint64_t offset, uint64_t value,
                            unsigned size)
{
    Lapic *s = current_lapic(opaque);
    if (s && !(offset & 0xf)) {
        lapic_reg_write(s, (uint32_t)offset, (uint32_t)value);
    }
}

static const MemOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .min_size = 4,
    .max_size = 4,
};

/* --- devices --- */

static void lapic_reset(void *opaque, ResetKind kind)
{
    lapic_state_reset(opaque, false);
}

static int lapic_post_load(void *opaque)
{
    Lapic *s = opaque;
    s->st.lint_level[0] = s->st.lint_level[0] != 0;
    s->st.lint_level[1] = s->st.lint_level[1] != 0;
    lapic_timer_update(s);
    lapic_update(s);
    return 0;
}

static void lapic_destroy(void *opaque)
{
    Lapic *s = opaque;
    timer_del(&s->timer);
    free(s);
}

static const SnapField lapic_fields[] = {
    SNAP_FIELD(LapicState, id),
    SNAP_FIELD(LapicState, tpr),
    SNAP_FIELD(LapicState, ldr),
    SNAP_FIELD(LapicState, dfr),
    SNAP_FIELD(LapicState, svr),
    SNAP_ARRAY(LapicState, isr),
    SNAP_ARRAY(LapicState, tmr),
    SNAP_ARRAY(LapicState, irr),
    SNAP_FIELD(LapicState, esr),
    SNAP_FIELD(LapicState, esr_pending),
    SNAP_FIELD(LapicState, icr_lo),
    SNAP_FIELD(LapicState, icr_hi),
    SNAP_ARRAY(LapicState, lvt),
    SNAP_FIELD(LapicState, initial_count),
    SNAP_FIELD(LapicState, dcr),
    SNAP_FIELD(LapicState, timer_start),
    SNAP_FIELD(LapicState, tsc_deadline),
    SNAP_ARRAY(LapicState, lint_level),
    SNAP_FIELD(LapicState, extint_pending),
    SNAP_END,
};

static const DeviceInfo lapic_info = {
    .name = "lapic",
    .version = 1,
    .fields = lapic_fields,
    .reset = lapic_reset,
    .post_load = lapic_post_load,
    .destroy = lapic_destroy,
};

static void apic_bus_destroy(void *opaque) { free(opaque); }

static const DeviceInfo apic_bus_info = {
    .name = "apic-bus",
    .version = 1,
    .destroy = apic_bus_destroy,
};

ApicBus *apic_bus_new(Machine *m, uint64_t base, const int *current_cpu)
{
    ApicBus *bus = calloc(1, sizeof(*bus));
    if (!bus) {
        return NULL;
    }
    bus->m = m;
    bus->current_cpu = current_cpu;
    device_register(&m->devices, &apic_bus_info, bus, NULL);
    if (!as_add_io(m->as, "lapic", base, 0x1000, &apic_mmio_ops, bus,
                   APIC_MMIO_PRIO)) {
        return NULL;
    }
    return bus;
}

void apic_bus_add_eoi_listener(ApicBus *bus, ApicEoiListener *fn,
                               void *opaque)
{
    if (bus->neoi < MAX_EOI_LISTENERS) {
        bus->eoi[bus->neoi].fn = fn;
        bus->eoi[bus->neoi].opaque = opaque;
        bus->neoi++;
    }
}

Lapic *apic_bus_cpu(ApicBus *bus, int index)
{
    return index >= 0 && index < bus->ncpus ? bus->cpus[index] : NULL;
}

Lapic *lapic_new(ApicBus *bus, int index, LapicCpu cpu)
{
    if (index != bus->ncpus || index >= APIC_BUS_MAX_CPUS) {
        return NULL;
    }
    Lapic *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->bus = bus;
    s->index = index;
    s->cpu = cpu;
    timer_init(&s->timer, bus->m->clock, lapic_timer_cb, s, "lapic-timer");
    bus->cpus[bus->ncpus++] = s;
    device_register(&bus->m->devices, &lapic_info, s, &s->st);
    lapic_state_reset(s, false);
    return s;
}
