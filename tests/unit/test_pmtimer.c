/* The southbridge: PIIX4 PM (timer rate, carry, SCI, S5, APM, SMBus),
 * PIIX3 PIRQ routing and reset control, the ELCR. */
#include "hw/pc/elcr.h"
#include "hw/pc/i440fx.h"
#include "hw/pc/piix.h"
#include "hw/pc/piix4_pm.h"
#include "tests/unit/chipset_fixture.h"

#define ISA_FN PCI_DEVFN(1, 0)
#define PM_FN PCI_DEVFN(1, 3)
#define PMBASE 0x600
#define SCI_LINE 40

typedef struct Fixture {
    TestBoard *t;
    PciBus *bus;
    I440fx *host;
    Piix3 *isa;
    Piix4Pm *pm;
    Elcr *elcr;
    IrqRecorder rec;
    uint16_t elcr_seen;
    int elcr_calls;
} Fixture;

static void elcr_sink(void *opaque, uint16_t v)
{
    Fixture *f = opaque;
    f->elcr_seen = v;
    f->elcr_calls++;
}

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(2);
    Machine *m = f->t->m;
    f->bus = pci_bus_new(m);
    f->host = i440fx_new(m, f->bus, f->t->ram, NULL, 0);
    IrqLine isa[16];
    for (int i = 0; i < 16; i++) {
        isa[i] = irq_recorder_line(&f->rec, i);
    }
    f->isa = piix3_new(m, f->bus, ISA_FN, isa);
    f->pm = piix4_pm_new(m, f->bus, PM_FN,
                         irq_recorder_line(&f->rec, SCI_LINE));
    f->elcr = elcr_new(m, ELCR_IO_BASE, elcr_sink, f);
    ck_assert(f->host && f->isa && f->pm && f->elcr);
    i440fx_set_cf9_handler(f->host, &piix3_rcr_ops, f->isa);
    IrqLine pirq[4];
    for (int i = 0; i < 4; i++) {
        pirq[i] = piix3_pirq(f->isa, i);
    }
    pci_bus_set_irq_route(f->bus, piix3_map_irq, f->isa, pirq);
    machine_reset(m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

/* What SeaBIOS's piix4_pm_setup does. */
static void pm_enable(TestBoard *t)
{
    pci_writeb(t, PM_FN, PCI_INTERRUPT_LINE, 9);
    pci_writel(t, PM_FN, PIIX4_PMBA, PMBASE | 1);
    pci_writeb(t, PM_FN, PIIX4_PMREGMISC, 0x01);
    pci_writel(t, PM_FN, PIIX4_SMBBA, (PMBASE + 0x100) | 1);
    pci_writeb(t, PM_FN, PIIX4_SMBHSTCFG, 0x09);
}

START_TEST(test_ids_and_smm_marker)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_uint_eq(pci_readl(t, ISA_FN, 0), 0x70008086);
    ck_assert_uint_eq(pci_readb(t, ISA_FN, PCI_HEADER_TYPE), 0x80);
    ck_assert_uint_eq(pci_readl(t, PM_FN, 0), 0x71138086);
    ck_assert_uint_eq(pci_readb(t, PM_FN, PCI_INTERRUPT_PIN), 1);
    /* APMC_EN reads set and stays set. */
    ck_assert_uint_eq(pci_readl(t, PM_FN, PIIX4_DEVACTB) & (1u << 25),
                      1u << 25);
    pci_writel(t, PM_FN, PIIX4_DEVACTB, 0);
    ck_assert_uint_eq(pci_readl(t, PM_FN, PIIX4_DEVACTB) & (1u << 25),
                      1u << 25);
    fixture_free(f);
}
END_TEST

START_TEST(test_pm_timer_rate)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_uint_eq(inl(t, PMBASE + ACPI_PM_TMR), 0xffffffffu);
    pm_enable(t);
    uint32_t t0 = inl(t, PMBASE + ACPI_PM_TMR);
    clock_step(t->m->clock, NS_PER_SEC);
    uint32_t t1 = inl(t, PMBASE + ACPI_PM_TMR);
    ck_assert_uint_eq((t1 - t0) & 0xffffff, 3579545);
    ck_assert_uint_eq(t1 & 0xff000000u, 0);
    /* 1 ms is 3579.545 ticks. */
    clock_step(t->m->clock, 1000000);
    uint32_t t2 = inl(t, PMBASE + ACPI_PM_TMR);
    ck_assert_uint_ge((t2 - t1) & 0xffffff, 3579);
    ck_assert_uint_le((t2 - t1) & 0xffffff, 3580);
    /* Byte reads compose the same value. */
    uint32_t b = inb(t, PMBASE + 8) | inb(t, PMBASE + 9) << 8 |
                 inb(t, PMBASE + 10) << 16;
    ck_assert_uint_eq(b, t2);
    fixture_free(f);
}
END_TEST

START_TEST(test_pm_timer_carry_and_sci)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pm_enable(t);
    outw(t, PMBASE + ACPI_PM1_EN, ACPI_BITMASK_TIMER_STATUS);
    /* 2^23 ticks is about 2.3435 s. */
    clock_step(t->m->clock, 2343000000LL);
    ck_assert_uint_eq(inw(t, PMBASE) & 1, 0);
    clock_step(t->m->clock, 1000000);
    ck_assert_uint_eq(inw(t, PMBASE) & 1, 1);
    /* No SCI while SCI_EN is clear; enable ACPI through APM. */
    ck_assert_int_eq(f->rec.level[SCI_LINE], 0);
    outb(t, APM_CNT_PORT, ACPI_ENABLE_VALUE);
    ck_assert_uint_eq(inw(t, PMBASE + ACPI_PM1_CNT) & 1, 1);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 1);
    /* Write 1 to clear. */
    outw(t, PMBASE, 1);
    ck_assert_uint_eq(inw(t, PMBASE) & 1, 0);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 0);
    /* GPE and the power button. */
    outw(t, PMBASE + ACPI_GPE0_EN, 0x0002);
    piix4_pm_gpe(f->pm, 1);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 1);
    ck_assert_uint_eq(inw(t, PMBASE + ACPI_GPE0_STS), 2);
    outw(t, PMBASE + ACPI_GPE0_STS, 2);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 0);
    outw(t, PMBASE + ACPI_PM1_EN, ACPI_BITMASK_POWER_BUTTON_STATUS);
    piix4_pm_power_button(f->pm);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 1);
    outb(t, APM_CNT_PORT, ACPI_DISABLE_VALUE);
    ck_assert_int_eq(f->rec.level[SCI_LINE], 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_s5_soft_off)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pm_enable(t);
    /* SLP_TYP 1 (S3) is refused quietly. */
    outw(t, PMBASE + ACPI_PM1_CNT, 1 << 10 | ACPI_BITMASK_SLEEP_ENABLE);
    ck_assert(!t->m->shutdown_requested);
    ck_assert_uint_eq(inw(t, PMBASE + ACPI_PM1_CNT) & 0x2000, 0);
    outw(t, PMBASE + ACPI_PM1_CNT, ACPI_BITMASK_SLEEP_ENABLE);
    ck_assert(t->m->shutdown_requested);
    fixture_free(f);
}
END_TEST

START_TEST(test_pm_base_moves_and_smbus)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pm_enable(t);
    ck_assert_uint_ne(inl(t, PMBASE + 8), 0xffffffffu);
    pci_writel(t, PM_FN, PIIX4_PMBA, 0xb001);
    ck_assert_uint_eq(inl(t, PMBASE + 8), 0xffffffffu);
    ck_assert_uint_ne(inl(t, 0xb008), 0xffffffffu);
    pci_writeb(t, PM_FN, PIIX4_PMREGMISC, 0);
    ck_assert_uint_eq(inl(t, 0xb008), 0xffffffffu);
    /* Over the PCI config ports: refused, no crash. */
    pci_writel(t, PM_FN, PIIX4_PMBA, 0xcc1);
    pci_writeb(t, PM_FN, PIIX4_PMREGMISC, 1);
    ck_assert_uint_eq(inl(t, 0xcf8) >> 31, 1);
    /* SMBus: a transaction to nobody ends with DEV_ERR. */
    outb(t, PMBASE + 0x100 + 2, 0x48);
    ck_assert_uint_eq(inb(t, PMBASE + 0x100) & 0x04, 0x04);
    outb(t, PMBASE + 0x100, 0xff);
    ck_assert_uint_eq(inb(t, PMBASE + 0x100), 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_pirq_routing)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    /* SeaBIOS: PIRQA-D -> 10, 10, 11, 11. */
    pci_writel(t, ISA_FN, PIIX_PIRQC, 0x0b0b0a0a);
    IrqLine a = piix3_pirq(f->isa, 0), b = piix3_pirq(f->isa, 1);
    IrqLine c = piix3_pirq(f->isa, 2);
    irq_set(a, 1);
    ck_assert_int_eq(f->rec.level[10], 1);
    irq_set(b, 1);
    irq_set(a, 0);
    ck_assert_int_eq(f->rec.level[10], 1); /* B still holds it */
    irq_set(b, 0);
    ck_assert_int_eq(f->rec.level[10], 0);
    irq_set(c, 1);
    ck_assert_int_eq(f->rec.level[11], 1);
    /* Re-route C to 5 while asserted: 11 drops, 5 rises. */
    pci_writeb(t, ISA_FN, PIIX_PIRQC + 2, 5);
    ck_assert_int_eq(f->rec.level[11], 0);
    ck_assert_int_eq(f->rec.level[5], 1);
    /* Disabled or reserved IRQ numbers route nowhere. */
    pci_writeb(t, ISA_FN, PIIX_PIRQC + 2, 0x85);
    ck_assert_int_eq(f->rec.level[5], 0);
    pci_writeb(t, ISA_FN, PIIX_PIRQC + 2, 0x02);
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(f->rec.level[i], 0);
    }
    /* The swizzle: slot 2 INTA is PIRQC. */
    ck_assert_int_eq(piix3_map_irq(NULL, PCI_DEVFN(2, 0), 0), 2);
    ck_assert_int_eq(piix3_map_irq(NULL, PCI_DEVFN(3, 0), 2), 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_rcr_reset_and_elcr)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    outb(t, 0xcf9, 0x02);
    ck_assert_uint_eq(inb(t, 0xcf9), 0x02);
    ck_assert(!t->m->reset_requested);
    outb(t, 0xcf9, 0x06);
    ck_assert(t->m->reset_requested);
    /* ELCR: IRQ 0-2, 8 and 13 stay edge. */
    outb(t, ELCR_IO_BASE, 0xff);
    outb(t, ELCR_IO_BASE + 1, 0xff);
    ck_assert_uint_eq(inb(t, ELCR_IO_BASE), 0xf8);
    ck_assert_uint_eq(inb(t, ELCR_IO_BASE + 1), 0xde);
    ck_assert_uint_eq(f->elcr_seen, 0xdef8);
    outb(t, ELCR_IO_BASE + 1, 0x0c);
    ck_assert_uint_eq(elcr_get(f->elcr), 0x0cf8);
    machine_reset(t->m, RESET_WARM);
    ck_assert_uint_eq(f->elcr_seen, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_random_southbridge_writes)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pm_enable(t);
    uint32_t seed = 99;
    for (int i = 0; i < 30000; i++) {
        uint32_t r = test_rand(&seed);
        uint32_t v = test_rand(&seed);
        switch (r % 5) {
        case 0:
            pci_writeb(t, (r & 0x100) ? PM_FN : ISA_FN, (r >> 9) & 0xff, v);
            break;
        case 1:
            /* Avoid SLP_EN: a shutdown request ends nothing here, but
             * keep the run about register state. */
            outw(t, PMBASE + ((r >> 8) % 64 & ~1u), v & ~0x2000u);
            break;
        case 2:
            (void)inl(t, PMBASE + ((r >> 8) % 61));
            break;
        case 3:
            outb(t, PMBASE + 0x100 + (r >> 8) % 16, v);
            break;
        default:
            clock_step(t->m->clock, v % 1000000);
            break;
        }
    }
    ck_assert_uint_eq(pci_readl(t, PM_FN, 0), 0x71138086);
    fixture_free(f);
}
END_TEST

Suite *suite_pmtimer(void)
{
    Suite *s = suite_create("pmtimer");
    TCase *tc = tcase_create("southbridge");
    tcase_add_test(tc, test_ids_and_smm_marker);
    tcase_add_test(tc, test_pm_timer_rate);
    tcase_add_test(tc, test_pm_timer_carry_and_sci);
    tcase_add_test(tc, test_s5_soft_off);
    tcase_add_test(tc, test_pm_base_moves_and_smbus);
    tcase_add_test(tc, test_pirq_routing);
    tcase_add_test(tc, test_rcr_reset_and_elcr);
    tcase_add_test(tc, test_random_southbridge_writes);
    suite_add_tcase(s, tc);
    return s;
}
