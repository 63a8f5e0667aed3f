/* ACPI: the table-loader script run like SeaBIOS runs it, checksums,
 * table contents, and Debian's iasl disassembling every table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/pc/acpi_build.h"
#include "hw/pc/aml.h"
#include "tests/unit/le_bytes.h"
#include "tests/unit/unit.h"

#define RSDP_ADDR 0xf5a40u
#define TABLES_ADDR 0x7fe0000u

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s += p[i];
    }
    return s;
}

/* Run the loader script over copies of the two files, "allocated" at
 * RSDP_ADDR and TABLES_ADDR. */
static void run_loader(const AcpiTables *t, uint8_t *rsdp, uint8_t *tables)
{
    memcpy(rsdp, t->rsdp, t->rsdp_len);
    memcpy(tables, t->tables, t->tables_len);
    ck_assert_uint_eq(t->loader_len % ACPI_LOADER_ENTRY_SIZE, 0);
    int allocs = 0;
    for (uint32_t o = 0; o < t->loader_len; o += ACPI_LOADER_ENTRY_SIZE) {
        const uint8_t *e = t->loader + o;
        uint32_t cmd = (uint32_t)le_rd(e, 4);
        const char *f1 = (const char *)e + 4;
        const char *f2 = (const char *)e + 4 + ACPI_LOADER_FILESZ;
        uint8_t *file1 = !strcmp(f1, ACPI_RSDP_FILE) ? rsdp : tables;
        uint32_t len1 = file1 == rsdp ? t->rsdp_len : t->tables_len;
        ck_assert(!strcmp(f1, ACPI_RSDP_FILE) ||
                  !strcmp(f1, ACPI_TABLES_FILE));
        if (cmd == ACPI_LOADER_ALLOCATE) {
            uint32_t align = (uint32_t)le_rd(e + 60, 4);
            uint8_t zone = e[64];
            ck_assert_uint_eq(align & (align - 1), 0);
            ck_assert_uint_eq(zone, file1 == rsdp ? ACPI_LOADER_ZONE_FSEG
                                                  : ACPI_LOADER_ZONE_HIGH);
            allocs++;
        } else if (cmd == ACPI_LOADER_ADD_POINTER) {
            ck_assert_int_eq(allocs, 2);
            ck_assert_str_eq(f2, ACPI_TABLES_FILE);
            uint32_t off = (uint32_t)le_rd(e + 116, 4);
            uint8_t size = e[120];
            ck_assert(size == 4 || size == 8);
            ck_assert_uint_le(off + size, len1);
            uint64_t v = le_rd(file1 + off, size);
            ck_assert_uint_lt(v, t->tables_len);
            le_wr(file1 + off, v + TABLES_ADDR, size);
        } else if (cmd == ACPI_LOADER_ADD_CHECKSUM) {
            uint32_t off = (uint32_t)le_rd(e + 60, 4);
            uint32_t start = (uint32_t)le_rd(e + 64, 4);
            uint32_t len = (uint32_t)le_rd(e + 68, 4);
            ck_assert_uint_le(start + len, len1);
            ck_assert(off >= start && off < start + len);
            file1[off] -= sum(file1 + start, len);
        } else {
            ck_abort_msg("unknown loader command %u", cmd);
        }
    }
}

/* The table at physical @addr in the loaded tables blob. */
static const uint8_t *table_at(const uint8_t *tables, uint64_t addr)
{
    ck_assert_uint_ge(addr, TABLES_ADDR);
    return tables + (addr - TABLES_ADDR);
}

static void build(AcpiTables *t, int ncpus, bool hpet, int ncom)
{
    AcpiConfig cfg;
    acpi_config_default(&cfg, ncpus, 128 << 20, 0);
    cfg.hpet = hpet;
    cfg.ncom = ncom;
    ck_assert_int_eq(acpi_build(&cfg, t), 0);
}

START_TEST(test_loader_and_checksums)
{
    AcpiTables t;
    build(&t, 4, true, 2);
    uint8_t *rsdp = calloc(1, t.rsdp_len);
    uint8_t *tables = calloc(1, t.tables_len);
    run_loader(&t, rsdp, tables);

    ck_assert_int_eq(memcmp(rsdp, "RSD PTR ", 8), 0);
    ck_assert_uint_eq(sum(rsdp, 20), 0);
    ck_assert_uint_eq(sum(rsdp, 36), 0);
    ck_assert_uint_eq(rsdp[15], 2);
    const uint8_t *rsdt = table_at(tables, le_rd(rsdp + 16, 4));
    const uint8_t *xsdt = table_at(tables, le_rd(rsdp + 24, 8));
    ck_assert_int_eq(memcmp(rsdt, "RSDT", 4), 0);
    ck_assert_int_eq(memcmp(xsdt, "XSDT", 4), 0);
    uint32_t rlen = (uint32_t)le_rd(rsdt + 4, 4);
    ck_assert_uint_eq(sum(rsdt, rlen), 0);
    ck_assert_uint_eq((rlen - 36) / 4, 3);
    const char *want[3] = {"FACP", "APIC", "HPET"};
    for (int i = 0; i < 3; i++) {
        const uint8_t *tb = table_at(tables, le_rd(rsdt + 36 + 4 * i, 4));
        ck_assert_int_eq(memcmp(tb, want[i], 4), 0);
        ck_assert_uint_eq(sum(tb, le_rd(tb + 4, 4)), 0);
        ck_assert_uint_eq(le_rd(xsdt + 36 + 8 * i, 8),
                          le_rd(rsdt + 36 + 4 * i, 4));
    }
    const uint8_t *fadt = table_at(tables, le_rd(rsdt + 36, 4));
    ck_assert_uint_eq(le_rd(fadt + 4, 4), 244);
    const uint8_t *facs = table_at(tables, le_rd(fadt + 36, 4));
    ck_assert_int_eq(memcmp(facs, "FACS", 4), 0);
    ck_assert_uint_eq(le_rd(fadt + 36, 4) % 64, 0);
    const uint8_t *dsdt = table_at(tables, le_rd(fadt + 40, 4));
    ck_assert_int_eq(memcmp(dsdt, "DSDT", 4), 0);
    ck_assert_uint_eq(le_rd(fadt + 140, 8), le_rd(fadt + 40, 4));
    ck_assert_uint_eq(sum(dsdt, le_rd(dsdt + 4, 4)), 0);
    ck_assert_uint_eq(le_rd(fadt + 46, 2), 9);
    ck_assert_uint_eq(le_rd(fadt + 56, 4), 0x600);
    ck_assert_uint_eq(le_rd(fadt + 76, 4), 0x608);
    ck_assert_uint_eq(le_rd(fadt + 116 + 4, 8), 0xcf9);
    ck_assert_uint_eq(fadt[128], 6);

    /* MADT: four LAPICs, the IOAPIC, IRQ0 -> GSI 2. */
    const uint8_t *madt = table_at(tables, le_rd(rsdt + 40, 4));
    uint32_t mlen = (uint32_t)le_rd(madt + 4, 4);
    int lapics = 0, ioapics = 0;
    bool irq0 = false;
    for (uint32_t o = 44; o < mlen; o += madt[o + 1]) {
        ck_assert_uint_ge(madt[o + 1], 2);
        if (madt[o] == 0) {
            ck_assert_uint_eq(madt[o + 3], lapics);
            lapics++;
        } else if (madt[o] == 1) {
            ioapics++;
            ck_assert_uint_eq(le_rd(madt + o + 4, 4), 0xfec00000u);
        } else if (madt[o] == 2 && madt[o + 3] == 0) {
            irq0 = le_rd(madt + o + 4, 4) == 2;
        }
    }
    ck_assert_int_eq(lapics, 4);
    ck_assert_int_eq(ioapics, 1);
    ck_assert(irq0);
    free(rsdp);
    free(tables);
    acpi_tables_free(&t);
}
END_TEST

START_TEST(test_aml_encoding)
{
    Aml a = {0};
    ck_assert_uint_eq(aml_eisaid_value("PNP0A03"), 0x030ad041u);
    /* A 100-byte body needs a two-byte PkgLength. */
    aml_scope_begin(&a, "\\_SB");
    for (int i = 0; i < 100; i++) {
        aml_byte(&a, 0xa3); /* Noop */
    }
    aml_end(&a);
    ck_assert(!a.error);
    ck_assert_uint_eq(a.data[0], 0x10);
    uint32_t total = 2 + 5 + 100;
    ck_assert_uint_eq(a.data[1], 0x40 | (total & 0xf));
    ck_assert_uint_eq(a.data[2], total >> 4);
    ck_assert_int_eq(memcmp(a.data + 3, "\\_SB_", 5), 0);
    ck_assert_uint_eq(a.len, 1 + total);
    aml_free(&a);
    /* Small integers and names. */
    aml_int(&a, 0);
    aml_int(&a, 1);
    aml_int(&a, 0x80);
    aml_int(&a, 0x1234);
    aml_name(&a, "\\_SB.PCI0.ISA.PRQ0");
    const uint8_t want[] = {0x00, 0x01, 0x0a, 0x80, 0x0b, 0x34, 0x12, '\\',
                            0x2f, 4, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
                            'I', 'S', 'A', '_', 'P', 'R', 'Q', '0'};
    ck_assert_uint_eq(a.len, sizeof(want));
    ck_assert_int_eq(memcmp(a.data, want, sizeof(want)), 0);
    /* Bad names and unbalanced ends are caught. */
    aml_name(&a, "toolong");
    ck_assert(a.error);
    aml_free(&a);
    aml_end(&a);
    ck_assert(a.error);
    aml_free(&a);
}
END_TEST

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) || w != n ? -1 : 0;
}

/* Disassemble every table with iasl; any error fails the test. */
START_TEST(test_iasl_disassembles)
{
    if (system("command -v iasl >/dev/null 2>&1") != 0) {
        printf("test_acpi: SKIP iasl check: iasl not installed "
               "(Debian package acpica-tools)\n");
        return;
    }
    AcpiTables t;
    build(&t, 2, true, 2);
    uint8_t *rsdp = calloc(1, t.rsdp_len);
    uint8_t *tables = calloc(1, t.tables_len);
    run_loader(&t, rsdp, tables);
    char dir[] = "/tmp/pcvm-acpi-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], cmd[1024];

    const uint8_t *rsdt = table_at(tables, le_rd(rsdp + 16, 4));
    const uint8_t *fadt = table_at(tables, le_rd(rsdt + 36, 4));
    struct {
        const char *name;
        const uint8_t *p;
        uint32_t len;
    } files[8];
    int n = 0;
    /* iasl -d takes tables with a standard header: not the RSDP, whose
     * checksums test_loader_and_checksums checks. */
    files[n++] = (typeof(files[0])){"rsdt", rsdt,
                                    (uint32_t)le_rd(rsdt + 4, 4)};
    const uint8_t *xsdt = table_at(tables, le_rd(rsdp + 24, 8));
    files[n++] = (typeof(files[0])){"xsdt", xsdt,
                                    (uint32_t)le_rd(xsdt + 4, 4)};
    for (int i = 0; i < 3; i++) {
        const uint8_t *tb = table_at(tables, le_rd(rsdt + 36 + 4 * i, 4));
        static const char *names[3] = {"facp", "apic", "hpet"};
        files[n++] = (typeof(files[0])){names[i], tb,
                                        (uint32_t)le_rd(tb + 4, 4)};
    }
    const uint8_t *dsdt = table_at(tables, le_rd(fadt + 40, 4));
    files[n++] = (typeof(files[0])){"dsdt", dsdt,
                                    (uint32_t)le_rd(dsdt + 4, 4)};
    const uint8_t *facs = table_at(tables, le_rd(fadt + 36, 4));
    files[n++] = (typeof(files[0])){"facs", facs, 64};

    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s.dat", dir, files[i].name);
        ck_assert_int_eq(write_file(path, files[i].p, files[i].len), 0);
        snprintf(cmd, sizeof(cmd),
                 "cd %s && iasl -d %s.dat > %s.log 2>&1", dir,
                 files[i].name, files[i].name);
        int rc = system(cmd);
        snprintf(cmd, sizeof(cmd),
                 "grep -Eiq '(^|[^a-z])error' %s/%s.log %s/%s.dsl", dir,
                 files[i].name, dir, files[i].name);
        int has_error = system(cmd) == 0;
        if (rc != 0 || has_error) {
            snprintf(cmd, sizeof(cmd), "cat %s/%s.log; grep -i error "
                     "%s/%s.dsl", dir, files[i].name, dir, files[i].name);
            (void)system(cmd);
        }
        ck_assert_msg(rc == 0, "iasl -d %s failed", files[i].name);
        ck_assert_msg(!has_error, "iasl reports an error in %s",
                      files[i].name);
    }
    /* The DSDT says what SeaBIOS and Linux look for. */
    snprintf(cmd, sizeof(cmd),
             "cd %s && grep -q 'PNP0A03' dsdt.dsl && grep -q 'PNP0303' "
             "dsdt.dsl && grep -q '_S5_' dsdt.dsl && grep -q '_PRT' "
             "dsdt.dsl && grep -q 'LNKD' dsdt.dsl && grep -q 'PNP0103' "
             "dsdt.dsl && grep -q 'ACPI0007' dsdt.dsl", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* And it compiles back. */
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -p re dsdt.dsl > re.log 2>&1",
             dir);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof(cmd), "cat %s/re.log", dir);
        (void)system(cmd);
    }
    ck_assert_msg(rc == 0, "the disassembled DSDT does not compile");
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void)system(cmd);
    free(rsdp);
    free(tables);
    acpi_tables_free(&t);
}
END_TEST

START_TEST(test_configs_build)
{
    for (int cpus = 1; cpus <= 255; cpus += 37) {
        for (int com = 0; com <= 4; com++) {
            AcpiTables t;
            AcpiConfig cfg;
            acpi_config_default(&cfg, cpus, 3ULL << 30, (cpus & 1) << 30);
            cfg.ncom = com;
            cfg.hpet = com & 1;
            ck_assert_int_eq(acpi_build(&cfg, &t), 0);
            uint8_t *r = calloc(1, t.rsdp_len), *tb = calloc(1, t.tables_len);
            run_loader(&t, r, tb);
            free(r);
            free(tb);
            acpi_tables_free(&t);
        }
    }
    AcpiConfig bad;
    AcpiTables t;
    acpi_config_default(&bad, 0, 1 << 20, 0);
    ck_assert_int_eq(acpi_build(&bad, &t), -1);
}
END_TEST

Suite *suite_acpi(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_loader_and_checksums);
    tcase_add_test(tc, test_aml_encoding);
    tcase_add_test(tc, test_iasl_disassembles);
    tcase_add_test(tc, test_configs_build);
    suite_add_tcase(s, tc);
    return s;
}
