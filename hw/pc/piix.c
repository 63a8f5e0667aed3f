/* The PIIX3 ISA bridge: see piix.h. */
#include "hw/pc/piix.h"

#include <stdlib.h>
#include <string.h>

#define PIRQ_DISABLED 0x80
#define RCR_SRST 0x02
#define RCR_RCPU 0x04
#define RCR_FULL 0x08

/* Migratable: PIRQ input levels and the reset control register; the
 * routing lives in config space. */
typedef struct Piix3State {
    uint8_t pirq_level[PCI_NUM_PIRQS];
    uint8_t rcr;
} Piix3State;

struct Piix3 {
    Machine *m;
    PciDevice *pci;
    IrqLine isa_irq[PIIX_ISA_IRQS];
    int8_t out_level[PIIX_ISA_IRQS]; /* -1: never driven */
    Piix3State st;
};

PciDevice *piix3_pci(Piix3 *s) { return s->pci; }

/* The ISA IRQ a PIRQ is routed to, or -1. */
static int pirq_route(Piix3 *s, int n)
{
    uint8_t v = pci_config(s->pci)[PIIX_PIRQC + n];
    int irq = v & 0x0f;
    if (v & PIRQ_DISABLED) {
        return -1;
    }
    switch (irq) {
    case 3: case 4: case 5: case 6: case 7:
    case 9: case 10: case 11: case 12: case 14: case 15:
        return irq;
    default:
        return -1;
    }
}

static void piix3_update_irqs(Piix3 *s)
{
    int level[PIIX_ISA_IRQS] = {0};
    bool routed[PIIX_ISA_IRQS] = {false};
    for (int n = 0; n < PCI_NUM_PIRQS; n++) {
        int irq = pirq_route(s, n);
        if (irq >= 0) {
            routed[irq] = true;
            level[irq] |= s->st.pirq_level[n];
        }
    }
    for (int i = 0; i < PIIX_ISA_IRQS; i++) {
        /* A line once routed and now not is released (driven low). */
        if ((routed[i] || s->out_level[i] > 0) &&
            s->out_level[i] != level[i]) {
            s->out_level[i] = level[i];
            irq_set(s->isa_irq[i], level[i]);
        }
    }
}

static void piix3_pirq_handler(void *opaque, int n, int level)
{
    Piix3 *s = opaque;
    s->st.pirq_level[n] = level != 0;
    piix3_update_irqs(s);
}

IrqLine piix3_pirq(Piix3 *s, int n)
{
    return irq_line(piix3_pirq_handler, s, n);
}

int piix3_map_irq(void *opaque, int devfn, int pin)
{
    return ((devfn >> 3) + pin) & 3;
}

static void piix3_config_write(void *opaque, PciDevice *d, uint32_t addr,
                               uint32_t value, unsigned size)
{
    Piix3 *s = opaque;
    if (addr < PIIX_PIRQC + 4 && addr + size > PIIX_PIRQC) {
        piix3_update_irqs(s);
    }
}

static void piix3_refresh(void *opaque, PciDevice *d)
{
    piix3_update_irqs(opaque);
}

static const PciDeviceOps piix3_pci_ops = {
    .config_write = piix3_config_write,
    .refresh = piix3_refresh,
};

static uint64_t rcr_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix3 *s = opaque;
    return s->st.rcr;
}

static void rcr_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    Piix3 *s = opaque;
    if (value & RCR_RCPU) {
        /* Soft and hard reset look the same here: the whole machine. */
        s->st.rcr = 0;
        machine_request_reset(s->m);
        return;
    }
    s->st.rcr = value & (RCR_SRST | RCR_FULL);
}

const MemOps piix3_rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .min_size = 1,
    .max_size = 1,
};

static void piix3_reset(void *opaque, ResetKind kind)
{
    Piix3 *s = opaque;
    memset(s->st.pirq_level, 0, sizeof(s->st.pirq_level));
    s->st.rcr = 0;
    piix3_update_irqs(s);
}

static int piix3_post_load(void *opaque)
{
    Piix3 *s = opaque;
    for (int n = 0; n < PCI_NUM_PIRQS; n++) {
        s->st.pirq_level[n] = s->st.pirq_level[n] != 0;
    }
    piix3_update_irqs(s);
    return 0;
}

static void piix3_destroy(void *opaque) { free(opaque); }

static const SnapField piix3_fields[] = {
    SNAP_ARRAY(Piix3State, pirq_level),
    SNAP_FIELD(Piix3State, rcr),
    SNAP_END,
};

static const DeviceInfo piix3_info = {
    .name = "piix3",
    .version = 1,
    .fields = piix3_fields,
    .reset = piix3_reset,
    .post_load = piix3_post_load,
    .destroy = piix3_destroy,
};

Piix3 *piix3_new(Machine *m, PciBus *bus, int devfn,
                 const IrqLine isa_irq[PIIX_ISA_IRQS])
{
    Piix3 *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    for (int i = 0; i < PIIX_ISA_IRQS; i++) {
        s->isa_irq[i] = isa_irq ? isa_irq[i] : (IrqLine){0};
        s->out_level[i] = -1;
    }
    s->pci = pci_register(bus, devfn, "piix3", &piix3_pci_ops, s);
    if (!s->pci) {
        free(s);
        return NULL;
    }
    device_register(&m->devices, &piix3_info, s, &s->st);
    PciDevice *d = s->pci;
    uint8_t *c = pci_config(d);
    pci_set_ids(d, 0x8086, 0x7000, 0x00, 0x060100);
    pci_set_subsystem(d, 0x1af4, 0x1100);
    pci_set_header_type(d, PCI_HEADER_TYPE_MULTI);
    pci_set_word(c + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                                      PCI_COMMAND_MASTER);
    pci_set_word(c + PCI_STATUS, 0x0200);
    c[0x4c] = 0x4d;                /* IORT */
    pci_set_word(c + 0x4e, 0x0003); /* XBCS */
    memset(c + PIIX_PIRQC, PIRQ_DISABLED, 4);
    c[0x69] = 0x02;                /* TOM */
    c[0x70] = c[0x71] = 0x80;      /* MBIRQ0/1 */
    c[0x76] = c[0x77] = 0x0c;      /* MBDMA */
    c[0xa0] = 0x08;                /* SMICNTL */
    c[0xa8] = 0x0f;                /* SMIREQ */
    pci_wmask(d)[PIIX_PIRQC] = pci_wmask(d)[PIIX_PIRQC + 1] = 0x8f;
    pci_wmask(d)[PIIX_PIRQC + 2] = pci_wmask(d)[PIIX_PIRQC + 3] = 0x8f;
    pci_device_init_done(d);
    return s;
}
