/*
 * The BIOS memory map (E820) as a table the board fills and hands to the
 * firmware (fw_cfg "etc/e820") or, later, to a directly booted kernel.
 *
 * Promise: entries keep the order they were added in; the wire format is
 * QEMU's: little-endian {u64 address, u64 length, u32 type}, packed, 20
 * bytes an entry.
 */
#ifndef PCVM_HW_E820_H
#define PCVM_HW_E820_H

#include <stddef.h>
#include <stdint.h>

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5

#define E820_MAX_ENTRIES 32
#define E820_ENTRY_SIZE 20

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

typedef struct E820Table {
    E820Entry e[E820_MAX_ENTRIES];
    int count;
} E820Table;

/* Returns 0, or -1 when the table is full or the range is empty or wraps. */
int e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type);
/* Writes count * E820_ENTRY_SIZE bytes to @out (room for them). */
size_t e820_encode(const E820Table *t, uint8_t *out);

#endif
