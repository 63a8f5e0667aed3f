/* -kernel through fw_cfg and pcvm's option ROMs: see pc_kernel.h. */
#include "hw/pc/pc_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "hw/pc/firmware.h"
#include "hw/pc/linux_boot.h"
#include "hw/pc/multiboot.h"

#define KERNEL_MAX_SIZE (512u << 20)
#define INITRD_MAX_SIZE (2048u << 20)
#define MAX_MODULES 16

/* Add pcvm's option ROM @name as genroms/@name, first in the boot order. */
static int add_boot_rom(Machine *m, FwCfg *fw, const char *name, char *err,
                        size_t errlen)
{
    char *path = firmware_find(m->cfg, name);
    char msg[256];
    uint8_t *rom;
    size_t size;
    if (!path) {
        return error_set(err, errlen, "-kernel: pcvm's option ROM %s is missing "
                                 "(build it with make, or give -L)", name);
    }
    int rc = firmware_read(path, 64 << 10, &rom, &size, msg, sizeof(msg));
    free(path);
    if (rc) {
        return error_set(err, errlen, "-kernel: %s", msg);
    }
    if (optionrom_finish(&rom, &size)) {
        free(rom);
        return error_set(err, errlen, "-kernel: %s is not an option ROM", name);
    }
    char file[FW_CFG_FILE_NAME_SIZE], order[FW_CFG_FILE_NAME_SIZE + 16];
    snprintf(file, sizeof(file), "genroms/%s", name);
    int len = snprintf(order, sizeof(order), "/rom@%s\n", file);
    rc = fw_cfg_add_file(fw, file, rom, (uint32_t)size) ||
         fw_cfg_add_file(fw, "bootorder", order, (uint32_t)len);
    free(rom);
    return rc ? error_set(err, errlen, "-kernel: cannot add the option ROM") : 0;
}

static int boot_linux(Machine *m, FwCfg *fw, const uint8_t *kernel,
                      size_t ksize, uint64_t low, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    uint8_t *initrd = NULL;
    size_t isize = 0;
    char msg[256];
    if (cfg->initrd) {
        if (strchr(cfg->initrd, ',')) {
            return error_set(err, errlen, "-initrd: several files are Multiboot "
                                     "modules; a Linux kernel takes one");
        }
        if (firmware_read(cfg->initrd, INITRD_MAX_SIZE, &initrd, &isize, msg,
                          sizeof(msg))) {
            return error_set(err, errlen, "-initrd %s", msg);
        }
    }
    LinuxBootImage li;
    if (linux_boot_prepare(kernel, ksize, initrd, isize, cfg->append, low,
                           &li, msg, sizeof(msg))) {
        free(initrd);
        return error_set(err, errlen, "-kernel %s: %s", cfg->kernel, msg);
    }
    fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR, li.setup_addr);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, li.setup_size);
    fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, li.setup, li.setup_size);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, li.kernel_addr);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, li.kernel_size);
    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, li.kernel, li.kernel_size);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, li.initrd_addr);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, li.initrd_size);
    if (li.initrd_size) {
        fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, li.initrd, li.initrd_size);
    }
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, li.cmdline_addr);
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, li.cmdline_size);
    fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_DATA, li.cmdline, li.cmdline_size);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_CMDLINE, li.cmdline_addr);
    linux_boot_free(&li);
    free(initrd);
    return add_boot_rom(m, fw, "linuxboot.bin", err, errlen);
}

static int boot_multiboot(Machine *m, FwCfg *fw, const uint8_t *kernel,
                          size_t ksize, uint64_t low, uint64_t high,
                          char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    MultibootModule mods[MAX_MODULES];
    uint8_t *data[MAX_MODULES];
    char *strs[MAX_MODULES];
    int nmods = 0, rc = 0;
    char msg[256];
    /* -initrd "file args,file args": each a module with its own string. */
    char *list = cfg->initrd ? strdup(cfg->initrd) : NULL;
    for (char *save, *mod = list ? strtok_r(list, ",", &save) : NULL;
         mod && !rc; mod = strtok_r(NULL, ",", &save)) {
        if (nmods == MAX_MODULES) {
            rc = error_set(err, errlen, "-initrd: at most %d modules", MAX_MODULES);
            break;
        }
        strs[nmods] = strdup(mod);
        char *space = strchr(mod, ' ');
        if (space) {
            *space = '\0';
        }
        size_t size;
        if (firmware_read(mod, INITRD_MAX_SIZE, &data[nmods], &size, msg,
                          sizeof(msg))) {
            free(strs[nmods]);
            rc = error_set(err, errlen, "-initrd %s", msg);
            break;
        }
        mods[nmods] = (MultibootModule){data[nmods], size, strs[nmods]};
        nmods++;
    }
    MultibootImage mb = {0};
    if (!rc) {
        char cmdline[4096];
        snprintf(cmdline, sizeof(cmdline), "%s%s%s", cfg->kernel,
                 cfg->append ? " " : "", cfg->append ? cfg->append : "");
        if (multiboot_prepare(kernel, ksize, mods, nmods, cmdline, low, high,
                              &mb, msg, sizeof(msg))) {
            rc = error_set(err, errlen, "-kernel %s: %s", cfg->kernel, msg);
        }
    }
    if (!rc) {
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, mb.blob_addr);
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, mb.blob_size);
        fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, mb.blob, mb.blob_size);
        fw_cfg_add_i32(fw, FW_CFG_KERNEL_ENTRY, mb.entry);
        fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, mb.mbi_addr);
        rc = add_boot_rom(m, fw, "multiboot.bin", err, errlen);
    }
    multiboot_free(&mb);
    for (int i = 0; i < nmods; i++) {
        free(data[i]);
        free(strs[i]);
    }
    free(list);
    return rc;
}

int pc_kernel_init(Machine *m, FwCfg *fw, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    uint8_t *kernel;
    size_t ksize;
    char msg[256];
    if (!cfg->kernel) {
        return 0;
    }
    if (firmware_read(cfg->kernel, KERNEL_MAX_SIZE, &kernel, &ksize, msg,
                      sizeof(msg))) {
        return error_set(err, errlen, "-kernel %s", msg);
    }
    int rc;
    /* A bzImage carries a Multiboot-looking magic nowhere; the boot
     * protocol header decides first, as QEMU does. */
    if (linux_boot_probe(kernel, ksize)) {
        rc = boot_linux(m, fw, kernel, ksize, ram_below_4g, err, errlen);
    } else if (multiboot_find_header(kernel, ksize) >= 0) {
        rc = boot_multiboot(m, fw, kernel, ksize, ram_below_4g, ram_above_4g,
                            err, errlen);
    } else {
        rc = error_set(err, errlen, "-kernel %s: neither a Linux bzImage nor a "
                               "Multiboot kernel", cfg->kernel);
    }
    free(kernel);
    return rc;
}
