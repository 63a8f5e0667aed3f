/* Multiboot v1 kernel loading. */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "hw/pc/multiboot.h"

static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t r32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t r64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* a.out kludge kernel: header at 0x40, loaded at 1 MiB. */
static uint8_t *aout_kernel(size_t *size)
{
    *size = 0x2000;
    uint8_t *k = calloc(1, *size);
    uint32_t flags = (1u << 16) | 3;
    w32(k + 0x40, MULTIBOOT_MAGIC);
    w32(k + 0x44, flags);
    w32(k + 0x48, -(MULTIBOOT_MAGIC + flags));
    w32(k + 0x4c, 0x100040);          /* header_addr */
    w32(k + 0x50, 0x100000);          /* load_addr */
    w32(k + 0x54, 0x101800);          /* load_end_addr */
    w32(k + 0x58, 0x104000);          /* bss_end_addr */
    w32(k + 0x5c, 0x100080);          /* entry */
    k[0x80] = 0xf4;
    k[0x17ff] = 0x77;                 /* last loaded byte */
    k[0x1800] = 0x99;                 /* not loaded */
    return k;
}

START_TEST(test_aout_kludge_and_mbi)
{
    size_t size;
    uint8_t *k = aout_kernel(&size);
    ck_assert_int_eq(multiboot_find_header(k, size), 0x40);
    static const uint8_t mod_a[] = "module-a";
    static const uint8_t mod_b[5000] = {1};
    MultibootModule mods[2] = {
        {mod_a, sizeof(mod_a), "a.bin arg1"},
        {mod_b, sizeof(mod_b), "b.bin"},
    };
    MultibootImage mb;
    char err[200];
    ck_assert_int_eq(multiboot_prepare(k, size, mods, 2, "kern opt=1",
                                       64 << 20, 0, &mb, err, sizeof(err)), 0);
    ck_assert_uint_eq(mb.blob_addr, 0x100000);
    ck_assert_uint_eq(mb.entry, 0x100080);
    const uint8_t *b = mb.blob;
#define AT(pa) (b + ((pa) - mb.blob_addr))
    ck_assert_uint_eq(*AT(0x100080), 0xf4);
    ck_assert_uint_eq(*AT(0x1017ff), 0x77);
    ck_assert_uint_eq(*AT(0x101800), 0);  /* bss is zero */
    ck_assert_uint_eq(*AT(0x103fff), 0);
    const uint8_t *mbi = AT(mb.mbi_addr);
    ck_assert_uint_eq(r32(mbi) & 0x24d, 0x24d); /* MEM CMDLINE MODS MMAP LOADER */
    ck_assert_uint_eq(r32(mbi + 4), 639);
    ck_assert_uint_eq(r32(mbi + 8), (64 << 10) - 1024);
    ck_assert_str_eq((const char *)AT(r32(mbi + 16)), "kern opt=1");
    ck_assert_str_eq((const char *)AT(r32(mbi + 64)), "pcvm");
    /* Modules: page aligned after the kernel's bss, in order. */
    ck_assert_uint_eq(r32(mbi + 20), 2);
    const uint8_t *ml = AT(r32(mbi + 24));
    ck_assert_uint_eq(r32(ml), 0x104000);
    ck_assert_uint_eq(r32(ml + 4), 0x104000 + sizeof(mod_a));
    ck_assert_str_eq((const char *)AT(r32(ml)), "module-a");
    ck_assert_str_eq((const char *)AT(r32(ml + 8)), "a.bin arg1");
    ck_assert_uint_eq(r32(ml + 16) % 4096, 0);
    ck_assert_uint_gt(r32(ml + 16), r32(ml + 4) - 1);
    ck_assert_str_eq((const char *)AT(r32(ml + 24)), "b.bin");
    /* Memory map: 4 entries of 24 bytes: low RAM, the EBDA and the BIOS
     * reserved, RAM above 1 MiB. */
    ck_assert_uint_eq(r32(mbi + 44), 96);
    const uint8_t *mm = AT(r32(mbi + 48));
    static const uint64_t want[4][3] = {{0, 0x9fc00, 1},
                                        {0x9fc00, 0x400, 2},
                                        {0xf0000, 0x10000, 2},
                                        {0x100000, (64 << 20) - 0x100000, 1}};
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(r32(mm + 24 * i), 20);
        ck_assert_uint_eq(r64(mm + 24 * i + 4), want[i][0]);
        ck_assert_uint_eq(r64(mm + 24 * i + 12), want[i][1]);
        ck_assert_uint_eq(r32(mm + 24 * i + 20), want[i][2]);
    }
    ck_assert_uint_le((uint64_t)mb.blob_addr + mb.blob_size, 64 << 20);
    multiboot_free(&mb);
    free(k);
}
END_TEST

START_TEST(test_elf_kernel)
{
    /* A minimal ELF32 with a multiboot header (flags 3) and two PT_LOADs. */
    size_t size = 0x3000;
    uint8_t *e = calloc(1, size);
    memcpy(e, "\x7f" "ELF", 4);
    e[4] = 1; /* 32-bit */
    e[5] = 1; /* little endian */
    e[18] = 3; /* EM_386 */
    w32(e + 24, 0x200010);  /* entry */
    w32(e + 28, 52);        /* phoff */
    e[42] = 32;             /* phentsize */
    e[44] = 2;              /* phnum */
    uint8_t *ph = e + 52;
    w32(ph + 0, 1); w32(ph + 4, 0x1000); w32(ph + 12, 0x200000);
    w32(ph + 16, 0x100); w32(ph + 20, 0x100);
    ph += 32;
    w32(ph + 0, 1); w32(ph + 4, 0x2000); w32(ph + 12, 0x201000);
    w32(ph + 16, 0x10); w32(ph + 20, 0x3000);
    uint32_t flags = 3;
    w32(e + 0x1000, MULTIBOOT_MAGIC);
    w32(e + 0x1004, flags);
    w32(e + 0x1008, -(MULTIBOOT_MAGIC + flags));
    e[0x1010] = 0xeb;
    e[0x2000] = 0xcc;
    MultibootImage mb;
    char err[200];
    ck_assert_int_eq(multiboot_prepare(e, size, NULL, 0, NULL, 32 << 20, 0,
                                       &mb, err, sizeof(err)), 0);
    ck_assert_uint_eq(mb.blob_addr, 0x200000);
    ck_assert_uint_eq(mb.entry, 0x200010);
    ck_assert_uint_eq(mb.blob[0x10], 0xeb);
    ck_assert_uint_eq(mb.blob[0x1000], 0xcc);
    ck_assert_uint_ge(mb.mbi_addr, 0x204000);
    multiboot_free(&mb);
    free(e);
}
END_TEST

START_TEST(test_rejects_bad_kernels)
{
    size_t size;
    MultibootImage mb;
    char err[200];
    uint8_t *k = aout_kernel(&size);
    /* Bad checksum: no header. */
    k[0x48] ^= 1;
    ck_assert_int_eq(multiboot_find_header(k, size), -1);
    ck_assert_int_eq(multiboot_prepare(k, size, NULL, 0, "", 64 << 20, 0, &mb,
                                       err, sizeof(err)), -1);
    k[0x48] ^= 1;
    /* Loaded beyond RAM. */
    ck_assert_int_eq(multiboot_prepare(k, size, NULL, 0, "", 1 << 20, 0, &mb,
                                       err, sizeof(err)), -1);
    /* Load range longer than the file. */
    w32(k + 0x54, 0x180000);
    ck_assert_int_eq(multiboot_prepare(k, size, NULL, 0, "", 64 << 20, 0, &mb,
                                       err, sizeof(err)), -1);
    w32(k + 0x54, 0x101800);
    /* Below 1 MiB. */
    w32(k + 0x4c, 0x1040);
    w32(k + 0x50, 0x1000);
    w32(k + 0x54, 0x1800);
    w32(k + 0x58, 0);
    w32(k + 0x5c, 0x1080);
    ck_assert_int_eq(multiboot_prepare(k, size, NULL, 0, "", 64 << 20, 0, &mb,
                                       err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "outside RAM"));
    free(k);
}
END_TEST

Suite *suite_multiboot(void)
{
    Suite *s = suite_create("multiboot");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_aout_kludge_and_mbi);
    tcase_add_test(tc, test_elf_kernel);
    tcase_add_test(tc, test_rejects_bad_kernels);
    suite_add_tcase(s, tc);
    return s;
}
