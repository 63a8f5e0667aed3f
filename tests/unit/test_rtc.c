/* The MC146818 RTC and CMOS, driven through their ports with no CPU. */
#include "tests/unit/unit.h"

#include "hw/pc/mc146818.h"
#include "tests/unit/isa_fixture.h"

#define MS 1000000LL
#define SEC 1000000000LL
/* 2024-02-28 23:59:58 UTC, a Wednesday, in a leap year. */
#define BASE_2024 1709164798LL

typedef struct RtcBench {
    IsaFixture f;
    RtcState *rtc;
} RtcBench;

static void bench_init(RtcBench *b, int64_t base)
{
    isa_fixture_init(&b->f);
    b->rtc = rtc_new(&b->f.env, RTC_BASE, fx_irq(&b->f, 8), base);
    ck_assert_ptr_nonnull(b->rtc);
    devices_reset(&b->f.devices, RESET_COLD);
}

static void bench_free(RtcBench *b) { isa_fixture_free(&b->f); }

static uint8_t rd(RtcBench *b, uint8_t index)
{
    fx_outb(&b->f, 0x70, index);
    return fx_inb(&b->f, 0x71);
}

static void wr(RtcBench *b, uint8_t index, uint8_t v)
{
    fx_outb(&b->f, 0x70, index);
    fx_outb(&b->f, 0x71, v);
}

static int irq8(RtcBench *b) { return b->f.rec.level[8]; }

START_TEST(test_calendar_bcd)
{
    RtcBench b;
    bench_init(&b, BASE_2024);
    ck_assert_int_eq(rd(&b, 0x00), 0x58);
    ck_assert_int_eq(rd(&b, 0x02), 0x59);
    ck_assert_int_eq(rd(&b, 0x04), 0x23);
    ck_assert_int_eq(rd(&b, 0x06), 4);
    ck_assert_int_eq(rd(&b, 0x07), 0x28);
    ck_assert_int_eq(rd(&b, 0x08), 0x02);
    ck_assert_int_eq(rd(&b, 0x09), 0x24);
    ck_assert_int_eq(rd(&b, 0x32), 0x20);
    ck_assert_int_eq(rd(&b, 0x0a), 0x26);
    ck_assert_int_eq(rd(&b, 0x0b), 0x02);
    ck_assert_int_eq(rd(&b, 0x0d), 0x80);
    fx_step_to(&b.f, 2 * SEC - 1);
    ck_assert_int_eq(rd(&b, 0x00), 0x59);
    fx_step_to(&b.f, 2 * SEC);
    ck_assert_int_eq(rd(&b, 0x00), 0x00);
    ck_assert_int_eq(rd(&b, 0x04), 0x00);
    ck_assert_int_eq(rd(&b, 0x07), 0x29); /* leap day */
    ck_assert_int_eq(rd(&b, 0x06), 5);
    fx_step_to(&b.f, 2 * SEC + 86400 * SEC);
    ck_assert_int_eq(rd(&b, 0x07), 0x01);
    ck_assert_int_eq(rd(&b, 0x08), 0x03);
    bench_free(&b);
}
END_TEST

START_TEST(test_binary_and_12_hour)
{
    RtcBench b;
    bench_init(&b, 13 * 3600 + 5 * 60); /* 1970-01-01 13:05:00 */
    wr(&b, 0x0b, 0x04); /* binary, 12 hour */
    ck_assert_int_eq(rd(&b, 0x04), 0x81);
    ck_assert_int_eq(rd(&b, 0x02), 5);
    ck_assert_int_eq(rd(&b, 0x09), 70);
    ck_assert_int_eq(rd(&b, 0x32), 19);
    wr(&b, 0x0b, 0x00); /* BCD, 12 hour */
    ck_assert_int_eq(rd(&b, 0x04), 0x81);
    fx_step_to(&b.f, (11 * 3600 - 5 * 60) * SEC); /* midnight */
    ck_assert_int_eq(rd(&b, 0x04), 0x12);
    fx_step_to(&b.f, (23 * 3600 - 5 * 60) * SEC); /* noon */
    ck_assert_int_eq(rd(&b, 0x04), 0x92);
    bench_free(&b);
}
END_TEST

START_TEST(test_set_bit_and_writes)
{
    RtcBench b;
    bench_init(&b, BASE_2024);
    fx_step_to(&b.f, 100 * MS);
    wr(&b, 0x0b, 0x82); /* SET */
    wr(&b, 0x00, 0x30);
    wr(&b, 0x02, 0x15);
    wr(&b, 0x04, 0x10);
    wr(&b, 0x07, 0x31); /* Jan 31 */
    wr(&b, 0x08, 0x01);
    wr(&b, 0x09, 0x99);
    fx_step_to(&b.f, 5300 * MS);
    ck_assert_int_eq(rd(&b, 0x00), 0x30); /* frozen, verbatim */
    ck_assert_int_eq(rd(&b, 0x07), 0x31);
    ck_assert_int_eq(rd(&b, 0x0a) & 0x80, 0); /* no UIP under SET */
    wr(&b, 0x0b, 0x02);
    /* The divider kept its phase: the next update is at 6 s. */
    fx_step_to(&b.f, 6 * SEC - 1);
    ck_assert_int_eq(rd(&b, 0x00), 0x30);
    fx_step_to(&b.f, 6 * SEC);
    ck_assert_int_eq(rd(&b, 0x00), 0x31);
    ck_assert_int_eq(rd(&b, 0x09), 0x99);
    ck_assert_int_eq(rd(&b, 0x32), 0x20);
    /* A write while running takes effect at once, phase kept. */
    fx_step_to(&b.f, 6500 * MS);
    wr(&b, 0x00, 0x59);
    wr(&b, 0x02, 0x59);
    wr(&b, 0x04, 0x23);
    wr(&b, 0x07, 0x31);
    wr(&b, 0x08, 0x12);
    fx_step_to(&b.f, 7 * SEC);
    ck_assert_int_eq(rd(&b, 0x09), 0x00); /* 2099 -> 2100 */
    ck_assert_int_eq(rd(&b, 0x32), 0x21);
    ck_assert_int_eq(rd(&b, 0x08), 0x01);
    bench_free(&b);
}
END_TEST

START_TEST(test_uip_window)
{
    RtcBench b;
    bench_init(&b, 0);
    fx_step_to(&b.f, 3 * SEC - 244001);
    ck_assert_int_eq(rd(&b, 0x0a) & 0x80, 0);
    fx_step_to(&b.f, 3 * SEC - 244000);
    ck_assert_int_eq(rd(&b, 0x0a) & 0x80, 0x80);
    ck_assert_int_eq(rd(&b, 0x00), 0x02);
    fx_step_to(&b.f, 3 * SEC);
    ck_assert_int_eq(rd(&b, 0x0a) & 0x80, 0);
    ck_assert_int_eq(rd(&b, 0x00), 0x03);
    bench_free(&b);
}
END_TEST

START_TEST(test_periodic_interrupt)
{
    RtcBench b;
    bench_init(&b, 0);
    wr(&b, 0x0b, 0x42); /* PIE */
    ck_assert_int_eq(irq8(&b), 0);
    /* Rate 6: 976.5625 us. */
    fx_step_to(&b.f, 976562);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, 976563);
    ck_assert_int_eq(irq8(&b), 1);
    ck_assert_int_eq(rd(&b, 0x0c), 0xc0);
    ck_assert_int_eq(irq8(&b), 0);
    ck_assert_int_eq(rd(&b, 0x0c), 0x00);
    fx_step_to(&b.f, 1953124);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, 1953125);
    ck_assert_int_eq(irq8(&b), 1);
    rd(&b, 0x0c);
    /* A second of interrupts, each acknowledged by reading C. */
    unsigned n = 0;
    for (int64_t t = 2 * MS; t <= 1002 * MS; t += 100 * 1000) {
        fx_step_to(&b.f, t);
        if (irq8(&b)) {
            n++;
            ck_assert_int_eq(rd(&b, 0x0c) & 0xc0, 0xc0);
        }
    }
    ck_assert_int_eq(n, 1024);
    /* Rate 15: 500 ms. */
    wr(&b, 0x0a, 0x2f);
    rd(&b, 0x0c);
    fx_step_to(&b.f, 1500 * MS - 1);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, 1500 * MS);
    ck_assert_int_eq(irq8(&b), 1);
    /* Rate 0 turns it off. */
    wr(&b, 0x0a, 0x20);
    rd(&b, 0x0c);
    fx_step_to(&b.f, 5 * SEC);
    ck_assert_int_eq(irq8(&b), 0);
    ck_assert_int_eq(rd(&b, 0x0c), 0x10); /* updates happened */
    bench_free(&b);
}
END_TEST

START_TEST(test_update_ended_interrupt)
{
    RtcBench b;
    bench_init(&b, 0);
    fx_step_to(&b.f, 300 * MS);
    wr(&b, 0x0a, 0x20);
    ck_assert_int_eq(rd(&b, 0x0c), 0x40); /* the periodic flag so far */
    wr(&b, 0x0b, 0x12); /* UIE */
    fx_step_to(&b.f, SEC - 1);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, SEC);
    ck_assert_int_eq(irq8(&b), 1);
    ck_assert_int_eq(rd(&b, 0x0c), 0x90);
    ck_assert_int_eq(rd(&b, 0x00), 0x01);
    fx_step_to(&b.f, 2 * SEC);
    ck_assert_int_eq(irq8(&b), 1);
    /* SET clears UIE. */
    wr(&b, 0x0b, 0x92);
    ck_assert_int_eq(rd(&b, 0x0b), 0x82);
    bench_free(&b);
}
END_TEST

START_TEST(test_alarm_interrupt)
{
    RtcBench b;
    bench_init(&b, 10 * 3600 + 20 * 60 + 30); /* 10:20:30 */
    wr(&b, 0x0a, 0x20);
    wr(&b, 0x01, 0x33);
    wr(&b, 0x03, 0x20);
    wr(&b, 0x05, 0x10);
    wr(&b, 0x0b, 0x22); /* AIE */
    fx_step_to(&b.f, 3 * SEC - 1);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, 3 * SEC);
    ck_assert_int_eq(irq8(&b), 1);
    ck_assert_int_eq(rd(&b, 0x0c), 0xb0);
    /* Don't-care hours and minutes: once a minute, at :00. */
    wr(&b, 0x01, 0x00);
    wr(&b, 0x03, 0xc0);
    wr(&b, 0x05, 0xff);
    fx_step_to(&b.f, 30 * SEC - 1);
    ck_assert_int_eq(irq8(&b), 0);
    fx_step_to(&b.f, 30 * SEC);
    ck_assert_int_eq(irq8(&b), 1);
    ck_assert_int_eq(rd(&b, 0x00), 0x00);
    rd(&b, 0x0c);
    /* Flags set while the interrupt is off show in C, without IRQF. */
    wr(&b, 0x0b, 0x02);
    fx_step_to(&b.f, 200 * SEC);
    ck_assert_int_eq(irq8(&b), 0);
    ck_assert_int_eq(rd(&b, 0x0c), 0x30);
    /* Long unread stretches still see the alarm. */
    wr(&b, 0x05, 0x03);
    wr(&b, 0x03, 0x00);
    fx_step_to(&b.f, 3 * 86400 * SEC);
    ck_assert_int_eq(rd(&b, 0x0c), 0x30);
    ck_assert_int_eq(rd(&b, 0x0c), 0x00);
    bench_free(&b);
}
END_TEST

START_TEST(test_divider_reset)
{
    RtcBench b;
    bench_init(&b, 0);
    fx_step_to(&b.f, 1200 * MS);
    wr(&b, 0x0a, 0x66); /* divider in reset */
    fx_step_to(&b.f, 10 * SEC);
    ck_assert_int_eq(rd(&b, 0x00), 0x01);
    wr(&b, 0x0a, 0x26);
    fx_step_to(&b.f, 10500 * MS - 1);
    ck_assert_int_eq(rd(&b, 0x00), 0x01);
    fx_step_to(&b.f, 10500 * MS);
    ck_assert_int_eq(rd(&b, 0x00), 0x02);
    bench_free(&b);
}
END_TEST

START_TEST(test_cmos_ram_and_nmi)
{
    RtcBench b;
    bench_init(&b, 0);
    ck_assert(!rtc_nmi_disabled(b.rtc));
    fx_outb(&b.f, 0x70, 0x80 | 0x40);
    ck_assert(rtc_nmi_disabled(b.rtc));
    fx_outb(&b.f, 0x71, 0x55);
    ck_assert_int_eq(fx_inb(&b.f, 0x71), 0x55);
    ck_assert_int_eq(rtc_cmos_get(b.rtc, 0x40), 0x55);
    fx_outb(&b.f, 0x70, 0x40);
    ck_assert(!rtc_nmi_disabled(b.rtc));
    fx_outb(&b.f, 0x72, 0x10);
    fx_outb(&b.f, 0x73, 0xaa);
    ck_assert_int_eq(fx_inb(&b.f, 0x73), 0xaa);
    ck_assert_int_eq(rtc_cmos_get(b.rtc, 0x90), 0xaa);
    ck_assert_int_eq(rtc_cmos_get(b.rtc, 0x10), 0x00);
    /* The AT checksum over 0x10-0x2d follows board writes. */
    rtc_cmos_set(b.rtc, 0x15, 0x80);
    rtc_cmos_set(b.rtc, 0x16, 0x02);
    rtc_cmos_set(b.rtc, 0x2d, 0xff);
    ck_assert_int_eq(rd(&b, 0x2e), 0x01);
    ck_assert_int_eq(rd(&b, 0x2f), 0x81);
    /* A warm reset keeps RAM and time, clears the enables. */
    wr(&b, 0x0b, 0x72);
    devices_reset(&b.f.devices, RESET_WARM);
    ck_assert_int_eq(rd(&b, 0x0b), 0x02);
    ck_assert_int_eq(rd(&b, 0x40), 0x55);
    bench_free(&b);
}
END_TEST

START_TEST(test_parse_base)
{
    char err[128];
    int64_t sec;
    ck_assert_int_eq(rtc_parse_base("2000-01-01T00:00:00", 5, &sec, err,
                                    sizeof(err)), 0);
    ck_assert_int_eq(sec, 946684800LL);
    ck_assert_int_eq(rtc_parse_base("2024-02-28T23:59:58", 5, &sec, err,
                                    sizeof(err)), 0);
    ck_assert_int_eq(sec, BASE_2024);
    ck_assert_int_eq(rtc_parse_base("2006-06-17", 5, &sec, err, sizeof(err)),
                     0);
    ck_assert_int_eq(sec, 1150502400LL);
    ck_assert_int_eq(rtc_parse_base(NULL, 5, &sec, err, sizeof(err)), 0);
    ck_assert_int_eq(sec, 5);
    ck_assert_int_eq(rtc_parse_base("utc", 7, &sec, err, sizeof(err)), 0);
    ck_assert_int_eq(sec, 7);
    ck_assert_int_eq(rtc_parse_base("localtime", 7, &sec, err, sizeof(err)),
                     0);
    ck_assert_int_eq(rtc_parse_base("2000-13-01", 5, &sec, err, sizeof(err)),
                     -1);
    ck_assert_int_eq(rtc_parse_base("2000-01-01T25:00:00", 5, &sec, err,
                                    sizeof(err)), -1);
}
END_TEST

START_TEST(test_random_writes_do_not_crash)
{
    RtcBench b;
    bench_init(&b, BASE_2024);
    uint64_t seed = 0x146818;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = fx_rand(&seed);
        switch (r % 5) {
        case 0:
        case 1:
            fx_outb(&b.f, 0x70 + ((r >> 8) & 3), r >> 16);
            break;
        case 2:
            fx_inb(&b.f, 0x70 + ((r >> 8) & 3));
            break;
        case 3:
            wr(&b, (r >> 8) & 0x0f, r >> 16);
            break;
        default:
            clock_step(b.f.clock, (int64_t)(r >> 8) * 1000);
            break;
        }
    }
    bench_free(&b);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    RtcBench a, b;
    bench_init(&a, BASE_2024);
    bench_init(&b, 0);
    wr(&a, 0x0a, 0x2a); /* 64 Hz */
    wr(&a, 0x0b, 0x62); /* PIE + AIE */
    wr(&a, 0x01, 0x05);
    wr(&a, 0x03, 0xc0);
    wr(&a, 0x05, 0xc0);
    rtc_cmos_set(a.rtc, 0x20, 0x42);
    fx_step_to(&a.f, 1234567890);
    fx_step_to(&b.f, fx_now(&a.f));
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "mc146818"), 0);
    ck_assert_int_eq(irq8(&b), irq8(&a));
    unsigned ra = a.f.rec.raised[8], rb = b.f.rec.raised[8];
    for (int i = 0; i < 400; i++) {
        int64_t t = fx_now(&a.f) + 7 * MS + 3;
        fx_step_to(&a.f, t);
        fx_step_to(&b.f, t);
        ck_assert_int_eq(rd(&b, 0x0c), rd(&a, 0x0c));
        ck_assert_int_eq(rd(&b, 0x00), rd(&a, 0x00));
    }
    ck_assert_int_eq(b.f.rec.raised[8] - rb, a.f.rec.raised[8] - ra);
    ck_assert_int_eq(rd(&b, 0x07), 0x29);
    ck_assert_int_eq(rtc_cmos_get(b.rtc, 0x20), 0x42);
    bench_free(&a);
    bench_free(&b);
}
END_TEST

Suite *suite_rtc(void)
{
    Suite *s = suite_create("rtc");
    TCase *tc = tcase_create("rtc");
    tcase_add_test(tc, test_calendar_bcd);
    tcase_add_test(tc, test_binary_and_12_hour);
    tcase_add_test(tc, test_set_bit_and_writes);
    tcase_add_test(tc, test_uip_window);
    tcase_add_test(tc, test_periodic_interrupt);
    tcase_add_test(tc, test_update_ended_interrupt);
    tcase_add_test(tc, test_alarm_interrupt);
    tcase_add_test(tc, test_divider_reset);
    tcase_add_test(tc, test_cmos_ram_and_nmi);
    tcase_add_test(tc, test_parse_base);
    tcase_add_test(tc, test_random_writes_do_not_crash);
    tcase_add_test(tc, test_snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
