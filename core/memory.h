/*
 * Guest physical address space.
 *
 * Promise: the space is a set of regions - RAM, ROM, MMIO (device ops) and
 * aliases into other regions - each with a priority. Where enabled regions
 * overlap, the higher priority wins; adding a region that overlaps another
 * enabled one of the same priority is refused (a board bug). Moving or
 * enabling regions at run time (PAM, PCI BARs, both guest-controlled) may
 * create such overlaps; then the region added last wins, deterministically.
 *
 * RAM and ROM are backed by one mmap'ed host block per region, so KVM can map
 * it as a memory slot. Unassigned reads return all ones; unassigned writes and
 * writes to ROM are dropped (traced under LOG_UNASSIGNED).
 *
 * as_lookup() gives the CPU, per address, a host pointer for RAM/ROM or the
 * region and offset for MMIO. The DMA helpers copy between host buffers and
 * guest RAM and refuse, before touching anything, a transfer in which any
 * byte is not RAM (or ROM, for reads).
 *
 * Dirty tracking: each RAM region keeps a dirty bit per page and client
 * (code, VGA, migration). Every write path marks pages dirty; the CPU may
 * write a page through its host pointer only while as_page_write_fast() says
 * no client watches it. A client that clears a page's bit starts watching it:
 * its write hook is called on the next write, and the listeners are told so
 * they can drop fast-write mappings (CPU TLBs).
 */
#ifndef PCVM_MEMORY_H
#define PCVM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/log.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Device callbacks. @offset is relative to the region's start. Accesses
 * outside [min_size, max_size] are split (or widened) by the bus, little
 * endian, so a device sees only sizes it declared. 0 means 1 and 8. */
typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value,
                  unsigned size);
    unsigned min_size;
    unsigned max_size;
} MemOps;

/* Dispatch one access to @ops in the sizes it declared: wider accesses are
 * split, narrower ones widened (reads extract, writes are zero-extended),
 * little endian. @default_max stands for max_size 0 (8 for memory, 4 for
 * ports). Shared by the address space and the port bus. */
uint64_t memops_read(const MemOps *ops, void *opaque, uint64_t offset,
                     unsigned size, unsigned default_max);
void memops_write(const MemOps *ops, void *opaque, uint64_t offset,
                  uint64_t value, unsigned size, unsigned default_max);

typedef enum MemRegionKind {
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
} MemRegionKind;

typedef enum DirtyClient {
    DIRTY_CODE,      /* translated code lives on the page */
    DIRTY_VGA,       /* the display redraws what changed */
    DIRTY_MIGRATION, /* snapshot / migration */
    DIRTY_CLIENT_COUNT
} DirtyClient;

typedef struct AddressSpace AddressSpace;
typedef struct MemRegion MemRegion;

/* Told of changes that invalidate cached translations (CPU TLBs,
 * tcg-lite blocks, KVM memory slots). */
typedef struct AsListener {
    /* The map changed (regions added, moved, enabled, disabled). */
    void (*map_changed)(void *opaque, AddressSpace *as);
    /* Writes to [pa, pa+len) must now take the slow path. */
    void (*write_watch)(void *opaque, uint64_t pa, uint64_t len);
} AsListener;

/* Called when a watched page is written (client's bit was clean). @pa is
 * the first byte written. */
typedef void DirtyHook(void *opaque, MemRegion *ram, uint64_t offset,
                       uint64_t len);

AddressSpace *as_new(Log *log, const char *name);
void as_free(AddressSpace *as);

MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base,
                      uint64_t size, int prio);
MemRegion *as_add_rom(AddressSpace *as, const char *name, uint64_t base,
                      uint64_t size, int prio);
MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base,
                     uint64_t size, const MemOps *ops, void *opaque,
                     int prio);
MemRegion *as_add_alias(AddressSpace *as, const char *name, uint64_t base,
                        uint64_t size, MemRegion *target,
                        uint64_t target_offset, int prio);

void mr_set_enabled(MemRegion *mr, bool enabled);
void mr_move(MemRegion *mr, uint64_t base);
/* RAM and aliases of RAM: drop guest writes (PAM read-only shadow). */
void mr_set_readonly(MemRegion *mr, bool readonly);
bool mr_enabled(const MemRegion *mr);
uint64_t mr_base(const MemRegion *mr);
uint64_t mr_size(const MemRegion *mr);
MemRegionKind mr_kind(const MemRegion *mr);
const char *mr_name(const MemRegion *mr);
/* Host backing of a RAM or ROM region (loaders write ROM through it). */
uint8_t *mr_host(MemRegion *mr);

/* Incremented on every map change. */
uint64_t as_generation(const AddressSpace *as);
void as_add_listener(AddressSpace *as, const AsListener *l, void *opaque);
void as_remove_listener(AddressSpace *as, const AsListener *l, void *opaque);

/* What one address resolves to: a stretch of the flattened map. */
typedef struct MemLookup {
    uint8_t *host;      /* RAM/ROM: host pointer for the address; else NULL */
    MemRegion *mr;      /* the backing region (RAM/ROM/IO); NULL: unassigned */
    uint64_t offset;    /* offset of the address within mr */
    uint64_t len;       /* bytes from the address to the end of the stretch */
    bool readonly;      /* ROM, or RAM mapped read-only */
} MemLookup;

/* Always fills @out; returns false for unassigned addresses (then
 * out->len says how far the hole reaches). */
bool as_lookup(AddressSpace *as, uint64_t pa, MemLookup *out);

/* Slow-path accesses of 1, 2, 4 or 8 bytes (little endian), dispatching to
 * MMIO, honouring ROM and read-only mappings, marking RAM dirty. */
uint64_t as_read(AddressSpace *as, uint64_t pa, unsigned size);
void as_write(AddressSpace *as, uint64_t pa, uint64_t value, unsigned size);
/* Byte-stream access of any length through the same path (KVM MMIO exits,
 * debuggers). */
void as_rw(AddressSpace *as, uint64_t pa, void *buf, uint64_t len,
           bool is_write);

/* DMA: all or nothing; returns 0, or -1 when any byte is outside RAM (or
 * outside RAM/ROM for reads) or the range wraps. Writes mark pages dirty. */
int as_dma_read(AddressSpace *as, uint64_t pa, void *buf, uint64_t len);
int as_dma_write(AddressSpace *as, uint64_t pa, const void *buf,
                 uint64_t len);
/* A host pointer for [pa, pa+len) when it lies in one RAM stretch, or NULL.
 * A caller that writes through it must call as_dma_mark_dirty(). */
void *as_dma_map(AddressSpace *as, uint64_t pa, uint64_t len, bool write);
void as_dma_mark_dirty(AddressSpace *as, uint64_t pa, uint64_t len);

/* Dirty tracking (RAM regions only; offsets within the region). */
void mr_dirty_enable(MemRegion *ram, DirtyClient client, DirtyHook *hook,
                     void *opaque);
bool mr_dirty_get(MemRegion *ram, DirtyClient client, uint64_t offset);
/* Returns whether any page in the range was dirty, and cleans them all
 * (the client now watches those pages). */
bool mr_dirty_test_and_clear(MemRegion *ram, DirtyClient client,
                             uint64_t offset, uint64_t len);
void mr_dirty_mark(MemRegion *ram, uint64_t offset, uint64_t len);
/* May the CPU write this page of the region without telling anyone? */
bool mr_page_write_fast(MemRegion *ram, uint64_t offset);

/* Visit every RAM/ROM stretch of the flattened map (KVM memory slots). */
typedef void RamRangeVisitor(void *opaque, uint64_t pa, uint64_t len,
                             uint8_t *host, bool readonly);
void as_for_each_ram(AddressSpace *as, RamRangeVisitor *fn, void *opaque);

#endif
