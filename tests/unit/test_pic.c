/* The 8259A pair, driven through its ports with no CPU. */
#include "tests/unit/unit.h"

#include "hw/pc/i8259.h"
#include "tests/unit/isa_fixture.h"

#define INTR 0

typedef struct PicBench {
    IsaFixture f;
    PicState *pic;
    IrqLine in[16];
} PicBench;

/* The classic AT initialisation: vectors 0x08/0x70, cascade on IR2. */
static void pic_init_at(PicBench *b, uint8_t icw4)
{
    fx_outb(&b->f, 0x20, 0x11);
    fx_outb(&b->f, 0x21, 0x08);
    fx_outb(&b->f, 0x21, 0x04);
    fx_outb(&b->f, 0x21, icw4);
    fx_outb(&b->f, 0xa0, 0x11);
    fx_outb(&b->f, 0xa1, 0x70);
    fx_outb(&b->f, 0xa1, 0x02);
    fx_outb(&b->f, 0xa1, 0x01);
}

static void bench_init(PicBench *b, uint8_t icw4)
{
    isa_fixture_init(&b->f);
    b->pic = pic_new(&b->f.env, fx_irq(&b->f, INTR));
    ck_assert_ptr_nonnull(b->pic);
    for (int i = 0; i < 16; i++) {
        b->in[i] = pic_irq_in(b->pic, i);
    }
    devices_reset(&b->f.devices, RESET_COLD);
    pic_init_at(b, icw4);
}

static void bench_free(PicBench *b) { isa_fixture_free(&b->f); }

static int intr(PicBench *b) { return b->f.rec.level[INTR]; }

static uint8_t read_isr(PicBench *b, uint16_t port)
{
    fx_outb(&b->f, port, 0x0b);
    return fx_inb(&b->f, port);
}

static uint8_t read_irr(PicBench *b, uint16_t port)
{
    fx_outb(&b->f, port, 0x0a);
    return fx_inb(&b->f, port);
}

START_TEST(test_basic_edge_ack_eoi)
{
    PicBench b;
    bench_init(&b, 0x01);
    ck_assert_int_eq(fx_inb(&b.f, 0x21), 0x00); /* ICW1 cleared IMR */
    ck_assert_int_eq(intr(&b), 0);
    irq_raise(b.in[0]);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(read_irr(&b, 0x20), 0x01);
    ck_assert_int_eq(pic_ack(b.pic), 0x08);
    ck_assert_int_eq(intr(&b), 0);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x01);
    ck_assert_int_eq(read_irr(&b, 0x20), 0x00); /* edge: IRR cleared */
    fx_outb(&b.f, 0x20, 0x20); /* non-specific EOI */
    ck_assert_int_eq(read_isr(&b, 0x20), 0x00);
    /* Still high: no new edge, no new request. */
    ck_assert_int_eq(intr(&b), 0);
    irq_lower(b.in[0]);
    irq_raise(b.in[0]);
    ck_assert_int_eq(intr(&b), 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_pulse_is_latched)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_pulse(b.in[4]);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x0c);
    bench_free(&b);
}
END_TEST

START_TEST(test_priority_and_nesting)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_raise(b.in[3]);
    irq_raise(b.in[1]);
    ck_assert_int_eq(pic_ack(b.pic), 0x09);
    /* IRQ3 waits behind IRQ1 in service. */
    ck_assert_int_eq(intr(&b), 0);
    /* IRQ0 outranks IRQ1: it nests. */
    irq_raise(b.in[0]);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x08);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x03);
    fx_outb(&b.f, 0x20, 0x20); /* ends IRQ0, the highest in service */
    ck_assert_int_eq(read_isr(&b, 0x20), 0x02);
    ck_assert_int_eq(intr(&b), 0);
    fx_outb(&b.f, 0x20, 0x20);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x0b);
    bench_free(&b);
}
END_TEST

START_TEST(test_imr_masks)
{
    PicBench b;
    bench_init(&b, 0x01);
    fx_outb(&b.f, 0x21, 0xfe);
    ck_assert_int_eq(fx_inb(&b.f, 0x21), 0xfe);
    irq_raise(b.in[1]);
    ck_assert_int_eq(intr(&b), 0);
    ck_assert_int_eq(read_irr(&b, 0x20), 0x02); /* requested, masked */
    fx_outb(&b.f, 0x21, 0x00);
    ck_assert_int_eq(intr(&b), 1);
    fx_outb(&b.f, 0x21, 0x02);
    ck_assert_int_eq(intr(&b), 0);
    bench_free(&b);
}
END_TEST

START_TEST(test_cascade)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_raise(b.in[8]);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x70);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x04);
    ck_assert_int_eq(read_isr(&b, 0xa0), 0x01);
    irq_raise(b.in[14]);
    ck_assert_int_eq(intr(&b), 0); /* IRQ8 in service holds it off */
    fx_outb(&b.f, 0xa0, 0x20);
    ck_assert_int_eq(intr(&b), 0); /* master's IR2 still in service */
    fx_outb(&b.f, 0x20, 0x20);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x76);
    /* ISA IRQ2 is wired to IRQ9. */
    fx_outb(&b.f, 0xa0, 0x20);
    fx_outb(&b.f, 0x20, 0x20);
    irq_raise(pic_irq_in(b.pic, 2));
    ck_assert_int_eq(pic_ack(b.pic), 0x71);
    bench_free(&b);
}
END_TEST

START_TEST(test_level_via_elcr)
{
    PicBench b;
    bench_init(&b, 0x01);
    fx_outb(&b.f, 0x4d1, 0xff);
    ck_assert_int_eq(fx_inb(&b.f, 0x4d1), 0xde); /* IRQ8/13 stay edge */
    fx_outb(&b.f, 0x4d0, 0xff);
    ck_assert_int_eq(fx_inb(&b.f, 0x4d0), 0xf8);
    fx_outb(&b.f, 0x4d1, 0x04); /* IRQ10 level */
    fx_outb(&b.f, 0x4d0, 0x00);
    irq_raise(b.in[10]);
    ck_assert_int_eq(pic_ack(b.pic), 0x72);
    fx_outb(&b.f, 0xa0, 0x20);
    fx_outb(&b.f, 0x20, 0x20);
    /* Still high: a level line asks again. */
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x72);
    irq_lower(b.in[10]);
    fx_outb(&b.f, 0xa0, 0x20);
    fx_outb(&b.f, 0x20, 0x20);
    ck_assert_int_eq(intr(&b), 0);
    ck_assert_int_eq(read_irr(&b, 0xa0), 0x00);
    bench_free(&b);
}
END_TEST

START_TEST(test_level_via_ltim)
{
    PicBench b;
    bench_init(&b, 0x01);
    fx_outb(&b.f, 0x20, 0x19); /* ICW1 with LTIM */
    fx_outb(&b.f, 0x21, 0x08);
    fx_outb(&b.f, 0x21, 0x04);
    fx_outb(&b.f, 0x21, 0x01);
    irq_raise(b.in[5]);
    ck_assert_int_eq(intr(&b), 1);
    irq_lower(b.in[5]);
    ck_assert_int_eq(intr(&b), 0);
    ck_assert_int_eq(read_irr(&b, 0x20) & 0x20, 0);
    bench_free(&b);
}
END_TEST

START_TEST(test_spurious_irq7_and_irq15)
{
    PicBench b;
    bench_init(&b, 0x01);
    fx_outb(&b.f, 0x4d0, 0x20); /* IRQ5 level */
    irq_raise(b.in[5]);
    irq_lower(b.in[5]);
    ck_assert_int_eq(intr(&b), 0);
    /* An INTA with nothing pending gives IRQ7's vector, nothing in
     * service. */
    ck_assert_int_eq(pic_ack(b.pic), 0x0f);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x00);

    /* The slave's level request goes away after the master latched the
     * cascade edge: the master acknowledges IR2, the slave answers with
     * IRQ15's vector and only the master has something in service. */
    fx_outb(&b.f, 0x4d1, 0x04);
    irq_raise(b.in[10]);
    irq_lower(b.in[10]);
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x77);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x04);
    ck_assert_int_eq(read_isr(&b, 0xa0), 0x00);
    bench_free(&b);
}
END_TEST

START_TEST(test_specific_eoi_and_rotation)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_raise(b.in[1]);
    irq_raise(b.in[6]);
    ck_assert_int_eq(pic_ack(b.pic), 0x09);
    fx_outb(&b.f, 0x20, 0x61); /* specific EOI, IRQ1 */
    ck_assert_int_eq(read_isr(&b, 0x20), 0x00);
    ck_assert_int_eq(pic_ack(b.pic), 0x0e);
    fx_outb(&b.f, 0x20, 0xe6); /* rotate on specific EOI: IRQ6 lowest */
    ck_assert_int_eq(read_isr(&b, 0x20), 0x00);
    /* Now IRQ7 has the highest priority, then 0, 1, ... */
    irq_lower(b.in[1]);
    irq_raise(b.in[1]);
    irq_raise(b.in[7]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0f);
    fx_outb(&b.f, 0x20, 0x20);
    ck_assert_int_eq(pic_ack(b.pic), 0x09);
    fx_outb(&b.f, 0x20, 0xa0); /* rotate on non-specific EOI */
    /* IRQ1 became the lowest: IRQ2 is the highest. */
    irq_raise(b.in[0]);
    irq_lower(b.in[3]);
    irq_raise(b.in[3]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0b);
    fx_outb(&b.f, 0x20, 0x20);
    /* Set priority: IRQ3 lowest, so IRQ4 highest; IRQ0 before IRQ1. */
    fx_outb(&b.f, 0x20, 0xc3);
    irq_lower(b.in[1]);
    irq_raise(b.in[1]);
    ck_assert_int_eq(pic_ack(b.pic), 0x08);
    bench_free(&b);
}
END_TEST

START_TEST(test_auto_eoi_and_rotate)
{
    PicBench b;
    bench_init(&b, 0x03); /* ICW4 AEOI */
    irq_raise(b.in[3]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0b);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x00);
    /* Nothing in service: a lower line gets through at once. */
    irq_raise(b.in[5]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0d);
    fx_outb(&b.f, 0x20, 0x80); /* rotate in AEOI mode */
    irq_raise(b.in[2 + 4]);
    irq_lower(b.in[3]);
    irq_raise(b.in[3]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0b); /* 3 beats 6 */
    /* IRQ3 rotated to the lowest: IRQ4..7 then 0..3; 6 now beats 3. */
    irq_lower(b.in[3]);
    irq_raise(b.in[3]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0e);
    fx_outb(&b.f, 0x20, 0x00); /* rotation off again */
    irq_lower(b.in[0]);
    irq_raise(b.in[0]);
    ck_assert_int_eq(pic_ack(b.pic), 0x08); /* 0 beats 3 after 6 rotated */
    bench_free(&b);
}
END_TEST

START_TEST(test_poll_mode)
{
    PicBench b;
    bench_init(&b, 0x01);
    fx_outb(&b.f, 0x20, 0x0c);
    ck_assert_int_eq(fx_inb(&b.f, 0x20), 0x00); /* nothing pending */
    irq_raise(b.in[4]);
    fx_outb(&b.f, 0x20, 0x0c);
    ck_assert_int_eq(fx_inb(&b.f, 0x20), 0x84);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x10);
    ck_assert_int_eq(intr(&b), 0);
    /* The poll is one-shot: the next read is the IRR again. */
    ck_assert_int_eq(fx_inb(&b.f, 0x20), 0x10);
    bench_free(&b);
}
END_TEST

START_TEST(test_special_mask_mode)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_raise(b.in[3]);
    ck_assert_int_eq(pic_ack(b.pic), 0x0b);
    irq_raise(b.in[5]);
    ck_assert_int_eq(intr(&b), 0);
    fx_outb(&b.f, 0x20, 0x68); /* set special mask mode */
    fx_outb(&b.f, 0x21, 0x08); /* mask the level in service */
    ck_assert_int_eq(intr(&b), 1);
    ck_assert_int_eq(pic_ack(b.pic), 0x0d);
    fx_outb(&b.f, 0x20, 0x48); /* reset special mask mode */
    fx_outb(&b.f, 0x20, 0x65);
    fx_outb(&b.f, 0x21, 0x00);
    ck_assert_int_eq(read_isr(&b, 0x20), 0x08);
    irq_lower(b.in[5]);
    irq_raise(b.in[5]);
    ck_assert_int_eq(intr(&b), 0); /* IRQ3 in service blocks again */
    bench_free(&b);
}
END_TEST

START_TEST(test_special_fully_nested)
{
    for (int sfnm = 0; sfnm < 2; sfnm++) {
        PicBench b;
        bench_init(&b, sfnm ? 0x11 : 0x01);
        irq_raise(b.in[12]);
        ck_assert_int_eq(pic_ack(b.pic), 0x74);
        irq_raise(b.in[9]); /* higher priority within the slave */
        ck_assert_int_eq(intr(&b), sfnm);
        if (sfnm) {
            ck_assert_int_eq(pic_ack(b.pic), 0x71);
            ck_assert_int_eq(read_isr(&b, 0xa0), 0x12);
        }
        /* Lower master lines stay blocked by IR2 in service. */
        irq_raise(b.in[5]);
        ck_assert_int_eq(intr(&b), 0);
        bench_free(&b);
    }
}
END_TEST

START_TEST(test_reinit_needs_new_edge)
{
    PicBench b;
    bench_init(&b, 0x01);
    irq_raise(b.in[1]);
    ck_assert_int_eq(intr(&b), 1);
    pic_init_at(&b, 0x01);
    ck_assert_int_eq(intr(&b), 0);
    ck_assert_int_eq(read_irr(&b, 0x20), 0x00);
    irq_lower(b.in[1]);
    irq_raise(b.in[1]);
    ck_assert_int_eq(intr(&b), 1);
    bench_free(&b);
}
END_TEST

START_TEST(test_random_writes_do_not_crash)
{
    static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1};
    PicBench b;
    bench_init(&b, 0x01);
    uint64_t seed = 0x8259;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = fx_rand(&seed);
        switch (r % 4) {
        case 0:
            fx_outb(&b.f, ports[(r >> 8) % 6], r >> 16);
            break;
        case 1:
            fx_inb(&b.f, ports[(r >> 8) % 6]);
            break;
        case 2:
            irq_set(b.in[(r >> 8) & 15], (r >> 16) & 1);
            break;
        default:
            if (intr(&b)) {
                int v = pic_ack(b.pic);
                ck_assert(v >= 0 && v <= 0xff);
            }
            break;
        }
    }
    bench_free(&b);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    PicBench a, b;
    bench_init(&a, 0x01);
    bench_init(&b, 0x01);
    fx_outb(&a.f, 0x4d1, 0x04);
    fx_outb(&a.f, 0x21, 0x10);
    irq_raise(a.in[3]);
    irq_raise(a.in[10]);
    irq_raise(a.in[4]);
    ck_assert_int_eq(pic_ack(a.pic), 0x72); /* the cascade comes first */
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "i8259"), 0);
    /* The copy raises INTR and behaves the same from here on. */
    ck_assert_int_eq(b.f.rec.level[INTR], a.f.rec.level[INTR]);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(fx_inb(&b.f, 0x20), fx_inb(&a.f, 0x20));
        ck_assert_int_eq(fx_inb(&b.f, 0x21), fx_inb(&a.f, 0x21));
        fx_outb(&a.f, 0xa0, 0x20);
        fx_outb(&b.f, 0xa0, 0x20);
        fx_outb(&a.f, 0x20, 0x20);
        fx_outb(&b.f, 0x20, 0x20);
        if (a.f.rec.level[INTR]) {
            ck_assert_int_eq(pic_ack(b.pic), pic_ack(a.pic));
        }
    }
    bench_free(&a);
    bench_free(&b);
}
END_TEST

Suite *suite_pic(void)
{
    Suite *s = suite_create("pic");
    TCase *tc = tcase_create("pic");
    tcase_add_test(tc, test_basic_edge_ack_eoi);
    tcase_add_test(tc, test_pulse_is_latched);
    tcase_add_test(tc, test_priority_and_nesting);
    tcase_add_test(tc, test_imr_masks);
    tcase_add_test(tc, test_cascade);
    tcase_add_test(tc, test_level_via_elcr);
    tcase_add_test(tc, test_level_via_ltim);
    tcase_add_test(tc, test_spurious_irq7_and_irq15);
    tcase_add_test(tc, test_specific_eoi_and_rotation);
    tcase_add_test(tc, test_auto_eoi_and_rotate);
    tcase_add_test(tc, test_poll_mode);
    tcase_add_test(tc, test_special_mask_mode);
    tcase_add_test(tc, test_special_fully_nested);
    tcase_add_test(tc, test_reinit_needs_new_edge);
    tcase_add_test(tc, test_random_writes_do_not_crash);
    tcase_add_test(tc, test_snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
