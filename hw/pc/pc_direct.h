/*
 * Direct boot on the PC board: -kernel with -bios none. No firmware runs;
 * pcvm does itself what SeaBIOS and its option ROM would have done for
 * Linux, the way microVMs boot:
 *  - the memory map (pc_direct_e820);
 *  - the ACPI tables of acpi_build(), linked by pcvm (acpi_link) into a
 *    reserved block at the top of the RAM below 4 GiB, with the RSDP in
 *    the EBDA at 0x9fc00 (the BIOS data area names it, so kernels that
 *    scan find it too) and its address in boot_params;
 *  - an MP table (floating pointer in the EBDA, the table next to the
 *    ACPI tables) for kernels without ACPI;
 *  - the firmware's PCI set-up that Linux relies on, through the same
 *    configuration cycles SeaBIOS uses: the PIIX4 PM I/O block at 0x600
 *    (SCI on IRQ 9, the FADT's values) and its SMBus at 0x700, PIRQA-D
 *    routed to IRQs 10, 10, 11, 11 with those IRQs level in the ELCR,
 *    the interrupt line register of every function with a pin. No
 *    function on this board has a BAR yet; Linux assigns unassigned BARs
 *    itself from the root bridge's _CRS windows;
 *  - the MTRRs as SeaBIOS sets them (write-back, the top 512 MiB below
 *    4 GiB uncached), so the kernel keeps PAT;
 *  - the kernel (linux_direct.h) and CPU 0 at its entry point; the other
 *    CPUs wait for INIT/SIPI as after any reset.
 * The legacy devices stay in their reset state (the kernel programs the
 * PIC and the PIT itself; the RTC starts in 24-hour BCD mode; A20 is on).
 *
 * Promise: pc_direct_init() reads the files and builds every piece (one
 * line in @err naming the option on any problem); pc_direct_reset(),
 * which the board calls from its board_reset hook after every reset (the
 * first, cold one included), puts all of the above into the machine, so
 * a guest reboot boots the kernel again. A vmlinux pcvm unpacked is not
 * kept on the host once it is in guest RAM (tens of MiB for a reboot that
 * may never come): the next reset unpacks the image again. pc_direct_e820()
 * is the memory map alone.
 */
#ifndef PCVM_HW_PC_DIRECT_H
#define PCVM_HW_PC_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "hw/pc/e820.h"
#include "hw/pci/pci.h"

#define PC_DIRECT_EBDA 0x9fc00u
#define PC_DIRECT_RSDP PC_DIRECT_EBDA
#define PC_DIRECT_MP_FP (PC_DIRECT_EBDA + 0x30)

typedef struct PcDirect PcDirect;

/* The map: RAM to the EBDA, the EBDA to 1 MiB reserved, RAM to
 * @tables_base, the tables to @ram_below_4g reserved, the IOAPIC, HPET,
 * LAPIC pages and KVM's pages at 0xfeffc000 reserved, RAM above 4 GiB.
 * Returns -1 when the arguments make no sense. */
int pc_direct_e820(E820Table *t, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, uint64_t tables_base);

PcDirect *pc_direct_init(Machine *m, PciBus *pci, uint64_t ram_below_4g,
                         uint64_t ram_above_4g, char *err, size_t errlen);
void pc_direct_free(PcDirect *d);
void pc_direct_reset(PcDirect *d);

#endif
