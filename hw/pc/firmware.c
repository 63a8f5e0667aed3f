/* Firmware lookup and option ROM fix-ups: see firmware.h. */
#include "hw/pc/firmware.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char *try_path(const char *dir, const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        return NULL;
    }
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        return strdup(path);
    }
    return NULL;
}

char *firmware_find(const MachineConfig *cfg, const char *name)
{
    char *p;
    for (int i = 0; i < cfg->ndatadirs; i++) {
        if ((p = try_path(cfg->datadirs[i], name))) {
            return p;
        }
    }
    /* Next to the binary: build/pcvm finds build/bios/. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            char dir[PATH_MAX + 32];
            *slash = '\0';
            snprintf(dir, sizeof(dir), "%s/bios", exe);
            if ((p = try_path(dir, name))) {
                return p;
            }
            snprintf(dir, sizeof(dir), "%s/../share/pcvm", exe);
            if ((p = try_path(dir, name))) {
                return p;
            }
        }
    }
    static const char *const system_dirs[] = {
        CONFIG_PREFIX "/share/pcvm", "/usr/share/pcvm", "/usr/share/seabios",
        "/usr/share/qemu",
    };
    for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++) {
        if ((p = try_path(system_dirs[i], name))) {
            return p;
        }
    }
    return NULL;
}

int firmware_read(const char *path, size_t max_size, uint8_t **data,
                  size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (f) {
            fclose(f);
        }
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_size) {
        snprintf(err, errlen, "%s: not a regular file of at most %zu bytes",
                 path, max_size);
        fclose(f);
        return -1;
    }
    *size = (size_t)st.st_size;
    *data = malloc(*size ? *size : 1);
    if (!*data || fread(*data, 1, *size, f) != *size) {
        snprintf(err, errlen, "%s: read error", path);
        free(*data);
        *data = NULL;
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

int optionrom_finish(uint8_t **rom, size_t *size)
{
    if (*size < 512 || (*rom)[0] != 0x55 || (*rom)[1] != 0xaa ||
        *size > 255 * 512) {
        return -1;
    }
    size_t padded = (*size + 511) & ~(size_t)511;
    if (padded != *size) {
        uint8_t *p = realloc(*rom, padded);
        if (!p) {
            return -1;
        }
        memset(p + *size, 0, padded - *size);
        *rom = p;
        *size = padded;
    }
    uint8_t *r = *rom;
    r[2] = (uint8_t)(padded / 512);
    uint8_t sum = 0;
    r[padded - 1] = 0;
    for (size_t i = 0; i < padded; i++) {
        sum += r[i];
    }
    r[padded - 1] = (uint8_t)-sum;
    return 0;
}
