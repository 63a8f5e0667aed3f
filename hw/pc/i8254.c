/*
 * The 8254 PIT (see i8254.h), after the Intel 82C54 datasheet.
 *
 * Each counter keeps a tick count d that advances with virtual time while
 * its clock is enabled (GATE high, or always in the gate-triggered modes 1
 * and 5): d = base_ticks + ticks(now - start_ns). The count element was
 * (re)loaded with `count` at d = origin, so e = d - origin ticks have
 * passed since; OUT and the current count are functions of the mode, the
 * count and e. Loading re-anchors start_ns at the load, so a counter's OUT
 * changes exactly at load time + ceil(ticks * 1e9 / PIT_FREQ_HZ).
 */
#include "hw/pc/i8254.h"

#include <stdlib.h>

#define PIT_CHANNELS 3

typedef struct PitChannel {
    int64_t start_ns;     /* virtual time of the last re-anchor */
    uint64_t base_ticks;  /* d at start_ns */
    uint64_t origin;      /* d at which the current count was loaded */
    uint64_t pending_at;  /* d at which `cr` replaces `count` (modes 2, 3) */
    uint32_t cr;          /* count register: last count written (1..M) */
    uint32_t count;       /* count the element was loaded with (1..M) */
    uint16_t latch;       /* latched count (raw, as read) */
    uint8_t mode;
    uint8_t rw;           /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t bcd;
    uint8_t gate;
    uint8_t cr_valid;     /* a count was written since the control word */
    uint8_t loaded;       /* the element holds a count and may count */
    uint8_t pending;      /* pending_at is meaningful */
    uint8_t latched;      /* count latch: 0 empty, 1 full, 2 MSB left */
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_msb;     /* word access: the next read is the MSB */
    uint8_t write_msb;    /* word access: the next write is the MSB */
    uint8_t write_lsb;    /* the LSB waiting for its MSB */
    uint8_t null_count;
    uint8_t out;          /* level last driven on the output line */
} PitChannel;

typedef struct PitSnap {
    PitChannel ch[PIT_CHANNELS];
} PitSnap;

typedef struct PitState PitState;

typedef struct PitTimer {
    Timer timer;
    PitState *s;
    int n;
    int64_t due_ns;       /* the deadline it was last armed for */
} PitTimer;

struct PitState {
    PitSnap st;
    IrqLine out[PIT_CHANNELS];
    PitTimer timers[PIT_CHANNELS];
    Clock *clock;
    Log *log;
};

#define CH_FIELD(i, f)                                                         \
    {#f "." #i, offsetof(PitSnap, ch[i].f),                                    \
     sizeof(((PitSnap *)0)->ch[i].f), 1}
#define CH_FIELDS(i)                                                           \
    CH_FIELD(i, start_ns), CH_FIELD(i, base_ticks), CH_FIELD(i, origin),       \
    CH_FIELD(i, pending_at), CH_FIELD(i, cr), CH_FIELD(i, count),              \
    CH_FIELD(i, latch), CH_FIELD(i, mode), CH_FIELD(i, rw), CH_FIELD(i, bcd),  \
    CH_FIELD(i, gate), CH_FIELD(i, cr_valid), CH_FIELD(i, loaded),             \
    CH_FIELD(i, pending), CH_FIELD(i, latched), CH_FIELD(i, status_latched),   \
    CH_FIELD(i, status), CH_FIELD(i, read_msb), CH_FIELD(i, write_msb),        \
    CH_FIELD(i, write_lsb), CH_FIELD(i, null_count), CH_FIELD(i, out)

static const SnapField pit_fields[] = {
    CH_FIELDS(0),
    CH_FIELDS(1),
    CH_FIELDS(2),
    SNAP_END,
};

/* --- time --- */

static uint64_t ns_to_ticks(int64_t ns)
{
    if (ns <= 0) {
        return 0;
    }
    return (uint64_t)(((unsigned __int128)ns * PIT_FREQ_HZ) / NS_PER_SEC);
}

/* The first ns at which ns_to_ticks() reaches @ticks. */
static int64_t ticks_to_ns(uint64_t ticks)
{
    unsigned __int128 ns = ((unsigned __int128)ticks * NS_PER_SEC +
                            PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
    return ns > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)ns;
}

static bool clock_enabled(const PitChannel *c)
{
    return c->gate || c->mode == 1 || c->mode == 5;
}

static uint64_t ch_ticks(const PitChannel *c, int64_t now)
{
    if (!clock_enabled(c)) {
        return c->base_ticks;
    }
    return c->base_ticks + ns_to_ticks(now - c->start_ns);
}

static void ch_anchor(PitChannel *c, int64_t now)
{
    c->base_ticks = ch_ticks(c, now);
    c->start_ns = now;
}

static uint32_t modulus(const PitChannel *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Load the element with the count register at @now: a fresh start. */
static void ch_load(PitChannel *c, int64_t now)
{
    c->start_ns = now;
    c->base_ticks = 0;
    c->origin = 0;
    c->count = c->cr;
    c->loaded = 1;
    c->pending = 0;
    c->null_count = 0;
}

/* Apply a reload that came due (modes 2 and 3). */
static void ch_sync(PitChannel *c, int64_t now)
{
    if (c->pending && ch_ticks(c, now) >= c->pending_at) {
        c->origin = c->pending_at;
        c->count = c->cr;
        c->pending = 0;
        c->null_count = 0;
    }
}

/* --- OUT and the count as functions of e --- */

static bool ch_out_at(const PitChannel *c, uint64_t e)
{
    uint64_t n = c->count;
    if (!c->loaded) {
        return c->mode != 0;
    }
    switch (c->mode) {
    case 0:
    case 1:
        return e >= n;
    case 2:
        return !c->gate || n <= 1 || e % n != n - 1;
    case 3:
        return !c->gate || n <= 1 || e % n < (n + 1) / 2;
    default: /* 4, 5: a one-tick strobe when the count reaches zero */
        return e != n;
    }
}

static uint32_t ch_count_at(const PitChannel *c, uint64_t e)
{
    uint64_t n = c->count;
    uint64_t m = modulus(c);
    if (!c->loaded) {
        return c->cr % m;
    }
    switch (c->mode) {
    case 2:
        return n <= 1 ? 1 : (uint32_t)((n - e % n) % m);
    case 3: {
        if (n <= 1) {
            return 0;
        }
        uint64_t hi = (n + 1) / 2, p = e % n;
        uint64_t half = p < hi ? p : p - hi;
        return (uint32_t)(((n & ~1ULL) - 2 * half) % m);
    }
    default:
        /* Counts down through zero and wraps around the modulus. */
        if (e <= n) {
            return (uint32_t)((n - e) % m);
        }
        return (uint32_t)((m - (e - n) % m) % m);
    }
}

/* The next e > @e at which OUT changes, or UINT64_MAX. */
static uint64_t ch_next_change(const PitChannel *c, uint64_t e)
{
    uint64_t n = c->count;
    if (!c->loaded) {
        return UINT64_MAX;
    }
    switch (c->mode) {
    case 0:
    case 1:
        return e < n ? n : UINT64_MAX;
    case 2: {
        if (n <= 1) {
            return UINT64_MAX;
        }
        uint64_t base = e - e % n;
        return e % n < n - 1 ? base + n - 1 : base + n;
    }
    case 3: {
        if (n <= 1) {
            return UINT64_MAX;
        }
        uint64_t base = e - e % n;
        return e % n < (n + 1) / 2 ? base + (n + 1) / 2 : base + n;
    }
    default:
        if (e < n) {
            return n;
        }
        return e == n ? n + 1 : UINT64_MAX;
    }
}

static uint64_t ch_elapsed(PitChannel *c, int64_t now)
{
    ch_sync(c, now);
    return ch_ticks(c, now) - c->origin;
}

static bool ch_out(PitChannel *c, int64_t now)
{
    return ch_out_at(c, ch_elapsed(c, now));
}

/* Drive the output line and arm the timer for the next change. */
static void pit_update_out(PitState *s, int n)
{
    PitChannel *c = &s->st.ch[n];
    if (!irq_connected(s->out[n])) {
        return;
    }
    int64_t now = clock_now(s->clock);
    uint64_t e = ch_elapsed(c, now);
    uint8_t out = ch_out_at(c, e);
    if (out != c->out) {
        c->out = out;
        irq_set(s->out[n], out);
    }
    uint64_t next = clock_enabled(c) ? ch_next_change(c, e) : UINT64_MAX;
    if (clock_enabled(c) && c->pending && c->pending_at - c->origin < next) {
        next = c->pending_at - c->origin;
    }
    if (next == UINT64_MAX) {
        timer_del(&s->timers[n].timer);
        return;
    }
    uint64_t d = c->origin + next;
    s->timers[n].due_ns = c->start_ns + ticks_to_ns(d - c->base_ticks);
    timer_mod(&s->timers[n].timer, s->timers[n].due_ns);
}

/* The main loop runs a timer when it gets to it: on the host clock often
 * after its deadline, and a change of OUT shorter than the delay (mode
 * 2's pulse is one PIT clock, 838 ns; so are the strobes of modes 4 and
 * 5) would be lost if OUT were only evaluated now. So OUT is first driven
 * as it was at the deadline, then as it is now: the line sees the pulse
 * (one, however late the timer: missed periods are not replayed). */
static void pit_timer_cb(void *opaque)
{
    PitTimer *t = opaque;
    PitState *s = t->s;
    PitChannel *c = &s->st.ch[t->n];
    int64_t now = clock_now(s->clock);
    int64_t due = t->due_ns;
    /* (A reload applied since, by a read after the deadline, moved the
     * origin past it: then the deadline is no longer this count's.) */
    if (due < now && due >= c->start_ns && ch_ticks(c, due) >= c->origin) {
        uint8_t out = ch_out_at(c, ch_elapsed(c, due));
        if (out != c->out) {
            c->out = out;
            irq_set(s->out[t->n], out);
        }
    }
    pit_update_out(s, t->n);
}

/* --- BCD --- */

static uint32_t to_bcd(uint32_t v)
{
    v %= 10000;
    return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
           v % 10;
}

/* Invalid digits keep their face value; the result may exceed 9999. */
static uint32_t from_bcd(uint32_t v)
{
    return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 +
           (v & 15);
}

static uint16_t ch_read_count(PitChannel *c, int64_t now)
{
    uint32_t v = ch_count_at(c, ch_elapsed(c, now));
    return c->bcd ? to_bcd(v) : v;
}

/* --- the ports --- */

static void ch_latch_count(PitChannel *c, int64_t now)
{
    if (!c->latched) {
        c->latch = ch_read_count(c, now);
        c->latched = 1;
    }
}

static void ch_latch_status(PitChannel *c, int64_t now)
{
    if (!c->status_latched) {
        c->status = ch_out(c, now) << 7 | c->null_count << 6 | c->rw << 4 |
                    c->mode << 1 | c->bcd;
        c->status_latched = 1;
    }
}

static void pit_control(PitState *s, uint8_t v)
{
    int64_t now = clock_now(s->clock);
    int sel = v >> 6;
    if (sel == 3) {
        /* Read-back: bits 1-3 select counters; 0 in bit 5 latches the
         * count, 0 in bit 4 the status. */
        for (int n = 0; n < PIT_CHANNELS; n++) {
            if (v & (2u << n)) {
                if (!(v & 0x20)) {
                    ch_latch_count(&s->st.ch[n], now);
                }
                if (!(v & 0x10)) {
                    ch_latch_status(&s->st.ch[n], now);
                }
            }
        }
        return;
    }
    PitChannel *c = &s->st.ch[sel];
    uint8_t rw = (v >> 4) & 3;
    if (rw == 0) {
        ch_latch_count(c, now);
        return;
    }
    ch_anchor(c, now);
    uint8_t mode = (v >> 1) & 7;
    c->mode = mode >= 6 ? mode - 4 : mode;
    c->rw = rw;
    c->bcd = v & 1;
    c->loaded = 0;
    c->pending = 0;
    c->cr_valid = 0;
    c->null_count = 1;
    c->read_msb = 0;
    c->write_msb = 0;
    TRACE(s->log, LOG_PIT, "pit%d: mode %d rw %d%s", sel, c->mode, c->rw,
          c->bcd ? " bcd" : "");
    pit_update_out(s, sel);
}

static void pit_write_count(PitState *s, int n, uint32_t raw)
{
    PitChannel *c = &s->st.ch[n];
    int64_t now = clock_now(s->clock);
    uint32_t v = c->bcd ? from_bcd(raw) : raw;
    c->cr = v ? v : modulus(c);
    c->cr_valid = 1;
    c->null_count = 1;
    TRACE(s->log, LOG_PIT, "pit%d: count %u (mode %d)", n, c->cr, c->mode);
    switch (c->mode) {
    case 0:
    case 4:
        ch_load(c, now);
        break;
    case 2:
    case 3:
        if (!c->gate) {
            break; /* loaded when GATE rises */
        }
        if (c->loaded) {
            uint64_t e = ch_elapsed(c, now);
            c->pending_at = c->origin + (e / c->count + 1) * c->count;
            c->pending = 1;
        } else {
            ch_load(c, now);
        }
        break;
    default: /* 1, 5: loaded by the next GATE trigger */
        break;
    }
    pit_update_out(s, n);
}

static void pit_data_write(PitState *s, int n, uint8_t v)
{
    PitChannel *c = &s->st.ch[n];
    switch (c->rw) {
    case 1:
        pit_write_count(s, n, v);
        break;
    case 2:
        pit_write_count(s, n, (uint32_t)v << 8);
        break;
    case 3:
        if (!c->write_msb) {
            c->write_lsb = v;
            c->write_msb = 1;
            if (c->mode == 0) {
                /* Writing the first byte stops the count; OUT goes low. */
                c->loaded = 0;
                pit_update_out(s, n);
            }
        } else {
            c->write_msb = 0;
            pit_write_count(s, n, c->write_lsb | (uint32_t)v << 8);
        }
        break;
    default:
        break;
    }
}

static uint8_t pit_data_read(PitState *s, int n)
{
    PitChannel *c = &s->st.ch[n];
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->latched) {
        uint16_t v = c->latch;
        switch (c->rw) {
        case 2:
            c->latched = 0;
            return v >> 8;
        case 3:
            if (c->latched == 1) {
                c->latched = 2;
                return v & 0xff;
            }
            c->latched = 0;
            return v >> 8;
        default:
            c->latched = 0;
            return v & 0xff;
        }
    }
    uint16_t v = ch_read_count(c, clock_now(s->clock));
    switch (c->rw) {
    case 2:
        return v >> 8;
    case 3:
        c->read_msb ^= 1;
        return c->read_msb ? v & 0xff : v >> 8;
    default:
        return v & 0xff;
    }
}

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
    PitState *s = opaque;
    if (offset >= PIT_CHANNELS) {
        return 0xff; /* the control word is write-only */
    }
    return pit_data_read(s, (int)offset);
}

static void pit_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    PitState *s = opaque;
    if (offset >= PIT_CHANNELS) {
        pit_control(s, value);
    } else {
        pit_data_write(s, (int)offset, value);
    }
}

static const MemOps pit_ops = {
    .read = pit_read, .write = pit_write, .min_size = 1, .max_size = 1,
};

void pit_set_gate(PitState *s, int n, bool level)
{
    if (n < 0 || n >= PIT_CHANNELS) {
        return;
    }
    PitChannel *c = &s->st.ch[n];
    int64_t now = clock_now(s->clock);
    if (c->gate == level) {
        return;
    }
    ch_sync(c, now);
    ch_anchor(c, now);
    c->gate = level;
    if (level && c->cr_valid) {
        switch (c->mode) {
        case 1:
        case 2:
        case 3:
        case 5:
            /* A rising GATE (re)starts the count from the register. */
            ch_load(c, now);
            break;
        default:
            break; /* 0, 4: counting just resumes */
        }
    }
    pit_update_out(s, n);
}

bool pit_get_out(PitState *s, int n)
{
    if (n < 0 || n >= PIT_CHANNELS) {
        return false;
    }
    return ch_out(&s->st.ch[n], clock_now(s->clock));
}

static void pit_reset(void *opaque, ResetKind kind)
{
    PitState *s = opaque;
    int64_t now = clock_now(s->clock);
    for (int n = 0; n < PIT_CHANNELS; n++) {
        PitChannel *c = &s->st.ch[n];
        uint8_t out = c->out;
        *c = (PitChannel){0};
        c->start_ns = now;
        c->mode = 3;
        c->rw = 3;
        c->gate = n != 2;
        c->cr = 65536;
        c->count = 65536;
        c->null_count = 1;
        c->out = out;
        pit_update_out(s, n);
    }
}

static int pit_post_load(void *opaque)
{
    PitState *s = opaque;
    for (int n = 0; n < PIT_CHANNELS; n++) {
        PitChannel *c = &s->st.ch[n];
        /* Keep a hostile stream from producing impossible counters. */
        if (c->mode > 5) {
            c->mode = 0;
        }
        c->rw &= 3;
        c->bcd &= 1;
        uint32_t m = modulus(c);
        if (c->cr == 0 || c->cr > 16665) {
            c->cr = m;
        }
        if (c->count == 0 || c->count > 16665) {
            c->count = m;
        }
        if (c->origin > ch_ticks(c, clock_now(s->clock))) {
            c->origin = 0;
        }
        if (irq_connected(s->out[n])) {
            c->out = ch_out(c, clock_now(s->clock));
            irq_set(s->out[n], c->out);
        }
        pit_update_out(s, n);
    }
    return 0;
}

static void pit_destroy(void *opaque)
{
    PitState *s = opaque;
    for (int n = 0; n < PIT_CHANNELS; n++) {
        timer_del(&s->timers[n].timer);
    }
    free(s);
}

static const DeviceInfo pit_info = {
    .name = "i8254",
    .version = 1,
    .fields = pit_fields,
    .reset = pit_reset,
    .post_load = pit_post_load,
    .destroy = pit_destroy,
};

PitState *pit_new(const IsaEnv *env, uint16_t base, IrqLine out0)
{
    PitState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->clock = env->clock;
    s->log = env->log;
    s->out[0] = out0;
    for (int n = 0; n < PIT_CHANNELS; n++) {
        s->timers[n].s = s;
        s->timers[n].n = n;
        timer_init(&s->timers[n].timer, env->clock, pit_timer_cb,
                   &s->timers[n], "pit");
    }
    if (!iobus_register(env->io, "pit", base, 4, &pit_ops, s)) {
        free(s);
        return NULL;
    }
    pit_reset(s, RESET_COLD);
    device_register(env->devices, &pit_info, s, &s->st);
    return s;
}
