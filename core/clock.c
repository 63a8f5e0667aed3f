/* The virtual clock and its timer heap: see clock.h. */
#include "core/clock.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct Clock {
    ClockSource source;
    int icount_shift;
    uint64_t icount;       /* retired instructions (icount source) */
    int64_t warp_ns;       /* manual/icount: time added by warps */
    int64_t host_start;    /* host source: host time of virtual 0 */
    int64_t paused_at;     /* host source: virtual time when paused, or -1 */
    int64_t last_now;      /* keeps time monotonic */
    uint64_t next_seq;
    Timer **heap;
    int heap_len;
    int heap_cap;
    void (*deadline_hook)(void *opaque);
    void *deadline_opaque;
};

int64_t host_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

Clock *clock_new(ClockSource source, int icount_shift)
{
    Clock *c = calloc(1, sizeof(*c));
    if (!c) {
        return NULL;
    }
    c->source = source;
    c->icount_shift = icount_shift;
    c->host_start = host_monotonic_ns();
    c->paused_at = -1;
    return c;
}

void clock_free(Clock *c)
{
    if (c) {
        for (int i = 0; i < c->heap_len; i++) {
            c->heap[i]->heap_index = -1;
        }
        free(c->heap);
        free(c);
    }
}

ClockSource clock_source(const Clock *c) { return c->source; }
int clock_icount_shift(const Clock *c) { return c->icount_shift; }

int64_t clock_now(Clock *c)
{
    int64_t now;
    switch (c->source) {
    case CLOCK_HOST:
        now = c->paused_at >= 0 ? c->paused_at
                                : host_monotonic_ns() - c->host_start;
        break;
    case CLOCK_ICOUNT:
        now = (int64_t)(c->icount << c->icount_shift) + c->warp_ns;
        break;
    default:
        now = c->warp_ns;
        break;
    }
    if (now < c->last_now) {
        now = c->last_now;
    }
    c->last_now = now;
    return now;
}

void clock_pause(Clock *c)
{
    if (c->source == CLOCK_HOST && c->paused_at < 0) {
        c->paused_at = clock_now(c);
    }
}

void clock_resume(Clock *c)
{
    if (c->source == CLOCK_HOST && c->paused_at >= 0) {
        c->host_start = host_monotonic_ns() - c->paused_at;
        c->paused_at = -1;
    }
}

void clock_icount_add(Clock *c, uint64_t insns) { c->icount += insns; }

uint64_t clock_icount_budget(Clock *c)
{
    int64_t deadline = clock_next_deadline(c);
    if (deadline == CLOCK_NEVER) {
        return UINT64_MAX;
    }
    int64_t now = clock_now(c);
    if (deadline <= now) {
        return 1;
    }
    uint64_t ns = (uint64_t)(deadline - now);
    /* Round up: the instruction that crosses the deadline fires it. */
    uint64_t insns = (ns + (1ULL << c->icount_shift) - 1) >> c->icount_shift;
    return insns ? insns : 1;
}

void clock_warp_to(Clock *c, int64_t ns)
{
    int64_t now = clock_now(c);
    if (ns > now && c->source != CLOCK_HOST) {
        c->warp_ns += ns - now;
    }
}

/* --- the heap: ordered by (expire_ns, seq) --- */

static bool timer_before(const Timer *a, const Timer *b)
{
    return a->expire_ns < b->expire_ns ||
           (a->expire_ns == b->expire_ns && a->seq < b->seq);
}

static void heap_place(Clock *c, int i, Timer *t)
{
    c->heap[i] = t;
    t->heap_index = i;
}

static void heap_sift_up(Clock *c, int i)
{
    Timer *t = c->heap[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!timer_before(t, c->heap[parent])) {
            break;
        }
        heap_place(c, i, c->heap[parent]);
        i = parent;
    }
    heap_place(c, i, t);
}

static void heap_sift_down(Clock *c, int i)
{
    Timer *t = c->heap[i];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= c->heap_len) {
            break;
        }
        if (child + 1 < c->heap_len &&
            timer_before(c->heap[child + 1], c->heap[child])) {
            child++;
        }
        if (!timer_before(c->heap[child], t)) {
            break;
        }
        heap_place(c, i, c->heap[child]);
        i = child;
    }
    heap_place(c, i, t);
}

static void heap_remove(Clock *c, Timer *t)
{
    int i = t->heap_index;
    Timer *last = c->heap[--c->heap_len];
    t->heap_index = -1;
    if (last != t) {
        heap_place(c, i, last);
        heap_sift_down(c, i);
        heap_sift_up(c, last->heap_index);
    }
}

void timer_init(Timer *t, Clock *c, TimerCallback *cb, void *opaque,
                const char *name)
{
    memset(t, 0, sizeof(*t));
    t->clock = c;
    t->cb = cb;
    t->opaque = opaque;
    t->heap_index = -1;
    t->name = name;
}

void clock_set_deadline_hook(Clock *c, void (*hook)(void *opaque),
                             void *opaque)
{
    c->deadline_hook = hook;
    c->deadline_opaque = opaque;
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Clock *c = t->clock;
    int64_t earliest = c->heap_len ? c->heap[0]->expire_ns : CLOCK_NEVER;
    if (t->heap_index >= 0) {
        heap_remove(c, t);
    }
    if (c->heap_len == c->heap_cap) {
        int cap = c->heap_cap ? c->heap_cap * 2 : 16;
        Timer **h = realloc(c->heap, cap * sizeof(*h));
        assert(h);
        c->heap = h;
        c->heap_cap = cap;
    }
    t->expire_ns = expire_ns;
    t->seq = c->next_seq++;
    c->heap_len++;
    heap_place(c, c->heap_len - 1, t);
    heap_sift_up(c, c->heap_len - 1);
    if (expire_ns < earliest && c->deadline_hook) {
        c->deadline_hook(c->deadline_opaque);
    }
}

void timer_del(Timer *t)
{
    if (t->heap_index >= 0) {
        heap_remove(t->clock, t);
    }
}

int64_t clock_next_deadline(Clock *c)
{
    return c->heap_len ? c->heap[0]->expire_ns : CLOCK_NEVER;
}

int clock_run_expired(Clock *c)
{
    int fired = 0;
    int64_t now = clock_now(c);
    while (c->heap_len && c->heap[0]->expire_ns <= now) {
        Timer *t = c->heap[0];
        heap_remove(c, t);
        t->cb(t->opaque);
        fired++;
    }
    return fired;
}

void clock_step(Clock *c, int64_t ns)
{
    int64_t target = clock_now(c) + ns;
    while (c->heap_len && c->heap[0]->expire_ns <= target) {
        Timer *t = c->heap[0];
        clock_warp_to(c, t->expire_ns);
        heap_remove(c, t);
        t->cb(t->opaque);
    }
    clock_warp_to(c, target);
}
