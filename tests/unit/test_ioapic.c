/* The IOAPIC: registers, edge and level pins, remote IRR and EOI. */
#include "hw/pc/ioapic.h"
#include "tests/unit/chipset_fixture.h"

typedef struct Fixture {
    TestBoard *t;
    ApicBus *bus;
    Lapic *cpu;
    Ioapic *io;
    IrqRecorder rec;
    int current;
} Fixture;

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(1);
    f->bus = apic_bus_new(f->t->m, APIC_DEFAULT_BASE, &f->current);
    LapicCpu c = {irq_recorder_line(&f->rec, 0), {0}, {0}, {0}, NULL, NULL};
    f->cpu = lapic_new(f->bus, 0, c);
    f->io = ioapic_new(f->t->m, IOAPIC_DEFAULT_BASE, f->bus);
    ck_assert(f->cpu && f->io);
    machine_reset(f->t->m, RESET_COLD);
    lapic_reg_write(f->cpu, 0xf0, 0x1ff);
    lapic_reg_write(f->cpu, 0x350, 0x10000);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

static void io_write(Fixture *f, uint32_t reg, uint32_t v)
{
    writel(f->t, IOAPIC_DEFAULT_BASE, reg);
    writel(f->t, IOAPIC_DEFAULT_BASE + 0x10, v);
}

static uint32_t io_read(Fixture *f, uint32_t reg)
{
    writel(f->t, IOAPIC_DEFAULT_BASE, reg);
    return readl(f->t, IOAPIC_DEFAULT_BASE + 0x10);
}

static int take(Fixture *f)
{
    VcpuIntc i = lapic_intc(f->cpu);
    return i.ack(i.opaque);
}

START_TEST(test_registers)
{
    Fixture *f = fixture_new();
    ck_assert_uint_eq(io_read(f, 1), 0x00170020);
    ck_assert_uint_eq(io_read(f, 0x10), 0x10000);
    io_write(f, 0, 0x0f000000);
    ck_assert_uint_eq(io_read(f, 0), 0x0f000000);
    io_write(f, 0x11, 0xff000000);
    ck_assert_uint_eq(io_read(f, 0x11), 0xff000000);
    /* Remote IRR and delivery status are read-only. */
    io_write(f, 0x12, 0x00015000 | 0x30);
    ck_assert_uint_eq(io_read(f, 0x12), 0x00010000 | 0x30);
    ck_assert_uint_eq(io_read(f, 0x10 + 2 * 24), 0xffffffffu);
    fixture_free(f);
}
END_TEST

START_TEST(test_edge)
{
    Fixture *f = fixture_new();
    IrqLine pin2 = ioapic_input(f->io, 2);
    io_write(f, 0x10 + 4, 0x30);
    io_write(f, 0x10 + 5, 0);
    irq_set(pin2, 1);
    ck_assert_int_eq(f->rec.level[0], 1);
    ck_assert_int_eq(take(f), 0x30);
    lapic_reg_write(f->cpu, 0xb0, 0);
    irq_set(pin2, 1); /* no new edge */
    ck_assert_int_eq(f->rec.level[0], 0);
    irq_set(pin2, 0);
    irq_set(pin2, 1);
    ck_assert_int_eq(take(f), 0x30);
    lapic_reg_write(f->cpu, 0xb0, 0);
    /* Masked: edges are lost. */
    io_write(f, 0x10 + 4, 0x10030);
    irq_set(pin2, 0);
    irq_set(pin2, 1);
    ck_assert_int_eq(f->rec.level[0], 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_level_remote_irr_eoi)
{
    Fixture *f = fixture_new();
    IrqLine pin10 = ioapic_input(f->io, 10);
    io_write(f, 0x10 + 20, 0x8000 | 0x40); /* level, vector 0x40 */
    irq_set(pin10, 1);
    ck_assert_int_eq(take(f), 0x40);
    ck_assert_uint_eq(io_read(f, 0x10 + 20) & 0x4000, 0x4000);
    /* Still asserted: EOI clears remote IRR and delivers again. */
    lapic_reg_write(f->cpu, 0xb0, 0);
    ck_assert_uint_eq(io_read(f, 0x10 + 20) & 0x4000, 0x4000);
    ck_assert_int_eq(take(f), 0x40);
    /* The device drops the line; EOI leaves remote IRR clear. */
    irq_set(pin10, 0);
    lapic_reg_write(f->cpu, 0xb0, 0);
    ck_assert_uint_eq(io_read(f, 0x10 + 20) & 0x4000, 0);
    ck_assert_int_eq(f->rec.level[0], 0);
    /* Masked while asserted, then unmasked: delivered. */
    io_write(f, 0x10 + 20, 0x18000 | 0x40);
    irq_set(pin10, 1);
    ck_assert_int_eq(f->rec.level[0], 0);
    io_write(f, 0x10 + 20, 0x8000 | 0x40);
    ck_assert_int_eq(take(f), 0x40);
    /* The IOAPIC's own EOI register works too. */
    irq_set(pin10, 0);
    writel(f->t, IOAPIC_DEFAULT_BASE + 0x40, 0x40);
    ck_assert_uint_eq(io_read(f, 0x10 + 20) & 0x4000, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_random_writes)
{
    Fixture *f = fixture_new();
    uint32_t seed = 5;
    for (int i = 0; i < 50000; i++) {
        uint32_t r = test_rand(&seed);
        uint32_t v = test_rand(&seed) | test_rand(&seed) << 24;
        switch (r % 4) {
        case 0: writel(f->t, IOAPIC_DEFAULT_BASE, v); break;
        case 1: io_write(f, v & 0x3f, test_rand(&seed) << 8); break;
        case 2: irq_set(ioapic_input(f->io, v % 24), r & 0x10); break;
        default:
            take(f);
            lapic_reg_write(f->cpu, 0xb0, 0);
            break;
        }
    }
    ck_assert_uint_eq(io_read(f, 1), 0x00170020);
    fixture_free(f);
}
END_TEST

Suite *suite_ioapic(void)
{
    Suite *s = suite_create("ioapic");
    TCase *tc = tcase_create("ioapic");
    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_edge);
    tcase_add_test(tc, test_level_remote_irr_eoi);
    tcase_add_test(tc, test_random_writes);
    suite_add_tcase(s, tc);
    return s;
}
