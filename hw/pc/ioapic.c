/* The I/O APIC: see ioapic.h (82093AA datasheet). */
#include "hw/pc/ioapic.h"

#include <stdlib.h>
#include <string.h>

#define IOAPIC_VERSION 0x20
#define RTE_VECTOR 0xffULL
#define RTE_DELIVERY_SHIFT 8
#define RTE_LOGICAL (1ULL << 11)
#define RTE_DELIVERY_STATUS (1ULL << 12)
#define RTE_POLARITY (1ULL << 13)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_RO_BITS (RTE_DELIVERY_STATUS | RTE_REMOTE_IRR)
#define RTE_WRITABLE (0xff00000000000000ULL | 0x1ffffULL)

typedef struct IoapicState {
    uint32_t id;
    uint32_t ioregsel;
    uint64_t rte[IOAPIC_NUM_PINS];
    uint32_t irr;   /* input levels, bit per pin */
} IoapicState;

struct Ioapic {
    Machine *m;
    ApicBus *bus;
    IoapicState st;
};

static void ioapic_deliver(Ioapic *s, int pin)
{
    uint64_t rte = s->st.rte[pin];
    ApicMsg msg = {
        .dest = (uint8_t)(rte >> 56),
        .logical = (rte & RTE_LOGICAL) != 0,
        .mode = (rte >> RTE_DELIVERY_SHIFT) & 7,
        .vector = (uint8_t)(rte & RTE_VECTOR),
        .level = (rte & RTE_LEVEL) != 0,
    };
    if (msg.level) {
        s->st.rte[pin] |= RTE_REMOTE_IRR;
    }
    apic_bus_deliver(s->bus, &msg);
}

/* Deliver a level-triggered pin if it should fire now. */
static void ioapic_service_level(Ioapic *s, int pin)
{
    uint64_t rte = s->st.rte[pin];
    if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) &&
        (s->st.irr >> pin & 1)) {
        ioapic_deliver(s, pin);
    }
}

static void ioapic_set_irq(void *opaque, int pin, int level)
{
    Ioapic *s = opaque;
    uint32_t bit = 1u << pin;
    bool was = s->st.irr & bit;
    if (level) {
        s->st.irr |= bit;
    } else {
        s->st.irr &= ~bit;
    }
    uint64_t rte = s->st.rte[pin];
    if (rte & RTE_LEVEL) {
        ioapic_service_level(s, pin);
    } else if (level && !was && !(rte & RTE_MASKED)) {
        ioapic_deliver(s, pin);
    }
}

IrqLine ioapic_input(Ioapic *s, int pin)
{
    if (pin < 0 || pin >= IOAPIC_NUM_PINS) {
        return (IrqLine){0};
    }
    return irq_line(ioapic_set_irq, s, pin);
}

static void ioapic_eoi(void *opaque, uint8_t vector)
{
    Ioapic *s = opaque;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t rte = s->st.rte[pin];
        if ((rte & RTE_REMOTE_IRR) && (rte & RTE_VECTOR) == vector) {
            s->st.rte[pin] &= ~RTE_REMOTE_IRR;
            ioapic_service_level(s, pin);
        }
    }
}

static uint32_t ioapic_reg_read(Ioapic *s)
{
    uint32_t sel = s->st.ioregsel & 0xff;
    switch (sel) {
    case 0x00: return s->st.id;
    case 0x01: return (IOAPIC_NUM_PINS - 1) << 16 | IOAPIC_VERSION;
    case 0x02: return s->st.id;
    default:
        if (sel >= 0x10 && sel < 0x10 + 2 * IOAPIC_NUM_PINS) {
            uint64_t rte = s->st.rte[(sel - 0x10) / 2];
            return (sel & 1) ? (uint32_t)(rte >> 32) : (uint32_t)rte;
        }
        return 0xffffffffu;
    }
}

static void ioapic_reg_write(Ioapic *s, uint32_t v)
{
    uint32_t sel = s->st.ioregsel & 0xff;
    if (sel == 0x00) {
        s->st.id = v & 0x0f000000u;
        return;
    }
    if (sel < 0x10 || sel >= 0x10 + 2 * IOAPIC_NUM_PINS) {
        return;
    }
    int pin = (sel - 0x10) / 2;
    uint64_t rte = s->st.rte[pin];
    uint64_t nv = (sel & 1) ? (rte & 0xffffffffULL) | (uint64_t)v << 32
                            : (rte & ~0xffffffffULL) | v;
    nv = (nv & RTE_WRITABLE & ~RTE_RO_BITS) | (rte & RTE_RO_BITS);
    /* An edge-triggered pin has no remote IRR. */
    if (!(nv & RTE_LEVEL)) {
        nv &= ~RTE_REMOTE_IRR;
    }
    s->st.rte[pin] = nv;
    ioapic_service_level(s, pin);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset,
                                 unsigned size)
{
    Ioapic *s = opaque;
    switch (offset) {
    case 0x00: return s->st.ioregsel;
    case 0x10: return ioapic_reg_read(s);
    default: return 0;
    }
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value,
                              unsigned size)
{
    Ioapic *s = opaque;
    switch (offset) {
    case 0x00: s->st.ioregsel = value & 0xff; break;
    case 0x10: ioapic_reg_write(s, (uint32_t)value); break;
    case 0x40: ioapic_eoi(s, (uint8_t)value); break;
    default: break;
    }
}

static const MemOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .min_size = 4,
    .max_size = 4,
};

static void ioapic_reset(void *opaque, ResetKind kind)
{
    Ioapic *s = opaque;
    uint32_t irr = s->st.irr; /* input wires keep their levels */
    memset(&s->st, 0, sizeof(s->st));
    s->st.irr = irr;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->st.rte[i] = RTE_MASKED;
    }
}

static int ioapic_post_load(void *opaque)
{
    Ioapic *s = opaque;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->st.rte[i] &= RTE_WRITABLE | RTE_REMOTE_IRR;
    }
    s->st.irr &= (1u << IOAPIC_NUM_PINS) - 1;
    return 0;
}

static void ioapic_destroy(void *opaque) { free(opaque); }

static const SnapField ioapic_fields[] = {
    SNAP_FIELD(IoapicState, id),
    SNAP_FIELD(IoapicState, ioregsel),
    SNAP_ARRAY(IoapicState, rte),
    SNAP_FIELD(IoapicState, irr),
    SNAP_END,
};

static const DeviceInfo ioapic_info = {
    .name = "ioapic",
    .version = 1,
    .fields = ioapic_fields,
    .reset = ioapic_reset,
    .post_load = ioapic_post_load,
    .destroy = ioapic_destroy,
};

Ioapic *ioapic_new(Machine *m, uint64_t base, ApicBus *bus)
{
    Ioapic *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    s->bus = bus;
    device_register(&m->devices, &ioapic_info, s, &s->st);
    ioapic_reset(s, RESET_COLD);
    if (!as_add_io(m->as, "ioapic", base, 0x1000, &ioapic_mmio_ops, s,
                   APIC_MMIO_PRIO)) {
        return NULL;
    }
    apic_bus_add_eoi_listener(bus, ioapic_eoi, s);
    return s;
}
