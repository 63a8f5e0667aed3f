/* The PCI bus: config space masks, BAR sizing and mapping, INTx, caps. */
#include "hw/pci/pci.h"
#include "hw/pc/i440fx.h"
#include "tests/unit/chipset_fixture.h"

typedef struct Dummy {
    uint32_t io_last;
    uint64_t mem_last;
    int refreshed;
} Dummy;

static uint64_t dummy_io_read(void *opaque, uint64_t off, unsigned size)
{
    return 0xa0 + off;
}

static void dummy_io_write(void *opaque, uint64_t off, uint64_t v,
                           unsigned size)
{
    ((Dummy *)opaque)->io_last = (uint32_t)(off << 16 | v);
}

static const MemOps dummy_io_ops = {dummy_io_read, dummy_io_write, 1, 4};

static uint64_t dummy_mem_read(void *opaque, uint64_t off, unsigned size)
{
    return 0x11110000u + off;
}

static void dummy_mem_write(void *opaque, uint64_t off, uint64_t v,
                            unsigned size)
{
    ((Dummy *)opaque)->mem_last = off << 32 | v;
}

static const MemOps dummy_mem_ops = {dummy_mem_read, dummy_mem_write, 4, 4};

static void dummy_refresh(void *opaque, PciDevice *d)
{
    ((Dummy *)opaque)->refreshed++;
}

static const PciDeviceOps dummy_ops = {.refresh = dummy_refresh};

typedef struct Fixture {
    TestBoard *t;
    PciBus *bus;
    I440fx *host;
    PciDevice *dev;
    Dummy dummy;
    IrqRecorder rec;
} Fixture;

static int swizzle(void *opaque, int devfn, int pin)
{
    return ((devfn >> 3) + pin) & 3;
}

#define DEVFN PCI_DEVFN(3, 0)

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(16);
    f->bus = pci_bus_new(f->t->m);
    f->host = i440fx_new(f->t->m, f->bus, f->t->ram, NULL, 0);
    ck_assert_ptr_nonnull(f->host);
    f->dev = pci_register(f->bus, DEVFN, "dummy", &dummy_ops, &f->dummy);
    ck_assert_ptr_nonnull(f->dev);
    pci_set_ids(f->dev, 0x1234, 0x5678, 1, 0x020000);
    pci_set_intx_pin(f->dev, 2); /* INTB */
    ck_assert_int_eq(pci_register_bar_io(f->dev, 0, 32, &dummy_io_ops,
                                         &f->dummy), 0);
    ck_assert_int_eq(pci_register_bar_mem(f->dev, 1, PCI_BAR_MEM32, 0x1000,
                                          &dummy_mem_ops, &f->dummy), 0);
    ck_assert_int_eq(pci_register_bar_mem(f->dev, 2, PCI_BAR_MEM64 |
                                          PCI_BAR_PREFETCH, 0x100000,
                                          &dummy_mem_ops, &f->dummy), 0);
    static const uint8_t rom[3000] = {0x55, 0xaa, 7};
    ck_assert_int_eq(pci_register_rom(f->dev, rom, sizeof(rom)), 0);
    ck_assert_int_eq(pci_add_capability(f->dev, 0x05, 0x50, 8), 0x50);
    ck_assert_int_eq(pci_add_capability(f->dev, 0x01, 0x60, 8), 0x60);
    pci_device_init_done(f->dev);
    IrqLine lines[4];
    for (int i = 0; i < 4; i++) {
        lines[i] = irq_recorder_line(&f->rec, i);
    }
    pci_bus_set_irq_route(f->bus, swizzle, NULL, lines);
    machine_reset(f->t->m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

START_TEST(test_config_ids_and_absent)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_uint_eq(pci_readl(t, 0, 0), 0x12378086);
    ck_assert_uint_eq(pci_readw(t, 0, PCI_SUBSYSTEM_VENDOR_ID), 0x1af4);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0), 0x56781234);
    ck_assert_uint_eq(pci_readb(t, DEVFN, PCI_CLASS_DEVICE + 1), 0x02);
    ck_assert_uint_eq(pci_readb(t, DEVFN, 2), 0x78);
    ck_assert_uint_eq(pci_readw(t, DEVFN, 2), 0x5678);
    /* Absent functions and other buses read all ones. */
    ck_assert_uint_eq(pci_readl(t, PCI_DEVFN(4, 0), 0), 0xffffffffu);
    outl(t, 0xcf8, 0x80010000u);
    ck_assert_uint_eq(inl(t, 0xcfc), 0xffffffffu);
    /* Without the enable bit nothing is decoded. */
    outl(t, 0xcf8, 0x00000000u);
    ck_assert_uint_eq(inl(t, 0xcfc), 0xffffffffu);
    /* The address register reads back (firmware's PCI probe). */
    outl(t, 0xcf8, 0x80000000u);
    ck_assert_uint_eq(inl(t, 0xcf8), 0x80000000u);
    /* Read-only header bytes stay. */
    pci_writel(t, DEVFN, 0, 0);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0), 0x56781234);
    /* Interrupt line is writable, pin is not. */
    pci_writew(t, DEVFN, PCI_INTERRUPT_LINE, 0x050b);
    ck_assert_uint_eq(pci_readw(t, DEVFN, PCI_INTERRUPT_LINE), 0x020b);
    ck_assert_int_ge(f->dummy.refreshed, 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_bar_sizing)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pci_writel(t, DEVFN, 0x10, 0xffffffff);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x10), 0xffffffe1);
    pci_writel(t, DEVFN, 0x14, 0xffffffff);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x14), 0xfffff000);
    pci_writel(t, DEVFN, 0x18, 0xffffffff);
    pci_writel(t, DEVFN, 0x1c, 0xffffffff);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x18), 0xfff0000c);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x1c), 0xffffffff);
    pci_writel(t, DEVFN, 0x20, 0xffffffff);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x20), 0);
    pci_writel(t, DEVFN, 0x30, 0xffffffff);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x30), 0xfffff001);
    fixture_free(f);
}
END_TEST

START_TEST(test_bar_mapping)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pci_writel(t, DEVFN, 0x10, 0xc000);
    pci_writel(t, DEVFN, 0x14, 0xfe000000);
    pci_writel(t, DEVFN, 0x18, 0x00000000);
    pci_writel(t, DEVFN, 0x1c, 0x1);          /* 0x1_0000_0000 */
    pci_writel(t, DEVFN, 0x30, 0xfd000000);   /* ROM, not enabled yet */
    /* Nothing decodes until the command register says so. */
    ck_assert_uint_eq(inb(t, 0xc004), 0xff);
    ck_assert_uint_eq(readl(t, 0xfe000010), 0xffffffffu);
    pci_writew(t, DEVFN, PCI_COMMAND, PCI_COMMAND_IO);
    ck_assert_uint_eq(inb(t, 0xc004), 0xa4);
    outb(t, 0xc01f, 0x5a);
    ck_assert_uint_eq(f->dummy.io_last, 0x1f005a);
    ck_assert_uint_eq(readl(t, 0xfe000010), 0xffffffffu);
    pci_writew(t, DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    ck_assert_uint_eq(readl(t, 0xfe000010), 0x11110010u);
    ck_assert_uint_eq(readl(t, 0x100000ff0ULL), 0x11110ff0u);
    writel(t, 0xfe000ffc, 0xdeadbeef);
    ck_assert_uint_eq(f->dummy.mem_last, 0xffcULL << 32 | 0xdeadbeef);
    ck_assert_uint_eq(pci_bar_addr(f->dev, 1), 0xfe000000);
    ck_assert_uint_eq(pci_bar_addr(f->dev, 2), 0x100000000ULL);
    /* ROM: the enable bit maps it. */
    ck_assert_uint_eq(readb(t, 0xfd000000), 0xff);
    pci_writel(t, DEVFN, 0x30, 0xfd000001);
    ck_assert_uint_eq(readb(t, 0xfd000000), 0x55);
    ck_assert_uint_eq(readb(t, 0xfd000002), 7);
    /* Move the I/O BAR and the memory BAR. */
    pci_writel(t, DEVFN, 0x10, 0xd000);
    ck_assert_uint_eq(inb(t, 0xc004), 0xff);
    ck_assert_uint_eq(inb(t, 0xd004), 0xa4);
    pci_writel(t, DEVFN, 0x14, 0xfe100000);
    ck_assert_uint_eq(readl(t, 0xfe000010), 0xffffffffu);
    ck_assert_uint_eq(readl(t, 0xfe100010), 0x11110010u);
    /* Sizing while decoding is on leaves nothing at the top of 4 GiB. */
    pci_writel(t, DEVFN, 0x14, 0xffffffff);
    ck_assert_uint_eq(pci_bar_addr(f->dev, 1), PCI_BAR_UNMAPPED);
    ck_assert_uint_eq(readl(t, 0xfe100010), 0xffffffffu);
    /* An I/O BAR over the config ports is refused, not a crash. */
    pci_writel(t, DEVFN, 0x10, 0xce0);
    ck_assert_uint_eq(inl(t, 0xcf8) & 0x80000000u, 0x80000000u);
    /* Memory decoding off unmaps everything memory. */
    pci_writew(t, DEVFN, PCI_COMMAND, 0);
    ck_assert_uint_eq(readl(t, 0x100000ff0ULL), 0xffffffffu);
    ck_assert_uint_eq(readb(t, 0xfd000000), 0xff);
    /* Reset unmaps and restores the power-on config. */
    pci_writew(t, DEVFN, PCI_COMMAND, 3);
    pci_writel(t, DEVFN, 0x10, 0xd000);
    machine_reset(t->m, RESET_WARM);
    ck_assert_uint_eq(pci_readl(t, DEVFN, 0x10), 1);
    ck_assert_uint_eq(inb(t, 0xd004), 0xff);
    fixture_free(f);
}
END_TEST

START_TEST(test_intx_routing)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    /* slot 3, INTB: (3 + 1) & 3 = PIRQA. */
    pci_set_irq(f->dev, 1);
    ck_assert_int_eq(f->rec.level[0], 1);
    ck_assert_uint_eq(pci_readw(t, DEVFN, PCI_STATUS) & PCI_STATUS_INTERRUPT,
                      PCI_STATUS_INTERRUPT);
    /* Interrupt disable masks the pin, status still shows it. */
    pci_writew(t, DEVFN, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
    ck_assert_int_eq(f->rec.level[0], 0);
    pci_writew(t, DEVFN, PCI_COMMAND, 0);
    ck_assert_int_eq(f->rec.level[0], 1);
    /* Status interrupt bit is read-only to the guest. */
    pci_writew(t, DEVFN, PCI_STATUS, 0xffff);
    ck_assert_uint_eq(pci_readw(t, DEVFN, PCI_STATUS) & PCI_STATUS_INTERRUPT,
                      PCI_STATUS_INTERRUPT);
    pci_set_irq(f->dev, 0);
    ck_assert_int_eq(f->rec.level[0], 0);
    ck_assert_uint_eq(f->rec.raised[0], 2);
    fixture_free(f);
}
END_TEST

START_TEST(test_capabilities)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_uint_eq(pci_readw(t, DEVFN, PCI_STATUS) & PCI_STATUS_CAP_LIST,
                      PCI_STATUS_CAP_LIST);
    uint8_t p = pci_readb(t, DEVFN, PCI_CAPABILITY_LIST);
    ck_assert_uint_eq(p, 0x60);
    ck_assert_uint_eq(pci_readb(t, DEVFN, p), 0x01);
    p = pci_readb(t, DEVFN, p + 1);
    ck_assert_uint_eq(p, 0x50);
    ck_assert_uint_eq(pci_readb(t, DEVFN, p), 0x05);
    ck_assert_uint_eq(pci_readb(t, DEVFN, p + 1), 0);
    pci_writel(t, DEVFN, 0x50, 0);
    ck_assert_uint_eq(pci_readb(t, DEVFN, 0x50), 0x05);
    fixture_free(f);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    pci_writel(t, DEVFN, 0x10, 0xd000);
    pci_writew(t, DEVFN, PCI_COMMAND, PCI_COMMAND_IO);
    Device *d = device_find(&t->m->devices, "pci-bus");
    ck_assert_ptr_nonnull(d);
    SnapBuf b = {0};
    ck_assert_int_eq(device_save(d, &b), 0);
    machine_reset(t->m, RESET_WARM);
    ck_assert_uint_eq(inb(t, 0xd004), 0xff);
    ck_assert_int_eq(device_load(d, &b), 0);
    ck_assert_uint_eq(inb(t, 0xd004), 0xa4);
    snapbuf_free(&b);
    fixture_free(f);
}
END_TEST

START_TEST(test_random_config_writes)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    uint32_t seed = 0xc0ffee;
    for (int i = 0; i < 20000; i++) {
        int devfn = (test_rand(&seed) & 1) ? DEVFN : 0;
        int reg = test_rand(&seed) & 0xff;
        unsigned size = 1u << (test_rand(&seed) % 3);
        reg &= ~(size - 1);
        outl(t, 0xcf8, cfg_addr(devfn, reg));
        iobus_write(t->m->io, 0xcfc + (reg & 3), test_rand(&seed), size);
        (void)inl(t, 0xcfc);
    }
    /* The bus still answers sanely. */
    ck_assert_uint_eq(pci_readl(t, 0, 0), 0x12378086);
    fixture_free(f);
}
END_TEST

Suite *suite_pci(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("bus");
    tcase_add_test(tc, test_config_ids_and_absent);
    tcase_add_test(tc, test_bar_sizing);
    tcase_add_test(tc, test_bar_mapping);
    tcase_add_test(tc, test_intx_routing);
    tcase_add_test(tc, test_capabilities);
    tcase_add_test(tc, test_snapshot_roundtrip);
    tcase_add_test(tc, test_random_config_writes);
    suite_add_tcase(s, tc);
    return s;
}
