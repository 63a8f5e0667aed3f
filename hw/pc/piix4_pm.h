/*
 * The PIIX4 power-management function (PCI 01.3): ACPI fixed hardware,
 * the PM timer, the GPE block, an SMBus host stub and the APM ports.
 *
 * Promise: the PM I/O block (64 ports) appears at PMBA (config 0x40)
 * while PMIOSE (config 0x80 bit 0) is set, with PIIX4's layout:
 *   +0x00 PM1 status (write 1 to clear)   +0x02 PM1 enable
 *   +0x04 PM1 control (SCI_EN, SLP_TYP, SLP_EN)
 *   +0x08 PM timer: 24 bits at 3.579545 MHz, from virtual time
 *   +0x0c GPE0 status (write 1 to clear)  +0x0e GPE0 enable
 * Setting SLP_EN with SLP_TYP 0 (the DSDT's \_S5) powers the machine off
 * (machine_request_shutdown: pcvm exits 0). The SCI line is high while
 * SCI_EN is set and an enabled PM1 event (timer carry, power button,
 * global, RTC) or GPE is pending; the board wires it to IRQ 9, as the FADT
 * says. The timer's carry (bit 23 toggling) sets TMR_STS. The APM control
 * port 0xb2 takes the FADT's ACPI_ENABLE (0xf1) and ACPI_DISABLE (0xf0)
 * values, which set and clear SCI_EN; 0xb3 is a scratch register. There
 * is no SMM: config 0x5b reads APMC_EN set, so SeaBIOS skips its SMM
 * setup (as under QEMU without SMM). The SMBus host (SMBBA, config 0x90,
 * on while config 0xd2 bit 0 is set) has no devices: every transaction
 * ends with DEV_ERR.
 */
#ifndef PCVM_HW_PIIX4_PM_H
#define PCVM_HW_PIIX4_PM_H

#include "core/irq.h"
#include "core/machine.h"
#include "hw/pci/pci.h"

#define PIIX4_PM_TIMER_HZ 3579545ULL
#define PIIX4_PMBA 0x40
#define PIIX4_PMREGMISC 0x80
#define PIIX4_DEVACTB 0x58
#define PIIX4_SMBBA 0x90
#define PIIX4_SMBHSTCFG 0xd2
#define PIIX4_PM_IO_SIZE 64

#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN 0x02
#define ACPI_PM1_CNT 0x04
#define ACPI_PM_TMR 0x08
#define ACPI_GPE0_STS 0x0c
#define ACPI_GPE0_EN 0x0e

#define ACPI_BITMASK_TIMER_STATUS 0x0001
#define ACPI_BITMASK_GLOBAL_LOCK_STATUS 0x0020
#define ACPI_BITMASK_POWER_BUTTON_STATUS 0x0100
#define ACPI_BITMASK_RT_CLOCK_STATUS 0x0400
#define ACPI_BITMASK_WAKE_STATUS 0x8000
#define ACPI_BITMASK_SCI_ENABLE 0x0001
#define ACPI_BITMASK_SLEEP_ENABLE 0x2000

#define APM_CNT_PORT 0xb2
#define ACPI_ENABLE_VALUE 0xf1
#define ACPI_DISABLE_VALUE 0xf0

typedef struct Piix4Pm Piix4Pm;

Piix4Pm *piix4_pm_new(Machine *m, PciBus *bus, int devfn, IrqLine sci);
PciDevice *piix4_pm_pci(Piix4Pm *s);
/* The timer's value now (24 bits). */
uint32_t piix4_pm_timer(Piix4Pm *s);
/* Events from the board: the power button, a general-purpose event. */
void piix4_pm_power_button(Piix4Pm *s);
void piix4_pm_gpe(Piix4Pm *s, int bit);

#endif
