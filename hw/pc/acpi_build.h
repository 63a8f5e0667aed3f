/*
 * ACPI tables for the i440FX/PIIX board, built in C at start, and the
 * QEMU table-loader script that lets SeaBIOS place them.
 *
 * Promise: acpi_build() produces three fw_cfg files:
 *  - "etc/acpi/tables": FACS, DSDT, FACP (FADT rev 3), APIC (MADT), HPET
 *    (when present), RSDT and XSDT, with every pointer field holding the
 *    offset of its target within this blob;
 *  - "etc/acpi/rsdp": the RSDP (revision 2) with RSDT/XSDT offsets;
 *  - "etc/table-loader": ALLOCATE both files (RSDP in the F segment), then
 *    ADD_POINTER for every pointer (the loader adds the blob's address),
 *    then ADD_CHECKSUM for every table, so the checksums are right after
 *    the pointers are patched.
 * The DSDT describes the PCI root bridge (PNP0A03) with _CRS windows and
 * _PRT routing through the PIIX link devices LNKA-D (PIRQ registers
 * 0x60-0x63 of 00:01.0), the ISA devices (keyboard, mouse, RTC, PIC, PIT,
 * COM ports), the HPET, processor devices (ACPI0007) and \_S5 (SLP_TYP 0).
 * The FADT names the PIIX4 PM block at @pm_base, SCI @sci_irq, the
 * APM port for ACPI enable, and the 0xcf9 reset register. The MADT lists
 * one LAPIC per CPU, the IOAPIC, IRQ0 -> GSI 2 and level/high for the
 * PCI and SCI IRQs, and LINT1 as NMI.
 */
#ifndef PCVM_HW_ACPI_BUILD_H
#define PCVM_HW_ACPI_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_LOADER_FILE "etc/table-loader"
#define ACPI_TABLES_FILE "etc/acpi/tables"
#define ACPI_RSDP_FILE "etc/acpi/rsdp"

#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILESZ 56
#define ACPI_LOADER_ALLOCATE 1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2

typedef struct AcpiConfig {
    int ncpus;
    uint16_t pm_base;       /* PIIX4 PM I/O block (SeaBIOS: 0x600) */
    uint8_t sci_irq;
    uint64_t ram_below_4g;
    uint64_t ram_above_4g;
    bool hpet;
    int ncom;               /* COM1.. present (0-4) */
    uint32_t lapic_addr;
    uint32_t ioapic_addr;
    uint8_t ioapic_id;
    uint32_t hpet_addr;
} AcpiConfig;

typedef struct AcpiTables {
    uint8_t *tables;
    uint32_t tables_len;
    uint8_t *rsdp;
    uint32_t rsdp_len;
    uint8_t *loader;
    uint32_t loader_len;
} AcpiTables;

/* Fill @cfg with the board defaults for @ncpus and the RAM sizes. */
void acpi_config_default(AcpiConfig *cfg, int ncpus, uint64_t ram_below_4g,
                         uint64_t ram_above_4g);
/* Returns 0, or -1 (nothing allocated) on a bad config or no memory. */
int acpi_build(const AcpiConfig *cfg, AcpiTables *out);
void acpi_tables_free(AcpiTables *t);

#endif
