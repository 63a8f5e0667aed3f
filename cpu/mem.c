/*
 * Segmented and linear memory access through the software TLB: see mem.h.
 */
#include "cpu/mem.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/debug.h"
#include "cpu/internal.h"

/* --- the TLB --- */

static void tlb_map_changed(void *opaque, AddressSpace *as)
{
    X86Cpu *cpu = opaque;
    (void)as;
    x86_tlb_flush(cpu, true);
}

static void tlb_write_watch(void *opaque, uint64_t host, uint64_t len)
{
    X86Cpu *cpu = opaque;
    /* Drop fast write tags on the watched host range. */
    for (int m = 0; m < MMU_COUNT; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &cpu->tlb->e[m][i];
            if (e->tag_write == TLB_INVALID || (e->tag_write & TLB_SLOW)) {
                continue;
            }
            uint64_t h = e->tag_write + e->addend;
            if (h < host + len && host < h + PAGE_SIZE) {
                e->tag_write = TLB_INVALID;
            }
        }
    }
}

static const AsListener tlb_listener = {
    .map_changed = tlb_map_changed,
    .write_watch = tlb_write_watch,
};

void x86_tlb_init(X86Cpu *cpu)
{
    cpu->tlb = calloc(1, sizeof(*cpu->tlb));
    x86_tlb_flush(cpu, true);
    as_add_listener(cpu->as, &tlb_listener, cpu);
}

void x86_tlb_free(X86Cpu *cpu)
{
    as_remove_listener(cpu->as, &tlb_listener, cpu);
    free(cpu->tlb);
    cpu->tlb = NULL;
}

void x86_tlb_flush(X86Cpu *cpu, bool global)
{
    for (int m = 0; m < MMU_COUNT; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &cpu->tlb->e[m][i];
            if (!global && e->global && e->tag_read != TLB_INVALID) {
                continue;
            }
            e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
            e->global = false;
        }
    }
    TRACE(cpu->log, LOG_MMU, "cpu%d: TLB flush%s", cpu->index,
          global ? " (global)" : "");
}

void x86_tlb_flush_page(X86Cpu *cpu, uint64_t lin)
{
    for (int m = 0; m < MMU_COUNT; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &cpu->tlb->e[m][i];
            if (e->tag_read != TLB_INVALID &&
                ((e->tag_read ^ lin) & e->vmask) == 0) {
                e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
            }
        }
    }
    TRACE(cpu->log, LOG_MMU, "cpu%d: invlpg %#llx", cpu->index,
          (unsigned long long)lin);
}

static inline int mmu_index(const X86Cpu *cpu, int acc)
{
    return (cpu->cpl == 3 && !(acc & ACC_SUPER)) ? MMU_USER : MMU_SUPER;
}

static inline uint64_t a20_mask(const X86Cpu *cpu, uint64_t pa)
{
    return cpu->a20_enabled ? pa : pa & ~(1ULL << 20);
}

/* Fill the entry for @lin after a successful walk (or identity). */
static TlbEntry *tlb_fill(X86Cpu *cpu, uint64_t lin, int acc)
{
    int idx = mmu_index(cpu, acc);
    bool user = idx == MMU_USER;
    uint64_t page = lin & PAGE_MASK;
    TlbEntry *e = &cpu->tlb->e[idx][(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    X86PageWalk w;
    int kind = acc & 3;

    if (cpu->cr0 & CR0_PG) {
        x86_page_walk(cpu, lin, kind, user, false, &w);
        w.paddr &= PAGE_MASK;
    } else {
        w.paddr = page;
        w.writable = w.user = w.executable = w.dirty = true;
        w.global = false;
        w.page_size = PAGE_SIZE;
    }
    uint64_t pa = a20_mask(cpu, w.paddr);
    MemLookup l;
    bool ram = as_lookup(cpu->as, pa, &l) && l.host && l.len >= PAGE_SIZE;

    e->paddr = pa;
    e->global = w.global;
    e->vmask = ~(w.page_size - 1);
    e->addend = ram ? (uintptr_t)l.host - (uintptr_t)page : 0;
    uint64_t slow = ram ? 0 : TLB_SLOW;
    e->tag_read = page | slow;
    e->tag_code = w.executable ? (page | slow) : TLB_INVALID;
    if (w.writable && w.dirty) {
        bool fast = ram && !l.readonly && mr_page_write_fast(l.mr, l.offset);
        e->tag_write = page | (fast ? 0 : TLB_SLOW);
    } else {
        /* Not writable, or D clear: a write must walk again (and fault or
         * set D). */
        e->tag_write = TLB_INVALID;
    }
    return e;
}

/* The entry for @lin permitting @acc, filling it if needed. */
static TlbEntry *tlb_lookup(X86Cpu *cpu, uint64_t lin, int acc)
{
    int idx = mmu_index(cpu, acc);
    uint64_t page = lin & PAGE_MASK;
    TlbEntry *e = &cpu->tlb->e[idx][(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    uint64_t tag;
    switch (acc & 3) {
    case ACC_WRITE: tag = e->tag_write; break;
    case ACC_EXEC: tag = e->tag_code; break;
    default: tag = e->tag_read; break;
    }
    if ((tag & ~TLB_SLOW) == page && tag != TLB_INVALID) {
        return e;
    }
    e = tlb_fill(cpu, lin, acc);
    switch (acc & 3) {
    case ACC_WRITE: tag = e->tag_write; break;
    case ACC_EXEC: tag = e->tag_code; break;
    default: tag = e->tag_read; break;
    }
    if (tag == TLB_INVALID) {
        /* Permission the walk granted but the tag refuses: only possible
         * for writes to pages whose D bit the walk just set; walk again. */
        e = tlb_fill(cpu, lin, acc);
    }
    return e;
}

uint64_t x86_translate(X86Cpu *cpu, uint64_t lin, int acc)
{
    TlbEntry *e = tlb_lookup(cpu, lin, acc);
    return e->paddr | (lin & ~PAGE_MASK);
}

uint64_t x86_phys_read(X86Cpu *cpu, uint64_t pa, unsigned size)
{
    x86_sync_icount(cpu);
    return as_read(cpu->as, a20_mask(cpu, pa), size);
}

void x86_phys_write(X86Cpu *cpu, uint64_t pa, uint64_t v, unsigned size)
{
    x86_sync_icount(cpu);
    as_write(cpu->as, a20_mask(cpu, pa), v, size);
}

/* Sizes 1-8: the pieces of a page-crossing access can be 3, 5, 6 or 7
 * bytes long, and must touch exactly those bytes. */
static inline uint64_t ld_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
    default: {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)p[i] << (8 * i);
        }
        return v;
    }
    }
}

static inline void st_le(uint8_t *p, uint64_t v, unsigned size)
{
    switch (size) {
    case 1: *p = v; break;
    case 2: { uint16_t x = v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = v; memcpy(p, &x, 4); break; }
    case 8: memcpy(p, &v, 8); break;
    default:
        for (unsigned i = 0; i < size; i++) {
            p[i] = (uint8_t)(v >> (8 * i));
        }
        break;
    }
}

/* One access within a page. */
static uint64_t read_in_page(X86Cpu *cpu, uint64_t lin, unsigned size,
                             int acc)
{
    TlbEntry *e = tlb_lookup(cpu, lin, acc);
    uint64_t tag = (acc & 3) == ACC_EXEC ? e->tag_code : e->tag_read;
    if (!(tag & TLB_SLOW)) {
        return ld_le((const uint8_t *)(uintptr_t)(lin + e->addend), size);
    }
    x86_sync_icount(cpu);
    return as_read(cpu->as, e->paddr | (lin & ~PAGE_MASK), size);
}

static void write_in_page(X86Cpu *cpu, uint64_t lin, uint64_t v,
                          unsigned size, int acc)
{
    TlbEntry *e = tlb_lookup(cpu, lin, acc | ACC_WRITE);
    if (!(e->tag_write & TLB_SLOW)) {
        st_le((uint8_t *)(uintptr_t)(lin + e->addend), v, size);
        return;
    }
    x86_sync_icount(cpu);
    /* Slow path: MMIO, ROM, or a watched page; the address space marks
     * it dirty and tells the watchers (which may invalidate code). */
    as_write(cpu->as, e->paddr | (lin & ~PAGE_MASK), v, size);
}

uint64_t x86_read_lin(X86Cpu *cpu, uint64_t lin, unsigned size, int acc)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    unsigned in_page = PAGE_SIZE - (lin & ~PAGE_MASK);
    if (size <= in_page) {
        int idx = mmu_index(cpu, acc);
        TlbEntry *e =
            &cpu->tlb->e[idx][(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
        if (e->tag_read == (lin & PAGE_MASK) && (acc & 3) == ACC_READ) {
            return ld_le((const uint8_t *)(uintptr_t)(lin + e->addend), size);
        }
        return read_in_page(cpu, lin, size, acc);
    }
    /* Crosses a page: both translations first, then the bytes. */
    uint64_t lin2 = cpu->lma ? lin + in_page : (uint32_t)(lin + in_page);
    tlb_lookup(cpu, lin, acc);
    tlb_lookup(cpu, lin2, acc);
    uint64_t lo = read_in_page(cpu, lin, in_page, acc);
    uint64_t hi = read_in_page(cpu, lin2, size - in_page, acc);
    return lo | (hi << (8 * in_page));
}

void x86_probe_lin(X86Cpu *cpu, uint64_t lin, unsigned size, int acc)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    tlb_lookup(cpu, lin, acc);
    uint64_t last = lin + size - 1;
    if (!cpu->lma) {
        last = (uint32_t)last;
    }
    if ((last & PAGE_MASK) != (lin & PAGE_MASK)) {
        /* A fault on the second page reports its first byte in CR2, as
         * the split access does. */
        tlb_lookup(cpu, last & PAGE_MASK, acc);
    }
}

void x86_write_lin(X86Cpu *cpu, uint64_t lin, uint64_t v, unsigned size,
                   int acc)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    unsigned in_page = PAGE_SIZE - (lin & ~PAGE_MASK);
    if (size <= in_page) {
        int idx = mmu_index(cpu, acc);
        TlbEntry *e =
            &cpu->tlb->e[idx][(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
        if (e->tag_write == (lin & PAGE_MASK)) {
            st_le((uint8_t *)(uintptr_t)(lin + e->addend), v, size);
            return;
        }
        write_in_page(cpu, lin, v, size, acc);
        return;
    }
    uint64_t lin2 = cpu->lma ? lin + in_page : (uint32_t)(lin + in_page);
    tlb_lookup(cpu, lin, acc | ACC_WRITE);
    tlb_lookup(cpu, lin2, acc | ACC_WRITE);
    write_in_page(cpu, lin, v, in_page, acc);
    write_in_page(cpu, lin2, v >> (8 * in_page), size - in_page, acc);
}

uint8_t x86_fetch_lin(X86Cpu *cpu, uint64_t lin)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    TlbEntry *e = &cpu->tlb->e[mmu_index(cpu, ACC_EXEC)]
                              [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (e->tag_code == (lin & PAGE_MASK)) {
        return *(const uint8_t *)(uintptr_t)(lin + e->addend);
    }
    return read_in_page(cpu, lin, 1, ACC_EXEC);
}

const uint8_t *x86_fetch_ptr(X86Cpu *cpu, uint64_t lin)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    TlbEntry *e = &cpu->tlb->e[mmu_index(cpu, ACC_EXEC)]
                              [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (e->tag_code == (lin & PAGE_MASK)) {
        return (const uint8_t *)(uintptr_t)(lin + e->addend);
    }
    e = tlb_lookup(cpu, lin, ACC_EXEC);
    if (e->tag_code & TLB_SLOW) {
        return NULL;
    }
    return (const uint8_t *)(uintptr_t)(lin + e->addend);
}

/* --- segmentation --- */

static __attribute__((noreturn)) void seg_fault(X86Cpu *cpu, int seg)
{
    x86_raise(cpu, seg == R_SS ? EXC_SS : EXC_GP, 0);
}

/* The segment checks; in 64-bit mode the canonical check of the first
 * byte, and of the last one too when @whole (a misaligned access that only
 * runs into non-canonical space raises #AC first, as on the host). */
static uint64_t seg_linear(X86Cpu *cpu, int seg, uint64_t off, unsigned size,
                           int acc, bool whole)
{
    const X86Seg *s = &cpu->seg[seg];
    if (cpu->code64) {
        uint64_t lin = off + ((seg == R_FS || seg == R_GS) ? s->base : 0);
        if (!x86_is_canonical(lin) ||
            (whole && !x86_is_canonical(lin + size - 1))) {
            seg_fault(cpu, seg);
        }
        return lin;
    }
    if (cpu->pe && !cpu->vm86) {
        /* A null selector loaded into a data segment register faults on
         * use; so does a write to a read-only or code segment, or a read
         * of an execute-only code segment. */
        if (!(s->flags & SEGF_P)) {
            seg_fault(cpu, seg);
        }
        if ((acc & 3) == ACC_WRITE) {
            if ((s->flags & SEGF_CODE) || !(s->flags & SEGF_RW)) {
                seg_fault(cpu, seg);
            }
        } else if ((acc & 3) == ACC_READ) {
            if ((s->flags & SEGF_CODE) && !(s->flags & SEGF_RW)) {
                seg_fault(cpu, seg);
            }
        }
    }
    uint64_t last = off + size - 1;
    if (!(s->flags & SEGF_CODE) && (s->flags & SEGF_DC) &&
        (s->flags & SEGF_S)) {
        /* Expand-down: valid offsets are limit+1 .. 0xffff / 0xffffffff. */
        uint64_t upper = (s->flags & SEGF_DB) ? 0xffffffffULL : 0xffffULL;
        if (off <= s->limit || last > upper) {
            seg_fault(cpu, seg);
        }
    } else if ((last > s->limit || last < off) && s->limit != 0xffffffffu) {
        /* (An access to a 4 GiB segment wraps around at the top instead
         * of faulting, as on the host CPU.) */
        seg_fault(cpu, seg);
    }
    return (uint32_t)(s->base + off);
}

uint64_t x86_seg_linear(X86Cpu *cpu, int seg, uint64_t off, unsigned size,
                        int acc)
{
    return seg_linear(cpu, seg, off, size, acc, true);
}

/* After the alignment check: the rest of a 64-bit mode access must be
 * canonical too. */
static inline void check_end(X86Cpu *cpu, int seg, uint64_t lin,
                             unsigned size)
{
    if (cpu->code64 && !x86_is_canonical(lin + size - 1)) {
        seg_fault(cpu, seg);
    }
}

/* Alignment checks (#AC at CPL 3 with CR0.AM and EFLAGS.AC) and data
 * breakpoints: off the fast path unless one of them is enabled. */
static void access_checks(X86Cpu *cpu, uint64_t lin, unsigned size,
                          bool write)
{
    if ((cpu->hflags & X86_HF_AC) && (lin & (size - 1))) {
        x86_raise(cpu, EXC_AC, 0);
    }
    if (cpu->hflags & X86_HF_DBG) {
        x86_debug_data(cpu, lin, size, write);
    }
}

uint64_t x86_read(X86Cpu *cpu, int seg, uint64_t off, unsigned size)
{
    uint64_t lin = seg_linear(cpu, seg, off, size, ACC_READ, false);
    if (__builtin_expect(cpu->hflags & (X86_HF_AC | X86_HF_DBG), 0)) {
        access_checks(cpu, lin, size, false);
    }
    check_end(cpu, seg, lin, size);
    return x86_read_lin(cpu, lin, size, ACC_READ);
}

void x86_write(X86Cpu *cpu, int seg, uint64_t off, uint64_t v, unsigned size)
{
    uint64_t lin = seg_linear(cpu, seg, off, size, ACC_WRITE, false);
    if (__builtin_expect(cpu->hflags & (X86_HF_AC | X86_HF_DBG), 0)) {
        access_checks(cpu, lin, size, true);
    }
    check_end(cpu, seg, lin, size);
    x86_write_lin(cpu, lin, v, size, ACC_WRITE);
}

void x86_probe_write(X86Cpu *cpu, int seg, uint64_t off, unsigned size)
{
    uint64_t lin = seg_linear(cpu, seg, off, size, ACC_WRITE, false);
    /* The access a probe stands for would raise #AC before any #PF. */
    if (__builtin_expect(cpu->hflags & X86_HF_AC, 0) &&
        !(size & (size - 1)) && (lin & (size - 1))) {
        x86_raise(cpu, EXC_AC, 0);
    }
    check_end(cpu, seg, lin, size);
    x86_probe_lin(cpu, lin, size, ACC_WRITE);
}

void x86_read_bytes(X86Cpu *cpu, int seg, uint64_t off, void *buf,
                    unsigned len)
{
    uint8_t *p = buf;
    uint64_t lin = x86_seg_linear(cpu, seg, off, len, ACC_READ);
    if (__builtin_expect(cpu->hflags & X86_HF_DBG, 0)) {
        x86_debug_data(cpu, lin, len, false);
    }
    x86_probe_lin(cpu, lin, len, ACC_READ);
    for (unsigned i = 0; i < len; i++) {
        p[i] = x86_read_lin(cpu, lin + i, 1, ACC_READ);
    }
}

void x86_write_bytes(X86Cpu *cpu, int seg, uint64_t off, const void *buf,
                     unsigned len)
{
    const uint8_t *p = buf;
    uint64_t lin = x86_seg_linear(cpu, seg, off, len, ACC_WRITE);
    if (__builtin_expect(cpu->hflags & X86_HF_DBG, 0)) {
        x86_debug_data(cpu, lin, len, true);
    }
    x86_probe_lin(cpu, lin, len, ACC_WRITE);
    for (unsigned i = 0; i < len; i++) {
        x86_write_lin(cpu, lin + i, p[i], 1, ACC_WRITE);
    }
}
