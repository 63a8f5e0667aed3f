/* Interrupt lines, fan-out, recorder. */
#include "tests/unit/unit.h"

#include "core/irq.h"

START_TEST(test_unconnected_line_is_safe)
{
    IrqLine none = {0};
    ck_assert(!irq_connected(none));
    irq_raise(none);
    irq_pulse(none);
    irq_lower(none);
}
END_TEST

START_TEST(test_recorder_levels_and_edges)
{
    IrqRecorder r = {0};
    IrqLine l = irq_recorder_line(&r, 5);
    ck_assert(irq_connected(l));
    irq_raise(l);
    irq_raise(l); /* still high: not a new edge */
    ck_assert_int_eq(r.level[5], 1);
    ck_assert_uint_eq(r.raised[5], 1);
    irq_lower(l);
    ck_assert_int_eq(r.level[5], 0);
    irq_pulse(l);
    ck_assert_uint_eq(r.raised[5], 2);
    ck_assert_int_eq(r.level[5], 0);
    ck_assert_uint_eq(r.raised[4], 0);
}
END_TEST

START_TEST(test_fanout_drives_all)
{
    IrqRecorder pic = {0}, ioapic = {0};
    IrqFanout f = {0};
    irq_fanout_add(&f, irq_recorder_line(&pic, 0));
    IrqLine in = irq_fanout_add(&f, irq_recorder_line(&ioapic, 2));
    irq_raise(in);
    ck_assert_int_eq(pic.level[0], 1);
    ck_assert_int_eq(ioapic.level[2], 1);
    irq_lower(in);
    ck_assert_int_eq(pic.level[0], 0);
    ck_assert_int_eq(ioapic.level[2], 0);
    ck_assert_uint_eq(pic.raised[0], 1);
}
END_TEST

Suite *suite_irq(void)
{
    Suite *s = suite_create("irq");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, test_unconnected_line_is_safe);
    tcase_add_test(tc, test_recorder_levels_and_edges);
    tcase_add_test(tc, test_fanout_drives_all);
    suite_add_tcase(s, tc);
    return s;
}
