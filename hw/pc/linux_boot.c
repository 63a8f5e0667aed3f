/* Linux bzImage preparation: see linux_boot.h. */
#include "hw/pc/linux_boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Setup header offsets (boot.rst, "The real-mode kernel header"). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE 0x238
#define HDR_END 0x268

#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define LOADER_UNKNOWN 0xff

static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

int linux_boot_probe(const uint8_t *image, size_t size)
{
    return size >= HDR_END && !memcmp(image + HDR_HEADER, "HdrS", 4);
}

void linux_boot_free(LinuxBootImage *img)
{
    free(img->setup);
    free(img->cmdline);
    memset(img, 0, sizeof(*img));
}

int linux_boot_prepare(const uint8_t *image, size_t image_size,
                       const uint8_t *initrd, size_t initrd_size,
                       const char *cmdline, uint64_t ram_below_4g,
                       LinuxBootImage *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!linux_boot_probe(image, image_size)) {
        return error_set(err, errlen, "not a Linux kernel image (no boot-protocol "
                                 "header; multiboot kernels are detected "
                                 "separately)");
    }
    uint16_t protocol = get16(image + HDR_VERSION);
    if (protocol < 0x202) {
        return error_set(err, errlen, "boot protocol %u.%02u is too old (2.02 or "
                                 "later needed)", protocol >> 8,
                    protocol & 0xff);
    }
    if (!(image[HDR_LOADFLAGS] & LOADED_HIGH)) {
        return error_set(err, errlen, "a zImage (loaded low) is not supported; "
                                 "use a bzImage");
    }
    unsigned sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
    uint32_t setup_size = (sects + 1) * 512;
    if (setup_size >= image_size || setup_size > LINUX_CMDLINE_ADDR -
                                                     LINUX_SETUP_ADDR) {
        return error_set(err, errlen, "setup code of %u bytes does not fit",
                    setup_size);
    }
    uint32_t kernel_size = (uint32_t)(image_size - setup_size);
    if (image_size > 0xffffffffULL ||
        LINUX_KERNEL_ADDR + (uint64_t)kernel_size > ram_below_4g) {
        return error_set(err, errlen, "the kernel (%u bytes) does not fit in RAM "
                                 "at 1 MiB", kernel_size);
    }

    size_t cmd_len = cmdline ? strlen(cmdline) : 0;
    uint32_t cmd_max = protocol >= 0x206 ? get32(image + HDR_CMDLINE_SIZE)
                                         : 255;
    if (cmd_len > cmd_max) {
        return error_set(err, errlen, "the command line has %zu characters; this "
                                 "kernel takes at most %u", cmd_len, cmd_max);
    }
    if (cmd_len + 1 > 0x10000 - 0x200) {
        return error_set(err, errlen, "the command line is too long");
    }

    uint32_t initrd_addr = 0;
    if (initrd && initrd_size) {
        uint64_t max = protocol >= 0x203 ? get32(image + HDR_INITRD_ADDR_MAX)
                                         : 0x37ffffffu;
        uint64_t top = ram_below_4g > LINUX_ACPI_RESERVE
                           ? ram_below_4g - LINUX_ACPI_RESERVE - 1
                           : 0;
        if (max > top) {
            max = top;
        }
        uint64_t kernel_end = LINUX_KERNEL_ADDR + (uint64_t)kernel_size;
        if (initrd_size > max || ((max - initrd_size) & ~4095ULL) < kernel_end) {
            return error_set(err, errlen, "the initrd (%zu bytes) does not fit in "
                                     "RAM above the kernel", initrd_size);
        }
        initrd_addr = (uint32_t)((max - initrd_size) & ~4095ULL);
    }

    out->setup = malloc(setup_size);
    out->cmdline = malloc(cmd_len + 1);
    if (!out->setup || !out->cmdline) {
        linux_boot_free(out);
        return error_set(err, errlen, "out of memory");
    }
    memcpy(out->setup, image, setup_size);
    memcpy(out->cmdline, cmdline ? cmdline : "", cmd_len + 1);

    uint8_t *hdr = out->setup;
    hdr[HDR_TYPE_OF_LOADER] = LOADER_UNKNOWN;
    hdr[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    /* The heap ends where the command line starts (offset from the setup
     * base, minus the 0x200 the protocol subtracts). */
    put16(hdr + HDR_HEAP_END_PTR,
          (uint16_t)(LINUX_CMDLINE_ADDR - LINUX_SETUP_ADDR - 0x200));
    put32(hdr + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    put32(hdr + HDR_RAMDISK_IMAGE, initrd_addr);
    put32(hdr + HDR_RAMDISK_SIZE, initrd ? (uint32_t)initrd_size : 0);

    out->protocol = protocol;
    out->setup_size = setup_size;
    out->setup_addr = LINUX_SETUP_ADDR;
    out->kernel = image + setup_size;
    out->kernel_size = kernel_size;
    out->kernel_addr = LINUX_KERNEL_ADDR;
    out->initrd = initrd_size ? initrd : NULL;
    out->initrd_size = initrd ? (uint32_t)initrd_size : 0;
    out->initrd_addr = initrd_addr;
    out->cmdline_size = (uint32_t)cmd_len + 1;
    out->cmdline_addr = LINUX_CMDLINE_ADDR;
    return 0;
}
