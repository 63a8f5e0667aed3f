/* Multiboot v1 loading: see multiboot.h. */
#include "hw/pc/multiboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define MB_SEARCH 8192
#define MB_FLAG_PAGE_ALIGN (1u << 0)
#define MB_FLAG_MEMINFO (1u << 1)
#define MB_FLAG_VIDEO (1u << 2)
#define MB_FLAG_AOUT (1u << 16)

/* multiboot_info flags */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER (1u << 9)
#define MBI_SIZE 88

#define ELF_PT_LOAD 1
/* The blob may not reach below this (BIOS data, IVT) or into the
 * firmware's area at the top of low RAM. */
#define MB_MIN_ADDR 0x100000u
/* Low RAM ends where the firmware's extended BIOS data area begins
 * (SeaBIOS keeps 1 KiB at 639 KiB); what follows up to 1 MiB is the
 * EBDA, the VGA window and the BIOS. */
#define MB_LOW_RAM_KB 639u
#define MB_BIOS_AREA 0xf0000u

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p) { return p[0] | p[1] << 8; }

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

long multiboot_find_header(const uint8_t *image, size_t size)
{
    size_t limit = size < MB_SEARCH ? size : MB_SEARCH;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = rd32(image + off);
        uint32_t flags = rd32(image + off + 4);
        uint32_t sum = rd32(image + off + 8);
        if (magic == MULTIBOOT_MAGIC && magic + flags + sum == 0) {
            return (long)off;
        }
    }
    return -1;
}

void multiboot_free(MultibootImage *img)
{
    free(img->blob);
    memset(img, 0, sizeof(*img));
}

/* Where the kernel goes: [lo, hi) in guest memory, filled from the image. */
typedef struct Segment {
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t offset; /* in the image */
} Segment;

#define MAX_SEGMENTS 16

static int aout_segments(const uint8_t *image, size_t size, long hdr,
                         Segment *seg, uint32_t *entry, char *err,
                         size_t errlen)
{
    if ((size_t)hdr + 32 > size) {
        return error_set(err, errlen, "multiboot: truncated a.out header");
    }
    uint32_t header_addr = rd32(image + hdr + 12);
    uint32_t load_addr = rd32(image + hdr + 16);
    uint32_t load_end = rd32(image + hdr + 20);
    uint32_t bss_end = rd32(image + hdr + 24);
    *entry = rd32(image + hdr + 28);
    if (load_addr > header_addr || header_addr - load_addr > (uint32_t)hdr) {
        return error_set(err, errlen, "multiboot: load_addr is after the header");
    }
    uint32_t offset = (uint32_t)hdr - (header_addr - load_addr);
    uint32_t filesz = load_end ? load_end - load_addr
                               : (uint32_t)(size - offset);
    if (load_end && load_end < load_addr) {
        return error_set(err, errlen, "multiboot: load_end_addr below load_addr");
    }
    if ((uint64_t)offset + filesz > size) {
        return error_set(err, errlen, "multiboot: the image is shorter than its "
                                 "load range");
    }
    uint32_t memsz = filesz;
    if (bss_end) {
        if (bss_end < load_addr + filesz) {
            return error_set(err, errlen, "multiboot: bss_end_addr below the "
                                     "loaded image");
        }
        memsz = bss_end - load_addr;
    }
    seg[0] = (Segment){load_addr, filesz, memsz, offset};
    return 1;
}

static int elf_segments(const uint8_t *image, size_t size, Segment *seg,
                        uint32_t *entry, char *err, size_t errlen)
{
    if (size < 52 || memcmp(image, "\x7f" "ELF", 4)) {
        return error_set(err, errlen, "multiboot: neither the a.out kludge nor "
                                 "an ELF image");
    }
    if (image[4] != 1 || image[5] != 1 || rd16(image + 18) != 3) {
        return error_set(err, errlen, "multiboot: the ELF image is not 32-bit "
                                 "little-endian x86");
    }
    *entry = rd32(image + 24);
    uint32_t phoff = rd32(image + 28);
    uint16_t phentsize = rd16(image + 42);
    uint16_t phnum = rd16(image + 44);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phnum * phentsize > size) {
        return error_set(err, errlen, "multiboot: bad ELF program headers");
    }
    int n = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = image + phoff + (size_t)i * phentsize;
        if (rd32(ph) != ELF_PT_LOAD || rd32(ph + 20) == 0) {
            continue;
        }
        if (n == MAX_SEGMENTS) {
            return error_set(err, errlen, "multiboot: too many ELF segments");
        }
        Segment s = {rd32(ph + 12), rd32(ph + 16), rd32(ph + 20), rd32(ph + 4)};
        if (s.filesz > s.memsz || (uint64_t)s.offset + s.filesz > size) {
            return error_set(err, errlen, "multiboot: ELF segment %u reaches "
                                     "outside the file", i);
        }
        seg[n++] = s;
    }
    if (n == 0) {
        return error_set(err, errlen, "multiboot: the ELF image loads nothing");
    }
    return n;
}

int multiboot_prepare(const uint8_t *image, size_t size,
                      const MultibootModule *mods, int nmods,
                      const char *cmdline, uint64_t ram_below_4g,
                      uint64_t ram_above_4g, MultibootImage *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof(*out));
    long hdr = multiboot_find_header(image, size);
    if (hdr < 0) {
        return error_set(err, errlen, "multiboot: no header in the first 8 KiB");
    }
    uint32_t flags = rd32(image + hdr + 4);
    if (flags & MB_FLAG_VIDEO) {
        /* Graphics modes need a display; text mode is what we give. */
    }
    if ((flags & 0xffff) & ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO |
                             MB_FLAG_VIDEO)) {
        return error_set(err, errlen, "multiboot: unsupported required flags %#x",
                    flags & 0xffff);
    }
    Segment seg[MAX_SEGMENTS];
    uint32_t entry = 0;
    int nseg = (flags & MB_FLAG_AOUT)
                   ? aout_segments(image, size, hdr, seg, &entry, err, errlen)
                   : elf_segments(image, size, seg, &entry, err, errlen);
    if (nseg < 0) {
        return -1;
    }

    /* The kernel's extent. */
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < nseg; i++) {
        uint64_t end = (uint64_t)seg[i].paddr + seg[i].memsz;
        lo = seg[i].paddr < lo ? seg[i].paddr : lo;
        hi = end > hi ? end : hi;
    }
    if (lo < MB_MIN_ADDR || hi > ram_below_4g) {
        return error_set(err, errlen, "multiboot: the kernel loads at "
                                 "%#llx-%#llx, outside RAM above 1 MiB",
                    (unsigned long long)lo, (unsigned long long)hi);
    }
    if (entry < lo || entry >= hi) {
        return error_set(err, errlen, "multiboot: entry point %#x is outside the "
                                 "loaded image", entry);
    }

    /* Layout after the kernel: modules (page aligned), then the MBI, the
     * module list, the memory map and the strings. */
    uint64_t pos = (hi + 4095) & ~4095ULL;
    uint64_t mod_addr[64];
    if (nmods > 64) {
        return error_set(err, errlen, "multiboot: at most 64 modules");
    }
    for (int i = 0; i < nmods; i++) {
        mod_addr[i] = pos;
        pos = (pos + mods[i].size + 4095) & ~4095ULL;
    }
    uint64_t mbi = pos;
    uint64_t modlist = mbi + MBI_SIZE;
    uint64_t mmap = modlist + 16ULL * nmods;
    int nmmap = ram_above_4g ? 5 : 4;
    uint64_t strings = mmap + 24ULL * nmmap;
    size_t strlen_total = strlen(cmdline ? cmdline : "") + 1 +
                          strlen("pcvm") + 1;
    for (int i = 0; i < nmods; i++) {
        strlen_total += strlen(mods[i].cmdline) + 1;
    }
    uint64_t end = strings + strlen_total;
    if (end > ram_below_4g) {
        return error_set(err, errlen, "multiboot: kernel and modules do not fit "
                                 "in RAM below 4 GiB");
    }

    out->blob_addr = (uint32_t)lo;
    out->blob_size = (uint32_t)(end - lo);
    out->blob = calloc(1, out->blob_size);
    if (!out->blob) {
        return error_set(err, errlen, "out of memory");
    }
    uint8_t *b = out->blob;
    for (int i = 0; i < nseg; i++) {
        memcpy(b + (seg[i].paddr - lo), image + seg[i].offset, seg[i].filesz);
    }
    for (int i = 0; i < nmods; i++) {
        memcpy(b + (mod_addr[i] - lo), mods[i].data, mods[i].size);
    }

    /* Strings. */
    uint64_t sp = strings;
    const char *cl = cmdline ? cmdline : "";
    uint64_t cmdline_addr = sp;
    memcpy(b + (sp - lo), cl, strlen(cl) + 1);
    sp += strlen(cl) + 1;
    uint64_t loader_addr = sp;
    memcpy(b + (sp - lo), "pcvm", 5);
    sp += 5;
    for (int i = 0; i < nmods; i++) {
        uint8_t *m = b + (modlist - lo) + 16 * i;
        wr32(m, (uint32_t)mod_addr[i]);
        wr32(m + 4, (uint32_t)(mod_addr[i] + mods[i].size));
        wr32(m + 8, (uint32_t)sp);
        memcpy(b + (sp - lo), mods[i].cmdline, strlen(mods[i].cmdline) + 1);
        sp += strlen(mods[i].cmdline) + 1;
    }

    /* Memory map: conventional memory, RAM from 1 MiB, RAM above 4 GiB. */
    uint8_t *mm = b + (mmap - lo);
    /* What the firmware's E820 says of the same board: the EBDA and the
     * BIOS reserved (type 2), RAM available (type 1). */
    const uint64_t ranges[5][3] = {
        {0, MB_LOW_RAM_KB * 1024ULL, 1},
        {MB_LOW_RAM_KB * 1024ULL, 0xa0000 - MB_LOW_RAM_KB * 1024ULL, 2},
        {MB_BIOS_AREA, 0x100000 - MB_BIOS_AREA, 2},
        {0x100000, ram_below_4g - 0x100000, 1},
        {0x100000000ULL, ram_above_4g, 1}};
    for (int i = 0; i < nmmap; i++) {
        wr32(mm, 20);
        wr64(mm + 4, ranges[i][0]);
        wr64(mm + 12, ranges[i][1]);
        wr32(mm + 20, (uint32_t)ranges[i][2]);
        mm += 24;
    }

    uint8_t *info = b + (mbi - lo);
    wr32(info + 0, MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER |
                       (nmods ? MBI_MODS : 0));
    wr32(info + 4, MB_LOW_RAM_KB);
    uint64_t upper_kb = (ram_below_4g - 0x100000) / 1024;
    wr32(info + 8, upper_kb > 0xffffffffu ? 0xffffffffu : (uint32_t)upper_kb);
    wr32(info + 12, 0xffffffffu); /* boot_device: none */
    wr32(info + 16, (uint32_t)cmdline_addr);
    wr32(info + 20, (uint32_t)nmods);
    wr32(info + 24, (uint32_t)modlist);
    wr32(info + 44, 24u * nmmap);
    wr32(info + 48, (uint32_t)mmap);
    wr32(info + 64, (uint32_t)loader_addr);
    out->entry = entry;
    out->mbi_addr = (uint32_t)mbi;
    return 0;
}
