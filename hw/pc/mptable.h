/*
 * The Intel MultiProcessor Specification 1.4 tables, for a boot without
 * firmware: kernels booted with acpi=off (or without ACPI support) find
 * the CPUs, the IOAPIC and the interrupt routing here.
 *
 * Promise: mptable_build() writes the 16-byte floating pointer structure
 * (to be placed at @fp_addr, pointing at @table_addr) and the base
 * configuration table: one processor entry per CPU (APIC ids 0..n-1, CPU
 * 0 the bootstrap processor; signature and feature fields zero), bus 0
 * PCI and bus 1 ISA, the IOAPIC, the ISA IRQs 0-15 on the IOAPIC pins of
 * the same number (IRQ0 on pin 2, no entry for IRQ2, edge/high as the ISA
 * bus has them, level/high for the IRQs in @level_irqs), one PCI entry
 * (level/high) per device interrupt pin in @pci, and LINT0 as ExtINT,
 * LINT1 as NMI on every local APIC. Both checksums are right. Returns the
 * table's length, or 0 when @cap is too small or the config is bad;
 * mptable_size() says how much room a config needs.
 */
#ifndef PCVM_HW_MPTABLE_H
#define PCVM_HW_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#define MPTABLE_FP_SIZE 16
#define MPTABLE_MAX_PCI 128

typedef struct MpPciIrq {
    uint8_t slot;
    uint8_t pin;    /* 0 = INTA# .. 3 = INTD# */
    uint8_t irq;    /* the ISA IRQ (IOAPIC pin) it is routed to */
} MpPciIrq;

typedef struct MpTableConfig {
    int ncpus;
    uint32_t lapic_addr;
    uint8_t lapic_version;
    uint8_t ioapic_id;
    uint8_t ioapic_version;
    uint32_t ioapic_addr;
    uint16_t level_irqs;     /* ISA IRQs that are level/high (the SCI) */
    const MpPciIrq *pci;
    int npci;
} MpTableConfig;

size_t mptable_size(const MpTableConfig *cfg);
size_t mptable_build(const MpTableConfig *cfg, uint32_t table_addr,
                     uint8_t fp[MPTABLE_FP_SIZE], uint8_t *table, size_t cap);

#endif
