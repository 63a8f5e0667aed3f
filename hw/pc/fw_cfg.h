/*
 * QEMU's firmware configuration interface (fw_cfg), as SeaBIOS reads it.
 *
 * Promise: a selector port (16-bit, at @base), a data port (8-bit, at
 * @base + 1) and a DMA address register (@dma_base: two big-endian dwords,
 * high then low; writing the low dword runs the transfer). Items are byte
 * strings under 16-bit keys; named files get keys from 0x20 up and are
 * listed in the big-endian directory at key 0x19. Reading past an item's
 * end, or from a key with no item, gives zeros. The guest only reads:
 * writes to items fail (the DMA error bit).
 *
 * DMA: the guest writes the address of a descriptor {be32 control, be32
 * length, be64 address}; control's bits select (with the key in the high
 * 16 bits), read, skip or write. Every guest range is checked before it is
 * touched (core/memory.h DMA helpers); a bad descriptor or data range
 * stops the transfer and sets the error bit, which the device writes back
 * into the control word (0 when all went well).
 */
#ifndef PCVM_HW_FW_CFG_H
#define PCVM_HW_FW_CFG_H

#include <stdint.h>

#include "core/machine.h"

#define FW_CFG_IO_BASE 0x510
#define FW_CFG_DMA_IO_BASE 0x514

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET (FW_CFG_ARCH_LOCAL + 4)

#define FW_CFG_MAX_FILES 128
#define FW_CFG_FILE_NAME_SIZE 56

/* FW_CFG_ID bits */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

typedef struct FwCfg FwCfg;

/* Creates the device with the signature and ID items. */
FwCfg *fw_cfg_new(Machine *m, uint16_t base, uint16_t dma_base);

/* Items (copied). Return 0, or -1 for a bad key or name. Adding an item
 * again replaces it. */
int fw_cfg_add_bytes(FwCfg *s, uint16_t key, const void *data, uint32_t len);
int fw_cfg_add_i16(FwCfg *s, uint16_t key, uint16_t value); /* LE */
int fw_cfg_add_i32(FwCfg *s, uint16_t key, uint32_t value);
int fw_cfg_add_i64(FwCfg *s, uint16_t key, uint64_t value);
int fw_cfg_add_string(FwCfg *s, uint16_t key, const char *str); /* + NUL */
int fw_cfg_add_file(FwCfg *s, const char *name, const void *data,
                    uint32_t len);
/* An item's bytes (for tests and the board), or NULL. */
const uint8_t *fw_cfg_find_file(FwCfg *s, const char *name, uint32_t *len);

#endif
