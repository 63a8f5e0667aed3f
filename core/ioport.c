/*
 * The I/O port bus: see ioport.h.
 *
 * A 64 Ki-entry table maps each port to the index of the range that claims
 * it (0 = nobody), so dispatch is one load. The table is rebuilt when a
 * range is added, moved or removed, which only firmware and drivers do.
 */
#include "core/ioport.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define IOBUS_MAX_REGIONS 0xffff

struct IoRegion {
    char *name;
    uint32_t base;
    uint32_t len;
    bool enabled;
    const MemOps *ops;
    void *opaque;
};

struct IoBus {
    Log *log;
    uint16_t owner[IOPORT_COUNT]; /* region index + 1, or 0 */
    IoRegion **regions;
    int nregions;
    int cap;
    unsigned overlap_errors; /* rate limit for guest-made overlaps */
};

IoBus *iobus_new(Log *log)
{
    IoBus *bus = calloc(1, sizeof(*bus));
    if (bus) {
        bus->log = log;
    }
    return bus;
}

void iobus_free(IoBus *bus)
{
    if (!bus) {
        return;
    }
    for (int i = 0; i < bus->nregions; i++) {
        if (bus->regions[i]) {
            free(bus->regions[i]->name);
            free(bus->regions[i]);
        }
    }
    free(bus->regions);
    free(bus);
}

static int region_index(IoBus *bus, IoRegion *r)
{
    for (int i = 0; i < bus->nregions; i++) {
        if (bus->regions[i] == r) {
            return i;
        }
    }
    return -1;
}

static bool range_free(IoBus *bus, uint32_t base, uint32_t len, IoRegion *self)
{
    for (uint32_t p = base; p < base + len; p++) {
        uint16_t o = bus->owner[p];
        if (o && bus->regions[o - 1] != self) {
            return false;
        }
    }
    return true;
}

static void claim(IoBus *bus, IoRegion *r, int index)
{
    for (uint32_t p = r->base; p < r->base + r->len; p++) {
        bus->owner[p] = index + 1;
    }
}

static void unclaim(IoBus *bus, IoRegion *r)
{
    for (uint32_t p = r->base; p < r->base + r->len; p++) {
        if (bus->owner[p] && bus->regions[bus->owner[p] - 1] == r) {
            bus->owner[p] = 0;
        }
    }
}

IoRegion *iobus_register(IoBus *bus, const char *name, uint16_t base,
                         uint32_t len, const MemOps *ops, void *opaque)
{
    if (len == 0 || base + len > IOPORT_COUNT) {
        log_error(bus->log, "ioport range '%s' %#x+%#x is outside the port "
                            "space", name, base, len);
        return NULL;
    }
    if (!range_free(bus, base, len, NULL)) {
        const char *other = NULL;
        for (uint32_t p = base; p < base + len && !other; p++) {
            other = iobus_owner(bus, (uint16_t)p);
        }
        log_error(bus->log, "ioport range '%s' %#x+%#x overlaps '%s'", name,
                  base, len, other);
        return NULL;
    }
    int index = -1;
    for (int i = 0; i < bus->nregions; i++) {
        if (!bus->regions[i]) {
            index = i;
            break;
        }
    }
    if (index < 0) {
        if (bus->nregions >= IOBUS_MAX_REGIONS) {
            return NULL;
        }
        if (bus->nregions == bus->cap) {
            bus->cap = bus->cap ? bus->cap * 2 : 32;
            bus->regions = realloc(bus->regions,
                                   bus->cap * sizeof(*bus->regions));
            assert(bus->regions);
        }
        index = bus->nregions++;
    }
    IoRegion *r = calloc(1, sizeof(*r));
    assert(r);
    r->name = strdup(name);
    r->base = base;
    r->len = len;
    r->enabled = true;
    r->ops = ops;
    r->opaque = opaque;
    bus->regions[index] = r;
    claim(bus, r, index);
    return r;
}

void iobus_unregister(IoBus *bus, IoRegion *r)
{
    int index = region_index(bus, r);
    if (index < 0) {
        return;
    }
    unclaim(bus, r);
    bus->regions[index] = NULL;
    free(r->name);
    free(r);
}

int iobus_move(IoBus *bus, IoRegion *r, uint32_t base)
{
    int index = region_index(bus, r);
    if (index < 0 || base + r->len > IOPORT_COUNT) {
        return -1;
    }
    if (r->enabled && !range_free(bus, base, r->len, r)) {
        return -1;
    }
    if (r->enabled) {
        unclaim(bus, r);
    }
    r->base = base;
    if (r->enabled) {
        claim(bus, r, index);
    }
    return 0;
}

void iobus_set_enabled(IoBus *bus, IoRegion *r, bool enabled)
{
    int index = region_index(bus, r);
    if (index < 0 || r->enabled == enabled) {
        return;
    }
    if (enabled) {
        if (!range_free(bus, r->base, r->len, r)) {
            log_guest(bus->log, LOG_GUEST_ERROR, &bus->overlap_errors,
                      "ioport range '%s' %#x enabled over another range",
                      r->name, r->base);
            return;
        }
        claim(bus, r, index);
    } else {
        unclaim(bus, r);
    }
    r->enabled = enabled;
}

const char *iobus_owner(IoBus *bus, uint16_t port)
{
    uint16_t o = bus->owner[port];
    return o ? bus->regions[o - 1]->name : NULL;
}

static uint32_t size_mask32(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* One access wholly inside region @r, in sizes the device declared. */
static uint32_t region_read(IoRegion *r, uint32_t off, unsigned size)
{
    return (uint32_t)memops_read(r->ops, r->opaque, off, size, 4);
}

static void region_write(IoRegion *r, uint32_t off, uint32_t v, unsigned size)
{
    memops_write(r->ops, r->opaque, off, v, size, 4);
}

/* The region that claims all of [port, port+size), or NULL. */
static IoRegion *whole_owner(IoBus *bus, uint16_t port, unsigned size)
{
    uint16_t o = bus->owner[port];
    if (!o) {
        return NULL;
    }
    IoRegion *r = bus->regions[o - 1];
    return port + size <= r->base + r->len ? r : NULL;
}

/* Is any byte of [port, port+size) claimed? (wraps at 64 KiB) */
static bool any_owned(IoBus *bus, uint16_t port, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        if (bus->owner[(uint16_t)(port + i)]) {
            return true;
        }
    }
    return false;
}

uint32_t iobus_read(IoBus *bus, uint16_t port, unsigned size)
{
    uint32_t v;
    IoRegion *r = whole_owner(bus, port, size);
    if (r) {
        v = region_read(r, port - r->base, size);
    } else if (size > 1 && any_owned(bus, port, size)) {
        /* Straddles ranges: each byte from its own owner. */
        v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= iobus_read(bus, (uint16_t)(port + i), 1) << (8 * i);
        }
        return v;
    } else {
        v = size_mask32(size);
        TRACE(bus->log, LOG_UNASSIGNED, "unassigned in%u port %#x",
              size * 8, port);
    }
    TRACE(bus->log, LOG_IOPORT, "in%u  %#06x -> %#x (%s)", size * 8, port, v,
          r ? r->name : "-");
    return v;
}

void iobus_write(IoBus *bus, uint16_t port, uint32_t value, unsigned size)
{
    IoRegion *r = whole_owner(bus, port, size);
    TRACE(bus->log, LOG_IOPORT, "out%u %#06x <- %#x (%s)", size * 8, port,
          value & size_mask32(size), r ? r->name : "-");
    if (r) {
        region_write(r, port - r->base, value, size);
    } else if (size > 1 && any_owned(bus, port, size)) {
        for (unsigned i = 0; i < size; i++) {
            iobus_write(bus, (uint16_t)(port + i), value >> (8 * i), 1);
        }
    } else {
        TRACE(bus->log, LOG_UNASSIGNED, "unassigned out%u port %#x = %#x",
              size * 8, port, value);
    }
}
