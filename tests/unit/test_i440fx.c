/* The i440FX: configuration mechanism details, PAM modes, SMRAM, 0xcf9. */
#include <string.h>

#include "hw/pc/i440fx.h"
#include "tests/unit/chipset_fixture.h"

typedef struct Fixture {
    TestBoard *t;
    PciBus *bus;
    I440fx *host;
    MemRegion *bios;
    int cf9_writes;
    uint8_t cf9_last;
} Fixture;

static uint64_t cf9_read(void *opaque, uint64_t off, unsigned size)
{
    return ((Fixture *)opaque)->cf9_last;
}

static void cf9_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    Fixture *f = opaque;
    f->cf9_writes++;
    f->cf9_last = v;
}

static const MemOps cf9_ops = {cf9_read, cf9_write, 1, 1};

/* A 128 KiB "BIOS" at the top of 4 GiB with its low alias, as pc.c maps
 * it; every byte holds 0xb0 | (offset >> 16). */
static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(8);
    AddressSpace *as = f->t->m->as;
    f->bios = as_add_rom(as, "bios", 0xfffe0000ULL, 0x20000, 1);
    memset(mr_host(f->bios), 0xb0, 0x10000);
    memset(mr_host(f->bios) + 0x10000, 0xb1, 0x10000);
    ck_assert_ptr_nonnull(as_add_alias(as, "isa-bios", 0xe0000, 0x20000,
                                       f->bios, 0, PC_BIOS_ALIAS_PRIO));
    f->bus = pci_bus_new(f->t->m);
    f->host = i440fx_new(f->t->m, f->bus, f->t->ram, f->bios, 0xe0000);
    ck_assert_ptr_nonnull(f->host);
    i440fx_set_cf9_handler(f->host, &cf9_ops, f);
    machine_reset(f->t->m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

START_TEST(test_config_access_widths)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    outl(t, 0xcf8, 0x80000000u);
    ck_assert_uint_eq(inl(t, 0xcfc), 0x12378086);
    ck_assert_uint_eq(inw(t, 0xcfe), 0x1237);
    ck_assert_uint_eq(inb(t, 0xcff), 0x12);
    ck_assert_uint_eq(inb(t, 0xcfd), 0x80);
    /* Odd register bits in 0xcf8 are dropped; the port picks the byte. */
    outl(t, 0xcf8, 0x80000003u);
    ck_assert_uint_eq(inl(t, 0xcf8), 0x80000000u);
    /* A byte write to 0xcf9 goes to the reset control handler, and does
     * not change the address register. */
    outb(t, 0xcf9, 0x06);
    ck_assert_int_eq(f->cf9_writes, 1);
    ck_assert_uint_eq(f->cf9_last, 6);
    ck_assert_uint_eq(inb(t, 0xcf9), 6);
    ck_assert_uint_eq(inl(t, 0xcf8), 0x80000000u);
    /* Word writes to 0xcf8 do nothing. */
    outw(t, 0xcf8, 0x1234);
    ck_assert_uint_eq(inl(t, 0xcf8), 0x80000000u);
    fixture_free(f);
}
END_TEST

static void set_pam(TestBoard *t, int reg, uint8_t v)
{
    pci_writeb(t, 0, I440FX_PAM0 + reg, v);
}

START_TEST(test_pam_modes_f_segment)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    uint8_t *ram = mr_host(t->ram);
    ram[0xf0000] = 0x11;
    /* Reset: disabled, reads the ROM, writes are dropped. */
    ck_assert_uint_eq(readb(t, 0xf0000), 0xb1);
    ck_assert_uint_eq(readb(t, 0xe0000), 0xb0);
    writeb(t, 0xf0000, 0x22);
    ck_assert_uint_eq(ram[0xf0000], 0x11);
    /* Write-only: reads the ROM, writes reach RAM. */
    set_pam(t, 0, 0x20);
    writeb(t, 0xf0000, 0x33);
    ck_assert_uint_eq(ram[0xf0000], 0x33);
    ck_assert_uint_eq(readb(t, 0xf0000), 0xb1);
    ck_assert_uint_eq(readl(t, 0xf0000), 0xb1b1b1b1u);
    /* Read/write: RAM. */
    set_pam(t, 0, 0x30);
    ck_assert_uint_eq(readb(t, 0xf0000), 0x33);
    writel(t, 0xffffc, 0x12345678);
    ck_assert_uint_eq(readl(t, 0xffffc), 0x12345678);
    /* Read-only: RAM, writes dropped. */
    set_pam(t, 0, 0x10);
    writeb(t, 0xf0000, 0x44);
    ck_assert_uint_eq(readb(t, 0xf0000), 0x33);
    /* The E segment (PAM5/6) was untouched: still ROM. */
    ck_assert_uint_eq(readb(t, 0xe0000), 0xb0);
    /* Reserved bits do not stick. */
    set_pam(t, 0, 0xff);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_PAM0), 0x30);
    /* DMA sees the same map: RAM when mapped. */
    uint8_t buf[4];
    ck_assert_int_eq(as_dma_read(t->m->as, 0xffffc, buf, 4), 0);
    ck_assert_uint_eq(buf[0], 0x78);
    /* Reset puts the ROM back. */
    machine_reset(t->m, RESET_WARM);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_PAM0), 0);
    ck_assert_uint_eq(readb(t, 0xf0000), 0xb1);
    fixture_free(f);
}
END_TEST

START_TEST(test_pam_c_segments)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    uint8_t *ram = mr_host(t->ram);
    memset(ram + 0xc0000, 0x5c, 0x20000);
    /* Disabled: no ROM there, nothing answers. */
    ck_assert_uint_eq(readl(t, 0xc0000), 0xffffffffu);
    ck_assert_uint_eq(readb(t, 0xdffff), 0xff);
    /* PAM1 low nibble is C0000-C3FFF, high nibble C4000-C7FFF. */
    set_pam(t, 1, 0x03);
    ck_assert_uint_eq(readb(t, 0xc0000), 0x5c);
    ck_assert_uint_eq(readb(t, 0xc3fff), 0x5c);
    ck_assert_uint_eq(readb(t, 0xc4000), 0xff);
    set_pam(t, 1, 0x31);
    writeb(t, 0xc0000, 0x01);
    writeb(t, 0xc4000, 0x02);
    ck_assert_uint_eq(readb(t, 0xc0000), 0x5c);
    ck_assert_uint_eq(readb(t, 0xc4000), 0x02);
    /* PAM6 high nibble: EC000-EFFFF over the ROM alias. */
    ck_assert_uint_eq(readb(t, 0xec000), 0xb0);
    set_pam(t, 6, 0x30);
    ck_assert_uint_eq(readb(t, 0xec000), 0);
    ck_assert_uint_eq(readb(t, 0xe8000), 0xb0);
    /* Dword writes like SeaBIOS's make_bios_writable. */
    pci_writel(t, 0, 0x58, 0x33333000);
    pci_writel(t, 0, 0x5c, 0x33333333);
    ck_assert_uint_eq(pci_readl(t, 0, 0x58) & 0xffffff00u, 0x33333000u);
    writeb(t, 0xd4000, 0x77);
    ck_assert_uint_eq(ram[0xd4000], 0x77);
    fixture_free(f);
}
END_TEST

START_TEST(test_smram_open)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM), 0x02);
    pci_writeb(t, 0, I440FX_SMRAM, 0x4a); /* D_OPEN | G_SMRAME */
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM), 0x4a);
    writeb(t, 0xa0000, 0x99);
    ck_assert_uint_eq(mr_host(t->ram)[0xa0000], 0x99);
    /* D_LCK closes and freezes it until reset. */
    pci_writeb(t, 0, I440FX_SMRAM, 0x5a);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM) & 0x40, 0);
    pci_writeb(t, 0, I440FX_SMRAM, 0x4a);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM) & 0x50, 0x10);
    machine_reset(t->m, RESET_WARM);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM), 0x02);
    pci_writeb(t, 0, I440FX_SMRAM, 0x4a);
    ck_assert_uint_eq(pci_readb(t, 0, I440FX_SMRAM), 0x4a);
    fixture_free(f);
}
END_TEST

START_TEST(test_random_host_writes)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    uint32_t seed = 42;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = test_rand(&seed);
        switch (r % 4) {
        case 0:
            outl(t, 0xcf8, 0x80000000u | (test_rand(&seed) & 0xff));
            break;
        case 1:
            iobus_write(t->m->io, 0xcfc + (r >> 4) % 4, test_rand(&seed),
                        1);
            break;
        case 2:
            writeb(t, 0xc0000 + test_rand(&seed) % 0x40000, r);
            break;
        default:
            (void)readl(t, 0xc0000 + (test_rand(&seed) % 0x40000 & ~3u));
            break;
        }
    }
    ck_assert_uint_eq(pci_readl(t, 0, 0), 0x12378086);
    fixture_free(f);
}
END_TEST

Suite *suite_i440fx(void)
{
    Suite *s = suite_create("i440fx");
    TCase *tc = tcase_create("host");
    tcase_add_test(tc, test_config_access_widths);
    tcase_add_test(tc, test_pam_modes_f_segment);
    tcase_add_test(tc, test_pam_c_segments);
    tcase_add_test(tc, test_smram_open);
    tcase_add_test(tc, test_random_host_writes);
    suite_add_tcase(s, tc);
    return s;
}
