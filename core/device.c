/*
 * Devices: registration, reset, and the state stream (see device.h).
 *
 * A section is: "DEVS", name length (u16) and name, version (u32), field
 * count (u32), then per field: name length (u16) and name, element size
 * (u32), count (u32), and the elements, little endian.
 */
#include "core/device.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

Device *device_register(DeviceList *list, const DeviceInfo *info, void *s,
                        void *state)
{
    Device *d = calloc(1, sizeof(*d));
    assert(d);
    d->info = info;
    d->s = s;
    d->state = state;
    if (list->tail) {
        list->tail->next = d;
    } else {
        list->head = d;
    }
    list->tail = d;
    return d;
}

Device *device_find(DeviceList *list, const char *name)
{
    for (Device *d = list->head; d; d = d->next) {
        if (!strcmp(d->info->name, name)) {
            return d;
        }
    }
    return NULL;
}

void devices_reset(DeviceList *list, ResetKind kind)
{
    for (Device *d = list->head; d; d = d->next) {
        if (d->info->reset) {
            d->info->reset(d->s, kind);
        }
    }
}

static void destroy_from(Device *d)
{
    if (!d) {
        return;
    }
    destroy_from(d->next);
    if (d->info->destroy) {
        d->info->destroy(d->s);
    }
    free(d);
}

void devices_destroy(DeviceList *list)
{
    destroy_from(list->head);
    list->head = list->tail = NULL;
}

/* --- the byte stream --- */

void snapbuf_free(SnapBuf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static void put_bytes(SnapBuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) {
            cap *= 2;
        }
        b->data = realloc(b->data, cap);
        assert(b->data);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_le(SnapBuf *b, uint64_t v, unsigned size)
{
    uint8_t tmp[8];
    for (unsigned i = 0; i < size; i++) {
        tmp[i] = v >> (8 * i);
    }
    put_bytes(b, tmp, size);
}

static void put_str(SnapBuf *b, const char *s)
{
    size_t n = strlen(s);
    put_le(b, n, 2);
    put_bytes(b, s, n);
}

static int get_bytes(SnapBuf *b, void *p, size_t n)
{
    if (b->len - b->pos < n) {
        return -1;
    }
    memcpy(p, b->data + b->pos, n);
    b->pos += n;
    return 0;
}

static int get_le(SnapBuf *b, uint64_t *v, unsigned size)
{
    uint8_t tmp[8];
    if (get_bytes(b, tmp, size)) {
        return -1;
    }
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        *v |= (uint64_t)tmp[i] << (8 * i);
    }
    return 0;
}

/* Compare the next string in the stream with @s. */
static int expect_str(SnapBuf *b, const char *s)
{
    uint64_t n;
    if (get_le(b, &n, 2) || n != strlen(s) || b->len - b->pos < n ||
        memcmp(b->data + b->pos, s, n)) {
        return -1;
    }
    b->pos += n;
    return 0;
}

static bool is_scalar(uint32_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static uint64_t load_host(const uint8_t *p, uint32_t size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void store_host(uint8_t *p, uint64_t v, uint32_t size)
{
    switch (size) {
    case 1: *p = v; break;
    case 2: { uint16_t x = v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

int device_save(const Device *d, SnapBuf *out)
{
    const SnapField *f = d->info->fields;
    uint32_t nfields = 0;
    while (f && f[nfields].name) {
        nfields++;
    }
    put_bytes(out, "DEVS", 4);
    put_str(out, d->info->name);
    put_le(out, d->info->version, 4);
    put_le(out, nfields, 4);
    for (uint32_t i = 0; i < nfields; i++) {
        const uint8_t *base = (const uint8_t *)d->state + f[i].offset;
        put_str(out, f[i].name);
        put_le(out, f[i].size, 4);
        put_le(out, f[i].count, 4);
        for (uint32_t e = 0; e < f[i].count; e++) {
            const uint8_t *p = base + (size_t)e * f[i].size;
            if (is_scalar(f[i].size)) {
                put_le(out, load_host(p, f[i].size), f[i].size);
            } else {
                put_bytes(out, p, f[i].size);
            }
        }
    }
    return 0;
}

/* Walk one section, checking it matches @d; with @apply, copy it in. */
static int walk_section(Device *d, SnapBuf *in, bool apply)
{
    const SnapField *f = d->info->fields;
    uint8_t magic[4];
    uint64_t version, nfields, size, count, v;
    uint32_t expect = 0;
    while (f && f[expect].name) {
        expect++;
    }
    if (get_bytes(in, magic, 4) || memcmp(magic, "DEVS", 4) ||
        expect_str(in, d->info->name) || get_le(in, &version, 4) ||
        version != d->info->version || get_le(in, &nfields, 4) ||
        nfields != expect) {
        return -1;
    }
    for (uint32_t i = 0; i < expect; i++) {
        if (expect_str(in, f[i].name) || get_le(in, &size, 4) ||
            get_le(in, &count, 4) || size != f[i].size ||
            count != f[i].count) {
            return -1;
        }
        uint8_t *base = (uint8_t *)d->state + f[i].offset;
        for (uint32_t e = 0; e < count; e++) {
            uint8_t *p = base + (size_t)e * size;
            if (is_scalar(size)) {
                if (get_le(in, &v, size)) {
                    return -1;
                }
                if (apply) {
                    store_host(p, v, size);
                }
            } else if (apply) {
                if (get_bytes(in, p, size)) {
                    return -1;
                }
            } else if (in->len - in->pos < size) {
                return -1;
            } else {
                in->pos += size;
            }
        }
    }
    return 0;
}

int device_load(Device *d, SnapBuf *in)
{
    size_t start = in->pos;
    /* First a dry run, so a bad section leaves the device untouched. */
    if (walk_section(d, in, false)) {
        in->pos = start;
        return -1;
    }
    in->pos = start;
    walk_section(d, in, true);
    if (d->info->post_load && d->info->post_load(d->s)) {
        return -1;
    }
    return 0;
}
