/* The 8042 keyboard controller with its PS/2 keyboard and mouse, and port
 * 0x92, driven through their ports with no CPU. */
#include "tests/unit/unit.h"

#include "hw/pc/i8042.h"
#include "hw/pc/port92.h"
#include "tests/unit/isa_fixture.h"

#define IRQ1 1
#define IRQ12 12
#define A20 20
#define RESET 21
#define A20_92 22
#define RESET_92 23

typedef struct KbcBench {
    IsaFixture f;
    KbcState *kbc;
    Ps2Kbd *kbd;
    Ps2Mouse *mouse;
} KbcBench;

static void bench_init(KbcBench *b)
{
    isa_fixture_init(&b->f);
    b->kbc = i8042_new(&b->f.env, fx_irq(&b->f, IRQ1), fx_irq(&b->f, IRQ12),
                       fx_irq(&b->f, A20), fx_irq(&b->f, RESET));
    ck_assert_ptr_nonnull(b->kbc);
    ck_assert_ptr_nonnull(port92_new(&b->f.env, PORT92_BASE,
                                     fx_irq(&b->f, A20_92),
                                     fx_irq(&b->f, RESET_92)));
    b->kbd = i8042_keyboard(b->kbc);
    b->mouse = i8042_mouse(b->kbc);
    devices_reset(&b->f.devices, RESET_COLD);
}

static void bench_free(KbcBench *b) { isa_fixture_free(&b->f); }

static uint8_t status(KbcBench *b) { return fx_inb(&b->f, 0x64); }
static void cmd(KbcBench *b, uint8_t c) { fx_outb(&b->f, 0x64, c); }
static void data(KbcBench *b, uint8_t d) { fx_outb(&b->f, 0x60, d); }

/* Read everything in the output buffer; it must be exactly @want. */
static void expect(KbcBench *b, const char *want, int n, bool aux)
{
    for (int i = 0; i < n; i++) {
        uint8_t st = status(b);
        ck_assert_msg(st & 0x01, "byte %d of %d missing", i, n);
        ck_assert_int_eq(!!(st & 0x20), aux);
        ck_assert_int_eq(fx_inb(&b->f, 0x60), (uint8_t)want[i]);
    }
    ck_assert_int_eq(status(b) & 0x01, 0);
}

#define EXPECT(b, s) expect(b, s, sizeof(s) - 1, false)
#define EXPECT_AUX(b, s) expect(b, s, sizeof(s) - 1, true)

START_TEST(test_controller_commands)
{
    KbcBench b;
    bench_init(&b);
    ck_assert_int_eq(status(&b) & 0x05, 0x00); /* empty, SYS clear */
    cmd(&b, 0xaa);
    EXPECT(&b, "\x55");
    ck_assert_int_eq(status(&b) & 0x04, 0x04);
    cmd(&b, 0xab);
    EXPECT(&b, "\x00");
    cmd(&b, 0xa9);
    EXPECT(&b, "\x00");
    cmd(&b, 0x20);
    EXPECT(&b, "\x43");
    cmd(&b, 0x60);
    ck_assert_int_eq(status(&b) & 0x08, 0x08); /* last write: command */
    data(&b, 0x20);
    ck_assert_int_eq(status(&b) & 0x0c, 0x00); /* data, SYS from bit 2 */
    cmd(&b, 0x20);
    EXPECT(&b, "\x20");
    cmd(&b, 0x7f);
    data(&b, 0x99);
    cmd(&b, 0x3f);
    EXPECT(&b, "\x99");
    cmd(&b, 0xa8);
    cmd(&b, 0xad);
    cmd(&b, 0x20);
    EXPECT(&b, "\x10");
    cmd(&b, 0xa7);
    cmd(&b, 0xae);
    cmd(&b, 0x20);
    EXPECT(&b, "\x20");
    /* D2 and D3 fill either buffer; the interrupts follow the command
     * byte. */
    cmd(&b, 0x60);
    data(&b, 0x03);
    cmd(&b, 0xd2);
    data(&b, 0x42);
    ck_assert_int_eq(b.f.rec.level[IRQ1], 1);
    ck_assert_int_eq(b.f.rec.level[IRQ12], 0);
    EXPECT(&b, "\x42");
    ck_assert_int_eq(b.f.rec.level[IRQ1], 0);
    cmd(&b, 0xd3);
    data(&b, 0x43);
    ck_assert_int_eq(b.f.rec.level[IRQ12], 1);
    EXPECT_AUX(&b, "\x43");
    ck_assert_int_eq(b.f.rec.level[IRQ12], 0);
    bench_free(&b);
}
END_TEST

START_TEST(test_output_port_a20_and_reset)
{
    KbcBench b;
    bench_init(&b);
    ck_assert_int_eq(b.f.rec.level[A20], 1);
    cmd(&b, 0xd0);
    EXPECT(&b, "\xcf");
    cmd(&b, 0xd1);
    data(&b, 0xdd);
    ck_assert_int_eq(b.f.rec.level[A20], 0);
    cmd(&b, 0xd0);
    EXPECT(&b, "\xcd");
    cmd(&b, 0xdf);
    ck_assert_int_eq(b.f.rec.level[A20], 1);
    ck_assert_int_eq(b.f.rec.raised[RESET], 0);
    cmd(&b, 0xff); /* pulses nothing */
    ck_assert_int_eq(b.f.rec.raised[RESET], 0);
    cmd(&b, 0xfe);
    ck_assert_int_eq(b.f.rec.raised[RESET], 1);
    ck_assert_int_eq(b.f.rec.level[RESET], 0);
    cmd(&b, 0xd1);
    data(&b, 0xce); /* output port bit 0 low: reset */
    ck_assert_int_eq(b.f.rec.raised[RESET], 2);
    /* Port 0x92: fast A20 and fast reset. */
    ck_assert_int_eq(fx_inb(&b.f, 0x92), 0x00);
    fx_outb(&b.f, 0x92, 0x02);
    ck_assert_int_eq(b.f.rec.level[A20_92], 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x92), 0x02);
    fx_outb(&b.f, 0x92, 0x03);
    ck_assert_int_eq(b.f.rec.raised[RESET_92], 1);
    fx_outb(&b.f, 0x92, 0x03); /* no new edge, no new reset */
    ck_assert_int_eq(b.f.rec.raised[RESET_92], 1);
    devices_reset(&b.f.devices, RESET_WARM);
    ck_assert_int_eq(fx_inb(&b.f, 0x92), 0x02);
    bench_free(&b);
}
END_TEST

START_TEST(test_keyboard_commands)
{
    KbcBench b;
    bench_init(&b);
    data(&b, 0xff);
    EXPECT(&b, "\xfa\xaa");
    data(&b, 0xee);
    EXPECT(&b, "\xee");
    data(&b, 0xf2);
    EXPECT(&b, "\xfa\xab\x41"); /* 0x83 translated */
    data(&b, 0xf0);
    data(&b, 0x00);
    EXPECT(&b, "\xfa\xfa\x41"); /* set 2, translated */
    data(&b, 0xed);
    data(&b, 0x07);
    EXPECT(&b, "\xfa\xfa");
    data(&b, 0xf3);
    data(&b, 0x20);
    EXPECT(&b, "\xfa\xfa");
    data(&b, 0x01);
    EXPECT(&b, "\xfe");
    data(&b, 0xfe); /* resend the last byte */
    EXPECT(&b, "\xfe");
    data(&b, 0xf0);
    data(&b, 0x07);
    EXPECT(&b, "\xfa\xfe");
    /* Without translation the keyboard's own bytes come through. */
    cmd(&b, 0x60);
    data(&b, 0x01);
    data(&b, 0xf2);
    EXPECT(&b, "\xfa\xab\x83");
    data(&b, 0xf0);
    data(&b, 0x00);
    EXPECT(&b, "\xfa\xfa\x02");
    bench_free(&b);
}
END_TEST

START_TEST(test_scancode_sets)
{
    KbcBench b;
    bench_init(&b);
    /* Set 2 translated: set 1 codes. */
    ps2_kbd_key(b.kbd, PS2_KEY_A, true);
    ps2_kbd_key(b.kbd, PS2_KEY_A, false);
    EXPECT(&b, "\x1e\x9e");
    ps2_kbd_key(b.kbd, PS2_KEY_RCTRL, true);
    ps2_kbd_key(b.kbd, PS2_KEY_RCTRL, false);
    EXPECT(&b, "\xe0\x1d\xe0\x9d");
    ps2_kbd_key(b.kbd, PS2_KEY_PAUSE, true);
    ps2_kbd_key(b.kbd, PS2_KEY_PAUSE, false);
    EXPECT(&b, "\xe1\x1d\x45\xe1\x9d\xc5");
    ps2_kbd_key(b.kbd, PS2_KEY_F7, true);
    EXPECT(&b, "\x41");
    /* Set 2 raw. */
    cmd(&b, 0x60);
    data(&b, 0x01);
    ps2_kbd_key(b.kbd, PS2_KEY_A, true);
    ps2_kbd_key(b.kbd, PS2_KEY_A, false);
    EXPECT(&b, "\x1c\xf0\x1c");
    ps2_kbd_key(b.kbd, PS2_KEY_PRINT, true);
    ps2_kbd_key(b.kbd, PS2_KEY_PRINT, false);
    EXPECT(&b, "\xe0\x12\xe0\x7c\xe0\xf0\x7c\xe0\xf0\x12");
    /* Set 1 raw. */
    data(&b, 0xf0);
    data(&b, 0x01);
    EXPECT(&b, "\xfa\xfa");
    ps2_kbd_key(b.kbd, PS2_KEY_KP_ENTER, true);
    ps2_kbd_key(b.kbd, PS2_KEY_KP_ENTER, false);
    EXPECT(&b, "\xe0\x1c\xe0\x9c");
    ps2_kbd_key(b.kbd, PS2_KEY_ESC, true);
    EXPECT(&b, "\x01");
    /* Set 3: no break codes except for the modifiers, unless asked. */
    data(&b, 0xf0);
    data(&b, 0x03);
    EXPECT(&b, "\xfa\xfa");
    ps2_kbd_key(b.kbd, PS2_KEY_A, true);
    ps2_kbd_key(b.kbd, PS2_KEY_A, false);
    ps2_kbd_key(b.kbd, PS2_KEY_LSHIFT, true);
    ps2_kbd_key(b.kbd, PS2_KEY_LSHIFT, false);
    ps2_kbd_key(b.kbd, PS2_KEY_F1, true);
    EXPECT(&b, "\x1c\x12\xf0\x12\x07");
    data(&b, 0xf8);
    EXPECT(&b, "\xfa");
    ps2_kbd_key(b.kbd, PS2_KEY_A, false);
    EXPECT(&b, "\xf0\x1c");
    /* Translated set 3 turns f0 into the high bit, like set 2. */
    cmd(&b, 0x60);
    data(&b, 0x41);
    ps2_kbd_key(b.kbd, PS2_KEY_A, true);
    ps2_kbd_key(b.kbd, PS2_KEY_A, false);
    EXPECT(&b, "\x1e\x9e");
    bench_free(&b);
}
END_TEST

START_TEST(test_scanning_and_irq1)
{
    KbcBench b;
    bench_init(&b);
    cmd(&b, 0x60);
    data(&b, 0x41);
    data(&b, 0xf5);
    EXPECT(&b, "\xfa");
    ps2_kbd_key(b.kbd, PS2_KEY_B, true);
    ck_assert_int_eq(status(&b) & 0x01, 0);
    data(&b, 0xf4);
    EXPECT(&b, "\xfa");
    unsigned r0 = b.f.rec.raised[IRQ1];
    ps2_kbd_key(b.kbd, PS2_KEY_RALT, true);
    ck_assert_int_eq(b.f.rec.level[IRQ1], 1);
    ck_assert_int_eq(fx_inb(&b.f, 0x60), 0xe0);
    ck_assert_int_eq(b.f.rec.level[IRQ1], 1); /* next byte, new edge */
    ck_assert_int_eq(fx_inb(&b.f, 0x60), 0x38);
    ck_assert_int_eq(b.f.rec.level[IRQ1], 0);
    ck_assert_int_eq(b.f.rec.raised[IRQ1] - r0, 2);
    /* A disabled keyboard port holds keys back. */
    cmd(&b, 0xad);
    ps2_kbd_key(b.kbd, PS2_KEY_C, true);
    ck_assert_int_eq(status(&b) & 0x01, 0);
    cmd(&b, 0xae);
    EXPECT(&b, "\x2e");
    /* Writing to the keyboard re-enables its port. */
    cmd(&b, 0xad);
    data(&b, 0xee);
    EXPECT(&b, "\xee");
    bench_free(&b);
}
END_TEST

START_TEST(test_mouse)
{
    KbcBench b;
    bench_init(&b);
    cmd(&b, 0xa8);
    cmd(&b, 0xd4);
    data(&b, 0xff);
    ck_assert_int_eq(b.f.rec.level[IRQ12], 1);
    EXPECT_AUX(&b, "\xfa\xaa\x00");
    /* Stream mode: nothing until reporting is on. */
    ps2_mouse_event(b.mouse, 5, -3, 0, PS2_BUTTON_LEFT);
    ck_assert_int_eq(status(&b) & 0x01, 0);
    cmd(&b, 0xd4);
    data(&b, 0xf4);
    EXPECT_AUX(&b, "\xfa");
    ps2_mouse_event(b.mouse, 5, -3, 0, PS2_BUTTON_LEFT);
    EXPECT_AUX(&b, "\x09\x05\x03");
    ps2_mouse_event(b.mouse, -2, 300, 0, 0);
    EXPECT_AUX(&b, "\x38\xfe\x01\x28\x00\xd3");
    /* The IntelliMouse knock: 200, 100, 80 then ID 3. */
    static const uint8_t knock[] = {0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2};
    for (unsigned i = 0; i < sizeof(knock); i++) {
        cmd(&b, 0xd4);
        data(&b, knock[i]);
    }
    EXPECT_AUX(&b, "\xfa\xfa\xfa\xfa\xfa\xfa\xfa\x03");
    ps2_mouse_event(b.mouse, 1, 0, 2, PS2_BUTTON_RIGHT);
    EXPECT_AUX(&b, "\x0a\x01\x00\x02");
    static const uint8_t knock4[] = {0xf3, 200, 0xf3, 200, 0xf3, 80, 0xf2};
    for (unsigned i = 0; i < sizeof(knock4); i++) {
        cmd(&b, 0xd4);
        data(&b, knock4[i]);
    }
    EXPECT_AUX(&b, "\xfa\xfa\xfa\xfa\xfa\xfa\xfa\x04");
    ps2_mouse_event(b.mouse, 0, 0, -1, PS2_BUTTON_SIDE);
    EXPECT_AUX(&b, "\x08\x00\x00\x1f");
    /* Status, resolution, scaling. */
    cmd(&b, 0xd4);
    data(&b, 0xe8);
    cmd(&b, 0xd4);
    data(&b, 0x03);
    cmd(&b, 0xd4);
    data(&b, 0xe7);
    cmd(&b, 0xd4);
    data(&b, 0xe9);
    EXPECT_AUX(&b, "\xfa\xfa\xfa\xfa\x30\x03\x50");
    ps2_mouse_event(b.mouse, 4, 0, 0, 0);
    EXPECT_AUX(&b, "\x08\x06\x00\x00"); /* 2:1 scaling: 4 -> 6 */
    /* Remote mode: motion waits for a read-data command. */
    cmd(&b, 0xd4);
    data(&b, 0xf0);
    ps2_mouse_event(b.mouse, 7, 0, 0, 0);
    EXPECT_AUX(&b, "\xfa");
    cmd(&b, 0xd4);
    data(&b, 0xeb);
    EXPECT_AUX(&b, "\xfa\x08\x07\x00\x00");
    /* Wrap mode echoes. */
    cmd(&b, 0xd4);
    data(&b, 0xee);
    cmd(&b, 0xd4);
    data(&b, 0x12);
    cmd(&b, 0xd4);
    data(&b, 0xec);
    EXPECT_AUX(&b, "\xfa\x12\xfa");
    /* A disabled aux port holds mouse bytes back. */
    cmd(&b, 0xa7);
    cmd(&b, 0xd4);
    data(&b, 0xf2);
    ck_assert_int_eq(status(&b) & 0x01, 0);
    cmd(&b, 0xa8);
    EXPECT_AUX(&b, "\xfa\x04");
    bench_free(&b);
}
END_TEST

START_TEST(test_random_writes_do_not_crash)
{
    KbcBench b;
    bench_init(&b);
    uint64_t seed = 0x8042;
    for (int i = 0; i < 30000; i++) {
        uint32_t r = fx_rand(&seed);
        switch (r % 8) {
        case 0:
            cmd(&b, r >> 8);
            break;
        case 1:
        case 2:
            data(&b, r >> 8);
            break;
        case 3:
            fx_inb(&b.f, (r & 0x100) ? 0x64 : 0x60);
            break;
        case 4:
            ps2_kbd_key(b.kbd, (Ps2Key)((r >> 8) % (PS2_KEY_COUNT + 2)),
                        (r >> 16) & 1);
            break;
        case 5:
            ps2_mouse_event(b.mouse, (int8_t)(r >> 8), (int8_t)(r >> 16),
                            (int8_t)(r >> 24) / 32, r >> 27);
            break;
        case 6:
            fx_outb(&b.f, 0x92, r >> 8);
            break;
        default:
            cmd(&b, 0xd4);
            data(&b, r >> 8);
            break;
        }
    }
    bench_free(&b);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    KbcBench a, b;
    bench_init(&a);
    bench_init(&b);
    cmd(&a, 0xa8);
    cmd(&a, 0xd4);
    data(&a, 0xf4);
    cmd(&a, 0xd1);
    data(&a, 0xcd);
    ps2_kbd_key(a.kbd, PS2_KEY_LMETA, true);
    ps2_kbd_key(a.kbd, PS2_KEY_Q, true);
    ps2_mouse_event(a.mouse, 1, 2, 0, 0);
    fx_outb(&a.f, 0x92, 0x02);
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "ps2-kbd"), 0);
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "ps2-mouse"), 0);
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "i8042"), 0);
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "port92"), 0);
    ck_assert_int_eq(b.f.rec.level[A20], 0);
    ck_assert_int_eq(b.f.rec.level[A20_92], 1);
    ck_assert_int_eq(b.f.rec.level[IRQ1], a.f.rec.level[IRQ1]);
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(status(&b), status(&a));
        ck_assert_int_eq(fx_inb(&b.f, 0x60), fx_inb(&a.f, 0x60));
    }
    bench_free(&a);
    bench_free(&b);
}
END_TEST

Suite *suite_i8042(void)
{
    Suite *s = suite_create("i8042");
    TCase *tc = tcase_create("i8042");
    tcase_add_test(tc, test_controller_commands);
    tcase_add_test(tc, test_output_port_a20_and_reset);
    tcase_add_test(tc, test_keyboard_commands);
    tcase_add_test(tc, test_scancode_sets);
    tcase_add_test(tc, test_scanning_and_irq1);
    tcase_add_test(tc, test_mouse);
    tcase_add_test(tc, test_random_writes_do_not_crash);
    tcase_add_test(tc, test_snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
