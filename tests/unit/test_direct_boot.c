/* Direct boot without firmware: boot_params, the entry states (GDT, page
 * tables, registers), the memory map, the ACPI linking and the MP table. */
#include "tests/unit/unit.h"
#include "tests/unit/le_bytes.h"

#include <stdlib.h>
#include <string.h>

#include "hw/pc/acpi_build.h"
#include "hw/pc/acpi_link.h"
#include "hw/pc/e820.h"
#include "hw/pc/linux_direct.h"
#include "hw/pc/mptable.h"
#include "hw/pc/pc_direct.h"

#define IMG_SIZE (64 * 1024)
#define SETUP_SIZE (5 * 512)
#define MIB (1024u * 1024u)


static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--) {
        s += *p++;
    }
    return s;
}

/* A fake bzImage: 4 setup sectors and a header up to 0x268, then
 * "kernel" bytes. */
static uint8_t *fake_image(uint16_t protocol, uint16_t xlf, bool reloc,
                           uint64_t pref, uint32_t init_size)
{
    uint8_t *img = calloc(1, IMG_SIZE);
    img[HDR_SETUP_SECTS] = 4;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    img[HDR_JUMP] = 0xeb;
    img[HDR_JUMP + 1] = 0x268 - 0x202;
    memcpy(img + HDR_HEADER, "HdrS", 4);
    le_wr(img + HDR_VERSION, protocol, 2);
    img[HDR_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
    le_wr(img + HDR_CODE32_START, 0x100000, 4);
    le_wr(img + HDR_INITRD_ADDR_MAX, 0x7fffffff, 4);
    le_wr(img + HDR_KERNEL_ALIGNMENT, 0x200000, 4);
    img[HDR_RELOCATABLE] = reloc;
    le_wr(img + HDR_XLOADFLAGS, xlf, 2);
    le_wr(img + HDR_CMDLINE_SIZE, 2047, 4);
    le_wr(img + HDR_PREF_ADDRESS, pref, 8);
    le_wr(img + HDR_INIT_SIZE, init_size, 4);
    img[0x240] = 0x42;  /* hardware_subarch_data: must be copied */
    for (int i = SETUP_SIZE; i < IMG_SIZE; i++) {
        img[i] = (uint8_t)(i * 7);
    }
    return img;
}

static E820Table test_map(uint64_t low)
{
    E820Table t;
    ck_assert_int_eq(pc_direct_e820(&t, low, 0, low - 0x10000), 0);
    return t;
}

static int prepare(const uint8_t *img, size_t size, const uint8_t *initrd,
                   size_t isize, const char *cmdline, uint64_t low,
                   LinuxDirect *ld, char *err)
{
    E820Table map = test_map(low);
    LinuxDirectConfig c = {
        .image = img, .image_size = size, .initrd = initrd,
        .initrd_size = isize, .cmdline = cmdline, .e820 = &map,
        .acpi_rsdp = PC_DIRECT_RSDP, .load_top = low - 0x10000,
    };
    return linux_direct_prepare(&c, ld, err, 200);
}

START_TEST(test_boot_params)
{
    uint8_t *img = fake_image(0x020f, XLF_KERNEL_64, true, 0x1000000,
                              0x800000);
    static uint8_t initrd[10000];
    memset(initrd, 0x5a, sizeof(initrd));
    LinuxDirect ld;
    char err[200];
    uint64_t low = 256 * MIB;
    ck_assert_int_eq(prepare(img, IMG_SIZE, initrd, sizeof(initrd),
                             "console=ttyS0", low, &ld, err), 0);
    const uint8_t *bp = ld.boot_params;
    /* The setup header is copied from the image... */
    ck_assert_mem_eq(bp + HDR_HEADER, "HdrS", 4);
    ck_assert_uint_eq(le_rd(bp + HDR_VERSION, 2), 0x020f);
    ck_assert_uint_eq(bp[0x240], 0x42);
    ck_assert_uint_eq(le_rd(bp + HDR_INIT_SIZE, 4), 0x800000);
    /* ... but nothing before it: below the header, only the loader's
     * fields are set. */
    uint8_t low_part[BP_HDR];
    memcpy(low_part, bp, BP_HDR);
    memset(low_part + BP_ACPI_RSDP_ADDR, 0, 8);
    memset(low_part + BP_EXT_RAMDISK_IMAGE, 0, 12);
    memset(low_part + BP_E820_ENTRIES, 0, 1);
    for (int i = 0; i < BP_HDR; i++) {
        ck_assert_uint_eq(low_part[i], 0);
    }
    /* The loader's fields. */
    ck_assert_uint_eq(bp[HDR_TYPE_OF_LOADER], 0xff);
    ck_assert_uint_eq(bp[HDR_LOADFLAGS],
                      LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP);
    ck_assert_uint_eq(le_rd(bp + HDR_CMD_LINE_PTR, 4), LD_CMDLINE_ADDR);
    ck_assert_uint_eq(le_rd(bp + BP_EXT_CMD_LINE_PTR, 4), 0);
    ck_assert_uint_eq(le_rd(bp + HDR_RAMDISK_IMAGE, 4), ld.initrd_addr);
    ck_assert_uint_eq(le_rd(bp + HDR_RAMDISK_SIZE, 4), sizeof(initrd));
    ck_assert_uint_eq(le_rd(bp + BP_EXT_RAMDISK_IMAGE, 4), 0);
    ck_assert_uint_eq(le_rd(bp + BP_EXT_RAMDISK_SIZE, 4), 0);
    ck_assert_uint_eq(le_rd(bp + BP_ACPI_RSDP_ADDR, 8), PC_DIRECT_RSDP);
    ck_assert_uint_eq(le_rd(bp + HDR_CODE32_START, 4), 0x1000000);
    /* The memory map. */
    E820Table map = test_map(low);
    ck_assert_uint_eq(bp[BP_E820_ENTRIES], map.count);
    for (int i = 0; i < map.count; i++) {
        const uint8_t *e = bp + BP_E820_TABLE + i * 20;
        ck_assert_uint_eq(le_rd(e, 8), map.e[i].addr);
        ck_assert_uint_eq(le_rd(e + 8, 8), map.e[i].size);
        ck_assert_uint_eq(le_rd(e + 16, 4), map.e[i].type);
    }
    ck_assert_uint_eq(sum(bp + BP_E820_TABLE + map.count * 20,
                          BP_SIZE - BP_E820_TABLE - map.count * 20), 0);
    /* The pieces. */
    ck_assert(ld.entry64);
    ck_assert_uint_eq(ld.kernel_addr, 0x1000000);
    ck_assert_int_eq(ld.form, LD_BZIMAGE);
    ck_assert_int_eq(ld.nkernel, 1);
    ck_assert_uint_eq(ld.kernel[0].addr, 0x1000000);
    ck_assert_ptr_eq(ld.kernel[0].data, img + SETUP_SIZE);
    ck_assert_uint_eq(ld.kernel[0].len, IMG_SIZE - SETUP_SIZE);
    ck_assert_uint_eq(ld.kernel[0].size, IMG_SIZE - SETUP_SIZE);
    ck_assert_str_eq(ld.cmdline, "console=ttyS0");
    ck_assert_uint_eq(ld.cmdline_size, 14);
    /* The initrd: page-aligned, as high as it goes, above init_size. */
    ck_assert_uint_eq(ld.initrd_addr % 4096, 0);
    ck_assert_uint_le(ld.initrd_addr + sizeof(initrd), low - 0x10000);
    ck_assert_uint_gt(ld.initrd_addr + sizeof(initrd) + 4096, low - 0x10000);
    ck_assert_uint_eq(img[HDR_TYPE_OF_LOADER], 0);  /* image untouched */
    linux_direct_free(&ld);
    free(img);
}
END_TEST

START_TEST(test_kernel_placement)
{
    LinuxDirect ld;
    char err[200];
    /* Relocatable with room: at pref_address. */
    uint8_t *img = fake_image(0x020f, 0, true, 0x1000000, 0x1000000);
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), 0);
    ck_assert_uint_eq(ld.kernel_addr, 0x1000000);
    ck_assert(!ld.entry64);
    ck_assert_ptr_null(ld.page_tables);
    ck_assert_str_eq(ld.cmdline, "");
    ck_assert_uint_eq(ld.initrd_size, 0);
    ck_assert_uint_eq(le_rd(ld.boot_params + HDR_RAMDISK_IMAGE, 4), 0);
    linux_direct_free(&ld);
    /* Not enough RAM above pref_address for init_size: 1 MiB. */
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 24 * MIB, &ld,
                             err), 0);
    ck_assert_uint_eq(ld.kernel_addr, 0x100000);
    linux_direct_free(&ld);
    free(img);
    /* Not relocatable: 1 MiB whatever pref_address says. */
    img = fake_image(0x020f, 0, false, 0x1000000, 0x100000);
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), 0);
    ck_assert_uint_eq(ld.kernel_addr, 0x100000);
    linux_direct_free(&ld);
    free(img);
    /* A misaligned pref_address is not trusted. */
    img = fake_image(0x020f, 0, true, 0x1001000, 0x100000);
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), 0);
    ck_assert_uint_eq(ld.kernel_addr, 0x100000);
    linux_direct_free(&ld);
    free(img);
}
END_TEST

START_TEST(test_rejects)
{
    LinuxDirect ld;
    char err[200];
    uint8_t *img = fake_image(0x0205, 0, false, 0, 0);
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), -1);
    ck_assert_str_eq(err, "boot protocol 2.05 is too old for direct boot "
                          "(2.06 or later needed)");
    free(img);

    img = fake_image(0x020f, 0, false, 0, 0x100000);
    ck_assert_int_eq(prepare(img, 100, NULL, 0, NULL, 64 * MIB, &ld, err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "not a Linux bzImage nor an ELF "
                                      "vmlinux"));
    img[HDR_LOADFLAGS] = 0;
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), -1);
    ck_assert_ptr_nonnull(strstr(err, "zImage"));
    img[HDR_LOADFLAGS] = LOADFLAG_LOADED_HIGH;

    char *cmd = malloc(3000);
    memset(cmd, 'a', 2999);
    cmd[2999] = '\0';
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, cmd, 64 * MIB, &ld, err),
                     -1);
    ck_assert_str_eq(err, "the command line has 2999 characters; this "
                          "kernel takes at most 2047");
    cmd[2047] = '\0';
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, cmd, 64 * MIB, &ld, err),
                     0);
    ck_assert_uint_eq(ld.cmdline_size, 2048);
    linux_direct_free(&ld);
    free(cmd);

    /* The initrd must fit between the kernel's init_size and the top. */
    size_t big = 63 * MIB;
    uint8_t *initrd = calloc(1, big);
    ck_assert_int_eq(prepare(img, IMG_SIZE, initrd, big, NULL, 64 * MIB, &ld,
                             err), -1);
    ck_assert_ptr_nonnull(strstr(err, "the initrd"));
    /* initrd_addr_max is honoured. */
    le_wr(img + HDR_INITRD_ADDR_MAX, 0x00ffffff, 4);
    ck_assert_int_eq(prepare(img, IMG_SIZE, initrd, MIB, NULL, 64 * MIB, &ld,
                             err), 0);
    ck_assert_uint_eq(ld.initrd_addr + MIB, 0x1000000);
    linux_direct_free(&ld);
    free(initrd);

    /* The kernel itself must fit below the top. */
    le_wr(img + HDR_INIT_SIZE, 0x8000000, 4);
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), -1);
    ck_assert_ptr_nonnull(strstr(err, "the kernel needs 128 MiB"));
    free(img);
}
END_TEST

/* The GDT entry @sel, decoded the way the CPU loads it. */
static void check_desc(const LinuxDirect *ld, const VcpuSegment *s)
{
    uint64_t d = le_rd(ld->gdt + s->sel, 8);
    uint32_t hi = (uint32_t)(d >> 32);
    uint32_t limit = (uint32_t)(d & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23)) {
        limit = limit << 12 | 0xfff;
    }
    ck_assert_uint_eq(s->flags, hi & 0x00f0ff00u);
    ck_assert_uint_eq(s->limit, limit);
    ck_assert_uint_eq(s->base, ((d >> 16) & 0xffffff) | (hi >> 24) << 24);
}

START_TEST(test_entry32)
{
    uint8_t *img = fake_image(0x020f, 0, false, 0, 0x100000);
    LinuxDirect ld;
    char err[200];
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), 0);
    const VcpuBootState *c = &ld.cpu;
    ck_assert_uint_eq(c->rip, 0x100000);
    ck_assert_uint_eq(c->regs[6], LD_BOOT_PARAMS_ADDR);       /* ESI */
    ck_assert_uint_eq(c->regs[3] | c->regs[5] | c->regs[7], 0); /* EBX.. */
    ck_assert_uint_eq(c->rflags, 2);
    ck_assert_uint_eq(c->cr0, 0x11);                 /* PE, ET; no PG */
    ck_assert_uint_eq(c->cr4, 0);
    ck_assert_uint_eq(c->efer, 0);
    ck_assert_uint_eq(c->gdt_base, LD_GDT_ADDR);
    ck_assert_uint_eq(c->gdt_limit, LD_GDT_ENTRIES * 8 - 1);
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].sel, 0x10);
    /* Flat 32-bit code: base 0, 4 GiB, D set, L clear, execute/read. */
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].base, 0);
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].limit, 0xffffffff);
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].flags, 0x00c09b00);
    check_desc(&ld, &c->seg[VCPU_SEG_CS]);
    for (int i = 0; i < VCPU_SEG_COUNT; i++) {
        if (i != VCPU_SEG_CS) {
            ck_assert_uint_eq(c->seg[i].sel, 0x18);
            ck_assert_uint_eq(c->seg[i].flags, 0x00c09300);
            check_desc(&ld, &c->seg[i]);
        }
    }
    ck_assert_uint_eq(c->tr.sel, 0x20);
    ck_assert_uint_eq(c->tr.flags, 0x8b00);  /* busy TSS, present */
    check_desc(&ld, &c->tr);
    ck_assert_uint_eq(le_rd(ld.gdt, 8), 0);     /* null */
    ck_assert_uint_eq(le_rd(ld.gdt + 8, 8), 0); /* unused */
    linux_direct_free(&ld);
    free(img);
}
END_TEST

/* Walk the identity map for @va; returns the physical address. */
static uint64_t walk(const uint8_t *pt, uint64_t base, uint64_t va)
{
    uint64_t e = le_rd(pt + ((va >> 39) & 511) * 8, 8);
    ck_assert_uint_eq(e & 3, 3);
    e = le_rd(pt + (e & ~0xfffULL) - base + ((va >> 30) & 511) * 8, 8);
    ck_assert_uint_eq(e & 0x83, 3);
    ck_assert_uint_lt((e & ~0xfffULL) - base, LD_PT_SIZE);
    e = le_rd(pt + (e & ~0xfffULL) - base + ((va >> 21) & 511) * 8, 8);
    ck_assert_uint_eq(e & 0x83, 0x83);       /* a 2 MiB page */
    return (e & ~0x1fffffULL) | (va & 0x1fffff);
}

START_TEST(test_entry64)
{
    uint8_t *img = fake_image(0x020c, XLF_KERNEL_64, true, 0x1000000,
                              0x800000);
    LinuxDirect ld;
    char err[200];
    ck_assert_int_eq(prepare(img, IMG_SIZE, NULL, 0, NULL, 64 * MIB, &ld,
                             err), 0);
    const VcpuBootState *c = &ld.cpu;
    ck_assert_uint_eq(c->rip, 0x1000200);
    ck_assert_uint_eq(c->regs[6], LD_BOOT_PARAMS_ADDR);
    ck_assert_uint_eq(c->cr0, 0x80000011);           /* PG, ET, PE */
    ck_assert_uint_eq(c->cr4, 0x20);                 /* PAE */
    ck_assert_uint_eq(c->efer, 0x500);               /* LME, LMA */
    ck_assert_uint_eq(c->cr3, LD_PML4_ADDR);
    ck_assert_uint_eq(c->rflags & 0x200, 0);
    /* 64-bit code: L set, D clear. */
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].sel, 0x10);
    ck_assert_uint_eq(c->seg[VCPU_SEG_CS].flags, 0x00a09b00);
    check_desc(&ld, &c->seg[VCPU_SEG_CS]);
    ck_assert_uint_eq(c->seg[VCPU_SEG_SS].sel, 0x18);
    check_desc(&ld, &c->seg[VCPU_SEG_DS]);
    ck_assert_uint_eq(le_rd(ld.gdt + 0x28, 8), 0);  /* TSS high half */
    /* The identity map covers 4 GiB and stays below 1 MiB. */
    ck_assert_ptr_nonnull(ld.page_tables);
    ck_assert_uint_le(LD_PML4_ADDR + LD_PT_SIZE, 0x9fc00);
    static const uint64_t va[] = {0, 0x7000, 0x1234567, 0x1000200,
                                  0x7fffffff, 0xfee00030, 0xffffffff};
    for (size_t i = 0; i < sizeof(va) / sizeof(va[0]); i++) {
        ck_assert_uint_eq(walk(ld.page_tables, LD_PML4_ADDR, va[i]), va[i]);
    }
    ck_assert_uint_eq(le_rd(ld.page_tables + 8, 8), 0);    /* nothing above */
    ck_assert_uint_eq(le_rd(ld.page_tables + 0x1000 + 32, 8), 0);
    linux_direct_free(&ld);
    free(img);
}
END_TEST

START_TEST(test_e820)
{
    E820Table t;
    ck_assert_int_eq(pc_direct_e820(&t, 128 * MIB, 0, 128 * MIB - 0x3000),
                     0);
    static const E820Entry want[] = {
        {0, 0x9fc00, E820_RAM},
        {0x9fc00, 0x60400, E820_RESERVED},
        {0x100000, 128 * MIB - 0x3000 - 0x100000, E820_RAM},
        {128 * MIB - 0x3000, 0x3000, E820_RESERVED},
        {0xfec00000, 0x1000, E820_RESERVED},
        {0xfed00000, 0x400, E820_RESERVED},
        {0xfee00000, 0x1000, E820_RESERVED},
        {0xfeffc000, 0x4000, E820_RESERVED},
    };
    ck_assert_int_eq(t.count, 8);
    for (int i = 0; i < 8; i++) {
        ck_assert_uint_eq(t.e[i].addr, want[i].addr);
        ck_assert_uint_eq(t.e[i].size, want[i].size);
        ck_assert_uint_eq(t.e[i].type, want[i].type);
    }
    /* RAM above 4 GiB comes last; the entries never overlap. */
    ck_assert_int_eq(pc_direct_e820(&t, 0xe0000000, 1ULL << 32,
                                    0xdfff0000), 0);
    ck_assert_int_eq(t.count, 9);
    ck_assert_uint_eq(t.e[8].addr, 1ULL << 32);
    ck_assert_uint_eq(t.e[8].size, 1ULL << 32);
    ck_assert_uint_eq(t.e[8].type, E820_RAM);
    for (int i = 1; i < t.count; i++) {
        ck_assert_uint_le(t.e[i - 1].addr + t.e[i - 1].size, t.e[i].addr);
    }
    /* Nonsense is refused. */
    ck_assert_int_eq(pc_direct_e820(&t, MIB, 0, MIB), -1);
    ck_assert_int_eq(pc_direct_e820(&t, 64 * MIB, 0, 65 * MIB), -1);
    ck_assert_int_eq(pc_direct_e820(&t, 64 * MIB, 0, 0x80000), -1);
}
END_TEST

START_TEST(test_acpi_link)
{
    AcpiConfig cfg;
    AcpiTables at;
    acpi_config_default(&cfg, 2, 128 * MIB, 0);
    ck_assert_int_eq(acpi_build(&cfg, &at), 0);
    const uint64_t rsdp_addr = 0x9fc00, tables_addr = 0x7ff0000;
    uint8_t *rsdp = malloc(at.rsdp_len), *tables = malloc(at.tables_len);
    memcpy(rsdp, at.rsdp, at.rsdp_len);
    memcpy(tables, at.tables, at.tables_len);
    AcpiLinkFile files[2] = {
        {ACPI_RSDP_FILE, rsdp, at.rsdp_len, rsdp_addr},
        {ACPI_TABLES_FILE, tables, at.tables_len, tables_addr},
    };
    ck_assert_int_eq(acpi_link(at.loader, at.loader_len, files, 2), 0);
    ck_assert_mem_eq(rsdp, "RSD PTR ", 8);
    ck_assert_uint_eq(sum(rsdp, 20), 0);
    ck_assert_uint_eq(sum(rsdp, 36), 0);
    /* Both the RSDT and the XSDT list the same tables, all checksummed,
     * every pointer inside the placed blob. */
    uint64_t rsdt = le_rd(rsdp + 16, 4), xsdt = le_rd(rsdp + 24, 8);
    ck_assert_uint_ge(rsdt, tables_addr);
    ck_assert_uint_ge(xsdt, tables_addr);
    const uint8_t *r = tables + (rsdt - tables_addr);
    const uint8_t *x = tables + (xsdt - tables_addr);
    ck_assert_mem_eq(r, "RSDT", 4);
    ck_assert_mem_eq(x, "XSDT", 4);
    uint32_t n = ((uint32_t)le_rd(x + 4, 4) - 36) / 8;
    ck_assert_uint_eq(n, 3);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t a = le_rd(x + 36 + i * 8, 8);
        ck_assert_uint_eq(a, le_rd(r + 36 + i * 4, 4));
        ck_assert_uint_ge(a, tables_addr);
        ck_assert_uint_lt(a - tables_addr, at.tables_len);
        const uint8_t *t = tables + (a - tables_addr);
        ck_assert_uint_eq(sum(t, le_rd(t + 4, 4)), 0);
        if (!memcmp(t, "FACP", 4)) {
            uint64_t dsdt = le_rd(t + 140, 8);  /* X_DSDT */
            ck_assert_uint_eq(dsdt, le_rd(t + 40, 4));
            const uint8_t *d = tables + (dsdt - tables_addr);
            ck_assert_mem_eq(d, "DSDT", 4);
            ck_assert_uint_eq(sum(d, le_rd(d + 4, 4)), 0);
        }
    }
    /* A file the script names must be there, and aligned. */
    files[1].addr = tables_addr + 4;
    ck_assert_int_eq(acpi_link(at.loader, at.loader_len, files, 2), -1);
    ck_assert_int_eq(acpi_link(at.loader, at.loader_len, files, 1), -1);
    /* A pointer that does not fit its field is refused. */
    files[1].addr = 1ULL << 32;
    memcpy(rsdp, at.rsdp, at.rsdp_len);
    memcpy(tables, at.tables, at.tables_len);
    ck_assert_int_eq(acpi_link(at.loader, at.loader_len, files, 2), -1);
    free(rsdp);
    free(tables);
    acpi_tables_free(&at);
}
END_TEST

START_TEST(test_mptable)
{
    MpPciIrq pci[1] = {{3, 0, 10}};
    MpTableConfig c = {
        .ncpus = 3, .lapic_addr = 0xfee00000, .lapic_version = 0x14,
        .ioapic_id = 0, .ioapic_version = 0x20, .ioapic_addr = 0xfec00000,
        .level_irqs = 1u << 9, .pci = pci, .npci = 1,
    };
    uint8_t fp[MPTABLE_FP_SIZE], table[1024];
    size_t len = mptable_build(&c, 0x7ff8000, fp, table, sizeof(table));
    ck_assert_uint_eq(len, mptable_size(&c));
    ck_assert_uint_eq(len, 44 + 3 * 20 + 8 * (2 + 1 + 1 + 15 + 2));
    ck_assert_mem_eq(fp, "_MP_", 4);
    ck_assert_uint_eq(le_rd(fp + 4, 4), 0x7ff8000);
    ck_assert_uint_eq(fp[8], 1);
    ck_assert_uint_eq(fp[9], 4);
    ck_assert_uint_eq(sum(fp, 16), 0);
    ck_assert_mem_eq(table, "PCMP", 4);
    ck_assert_uint_eq(le_rd(table + 4, 2), len);
    ck_assert_uint_eq(sum(table, len), 0);
    ck_assert_uint_eq(le_rd(table + 34, 2), 3 + 2 + 1 + 1 + 15 + 2);
    ck_assert_uint_eq(le_rd(table + 36, 4), 0xfee00000);
    const uint8_t *p = table + 44;
    for (int i = 0; i < 3; i++, p += 20) {
        ck_assert_uint_eq(p[0], 0);
        ck_assert_uint_eq(p[1], i);
        ck_assert_uint_eq(p[3], i == 0 ? 3 : 1);  /* enabled, BSP */
    }
    ck_assert_mem_eq(p + 2, "PCI   ", 6);
    ck_assert_mem_eq(p + 10, "ISA   ", 6);
    p += 16;
    ck_assert_uint_eq(p[0], 2);
    ck_assert_uint_eq(le_rd(p + 4, 4), 0xfec00000);
    p += 8;
    /* The PCI device: slot 3 INTA# -> pin 10, level/high. */
    ck_assert_uint_eq(p[0], 3);
    ck_assert_uint_eq(le_rd(p + 2, 2), 0xd);
    ck_assert_uint_eq(p[4], 0);
    ck_assert_uint_eq(p[5], 3 << 2);
    ck_assert_uint_eq(p[7], 10);
    p += 8;
    /* ISA: IRQ0 on pin 2, no IRQ2, IRQ9 level. */
    ck_assert_uint_eq(p[5], 0);
    ck_assert_uint_eq(p[7], 2);
    ck_assert_uint_eq(p[8 + 5], 1);
    ck_assert_uint_eq(p[16 + 5], 3);
    ck_assert_uint_eq(le_rd(p + 8 * 8 + 2, 2), 0xd);   /* IRQ9 */
    ck_assert_uint_eq(p[8 * 8 + 5], 9);
    ck_assert_uint_eq(p[8 * 8 + 7], 9);
    ck_assert_uint_eq(le_rd(p + 7 * 8 + 2, 2), 0);     /* IRQ8: ISA's own */
    p += 15 * 8;
    /* LINT0 ExtINT, LINT1 NMI, to every local APIC. */
    ck_assert_uint_eq(p[0], 4);
    ck_assert_uint_eq(p[1], 3);
    ck_assert_uint_eq(p[6], 0xff);
    ck_assert_uint_eq(p[7], 0);
    ck_assert_uint_eq(p[8], 4);
    ck_assert_uint_eq(p[9], 1);
    ck_assert_uint_eq(p[15], 1);
    /* Too small a buffer, or a bad config: nothing. */
    ck_assert_uint_eq(mptable_build(&c, 0, fp, table, len - 1), 0);
    c.ncpus = 0;
    ck_assert_uint_eq(mptable_build(&c, 0, fp, table, sizeof(table)), 0);
}
END_TEST

Suite *suite_direct_boot(void)
{
    Suite *s = suite_create("direct_boot");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_boot_params);
    tcase_add_test(tc, test_kernel_placement);
    tcase_add_test(tc, test_rejects);
    tcase_add_test(tc, test_entry32);
    tcase_add_test(tc, test_entry64);
    tcase_add_test(tc, test_e820);
    tcase_add_test(tc, test_acpi_link);
    tcase_add_test(tc, test_mptable);
    suite_add_tcase(s, tc);
    return s;
}
