/*
 * Booting a Linux bzImage the way PCs do it (Documentation/x86/boot.rst):
 * the firmware runs pcvm's option ROM (bios/linuxboot.asm), which copies
 * the real-mode setup code, the protected-mode kernel, the initrd and the
 * command line from fw_cfg to the addresses below and jumps to the setup
 * code.
 *
 * Promise: linux_boot_prepare() checks a kernel image (boot protocol 2.02
 * or later, loaded high) and splits it into those pieces, with the setup
 * header patched for the chosen addresses; every size and address is
 * checked against guest RAM, and a bad image gets one line in @err. It
 * touches no guest memory.
 */
#ifndef PCVM_HW_LINUX_BOOT_H
#define PCVM_HW_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define LINUX_SETUP_ADDR 0x10000u   /* real-mode setup code */
#define LINUX_CMDLINE_ADDR 0x20000u /* just above it, inside the heap */
#define LINUX_KERNEL_ADDR 0x100000u /* protected-mode code */
/* Kept free below the top of RAM for the firmware's ACPI tables. */
#define LINUX_ACPI_RESERVE (0x20000u + 0x8000u)

typedef struct LinuxBootImage {
    uint16_t protocol;      /* boot protocol version, e.g. 0x020f */
    uint8_t *setup;         /* real-mode part, header patched */
    uint32_t setup_size;
    uint32_t setup_addr;
    const uint8_t *kernel;  /* protected-mode part (points into the image) */
    uint32_t kernel_size;
    uint32_t kernel_addr;
    const uint8_t *initrd;
    uint32_t initrd_size;
    uint32_t initrd_addr;
    char *cmdline;          /* NUL-terminated */
    uint32_t cmdline_size;  /* including the NUL */
    uint32_t cmdline_addr;
} LinuxBootImage;

/* @image/@initrd stay owned by the caller and must outlive @out.
 * @ram_below_4g is the RAM size below the PCI hole. */
int linux_boot_prepare(const uint8_t *image, size_t image_size,
                       const uint8_t *initrd, size_t initrd_size,
                       const char *cmdline, uint64_t ram_below_4g,
                       LinuxBootImage *out, char *err, size_t errlen);
void linux_boot_free(LinuxBootImage *img);

/* Is this a Linux boot-protocol image ("HdrS" signature)? */
int linux_boot_probe(const uint8_t *image, size_t size);

#endif
