/* Device registry: reset order, the versioned state stream. */
#include "tests/unit/unit.h"

#include <string.h>

#include "core/device.h"

typedef struct ToyState {
    uint8_t b;
    uint16_t w;
    uint32_t regs[4];
    uint64_t q;
    uint8_t blob[5];
} ToyState;

typedef struct Toy {
    ToyState st;
    int *reset_log;
    int *reset_n;
    int id;
    int post_loads;
    int reject_load;
} Toy;

static const SnapField toy_fields[] = {
    SNAP_FIELD(ToyState, b),
    SNAP_FIELD(ToyState, w),
    SNAP_ARRAY(ToyState, regs),
    SNAP_FIELD(ToyState, q),
    SNAP_BYTES(ToyState, blob),
    SNAP_END,
};

static void toy_reset(void *s, ResetKind kind)
{
    Toy *t = s;
    t->reset_log[(*t->reset_n)++] = t->id * 10 + (kind == RESET_WARM);
}

static int toy_post_load(void *s)
{
    Toy *t = s;
    t->post_loads++;
    return t->reject_load ? -1 : 0;
}

static const DeviceInfo toy_info = {
    .name = "toy", .version = 3, .fields = toy_fields,
    .reset = toy_reset, .post_load = toy_post_load,
};
static const DeviceInfo toy_info_v4 = {
    .name = "toy", .version = 4, .fields = toy_fields,
};
static const DeviceInfo other_info = {
    .name = "other", .version = 3, .fields = toy_fields,
};

START_TEST(test_reset_in_registration_order)
{
    DeviceList list = {0};
    int log[8], n = 0;
    Toy a = {.reset_log = log, .reset_n = &n, .id = 1};
    Toy b = {.reset_log = log, .reset_n = &n, .id = 2};
    device_register(&list, &toy_info, &a, &a.st);
    device_register(&list, &toy_info, &b, &b.st);
    devices_reset(&list, RESET_COLD);
    devices_reset(&list, RESET_WARM);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(log[0], 10);
    ck_assert_int_eq(log[1], 20);
    ck_assert_int_eq(log[2], 11);
    ck_assert_int_eq(log[3], 21);
    ck_assert_ptr_eq(device_find(&list, "toy")->s, &a);
    ck_assert_ptr_null(device_find(&list, "nope"));
    devices_destroy(&list);
    ck_assert_ptr_null(list.head);
}
END_TEST

START_TEST(test_save_load_round_trip)
{
    DeviceList list = {0};
    int log[4], n = 0;
    Toy a = {.reset_log = log, .reset_n = &n};
    Toy b = {.reset_log = log, .reset_n = &n};
    a.st.b = 0x12;
    a.st.w = 0x3456;
    a.st.regs[0] = 0xdeadbeef;
    a.st.regs[3] = 7;
    a.st.q = 0x0123456789abcdefULL;
    memcpy(a.st.blob, "hello", 5);
    Device *da = device_register(&list, &toy_info, &a, &a.st);
    Device *db = device_register(&list, &toy_info, &b, &b.st);
    SnapBuf buf = {0};
    ck_assert_int_eq(device_save(da, &buf), 0);
    /* Little-endian on the wire whatever the host: the u16 after the
     * header is 56 34. */
    ck_assert_int_eq(device_load(db, &buf), 0);
    ck_assert_int_eq(memcmp(&a.st, &b.st, sizeof(ToyState)), 0);
    ck_assert_int_eq(b.post_loads, 1);
    ck_assert_uint_eq(buf.pos, buf.len);
    snapbuf_free(&buf);
    devices_destroy(&list);
}
END_TEST

START_TEST(test_load_rejects_mismatch_untouched)
{
    DeviceList list = {0};
    Toy a = {0}, b = {0}, c = {0};
    a.st.q = 99;
    Device *da = device_register(&list, &toy_info, &a, &a.st);
    Device *dv4 = device_register(&list, &toy_info_v4, &b, &b.st);
    Device *dother = device_register(&list, &other_info, &c, &c.st);
    SnapBuf buf = {0};
    device_save(da, &buf);
    /* Wrong version, wrong name: refused, nothing changed. */
    ck_assert_int_eq(device_load(dv4, &buf), -1);
    ck_assert_uint_eq(b.st.q, 0);
    ck_assert_uint_eq(buf.pos, 0);
    ck_assert_int_eq(device_load(dother, &buf), -1);
    ck_assert_uint_eq(c.st.q, 0);
    /* Truncated stream: refused, nothing changed. */
    SnapBuf cut = buf;
    cut.len = buf.len - 3;
    Toy d = {0};
    Device *dd = device_register(&list, &toy_info, &d, &d.st);
    ck_assert_int_eq(device_load(dd, &cut), -1);
    ck_assert_uint_eq(d.st.q, 0);
    /* post_load may reject an inconsistent state. */
    d.reject_load = 1;
    buf.pos = 0;
    ck_assert_int_eq(device_load(dd, &buf), -1);
    snapbuf_free(&buf);
    devices_destroy(&list);
}
END_TEST

Suite *suite_device(void)
{
    Suite *s = suite_create("device");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, test_reset_in_registration_order);
    tcase_add_test(tc, test_save_load_round_trip);
    tcase_add_test(tc, test_load_rejects_mismatch_untouched);
    suite_add_tcase(s, tc);
    return s;
}
