/*
 * The virtual clock and its timers.
 *
 * Promise: time is virtual nanoseconds since the machine started, monotonic,
 * and stops while the machine is paused. It has one of three sources:
 *  - CLOCK_HOST: the host's monotonic clock (interactive use);
 *  - CLOCK_ICOUNT: retired guest instructions << shift (-icount): fully
 *    deterministic; when every vCPU is idle, time jumps to the next deadline;
 *  - CLOCK_MANUAL: advanced only by clock_step() (device tests).
 * Timers form a min-heap on their deadline; timers with equal deadlines fire
 * in the order they were armed. Callbacks may re-arm or delete any timer.
 * Devices compute counters lazily from clock_now() and arm one timer for
 * their next edge; nothing ticks per cycle.
 */
#ifndef PCVM_CLOCK_H
#define PCVM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_SEC 1000000000LL
#define CLOCK_NEVER INT64_MAX

typedef enum ClockSource {
    CLOCK_HOST,
    CLOCK_ICOUNT,
    CLOCK_MANUAL,
} ClockSource;

typedef struct Clock Clock;
typedef struct Timer Timer;
typedef void TimerCallback(void *opaque);

struct Timer {
    int64_t expire_ns;  /* deadline, valid while pending */
    uint64_t seq;       /* arm order, breaks ties */
    TimerCallback *cb;
    void *opaque;
    Clock *clock;
    int heap_index;     /* -1 when not pending */
    const char *name;
};

Clock *clock_new(ClockSource source, int icount_shift);
void clock_free(Clock *c);
ClockSource clock_source(const Clock *c);

/* Virtual time now, in ns. */
int64_t clock_now(Clock *c);

/* Host source: pause and resume (time does not pass while paused). */
void clock_pause(Clock *c);
void clock_resume(Clock *c);

/* Icount source: the CPU reports retired instructions. */
void clock_icount_add(Clock *c, uint64_t insns);
int clock_icount_shift(const Clock *c);
/* Instructions that may retire before the next deadline (at least 1);
 * UINT64_MAX when no timer is armed. */
uint64_t clock_icount_budget(Clock *c);
/* Manual and icount sources: move time forward to @ns (never backwards). */
void clock_warp_to(Clock *c, int64_t ns);
/* Manual source: advance by @ns, firing every timer that comes due, in
 * deadline order, each with clock_now() equal to its deadline. */
void clock_step(Clock *c, int64_t ns);

void timer_init(Timer *t, Clock *c, TimerCallback *cb, void *opaque,
                const char *name);
/* Arm (or re-arm) @t to fire at absolute virtual time @expire_ns. */
void timer_mod(Timer *t, int64_t expire_ns);
/* @hook runs whenever timer_mod arms a deadline earlier than every pending
 * one: a device armed a timer while a vCPU runs a slice that was cut to
 * the old earliest deadline, and the accelerator must end that slice early
 * to meet the new one. */
void clock_set_deadline_hook(Clock *c, void (*hook)(void *opaque),
                             void *opaque);
void timer_del(Timer *t);
static inline bool timer_pending(const Timer *t) { return t->heap_index >= 0; }

/* Earliest deadline, or CLOCK_NEVER. */
int64_t clock_next_deadline(Clock *c);
/* Fire every timer whose deadline is <= now; returns how many fired. */
int clock_run_expired(Clock *c);

/* Host time helper (CLOCK_MONOTONIC ns) for the main loop and benchmarks. */
int64_t host_monotonic_ns(void);

#endif
