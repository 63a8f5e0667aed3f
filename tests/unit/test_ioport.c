/* The I/O port bus. */
#include "tests/unit/unit.h"

#include "core/ioport.h"

typedef struct PortDev {
    uint8_t regs[16];
    int reads, writes;
    uint64_t last_off;
    unsigned last_size;
} PortDev;

static uint64_t pd_read(void *opaque, uint64_t off, unsigned size)
{
    PortDev *d = opaque;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(off + i) & 15] << (8 * i);
    }
    return v;
}

static void pd_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    PortDev *d = opaque;
    d->writes++;
    d->last_off = off;
    d->last_size = size;
    for (unsigned i = 0; i < size; i++) {
        d->regs[(off + i) & 15] = val >> (8 * i);
    }
}

static const MemOps byte_ops = {pd_read, pd_write, 1, 1};
static const MemOps any_ops = {pd_read, pd_write, 1, 4};
static Log quiet_log;

START_TEST(test_dispatch_offsets)
{
    IoBus *bus = iobus_new(&quiet_log);
    PortDev d = {0};
    ck_assert_ptr_nonnull(iobus_register(bus, "dev", 0x3f8, 8, &any_ops, &d));
    iobus_write(bus, 0x3fb, 0x83, 1);
    ck_assert_uint_eq(d.last_off, 3);
    ck_assert_uint_eq(d.regs[3], 0x83);
    ck_assert_uint_eq(iobus_read(bus, 0x3fb, 1), 0x83);
    ck_assert_str_eq(iobus_owner(bus, 0x3ff), "dev");
    ck_assert_ptr_null(iobus_owner(bus, 0x400));
    iobus_free(bus);
}
END_TEST

START_TEST(test_unclaimed_all_ones)
{
    IoBus *bus = iobus_new(&quiet_log);
    ck_assert_uint_eq(iobus_read(bus, 0x1234, 1), 0xff);
    ck_assert_uint_eq(iobus_read(bus, 0x1234, 2), 0xffff);
    ck_assert_uint_eq(iobus_read(bus, 0x1234, 4), 0xffffffffu);
    iobus_write(bus, 0x1234, 0, 4); /* dropped, no crash */
    ck_assert_uint_eq(iobus_read(bus, 0xffff, 4), 0xffffffffu);
    iobus_free(bus);
}
END_TEST

START_TEST(test_overlap_refused)
{
    IoBus *bus = iobus_new(&quiet_log);
    PortDev a = {0}, b = {0};
    ck_assert_ptr_nonnull(iobus_register(bus, "a", 0x60, 1, &byte_ops, &a));
    ck_assert_ptr_null(iobus_register(bus, "b", 0x5f, 2, &byte_ops, &b));
    ck_assert_ptr_null(iobus_register(bus, "c", 0xfff0, 0x20, &byte_ops, &b));
    ck_assert_ptr_null(iobus_register(bus, "d", 0x10, 0, &byte_ops, &b));
    ck_assert_ptr_nonnull(iobus_register(bus, "e", 0x64, 1, &byte_ops, &b));
    iobus_free(bus);
}
END_TEST

START_TEST(test_wide_access_split_for_byte_device)
{
    IoBus *bus = iobus_new(&quiet_log);
    PortDev d = {0};
    iobus_register(bus, "dev", 0x70, 2, &byte_ops, &d);
    d.regs[0] = 0x11;
    d.regs[1] = 0x22;
    ck_assert_uint_eq(iobus_read(bus, 0x70, 2), 0x2211);
    ck_assert_int_eq(d.reads, 2);
    ck_assert_uint_eq(d.last_size, 1);
    iobus_write(bus, 0x70, 0xbeef, 2);
    ck_assert_int_eq(d.writes, 2);
    ck_assert_uint_eq(d.regs[0], 0xef);
    ck_assert_uint_eq(d.regs[1], 0xbe);
    iobus_free(bus);
}
END_TEST

START_TEST(test_access_straddling_two_devices)
{
    IoBus *bus = iobus_new(&quiet_log);
    PortDev a = {0}, b = {0};
    iobus_register(bus, "a", 0x100, 2, &any_ops, &a);
    iobus_register(bus, "b", 0x102, 2, &any_ops, &b);
    a.regs[1] = 0xaa;
    b.regs[0] = 0xbb;
    /* A word at 0x101 takes a byte from each device. */
    ck_assert_uint_eq(iobus_read(bus, 0x101, 2), 0xbbaa);
    /* A dword at 0x103: b's last byte, then unclaimed bytes. */
    b.regs[1] = 0xcc;
    ck_assert_uint_eq(iobus_read(bus, 0x103, 4), 0xffffffcc);
    iobus_write(bus, 0x101, 0x1234, 2);
    ck_assert_uint_eq(a.regs[1], 0x34);
    ck_assert_uint_eq(b.regs[0], 0x12);
    iobus_free(bus);
}
END_TEST

START_TEST(test_move_enable_unregister)
{
    IoBus *bus = iobus_new(&quiet_log);
    PortDev a = {0}, b = {0};
    IoRegion *ra = iobus_register(bus, "a", 0xc000, 0x10, &any_ops, &a);
    iobus_register(bus, "b", 0xd000, 0x10, &any_ops, &b);
    a.regs[0] = 0x5a;
    ck_assert_int_eq(iobus_move(bus, ra, 0xc100), 0);
    ck_assert_uint_eq(iobus_read(bus, 0xc000, 1), 0xff);
    ck_assert_uint_eq(iobus_read(bus, 0xc100, 1), 0x5a);
    /* Onto another range, or out of the space: refused, unchanged. */
    ck_assert_int_eq(iobus_move(bus, ra, 0xd008), -1);
    ck_assert_int_eq(iobus_move(bus, ra, 0xfff8), -1);
    ck_assert_uint_eq(iobus_read(bus, 0xc100, 1), 0x5a);
    iobus_set_enabled(bus, ra, false);
    ck_assert_uint_eq(iobus_read(bus, 0xc100, 1), 0xff);
    ck_assert_int_eq(iobus_move(bus, ra, 0xd008), 0); /* disabled: free */
    iobus_set_enabled(bus, ra, true); /* overlaps b: stays disabled */
    ck_assert_uint_eq(iobus_read(bus, 0xd008, 1), 0);
    ck_assert_int_eq(iobus_move(bus, ra, 0xe000), 0);
    iobus_set_enabled(bus, ra, true);
    ck_assert_uint_eq(iobus_read(bus, 0xe000, 1), 0x5a);
    iobus_unregister(bus, ra);
    ck_assert_uint_eq(iobus_read(bus, 0xe000, 1), 0xff);
    ck_assert_ptr_nonnull(iobus_register(bus, "c", 0xe000, 1, &any_ops, &a));
    iobus_free(bus);
}
END_TEST

Suite *suite_ioport(void)
{
    Suite *s = suite_create("ioport");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, test_dispatch_offsets);
    tcase_add_test(tc, test_unclaimed_all_ones);
    tcase_add_test(tc, test_overlap_refused);
    tcase_add_test(tc, test_wide_access_split_for_byte_device);
    tcase_add_test(tc, test_access_straddling_two_devices);
    tcase_add_test(tc, test_move_enable_unregister);
    suite_add_tcase(s, tc);
    return s;
}
