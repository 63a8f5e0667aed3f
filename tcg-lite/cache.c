/*
 * The block cache: one arena that blocks are carved from and that a flush
 * empties at once, a hash by physical address, the pages that hold code
 * (by host address) and their invalidation when written.
 *
 * Writes are seen through the address space's dirty tracking: a page that
 * holds code is kept clean for DIRTY_CODE, so the CPUs' TLBs write it
 * through the slow path and the first write calls tb_dirty_hook, which
 * drops the blocks on the bytes written and watches the page again if
 * any remain. Invalidated blocks stay in the arena until the next flush
 * (a block that is running when its code changes finishes its current
 * instruction and then stops); links and jump-cache entries to them are
 * dropped when they are next looked at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcg-lite/tb.h"

#define TB_DEFAULT_CACHE (32u << 20)
#define TB_ALIGN 16

void *tb_alloc(TcgLite *t, size_t size)
{
    size = (size + TB_ALIGN - 1) & ~(size_t)(TB_ALIGN - 1);
    if (t->arena_size - t->arena_used < size) {
        return NULL;
    }
    void *p = t->arena + t->arena_used;
    t->arena_used += size;
    return p;
}

void tb_flush(TcgLite *t)
{
    t->arena_used = 0;
    memset(t->hash, 0, sizeof(t->hash));
    memset(t->pages, 0, sizeof(t->pages));
    for (int i = 0; i < t->nvcpus; i++) {
        memset(t->vcpus[i]->jc, 0, sizeof(t->vcpus[i]->jc));
    }
    t->flush_gen++;
    t->flush_pending = false;
    t->stats.flushes++;
    TRACE(t->log, LOG_EXEC, "tcg-lite: cache flushed");
}

static unsigned hash_phys(uint64_t phys)
{
    uint64_t h = phys * 0x9e3779b97f4a7c15ULL;
    return (unsigned)(h >> (64 - TB_HASH_BITS));
}

static unsigned hash_page(uintptr_t host)
{
    uint64_t h = (uint64_t)(host >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL;
    return (unsigned)(h >> (64 - TB_PAGE_HASH_BITS));
}

TcgBlock *tb_hash_find(TcgLite *t, uint64_t phys, uint64_t pc,
                       uint64_t cs_base, uint32_t hflags)
{
    for (TcgBlock *b = t->hash[hash_phys(phys)]; b; b = b->hash_next) {
        if (b->phys == phys && b->pc == pc && b->cs_base == cs_base &&
            b->hflags == hflags) {
            return b;
        }
    }
    return NULL;
}

static TcgPage *page_find(TcgLite *t, uintptr_t host)
{
    for (TcgPage *p = t->pages[hash_page(host)]; p; p = p->next) {
        if (p->host == host) {
            return p;
        }
    }
    return NULL;
}

/* The block's byte range on @p: [*lo, *hi). */
static void block_range(const TcgBlock *b, const TcgPage *p, unsigned *lo,
                        unsigned *hi)
{
    unsigned start = (uintptr_t)b->host & ~PAGE_MASK;
    if (b->page[0] == p) {
        *lo = start;
        *hi = start + b->size > PAGE_SIZE ? PAGE_SIZE : start + b->size;
    } else {
        *lo = 0;
        *hi = start + b->size - PAGE_SIZE;
    }
}

static void page_unlink(TcgPage *p, TcgBlock *b)
{
    TcgBlock **pp = &p->blocks;
    while (*pp) {
        TcgBlock *c = *pp;
        int slot = c->page[0] == p ? 0 : 1;
        if (c == b) {
            *pp = c->page_next[slot];
            return;
        }
        pp = &c->page_next[slot];
    }
}

static void page_update_range(TcgPage *p)
{
    unsigned lo = PAGE_SIZE, hi = 0;
    for (TcgBlock *b = p->blocks; b;
         b = b->page_next[b->page[0] == p ? 0 : 1]) {
        unsigned l, h;
        block_range(b, p, &l, &h);
        lo = l < lo ? l : lo;
        hi = h > hi ? h : hi;
    }
    p->lo = lo < hi ? lo : 0;
    p->hi = hi;
}

void tb_invalidate(TcgLite *t, TcgBlock *b)
{
    b->valid = 0;
    TcgBlock **pp = &t->hash[hash_phys(b->phys)];
    while (*pp && *pp != b) {
        pp = &(*pp)->hash_next;
    }
    if (*pp) {
        *pp = b->hash_next;
    }
    for (int i = 0; i < 2; i++) {
        if (b->page[i]) {
            page_unlink(b->page[i], b);
        }
    }
    if (b == t->running && t->running_cpu) {
        /* The running block's code changed: it stops after the
         * instruction that wrote it, and the next one is decoded anew. */
        t->running_cpu->interrupt_request |= CPU_REQ_TB_EXIT;
    }
    t->stats.invalidated++;
}

static void tb_dirty_hook(void *opaque, MemRegion *ram, uint64_t offset,
                          uint64_t len)
{
    TcgLite *t = opaque;
    uintptr_t host = (uintptr_t)mr_host(ram) + offset;
    TcgPage *p = page_find(t, host & PAGE_MASK);
    if (!p || !p->blocks) {
        return;
    }
    unsigned lo = host & ~PAGE_MASK;
    unsigned hi = lo + len > PAGE_SIZE ? PAGE_SIZE : lo + len;
    if (hi > p->lo && lo < p->hi) {
        TcgBlock *b = p->blocks;
        while (b) {
            TcgBlock *next = b->page_next[b->page[0] == p ? 0 : 1];
            unsigned l, h;
            block_range(b, p, &l, &h);
            if (hi > l && lo < h) {
                TRACE(t->log, LOG_EXEC,
                      "tcg-lite: write to %#llx+%u invalidates block at "
                      "%#llx", (unsigned long long)b->phys,
                      (unsigned)(hi - lo), (unsigned long long)b->phys);
                tb_invalidate(t, b);
            }
            b = next;
        }
        page_update_range(p);
    }
    if (p->blocks) {
        /* Code remains on the page: keep watching it. */
        mr_dirty_test_and_clear(ram, DIRTY_CODE, p->offset, PAGE_SIZE);
    }
}

static bool watch_region(TcgLite *t, MemRegion *mr)
{
    for (int i = 0; i < t->nwatched; i++) {
        if (t->watched[i] == mr) {
            return true;
        }
    }
    MemRegion **w = realloc(t->watched, (t->nwatched + 1) * sizeof(*w));
    if (!w) {
        return false;
    }
    t->watched = w;
    t->watched[t->nwatched++] = mr;
    mr_dirty_enable(mr, DIRTY_CODE, tb_dirty_hook, t);
    return true;
}

/* The page holding physical @pa, watched; NULL if it is not plain RAM or
 * ROM. */
static TcgPage *page_get(TcgLite *t, uint64_t pa)
{
    MemLookup l;
    if (!as_lookup(t->as, pa & PAGE_MASK, &l) || !l.host ||
        l.len < PAGE_SIZE || ((uintptr_t)l.host & ~PAGE_MASK) ||
        (mr_kind(l.mr) != MR_RAM && mr_kind(l.mr) != MR_ROM)) {
        return NULL;
    }
    uintptr_t host = (uintptr_t)l.host;
    TcgPage *p = page_find(t, host);
    if (!p) {
        if (!watch_region(t, l.mr)) {
            return NULL;
        }
        p = tb_alloc(t, sizeof(*p));
        if (!p) {
            return NULL;
        }
        memset(p, 0, sizeof(*p));
        p->host = host;
        p->mr = l.mr;
        p->offset = l.offset;
        unsigned h = hash_page(host);
        p->next = t->pages[h];
        t->pages[h] = p;
    }
    /* From now on the first write to the page reaches tb_dirty_hook. */
    mr_dirty_test_and_clear(p->mr, DIRTY_CODE, p->offset, PAGE_SIZE);
    return p;
}

bool tb_commit(TcgLite *t, TcgBlock *b, uint64_t phys2)
{
    TcgPage *p0 = page_get(t, b->phys);
    TcgPage *p1 = NULL;
    if (!p0 || p0->host != ((uintptr_t)b->host & PAGE_MASK)) {
        return false;
    }
    if (b->host2) {
        p1 = page_get(t, phys2);
        if (!p1 || p1->host != (uintptr_t)b->host2) {
            return false;
        }
    }
    TcgPage *pg[2] = {p0, p1};
    for (int i = 0; i < 2; i++) {
        TcgPage *p = pg[i];
        b->page[i] = p;
        if (!p) {
            continue;
        }
        b->page_next[i] = p->blocks;
        p->blocks = b;
        unsigned lo, hi;
        block_range(b, p, &lo, &hi);
        if (p->lo >= p->hi) {
            p->lo = lo;
            p->hi = hi;
        } else {
            p->lo = lo < p->lo ? lo : p->lo;
            p->hi = hi > p->hi ? hi : p->hi;
        }
    }
    unsigned h = hash_phys(b->phys);
    b->hash_next = t->hash[h];
    t->hash[h] = b;
    b->valid = 1;
    return true;
}

/* --- the listener: map changes --- */

static void tb_map_changed(void *opaque, AddressSpace *as)
{
    TcgLite *t = opaque;
    (void)as;
    /* Physical addresses may now mean other bytes. Flush before the next
     * block runs; a running block stops after this instruction. */
    t->flush_pending = true;
    if (t->running_cpu) {
        t->running_cpu->interrupt_request |= CPU_REQ_TB_EXIT;
    }
}

static const AsListener tb_listener = {
    .map_changed = tb_map_changed,
};

/* --- the interface --- */

TcgLite *tcg_lite_new(AddressSpace *as, Log *log, size_t cache_bytes)
{
    TcgLite *t = calloc(1, sizeof(*t));
    if (!t) {
        return NULL;
    }
    t->as = as;
    t->log = log;
    t->arena_size = cache_bytes ? cache_bytes : TB_DEFAULT_CACHE;
    /* Untouched parts cost no memory: the arena fills as code is
     * translated. */
    t->arena = malloc(t->arena_size);
    if (!t->arena) {
        free(t);
        return NULL;
    }
    t->chain = !log_enabled(log, LOG_NOCHAIN);
    t->stats.cache_size = t->arena_size;
    as_add_listener(as, &tb_listener, t);
    return t;
}

void tcg_lite_free(TcgLite *t)
{
    if (!t) {
        return;
    }
    as_remove_listener(t->as, &tb_listener, t);
    for (int i = 0; i < t->nwatched; i++) {
        mr_dirty_enable(t->watched[i], DIRTY_CODE, NULL, NULL);
    }
    for (int i = 0; i < t->nvcpus; i++) {
        t->vcpus[i]->cpu->block_exec = NULL;
        t->vcpus[i]->cpu->block_opaque = NULL;
        free(t->vcpus[i]);
    }
    free(t->vcpus);
    free(t->watched);
    free(t->arena);
    free(t);
}

int tcg_lite_attach(TcgLite *t, X86Cpu *cpu)
{
    TcgVcpu **v = realloc(t->vcpus, (t->nvcpus + 1) * sizeof(*v));
    if (!v) {
        return -1;
    }
    t->vcpus = v;
    TcgVcpu *vc = calloc(1, sizeof(*vc));
    if (!vc) {
        return -1;
    }
    vc->t = t;
    vc->cpu = cpu;
    t->vcpus[t->nvcpus++] = vc;
    cpu->block_opaque = vc;
    cpu->block_exec = tb_exec;
    return 0;
}

void tcg_lite_flush(TcgLite *t)
{
    if (t->running_cpu) {
        t->flush_pending = true;
        t->running_cpu->interrupt_request |= CPU_REQ_TB_EXIT;
        return;
    }
    tb_flush(t);
}

void tcg_lite_stats(const TcgLite *t, TcgLiteStats *out)
{
    *out = t->stats;
    out->cache_used = t->arena_used;
    out->cache_size = t->arena_size;
}
