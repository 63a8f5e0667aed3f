/*
 * Booting Multiboot (version 1) kernels, as QEMU does for -kernel: hobby-OS
 * and teaching kernels are built that way.
 *
 * Promise: multiboot_prepare() finds the Multiboot header in the first
 * 8 KiB, loads the kernel (the a.out-kludge addresses, or the ELF32 PT_LOAD
 * segments) into one blob that also holds the modules (-initrd "file args,
 * file args", page aligned), the Multiboot information structure (memory
 * sizes, memory map, command lines, module list, loader name) and its
 * strings. pcvm's option ROM (bios/multiboot.asm) copies the blob to
 * blob_addr and enters entry in 32-bit protected mode with EAX = 0x2BADB002
 * and EBX = mbi_addr. Every address is checked against guest RAM.
 */
#ifndef PCVM_HW_MULTIBOOT_H
#define PCVM_HW_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u

typedef struct MultibootModule {
    const uint8_t *data;
    size_t size;
    const char *cmdline;  /* the module's string ("path args") */
} MultibootModule;

typedef struct MultibootImage {
    uint8_t *blob;        /* kernel, modules, MBI and strings */
    uint32_t blob_addr;
    uint32_t blob_size;
    uint32_t entry;
    uint32_t mbi_addr;
} MultibootImage;

/* Offset of a valid Multiboot header, or -1. */
long multiboot_find_header(const uint8_t *image, size_t size);

int multiboot_prepare(const uint8_t *image, size_t size,
                      const MultibootModule *mods, int nmods,
                      const char *cmdline, uint64_t ram_below_4g,
                      uint64_t ram_above_4g, MultibootImage *out, char *err,
                      size_t errlen);
void multiboot_free(MultibootImage *img);

#endif
