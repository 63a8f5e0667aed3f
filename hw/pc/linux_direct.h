/*
 * Booting a Linux bzImage with no firmware, the way microVMs do
 * (Documentation/arch/x86/boot.rst, "32-bit boot protocol" and "64-bit
 * boot protocol"): pcvm lays the protected-mode kernel, the initrd, the
 * command line and struct boot_params (the "zero page", with the memory
 * map and the ACPI RSDP address) out in guest RAM itself and starts the
 * boot CPU at the kernel's 32-bit entry (flat protected mode, paging off)
 * or, for a 64-bit kernel (XLF_KERNEL_64), at its 64-bit entry (long mode
 * on identity-mapped page tables covering the first 4 GiB with 2 MiB
 * pages).
 *
 * Fixed guest addresses, all in low RAM the kernel may reuse once it runs:
 *   0x00500  GDT: 0x10 flat code (64-bit for the 64-bit entry), 0x18 flat
 *            data, 0x20 a busy TSS (base 0) so TR is valid for KVM
 *   0x07000  boot_params (4 KiB); the stack pointer starts just below it
 *   0x09000  PML4, 0x0a000 PDPT, 0x0b000-0x0efff four page directories
 *   0x20000  the command line
 *
 * The kernel comes in one of three forms:
 *  - a bzImage, entered as above: its protected-mode part goes to its
 *    preferred address (pref_address) when it is relocatable and that
 *    leaves room for init_size below @load_top, else to 1 MiB, and the
 *    kernel's decompressor runs in the guest;
 *  - a bzImage whose payload pcvm unpacks itself (@unpack; gzip, or xz
 *    with liblzma: kernel_unpack.h): the vmlinux inside is loaded as
 *    below, with the bzImage's setup header in boot_params. The guest
 *    skips the decompressor (and with it KASLR). A payload pcvm cannot
 *    unpack leaves the kernel to decompress itself;
 *  - an ELF vmlinux (kernel_elf.h), as Firecracker boots: its PT_LOAD
 *    segments go to their physical addresses and the CPU starts at its
 *    entry point, in the same mode as above (32-bit for ELF32, 64-bit for
 *    ELF64); boot_params gets a setup header pcvm writes (protocol 2.15,
 *    a 2047-character command line at most).
 * The initrd goes page-aligned as high as initrd_addr_max and @load_top
 * allow, above the kernel (init_size for a bzImage).
 *
 * Promise: linux_direct_prepare() checks the image (a bzImage with boot
 * protocol 2.06 or later, or an x86 ELF vmlinux), chooses the addresses
 * and builds every piece with its guest address, plus the boot CPU's
 * state; it touches no guest memory, so the board copies the pieces (and
 * can again after a reset). Every address and size is checked against
 * @load_top; a bad image or a layout that does not fit gets one line in
 * @err.
 */
#ifndef PCVM_HW_LINUX_DIRECT_H
#define PCVM_HW_LINUX_DIRECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vcpu.h"
#include "hw/pc/e820.h"
#include "hw/pc/kernel_elf.h"

#define LD_GDT_ADDR 0x500u
#define LD_BOOT_PARAMS_ADDR 0x7000u
#define LD_STACK_TOP 0x7000u
#define LD_PML4_ADDR 0x9000u
#define LD_PT_SIZE 0x6000u           /* PML4, PDPT, 4 PDs */
#define LD_CMDLINE_ADDR 0x20000u
#define LD_CMDLINE_MAX 0x10000u      /* including the NUL */
#define LD_KERNEL_ADDR 0x100000u     /* the default for a bzImage */
#define LD_VMLINUX_CMDLINE_MAX 2047  /* the kernel's COMMAND_LINE_SIZE - 1 */
#define LD_UNPACK_MAX (1024u << 20)  /* the largest vmlinux pcvm unpacks */
#define LD_BOOT_CS 0x10
#define LD_BOOT_DS 0x18
#define LD_BOOT_TSS 0x20
#define LD_GDT_ENTRIES 6             /* the 64-bit TSS takes two */

/* boot_params offsets (zero-page.rst) and setup header fields (boot.rst) */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR 0x1f1
#define BP_HDR_MAX_END 0x290
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define BP_SIZE 0x1000
#define HDR_SETUP_SECTS 0x1f1
#define HDR_JUMP 0x200
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_PAYLOAD_OFFSET 0x248
#define HDR_PAYLOAD_LENGTH 0x24c
#define HDR_INIT_SIZE 0x260
#define HDR_BOOT_FLAG 0x1fe

#define LOADFLAG_LOADED_HIGH 0x01
#define LOADFLAG_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 0x0001
#define LD_LOADER_TYPE 0xff          /* "undefined" boot loader */

typedef struct LinuxDirectConfig {
    const uint8_t *image;
    size_t image_size;
    const uint8_t *initrd;     /* NULL: none */
    size_t initrd_size;
    const char *cmdline;       /* NULL: empty */
    const E820Table *e820;     /* the memory map the kernel gets */
    uint64_t acpi_rsdp;        /* the RSDP's address, 0 for none */
    /* The kernel, its init_size and the initrd stay below this (the end
     * of the RAM below 4 GiB, less what the board keeps for itself). */
    uint64_t load_top;
    bool unpack;               /* unpack a bzImage's payload on the host */
} LinuxDirectConfig;

typedef enum LinuxDirectForm {
    LD_BZIMAGE,                /* the kernel decompresses itself */
    LD_UNPACKED,               /* a bzImage's vmlinux, unpacked by pcvm */
    LD_VMLINUX,                /* an ELF vmlinux given as such */
} LinuxDirectForm;

/* Bytes to copy to guest RAM, then zeroes up to @size. */
typedef struct LinuxDirectPiece {
    uint64_t addr;
    const uint8_t *data;
    uint64_t len;
    uint64_t size;
} LinuxDirectPiece;

typedef struct LinuxDirect {
    LinuxDirectForm form;
    uint16_t protocol;         /* of the header in boot_params */
    bool entry64;              /* the 64-bit entry, in long mode */
    /* The kernel: one piece for a bzImage (its protected-mode part, in the
     * image), the PT_LOAD segments of a vmlinux. */
    LinuxDirectPiece kernel[KERNEL_ELF_MAX_SEGS];
    int nkernel;
    uint64_t kernel_addr;      /* the lowest piece */
    uint64_t init_size;        /* what the kernel needs from kernel_addr */
    uint8_t *unpacked;         /* the vmlinux pcvm unpacked (owned) */
    char unpack_err[160];      /* why an @unpack did not happen */
    const uint8_t *initrd;
    uint32_t initrd_size;
    uint64_t initrd_addr;
    char *cmdline;             /* NUL-terminated, cmdline_size with it */
    uint32_t cmdline_size;
    uint8_t boot_params[BP_SIZE];
    uint8_t gdt[LD_GDT_ENTRIES * 8];
    uint8_t *page_tables;      /* LD_PT_SIZE bytes at LD_PML4_ADDR, or
                                * NULL for the 32-bit entry */
    VcpuBootState cpu;         /* the boot CPU at the entry point */
} LinuxDirect;

int linux_direct_prepare(const LinuxDirectConfig *cfg, LinuxDirect *out,
                         char *err, size_t errlen);
void linux_direct_free(LinuxDirect *ld);

/* An ELF file rather than a bzImage? */
bool linux_direct_is_vmlinux(const uint8_t *image, size_t size);

/* The identity map: @pt gets LD_PT_SIZE bytes of page tables to be placed
 * at @base (PML4, PDPT, then four page directories of 2 MiB pages for the
 * first 4 GiB). */
void linux_direct_page_tables(uint8_t *pt, uint64_t base);

#endif
