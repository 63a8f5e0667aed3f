/*
 * The i440FX host bridge: see i440fx.h.
 *
 * PAM segments are built from plain regions: an alias of RAM (read-only or
 * read/write) and, for the rarely used write-only mode, a small MMIO
 * region that reads the PCI side and writes RAM. The flat memory map has
 * one target per address for reads and writes alike, so that mode cannot
 * be an alias; it is slow but correct, and firmware only passes through it.
 */
#include "hw/pc/i440fx.h"

#include <stdlib.h>
#include <string.h>

#define CONFIG_ADDR_PORT 0xcf8
#define CONFIG_DATA_PORT 0xcfc
#define CONFIG_ENABLE 0x80000000u

#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x02

#define LEGACY_BASE 0xc0000ULL
#define LEGACY_SIZE 0x40000ULL

enum { PAM_OFF = 0, PAM_RO = 1, PAM_WO = 2, PAM_RW = 3 };

typedef struct PamSegment {
    struct I440fx *s;
    uint64_t base;
    uint64_t size;
    MemRegion *ram_alias;
    MemRegion *wo; /* write-only mode */
    int mode;
} PamSegment;

/* Migratable: the configuration address; PAM and SMRAM live in config
 * space (the PCI bus's section). */
typedef struct I440fxState {
    uint32_t config_addr;
} I440fxState;

struct I440fx {
    Machine *m;
    PciBus *bus;
    PciDevice *pci;
    MemRegion *ram;
    MemRegion *bios;
    uint64_t bios_low;
    MemRegion *legacy_window;
    MemRegion *smram;
    PamSegment pam[I440FX_PAM_SEGMENTS];
    const MemOps *cf9_ops;
    void *cf9_opaque;
    I440fxState st;
};

PciDevice *i440fx_pci(I440fx *s) { return s->pci; }

void i440fx_set_cf9_handler(I440fx *s, const MemOps *ops, void *opaque)
{
    s->cf9_ops = ops;
    s->cf9_opaque = opaque;
}

/* --- configuration mechanism #1 --- */

static uint64_t config_addr_read(void *opaque, uint64_t offset,
                                 unsigned size)
{
    I440fx *s = opaque;
    if (offset == 0 && size == 4) {
        return s->st.config_addr;
    }
    if (offset == 1 && size == 1 && s->cf9_ops && s->cf9_ops->read) {
        return s->cf9_ops->read(s->cf9_opaque, 0, 1);
    }
    return 0xffffffffu;
}

static void config_addr_write(void *opaque, uint64_t offset, uint64_t value,
                              unsigned size)
{
    I440fx *s = opaque;
    if (offset == 0 && size == 4) {
        s->st.config_addr = value & 0x80fffffcu;
    } else if (offset == 1 && size == 1 && s->cf9_ops &&
               s->cf9_ops->write) {
        s->cf9_ops->write(s->cf9_opaque, 0, value, 1);
    }
}

static const MemOps config_addr_ops = {
    .read = config_addr_read,
    .write = config_addr_write,
    .min_size = 1,
    .max_size = 4,
};

static uint64_t config_data_read(void *opaque, uint64_t offset,
                                 unsigned size)
{
    I440fx *s = opaque;
    uint32_t a = s->st.config_addr;
    if (!(a & CONFIG_ENABLE)) {
        return 0xffffffffu;
    }
    return pci_bus_config_read(s->bus, a >> 16, a >> 8,
                               (a & 0xfc) | (uint8_t)offset, size);
}

static void config_data_write(void *opaque, uint64_t offset, uint64_t value,
                              unsigned size)
{
    I440fx *s = opaque;
    uint32_t a = s->st.config_addr;
    if (a & CONFIG_ENABLE) {
        pci_bus_config_write(s->bus, a >> 16, a >> 8,
                             (a & 0xfc) | (uint8_t)offset, value, size);
    }
}

static const MemOps config_data_ops = {
    .read = config_data_read,
    .write = config_data_write,
    .min_size = 1,
    .max_size = 4,
};

/* --- PAM --- */

/* Reads of the PCI side: the BIOS ROM where its low alias lies, else
 * nothing. */
static uint64_t pam_pci_side_read(I440fx *s, uint64_t pa, unsigned size)
{
    uint64_t v = 0;
    uint64_t rom_size = s->bios ? mr_size(s->bios) : 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = pa + i;
        uint8_t byte = 0xff;
        if (s->bios && a >= s->bios_low && a < 0x100000) {
            uint64_t off = rom_size - (0x100000 - a);
            byte = mr_host(s->bios)[off];
        }
        v |= (uint64_t)byte << (8 * i);
    }
    return v;
}

static uint64_t pam_wo_read(void *opaque, uint64_t offset, unsigned size)
{
    PamSegment *seg = opaque;
    return pam_pci_side_read(seg->s, seg->base + offset, size);
}

static void pam_wo_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    PamSegment *seg = opaque;
    uint64_t ram_off = seg->base + offset;
    uint8_t *host = mr_host(seg->s->ram);
    for (unsigned i = 0; i < size; i++) {
        host[ram_off + i] = value >> (8 * i);
    }
    mr_dirty_mark(seg->s->ram, ram_off, size);
}

static const MemOps pam_wo_ops = {
    .read = pam_wo_read,
    .write = pam_wo_write,
    .min_size = 1,
    .max_size = 8,
};

static int pam_mode(const uint8_t *config, int seg)
{
    if (seg == 0) {
        return (config[I440FX_PAM0] >> 4) & 3;
    }
    uint8_t reg = config[I440FX_PAM0 + (seg + 1) / 2];
    return ((seg & 1) ? reg : reg >> 4) & 3;
}

static void pam_apply(PamSegment *seg, int mode)
{
    if (seg->mode == mode) {
        return;
    }
    seg->mode = mode;
    mr_set_enabled(seg->wo, mode == PAM_WO);
    if (mode == PAM_RO || mode == PAM_RW) {
        mr_set_readonly(seg->ram_alias, mode == PAM_RO);
        mr_set_enabled(seg->ram_alias, true);
    } else {
        mr_set_enabled(seg->ram_alias, false);
    }
}

static void smram_apply(I440fx *s)
{
    mr_set_enabled(s->smram,
                   (s->pci ? pci_config(s->pci)[I440FX_SMRAM] : 0) &
                       SMRAM_D_OPEN);
}

static void i440fx_update_memory(I440fx *s)
{
    const uint8_t *config = pci_config(s->pci);
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        pam_apply(&s->pam[i], pam_mode(config, i));
    }
    smram_apply(s);
}

static void i440fx_config_write(void *opaque, PciDevice *d, uint32_t addr,
                                uint32_t value, unsigned size)
{
    I440fx *s = opaque;
    if (addr + size > I440FX_PAM0 && addr <= I440FX_PAM0 + 6) {
        i440fx_update_memory(s);
    }
    if (addr <= I440FX_SMRAM && addr + size > I440FX_SMRAM) {
        uint8_t *c = pci_config(d);
        /* Once locked, D_OPEN stays clear and the register read-only
         * until reset. */
        if (c[I440FX_SMRAM] & SMRAM_D_LCK) {
            c[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
            pci_wmask(d)[I440FX_SMRAM] = 0;
        }
        smram_apply(s);
    }
}

static void i440fx_refresh(void *opaque, PciDevice *d)
{
    I440fx *s = opaque;
    pci_wmask(d)[I440FX_SMRAM] = (pci_config(d)[I440FX_SMRAM] & SMRAM_D_LCK)
                                     ? 0
                                     : SMRAM_D_OPEN | SMRAM_D_CLS |
                                           SMRAM_D_LCK | SMRAM_G_SMRAME;
    i440fx_update_memory(s);
}

static const PciDeviceOps i440fx_pci_ops = {
    .config_write = i440fx_config_write,
    .refresh = i440fx_refresh,
};

/* The PCI side of 0xc0000-0xfffff where no ROM is: nothing answers. */
static uint64_t legacy_window_read(void *opaque, uint64_t offset,
                                   unsigned size)
{
    return ~0ULL;
}

static void legacy_window_write(void *opaque, uint64_t offset,
                                uint64_t value, unsigned size)
{
}

static const MemOps legacy_window_ops = {
    .read = legacy_window_read,
    .write = legacy_window_write,
};

static void i440fx_reset(void *opaque, ResetKind kind)
{
    I440fx *s = opaque;
    s->st.config_addr = 0;
}

static void i440fx_destroy(void *opaque) { free(opaque); }

static const SnapField i440fx_fields[] = {
    SNAP_FIELD(I440fxState, config_addr),
    SNAP_END,
};

static const DeviceInfo i440fx_info = {
    .name = "i440fx",
    .version = 1,
    .fields = i440fx_fields,
    .reset = i440fx_reset,
    .destroy = i440fx_destroy,
};

static int pam_init(I440fx *s)
{
    AddressSpace *as = s->m->as;
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        PamSegment *seg = &s->pam[i];
        char name[32];
        seg->s = s;
        seg->base = i == 0 ? 0xf0000 : LEGACY_BASE + (i - 1) * 0x4000ULL;
        seg->size = i == 0 ? 0x10000 : 0x4000;
        seg->mode = -1;
        snprintf(name, sizeof(name), "pam-ram-%05llx",
                 (unsigned long long)seg->base);
        seg->ram_alias = as_add_alias(as, name, seg->base, seg->size, s->ram,
                                      seg->base, PC_PAM_PRIO);
        snprintf(name, sizeof(name), "pam-wo-%05llx",
                 (unsigned long long)seg->base);
        seg->wo = as_add_io(as, name, seg->base, seg->size, &pam_wo_ops, seg,
                            PC_PAM_PRIO + 1);
        if (!seg->ram_alias || !seg->wo) {
            return -1;
        }
        mr_set_enabled(seg->wo, false);
        pam_apply(seg, PAM_OFF);
    }
    return 0;
}

I440fx *i440fx_new(Machine *m, PciBus *bus, MemRegion *ram,
                   MemRegion *bios, uint64_t bios_low)
{
    if (!ram || mr_size(ram) < 0x100000) {
        log_error(&m->log, "i440fx: needs RAM below 1 MiB");
        return NULL;
    }
    I440fx *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    s->bus = bus;
    s->ram = ram;
    s->bios = bios;
    s->bios_low = bios_low;
    device_register(&m->devices, &i440fx_info, s, &s->st);

    if (!iobus_register(m->io, "pci-config-addr", CONFIG_ADDR_PORT, 4,
                        &config_addr_ops, s) ||
        !iobus_register(m->io, "pci-config-data", CONFIG_DATA_PORT, 4,
                        &config_data_ops, s)) {
        return NULL;
    }
    s->legacy_window = as_add_io(m->as, "pci-legacy-window", LEGACY_BASE,
                                 LEGACY_SIZE, &legacy_window_ops, s,
                                 PC_LEGACY_WINDOW_PRIO);
    s->smram = as_add_alias(m->as, "smram-open", 0xa0000, 0x20000, ram,
                            0xa0000, PC_SMRAM_PRIO);
    if (!s->legacy_window || !s->smram || pam_init(s)) {
        return NULL;
    }
    mr_set_enabled(s->smram, false);

    s->pci = pci_register(bus, PCI_DEVFN(0, 0), "i440fx", &i440fx_pci_ops,
                          s);
    if (!s->pci) {
        return NULL;
    }
    PciDevice *d = s->pci;
    uint8_t *c = pci_config(d);
    uint8_t *wm = pci_wmask(d);
    pci_set_ids(d, 0x8086, 0x1237, 0x02, 0x060000);
    pci_set_subsystem(d, 0x1af4, 0x1100);
    pci_set_word(c + PCI_STATUS, 0x0280); /* fast back-to-back, medium */
    /* The host bridge decodes memory and masters the bus, always. */
    pci_set_word(c + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    pci_set_word(wm + PCI_COMMAND, 0);
    wm[PCI_INTERRUPT_LINE] = 0;
    memset(wm + 0x40, 0, PCI_CONFIG_SIZE - 0x40);
    wm[I440FX_PAM0] = 0x30;
    for (int i = 1; i <= 6; i++) {
        wm[I440FX_PAM0 + i] = 0x33;
    }
    /* DRAM row boundaries and type: kept for firmware that writes them. */
    memset(wm + 0x55, 0xff, 4); /* DRT, DRAMC, DRAMT */
    memset(wm + 0x60, 0xff, 8); /* DRB0-7 */
    c[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    wm[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK |
                       SMRAM_G_SMRAME;
    pci_device_init_done(d);
    return s;
}
