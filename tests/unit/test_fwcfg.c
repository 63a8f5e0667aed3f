/* fw_cfg: the port and DMA interfaces, the file directory, hostile DMA. */
#include <string.h>

#include "hw/pc/cmos_layout.h"
#include "hw/pc/e820.h"
#include "hw/pc/fw_cfg.h"
#include "tests/unit/chipset_fixture.h"

typedef struct Fixture {
    TestBoard *t;
    FwCfg *fw;
} Fixture;

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->t = test_board_new(4);
    f->fw = fw_cfg_new(f->t->m, FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE);
    ck_assert_ptr_nonnull(f->fw);
    machine_reset(f->t->m, RESET_COLD);
    return f;
}

static void fixture_free(Fixture *f)
{
    test_board_free(f->t);
    free(f);
}

static void port_read(TestBoard *t, uint16_t key, void *buf, size_t len)
{
    outw(t, FW_CFG_IO_BASE, key);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = inb(t, FW_CFG_IO_BASE + 1);
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint32_t bswap(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
           (v << 24);
}

/* Write a descriptor at @desc and kick the DMA; returns the control word
 * the device wrote back. */
static uint32_t dma(TestBoard *t, uint64_t desc, uint32_t control,
                    uint32_t length, uint64_t addr)
{
    uint8_t d[16];
    for (int i = 0; i < 4; i++) {
        d[i] = control >> (24 - 8 * i);
        d[4 + i] = length >> (24 - 8 * i);
    }
    for (int i = 0; i < 8; i++) {
        d[8 + i] = addr >> (56 - 8 * i);
    }
    if (as_dma_write(t->m->as, desc, d, 16) == 0) {
        /* leave it */
    }
    outl(t, FW_CFG_DMA_IO_BASE, bswap((uint32_t)(desc >> 32)));
    outl(t, FW_CFG_DMA_IO_BASE + 4, bswap((uint32_t)desc));
    uint8_t back[4] = {0xee, 0xee, 0xee, 0xee};
    as_dma_read(t->m->as, desc, back, 4);
    return be32(back);
}

START_TEST(test_signature_and_id)
{
    Fixture *f = fixture_new();
    char sig[5] = {0};
    port_read(f->t, FW_CFG_SIGNATURE, sig, 4);
    ck_assert_str_eq(sig, "QEMU");
    uint8_t id[4];
    port_read(f->t, FW_CFG_ID, id, 4);
    ck_assert_uint_eq(id[0], 3);
    /* Past the end and unknown keys read zeros. */
    ck_assert_uint_eq(inb(f->t, FW_CFG_IO_BASE + 1), 0);
    outw(f->t, FW_CFG_IO_BASE, 0x1234);
    ck_assert_uint_eq(inb(f->t, FW_CFG_IO_BASE + 1), 0);
    outw(f->t, FW_CFG_IO_BASE, 0xffff);
    ck_assert_uint_eq(inb(f->t, FW_CFG_IO_BASE + 1), 0);
    fw_cfg_add_i16(f->fw, FW_CFG_NB_CPUS, 4);
    uint16_t n;
    port_read(f->t, FW_CFG_NB_CPUS, &n, 2);
    ck_assert_uint_eq(n, 4);
    fw_cfg_add_i32(f->fw, FW_CFG_IRQ0_OVERRIDE, 1);
    uint8_t b;
    port_read(f->t, FW_CFG_IRQ0_OVERRIDE, &b, 1);
    ck_assert_uint_eq(b, 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_file_directory_port)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    ck_assert_int_eq(fw_cfg_add_file(f->fw, "etc/one", "hello", 5), 0);
    ck_assert_int_eq(fw_cfg_add_file(f->fw, "etc/two", "world!", 6), 0);
    ck_assert_int_eq(fw_cfg_add_file(f->fw, "etc/one", "HELLO", 5), 0);
    char longname[80];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[79] = 0;
    ck_assert_int_eq(fw_cfg_add_file(f->fw, longname, "", 0), -1);
    uint8_t count[4];
    port_read(t, FW_CFG_FILE_DIR, count, 4);
    ck_assert_uint_eq(be32(count), 2);
    uint8_t ent[64];
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 64; j++) {
            ent[j] = inb(t, FW_CFG_IO_BASE + 1);
        }
        uint32_t size = be32(ent);
        uint16_t key = ent[4] << 8 | ent[5];
        const char *name = (const char *)ent + 8;
        char data[8] = {0};
        if (!strcmp(name, "etc/one")) {
            ck_assert_uint_eq(size, 5);
            port_read(t, key, data, size);
            ck_assert_str_eq(data, "HELLO");
        } else {
            ck_assert_str_eq(name, "etc/two");
            ck_assert_uint_eq(size, 6);
            port_read(t, key, data, size);
            ck_assert_str_eq(data, "world!");
        }
        /* Back to the directory where we were. */
        port_read(t, FW_CFG_FILE_DIR, count, 4);
        for (int k = 0; k <= i; k++) {
            for (int j = 0; j < 64; j++) {
                (void)inb(t, FW_CFG_IO_BASE + 1);
            }
        }
    }
    fixture_free(f);
}
END_TEST

START_TEST(test_dma_read_skip_select)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    uint8_t data[10000];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = i * 7;
    }
    fw_cfg_add_file(f->fw, "etc/big", data, sizeof(data));
    uint32_t len;
    ck_assert_ptr_nonnull(fw_cfg_find_file(f->fw, "etc/big", &len));
    ck_assert_uint_eq(len, sizeof(data));
    uint16_t key = FW_CFG_FILE_FIRST;
    uint8_t *ram = mr_host(t->ram);
    memset(ram + 0x10000, 0xcc, 0x4000);
    /* Select + read 100 bytes. */
    ck_assert_uint_eq(dma(t, 0x1000, key << 16 | FW_CFG_DMA_CTL_SELECT |
                          FW_CFG_DMA_CTL_READ, 100, 0x10000), 0);
    ck_assert_int_eq(memcmp(ram + 0x10000, data, 100), 0);
    ck_assert_uint_eq(ram[0x10000 + 100], 0xcc);
    /* Skip 900, then read the rest and beyond: zeros past the end. */
    ck_assert_uint_eq(dma(t, 0x1000, FW_CFG_DMA_CTL_SKIP, 900, 0), 0);
    ck_assert_uint_eq(dma(t, 0x1000, FW_CFG_DMA_CTL_READ, 9100, 0x20000), 0);
    ck_assert_int_eq(memcmp(ram + 0x20000, data + 1000, 9000), 0);
    ck_assert_uint_eq(ram[0x20000 + 9000], 0);
    ck_assert_uint_eq(ram[0x20000 + 9099], 0);
    /* The port sees the same offset (at the end now). */
    ck_assert_uint_eq(inb(t, FW_CFG_IO_BASE + 1), 0);
    /* Signature via DMA; the ID's DMA bit. */
    ck_assert_uint_eq(dma(t, 0x1000, FW_CFG_SIGNATURE << 16 |
                          FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
                          0x30000), 0);
    ck_assert_int_eq(memcmp(ram + 0x30000, "QEMU", 4), 0);
    /* Control without an operation: nothing, success. */
    ck_assert_uint_eq(dma(t, 0x1000, 0, 100, 0x30000), 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_dma_hostile)
{
    Fixture *f = fixture_new();
    TestBoard *t = f->t;
    fw_cfg_add_file(f->fw, "etc/x", "abcdefgh", 8);
    uint16_t key = FW_CFG_FILE_FIRST;
    uint32_t sel = key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    uint8_t *ram = mr_host(t->ram);
    /* Data range beyond RAM (4 MiB): error, nothing written. */
    ck_assert_uint_eq(dma(t, 0x1000, sel, 8, 0x3ffffc),
                      FW_CFG_DMA_CTL_ERROR);
    ck_assert_uint_eq(ram[0x3ffffc], 0);
    /* A wrapping address. */
    ck_assert_uint_eq(dma(t, 0x1000, sel, 8, 0xfffffffffffffffcULL),
                      FW_CFG_DMA_CTL_ERROR);
    /* Huge length into unmapped space. */
    ck_assert_uint_eq(dma(t, 0x1000, sel, 0xffffffff, 0xf0000000ULL),
                      FW_CFG_DMA_CTL_ERROR);
    /* Writes are refused. */
    ck_assert_uint_eq(dma(t, 0x1000, key << 16 | FW_CFG_DMA_CTL_SELECT |
                          FW_CFG_DMA_CTL_WRITE, 4, 0x2000),
                      FW_CFG_DMA_CTL_ERROR);
    /* The item's bytes have no terminating NUL: compare all 8. */
    uint32_t xlen = 0;
    const uint8_t *x = fw_cfg_find_file(f->fw, "etc/x", &xlen);
    ck_assert_uint_eq(xlen, 8);
    ck_assert_int_eq(memcmp(x, "abcdefgh", 8), 0);
    /* A descriptor outside RAM, or straddling its end: ignored. */
    outl(t, FW_CFG_DMA_IO_BASE, 0);
    outl(t, FW_CFG_DMA_IO_BASE + 4, bswap(0x3ffff8));
    outl(t, FW_CFG_DMA_IO_BASE, bswap(0x12345678));
    outl(t, FW_CFG_DMA_IO_BASE + 4, bswap(0));
    /* DMA over the descriptor itself is fine (it is RAM). */
    ck_assert_uint_eq(dma(t, 0x1000, sel, 8, 0x1000), 0);
    /* Random descriptors must not crash. */
    uint32_t seed = 7;
    for (int i = 0; i < 3000; i++) {
        uint32_t c = test_rand(&seed) | test_rand(&seed) << 24;
        uint32_t l = test_rand(&seed) % 70000;
        uint64_t a = (uint64_t)test_rand(&seed) << (test_rand(&seed) % 40);
        dma(t, 0x1000 + (test_rand(&seed) % 0x1000), c, l, a);
    }
    fixture_free(f);
}
END_TEST

START_TEST(test_e820_encoding)
{
    E820Table tb = {0};
    ck_assert_int_eq(e820_add(&tb, 0, 0x8000000, E820_RAM), 0);
    ck_assert_int_eq(e820_add(&tb, 0x100000000ULL, 0x40000000, E820_RAM), 0);
    ck_assert_int_eq(e820_add(&tb, 0, 0, E820_RAM), -1);
    ck_assert_int_eq(e820_add(&tb, ~0ULL, 2, E820_RAM), -1);
    uint8_t out[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
    ck_assert_uint_eq(e820_encode(&tb, out), 40);
    ck_assert_uint_eq(out[11], 0x08);
    ck_assert_uint_eq(out[16], 1);
    ck_assert_uint_eq(out[20 + 4], 1);
    ck_assert_uint_eq(out[20 + 11], 0x40);
}
END_TEST

static void cmos_set(void *opaque, int index, uint8_t v)
{
    ((int *)opaque)[index] = v;
}

START_TEST(test_cmos_layout)
{
    int cmos[128];
    for (int i = 0; i < 128; i++) {
        cmos[i] = -1;
    }
    ck_assert_int_eq(pc_cmos_layout(128ULL << 20, 1ULL << 30, 4, "dc",
                                    cmos_set, cmos), 0);
    /* SeaBIOS: RamSize = ((0x35:0x34) << 16) + 16 MiB. */
    ck_assert_int_eq(((cmos[0x35] << 8 | cmos[0x34]) << 16) + (16 << 20),
                     128 << 20);
    ck_assert_int_eq(cmos[0x30] | cmos[0x31] << 8, 0xffff); /* capped */
    ck_assert_int_eq(cmos[0x5b] | cmos[0x5c] << 8 | cmos[0x5d] << 16,
                     (1 << 30) >> 16);
    ck_assert_int_eq(cmos[0x5f], 3);
    ck_assert_int_eq(cmos[0x3d], 0x23);
    ck_assert_int_eq(cmos[0x38], 0x01);
    ck_assert_int_eq(pc_cmos_layout(1 << 20, 0, 1, "x", cmos_set, cmos),
                     -1);
}
END_TEST

Suite *suite_fwcfg(void)
{
    Suite *s = suite_create("fwcfg");
    TCase *tc = tcase_create("fw_cfg");
    tcase_add_test(tc, test_signature_and_id);
    tcase_add_test(tc, test_file_directory_port);
    tcase_add_test(tc, test_dma_read_skip_select);
    tcase_add_test(tc, test_dma_hostile);
    tcase_add_test(tc, test_e820_encoding);
    tcase_add_test(tc, test_cmos_layout);
    suite_add_tcase(s, tc);
    return s;
}
