/*
 * -kernel/-initrd/-append on the PC board, the way PCs do it: pcvm puts the
 * kernel's pieces in fw_cfg and adds its own option ROM (linuxboot.bin for
 * Linux bzImages, multiboot.bin for Multiboot kernels), which the firmware
 * boots first (the "bootorder" file names it).
 *
 * Promise: pc_kernel_init() reads the files, recognises the kind of kernel,
 * checks that everything fits in guest RAM, and fills fw_cfg; any problem
 * is one line in @err naming the option.
 */
#ifndef PCVM_HW_PC_KERNEL_H
#define PCVM_HW_PC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "hw/pc/fw_cfg.h"

int pc_kernel_init(Machine *m, FwCfg *fw, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, char *err, size_t errlen);

#endif
