/*
 * The PC board: assembles the machine from the configuration.
 *
 * Promise: pc_machine_init() builds the memory map, loads the firmware and
 * creates and wires every device the configuration asks for, or fails with
 * one line in @err naming the option at fault (including options whose
 * device is not built yet). It runs after the accelerator created the
 * vCPUs, so it can wire their pins.
 */
#ifndef PCVM_HW_PC_H
#define PCVM_HW_PC_H

#include <stddef.h>

#include "core/machine.h"

/* Physical memory layout. */
#define PC_LOWMEM_MAX 0xe0000000ULL   /* RAM below 4 GiB ends here at most */
#define PC_HIGHMEM_BASE 0x100000000ULL
#define PC_BIOS_MAX_SIZE (16u << 20)
#define PC_ISA_BIOS_SIZE (128u << 10) /* low alias below 1 MiB */
#define PC_DEFAULT_BIOS "bios-256k.bin"

int pc_machine_init(Machine *m, char *err, size_t errlen);
/* The devices -device accepts, for "-device help". */
void pc_list_devices(FILE *f);

#endif
