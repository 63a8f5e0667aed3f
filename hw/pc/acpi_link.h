/*
 * The table-loader script carried out by pcvm itself, for a boot without
 * firmware: the files of acpi_build() ("etc/acpi/rsdp", "etc/acpi/tables")
 * go to guest addresses the board chose, and pcvm does the ADD_POINTER and
 * ADD_CHECKSUM commands SeaBIOS would do.
 *
 * Promise: acpi_link() patches the files' bytes in place as if they sat
 * at their addresses: ADD_POINTER adds the source file's address to the
 * 1-, 2-, 4- or 8-byte little-endian value at the offset, ADD_CHECKSUM
 * makes the bytes of a range sum to zero. Every file the script names
 * must be in @files, with an address meeting its ALLOCATE alignment, and
 * every offset and length is checked against the file; on anything else
 * it returns -1 (the files may be half patched). Unknown commands are
 * skipped, as SeaBIOS does.
 */
#ifndef PCVM_HW_ACPI_LINK_H
#define PCVM_HW_ACPI_LINK_H

#include <stdint.h>

typedef struct AcpiLinkFile {
    const char *name;
    uint8_t *data;
    uint32_t len;
    uint64_t addr;
} AcpiLinkFile;

int acpi_link(const uint8_t *loader, uint32_t loader_len, AcpiLinkFile *files,
              int nfiles);

#endif
