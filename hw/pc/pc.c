/*
 * The PC board (see pc.h). In this milestone it holds RAM, the BIOS ROM
 * with its low alias, and the debug devices; the i440FX/PIIX chipset and
 * the legacy devices arrive with M3.
 */
#include "hw/pc/pc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "hw/pc/acpi_build.h"
#include "hw/pc/e820.h"
#include "hw/pc/elcr.h"
#include "hw/pc/fw_cfg.h"
#include "hw/pc/i440fx.h"
#include "hw/pc/firmware.h"
#include "hw/pc/hpet.h"
#include "hw/pc/ioapic.h"
#include "hw/pc/lapic.h"
#include "hw/pc/isa_debug.h"
#include "hw/pc/pc_direct.h"
#include "hw/pc/pc_isa.h"
#include "hw/pc/pc_kernel.h"
#include "hw/pc/piix.h"
#include "hw/pc/piix4_pm.h"
#include "hw/pci/pci.h"


typedef struct PcBoard {
    MemRegion *ram_low;
    MemRegion *ram_high;
    MemRegion *bios;
    MemRegion *isa_bios;
    PcIsa *isa;
    uint64_t isa_bios_base;
    /* The chipset (pc_chipset_init). */
    PciBus *pci;
    I440fx *i440fx;
    Piix3 *piix3;
    Piix4Pm *pm;
    Elcr *elcr;
    FwCfg *fw_cfg;
    ApicBus *apic_bus;
    Ioapic *ioapic;
    PcDirect *direct;  /* -bios none: direct kernel boot */
} PcBoard;

static void pc_board_free(Machine *m)
{
    PcBoard *b = m->board;
    if (b) {
        pc_isa_free(b->isa);
        pc_direct_free(b->direct);
    }
    free(m->board);
    m->board = NULL;
}

/* Options whose devices are not built yet: say so, one line. */
static int refuse_unbuilt(const MachineConfig *cfg, char *err, size_t errlen)
{
    if (cfg->ndrives > 0) {
        return error_set(err, errlen, "-%s: disk and floppy devices are not built "
                                 "yet (a later milestone)",
                    cfg->drives[0].option);
    }
    if (cfg->nnetdevs > 0) {
        return error_set(err, errlen, "-netdev: networking is not built yet (a "
                                 "later milestone)");
    }
    if (cfg->monitor_set && cfg->monitor.kind != CHR_NONE) {
        return error_set(err, errlen, "-monitor: the monitor is not built yet");
    }
    if (cfg->display == DISPLAY_SDL) {
        return error_set(err, errlen, "-display sdl: the SDL window is not built "
                                 "yet (use -nographic)");
    }
    return 0;
}

static int map_ram(Machine *m, PcBoard *b, char *err, size_t errlen)
{
    uint64_t size = m->cfg->ram_size;
    uint64_t low = size < PC_LOWMEM_MAX ? size : PC_LOWMEM_MAX;
    b->ram_low = as_add_ram(m->as, "ram-below-4g", 0, low, 0);
    if (!b->ram_low) {
        return error_set(err, errlen, "-m: cannot allocate %llu MiB of guest RAM",
                    (unsigned long long)(size >> 20));
    }
    if (size > low) {
        b->ram_high = as_add_ram(m->as, "ram-above-4g", PC_HIGHMEM_BASE,
                                 size - low, 0);
        if (!b->ram_high) {
            return error_set(err, errlen, "-m: cannot allocate %llu MiB of guest "
                                     "RAM", (unsigned long long)(size >> 20));
        }
    }
    return 0;
}

/* Map the firmware at the top of 4 GiB, its last 128 KiB also below 1 MiB,
 * where the CPU starts (F000:FFF0 runs the file's last 16 bytes). */
static int load_bios(Machine *m, PcBoard *b, const char *path, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st)) {
        int e = errno;
        if (f) {
            fclose(f);
        }
        return error_set(err, errlen, "-bios %s: %s", path, strerror(e));
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0 || size > PC_BIOS_MAX_SIZE) {
        fclose(f);
        return error_set(err, errlen, "-bios %s: size %llu is not between 1 byte "
                                 "and 16 MiB", path, (unsigned long long)size);
    }
    /* Whole 64 KiB units, the file at the top. */
    uint64_t rom_size = (size + 0xffff) & ~0xffffULL;
    b->bios = as_add_rom(m->as, "bios", PC_HIGHMEM_BASE - rom_size, rom_size, 1);
    if (!b->bios) {
        fclose(f);
        return error_set(err, errlen, "-bios %s: cannot map the ROM", path);
    }
    uint8_t *host = mr_host(b->bios) + (rom_size - size);
    size_t got = fread(host, 1, size, f);
    fclose(f);
    if (got != size) {
        return error_set(err, errlen, "-bios %s: short read", path);
    }
    uint64_t alias = rom_size < PC_ISA_BIOS_SIZE ? rom_size : PC_ISA_BIOS_SIZE;
    b->isa_bios_base = 0x100000 - alias;
    b->isa_bios = as_add_alias(m->as, "isa-bios", b->isa_bios_base, alias,
                               b->bios, rom_size - alias,
                               PC_BIOS_ALIAS_PRIO);
    if (!b->isa_bios) {
        return error_set(err, errlen, "-bios %s: cannot map the low alias", path);
    }
    return 0;
}

static int parse_port_prop(const char *what, const char *v, uint64_t max,
                           uint64_t *out, char *err, size_t errlen)
{
    if (parse_uint(v, out) || *out > max) {
        return error_set(err, errlen, "%s=%s: expected a number up to %#llx", what,
                    v, (unsigned long long)max);
    }
    return 0;
}

static const struct {
    const char *name;
    const char *help;
} pc_devices[] = {
    {"isa-debug-exit", "exit device: writing v ends pcvm with status "
                       "(v<<1)|1 (iobase=0xf4, iosize=4)"},
    {"isa-debugcon", "debug console (iobase=0xe9; output goes to "
                     "-debugcon)"},
};

void pc_list_devices(FILE *f)
{
    fprintf(f, "Devices for -device:\n");
    for (size_t i = 0; i < sizeof(pc_devices) / sizeof(pc_devices[0]); i++) {
        fprintf(f, "  %-16s %s\n", pc_devices[i].name, pc_devices[i].help);
    }
}

static int create_debugcon(Machine *m, uint64_t iobase, char *err,
                           size_t errlen)
{
    Chardev *chr = NULL;
    if (m->cfg->debugcon_set) {
        chr = machine_open_chardev(m, &m->cfg->debugcon, "-debugcon", err,
                                   errlen);
        if (!chr && m->cfg->debugcon.kind != CHR_NONE) {
            return -1;
        }
    }
    if (!debugcon_new(m, (uint16_t)iobase, chr)) {
        return error_set(err, errlen, "isa-debugcon: port %#llx is taken",
                    (unsigned long long)iobase);
    }
    return 0;
}

static int create_devices(Machine *m, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    bool debugcon_done = false;
    uint64_t debugcon_base = 0xe9;
    const char *g = config_global(cfg, "isa-debugcon", "iobase");
    if (g && parse_port_prop("isa-debugcon.iobase", g, 0xffff, &debugcon_base,
                             err, errlen)) {
        return -1;
    }

    for (int i = 0; i < cfg->ndevices; i++) {
        const DeviceSpec *d = &cfg->devices[i];
        if (!strcmp(d->driver, "isa-debug-exit")) {
            uint64_t base = 0xf4, size = 4;
            for (int p = 0; p < d->nprops; p++) {
                const KeyVal *kv = &d->props[p];
                if (!strcmp(kv->key, "iobase")) {
                    if (parse_port_prop("-device isa-debug-exit,iobase",
                                        kv->value, 0xffff, &base, err,
                                        errlen)) {
                        return -1;
                    }
                } else if (!strcmp(kv->key, "iosize")) {
                    if (parse_port_prop("-device isa-debug-exit,iosize",
                                        kv->value, 4, &size, err, errlen) ||
                        size == 0) {
                        return error_set(err, errlen, "-device isa-debug-exit,"
                                                 "iosize=%s: 1 to 4",
                                    kv->value);
                    }
                } else {
                    return error_set(err, errlen, "-device isa-debug-exit: unknown "
                                             "property '%s'", kv->key);
                }
            }
            if (base + size > 0x10000 ||
                !debug_exit_new(m, (uint16_t)base, (uint16_t)size)) {
                return error_set(err, errlen, "-device isa-debug-exit: ports "
                                         "%#llx+%llu are taken",
                            (unsigned long long)base,
                            (unsigned long long)size);
            }
        } else if (!strcmp(d->driver, "isa-debugcon")) {
            uint64_t base = debugcon_base;
            for (int p = 0; p < d->nprops; p++) {
                const KeyVal *kv = &d->props[p];
                if (!strcmp(kv->key, "iobase")) {
                    if (parse_port_prop("-device isa-debugcon,iobase",
                                        kv->value, 0xffff, &base, err,
                                        errlen)) {
                        return -1;
                    }
                } else if (strcmp(kv->key, "chardev")) {
                    return error_set(err, errlen, "-device isa-debugcon: unknown "
                                             "property '%s'", kv->key);
                }
            }
            if (create_debugcon(m, base, err, errlen)) {
                return -1;
            }
            debugcon_done = true;
        } else if (!strcmp(d->driver, "help")) {
            continue;
        } else if (!strcmp(d->driver, "e1000")) {
            return error_set(err, errlen, "-device e1000: the NIC is not built yet "
                                     "(a later milestone)");
        } else {
            return error_set(err, errlen, "-device %s: unknown device (-device "
                                     "help lists them)", d->driver);
        }
    }
    if (cfg->debugcon_set && !debugcon_done) {
        return create_debugcon(m, debugcon_base, err, errlen);
    }
    return 0;
}

/* --- the chipset: i440FX, PIIX3/PIIX4, fw_cfg, ACPI --- */

static int pc_load_file(const char *path, uint8_t **data, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) || st.st_size <= 0 ||
        st.st_size > (16 << 20)) {
        if (f) {
            fclose(f);
            errno = EFBIG;
        }
        return -1;
    }
    *data = malloc((size_t)st.st_size);
    if (!*data || fread(*data, 1, (size_t)st.st_size, f) !=
                      (size_t)st.st_size) {
        free(*data);
        fclose(f);
        errno = EIO;
        return -1;
    }
    fclose(f);
    *len = (uint32_t)st.st_size;
    return 0;
}

static bool direct_boot(const MachineConfig *cfg)
{
    return cfg->bios && !strcmp(cfg->bios, "none");
}

static void pc_board_reset(Machine *m, ResetKind kind)
{
    PcBoard *b = m->board;
    (void)kind;
    if (b->direct) {
        pc_direct_reset(b->direct);
    }
}

/* What SeaBIOS reads through fw_cfg on this board. */
static int pc_fw_cfg_init(Machine *m, PcBoard *b, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    uint64_t low = mr_size(b->ram_low);
    uint64_t high = b->ram_high ? mr_size(b->ram_high) : 0;
    FwCfg *fw = fw_cfg_new(m, FW_CFG_IO_BASE, FW_CFG_DMA_IO_BASE);
    if (!fw) {
        return error_set(err, errlen, "fw_cfg: ports 0x510-0x51b are taken");
    }
    b->fw_cfg = fw;
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, cfg->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, (uint16_t)m->ncpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, (uint16_t)m->ncpus);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, cfg->nographic);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, cfg->boot_menu);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    if (cfg->boot_order) {
        fw_cfg_add_i16(fw, FW_CFG_BOOT_DEVICE, (uint8_t)cfg->boot_order[0]);
    }
    if (cfg->boot_menu && cfg->boot_splash_time > 0) {
        uint16_t t = cfg->boot_splash_time > 0xffff
                         ? 0xffff : (uint16_t)cfg->boot_splash_time;
        uint8_t v[2] = {(uint8_t)t, (uint8_t)(t >> 8)};
        fw_cfg_add_file(fw, "etc/boot-menu-wait", v, 2);
    }
    if (cfg->nographic) {
        uint8_t port[2] = {0xf8, 0x03};
        fw_cfg_add_file(fw, "etc/sercon-port", port, 2);
    }

    E820Table e820 = {.count = 0};
    uint8_t raw[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
    e820_add(&e820, 0, low, E820_RAM);
    if (high) {
        e820_add(&e820, PC_HIGHMEM_BASE, high, E820_RAM);
    }
    fw_cfg_add_file(fw, "etc/e820", raw, (uint32_t)e820_encode(&e820, raw));

    AcpiConfig acfg;
    AcpiTables tables;
    acpi_config_default(&acfg, m->ncpus, low, high);
    if (acpi_build(&acfg, &tables)) {
        return error_set(err, errlen, "cannot build the ACPI tables");
    }
    fw_cfg_add_file(fw, ACPI_TABLES_FILE, tables.tables, tables.tables_len);
    fw_cfg_add_file(fw, ACPI_RSDP_FILE, tables.rsdp, tables.rsdp_len);
    fw_cfg_add_file(fw, ACPI_LOADER_FILE, tables.loader, tables.loader_len);
    acpi_tables_free(&tables);

    if (!direct_boot(cfg) && pc_kernel_init(m, fw, low, high, err, errlen)) {
        return -1;
    }

    for (int i = 0; i < cfg->noption_roms; i++) {
        const char *path = cfg->option_roms[i];
        const char *base = strrchr(path, '/');
        char name[FW_CFG_FILE_NAME_SIZE];
        uint8_t *data;
        uint32_t len;
        if (pc_load_file(path, &data, &len)) {
            return error_set(err, errlen, "-option-rom %s: %s", path,
                        strerror(errno));
        }
        snprintf(name, sizeof(name), "genroms/%s", base ? base + 1 : path);
        int rc = fw_cfg_add_file(fw, name, data, len);
        free(data);
        if (rc) {
            return error_set(err, errlen, "-option-rom %s: too many or a bad "
                                     "name", path);
        }
    }
    return 0;
}

static void pc_sipi(void *opaque, int cpu, uint8_t vector)
{
    Machine *m = opaque;
    if (m->accel && m->accel->sipi) {
        m->accel->sipi(m, cpu, vector);
    }
}

/* One local APIC per CPU, driving its pins and answering its INTA. The
 * 8259's INTR reaches CPU 0 through LINT0 (virtual wire, ExtINT), as on
 * every APIC PC; pc_isa_init() gets that line. */
static int pc_apic_init(Machine *m, PcBoard *b, char *err, size_t errlen)
{
    b->apic_bus = apic_bus_new(m, APIC_DEFAULT_BASE, &m->current_cpu);
    if (!b->apic_bus) {
        return error_set(err, errlen, "cannot map the local APICs");
    }
    for (int i = 0; i < m->ncpus; i++) {
        LapicCpu c = {{0}, {0}, {0}, {0}, pc_sipi, m};
        if (m->accel && m->accel->cpu_pin) {
            c.intr = m->accel->cpu_pin(m, i, VCPU_PIN_INTR);
            c.nmi = m->accel->cpu_pin(m, i, VCPU_PIN_NMI);
            c.init = m->accel->cpu_pin(m, i, VCPU_PIN_INIT);
            c.smi = m->accel->cpu_pin(m, i, VCPU_PIN_SMI);
        }
        Lapic *l = lapic_new(b->apic_bus, i, c);
        if (!l) {
            return error_set(err, errlen, "out of memory");
        }
        if (m->accel && m->accel->set_intc) {
            m->accel->set_intc(m, i, lapic_intc(l));
        }
    }
    return 0;
}

/* The IOAPIC sees every ISA line next to the 8259, IRQ0 on pin 2 (the
 * interrupt source override the MADT and fw_cfg announce). */
static int pc_ioapic_init(Machine *m, PcBoard *b, char *err, size_t errlen)
{
    b->ioapic = ioapic_new(m, IOAPIC_DEFAULT_BASE, b->apic_bus);
    if (!b->ioapic) {
        return error_set(err, errlen, "cannot map the IOAPIC");
    }
    for (int i = 0; i < PIIX_ISA_IRQS; i++) {
        irq_fanout_add(pc_isa_irq_fanout(b->isa, i),
                       ioapic_input(b->ioapic, i == 0 ? 2 : i));
    }
    /* The HPET: comparators on IOAPIC pins 20-23, or in legacy
     * replacement on IRQ0/IRQ8 in place of the 8254 and the RTC. */
    IrqLine pins[IOAPIC_NUM_PINS];
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        pins[i] = ioapic_input(b->ioapic, i);
    }
    if (!hpet_new(m, HPET_DEFAULT_BASE, pins, pc_isa_irq_source(b->isa, 0),
                  pc_isa_irq_source(b->isa, 8),
                  pc_isa_legacy_replacement(b->isa))) {
        return error_set(err, errlen, "cannot map the HPET");
    }
    return 0;
}

static int pc_chipset_init(Machine *m, PcBoard *b, char *err, size_t errlen)
{
    IrqLine isa[PIIX_ISA_IRQS], pirq[PCI_NUM_PIRQS];
    /* PCI interrupts routed by PIIX join the ISA lines as more sources. */
    for (int i = 0; i < PIIX_ISA_IRQS; i++) {
        isa[i] = pc_isa_irq_source(b->isa, i);
    }
    if (pc_ioapic_init(m, b, err, errlen)) {
        return -1;
    }
    b->pci = pci_bus_new(m);
    if (!b->pci) {
        return error_set(err, errlen, "out of memory");
    }
    b->i440fx = i440fx_new(m, b->pci, b->ram_low, b->bios, b->isa_bios_base);
    b->piix3 = piix3_new(m, b->pci, PCI_DEVFN(1, 0), isa);
    b->pm = piix4_pm_new(m, b->pci, PCI_DEVFN(1, 3),
                         pc_isa_irq_source(b->isa, 9));
    /* The 8259 model owns the ELCR ports here (hw/pc/elcr.c is the
     * stand-alone alternative for a PIC without them). */
    if (!b->i440fx || !b->piix3 || !b->pm) {
        return error_set(err, errlen, "cannot build the i440FX/PIIX chipset");
    }
    i440fx_set_cf9_handler(b->i440fx, &piix3_rcr_ops, b->piix3);
    for (int i = 0; i < PCI_NUM_PIRQS; i++) {
        pirq[i] = piix3_pirq(b->piix3, i);
    }
    pci_bus_set_irq_route(b->pci, piix3_map_irq, b->piix3, pirq);
    if (pc_fw_cfg_init(m, b, err, errlen)) {
        return -1;
    }
    if (direct_boot(m->cfg)) {
        b->direct = pc_direct_init(m, b->pci, mr_size(b->ram_low),
                                   b->ram_high ? mr_size(b->ram_high) : 0,
                                   err, errlen);
        if (!b->direct) {
            return -1;
        }
        m->board_reset = pc_board_reset;
    }
    return 0;
}

int pc_machine_init(Machine *m, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    if (refuse_unbuilt(cfg, err, errlen)) {
        return -1;
    }
    PcBoard *b = calloc(1, sizeof(*b));
    if (!b) {
        return error_set(err, errlen, "out of memory");
    }
    m->board = b;
    m->board_free = pc_board_free;

    if (map_ram(m, b, err, errlen)) {
        return -1;
    }
    if (direct_boot(cfg)) {
        if (!cfg->kernel) {
            return error_set(err, errlen, "-bios none: no firmware, so -kernel "
                                     "is needed (direct boot)");
        }
    } else {
        /* The default firmware is SeaBIOS, from Debian's seabios package. */
        char *bios = cfg->bios ? strdup(cfg->bios)
                               : firmware_find(cfg, PC_DEFAULT_BIOS);
        if (!bios) {
            return error_set(err, errlen, "no firmware: %s is missing (Debian "
                                     "package seabios; or give -bios FILE / "
                                     "-L DIR)", PC_DEFAULT_BIOS);
        }
        int rc = load_bios(m, b, bios, err, errlen);
        free(bios);
        if (rc) {
            return -1;
        }
    }
    if (pc_apic_init(m, b, err, errlen)) {
        return -1;
    }
    Lapic *bsp = apic_bus_cpu(b->apic_bus, 0);
    if (pc_isa_init(m, lapic_lint(bsp, 0), &b->isa, err, errlen)) {
        return -1;
    }
    lapic_set_extint(bsp, pic_intc(pc_isa_pic(b->isa)));
    if (pc_chipset_init(m, b, err, errlen)) {
        return -1;
    }
    return create_devices(m, err, errlen);
}
