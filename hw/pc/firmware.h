/*
 * Finding and loading firmware files.
 *
 * Promise: firmware_find() looks for a firmware file by name in the -L
 * directories, then next to the pcvm binary (its build's bios/ folder),
 * then in the installed share/pcvm folder, then in Debian's firmware
 * folders (/usr/share/seabios, /usr/share/qemu); it returns a malloc'ed
 * path or NULL. firmware_read() reads a whole file with a size limit and a
 * one-line error. optionrom_finish() makes a loaded option ROM valid for
 * the firmware that scans it: 0x55AA signature kept, size byte set, bytes
 * summing to zero.
 */
#ifndef PCVM_HW_FIRMWARE_H
#define PCVM_HW_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "core/options.h"

char *firmware_find(const MachineConfig *cfg, const char *name);
int firmware_read(const char *path, size_t max_size, uint8_t **data,
                  size_t *size, char *err, size_t errlen);
/* Pads to whole 512-byte blocks (realloc'ing *rom); returns 0 or -1 when
 * the image is not an option ROM. */
int optionrom_finish(uint8_t **rom, size_t *size);

#endif
