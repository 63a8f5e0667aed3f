/* Direct boot of a Linux bzImage, without firmware: see linux_direct.h. */
#include "hw/pc/linux_direct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "hw/pc/kernel_unpack.h"
#include "hw/pc/linux_boot.h"

#define MIB (1024u * 1024u)

/* The control register bits the entry states use (SDM vol. 3, 2.5). */
#define LD_CR0_PE (1u << 0)
#define LD_CR0_ET (1u << 4)
#define LD_CR0_PG (1u << 31)
#define LD_CR4_PAE (1u << 5)
#define LD_EFER_LME (1u << 8)
#define LD_EFER_LMA (1u << 10)

/* Page-table entry bits. */
#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_PS 0x080u

/* Flat 4 GiB descriptors: code (64-bit or 32-bit), data, a busy TSS. */
#define DESC_CODE64 0x00af9b000000ffffULL
#define DESC_CODE32 0x00cf9b000000ffffULL
#define DESC_DATA 0x00cf93000000ffffULL
#define DESC_TSS 0x00008b0000000067ULL

static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

void linux_direct_free(LinuxDirect *ld)
{
    free(ld->cmdline);
    free(ld->page_tables);
    free(ld->unpacked);
    memset(ld, 0, sizeof(*ld));
}

void linux_direct_page_tables(uint8_t *pt, uint64_t base)
{
    memset(pt, 0, LD_PT_SIZE);
    uint8_t *pml4 = pt, *pdpt = pt + 0x1000;
    le_store(pml4, (base + 0x1000) | PTE_P | PTE_RW, 8);
    for (unsigned i = 0; i < 4; i++) {
        uint8_t *pd = pt + 0x2000 + i * 0x1000;
        le_store(pdpt + i * 8, (base + 0x2000 + i * 0x1000) | PTE_P | PTE_RW,
                 8);
        for (unsigned j = 0; j < 512; j++) {
            uint64_t page = ((uint64_t)i * 512 + j) << 21;
            le_store(pd + j * 8, page | PTE_P | PTE_RW | PTE_PS, 8);
        }
    }
}

/* The segment cache a descriptor loads (selector @sel). */
static VcpuSegment seg_from_desc(uint16_t sel, uint64_t d)
{
    uint32_t hi = (uint32_t)(d >> 32);
    uint32_t limit = (uint32_t)(d & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23)) {
        limit = limit << 12 | 0xfff;
    }
    uint64_t base = ((d >> 16) & 0xffffff) | (uint64_t)(hi >> 24) << 24;
    return (VcpuSegment){sel, base, limit, hi & 0x00f0ff00u};
}

static void build_entry_state(LinuxDirect *ld, uint64_t entry)
{
    uint64_t code = ld->entry64 ? DESC_CODE64 : DESC_CODE32;
    memset(ld->gdt, 0, sizeof(ld->gdt));
    le_store(ld->gdt + LD_BOOT_CS, code, 8);
    le_store(ld->gdt + LD_BOOT_DS, DESC_DATA, 8);
    le_store(ld->gdt + LD_BOOT_TSS, DESC_TSS, 8);

    VcpuBootState *c = &ld->cpu;
    memset(c, 0, sizeof(*c));
    /* boot.rst: ESI/RSI point at boot_params; EBP, EDI, EBX are zero. */
    c->regs[6] = LD_BOOT_PARAMS_ADDR;  /* RSI */
    c->regs[4] = LD_STACK_TOP;         /* RSP */
    c->rip = entry;
    c->rflags = 0x2;                   /* interrupts off */
    for (int i = 0; i < VCPU_SEG_COUNT; i++) {
        c->seg[i] = seg_from_desc(LD_BOOT_DS, DESC_DATA);
    }
    c->seg[VCPU_SEG_CS] = seg_from_desc(LD_BOOT_CS, code);
    c->tr = seg_from_desc(LD_BOOT_TSS, DESC_TSS);
    c->ldt = (VcpuSegment){0, 0, 0xffff, 2u << 8}; /* unusable: P clear */
    c->gdt_base = LD_GDT_ADDR;
    c->gdt_limit = sizeof(ld->gdt) - 1;
    c->idt_base = 0;
    c->idt_limit = 0;  /* no IDT until the kernel loads its own */
    c->cr0 = LD_CR0_PE | LD_CR0_ET;
    if (ld->entry64) {
        c->cr0 |= LD_CR0_PG;
        c->cr3 = LD_PML4_ADDR;
        c->cr4 = LD_CR4_PAE;
        c->efer = LD_EFER_LME | LD_EFER_LMA;
    }
}

/* The setup header for a vmlinux, which has none: what a bzImage of
 * protocol 2.15 would carry, as far as the kernel proper reads it. */
static void synth_header(uint8_t *bp, bool is64)
{
    le_store(bp + HDR_BOOT_FLAG, 0xaa55, 2);
    memcpy(bp + HDR_HEADER, "HdrS", 4);
    le_store(bp + HDR_VERSION, 0x020f, 2);
    bp[HDR_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
    le_store(bp + HDR_INITRD_ADDR_MAX, 0x7fffffff, 4);
    le_store(bp + HDR_KERNEL_ALIGNMENT, 0x200000, 4);
    le_store(bp + HDR_XLOADFLAGS, is64 ? XLF_KERNEL_64 : 0, 2);
    le_store(bp + HDR_CMDLINE_SIZE, LD_VMLINUX_CMDLINE_MAX, 4);
}

static void build_boot_params(LinuxDirect *ld, const LinuxDirectConfig *cfg,
                              unsigned hdr_end)
{
    uint8_t *bp = ld->boot_params;
    memset(bp, 0, BP_SIZE);
    if (ld->form == LD_VMLINUX) {
        synth_header(bp, ld->entry64);
    } else {
        memcpy(bp + BP_HDR, cfg->image + BP_HDR, hdr_end - BP_HDR);
    }
    bp[HDR_TYPE_OF_LOADER] = LD_LOADER_TYPE;
    bp[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    le_store(bp + HDR_HEAP_END_PTR, 0xfe00, 2);
    le_store(bp + HDR_CODE32_START, ld->kernel_addr, 4);
    le_store(bp + HDR_RAMDISK_IMAGE, ld->initrd_addr, 4);
    le_store(bp + HDR_RAMDISK_SIZE, ld->initrd_size, 4);
    le_store(bp + BP_EXT_RAMDISK_IMAGE, ld->initrd_addr >> 32, 4);
    le_store(bp + BP_EXT_RAMDISK_SIZE, 0, 4);
    le_store(bp + HDR_CMD_LINE_PTR, LD_CMDLINE_ADDR, 4);
    le_store(bp + BP_EXT_CMD_LINE_PTR, 0, 4);
    le_store(bp + BP_ACPI_RSDP_ADDR, cfg->acpi_rsdp, 8);
    int n = cfg->e820 ? cfg->e820->count : 0;
    bp[BP_E820_ENTRIES] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        uint8_t *e = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;
        le_store(e, cfg->e820->e[i].addr, 8);
        le_store(e + 8, cfg->e820->e[i].size, 8);
        le_store(e + 16, cfg->e820->e[i].type, 4);
    }
}

/* Where a bzImage's protected-mode part goes: see linux_direct.h. */
static uint64_t choose_kernel_addr(const uint8_t *image, uint16_t protocol,
                                   uint64_t need, uint64_t load_top)
{
    if (protocol >= 0x20a && image[HDR_RELOCATABLE]) {
        uint64_t pref = get64(image + HDR_PREF_ADDRESS);
        uint32_t align = get32(image + HDR_KERNEL_ALIGNMENT);
        bool aligned = align && !(align & (align - 1)) && !(pref % align);
        if (pref >= LD_KERNEL_ADDR && aligned && pref <= load_top &&
            need <= load_top - pref) {
            return pref;
        }
    }
    return LD_KERNEL_ADDR;
}

/* A vmlinux's segments as the kernel's pieces; checks they fit. */
static int load_elf(LinuxDirect *out, const KernelElf *elf, uint64_t top,
                    char *err, size_t errlen)
{
    if (elf->lo < LD_KERNEL_ADDR || elf->hi > top) {
        return error_set(err, errlen, "the kernel's segments (%#llx-%#llx) are "
                                 "not in RAM between 1 MiB and %#llx",
                    (unsigned long long)elf->lo,
                    (unsigned long long)elf->hi, (unsigned long long)top);
    }
    if (elf->entry < elf->lo || elf->entry >= elf->hi) {
        return error_set(err, errlen, "the entry point %#llx is outside the "
                                 "kernel", (unsigned long long)elf->entry);
    }
    for (int i = 0; i < elf->nsegs; i++) {
        const KernelElfSeg *s = &elf->seg[i];
        out->kernel[i] = (LinuxDirectPiece){s->paddr, s->data, s->filesz,
                                            s->memsz};
    }
    out->nkernel = elf->nsegs;
    out->kernel_addr = elf->lo;
    out->init_size = elf->hi - elf->lo;
    out->entry64 = elf->is64;
    return 0;
}

/* Unpack a bzImage's payload and parse the vmlinux in it; on failure
 * out->unpack_err says why and nothing is kept. */
static int unpack_payload(LinuxDirect *out, const uint8_t *image,
                          size_t image_size, uint32_t setup_size,
                          uint16_t protocol, KernelElf *elf)
{
    char *why = out->unpack_err;
    size_t wl = sizeof(out->unpack_err);
    uint32_t off = get32(image + HDR_PAYLOAD_OFFSET);
    uint32_t len = get32(image + HDR_PAYLOAD_LENGTH);
    size_t kernel_size = image_size - setup_size;
    if (protocol < 0x208 || len == 0 || off > kernel_size ||
        len > kernel_size - off) {
        return error_set(why, wl, "no payload to unpack");
    }
    size_t size;
    if (kernel_unpack(image + setup_size + off, len, LD_UNPACK_MAX,
                      &out->unpacked, &size, why, wl)) {
        return -1;
    }
    if (kernel_elf_parse(out->unpacked, size, elf, why, wl)) {
        free(out->unpacked);
        out->unpacked = NULL;
        return -1;
    }
    return 0;
}

bool linux_direct_is_vmlinux(const uint8_t *image, size_t size)
{
    return kernel_elf_probe(image, size);
}

/* The checks and pieces specific to each form: fills out->form, kernel,
 * kernel_addr, init_size, entry64, protocol; @entry, @hdr_end and
 * @cmd_max for the rest. */
static int prepare_kernel(const LinuxDirectConfig *cfg, LinuxDirect *out,
                          uint64_t *entry, unsigned *hdr_end,
                          uint32_t *cmd_max, char *err, size_t errlen)
{
    const uint8_t *image = cfg->image;
    uint64_t top = cfg->load_top;
    KernelElf elf;
    if (linux_direct_is_vmlinux(image, cfg->image_size)) {
        if (kernel_elf_parse(image, cfg->image_size, &elf, err, errlen) ||
            load_elf(out, &elf, top, err, errlen)) {
            return -1;
        }
        out->form = LD_VMLINUX;
        out->protocol = 0x020f;
        *entry = elf.entry;
        *cmd_max = LD_VMLINUX_CMDLINE_MAX;
        return 0;
    }
    if (!linux_boot_probe(image, cfg->image_size)) {
        return error_set(err, errlen, "not a Linux bzImage nor an ELF vmlinux");
    }
    uint16_t protocol = get16(image + HDR_VERSION);
    if (protocol < 0x206) {
        return error_set(err, errlen, "boot protocol %u.%02u is too old for "
                                 "direct boot (2.06 or later needed)",
                    protocol >> 8, protocol & 0xff);
    }
    if (!(image[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
        return error_set(err, errlen, "a zImage (loaded low) is not supported; "
                                 "use a bzImage");
    }
    *hdr_end = HDR_HEADER + image[HDR_JUMP + 1];
    if (*hdr_end > BP_HDR_MAX_END) {
        *hdr_end = BP_HDR_MAX_END;
    }
    unsigned sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
    uint32_t setup_size = (sects + 1) * 512;
    if (setup_size >= cfg->image_size || cfg->image_size > 0xffffffffULL ||
        setup_size < *hdr_end) {
        return error_set(err, errlen, "the setup code (%u bytes) does not fit "
                                 "the image", setup_size);
    }
    out->protocol = protocol;
    *cmd_max = get32(image + HDR_CMDLINE_SIZE);
    uint16_t xlf = protocol >= 0x20c ? get16(image + HDR_XLOADFLAGS) : 0;
    bool want64 = (xlf & XLF_KERNEL_64) != 0;
    if (cfg->unpack &&
        !unpack_payload(out, image, cfg->image_size, setup_size, protocol,
                        &elf)) {
        if (elf.is64 != want64) {
            snprintf(out->unpack_err, sizeof(out->unpack_err),
                     "the payload is an ELF%d file", elf.is64 ? 64 : 32);
        } else if (!load_elf(out, &elf, top, out->unpack_err,
                             sizeof(out->unpack_err))) {
            out->form = LD_UNPACKED;
            *entry = elf.entry;
            return 0;
        }
        free(out->unpacked);
        out->unpacked = NULL;
    }
    uint32_t kernel_size = (uint32_t)(cfg->image_size - setup_size);
    /* init_size came with 2.10; before it, guess generously. */
    uint64_t init_size = protocol >= 0x20a ? get32(image + HDR_INIT_SIZE)
                                           : 0;
    if (init_size < kernel_size) {
        init_size = (uint64_t)kernel_size * 3;
    }
    uint64_t kaddr = choose_kernel_addr(image, protocol, init_size, top);
    if (kaddr > top || init_size > top - kaddr) {
        return error_set(err, errlen, "the kernel needs %llu MiB from %#llx; RAM "
                                 "below 4 GiB ends at %#llx",
                    (unsigned long long)((init_size + MIB - 1) / MIB),
                    (unsigned long long)kaddr, (unsigned long long)top);
    }
    out->form = LD_BZIMAGE;
    out->entry64 = want64;
    out->kernel[0] = (LinuxDirectPiece){kaddr, image + setup_size,
                                        kernel_size, kernel_size};
    out->nkernel = 1;
    out->kernel_addr = kaddr;
    out->init_size = init_size;
    /* The 64-bit entry is 0x200 past startup_32. */
    *entry = kaddr + (want64 ? 0x200 : 0);
    return 0;
}

int linux_direct_prepare(const LinuxDirectConfig *cfg, LinuxDirect *out,
                         char *err, size_t errlen)
{
    uint64_t entry = 0;
    unsigned hdr_end = 0;
    uint32_t cmd_max = 0;
    memset(out, 0, sizeof(*out));
    if (prepare_kernel(cfg, out, &entry, &hdr_end, &cmd_max, err, errlen)) {
        linux_direct_free(out);
        return -1;
    }
    uint64_t top = cfg->load_top;
    size_t cmd_len = cfg->cmdline ? strlen(cfg->cmdline) : 0;
    if (cmd_max > LD_CMDLINE_MAX - 1) {
        cmd_max = LD_CMDLINE_MAX - 1;
    }
    if (cmd_len > cmd_max) {
        linux_direct_free(out);
        return error_set(err, errlen, "the command line has %zu characters; this "
                                 "kernel takes at most %u", cmd_len, cmd_max);
    }

    if (cfg->initrd && cfg->initrd_size) {
        uint64_t max = out->form == LD_VMLINUX
                           ? 0x80000000ULL
                           : (uint64_t)get32(cfg->image +
                                             HDR_INITRD_ADDR_MAX) + 1;
        if (max > top) {
            max = top;
        }
        uint64_t kend = out->kernel_addr + out->init_size;
        if (cfg->initrd_size > 0xffffffffULL || cfg->initrd_size > max ||
            ((max - cfg->initrd_size) & ~0xfffULL) < kend) {
            linux_direct_free(out);
            return error_set(err, errlen, "the initrd (%zu bytes) does not fit "
                                     "in RAM between the kernel and %#llx",
                        cfg->initrd_size, (unsigned long long)max);
        }
        out->initrd = cfg->initrd;
        out->initrd_size = (uint32_t)cfg->initrd_size;
        out->initrd_addr = (max - cfg->initrd_size) & ~0xfffULL;
    }

    out->cmdline = malloc(cmd_len + 1);
    if (out->entry64) {
        out->page_tables = malloc(LD_PT_SIZE);
    }
    if (!out->cmdline || (out->entry64 && !out->page_tables)) {
        linux_direct_free(out);
        return error_set(err, errlen, "out of memory");
    }
    memcpy(out->cmdline, cfg->cmdline ? cfg->cmdline : "", cmd_len + 1);
    out->cmdline_size = (uint32_t)cmd_len + 1;
    if (out->page_tables) {
        linux_direct_page_tables(out->page_tables, LD_PML4_ADDR);
    }
    build_boot_params(out, cfg, hdr_end);
    build_entry_state(out, entry);
    return 0;
}
