/* The virtual clock and its timer heap. */
#include "tests/unit/unit.h"

#include "core/clock.h"

typedef struct Fired {
    int order[16];
    int64_t when[16];
    int n;
    Clock *clock;
} Fired;

typedef struct Probe {
    Fired *log;
    int id;
    Timer *rearm;      /* re-arm this timer when fired */
    int64_t rearm_at;
} Probe;

static void probe_cb(void *opaque)
{
    Probe *p = opaque;
    p->log->order[p->log->n] = p->id;
    p->log->when[p->log->n] = clock_now(p->log->clock);
    p->log->n++;
    if (p->rearm) {
        timer_mod(p->rearm, p->rearm_at);
    }
}

START_TEST(test_timers_fire_in_deadline_order)
{
    Clock *c = clock_new(CLOCK_MANUAL, 0);
    Fired log = {.clock = c};
    Timer t[4];
    Probe p[4];
    int64_t deadlines[4] = {300, 100, 400, 200};
    for (int i = 0; i < 4; i++) {
        p[i] = (Probe){&log, i, NULL, 0};
        timer_init(&t[i], c, probe_cb, &p[i], "t");
        timer_mod(&t[i], deadlines[i]);
    }
    ck_assert_int_eq(clock_next_deadline(c), 100);
    clock_step(c, 1000);
    ck_assert_int_eq(log.n, 4);
    int want[4] = {1, 3, 0, 2};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(log.order[i], want[i]);
        /* Each callback sees the clock at its own deadline. */
        ck_assert_int_eq(log.when[i], deadlines[want[i]]);
    }
    ck_assert_int_eq(clock_now(c), 1000);
    ck_assert_int_eq(clock_next_deadline(c), CLOCK_NEVER);
    clock_free(c);
}
END_TEST

START_TEST(test_equal_deadlines_fire_in_arm_order)
{
    Clock *c = clock_new(CLOCK_MANUAL, 0);
    Fired log = {.clock = c};
    Timer t[5];
    Probe p[5];
    for (int i = 0; i < 5; i++) {
        p[i] = (Probe){&log, i, NULL, 0};
        timer_init(&t[i], c, probe_cb, &p[i], "t");
    }
    int arm_order[5] = {3, 1, 4, 0, 2};
    for (int i = 0; i < 5; i++) {
        timer_mod(&t[arm_order[i]], 50);
    }
    clock_step(c, 50);
    ck_assert_int_eq(log.n, 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(log.order[i], arm_order[i]);
    }
    clock_free(c);
}
END_TEST

START_TEST(test_timer_del_and_rearm)
{
    Clock *c = clock_new(CLOCK_MANUAL, 0);
    Fired log = {.clock = c};
    Timer a, b;
    Probe pa = {&log, 1, &a, 250}, pb = {&log, 2, NULL, 0};
    timer_init(&a, c, probe_cb, &pa, "a");
    timer_init(&b, c, probe_cb, &pb, "b");
    timer_mod(&a, 100);
    timer_mod(&b, 150);
    ck_assert(timer_pending(&b));
    timer_del(&b);
    ck_assert(!timer_pending(&b));
    timer_del(&b); /* deleting twice is harmless */
    /* a re-arms itself at 250 from its callback; stepping to 300 sees it
     * twice (the second time with rearm pointing at itself again). */
    pa.rearm_at = 250;
    clock_step(c, 200);
    ck_assert_int_eq(log.n, 1);
    ck_assert(timer_pending(&a));
    pa.rearm = NULL;
    clock_step(c, 100);
    ck_assert_int_eq(log.n, 2);
    ck_assert_int_eq(log.when[1], 250);
    ck_assert(!timer_pending(&a));
    /* Moving a pending timer earlier or later re-sorts it. */
    timer_mod(&a, 1000);
    timer_mod(&b, 900);
    timer_mod(&a, 800);
    ck_assert_int_eq(clock_next_deadline(c), 800);
    clock_free(c);
}
END_TEST

START_TEST(test_many_timers_heap_property)
{
    enum { N = 200 };
    Clock *c = clock_new(CLOCK_MANUAL, 0);
    static Timer t[N];
    int64_t last = -1;
    uint32_t seed = 12345;
    for (int i = 0; i < N; i++) {
        timer_init(&t[i], c, NULL, NULL, "t");
        seed = seed * 1103515245 + 12345;
        timer_mod(&t[i], (seed >> 8) % 100000);
    }
    for (int i = 0; i < N; i += 3) {
        timer_del(&t[i]);
    }
    while (clock_next_deadline(c) != CLOCK_NEVER) {
        int64_t d = clock_next_deadline(c);
        ck_assert_int_ge(d, last);
        last = d;
        /* Find and delete the earliest timer by hand. */
        for (int i = 0; i < N; i++) {
            if (timer_pending(&t[i]) && t[i].expire_ns == d) {
                timer_del(&t[i]);
                break;
            }
        }
    }
    clock_free(c);
}
END_TEST

START_TEST(test_icount_clock)
{
    Clock *c = clock_new(CLOCK_ICOUNT, 3); /* 8 ns per instruction */
    Timer t;
    timer_init(&t, c, NULL, NULL, "t");
    ck_assert_int_eq(clock_now(c), 0);
    clock_icount_add(c, 10);
    ck_assert_int_eq(clock_now(c), 80);
    ck_assert_uint_eq(clock_icount_budget(c), UINT64_MAX);
    timer_mod(&t, 100);
    /* 20 ns left: 3 instructions (the third crosses the deadline). */
    ck_assert_uint_eq(clock_icount_budget(c), 3);
    clock_warp_to(c, 100);
    ck_assert_int_eq(clock_now(c), 100);
    clock_warp_to(c, 50); /* never backwards */
    ck_assert_int_eq(clock_now(c), 100);
    clock_icount_add(c, 1);
    ck_assert_int_eq(clock_now(c), 108);
    clock_free(c);
}
END_TEST

START_TEST(test_host_clock_pause)
{
    Clock *c = clock_new(CLOCK_HOST, 0);
    int64_t a = clock_now(c);
    clock_pause(c);
    int64_t b = clock_now(c);
    int64_t b2 = clock_now(c);
    ck_assert_int_ge(b, a);
    ck_assert_int_eq(b, b2); /* stopped while paused */
    clock_resume(c);
    ck_assert_int_ge(clock_now(c), b);
    clock_free(c);
}
END_TEST

Suite *suite_clock(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("timers");
    tcase_add_test(tc, test_timers_fire_in_deadline_order);
    tcase_add_test(tc, test_equal_deadlines_fire_in_arm_order);
    tcase_add_test(tc, test_timer_del_and_rearm);
    tcase_add_test(tc, test_many_timers_heap_property);
    tcase_add_test(tc, test_icount_clock);
    tcase_add_test(tc, test_host_clock_pause);
    suite_add_tcase(s, tc);
    return s;
}
