/*
 * What the board stores in CMOS RAM for the firmware, as QEMU does for
 * SeaBIOS: memory sizes, the CPU count and the -boot order.
 *
 * Promise: pc_cmos_layout() computes the bytes and hands each to @set
 * (the RTC's "store a CMOS byte" entry), so it works with any RTC model:
 *   0x15-0x16 base memory (640 KiB)      0x17-0x18, 0x30-0x31 KiB above
 *   1 MiB (max 65535)                     0x34-0x35 64 KiB units above
 *   16 MiB (below 4 GiB)                  0x5b-0x5d 64 KiB units above 4 GiB
 *   0x5f CPUs - 1 (SeaBIOS waits for that many to answer its SIPI)
 *   0x3d, 0x38 boot devices (1 floppy, 2 disk, 3 CD-ROM, 4 network;
 *   0x38 bit 0: skip the floppy signature check)
 *   0x10 (floppy types) and 0x12 (disk types): none.
 * Returns -1 if the boot order names an unknown device.
 */
#ifndef PCVM_HW_CMOS_LAYOUT_H
#define PCVM_HW_CMOS_LAYOUT_H

#include <stdint.h>

typedef void CmosSetter(void *opaque, int index, uint8_t value);

int pc_cmos_layout(uint64_t ram_below_4g, uint64_t ram_above_4g, int ncpus,
                   const char *boot_order, CmosSetter *set, void *opaque);

#endif
