/* Local APICs: timer modes on the virtual clock, priorities, EOI, IPIs,
 * ExtINT pass-through, INIT/SIPI. */
#include "hw/pc/lapic.h"
#include "tests/unit/chipset_fixture.h"

#define NCPU 3
enum { P_INTR, P_NMI, P_INIT, P_SMI, P_COUNT };

typedef struct Fixture {
    TestBoard *t;
    ApicBus *bus;
    Lapic *cpu[NCPU];
    IrqRecorder rec;
    int current;
    int sipi_cpu, sipi_vec, sipis;
    int pic_vector;
} Fixture;

static void sipi(void *opaque, int cpu, uint8_t vec)
{
    Fixture *f = opaque;
    f->sipi_cpu = cpu;
    f->sipi_vec = vec;
    f->sipis++;
}

static int pic_ack(void *opaque)
{
    return ((Fixture *)opaque)->pic_vector;
}

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(1);
    f->bus = apic_bus_new(f->t->m, APIC_DEFAULT_BASE, &f->current);
    ck_assert_ptr_nonnull(f->bus);
    for (int i = 0; i < NCPU; i++) {
        LapicCpu c = {
            irq_recorder_line(&f->rec, i * P_COUNT + P_INTR),
            irq_recorder_line(&f->rec, i * P_COUNT + P_NMI),
            irq_recorder_line(&f->rec, i * P_COUNT + P_INIT),
            irq_recorder_line(&f->rec, i * P_COUNT + P_SMI),
            sipi, f,
        };
        f->cpu[i] = lapic_new(f->bus, i, c);
        ck_assert_ptr_nonnull(f->cpu[i]);
    }
    lapic_set_extint(f->cpu[0], (VcpuIntc){.ack = pic_ack, .opaque = f});
    machine_reset(f->t->m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

static uint32_t rd(Fixture *f, int cpu, uint32_t off)
{
    f->current = cpu;
    return readl(f->t, APIC_DEFAULT_BASE + off);
}

static void wr(Fixture *f, int cpu, uint32_t off, uint32_t v)
{
    f->current = cpu;
    writel(f->t, APIC_DEFAULT_BASE + off, v);
}

static int intr(Fixture *f, int cpu)
{
    return f->rec.level[cpu * P_COUNT + P_INTR];
}

static int ack(Fixture *f, int cpu)
{
    VcpuIntc i = lapic_intc(f->cpu[cpu]);
    return i.ack(i.opaque);
}

START_TEST(test_ids_and_window_per_cpu)
{
    Fixture *f = fixture_new();
    ck_assert_uint_eq(rd(f, 0, 0x20), 0);
    ck_assert_uint_eq(rd(f, 2, 0x20), 2u << 24);
    ck_assert_uint_eq(rd(f, 1, 0x30), 0x00050014);
    ck_assert_uint_eq(rd(f, 0, 0xf0), 0xff);
    ck_assert_uint_eq(rd(f, 0, 0x350), 0x700);   /* virtual wire */
    ck_assert_uint_eq(rd(f, 1, 0x350), 0x10000); /* masked */
    wr(f, 1, 0x80, 0x20);
    ck_assert_uint_eq(rd(f, 1, 0x80), 0x20);
    ck_assert_uint_eq(rd(f, 0, 0x80), 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_timer_oneshot_and_periodic)
{
    Fixture *f = fixture_new();
    Clock *c = f->t->m->clock;
    wr(f, 0, 0xf0, 0x1ff);
    wr(f, 0, 0x3e0, 0x0);       /* divide by 2 */
    wr(f, 0, 0x320, 0x40);      /* one-shot, vector 0x40 */
    wr(f, 0, 0x380, 1000);      /* 2000 ns */
    clock_step(c, 1000);
    ck_assert_uint_eq(rd(f, 0, 0x390), 500);
    ck_assert_int_eq(intr(f, 0), 0);
    clock_step(c, 999);
    ck_assert_int_eq(intr(f, 0), 0);
    clock_step(c, 1);
    ck_assert_int_eq(intr(f, 0), 1);
    ck_assert_uint_eq(rd(f, 0, 0x390), 0);
    ck_assert_int_eq(ack(f, 0), 0x40);
    ck_assert_int_eq(intr(f, 0), 0);
    ck_assert_uint_eq(rd(f, 0, 0x100 + 0x20) & 1, 1); /* ISR bit 0x40 */
    wr(f, 0, 0xb0, 0);
    ck_assert_uint_eq(rd(f, 0, 0x120), 0);
    clock_step(c, 100000);
    ck_assert_int_eq(intr(f, 0), 0); /* one-shot: once */

    /* Periodic, divide by 1: every 100 ns. */
    wr(f, 0, 0x3e0, 0xb);
    wr(f, 0, 0x320, 0x20000 | 0x41);
    wr(f, 0, 0x380, 100);
    int fired = 0;
    for (int i = 0; i < 1000; i++) {
        clock_step(c, 1);
        if (intr(f, 0)) {
            ck_assert_int_eq(ack(f, 0), 0x41);
            wr(f, 0, 0xb0, 0);
            fired++;
        }
    }
    ck_assert_int_eq(fired, 10);
    ck_assert_uint_eq(rd(f, 0, 0x390), 100);
    /* Masking stops delivery, not counting. */
    wr(f, 0, 0x320, 0x30000 | 0x41);
    clock_step(c, 1000);
    ck_assert_int_eq(intr(f, 0), 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_timer_tsc_deadline)
{
    Fixture *f = fixture_new();
    Clock *c = f->t->m->clock;
    wr(f, 1, 0xf0, 0x1ff);
    wr(f, 1, 0x320, 0x40000 | 0x50);
    wr(f, 1, 0x380, 5); /* ignored in this mode */
    ck_assert_uint_eq(rd(f, 1, 0x380), 0);
    lapic_set_tsc_deadline(f->cpu[1], 5000);
    clock_step(c, 4999);
    ck_assert_int_eq(intr(f, 1), 0);
    clock_step(c, 1);
    ck_assert_int_eq(intr(f, 1), 1);
    ck_assert_uint_eq(lapic_get_tsc_deadline(f->cpu[1]), 0);
    ck_assert_int_eq(ack(f, 1), 0x50);
    fixture_free(f);
}
END_TEST

START_TEST(test_priority_and_tpr)
{
    Fixture *f = fixture_new();
    Lapic *s = f->cpu[0];
    wr(f, 0, 0xf0, 0x1ff);
    wr(f, 0, 0x350, 0x10000); /* no ExtINT */
    ApicMsg m = {0, false, APIC_DM_FIXED, 0x35, false};
    apic_bus_deliver(f->bus, &m);
    m.vector = 0x62;
    apic_bus_deliver(f->bus, &m);
    ck_assert_int_eq(ack(f, 0), 0x62);
    /* 0x35 is below the in-service class 0x60. */
    ck_assert_int_eq(intr(f, 0), 0);
    ck_assert_uint_eq(rd(f, 0, 0xa0), 0x60);
    wr(f, 0, 0xb0, 0);
    ck_assert_int_eq(intr(f, 0), 1);
    wr(f, 0, 0x80, 0x40); /* TPR masks class 3 */
    ck_assert_int_eq(intr(f, 0), 0);
    ck_assert_int_eq(ack(f, 0), -1);
    wr(f, 0, 0x80, 0x00);
    ck_assert_int_eq(ack(f, 0), 0x35);
    /* Illegal vectors go to ESR. */
    m.vector = 3;
    apic_bus_deliver(f->bus, &m);
    wr(f, 0, 0x280, 0);
    ck_assert_uint_eq(rd(f, 0, 0x280), 0x40);
    (void)s;
    fixture_free(f);
}
END_TEST

START_TEST(test_extint_passthrough)
{
    Fixture *f = fixture_new();
    f->pic_vector = 0x08;
    IrqLine lint0 = lapic_lint(f->cpu[0], 0);
    irq_set(lint0, 1);
    /* Even with the APIC software-disabled (reset state). */
    ck_assert_int_eq(intr(f, 0), 1);
    ck_assert_int_eq(ack(f, 0), 0x08);
    irq_set(lint0, 0);
    ck_assert_int_eq(intr(f, 0), 0);
    /* Masked LINT0: nothing. */
    wr(f, 0, 0xf0, 0x1ff);
    wr(f, 0, 0x350, 0x10700);
    irq_set(lint0, 1);
    ck_assert_int_eq(intr(f, 0), 0);
    /* LINT1 as NMI. */
    wr(f, 0, 0x360, 0x400);
    irq_set(lapic_lint(f->cpu[0], 1), 1);
    ck_assert_uint_eq(f->rec.raised[P_NMI], 1);
    fixture_free(f);
}
END_TEST

/* Take the interrupt and EOI it at once. */
static int ack_eoi(Fixture *f, int cpu)
{
    int v = ack(f, cpu);
    if (v >= 0) {
        wr(f, cpu, 0xb0, 0);
    }
    return v;
}

START_TEST(test_ipis)
{
    Fixture *f = fixture_new();
    for (int i = 0; i < NCPU; i++) {
        wr(f, i, 0xf0, 0x1ff);
        wr(f, i, 0x350, 0x10000);
    }
    /* Physical fixed IPI 0 -> 2. */
    wr(f, 0, 0x310, 2u << 24);
    wr(f, 0, 0x300, 0x4070);
    ck_assert_int_eq(intr(f, 2), 1);
    ck_assert_int_eq(intr(f, 1), 0);
    ck_assert_uint_eq(rd(f, 0, 0x300) & 0x1000, 0);
    ck_assert_int_eq(ack_eoi(f, 2), 0x70);
    /* All but self. */
    wr(f, 1, 0x300, 0xc0071);
    ck_assert_int_eq(intr(f, 0), 1);
    ck_assert_int_eq(intr(f, 1), 0);
    ck_assert_int_eq(intr(f, 2), 1);
    /* Self. */
    wr(f, 1, 0x300, 0x40072);
    ck_assert_int_eq(ack_eoi(f, 1), 0x72);
    /* Logical flat: LDR bits. */
    wr(f, 1, 0xd0, 0x02000000);
    wr(f, 2, 0xd0, 0x04000000);
    wr(f, 0, 0x310, 0x06u << 24);
    wr(f, 0, 0x300, 0x4873);
    ck_assert_int_eq(ack_eoi(f, 1), 0x73);
    ck_assert_int_eq(ack_eoi(f, 2), 0x73);
    ck_assert_int_eq(ack_eoi(f, 2), 0x71);
    /* Lowest priority picks the lowest TPR. */
    wr(f, 1, 0x80, 0x30);
    wr(f, 0, 0x300, 0x4974);
    ck_assert_int_eq(ack_eoi(f, 2), 0x74);
    ck_assert_int_eq(ack_eoi(f, 1), -1);
    /* NMI and INIT-SIPI-SIPI broadcast (SeaBIOS's smp_setup). */
    wr(f, 0, 0x310, 1u << 24);
    wr(f, 0, 0x300, 0x4400);
    ck_assert_uint_eq(f->rec.raised[1 * P_COUNT + P_NMI], 1);
    wr(f, 0, 0x300, 0x000c4500);
    ck_assert_uint_eq(f->rec.raised[1 * P_COUNT + P_INIT], 1);
    ck_assert_uint_eq(f->rec.raised[2 * P_COUNT + P_INIT], 1);
    ck_assert_uint_eq(f->rec.raised[0 * P_COUNT + P_INIT], 0);
    ck_assert_uint_eq(rd(f, 1, 0x80), 0); /* INIT reset the LAPIC */
    wr(f, 0, 0x300, 0x000c4600 | 0x9f);
    ck_assert_int_eq(f->sipis, 2);
    ck_assert_int_eq(f->sipi_vec, 0x9f);
    /* INIT level de-assert does nothing. */
    wr(f, 0, 0x300, 0x000c8500);
    ck_assert_uint_eq(f->rec.raised[1 * P_COUNT + P_INIT], 1);
    /* MSI (the INIT left CPU 2's APIC software-disabled). */
    wr(f, 2, 0xf0, 0x1ff);
    apic_bus_msi(f->bus, 0xfee02000, 0x0065);
    ck_assert_int_eq(ack_eoi(f, 2), 0x65);
    fixture_free(f);
}
END_TEST

START_TEST(test_random_register_writes)
{
    Fixture *f = fixture_new();
    uint32_t seed = 1234;
    for (int i = 0; i < 50000; i++) {
        uint32_t r = test_rand(&seed);
        int cpu = r % NCPU;
        uint32_t off = (test_rand(&seed) % 0x1000) & ~3u;
        uint32_t v = test_rand(&seed) | test_rand(&seed) << 24;
        if (off == 0x300 && (v & 0x700) == 0x500) {
            continue; /* keep INIT storms out of a register test */
        }
        if (r & 0x100) {
            wr(f, cpu, off, v);
        } else {
            (void)rd(f, cpu, off);
        }
        if ((r & 0xf000) == 0) {
            clock_step(f->t->m->clock, v % 10000);
            (void)ack(f, cpu);
        }
    }
    f->current = 77; /* a CPU that does not exist */
    ck_assert_uint_eq(readl(f->t, APIC_DEFAULT_BASE + 0x20), 0);
    fixture_free(f);
}
END_TEST

Suite *suite_lapic(void)
{
    Suite *s = suite_create("lapic");
    TCase *tc = tcase_create("lapic");
    tcase_add_test(tc, test_ids_and_window_per_cpu);
    tcase_add_test(tc, test_timer_oneshot_and_periodic);
    tcase_add_test(tc, test_timer_tsc_deadline);
    tcase_add_test(tc, test_priority_and_tpr);
    tcase_add_test(tc, test_extint_passthrough);
    tcase_add_test(tc, test_ipis);
    tcase_add_test(tc, test_random_register_writes);
    suite_add_tcase(s, tc);
    return s;
}
