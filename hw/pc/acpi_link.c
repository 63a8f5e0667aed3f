/* The table-loader script without firmware: see acpi_link.h. The command
 * layout is QEMU's (hw/acpi/bios-linker-loader), as acpi_build.c writes
 * it. */
#include "hw/pc/acpi_link.h"

#include <string.h>

#include "core/bytes.h"
#include "hw/pc/acpi_build.h"

/* The file named by the (possibly unterminated) field at @name. */
static AcpiLinkFile *find(AcpiLinkFile *files, int n, const uint8_t *name)
{
    char s[ACPI_LOADER_FILESZ + 1];
    memcpy(s, name, ACPI_LOADER_FILESZ);
    s[ACPI_LOADER_FILESZ] = '\0';
    for (int i = 0; i < n; i++) {
        if (!strcmp(files[i].name, s)) {
            return &files[i];
        }
    }
    return NULL;
}

static int add_pointer(AcpiLinkFile *dst, const AcpiLinkFile *src,
                       uint32_t off, uint8_t size)
{
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        off > dst->len || size > dst->len - off) {
        return -1;
    }
    uint64_t v = le_load(dst->data + off, size) + src->addr;
    if (size < 8 && (v >> (8 * size))) {
        return -1;   /* the target does not fit the field */
    }
    le_store(dst->data + off, v, size);
    return 0;
}

static int add_checksum(AcpiLinkFile *f, uint32_t off, uint32_t start,
                        uint32_t len)
{
    if (start > f->len || len > f->len - start || off < start ||
        off - start >= len) {
        return -1;
    }
    uint8_t sum = 0;
    f->data[off] = 0;
    for (uint32_t i = 0; i < len; i++) {
        sum += f->data[start + i];
    }
    f->data[off] = (uint8_t)-sum;
    return 0;
}

int acpi_link(const uint8_t *loader, uint32_t loader_len, AcpiLinkFile *files,
              int nfiles)
{
    const unsigned f2 = 4 + ACPI_LOADER_FILESZ;
    const unsigned args = 4 + ACPI_LOADER_FILESZ;
    if (loader_len % ACPI_LOADER_ENTRY_SIZE) {
        return -1;
    }
    for (uint32_t o = 0; o < loader_len; o += ACPI_LOADER_ENTRY_SIZE) {
        const uint8_t *e = loader + o;
        uint32_t cmd = (uint32_t)le_load(e, 4);
        if (cmd != ACPI_LOADER_ALLOCATE && cmd != ACPI_LOADER_ADD_POINTER &&
            cmd != ACPI_LOADER_ADD_CHECKSUM) {
            continue;
        }
        AcpiLinkFile *f = find(files, nfiles, e + 4);
        if (!f) {
            return -1;
        }
        int rc = 0;
        if (cmd == ACPI_LOADER_ALLOCATE) {
            uint32_t align = (uint32_t)le_load(e + args, 4);
            rc = (align & (align - 1)) || (align && f->addr % align) ? -1 : 0;
        } else if (cmd == ACPI_LOADER_ADD_POINTER) {
            const AcpiLinkFile *src = find(files, nfiles, e + f2);
            const uint8_t *at = e + f2 + ACPI_LOADER_FILESZ;
            rc = src ? add_pointer(f, src, (uint32_t)le_load(at, 4), at[4])
                     : -1;
        } else {
            rc = add_checksum(f, (uint32_t)le_load(e + args, 4),
                              (uint32_t)le_load(e + args + 4, 4),
                              (uint32_t)le_load(e + args + 8, 4));
        }
        if (rc) {
            return -1;
        }
    }
    return 0;
}
