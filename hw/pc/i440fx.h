/*
 * The i440FX host bridge (PCI 00.0): configuration mechanism #1 and the
 * memory controller's shadow RAM (PAM) and SMRAM controls.
 *
 * Promise: 0xcf8 holds the configuration address (dword accesses only;
 * enable bit 31, bus, device, function, register); 0xcfc-0xcff carry
 * byte, word and dword configuration cycles to the PCI bus while the
 * enable bit is set, and all ones otherwise. A byte access to 0xcf9 goes
 * to the reset control register handler the board installs (PIIX3 RCR).
 *
 * PAM0-6 (config 0x59-0x5f) switch thirteen segments of 0xc0000-0xfffff
 * between the PCI side (disabled: the BIOS ROM window, or nothing), DRAM
 * read-only (writes dropped, as the PCI side would), DRAM write-only
 * (reads from the PCI side, writes to DRAM) and DRAM read/write. All
 * segments reset to disabled, like the hardware. With no SMM, SMRAM
 * (0x72) only opens DRAM at 0xa0000-0xbffff for everyone when D_OPEN is
 * set (and D_LCK is clear when it was set).
 *
 * Memory priorities: RAM 0, the PCI-side window over 0xc0000-0xfffff 1
 * (reads all ones), the BIOS ROM's low alias 2, PAM DRAM 3, SMRAM 4.
 */
#ifndef PCVM_HW_I440FX_H
#define PCVM_HW_I440FX_H

#include "core/machine.h"
#include "hw/pci/pci.h"

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define I440FX_PAM_SEGMENTS 13

#define PC_LEGACY_WINDOW_PRIO 1
#define PC_BIOS_ALIAS_PRIO 2
#define PC_PAM_PRIO 3
#define PC_SMRAM_PRIO 4

typedef struct I440fx I440fx;

/* @ram is the RAM below 4 GiB (it must cover 0-1 MiB). @bios and
 * @bios_low say where the PCI side of the PAM window gets its bytes: the
 * ROM region whose end is mapped to end at 1 MiB, from @bios_low up
 * (NULL: the PCI side reads all ones). */
I440fx *i440fx_new(Machine *m, PciBus *bus, MemRegion *ram,
                   MemRegion *bios, uint64_t bios_low);
PciDevice *i440fx_pci(I440fx *s);
/* Byte accesses to port 0xcf9 (size 1, offset 0). */
void i440fx_set_cf9_handler(I440fx *s, const MemOps *ops, void *opaque);

#endif
