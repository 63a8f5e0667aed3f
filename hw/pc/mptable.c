/* MP tables: see mptable.h. Layouts from the MultiProcessor Specification
 * 1.4, chapter 4. */
#include "hw/pc/mptable.h"

#include <string.h>

#include "core/bytes.h"

#define MP_HEADER_SIZE 44
#define MP_CPU_SIZE 20
#define MP_ENTRY_SIZE 8
#define MP_SPEC_REV 4

enum { MP_CPU, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

#define MP_CPU_EN 1
#define MP_CPU_BP 2
#define MP_IRQ_LEVEL_HIGH 0x000d  /* active high (01), level (11) */
#define MP_BUS_PCI 0
#define MP_BUS_ISA 1
#define ISA_IRQS 16

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += p[i];
    }
    return (uint8_t)-sum;
}

size_t mptable_size(const MpTableConfig *cfg)
{
    return MP_HEADER_SIZE + (size_t)cfg->ncpus * MP_CPU_SIZE +
           MP_ENTRY_SIZE * (2 + 1 + (ISA_IRQS - 1) + cfg->npci + 2);
}

/* An I/O (MP_INTSRC) or local (MP_LINTSRC) interrupt assignment. */
static uint8_t *intsrc(uint8_t *p, uint8_t entry, uint8_t type,
                       uint16_t flags, uint8_t bus, uint8_t bus_irq,
                       uint8_t dst, uint8_t pin)
{
    p[0] = entry;
    p[1] = type;
    le_store(p + 2, flags, 2);
    p[4] = bus;
    p[5] = bus_irq;
    p[6] = dst;
    p[7] = pin;
    return p + MP_ENTRY_SIZE;
}

size_t mptable_build(const MpTableConfig *cfg, uint32_t table_addr,
                     uint8_t fp[MPTABLE_FP_SIZE], uint8_t *table, size_t cap)
{
    if (cfg->ncpus < 1 || cfg->ncpus > 255 || cfg->npci < 0 ||
        cfg->npci > MPTABLE_MAX_PCI) {
        return 0;
    }
    size_t len = mptable_size(cfg);
    if (len > cap) {
        return 0;
    }
    memset(table, 0, len);
    uint8_t *p = table;
    memcpy(p, "PCMP", 4);
    le_store(p + 4, len, 2);
    p[6] = MP_SPEC_REV;
    memcpy(p + 8, "PCVM    ", 8);
    memcpy(p + 16, "PC i440FX   ", 12);
    le_store(p + 36, cfg->lapic_addr, 4);
    p += MP_HEADER_SIZE;

    int entries = 0;
    for (int i = 0; i < cfg->ncpus; i++, entries++) {
        p[0] = MP_CPU;
        p[1] = (uint8_t)i;
        p[2] = cfg->lapic_version;
        p[3] = MP_CPU_EN | (i == 0 ? MP_CPU_BP : 0);
        p += MP_CPU_SIZE;
    }
    static const char *const buses[2] = {"PCI   ", "ISA   "};
    for (int i = 0; i < 2; i++, entries++) {
        p[0] = MP_BUS;
        p[1] = (uint8_t)i;
        memcpy(p + 2, buses[i], 6);
        p += MP_ENTRY_SIZE;
    }
    p[0] = MP_IOAPIC;
    p[1] = cfg->ioapic_id;
    p[2] = cfg->ioapic_version;
    p[3] = 1; /* enabled */
    le_store(p + 4, cfg->ioapic_addr, 4);
    p += MP_ENTRY_SIZE;
    entries++;
    for (int i = 0; i < cfg->npci; i++, entries++) {
        const MpPciIrq *r = &cfg->pci[i];
        p = intsrc(p, MP_INTSRC, MP_INT, MP_IRQ_LEVEL_HIGH, MP_BUS_PCI,
                   (uint8_t)((r->slot & 31) << 2 | (r->pin & 3)),
                   cfg->ioapic_id, r->irq);
    }
    for (int irq = 0; irq < ISA_IRQS; irq++) {
        if (irq == 2) {
            continue;
        }
        uint16_t flags = (cfg->level_irqs >> irq) & 1 ? MP_IRQ_LEVEL_HIGH : 0;
        p = intsrc(p, MP_INTSRC, MP_INT, flags, MP_BUS_ISA, (uint8_t)irq,
                   cfg->ioapic_id, (uint8_t)(irq == 0 ? 2 : irq));
        entries++;
    }
    p = intsrc(p, MP_LINTSRC, MP_EXTINT, 0, MP_BUS_ISA, 0, 0xff, 0);
    intsrc(p, MP_LINTSRC, MP_NMI, 0, MP_BUS_ISA, 0, 0xff, 1);
    entries += 2;
    le_store(table + 34, (uint64_t)entries, 2);
    table[7] = checksum(table, len);

    memset(fp, 0, MPTABLE_FP_SIZE);
    memcpy(fp, "_MP_", 4);
    le_store(fp + 4, table_addr, 4);
    fp[8] = 1;  /* length in 16-byte units */
    fp[9] = MP_SPEC_REV;
    fp[10] = checksum(fp, MPTABLE_FP_SIZE);
    return len;
}
