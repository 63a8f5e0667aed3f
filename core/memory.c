/*
 * Guest physical address space: see memory.h.
 *
 * Regions are kept in a list; every change re-flattens them into a sorted
 * array of non-overlapping stretches (FlatRange), each naming the final
 * backing region (aliases resolved). Lookups binary-search that array. A
 * board has a few dozen regions, so flattening is a small quadratic pass.
 */
#include "core/memory.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/bytes.h"

struct MemRegion {
    AddressSpace *as;
    char *name;
    MemRegionKind kind;
    uint64_t base;
    uint64_t size;
    int prio;
    uint64_t order; /* insertion order: later wins among equal priority */
    bool enabled;
    bool readonly;
    /* RAM / ROM */
    uint8_t *host;
    size_t alloc_size;
    uint8_t *dirty;          /* per page: bit per client that saw a write */
    uint8_t dirty_clients;   /* clients that track this region */
    DirtyHook *hook[DIRTY_CLIENT_COUNT];
    void *hook_opaque[DIRTY_CLIENT_COUNT];
    /* IO */
    const MemOps *ops;
    void *opaque;
    /* alias */
    MemRegion *target;
    uint64_t target_offset;
};

typedef struct FlatRange {
    uint64_t start;
    uint64_t last;   /* inclusive, so a range may end at 2^64 - 1 */
    MemRegion *mr;   /* RAM, ROM or IO; never an alias */
    uint64_t offset; /* of start, within mr */
    bool readonly;
} FlatRange;

typedef struct ListenerEntry {
    const AsListener *l;
    void *opaque;
} ListenerEntry;

struct AddressSpace {
    Log *log;
    char *name;
    MemRegion **regions;
    int nregions;
    int cap;
    FlatRange *flat;
    int nflat;
    uint64_t gen;
    uint64_t next_order;
    ListenerEntry *listeners;
    int nlisteners;
};

static uint64_t range_last(uint64_t base, uint64_t size)
{
    return base + size - 1;
}

AddressSpace *as_new(Log *log, const char *name)
{
    AddressSpace *as = calloc(1, sizeof(*as));
    if (!as) {
        return NULL;
    }
    as->log = log;
    as->name = strdup(name ? name : "memory");
    return as;
}

static void mr_free(MemRegion *mr)
{
    if (mr->host) {
        munmap(mr->host, mr->alloc_size);
    }
    free(mr->dirty);
    free(mr->name);
    free(mr);
}

void as_free(AddressSpace *as)
{
    if (!as) {
        return;
    }
    for (int i = 0; i < as->nregions; i++) {
        mr_free(as->regions[i]);
    }
    free(as->regions);
    free(as->flat);
    free(as->listeners);
    free(as->name);
    free(as);
}

/* --- flattening --- */

/* Resolve aliases: the final region and the offset within it. */
static MemRegion *resolve(MemRegion *mr, uint64_t *offset, bool *readonly)
{
    while (mr->kind == MR_ALIAS) {
        *offset += mr->target_offset;
        *readonly |= mr->readonly;
        mr = mr->target;
    }
    *readonly |= mr->readonly || mr->kind == MR_ROM;
    return mr;
}

static int cmp_paint_order(const void *a, const void *b)
{
    const MemRegion *x = *(MemRegion *const *)a;
    const MemRegion *y = *(MemRegion *const *)b;
    if (x->prio != y->prio) {
        return x->prio > y->prio ? -1 : 1;
    }
    return x->order > y->order ? -1 : (x->order < y->order);
}

static int cmp_flat(const void *a, const void *b)
{
    const FlatRange *x = a, *y = b;
    return x->start < y->start ? -1 : (x->start > y->start);
}

static void flat_push(FlatRange **flat, int *n, int *cap, FlatRange fr)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *flat = realloc(*flat, *cap * sizeof(**flat));
        assert(*flat);
    }
    (*flat)[(*n)++] = fr;
}

/* Paint [start, last] of @mr into the gaps left by higher-priority ranges
 * (kept sorted in @flat[0..*n)). */
static void paint(FlatRange **flat, int *n, int *cap, MemRegion *mr)
{
    uint64_t pos = mr->base;
    uint64_t last = range_last(mr->base, mr->size);
    int painted_before = *n;
    bool done = false;

    for (int i = 0; i < painted_before && !done; i++) {
        FlatRange covered = (*flat)[i];
        if (covered.last < pos) {
            continue;
        }
        if (covered.start > last) {
            break;
        }
        if (covered.start > pos) {
            FlatRange fr = {pos, covered.start - 1, mr, pos - mr->base, 0};
            flat_push(flat, n, cap, fr);
        }
        if (covered.last >= last) {
            done = true;
        } else {
            pos = covered.last + 1;
        }
    }
    if (!done) {
        FlatRange fr = {pos, last, mr, pos - mr->base, 0};
        flat_push(flat, n, cap, fr);
    }
    qsort(*flat, *n, sizeof(**flat), cmp_flat);
}

static void as_flatten(AddressSpace *as)
{
    MemRegion **order = malloc((as->nregions + 1) * sizeof(*order));
    int norder = 0;
    assert(order);
    for (int i = 0; i < as->nregions; i++) {
        if (as->regions[i]->enabled) {
            order[norder++] = as->regions[i];
        }
    }
    qsort(order, norder, sizeof(*order), cmp_paint_order);

    FlatRange *flat = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < norder; i++) {
        paint(&flat, &n, &cap, order[i]);
    }
    /* Painted ranges still name the mapped region; resolve aliases. */
    for (int i = 0; i < n; i++) {
        bool ro = false;
        uint64_t off = flat[i].offset;
        flat[i].mr = resolve(flat[i].mr, &off, &ro);
        flat[i].offset = off;
        flat[i].readonly = ro;
    }
    free(order);
    free(as->flat);
    as->flat = flat;
    as->nflat = n;
    as->gen++;
    for (int i = 0; i < as->nlisteners; i++) {
        if (as->listeners[i].l->map_changed) {
            as->listeners[i].l->map_changed(as->listeners[i].opaque, as);
        }
    }
}

/* --- regions --- */

static bool overlaps(const MemRegion *a, uint64_t base, uint64_t size)
{
    return a->base <= range_last(base, size) &&
           base <= range_last(a->base, a->size);
}

static MemRegion *as_add(AddressSpace *as, const char *name,
                         MemRegionKind kind, uint64_t base, uint64_t size,
                         int prio)
{
    if (size == 0 || base + size - 1 < base) {
        log_error(as->log, "%s: region '%s' has a bad range", as->name, name);
        return NULL;
    }
    for (int i = 0; i < as->nregions; i++) {
        MemRegion *o = as->regions[i];
        if (o->enabled && o->prio == prio && overlaps(o, base, size)) {
            log_error(as->log,
                      "%s: region '%s' [%#llx, +%#llx) overlaps '%s' at "
                      "the same priority",
                      as->name, name, (unsigned long long)base,
                      (unsigned long long)size, o->name);
            return NULL;
        }
    }
    MemRegion *mr = calloc(1, sizeof(*mr));
    if (!mr) {
        return NULL;
    }
    mr->as = as;
    mr->name = strdup(name);
    mr->kind = kind;
    mr->base = base;
    mr->size = size;
    mr->prio = prio;
    mr->order = as->next_order++;
    mr->enabled = true;
    if (as->nregions == as->cap) {
        as->cap = as->cap ? as->cap * 2 : 16;
        as->regions = realloc(as->regions, as->cap * sizeof(*as->regions));
        assert(as->regions);
    }
    as->regions[as->nregions++] = mr;
    return mr;
}

static MemRegion *as_add_backed(AddressSpace *as, const char *name,
                                MemRegionKind kind, uint64_t base,
                                uint64_t size, int prio)
{
    if (size == 0 || base + size - 1 < base) {
        log_error(as->log, "%s: region '%s' has a bad range", as->name, name);
        return NULL;
    }
    size_t alloc = (size + PAGE_SIZE - 1) & PAGE_MASK;
    void *host = mmap(NULL, alloc, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        log_error(as->log, "cannot allocate %llu MiB for '%s'",
                  (unsigned long long)(size >> 20), name);
        return NULL;
    }
    MemRegion *mr = as_add(as, name, kind, base, size, prio);
    if (!mr) {
        munmap(host, alloc);
        return NULL;
    }
    mr->host = host;
    mr->alloc_size = alloc;
    as_flatten(as);
    return mr;
}

MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base,
                      uint64_t size, int prio)
{
    return as_add_backed(as, name, MR_RAM, base, size, prio);
}

MemRegion *as_add_rom(AddressSpace *as, const char *name, uint64_t base,
                      uint64_t size, int prio)
{
    return as_add_backed(as, name, MR_ROM, base, size, prio);
}

MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base,
                     uint64_t size, const MemOps *ops, void *opaque, int prio)
{
    MemRegion *mr = as_add(as, name, MR_IO, base, size, prio);
    if (mr) {
        mr->ops = ops;
        mr->opaque = opaque;
        as_flatten(as);
    }
    return mr;
}

MemRegion *as_add_alias(AddressSpace *as, const char *name, uint64_t base,
                        uint64_t size, MemRegion *target,
                        uint64_t target_offset, int prio)
{
    if (!target || target_offset > target->size ||
        size > target->size - target_offset) {
        log_error(as->log, "%s: alias '%s' reaches outside its target",
                  as->name, name);
        return NULL;
    }
    MemRegion *mr = as_add(as, name, MR_ALIAS, base, size, prio);
    if (mr) {
        mr->target = target;
        mr->target_offset = target_offset;
        as_flatten(as);
    }
    return mr;
}

void mr_set_enabled(MemRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        as_flatten(mr->as);
    }
}

void mr_move(MemRegion *mr, uint64_t base)
{
    if (base + mr->size - 1 < base) {
        log_error(mr->as->log, "region '%s' cannot move to %#llx", mr->name,
                  (unsigned long long)base);
        return;
    }
    if (mr->base != base) {
        mr->base = base;
        /* A later move of a guest-programmed BAR over another region at the
         * same priority is legal; give it the newest order so it wins. */
        mr->order = mr->as->next_order++;
        if (mr->enabled) {
            as_flatten(mr->as);
        }
    }
}

void mr_set_readonly(MemRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        if (mr->enabled) {
            as_flatten(mr->as);
        }
    }
}

bool mr_enabled(const MemRegion *mr) { return mr->enabled; }
uint64_t mr_base(const MemRegion *mr) { return mr->base; }
uint64_t mr_size(const MemRegion *mr) { return mr->size; }
MemRegionKind mr_kind(const MemRegion *mr) { return mr->kind; }
const char *mr_name(const MemRegion *mr) { return mr->name; }
uint8_t *mr_host(MemRegion *mr) { return mr->host; }
uint64_t as_generation(const AddressSpace *as) { return as->gen; }

void as_add_listener(AddressSpace *as, const AsListener *l, void *opaque)
{
    as->listeners = realloc(as->listeners,
                            (as->nlisteners + 1) * sizeof(*as->listeners));
    assert(as->listeners);
    as->listeners[as->nlisteners].l = l;
    as->listeners[as->nlisteners].opaque = opaque;
    as->nlisteners++;
}

void as_remove_listener(AddressSpace *as, const AsListener *l, void *opaque)
{
    for (int i = 0; i < as->nlisteners; i++) {
        if (as->listeners[i].l == l && as->listeners[i].opaque == opaque) {
            memmove(&as->listeners[i], &as->listeners[i + 1],
                    (as->nlisteners - i - 1) * sizeof(*as->listeners));
            as->nlisteners--;
            return;
        }
    }
}

/* --- lookup --- */

static const FlatRange *flat_find(const AddressSpace *as, uint64_t pa,
                                  uint64_t *hole_len)
{
    int lo = 0, hi = as->nflat;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (as->flat[mid].last < pa) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < as->nflat && as->flat[lo].start <= pa) {
        return &as->flat[lo];
    }
    if (hole_len) {
        *hole_len = lo < as->nflat ? as->flat[lo].start - pa : -pa;
        if (*hole_len == 0) {
            *hole_len = UINT64_MAX; /* pa == 0 and nothing above */
        }
    }
    return NULL;
}

bool as_lookup(AddressSpace *as, uint64_t pa, MemLookup *out)
{
    uint64_t hole = 0;
    const FlatRange *fr = flat_find(as, pa, &hole);
    memset(out, 0, sizeof(*out));
    if (!fr) {
        out->len = hole;
        return false;
    }
    out->mr = fr->mr;
    out->offset = fr->offset + (pa - fr->start);
    out->len = fr->last - pa + 1;
    if (out->len == 0) {
        out->len = UINT64_MAX;
    }
    out->readonly = fr->readonly;
    if (fr->mr->kind != MR_IO) {
        out->host = fr->mr->host + out->offset;
    }
    return true;
}

/* --- dirty tracking --- */

static void dirty_mark_range(MemRegion *ram, uint64_t offset, uint64_t len)
{
    if (!ram->dirty_clients || len == 0) {
        return;
    }
    uint64_t first = offset >> PAGE_SHIFT;
    uint64_t last = (offset + len - 1) >> PAGE_SHIFT;
    uint8_t all = ram->dirty_clients;
    for (uint64_t p = first; p <= last; p++) {
        uint8_t clean = all & ~ram->dirty[p];
        if (!clean) {
            continue;
        }
        ram->dirty[p] |= all;
        for (int c = 0; c < DIRTY_CLIENT_COUNT; c++) {
            if ((clean >> c & 1) && ram->hook[c]) {
                uint64_t s = p << PAGE_SHIFT;
                uint64_t start = s > offset ? s : offset;
                uint64_t end = s + PAGE_SIZE < offset + len ? s + PAGE_SIZE
                                                            : offset + len;
                ram->hook[c](ram->hook_opaque[c], ram, start, end - start);
            }
        }
    }
}

void mr_dirty_enable(MemRegion *ram, DirtyClient client, DirtyHook *hook,
                     void *opaque)
{
    assert(ram->kind == MR_RAM || ram->kind == MR_ROM);
    if (!ram->dirty) {
        size_t pages = (ram->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
        ram->dirty = malloc(pages);
        assert(ram->dirty);
        memset(ram->dirty, 0xff, pages);
    }
    ram->dirty_clients |= 1u << client;
    ram->hook[client] = hook;
    ram->hook_opaque[client] = opaque;
}

bool mr_dirty_get(MemRegion *ram, DirtyClient client, uint64_t offset)
{
    if (!(ram->dirty_clients >> client & 1) || offset >= ram->size) {
        return true;
    }
    return ram->dirty[offset >> PAGE_SHIFT] >> client & 1;
}

bool mr_dirty_test_and_clear(MemRegion *ram, DirtyClient client,
                             uint64_t offset, uint64_t len)
{
    if (!(ram->dirty_clients >> client & 1) || len == 0 ||
        offset >= ram->size) {
        return false;
    }
    if (len > ram->size - offset) {
        len = ram->size - offset;
    }
    uint64_t first = offset >> PAGE_SHIFT;
    uint64_t last = (offset + len - 1) >> PAGE_SHIFT;
    bool any = false;
    bool newly_watched = false;
    for (uint64_t p = first; p <= last; p++) {
        if (ram->dirty[p] >> client & 1) {
            any = true;
            newly_watched = true;
            ram->dirty[p] &= ~(1u << client);
        }
    }
    if (newly_watched) {
        AddressSpace *as = ram->as;
        uint64_t start = first << PAGE_SHIFT;
        uint64_t bytes = (last - first + 1) << PAGE_SHIFT;
        for (int i = 0; i < as->nlisteners; i++) {
            if (as->listeners[i].l->write_watch) {
                as->listeners[i].l->write_watch(as->listeners[i].opaque,
                                                start + (uintptr_t)ram->host,
                                                bytes);
            }
        }
    }
    return any;
}

void mr_dirty_mark(MemRegion *ram, uint64_t offset, uint64_t len)
{
    if (offset < ram->size) {
        if (len > ram->size - offset) {
            len = ram->size - offset;
        }
        dirty_mark_range(ram, offset, len);
    }
}

bool mr_page_write_fast(MemRegion *ram, uint64_t offset)
{
    if (!ram->dirty_clients) {
        return true;
    }
    uint8_t all = ram->dirty_clients;
    return (ram->dirty[offset >> PAGE_SHIFT] & all) == all;
}

/* --- slow-path access --- */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

uint64_t memops_read(const MemOps *ops, void *opaque, uint64_t off,
                     unsigned size, unsigned default_max)
{
    unsigned min = ops->min_size ? ops->min_size : 1;
    unsigned max = ops->max_size ? ops->max_size : default_max;
    if (!ops->read) {
        return size_mask(size);
    }
    if (size < min) {
        uint64_t aligned = off & ~(uint64_t)(min - 1);
        uint64_t v = ops->read(opaque, aligned, min);
        return (v >> (8 * (off - aligned))) & size_mask(size);
    }
    if (size > max) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i += max) {
            v |= (memops_read(ops, opaque, off + i, max, default_max) &
                  size_mask(max)) << (8 * i);
        }
        return v;
    }
    return ops->read(opaque, off, size) & size_mask(size);
}

void memops_write(const MemOps *ops, void *opaque, uint64_t off, uint64_t v,
                  unsigned size, unsigned default_max)
{
    unsigned min = ops->min_size ? ops->min_size : 1;
    unsigned max = ops->max_size ? ops->max_size : default_max;
    if (!ops->write) {
        return;
    }
    if (size < min) {
        /* Widened with zeroes: devices that demand wide accesses get one. */
        uint64_t aligned = off & ~(uint64_t)(min - 1);
        ops->write(opaque, aligned, (v & size_mask(size))
                                        << (8 * (off - aligned)), min);
        return;
    }
    if (size > max) {
        for (unsigned i = 0; i < size; i += max) {
            memops_write(ops, opaque, off + i, v >> (8 * i), max,
                         default_max);
        }
        return;
    }
    ops->write(opaque, off, v & size_mask(size), size);
}

static uint64_t mmio_read(MemRegion *mr, uint64_t off, unsigned size)
{
    return memops_read(mr->ops, mr->opaque, off, size, 8);
}

static void mmio_write(MemRegion *mr, uint64_t off, uint64_t v, unsigned size)
{
    memops_write(mr->ops, mr->opaque, off, v, size, 8);
}

static uint64_t as_read_bytewise(AddressSpace *as, uint64_t pa,
                                 unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= as_read(as, pa + i, 1) << (8 * i);
    }
    return v;
}

uint64_t as_read(AddressSpace *as, uint64_t pa, unsigned size)
{
    MemLookup l;
    if (!as_lookup(as, pa, &l)) {
        if (l.len < size) {
            return as_read_bytewise(as, pa, size);
        }
        TRACE(as->log, LOG_UNASSIGNED, "unassigned read%u %#llx", size * 8,
              (unsigned long long)pa);
        return size_mask(size);
    }
    if (l.len < size) {
        return as_read_bytewise(as, pa, size);
    }
    if (l.host) {
        return le_load(l.host, size);
    }
    uint64_t v = mmio_read(l.mr, l.offset, size);
    TRACE(as->log, LOG_MMIO, "mmio read%u %#llx (%s+%#llx) -> %#llx",
          size * 8, (unsigned long long)pa, l.mr->name,
          (unsigned long long)l.offset, (unsigned long long)v);
    return v;
}

void as_write(AddressSpace *as, uint64_t pa, uint64_t value, unsigned size)
{
    MemLookup l;
    bool mapped = as_lookup(as, pa, &l);
    if (l.len < size) {
        for (unsigned i = 0; i < size; i++) {
            as_write(as, pa + i, value >> (8 * i), 1);
        }
        return;
    }
    if (!mapped) {
        TRACE(as->log, LOG_UNASSIGNED, "unassigned write%u %#llx = %#llx",
              size * 8, (unsigned long long)pa, (unsigned long long)value);
        return;
    }
    if (l.host) {
        if (l.readonly) {
            TRACE(as->log, LOG_UNASSIGNED, "write%u to ROM %#llx (%s)",
                  size * 8, (unsigned long long)pa, l.mr->name);
            return;
        }
        le_store(l.host, value, size);
        dirty_mark_range(l.mr, l.offset, size);
        return;
    }
    TRACE(as->log, LOG_MMIO, "mmio write%u %#llx (%s+%#llx) = %#llx",
          size * 8, (unsigned long long)pa, l.mr->name,
          (unsigned long long)l.offset, (unsigned long long)value);
    mmio_write(l.mr, l.offset, value, size);
}

void as_rw(AddressSpace *as, uint64_t pa, void *buf, uint64_t len,
           bool is_write)
{
    uint8_t *p = buf;
    if ((len == 1 || len == 2 || len == 4 || len == 8)) {
        if (is_write) {
            as_write(as, pa, le_load(p, len), len);
        } else {
            le_store(p, as_read(as, pa, len), len);
        }
        return;
    }
    for (uint64_t i = 0; i < len; i++) {
        if (is_write) {
            as_write(as, pa + i, p[i], 1);
        } else {
            p[i] = as_read(as, pa + i, 1);
        }
    }
}

/* --- DMA --- */

/* Does [pa, pa+len) lie wholly in RAM (or ROM if !write)? */
static bool dma_range_ok(AddressSpace *as, uint64_t pa, uint64_t len,
                         bool write)
{
    if (len == 0) {
        return true;
    }
    if (pa + len - 1 < pa) {
        return false;
    }
    while (len) {
        MemLookup l;
        if (!as_lookup(as, pa, &l) || !l.host || (write && l.readonly)) {
            return false;
        }
        uint64_t n = l.len < len ? l.len : len;
        pa += n;
        len -= n;
    }
    return true;
}

int as_dma_read(AddressSpace *as, uint64_t pa, void *buf, uint64_t len)
{
    if (!dma_range_ok(as, pa, len, false)) {
        return -1;
    }
    uint8_t *p = buf;
    while (len) {
        MemLookup l;
        as_lookup(as, pa, &l);
        uint64_t n = l.len < len ? l.len : len;
        memcpy(p, l.host, n);
        p += n;
        pa += n;
        len -= n;
    }
    return 0;
}

int as_dma_write(AddressSpace *as, uint64_t pa, const void *buf,
                 uint64_t len)
{
    if (!dma_range_ok(as, pa, len, true)) {
        return -1;
    }
    const uint8_t *p = buf;
    while (len) {
        MemLookup l;
        as_lookup(as, pa, &l);
        uint64_t n = l.len < len ? l.len : len;
        memcpy(l.host, p, n);
        dirty_mark_range(l.mr, l.offset, n);
        p += n;
        pa += n;
        len -= n;
    }
    return 0;
}

void *as_dma_map(AddressSpace *as, uint64_t pa, uint64_t len, bool write)
{
    MemLookup l;
    if (!as_lookup(as, pa, &l) || !l.host || l.len < len ||
        (write && l.readonly)) {
        return NULL;
    }
    return l.host;
}

void as_dma_mark_dirty(AddressSpace *as, uint64_t pa, uint64_t len)
{
    while (len) {
        MemLookup l;
        if (!as_lookup(as, pa, &l)) {
            if (l.len >= len) {
                return;
            }
            pa += l.len;
            len -= l.len;
            continue;
        }
        uint64_t n = l.len < len ? l.len : len;
        if (l.host) {
            dirty_mark_range(l.mr, l.offset, n);
        }
        pa += n;
        len -= n;
    }
}

void as_for_each_ram(AddressSpace *as, RamRangeVisitor *fn, void *opaque)
{
    for (int i = 0; i < as->nflat; i++) {
        const FlatRange *fr = &as->flat[i];
        if (fr->mr->kind != MR_IO) {
            fn(opaque, fr->start, fr->last - fr->start + 1,
               fr->mr->host + fr->offset, fr->readonly);
        }
    }
}
