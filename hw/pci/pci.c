/*
 * The PCI bus: see pci.h.
 *
 * Memory BAR regions are created when the BAR is registered, parked
 * (disabled) far above any physical address, and moved and enabled when
 * the guest maps them. I/O BAR ranges are registered with the port bus the
 * first time the guest maps them at a free place, since the 64 KiB port
 * space has nowhere to park them.
 */
#include "hw/pci/pci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCI_PARK_BASE (1ULL << 62)
#define PCI_MEM64_LIMIT (1ULL << 52)

typedef struct PciBar {
    uint64_t size;   /* 0: no BAR here */
    uint8_t kind;    /* PCI_BAR_* bits as they appear in the BAR */
    const MemOps *ops;
    void *opaque;
    MemRegion *mr;   /* memory and ROM BARs */
    IoRegion *io;    /* I/O BARs, once first mapped */
    uint64_t addr;   /* current mapping or PCI_BAR_UNMAPPED */
    char name[48];
} PciBar;

struct PciDevice {
    PciBus *bus;
    int devfn;
    char name[32];
    const PciDeviceOps *ops;
    void *opaque;
    uint8_t *config; /* in the bus state */
    uint8_t wmask[PCI_CONFIG_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SIZE];
    uint8_t init[PCI_CONFIG_SIZE];
    bool init_done;
    PciBar bar[PCI_NUM_BARS];
};

/* Migratable: every function's config space and INTx level. */
typedef struct PciBusState {
    uint8_t config[PCI_DEVFN_COUNT][PCI_CONFIG_SIZE];
    uint8_t irq_level[PCI_DEVFN_COUNT];
} PciBusState;

struct PciBus {
    Machine *m;
    PciDevice *dev[PCI_DEVFN_COUNT];
    PciMapIrq *map_irq;
    void *map_opaque;
    IrqLine pirq[PCI_NUM_PIRQS];
    int pirq_count[PCI_NUM_PIRQS];
    unsigned guest_errors;
    PciBusState st;
};

uint16_t pci_get_word(const uint8_t *p) { return p[0] | p[1] << 8; }

uint32_t pci_get_long(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void pci_set_byte(uint8_t *p, uint8_t v) { p[0] = v; }

void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

uint8_t *pci_config(PciDevice *d) { return d->config; }
uint8_t *pci_wmask(PciDevice *d) { return d->wmask; }
uint8_t *pci_w1cmask(PciDevice *d) { return d->w1cmask; }
int pci_devfn(const PciDevice *d) { return d->devfn; }
PciBus *pci_device_bus(PciDevice *d) { return d->bus; }

static uint16_t pci_command(PciDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND);
}

bool pci_bus_master_enabled(PciDevice *d)
{
    return pci_command(d) & PCI_COMMAND_MASTER;
}

/* --- interrupts --- */

static int pci_intx_pirq(PciDevice *d)
{
    int pin = d->config[PCI_INTERRUPT_PIN];
    PciBus *bus = d->bus;
    if (pin < 1 || pin > 4 || !bus->map_irq) {
        return -1;
    }
    int pirq = bus->map_irq(bus->map_opaque, d->devfn, pin - 1);
    return pirq >= 0 && pirq < PCI_NUM_PIRQS ? pirq : -1;
}

/* Is the device's pin asserted on the bus (level and not disabled)? */
static bool pci_intx_asserted(PciDevice *d)
{
    return d->bus->st.irq_level[d->devfn] &&
           !(pci_command(d) & PCI_COMMAND_INTX_DISABLE);
}

static void pci_pirq_change(PciBus *bus, int pirq, int delta)
{
    if (pirq < 0) {
        return;
    }
    int before = bus->pirq_count[pirq];
    bus->pirq_count[pirq] += delta;
    if ((before != 0) != (bus->pirq_count[pirq] != 0)) {
        irq_set(bus->pirq[pirq], bus->pirq_count[pirq] != 0);
    }
}

/* Recount every PIRQ from scratch (reset, load, rewiring). */
static void pci_bus_recount_irqs(PciBus *bus)
{
    int count[PCI_NUM_PIRQS] = {0};
    for (int i = 0; i < PCI_DEVFN_COUNT; i++) {
        PciDevice *d = bus->dev[i];
        if (d && pci_intx_asserted(d)) {
            int pirq = pci_intx_pirq(d);
            if (pirq >= 0) {
                count[pirq]++;
            }
        }
    }
    for (int p = 0; p < PCI_NUM_PIRQS; p++) {
        bus->pirq_count[p] = count[p];
        irq_set(bus->pirq[p], count[p] != 0);
    }
}

void pci_set_irq(PciDevice *d, int level)
{
    PciBus *bus = d->bus;
    bool was = pci_intx_asserted(d);
    bus->st.irq_level[d->devfn] = level != 0;
    if (level) {
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
    bool now = pci_intx_asserted(d);
    if (was != now) {
        pci_pirq_change(bus, pci_intx_pirq(d), now ? 1 : -1);
    }
}

void pci_bus_set_irq_route(PciBus *bus, PciMapIrq *map, void *opaque,
                           const IrqLine pirq[PCI_NUM_PIRQS])
{
    bus->map_irq = map;
    bus->map_opaque = opaque;
    for (int i = 0; i < PCI_NUM_PIRQS; i++) {
        bus->pirq[i] = pirq[i];
    }
    pci_bus_recount_irqs(bus);
}

/* --- BAR mapping --- */

static int bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

/* Where the guest's BAR value and command register put BAR @n. */
static uint64_t bar_decode(PciDevice *d, int n)
{
    PciBar *b = &d->bar[n];
    uint16_t cmd = pci_command(d);
    uint32_t v = pci_get_long(d->config + bar_offset(n));
    uint64_t addr, last;

    if (n == PCI_ROM_SLOT) {
        if (!(cmd & PCI_COMMAND_MEMORY) || !(v & 1)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & ~(uint64_t)0x7ff;
        last = addr + b->size - 1;
        return addr && last < 0xffffffffULL ? addr : PCI_BAR_UNMAPPED;
    }
    if (b->kind & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & ~(uint64_t)3;
        last = addr + b->size - 1;
        return addr && last < IOPORT_COUNT ? addr : PCI_BAR_UNMAPPED;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    addr = v & ~(uint64_t)0xf;
    if (b->kind & PCI_BAR_MEM64) {
        addr |= (uint64_t)pci_get_long(d->config + bar_offset(n + 1)) << 32;
        last = addr + b->size - 1;
        /* A 64-bit BAR being sized, or above what any CPU addresses. */
        return addr && last > addr && last < PCI_MEM64_LIMIT
                   ? addr : PCI_BAR_UNMAPPED;
    }
    last = addr + b->size - 1;
    /* Ending at 4 GiB exactly is what sizing leaves: not a mapping. */
    return addr && last < 0xffffffffULL ? addr : PCI_BAR_UNMAPPED;
}

static bool io_range_free(IoBus *io, uint64_t base, uint64_t len)
{
    for (uint64_t p = base; p < base + len; p++) {
        if (iobus_owner(io, (uint16_t)p)) {
            return false;
        }
    }
    return true;
}

static void bar_map_io(PciDevice *d, PciBar *b, uint64_t addr)
{
    IoBus *io = d->bus->m->io;
    if (addr == PCI_BAR_UNMAPPED) {
        if (b->io) {
            iobus_set_enabled(io, b->io, false);
        }
        return;
    }
    if (!b->io) {
        if (!io_range_free(io, addr, b->size)) {
            log_guest(&d->bus->m->log, LOG_GUEST_ERROR,
                      &d->bus->guest_errors,
                      "pci %s: I/O BAR at %#llx overlaps other ports",
                      d->name, (unsigned long long)addr);
            return;
        }
        b->io = iobus_register(io, b->name, (uint16_t)addr,
                               (uint32_t)b->size, b->ops, b->opaque);
        return;
    }
    iobus_set_enabled(io, b->io, false);
    if (iobus_move(io, b->io, (uint32_t)addr) == 0) {
        iobus_set_enabled(io, b->io, true);
    }
}

static void bar_update(PciDevice *d, int n)
{
    PciBar *b = &d->bar[n];
    if (!b->size) {
        return;
    }
    uint64_t addr = bar_decode(d, n);
    if (addr == b->addr) {
        return;
    }
    b->addr = addr;
    if (n != PCI_ROM_SLOT && (b->kind & PCI_BAR_IO)) {
        bar_map_io(d, b, addr);
        return;
    }
    if (addr == PCI_BAR_UNMAPPED) {
        mr_set_enabled(b->mr, false);
    } else {
        mr_set_enabled(b->mr, false);
        mr_move(b->mr, addr);
        mr_set_enabled(b->mr, true);
    }
}

static void pci_update_mappings(PciDevice *d)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        bar_update(d, n);
    }
}

uint64_t pci_bar_addr(PciDevice *d, int n)
{
    return n >= 0 && n < PCI_NUM_BARS ? d->bar[n].addr : PCI_BAR_UNMAPPED;
}

static bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

static PciBar *bar_claim(PciDevice *d, int n, uint64_t size, bool wide)
{
    if (n < 0 || n >= PCI_ROM_SLOT || (wide && n + 1 >= PCI_ROM_SLOT) ||
        !is_pow2(size) || d->bar[n].size || (wide && d->bar[n + 1].size)) {
        log_error(&d->bus->m->log, "pci %s: bad BAR %d", d->name, n);
        return NULL;
    }
    PciBar *b = &d->bar[n];
    b->size = size;
    b->addr = PCI_BAR_UNMAPPED;
    snprintf(b->name, sizeof(b->name), "%s-bar%d", d->name, n);
    return b;
}

int pci_register_bar_io(PciDevice *d, int n, uint32_t size,
                        const MemOps *ops, void *opaque)
{
    if (size < 4 || size > 256) {
        log_error(&d->bus->m->log, "pci %s: I/O BAR size %u", d->name, size);
        return -1;
    }
    PciBar *b = bar_claim(d, n, size, false);
    if (!b) {
        return -1;
    }
    b->kind = PCI_BAR_IO;
    b->ops = ops;
    b->opaque = opaque;
    pci_set_long(d->config + bar_offset(n), PCI_BAR_IO);
    pci_set_long(d->wmask + bar_offset(n), ~(size - 1) & ~3u);
    return 0;
}

/* Park a new memory region, disabled, where nothing can overlap it. */
static void bar_park(PciDevice *d, PciBar *b, MemRegion *mr)
{
    b->mr = mr;
    if (mr) {
        mr_set_enabled(mr, false);
    }
}

static int bar_setup_mem(PciDevice *d, int n, uint8_t kind, uint64_t size)
{
    bool wide = kind & PCI_BAR_MEM64;
    if (size < 16 || (!wide && size > 0x80000000ULL)) {
        log_error(&d->bus->m->log, "pci %s: memory BAR size %#llx",
                  d->name, (unsigned long long)size);
        return -1;
    }
    PciBar *b = bar_claim(d, n, size, wide);
    if (!b) {
        return -1;
    }
    b->kind = kind & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
    uint64_t mask = ~(size - 1);
    pci_set_long(d->config + bar_offset(n), b->kind);
    pci_set_long(d->wmask + bar_offset(n), (uint32_t)mask & ~0xfu);
    if (wide) {
        pci_set_long(d->wmask + bar_offset(n + 1), (uint32_t)(mask >> 32));
        d->bar[n + 1].size = 0; /* the upper half is not a BAR of its own */
    }
    return 0;
}

int pci_register_bar_mem(PciDevice *d, int n, uint8_t kind, uint64_t size,
                         const MemOps *ops, void *opaque)
{
    if (bar_setup_mem(d, n, kind, size)) {
        return -1;
    }
    PciBar *b = &d->bar[n];
    b->ops = ops;
    b->opaque = opaque;
    bar_park(d, b, as_add_io(d->bus->m->as, b->name, PCI_PARK_BASE, size,
                             ops, opaque, PCI_BAR_PRIO));
    return b->mr ? 0 : -1;
}

int pci_register_bar_alias(PciDevice *d, int n, uint8_t kind,
                           MemRegion *target)
{
    uint64_t size = mr_size(target);
    if (bar_setup_mem(d, n, kind, size)) {
        return -1;
    }
    PciBar *b = &d->bar[n];
    bar_park(d, b, as_add_alias(d->bus->m->as, b->name, PCI_PARK_BASE, size,
                                target, 0, PCI_BAR_PRIO));
    return b->mr ? 0 : -1;
}

int pci_register_rom(PciDevice *d, const void *data, uint64_t len)
{
    uint64_t size = 2048;
    while (size < len) {
        size <<= 1;
    }
    if (len == 0 || size > (16u << 20) || d->bar[PCI_ROM_SLOT].size) {
        log_error(&d->bus->m->log, "pci %s: bad ROM", d->name);
        return -1;
    }
    PciBar *b = &d->bar[PCI_ROM_SLOT];
    b->size = size;
    b->addr = PCI_BAR_UNMAPPED;
    snprintf(b->name, sizeof(b->name), "%s-rom", d->name);
    bar_park(d, b, as_add_rom(d->bus->m->as, b->name, PCI_PARK_BASE, size,
                              PCI_BAR_PRIO));
    if (!b->mr) {
        return -1;
    }
    memcpy(mr_host(b->mr), data, len);
    pci_set_long(d->wmask + PCI_ROM_ADDRESS, (uint32_t)~(size - 1) | 1u);
    return 0;
}

/* --- capabilities --- */

int pci_add_capability(PciDevice *d, uint8_t id, uint8_t offset,
                       uint8_t size)
{
    if (offset < 0x40 || (offset & 3) || size < 2 ||
        offset + size > PCI_CONFIG_SIZE) {
        return -1;
    }
    d->config[offset] = id;
    d->config[offset + 1] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = offset;
    d->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    memset(d->wmask + offset, 0, size);
    memset(d->w1cmask + offset, 0, size);
    return offset;
}

/* --- registration --- */

void pci_set_ids(PciDevice *d, uint16_t vendor, uint16_t device,
                 uint8_t revision, uint32_t class_code)
{
    pci_set_word(d->config + PCI_VENDOR_ID, vendor);
    pci_set_word(d->config + PCI_DEVICE_ID, device);
    d->config[PCI_REVISION_ID] = revision;
    d->config[PCI_CLASS_PROG] = class_code;
    pci_set_word(d->config + PCI_CLASS_DEVICE, class_code >> 8);
}

void pci_set_subsystem(PciDevice *d, uint16_t vendor, uint16_t id)
{
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, vendor);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, id);
}

void pci_set_header_type(PciDevice *d, uint8_t type)
{
    d->config[PCI_HEADER_TYPE] = type;
}

void pci_set_intx_pin(PciDevice *d, uint8_t pin)
{
    d->config[PCI_INTERRUPT_PIN] = pin <= 4 ? pin : 0;
}

void pci_device_init_done(PciDevice *d)
{
    memcpy(d->init, d->config, PCI_CONFIG_SIZE);
    d->init_done = true;
}

PciDevice *pci_register(PciBus *bus, int devfn, const char *name,
                        const PciDeviceOps *ops, void *opaque)
{
    if (devfn < 0 || devfn >= PCI_DEVFN_COUNT || bus->dev[devfn]) {
        log_error(&bus->m->log, "pci: %02x.%x is taken for %s", devfn >> 3,
                  devfn & 7, name);
        return NULL;
    }
    PciDevice *d = calloc(1, sizeof(*d));
    if (!d) {
        return NULL;
    }
    d->bus = bus;
    d->devfn = devfn;
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->ops = ops;
    d->opaque = opaque;
    d->config = bus->st.config[devfn];
    memset(d->config, 0, PCI_CONFIG_SIZE);
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        d->bar[i].addr = PCI_BAR_UNMAPPED;
    }
    /* What every type-0 function lets the guest write. */
    pci_set_word(d->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE | 0x0040);
    pci_set_word(d->w1cmask + PCI_STATUS, 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->wmask + 0x40, 0xff, PCI_CONFIG_SIZE - 0x40);
    bus->dev[devfn] = d;
    return d;
}

/* --- configuration cycles --- */

static PciDevice *pci_find(PciBus *bus, uint8_t busnr, uint8_t devfn)
{
    return busnr == 0 ? bus->dev[devfn] : NULL;
}

uint32_t pci_bus_config_read(PciBus *bus, uint8_t busnr, uint8_t devfn,
                             uint8_t addr, unsigned size)
{
    PciDevice *d = pci_find(bus, busnr, devfn);
    if (!d || size == 0 || size > 4 || (addr & 3) + size > 4) {
        return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    if (d->ops && d->ops->config_read) {
        v = d->ops->config_read(d->opaque, d, addr, v, size);
    }
    return v;
}

static bool range_touches(uint32_t addr, unsigned size, uint32_t start,
                          uint32_t len)
{
    return addr < start + len && start < addr + size;
}

void pci_bus_config_write(PciBus *bus, uint8_t busnr, uint8_t devfn,
                          uint8_t addr, uint32_t value, unsigned size)
{
    PciDevice *d = pci_find(bus, busnr, devfn);
    if (!d || size == 0 || size > 4 || (addr & 3) + size > 4) {
        return;
    }
    bool was_asserted = pci_intx_asserted(d);
    int old_pirq = pci_intx_pirq(d);
    for (unsigned i = 0; i < size; i++) {
        uint8_t a = addr + i, v = value >> (8 * i);
        uint8_t wm = d->wmask[a], w1c = d->w1cmask[a];
        d->config[a] = (d->config[a] & ~wm) | (v & wm);
        d->config[a] &= ~(v & w1c);
    }
    if (range_touches(addr, size, PCI_COMMAND, 2) ||
        range_touches(addr, size, PCI_BASE_ADDRESS_0, 24) ||
        range_touches(addr, size, PCI_ROM_ADDRESS, 4)) {
        pci_update_mappings(d);
    }
    bool asserted = pci_intx_asserted(d);
    if (was_asserted != asserted) {
        pci_pirq_change(bus, old_pirq, asserted ? 1 : -1);
    }
    if (d->ops && d->ops->config_write) {
        d->ops->config_write(d->opaque, d, addr, value, size);
    }
}

/* --- the bus as a device --- */

static void pci_bus_refresh_all(PciBus *bus)
{
    for (int i = 0; i < PCI_DEVFN_COUNT; i++) {
        PciDevice *d = bus->dev[i];
        if (!d) {
            continue;
        }
        pci_update_mappings(d);
        if (d->ops && d->ops->refresh) {
            d->ops->refresh(d->opaque, d);
        }
    }
    pci_bus_recount_irqs(bus);
}

static void pci_bus_reset(void *opaque, ResetKind kind)
{
    PciBus *bus = opaque;
    for (int i = 0; i < PCI_DEVFN_COUNT; i++) {
        PciDevice *d = bus->dev[i];
        if (!d) {
            continue;
        }
        if (!d->init_done) {
            pci_device_init_done(d);
        }
        memcpy(d->config, d->init, PCI_CONFIG_SIZE);
        bus->st.irq_level[i] = 0;
    }
    pci_bus_refresh_all(bus);
}

static int pci_bus_post_load(void *opaque)
{
    PciBus *bus = opaque;
    for (int i = 0; i < PCI_DEVFN_COUNT; i++) {
        if (!bus->dev[i]) {
            /* A function this board does not have: keep it absent. */
            memset(bus->st.config[i], 0, PCI_CONFIG_SIZE);
            bus->st.irq_level[i] = 0;
        }
    }
    pci_bus_refresh_all(bus);
    return 0;
}

static void pci_bus_destroy(void *opaque)
{
    PciBus *bus = opaque;
    for (int i = 0; i < PCI_DEVFN_COUNT; i++) {
        free(bus->dev[i]);
    }
    free(bus);
}

static const SnapField pci_bus_fields[] = {
    SNAP_BYTES(PciBusState, config),
    SNAP_BYTES(PciBusState, irq_level),
    SNAP_END,
};

static const DeviceInfo pci_bus_info = {
    .name = "pci-bus",
    .version = 1,
    .fields = pci_bus_fields,
    .reset = pci_bus_reset,
    .post_load = pci_bus_post_load,
    .destroy = pci_bus_destroy,
};

PciBus *pci_bus_new(Machine *m)
{
    PciBus *bus = calloc(1, sizeof(*bus));
    if (!bus) {
        return NULL;
    }
    bus->m = m;
    device_register(&m->devices, &pci_bus_info, bus, &bus->st);
    return bus;
}
