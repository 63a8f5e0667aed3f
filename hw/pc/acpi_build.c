/* ACPI tables and the table-loader script: see acpi_build.h. Layouts from
 * the ACPI specification 6.x, chapter 5 (FADT rev 3 fields only). */
#include "hw/pc/acpi_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "hw/pc/aml.h"

#define ACPI_HEADER_SIZE 36
#define FACS_SIZE 64
#define FADT_SIZE 244
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_X_DSDT 140
#define RSDP_SIZE 36
#define MAX_TABLES 8

#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_SLP_BUTTON (1u << 5)
#define FADT_F_RESET_REG_SUP (1u << 10)

#define MADT_F_PCAT_COMPAT 1u
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_NMI 4
#define ISO_LEVEL_HIGH 0x000d /* active high, level triggered */

#define PCI_HOLE_END 0xfebfffffu

typedef struct Blob {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool error;
} Blob;

static void *blob_grow(Blob *b, size_t n)
{
    if (b->error) {
        return NULL;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->error = true;
            return NULL;
        }
        b->data = d;
        b->cap = cap;
    }
    void *p = b->data + b->len;
    memset(p, 0, n);
    b->len += n;
    return p;
}

static void blob_align(Blob *b, size_t align)
{
    while (b->len % align) {
        blob_grow(b, 1);
    }
}

/* --- the loader script --- */

static void loader_entry(Blob *l, uint32_t cmd, const char *f1,
                         const char *f2, const uint32_t *args, int nargs,
                         const uint8_t *bytes, int nbytes)
{
    uint8_t *e = blob_grow(l, ACPI_LOADER_ENTRY_SIZE);
    if (!e) {
        return;
    }
    le_store(e, cmd, 4);
    size_t off = 4;
    strncpy((char *)e + off, f1, ACPI_LOADER_FILESZ - 1);
    off += ACPI_LOADER_FILESZ;
    if (f2) {
        strncpy((char *)e + off, f2, ACPI_LOADER_FILESZ - 1);
        off += ACPI_LOADER_FILESZ;
    }
    for (int i = 0; i < nargs; i++, off += 4) {
        le_store(e + off, args[i], 4);
    }
    for (int i = 0; i < nbytes; i++) {
        e[off++] = bytes[i];
    }
}

static void loader_allocate(Blob *l, const char *file, uint32_t align,
                            uint8_t zone)
{
    loader_entry(l, ACPI_LOADER_ALLOCATE, file, NULL, &align, 1, &zone, 1);
}

static void loader_add_pointer(Blob *l, const char *dest, const char *src,
                               uint32_t offset, uint8_t size)
{
    loader_entry(l, ACPI_LOADER_ADD_POINTER, dest, src, &offset, 1, &size,
                 1);
}

static void loader_add_checksum(Blob *l, const char *file, uint32_t offset,
                                uint32_t start, uint32_t length)
{
    uint32_t args[3] = {offset, start, length};
    loader_entry(l, ACPI_LOADER_ADD_CHECKSUM, file, NULL, args, 3, NULL, 0);
}

/* --- tables --- */

typedef struct Build {
    const AcpiConfig *cfg;
    Blob tables;
    Blob loader;
    uint32_t table_off[MAX_TABLES]; /* tables that get a checksum */
    int ntables;
} Build;

static uint32_t table_begin(Build *b, const char *sig, uint8_t rev)
{
    blob_align(&b->tables, 8);
    uint32_t off = (uint32_t)b->tables.len;
    uint8_t *h = blob_grow(&b->tables, ACPI_HEADER_SIZE);
    if (!h) {
        return off;
    }
    memcpy(h, sig, 4);
    h[8] = rev;
    memcpy(h + 10, "PCVM  ", 6);
    memcpy(h + 16, "PCVM", 4);
    memcpy(h + 20, sig, 4);
    le_store(h + 24, 1, 4);
    memcpy(h + 28, "PCVM", 4);
    le_store(h + 32, 1, 4);
    return off;
}

static void table_end(Build *b, uint32_t off)
{
    if (b->tables.error) {
        return;
    }
    le_store(b->tables.data + off + 4, b->tables.len - off, 4);
    if (b->ntables < MAX_TABLES) {
        b->table_off[b->ntables++] = off;
    }
}

static void pointer(Build *b, uint32_t field, uint8_t size, uint32_t target)
{
    if (!b->tables.error) {
        le_store(b->tables.data + field, target, size);
    }
    loader_add_pointer(&b->loader, ACPI_TABLES_FILE, ACPI_TABLES_FILE, field,
                       size);
}

static uint32_t build_facs(Build *b)
{
    uint32_t off = (uint32_t)b->tables.len;
    uint8_t *f = blob_grow(&b->tables, FACS_SIZE);
    if (f) {
        memcpy(f, "FACS", 4);
        le_store(f + 4, FACS_SIZE, 4);
        f[32] = 2; /* version */
    }
    return off;
}

/* Generic address structure in system I/O. */
static void gas_io(uint8_t *p, uint8_t bits, uint8_t access, uint64_t addr)
{
    p[0] = 1;
    p[1] = bits;
    p[2] = 0;
    p[3] = access;
    le_store(p + 4, addr, 8);
}

static uint32_t build_fadt(Build *b, uint32_t facs, uint32_t dsdt)
{
    const AcpiConfig *c = b->cfg;
    uint32_t off = table_begin(b, "FACP", 3);
    uint8_t *f = blob_grow(&b->tables, FADT_SIZE - ACPI_HEADER_SIZE);
    if (!f) {
        return off;
    }
    f -= ACPI_HEADER_SIZE;
    uint16_t pm = c->pm_base;
    le_store(f + 46, c->sci_irq, 2);
    le_store(f + 48, 0xb2, 4);          /* SMI_CMD (APM control) */
    f[52] = 0xf1;                     /* ACPI_ENABLE */
    f[53] = 0xf0;                     /* ACPI_DISABLE */
    le_store(f + 56, pm, 4);            /* PM1a_EVT_BLK */
    le_store(f + 64, pm + 4, 4);        /* PM1a_CNT_BLK */
    le_store(f + 76, pm + 8, 4);        /* PM_TMR_BLK */
    le_store(f + 80, pm + 0xc, 4);      /* GPE0_BLK */
    f[88] = 4;                        /* PM1_EVT_LEN */
    f[89] = 2;                        /* PM1_CNT_LEN */
    f[91] = 4;                        /* PM_TMR_LEN */
    f[92] = 4;                        /* GPE0_BLK_LEN */
    le_store(f + 96, 0xfff, 2);         /* no C2 */
    le_store(f + 98, 0xfff, 2);         /* no C3 */
    f[108] = 0x32;                    /* CMOS century */
    le_store(f + 109, 0x0003, 2);       /* legacy devices, 8042 */
    le_store(f + 112, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
                          FADT_F_RESET_REG_SUP, 4);
    gas_io(f + 116, 8, 1, 0xcf9);     /* RESET_REG */
    f[128] = 0x06;                    /* RESET_VALUE */
    gas_io(f + 148, 32, 2, pm);       /* X_PM1a_EVT_BLK */
    gas_io(f + 172, 16, 2, pm + 4);   /* X_PM1a_CNT_BLK */
    gas_io(f + 208, 32, 3, pm + 8);   /* X_PM_TMR_BLK */
    gas_io(f + 220, 32, 1, pm + 0xc); /* X_GPE0_BLK */
    table_end(b, off);
    pointer(b, off + FADT_FIRMWARE_CTRL, 4, facs);
    pointer(b, off + FADT_DSDT, 4, dsdt);
    pointer(b, off + FADT_X_DSDT, 8, dsdt);
    return off;
}

static void madt_entry(Blob *t, const uint8_t *e, size_t n)
{
    uint8_t *p = blob_grow(t, n);
    if (p) {
        memcpy(p, e, n);
    }
}

static uint32_t build_madt(Build *b)
{
    const AcpiConfig *c = b->cfg;
    uint32_t off = table_begin(b, "APIC", 3);
    uint8_t *h = blob_grow(&b->tables, 8);
    if (h) {
        le_store(h, c->lapic_addr, 4);
        le_store(h + 4, MADT_F_PCAT_COMPAT, 4);
    }
    for (int i = 0; i < c->ncpus; i++) {
        uint8_t e[8] = {MADT_LAPIC, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0};
        madt_entry(&b->tables, e, sizeof(e));
    }
    uint8_t io[12] = {MADT_IOAPIC, 12, c->ioapic_id, 0};
    le_store(io + 4, c->ioapic_addr, 4);
    le_store(io + 8, 0, 4);
    madt_entry(&b->tables, io, sizeof(io));
    /* IRQ0 is on IOAPIC pin 2 (the PIT through the 8259 cascade pin). */
    uint8_t iso[10] = {MADT_ISO, 10, 0, 0};
    le_store(iso + 4, 2, 4);
    le_store(iso + 8, 0, 2);
    madt_entry(&b->tables, iso, sizeof(iso));
    /* PCI interrupts (the PIIX links' IRQs) and the SCI: level, high. */
    static const uint8_t level_irqs[] = {5, 9, 10, 11};
    for (size_t i = 0; i < sizeof(level_irqs); i++) {
        uint8_t irq = level_irqs[i];
        if (irq == 9 && c->sci_irq != 9) {
            irq = c->sci_irq;
        }
        uint8_t e[10] = {MADT_ISO, 10, 0, irq};
        le_store(e + 4, irq, 4);
        le_store(e + 8, ISO_LEVEL_HIGH, 2);
        madt_entry(&b->tables, e, sizeof(e));
    }
    uint8_t nmi[6] = {MADT_LAPIC_NMI, 6, 0xff, 0, 0, 1};
    madt_entry(&b->tables, nmi, sizeof(nmi));
    table_end(b, off);
    return off;
}

static uint32_t build_hpet(Build *b)
{
    uint32_t off = table_begin(b, "HPET", 1);
    uint8_t *p = blob_grow(&b->tables, 20);
    if (p) {
        /* Event timer block ID: Intel, legacy capable, 64-bit counter,
         * three comparators, revision 1 (the HPET's own GCAP_ID). */
        le_store(p, 0x8086a201u, 4);
        p[4] = 0; /* system memory */
        p[5] = 64;
        le_store(p + 8, b->cfg->hpet_addr, 8);
        p[16] = 0;                 /* HPET number */
        le_store(p + 17, 0x80, 2);   /* minimum periodic tick */
        p[19] = 0;
    }
    table_end(b, off);
    return off;
}

static uint32_t build_sdt(Build *b, const char *sig, const uint32_t *tabs,
                          int n, uint8_t entry)
{
    uint32_t off = table_begin(b, sig, 1);
    uint32_t first = (uint32_t)b->tables.len;
    blob_grow(&b->tables, (size_t)n * entry);
    table_end(b, off);
    for (int i = 0; i < n; i++) {
        pointer(b, first + (uint32_t)i * entry, entry, tabs[i]);
    }
    return off;
}

/* --- the DSDT --- */

static void aml_res_buffer(Aml *a, AmlRes *r)
{
    aml_res_end(r);
    if (r->overflow) {
        a->error = true;
    }
    aml_buffer(a, r->data, r->len);
}

static void isa_device(Aml *a, const char *name, const char *hid, int uid,
                       AmlRes *crs)
{
    aml_device_begin(a, name);
    aml_name_decl(a, "_HID");
    aml_eisaid(a, hid);
    if (uid >= 0) {
        aml_name_decl(a, "_UID");
        aml_int(a, uid);
    }
    aml_name_decl(a, "_CRS");
    aml_res_buffer(a, crs);
    aml_end(a);
}

static void dsdt_isa(Aml *a, const AcpiConfig *c)
{
    AmlRes r;
    aml_device_begin(a, "ISA");
    aml_name_decl(a, "_ADR");
    aml_int(a, 0x00010000);
    /* The PIIX3 PIRQ route registers, for the link devices. */
    aml_opregion(a, "P40C", AML_SPACE_PCI_CONFIG, 0x60, 4);
    aml_field_begin(a, "P40C", 0x01 /* ByteAcc, NoLock, Preserve */);
    aml_field_entry(a, "PRQ0", 8);
    aml_field_entry(a, "PRQ1", 8);
    aml_field_entry(a, "PRQ2", 8);
    aml_field_entry(a, "PRQ3", 8);
    aml_end(a);

    r = (AmlRes){.len = 0};
    aml_res_io(&r, 0x60, 1, 1);
    aml_res_io(&r, 0x64, 1, 1);
    aml_res_irq_noflags(&r, 1u << 1);
    isa_device(a, "KBD", "PNP0303", -1, &r);

    r = (AmlRes){.len = 0};
    aml_res_irq_noflags(&r, 1u << 12);
    isa_device(a, "MOU", "PNP0F13", -1, &r);

    r = (AmlRes){.len = 0};
    aml_res_io(&r, 0x70, 0x10, 2);
    aml_res_irq_noflags(&r, 1u << 8);
    isa_device(a, "RTC", "PNP0B00", -1, &r);

    r = (AmlRes){.len = 0};
    aml_res_io(&r, 0x20, 1, 2);
    aml_res_io(&r, 0xa0, 1, 2);
    aml_res_irq_noflags(&r, 1u << 2);
    isa_device(a, "PIC", "PNP0000", -1, &r);

    r = (AmlRes){.len = 0};
    aml_res_io(&r, 0x40, 1, 4);
    aml_res_irq_noflags(&r, 1u << 0);
    isa_device(a, "TMR", "PNP0100", -1, &r);

    static const struct {
        const char *name;
        uint16_t port;
        uint8_t irq;
    } com[4] = {{"COM1", 0x3f8, 4}, {"COM2", 0x2f8, 3}, {"COM3", 0x3e8, 4},
                {"COM4", 0x2e8, 3}};
    for (int i = 0; i < c->ncom && i < 4; i++) {
        r = (AmlRes){.len = 0};
        aml_res_io(&r, com[i].port, 0, 8);
        aml_res_irq_noflags(&r, (uint16_t)(1u << com[i].irq));
        isa_device(a, com[i].name, "PNP0501", i + 1, &r);
    }
    aml_end(a);
}

static void dsdt_pci0(Aml *a, const AcpiConfig *c)
{
    AmlRes r = {.len = 0};
    aml_device_begin(a, "PCI0");
    aml_name_decl(a, "_HID");
    aml_eisaid(a, "PNP0A03");
    aml_name_decl(a, "_ADR");
    aml_int(a, 0);
    aml_name_decl(a, "_UID");
    aml_int(a, 0);

    /* SeaBIOS puts 32-bit BARs from 2 or 3 GiB (or the end of RAM) up. */
    uint32_t hole = c->ram_below_4g <= 0x80000000ULL   ? 0x80000000u
                    : c->ram_below_4g <= 0xc0000000ULL ? 0xc0000000u
                                                       : 0xe0000000u;
    aml_res_word_bus(&r, 0, 0xff);
    aml_res_io(&r, 0xcf8, 1, 8);
    aml_res_word_io(&r, 0x0000, 0x0cf7);
    aml_res_word_io(&r, 0x0d00, 0xffff);
    aml_res_dword_mem(&r, 0xa0000, 0xbffff);
    aml_res_dword_mem(&r, hole, PCI_HOLE_END);
    if (c->ram_above_4g) {
        uint64_t start = 0x100000000ULL + c->ram_above_4g;
        start = (start + (1ULL << 30) - 1) & ~((1ULL << 30) - 1);
        aml_res_qword_mem(&r, start, start + (1ULL << 36) - 1);
    }
    aml_name_decl(a, "_CRS");
    aml_res_buffer(a, &r);

    /* _PRT: slot s, pin p -> link (s + p) & 3, like the PIIX swizzle. */
    aml_name_decl(a, "_PRT");
    aml_package_begin(a, 128);
    for (int slot = 0; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            char link[5] = "LNKA";
            link[3] = (char)('A' + ((slot + pin) & 3));
            aml_package_begin(a, 4);
            aml_int(a, (uint32_t)slot << 16 | 0xffff);
            aml_int(a, pin);
            aml_name(a, link);
            aml_int(a, 0);
            aml_end(a);
        }
    }
    aml_end(a);

    dsdt_isa(a, c);
    aml_end(a);
}

/* A PCI interrupt link over PIIX route register @n. */
static void dsdt_link(Aml *a, int n)
{
    char name[5] = "LNKA";
    char reg[24];
    name[3] = (char)('A' + n);
    snprintf(reg, sizeof(reg), "\\_SB.PCI0.ISA.PRQ%d", n);
    static const uint32_t irqs[] = {5, 10, 11};
    static const uint32_t none[] = {0};
    AmlRes r = {.len = 0};

    aml_device_begin(a, name);
    aml_name_decl(a, "_HID");
    aml_eisaid(a, "PNP0C0F");
    aml_name_decl(a, "_UID");
    aml_int(a, n + 1);
    aml_res_interrupt(&r, true, false, true, irqs, 3);
    aml_name_decl(a, "_PRS");
    aml_res_buffer(a, &r);

    /* _STA: bit 7 of the route register disables the link. */
    aml_method_begin(a, "_STA", 0, false);
    aml_if_begin(a);
    aml_byte(a, AML_OP_AND);
    aml_name(a, reg);
    aml_int(a, 0x80);
    aml_byte(a, AML_NULL_NAME);
    aml_byte(a, AML_OP_RETURN);
    aml_int(a, 0x09);
    aml_end(a);
    aml_else_begin(a);
    aml_byte(a, AML_OP_RETURN);
    aml_int(a, 0x0b);
    aml_end(a);
    aml_end(a);

    aml_method_begin(a, "_DIS", 0, false);
    aml_byte(a, AML_OP_OR);
    aml_name(a, reg);
    aml_int(a, 0x80);
    aml_name(a, reg);
    aml_end(a);

    /* _CRS: the routed IRQ in an Interrupt() template. */
    r = (AmlRes){.len = 0};
    aml_res_interrupt(&r, true, false, true, none, 1);
    aml_method_begin(a, "_CRS", 0, true);
    aml_name_decl(a, "PRR0");
    aml_res_buffer(a, &r);
    aml_byte(a, AML_OP_CREATE_DWORD_FIELD);
    aml_name(a, "PRR0");
    aml_int(a, 5);
    aml_name(a, "PRRI");
    aml_byte(a, AML_OP_STORE);
    aml_byte(a, AML_OP_AND);
    aml_name(a, reg);
    aml_int(a, 0x0f);
    aml_byte(a, AML_NULL_NAME);
    aml_name(a, "PRRI");
    aml_byte(a, AML_OP_RETURN);
    aml_name(a, "PRR0");
    aml_end(a);

    /* _SRS(Arg0): take the IRQ from the template the OS chose. */
    aml_method_begin(a, "_SRS", 1, true);
    aml_byte(a, AML_OP_CREATE_DWORD_FIELD);
    aml_byte(a, AML_ARG0);
    aml_int(a, 5);
    aml_name(a, "PRRI");
    aml_byte(a, AML_OP_STORE);
    aml_name(a, "PRRI");
    aml_name(a, reg);
    aml_end(a);

    aml_end(a);
}

static uint32_t build_dsdt(Build *b)
{
    const AcpiConfig *c = b->cfg;
    Aml a = {0};
    uint32_t off = table_begin(b, "DSDT", 2);

    aml_scope_begin(&a, "\\_SB");
    dsdt_pci0(&a, c);
    for (int n = 0; n < 4; n++) {
        dsdt_link(&a, n);
    }
    if (c->hpet) {
        AmlRes r = {.len = 0};
        aml_device_begin(&a, "HPET");
        aml_name_decl(&a, "_HID");
        aml_eisaid(&a, "PNP0103");
        aml_name_decl(&a, "_UID");
        aml_int(&a, 0);
        aml_name_decl(&a, "_STA");
        aml_int(&a, 0x0f);
        aml_res_mem32_fixed(&r, false, c->hpet_addr, 0x400);
        aml_name_decl(&a, "_CRS");
        aml_res_buffer(&a, &r);
        aml_end(&a);
    }
    for (int i = 0; i < c->ncpus; i++) {
        char name[5];
        snprintf(name, sizeof(name), "C%03X", i);
        aml_device_begin(&a, name);
        aml_name_decl(&a, "_HID");
        aml_string(&a, "ACPI0007");
        aml_name_decl(&a, "_UID");
        aml_int(&a, i);
        aml_end(&a);
    }
    aml_end(&a);

    /* \_S5: SLP_TYP 0 is PIIX4's soft-off. */
    aml_name_decl(&a, "\\_S5");
    aml_package_begin(&a, 4);
    for (int i = 0; i < 4; i++) {
        aml_int(&a, 0);
    }
    aml_end(&a);

    if (a.error || a.depth != 0) {
        b->tables.error = true;
    } else {
        uint8_t *p = blob_grow(&b->tables, a.len);
        if (p) {
            memcpy(p, a.data, a.len);
        }
    }
    aml_free(&a);
    table_end(b, off);
    return off;
}

static void build_rsdp(Blob *rsdp, Blob *loader, uint32_t rsdt,
                       uint32_t xsdt)
{
    uint8_t *r = blob_grow(rsdp, RSDP_SIZE);
    if (!r) {
        return;
    }
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "PCVM  ", 6);
    r[15] = 2;
    le_store(r + 16, rsdt, 4);
    le_store(r + 20, RSDP_SIZE, 4);
    le_store(r + 24, xsdt, 8);
    loader_add_pointer(loader, ACPI_RSDP_FILE, ACPI_TABLES_FILE, 16, 4);
    loader_add_pointer(loader, ACPI_RSDP_FILE, ACPI_TABLES_FILE, 24, 8);
    loader_add_checksum(loader, ACPI_RSDP_FILE, 8, 0, 20);
    loader_add_checksum(loader, ACPI_RSDP_FILE, 32, 0, RSDP_SIZE);
}

void acpi_config_default(AcpiConfig *cfg, int ncpus, uint64_t ram_below_4g,
                         uint64_t ram_above_4g)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ncpus = ncpus;
    cfg->pm_base = 0x600;
    cfg->sci_irq = 9;
    cfg->ram_below_4g = ram_below_4g;
    cfg->ram_above_4g = ram_above_4g;
    cfg->hpet = true;
    cfg->ncom = 1;
    cfg->lapic_addr = 0xfee00000u;
    cfg->ioapic_addr = 0xfec00000u;
    cfg->ioapic_id = 0;
    cfg->hpet_addr = 0xfed00000u;
}

int acpi_build(const AcpiConfig *cfg, AcpiTables *out)
{
    Build b = {.cfg = cfg};
    Blob rsdp = {0};
    memset(out, 0, sizeof(*out));
    if (cfg->ncpus < 1 || cfg->ncpus > 255 || cfg->ncom < 0) {
        return -1;
    }
    loader_allocate(&b.loader, ACPI_RSDP_FILE, 16, ACPI_LOADER_ZONE_FSEG);
    loader_allocate(&b.loader, ACPI_TABLES_FILE, 64, ACPI_LOADER_ZONE_HIGH);

    uint32_t facs = build_facs(&b);
    uint32_t dsdt = build_dsdt(&b);
    uint32_t tabs[4];
    int n = 0;
    tabs[n++] = build_fadt(&b, facs, dsdt);
    tabs[n++] = build_madt(&b);
    if (cfg->hpet) {
        tabs[n++] = build_hpet(&b);
    }
    uint32_t rsdt = build_sdt(&b, "RSDT", tabs, n, 4);
    uint32_t xsdt = build_sdt(&b, "XSDT", tabs, n, 8);
    for (int i = 0; i < b.ntables; i++) {
        uint32_t off = b.table_off[i];
        uint32_t len = b.tables.error ? 0 : (uint32_t)(b.tables.data[off + 4] |
                       b.tables.data[off + 5] << 8 |
                       b.tables.data[off + 6] << 16 |
                       (uint32_t)b.tables.data[off + 7] << 24);
        loader_add_checksum(&b.loader, ACPI_TABLES_FILE, off + 9, off, len);
    }
    build_rsdp(&rsdp, &b.loader, rsdt, xsdt);

    if (b.tables.error || b.loader.error || rsdp.error) {
        free(b.tables.data);
        free(b.loader.data);
        free(rsdp.data);
        return -1;
    }
    out->tables = b.tables.data;
    out->tables_len = (uint32_t)b.tables.len;
    out->loader = b.loader.data;
    out->loader_len = (uint32_t)b.loader.len;
    out->rsdp = rsdp.data;
    out->rsdp_len = (uint32_t)rsdp.len;
    return 0;
}

void acpi_tables_free(AcpiTables *t)
{
    free(t->tables);
    free(t->rsdp);
    free(t->loader);
    memset(t, 0, sizeof(*t));
}
