/* The 8254 PIT and port 0x61, driven through their ports with no CPU,
 * on a manual clock: every OUT change is checked to the nanosecond. */
#include "tests/unit/unit.h"

#include "hw/pc/i8254.h"
#include "hw/pc/port61.h"
#include "tests/unit/isa_fixture.h"

typedef struct PitBench {
    IsaFixture f;
    PitState *pit;
} PitBench;

static void bench_init(PitBench *b)
{
    isa_fixture_init(&b->f);
    b->pit = pit_new(&b->f.env, PIT_BASE, fx_irq(&b->f, 0));
    ck_assert_ptr_nonnull(b->pit);
    ck_assert_ptr_nonnull(port61_new(&b->f.env, PORT61_BASE, b->pit));
    devices_reset(&b->f.devices, RESET_COLD);
    fx_step_to(&b->f, 1000); /* start away from time zero */
}

static void bench_free(PitBench *b) { isa_fixture_free(&b->f); }

/* The first ns at which @t PIT ticks have passed. */
static int64_t tns(uint64_t t)
{
    return (int64_t)(((unsigned __int128)t * 1000000000ULL + PIT_FREQ_HZ -
                      1) / PIT_FREQ_HZ);
}

static int out0(PitBench *b) { return b->f.rec.level[0]; }

static void program(PitBench *b, int ch, uint8_t control, uint16_t count)
{
    fx_outb(&b->f, 0x43, control);
    fx_outb(&b->f, 0x40 + ch, count & 0xff);
    fx_outb(&b->f, 0x40 + ch, count >> 8);
}

static uint16_t latch_read(PitBench *b, int ch)
{
    fx_outb(&b->f, 0x43, ch << 6);
    uint16_t v = fx_inb(&b->f, 0x40 + ch);
    return v | fx_inb(&b->f, 0x40 + ch) << 8;
}

/* OUT is @before just before @t ns after @t0 and @after at it. */
static void expect_edge(PitBench *b, int64_t t0, int64_t t, int before,
                        int after)
{
    fx_step_to(&b->f, t0 + t - 1);
    ck_assert_int_eq(out0(b), before);
    fx_step_to(&b->f, t0 + t);
    ck_assert_int_eq(out0(b), after);
}

START_TEST(test_mode0_interrupt_on_terminal_count)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x30, 100);
    ck_assert_int_eq(out0(&b), 0);
    fx_step_to(&b.f, t0 + tns(50));
    ck_assert_int_eq(latch_read(&b, 0), 50);
    expect_edge(&b, t0, tns(100), 0, 1);
    /* It stays high and the count wraps through zero. */
    fx_step_to(&b.f, t0 + tns(102));
    ck_assert_int_eq(latch_read(&b, 0), 0xfffe);
    fx_step_to(&b.f, t0 + tns(70000));
    ck_assert_int_eq(out0(&b), 1);
    /* Writing the first byte of a new count stops it, OUT low. */
    fx_outb(&b.f, 0x40, 10);
    ck_assert_int_eq(out0(&b), 0);
    int64_t t1 = fx_now(&b.f);
    fx_outb(&b.f, 0x40, 0);
    expect_edge(&b, t1, tns(10), 0, 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode1_retriggerable_one_shot)
{
    PitBench b;
    bench_init(&b);
    pit_set_gate(b.pit, 0, false);
    program(&b, 0, 0x32, 50);
    ck_assert_int_eq(out0(&b), 1);
    fx_step_to(&b.f, fx_now(&b.f) + tns(100));
    ck_assert_int_eq(out0(&b), 1); /* waits for a trigger */
    int64_t t1 = fx_now(&b.f);
    pit_set_gate(b.pit, 0, true);
    ck_assert_int_eq(out0(&b), 0);
    expect_edge(&b, t1, tns(50), 0, 1);
    /* Retrigger part way: the pulse stretches. */
    int64_t t2 = fx_now(&b.f);
    pit_set_gate(b.pit, 0, false);
    pit_set_gate(b.pit, 0, true);
    fx_step_to(&b.f, t2 + tns(20));
    pit_set_gate(b.pit, 0, false);
    int64_t t3 = fx_now(&b.f);
    pit_set_gate(b.pit, 0, true);
    expect_edge(&b, t3, tns(50), 0, 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode2_rate_generator)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x34, 10);
    ck_assert_int_eq(out0(&b), 1);
    unsigned r0 = b.f.rec.raised[0];
    expect_edge(&b, t0, tns(9), 1, 0);
    expect_edge(&b, t0, tns(10), 0, 1);
    expect_edge(&b, t0, tns(19), 1, 0);
    expect_edge(&b, t0, tns(20), 0, 1);
    fx_step_to(&b.f, t0 + tns(1000));
    ck_assert_int_eq(b.f.rec.raised[0] - r0, 100);
    fx_step_to(&b.f, t0 + tns(1003));
    ck_assert_int_eq(latch_read(&b, 0), 7);
    bench_free(&b);
}
END_TEST

/* On the host clock the main loop runs the PIT's timer late, often after
 * the one-tick low pulse of mode 2 is over: the line must still see it
 * (one pulse however late; missed periods are not replayed), and the
 * counter keeps its phase. */
START_TEST(test_mode2_pulse_seen_when_the_timer_runs_late)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x34, 10);
    unsigned r0 = b.f.rec.raised[0];
    clock_warp_to(b.f.clock, t0 + tns(10) + 100);   /* after the pulse */
    clock_run_expired(b.f.clock);
    ck_assert_uint_eq(b.f.rec.raised[0] - r0, 1);
    ck_assert_int_eq(out0(&b), 1);
    clock_warp_to(b.f.clock, t0 + tns(55));          /* 4.5 periods late */
    clock_run_expired(b.f.clock);
    ck_assert_uint_eq(b.f.rec.raised[0] - r0, 2);
    ck_assert_int_eq(out0(&b), 1);
    expect_edge(&b, t0, tns(59), 1, 0);
    expect_edge(&b, t0, tns(60), 0, 1);
    ck_assert_uint_eq(b.f.rec.raised[0] - r0, 3);
    /* Late in the middle of the pulse: it goes low, then high on time. */
    clock_warp_to(b.f.clock, t0 + tns(69) + 300);
    clock_run_expired(b.f.clock);
    ck_assert_int_eq(out0(&b), 0);
    expect_edge(&b, t0, tns(70), 0, 1);
    ck_assert_uint_eq(b.f.rec.raised[0] - r0, 4);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode2_new_count_waits_for_period_end)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x34, 100);
    fx_step_to(&b.f, t0 + tns(30));
    fx_outb(&b.f, 0x40, 50);
    fx_outb(&b.f, 0x40, 0);
    fx_outb(&b.f, 0x43, 0xe2); /* read back the status: null count */
    ck_assert_int_eq(fx_inb(&b.f, 0x40) & 0x40, 0x40);
    expect_edge(&b, t0, tns(99), 1, 0);
    expect_edge(&b, t0, tns(100), 0, 1);
    expect_edge(&b, t0, tns(149), 1, 0);
    expect_edge(&b, t0, tns(150), 0, 1);
    expect_edge(&b, t0, tns(199), 1, 0);
    fx_outb(&b.f, 0x43, 0xe2);
    ck_assert_int_eq(fx_inb(&b.f, 0x40) & 0x40, 0);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode3_square_wave)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x36, 10);
    expect_edge(&b, t0, tns(5), 1, 0);
    expect_edge(&b, t0, tns(10), 0, 1);
    expect_edge(&b, t0, tns(15), 1, 0);
    /* Odd counts: high one tick longer than low. */
    int64_t t1 = fx_now(&b.f);
    program(&b, 0, 0x36, 9);
    ck_assert_int_eq(out0(&b), 1);
    expect_edge(&b, t1, tns(5), 1, 0);
    expect_edge(&b, t1, tns(9), 0, 1);
    expect_edge(&b, t1, tns(14), 1, 0);
    /* The count goes down by two. */
    fx_step_to(&b.f, t1 + tns(19));
    ck_assert_int_eq(latch_read(&b, 0), 6);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode4_software_strobe)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x38, 10);
    ck_assert_int_eq(out0(&b), 1);
    unsigned r0 = b.f.rec.raised[0];
    expect_edge(&b, t0, tns(10), 1, 0);
    expect_edge(&b, t0, tns(11), 0, 1);
    fx_step_to(&b.f, t0 + tns(70000));
    ck_assert_int_eq(b.f.rec.raised[0] - r0, 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_mode5_hardware_strobe)
{
    PitBench b;
    bench_init(&b);
    pit_set_gate(b.pit, 0, false);
    program(&b, 0, 0x3a, 10);
    fx_step_to(&b.f, fx_now(&b.f) + tns(50));
    ck_assert_int_eq(out0(&b), 1);
    int64_t t1 = fx_now(&b.f);
    pit_set_gate(b.pit, 0, true);
    expect_edge(&b, t1, tns(10), 1, 0);
    expect_edge(&b, t1, tns(11), 0, 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_gate_and_port61)
{
    PitBench b;
    bench_init(&b);
    /* Counter 2, mode 2: GATE low holds it and keeps OUT high. */
    program(&b, 2, 0xb4, 10);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x20, 0x20);
    fx_outb(&b.f, 0x61, 0x03); /* gate 2 on, speaker data on */
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x0f, 0x03);
    int64_t t1 = fx_now(&b.f);
    fx_step_to(&b.f, t1 + tns(9));
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x20, 0);
    ck_assert(!pit_get_out(b.pit, 2));
    fx_outb(&b.f, 0x61, 0x02); /* gate off: OUT high, count held */
    ck_assert(pit_get_out(b.pit, 2));
    fx_step_to(&b.f, t1 + tns(100));
    ck_assert_int_eq(latch_read(&b, 2), 1);
    fx_outb(&b.f, 0x61, 0x03); /* rising gate reloads */
    ck_assert_int_eq(latch_read(&b, 2), 10);

    /* Mode 0 on counter 2: the classic calibration loop. */
    program(&b, 2, 0xb0, 100);
    int64_t t2 = fx_now(&b.f);
    fx_step_to(&b.f, t2 + tns(100) - 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x20, 0);
    fx_step_to(&b.f, t2 + tns(100));
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x20, 0x20);
    /* Mode 0 pauses with the gate. */
    program(&b, 2, 0xb0, 100);
    int64_t t3 = fx_now(&b.f);
    fx_step_to(&b.f, t3 + tns(40));
    fx_outb(&b.f, 0x61, 0x00);
    fx_step_to(&b.f, t3 + tns(500));
    ck_assert_int_eq(latch_read(&b, 2), 60);
    bench_free(&b);
}
END_TEST

START_TEST(test_refresh_toggle)
{
    PitBench b;
    bench_init(&b);
    fx_step_to(&b.f, 15085 - 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x10, 0x00);
    fx_step_to(&b.f, 15085);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x10, 0x10);
    fx_step_to(&b.f, 2 * 15085);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x10, 0x00);
    fx_outb(&b.f, 0x61, 0xff);
    ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0xcf, 0x0f);
    bench_free(&b);
}
END_TEST

START_TEST(test_bcd)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x31, 0x1234);
    fx_step_to(&b.f, t0 + tns(34));
    ck_assert_int_eq(latch_read(&b, 0), 0x1200);
    fx_step_to(&b.f, t0 + tns(1235));
    ck_assert_int_eq(latch_read(&b, 0), 0x9999); /* wraps in decimal */
    /* Zero means 10000 in BCD. */
    int64_t t1 = fx_now(&b.f);
    program(&b, 0, 0x31, 0);
    ck_assert_int_eq(latch_read(&b, 0), 0x0000);
    fx_step_to(&b.f, t1 + tns(1));
    ck_assert_int_eq(latch_read(&b, 0), 0x9999);
    expect_edge(&b, t1, tns(10000), 0, 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_latch_holds_value)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    program(&b, 0, 0x34, 1000);
    fx_step_to(&b.f, t0 + tns(100));
    fx_outb(&b.f, 0x43, 0x00);
    fx_step_to(&b.f, t0 + tns(300));
    fx_outb(&b.f, 0x43, 0x00); /* ignored: the latch is full */
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 900 & 0xff);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 900 >> 8);
    /* Unlatched word reads alternate LSB, MSB of the live count. */
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 700 & 0xff);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 700 >> 8);
    bench_free(&b);
}
END_TEST

START_TEST(test_read_back)
{
    PitBench b;
    bench_init(&b);
    fx_outb(&b.f, 0x43, 0x34);
    fx_outb(&b.f, 0x43, 0xe2); /* status of counter 0 */
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x80 | 0x40 | 0x34);
    int64_t t0 = fx_now(&b.f);
    fx_outb(&b.f, 0x40, 0x00);
    fx_outb(&b.f, 0x40, 0x10);
    fx_step_to(&b.f, t0 + tns(0x100));
    fx_outb(&b.f, 0x43, 0xc2); /* count and status */
    fx_step_to(&b.f, t0 + tns(0x200));
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x80 | 0x34);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x00);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x0f);
    /* Counters 1 and 2 at once, count only. */
    program(&b, 1, 0x74, 0x4321);
    program(&b, 2, 0xb4, 0x1111);
    fx_outb(&b.f, 0x43, 0xd6);
    ck_assert_int_eq(fx_inb(&b.f, 0x41), 0x21);
    ck_assert_int_eq(fx_inb(&b.f, 0x41), 0x43);
    ck_assert_int_eq(fx_inb(&b.f, 0x42), 0x11);
    ck_assert_int_eq(fx_inb(&b.f, 0x42), 0x11);
    bench_free(&b);
}
END_TEST

START_TEST(test_lsb_msb_only)
{
    PitBench b;
    bench_init(&b);
    int64_t t0 = fx_now(&b.f);
    fx_outb(&b.f, 0x43, 0x14); /* LSB only, mode 2 */
    fx_outb(&b.f, 0x40, 0x10);
    expect_edge(&b, t0, tns(16), 0, 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x10);
    int64_t t1 = fx_now(&b.f);
    fx_outb(&b.f, 0x43, 0x24); /* MSB only */
    fx_outb(&b.f, 0x40, 0x01);
    expect_edge(&b, t1, tns(255), 1, 0);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x00);
    expect_edge(&b, t1, tns(256), 0, 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x40), 0x01);
    bench_free(&b);
}
END_TEST

START_TEST(test_random_writes_do_not_crash)
{
    PitBench b;
    bench_init(&b);
    uint64_t seed = 0x8254;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = fx_rand(&seed);
        switch (r % 6) {
        case 0:
        case 1:
            fx_outb(&b.f, 0x40 + ((r >> 8) & 3), r >> 16);
            break;
        case 2:
            fx_inb(&b.f, 0x40 + ((r >> 8) & 3));
            break;
        case 3:
            fx_outb(&b.f, 0x61, r >> 8);
            fx_inb(&b.f, 0x61);
            break;
        case 4:
            pit_set_gate(b.pit, (r >> 8) % 3, (r >> 16) & 1);
            break;
        default:
            clock_step(b.f.clock, (r >> 8) & 0xffff);
            break;
        }
    }
    bench_free(&b);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    PitBench a, b;
    bench_init(&a);
    bench_init(&b);
    int64_t t0 = fx_now(&a.f);
    program(&a, 0, 0x34, 1000);
    program(&a, 2, 0xb6, 77);
    fx_outb(&a.f, 0x61, 0x01);
    fx_step_to(&a.f, t0 + tns(123456) + 17);
    fx_outb(&a.f, 0x43, 0x00); /* a full latch travels too */
    fx_step_to(&b.f, fx_now(&a.f));
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "i8254"), 0);
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "port61"), 0);
    ck_assert_int_eq(b.f.rec.level[0], a.f.rec.level[0]);
    unsigned ra = a.f.rec.raised[0], rb = b.f.rec.raised[0];
    ck_assert_int_eq(latch_read(&b, 0), latch_read(&a, 0));
    for (int i = 1; i <= 50; i++) {
        int64_t t = t0 + tns(123456 + 97 * i);
        fx_step_to(&a.f, t);
        fx_step_to(&b.f, t);
        ck_assert_int_eq(b.f.rec.level[0], a.f.rec.level[0]);
        ck_assert_int_eq(fx_inb(&b.f, 0x61) & 0x20,
                         fx_inb(&a.f, 0x61) & 0x20);
    }
    ck_assert_int_eq(b.f.rec.raised[0] - rb, a.f.rec.raised[0] - ra);
    ck_assert_int_eq(latch_read(&b, 0), latch_read(&a, 0));
    ck_assert_int_eq(latch_read(&b, 2), latch_read(&a, 2));
    bench_free(&a);
    bench_free(&b);
}
END_TEST

Suite *suite_pit(void)
{
    Suite *s = suite_create("pit");
    TCase *tc = tcase_create("pit");
    tcase_add_test(tc, test_mode0_interrupt_on_terminal_count);
    tcase_add_test(tc, test_mode1_retriggerable_one_shot);
    tcase_add_test(tc, test_mode2_rate_generator);
    tcase_add_test(tc, test_mode2_pulse_seen_when_the_timer_runs_late);
    tcase_add_test(tc, test_mode2_new_count_waits_for_period_end);
    tcase_add_test(tc, test_mode3_square_wave);
    tcase_add_test(tc, test_mode4_software_strobe);
    tcase_add_test(tc, test_mode5_hardware_strobe);
    tcase_add_test(tc, test_gate_and_port61);
    tcase_add_test(tc, test_refresh_toggle);
    tcase_add_test(tc, test_bcd);
    tcase_add_test(tc, test_latch_holds_value);
    tcase_add_test(tc, test_read_back);
    tcase_add_test(tc, test_lsb_msb_only);
    tcase_add_test(tc, test_random_writes_do_not_crash);
    tcase_add_test(tc, test_snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
