/* The HPET: counter rate, one-shot and periodic comparators, 32-bit mode,
 * level interrupts, legacy replacement, state save/load. */
#include "hw/pc/hpet.h"
#include "tests/unit/chipset_fixture.h"

#define BASE HPET_DEFAULT_BASE

typedef struct Fixture {
    TestBoard *t;
    Hpet *h;
    IrqRecorder rec; /* 0-23: IOAPIC pins, 24: IRQ0, 25: IRQ8, 26: legacy */
} Fixture;

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(0);
    IrqLine pins[24];
    for (int i = 0; i < 24; i++) {
        pins[i] = irq_recorder_line(&f->rec, i);
    }
    f->h = hpet_new(f->t->m, BASE, pins, irq_recorder_line(&f->rec, 24),
                    irq_recorder_line(&f->rec, 25),
                    irq_recorder_line(&f->rec, 26));
    ck_assert_ptr_nonnull(f->h);
    machine_reset(f->t->m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

static uint64_t rq(Fixture *f, uint64_t off) { return readq(f->t, BASE + off); }
static uint32_t rl(Fixture *f, uint64_t off) { return readl(f->t, BASE + off); }
static void wq(Fixture *f, uint64_t off, uint64_t v)
{
    writeq(f->t, BASE + off, v);
}
static void wl(Fixture *f, uint64_t off, uint32_t v)
{
    writel(f->t, BASE + off, v);
}

static void step(Fixture *f, int64_t ns) { clock_step(f->t->m->clock, ns); }

#define TCFG(n) (0x100 + 0x20 * (n))
#define TCMP(n) (0x108 + 0x20 * (n))
#define ROUTE(pin) ((uint64_t)(pin) << 9)

START_TEST(test_capabilities_and_counter)
{
    Fixture *f = fixture_new();
    uint64_t cap = rq(f, 0);
    ck_assert_uint_eq(cap & 0xff, 1);                 /* revision */
    ck_assert_uint_eq((cap >> 8) & 0x1f, 2);          /* 3 timers */
    ck_assert(cap & (1 << 13));                       /* 64-bit counter */
    ck_assert(cap & (1 << 15));                       /* legacy capable */
    ck_assert_uint_eq((cap >> 16) & 0xffff, 0x8086);
    ck_assert_uint_eq(cap >> 32, 10000000);           /* 10 ns in fs */
    ck_assert_uint_eq(rl(f, 0x4), 10000000);          /* high half alone */
    ck_assert_uint_eq(rq(f, TCFG(0)) >> 32, 0x00f00000);
    /* Stopped: the counter does not move. */
    step(f, 1000);
    ck_assert_uint_eq(rq(f, 0xf0), 0);
    wq(f, 0x10, 1);
    step(f, 1000);
    ck_assert_uint_eq(rq(f, 0xf0), 100);              /* 100 MHz */
    step(f, 55);
    ck_assert_uint_eq(rq(f, 0xf0), 105);
    /* Stopping keeps the value; writing sets it. */
    wq(f, 0x10, 0);
    step(f, 1000);
    ck_assert_uint_eq(rq(f, 0xf0), 105);
    wq(f, 0xf0, 0xfffffff0ULL);
    wq(f, 0x10, 1);
    step(f, 200);
    ck_assert_uint_eq(rq(f, 0xf0), 0x100000004ULL);   /* 64-bit carry */
    ck_assert_uint_eq(rl(f, 0xf4), 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_one_shot_edge)
{
    Fixture *f = fixture_new();
    wq(f, TCFG(2), (1 << 2) | ROUTE(21));             /* edge, enabled */
    wq(f, TCMP(2), 500);
    wq(f, 0x10, 1);
    step(f, 4990);
    ck_assert_uint_eq(f->rec.raised[21], 0);
    step(f, 10);                                      /* counter = 500 */
    ck_assert_uint_eq(f->rec.raised[21], 1);
    ck_assert_int_eq(f->rec.level[21], 0);            /* a pulse */
    step(f, 100000);
    ck_assert_uint_eq(f->rec.raised[21], 1);          /* one-shot */
    /* A route outside the capability mask is not connected. */
    wq(f, TCFG(2), (1 << 2) | ROUTE(5));
    wq(f, TCMP(2), rq(f, 0xf0) + 10);
    step(f, 1000);
    ck_assert_uint_eq(f->rec.raised[5], 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_periodic_and_catch_up)
{
    Fixture *f = fixture_new();
    /* Periodic: VAL_SET writes the accumulator, then the period. */
    wq(f, TCFG(1), (1 << 2) | (1 << 3) | (1 << 6) | ROUTE(22));
    wq(f, TCMP(1), 1000);
    wq(f, TCMP(1), 1000);
    wq(f, 0x10, 1);
    step(f, 10000 * 3);                               /* 3000 ticks */
    ck_assert_uint_eq(f->rec.raised[22], 3);
    ck_assert_uint_eq(rq(f, TCMP(1)), 4000);
    /* A long jump of time fires once and lands the comparator ahead. */
    step(f, 10 * 1000000 + 5);
    uint64_t cmp = rq(f, TCMP(1));
    uint64_t now = rq(f, 0xf0);
    ck_assert_uint_gt(cmp, now);
    ck_assert_uint_le(cmp - now, 1000);
    fixture_free(f);
}
END_TEST

START_TEST(test_32bit_mode)
{
    Fixture *f = fixture_new();
    wq(f, 0xf0, 0xffffff00ULL);
    wq(f, TCFG(0), (1 << 2) | (1 << 8) | ROUTE(20));  /* 32-bit */
    wq(f, TCMP(0), 0x100000010ULL);                   /* truncated */
    ck_assert_uint_eq(rq(f, TCMP(0)), 0x10);
    wq(f, 0x10, 1);
    step(f, 10 * 0x10f);
    ck_assert_uint_eq(f->rec.raised[20], 0);
    step(f, 10);                                      /* low 32 bits = 0x10 */
    ck_assert_uint_eq(f->rec.raised[20], 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_level_status)
{
    Fixture *f = fixture_new();
    wq(f, TCFG(0), (1 << 1) | (1 << 2) | ROUTE(23));  /* level */
    wq(f, TCMP(0), 10);
    wq(f, 0x10, 1);
    step(f, 100);
    ck_assert_int_eq(f->rec.level[23], 1);
    ck_assert_uint_eq(rq(f, 0x20), 1);
    wq(f, 0x20, 2);                                   /* other bit: no-op */
    ck_assert_int_eq(f->rec.level[23], 1);
    wq(f, 0x20, 1);
    ck_assert_int_eq(f->rec.level[23], 0);
    ck_assert_uint_eq(rq(f, 0x20), 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_legacy_replacement)
{
    Fixture *f = fixture_new();
    ck_assert_int_eq(f->rec.level[26], 0);
    wq(f, TCFG(0), (1 << 2) | (1 << 3) | (1 << 6) | ROUTE(20));
    wq(f, TCMP(0), 100);
    wq(f, TCMP(0), 100);
    wq(f, TCFG(1), (1 << 2) | ROUTE(21));
    wq(f, TCMP(1), 150);
    wq(f, 0x10, 3);                                   /* enable + legacy */
    ck_assert_int_eq(f->rec.level[26], 1);
    step(f, 2000);
    ck_assert_uint_eq(f->rec.raised[24], 2);          /* timer 0 -> IRQ0 */
    ck_assert_uint_eq(f->rec.raised[25], 1);          /* timer 1 -> IRQ8 */
    ck_assert_uint_eq(f->rec.raised[20], 0);
    ck_assert_uint_eq(f->rec.raised[21], 0);
    wq(f, 0x10, 1);
    ck_assert_int_eq(f->rec.level[26], 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_save_load_and_fuzz)
{
    Fixture *f = fixture_new();
    wq(f, TCFG(0), (1 << 2) | (1 << 3) | (1 << 6) | ROUTE(20));
    wq(f, TCMP(0), 300);
    wq(f, TCMP(0), 300);
    wq(f, 0x10, 1);
    step(f, 1000);
    Device *d = device_find(&f->t->m->devices, "hpet");
    SnapBuf buf = {0};
    ck_assert_int_eq(device_save(d, &buf), 0);
    Fixture *g = fixture_new();
    /* Same virtual time in the target, as a migration would have. */
    step(g, 1000);
    Device *dg = device_find(&g->t->m->devices, "hpet");
    ck_assert_int_eq(device_load(dg, &buf), 0);
    step(f, 3000);
    step(g, 3000);
    ck_assert_uint_eq(rq(f, 0xf0), rq(g, 0xf0));
    /* Both fired once, at tick 300, and agree on the comparator. */
    ck_assert_uint_eq(f->rec.raised[20], 1);
    ck_assert_uint_eq(g->rec.raised[20], 1);
    ck_assert_uint_eq(rq(f, TCMP(0)), rq(g, TCMP(0)));
    snapbuf_free(&buf);
    /* Random writes must not crash (ASan watches). */
    uint32_t seed = 99;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        uint64_t off = (seed >> 8) % 0x400 & ~3ULL;
        seed = seed * 1103515245 + 12345;
        wl(g, off, seed);
        if (i % 64 == 0) {
            step(g, seed % 100000);
        }
    }
    fixture_free(f);
    fixture_free(g);
}
END_TEST

Suite *suite_hpet(void)
{
    Suite *s = suite_create("hpet");
    TCase *tc = tcase_create("hpet");
    tcase_add_test(tc, test_capabilities_and_counter);
    tcase_add_test(tc, test_one_shot_edge);
    tcase_add_test(tc, test_periodic_and_catch_up);
    tcase_add_test(tc, test_32bit_mode);
    tcase_add_test(tc, test_level_status);
    tcase_add_test(tc, test_legacy_replacement);
    tcase_add_test(tc, test_save_load_and_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
