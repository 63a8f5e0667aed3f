/* fw_cfg: see fw_cfg.h. */
#include "hw/pc/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

#define FW_CFG_ENTRY_MASK 0x3fff
#define FW_CFG_MAX_ENTRY (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)
#define FW_CFG_INVALID 0xffff
#define DMA_CHUNK 4096
#define DIR_ENTRY_SIZE (4 + 2 + 2 + FW_CFG_FILE_NAME_SIZE)

typedef struct FwCfgEntry {
    uint8_t *data;
    uint32_t len;
} FwCfgEntry;

typedef struct FwCfgFile {
    char name[FW_CFG_FILE_NAME_SIZE];
    uint16_t key;
} FwCfgFile;

/* Migratable: where the guest is reading. The items are the board's
 * configuration, rebuilt at start. */
typedef struct FwCfgState {
    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr;
} FwCfgState;

struct FwCfg {
    Machine *m;
    FwCfgEntry entries[2][FW_CFG_MAX_ENTRY];
    FwCfgFile files[FW_CFG_MAX_FILES];
    int nfiles;
    unsigned guest_errors;
    FwCfgState st;
};

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = v >> (8 * (n - 1 - i));
    }
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
           (v << 24);
}

static FwCfgEntry *entry_for(FwCfg *s, uint16_t key)
{
    if (key == FW_CFG_INVALID) {
        return NULL;
    }
    unsigned index = key & FW_CFG_ENTRY_MASK;
    if (index >= FW_CFG_MAX_ENTRY) {
        return NULL;
    }
    return &s->entries[(key & FW_CFG_ARCH_LOCAL) ? 1 : 0][index];
}

int fw_cfg_add_bytes(FwCfg *s, uint16_t key, const void *data, uint32_t len)
{
    FwCfgEntry *e = entry_for(s, key);
    if (!e || (key & FW_CFG_WRITE_CHANNEL)) {
        return -1;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        return -1;
    }
    if (len) {
        memcpy(copy, data, len);
    }
    free(e->data);
    e->data = copy;
    e->len = len;
    return 0;
}

int fw_cfg_add_i16(FwCfg *s, uint16_t key, uint16_t value)
{
    uint8_t b[2] = {value, value >> 8};
    return fw_cfg_add_bytes(s, key, b, 2);
}

int fw_cfg_add_i32(FwCfg *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++) {
        b[i] = value >> (8 * i);
    }
    return fw_cfg_add_bytes(s, key, b, 4);
}

int fw_cfg_add_i64(FwCfg *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = value >> (8 * i);
    }
    return fw_cfg_add_bytes(s, key, b, 8);
}

int fw_cfg_add_string(FwCfg *s, uint16_t key, const char *str)
{
    return fw_cfg_add_bytes(s, key, str, (uint32_t)strlen(str) + 1);
}

static void fw_cfg_update_dir(FwCfg *s)
{
    uint32_t len = 4 + (uint32_t)s->nfiles * DIR_ENTRY_SIZE;
    uint8_t *dir = calloc(1, len);
    if (!dir) {
        return;
    }
    put_be(dir, s->nfiles, 4);
    for (int i = 0; i < s->nfiles; i++) {
        uint8_t *p = dir + 4 + i * DIR_ENTRY_SIZE;
        FwCfgEntry *e = entry_for(s, s->files[i].key);
        put_be(p, e->len, 4);
        put_be(p + 4, s->files[i].key, 2);
        memcpy(p + 8, s->files[i].name, FW_CFG_FILE_NAME_SIZE);
    }
    fw_cfg_add_bytes(s, FW_CFG_FILE_DIR, dir, len);
    free(dir);
}

int fw_cfg_add_file(FwCfg *s, const char *name, const void *data,
                    uint32_t len)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FW_CFG_FILE_NAME_SIZE) {
        return -1;
    }
    int i;
    for (i = 0; i < s->nfiles; i++) {
        if (!strcmp(s->files[i].name, name)) {
            break;
        }
    }
    if (i == s->nfiles) {
        if (s->nfiles == FW_CFG_MAX_FILES) {
            return -1;
        }
        memset(s->files[i].name, 0, FW_CFG_FILE_NAME_SIZE);
        memcpy(s->files[i].name, name, n);
        s->files[i].key = FW_CFG_FILE_FIRST + i;
        s->nfiles++;
    }
    if (fw_cfg_add_bytes(s, s->files[i].key, data, len)) {
        return -1;
    }
    fw_cfg_update_dir(s);
    return 0;
}

const uint8_t *fw_cfg_find_file(FwCfg *s, const char *name, uint32_t *len)
{
    for (int i = 0; i < s->nfiles; i++) {
        if (!strcmp(s->files[i].name, name)) {
            FwCfgEntry *e = entry_for(s, s->files[i].key);
            *len = e->len;
            return e->data;
        }
    }
    return NULL;
}

/* --- the port interface --- */

static void fw_cfg_select(FwCfg *s, uint16_t key)
{
    s->st.cur_key = key;
    s->st.cur_offset = 0;
}

static uint8_t fw_cfg_read_byte(FwCfg *s)
{
    FwCfgEntry *e = entry_for(s, s->st.cur_key);
    if (!e || !e->data || s->st.cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->st.cur_offset++];
}

static uint64_t fw_cfg_port_read(void *opaque, uint64_t offset, unsigned size)
{
    FwCfg *s = opaque;
    if (offset == 1 && size == 1) {
        return fw_cfg_read_byte(s);
    }
    return 0;
}

static void fw_cfg_port_write(void *opaque, uint64_t offset, uint64_t value,
                              unsigned size)
{
    FwCfg *s = opaque;
    if (offset == 0) {
        /* A byte write selects too (only the low byte is then set). */
        fw_cfg_select(s, size == 1 ? (uint8_t)value : (uint16_t)value);
    }
    /* Data port writes are ignored, as in current QEMU. */
}

static const MemOps fw_cfg_port_ops = {
    .read = fw_cfg_port_read,
    .write = fw_cfg_port_write,
    .min_size = 1,
    .max_size = 2,
};

/* --- DMA --- */

/* Run the descriptor at s->st.dma_addr. */
static void fw_cfg_dma_run(FwCfg *s)
{
    AddressSpace *as = s->m->as;
    uint64_t desc = s->st.dma_addr;
    uint8_t raw[16];
    s->st.dma_addr = 0;
    if (as_dma_read(as, desc, raw, sizeof(raw))) {
        log_guest(&s->m->log, LOG_GUEST_ERROR, &s->guest_errors,
                  "fw_cfg: DMA descriptor at %#llx is not in RAM",
                  (unsigned long long)desc);
        return;
    }
    uint32_t control = (uint32_t)get_be(raw, 4);
    uint32_t length = (uint32_t)get_be(raw + 4, 4);
    uint64_t addr = get_be(raw + 8, 8);
    uint32_t result = 0;
    bool read = false, write = false;

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        read = true;
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        write = true;
    } else if (!(control & FW_CFG_DMA_CTL_SKIP)) {
        length = 0;
    }

    FwCfgEntry *e = entry_for(s, s->st.cur_key);
    static const uint8_t zeros[DMA_CHUNK];
    while (length > 0) {
        uint32_t avail = 0;
        if (e && e->data && s->st.cur_offset < e->len) {
            avail = e->len - s->st.cur_offset;
        }
        if (write) {
            /* Nothing here is writable by the guest. */
            result = FW_CFG_DMA_CTL_ERROR;
            break;
        }
        /* Reads go out a chunk at a time; a skip moves in one step. */
        uint32_t n = read && length > DMA_CHUNK ? DMA_CHUNK : length;
        if (avail) {
            n = n < avail ? n : avail;
        }
        if (read) {
            const void *src = avail ? e->data + s->st.cur_offset : zeros;
            if (as_dma_write(as, addr, src, n)) {
                log_guest(&s->m->log, LOG_GUEST_ERROR, &s->guest_errors,
                          "fw_cfg: DMA to %#llx+%u is not RAM",
                          (unsigned long long)addr, n);
                result = FW_CFG_DMA_CTL_ERROR;
                break;
            }
        }
        if (avail) {
            s->st.cur_offset += n;
        }
        addr += n;
        length -= n;
    }
    uint8_t ctl[4];
    put_be(ctl, result, 4);
    as_dma_write(as, desc, ctl, 4);
}

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
    /* "QEMU CFG", big endian, as the DMA register's signature. */
    return offset == 0 ? bswap32(0x51454d55) : bswap32(0x20434647);
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint64_t value,
                             unsigned size)
{
    FwCfg *s = opaque;
    uint64_t part = bswap32((uint32_t)value);
    if (offset == 0) {
        s->st.dma_addr = part << 32 | (s->st.dma_addr & 0xffffffffULL);
    } else {
        s->st.dma_addr = (s->st.dma_addr & ~0xffffffffULL) | part;
        fw_cfg_dma_run(s);
    }
}

static const MemOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .min_size = 4,
    .max_size = 4,
};

/* --- device --- */

static void fw_cfg_reset(void *opaque, ResetKind kind)
{
    FwCfg *s = opaque;
    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->st.dma_addr = 0;
}

static void fw_cfg_destroy(void *opaque)
{
    FwCfg *s = opaque;
    for (int a = 0; a < 2; a++) {
        for (int i = 0; i < FW_CFG_MAX_ENTRY; i++) {
            free(s->entries[a][i].data);
        }
    }
    free(s);
}

static const SnapField fw_cfg_fields[] = {
    SNAP_FIELD(FwCfgState, cur_key),
    SNAP_FIELD(FwCfgState, cur_offset),
    SNAP_FIELD(FwCfgState, dma_addr),
    SNAP_END,
};

static const DeviceInfo fw_cfg_info = {
    .name = "fw_cfg",
    .version = 1,
    .fields = fw_cfg_fields,
    .reset = fw_cfg_reset,
    .destroy = fw_cfg_destroy,
};

FwCfg *fw_cfg_new(Machine *m, uint16_t base, uint16_t dma_base)
{
    FwCfg *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    device_register(&m->devices, &fw_cfg_info, s, &s->st);
    if (!iobus_register(m->io, "fw_cfg", base, 2, &fw_cfg_port_ops, s) ||
        !iobus_register(m->io, "fw_cfg-dma", dma_base, 8, &fw_cfg_dma_ops,
                        s)) {
        return NULL;
    }
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_update_dir(s);
    fw_cfg_reset(s, RESET_COLD);
    return s;
}
