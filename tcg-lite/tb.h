/*
 * tcg-lite internals: translated blocks, the cache that holds them, the
 * per-vCPU state. Shared by cache.c (storage, lookup, invalidation),
 * translate.c (building blocks), run.c (executing them) and spec.c
 * (specialised handlers). Not an interface for anything else.
 */
#ifndef PCVM_TCG_LITE_TB_H
#define PCVM_TCG_LITE_TB_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include "cpu/decode.h"
#include "cpu/internal.h"
#include "tcg-lite/tcg.h"

/* Most instructions in a block. */
#define TB_MAX_INSNS 64
#define TB_HASH_BITS 15
#define TB_PAGE_HASH_BITS 12
#define TB_JC_BITS 12

/* How a block ends, for chaining. */
enum {
    TB_EXIT_NEXT,    /* falls through to link_pc[0] */
    TB_EXIT_DIRECT,  /* a direct branch: link_pc[1] taken, [0] not taken */
    TB_EXIT_INDIRECT, /* a branch to a computed target */
    TB_EXIT_END,     /* an OPF_END instruction: back to the run loop */
};

typedef struct TcgPage TcgPage;
typedef struct TcgBlock TcgBlock;

/* One pre-decoded instruction. d.handler is a specialised form of the
 * interpreter's handler (spec.c, string.c), or tb_call_interp calling the
 * interpreter's own, or (the last instruction of a block) the
 * interpreter's handler itself.
 *
 * Before an instruction inside a block (not the last) the run loop sets
 * none of cpu->rip, insn_start and next_rip: the specialised handlers do
 * not need them, and whatever needs them - the interpreter's handler,
 * which may fault or read them - goes through tb_call_interp or
 * tb_fallback, which set them from pc and next first. The last
 * instruction gets them from the loop, as in the interpreter. */
typedef struct TcgOp {
    DecodedInsn d;        /* first: handlers get &op->d */
    X86Handler *interp;   /* the interpreter's handler */
    uint64_t pc;          /* CS offset of the instruction */
    uint64_t next;        /* and of the one after it */
} TcgOp;

static inline const TcgOp *tb_op(const DecodedInsn *d)
{
    return (const TcgOp *)d;
}

/* What the interpreter's step sets before a handler runs. */
static inline void tb_set_pc(X86Cpu *cpu, const DecodedInsn *d)
{
    const TcgOp *op = tb_op(d);
    cpu->rip = op->pc;
    cpu->insn_start = op->pc;
    cpu->next_rip = op->next;
}

/* A specialised handler leaving the rest to the interpreter's @h (before
 * any state change of its own). */
static inline void tb_fallback(X86Cpu *cpu, const DecodedInsn *d,
                               X86Handler *h)
{
    tb_set_pc(cpu, d);
    h(cpu, d);
}

/* run.c: d.handler of an instruction inside a block that has no
 * specialised form. */
void tb_call_interp(X86Cpu *cpu, const DecodedInsn *d);

struct TcgBlock {
    /* The key. */
    uint64_t pc;         /* CS offset of the first instruction */
    uint64_t cs_base;
    uint32_t hflags;
    uint16_t n_ops;
    uint8_t valid;
    uint8_t exit;        /* TB_EXIT_* */
    uint64_t phys;       /* physical address of the first byte */
    /* What validates a cached entry: the host bytes it was built from,
     * reached again through the code TLB. */
    const uint8_t *host;  /* first byte */
    const uint8_t *host2; /* start of the second page, or NULL */
    uint64_t end_off;     /* CS offset of the last byte (limit check) */
    uint64_t rip_mask;    /* 0xffff, 0xffffffff or ~0 */
    uint32_t size;        /* bytes of guest code */
    uint32_t jc_index;
    TcgBlock *hash_next;
    /* Blocks on the same page (page[1]: the second page, if any). */
    TcgPage *page[2];
    TcgBlock *page_next[2];
    /* Direct successors (followed only while still valid). */
    uint64_t link_pc[2];
    TcgBlock *link[2];
    TcgOp ops[];
};

/* A guest page holding translated code, by its host address. */
struct TcgPage {
    uintptr_t host;       /* page-aligned host address */
    TcgPage *next;        /* hash chain */
    TcgBlock *blocks;     /* through page_next[] */
    MemRegion *mr;        /* the RAM/ROM region and page offset in it */
    uint64_t offset;
    uint16_t lo, hi;      /* bytes [lo, hi) hold code */
};

typedef struct TcgVcpu {
    TcgLite *t;
    X86Cpu *cpu;
    TcgBlock *jc[1 << TB_JC_BITS]; /* jump cache: by linear pc */
} TcgVcpu;

struct TcgLite {
    AddressSpace *as;
    Log *log;
    uint8_t *arena;
    size_t arena_size;
    size_t arena_used;
    uint64_t flush_gen;       /* incremented by every flush */
    bool flush_pending;       /* the map changed: flush before running */
    TcgBlock *hash[1 << TB_HASH_BITS];
    TcgPage *pages[1 << TB_PAGE_HASH_BITS];
    TcgVcpu **vcpus;
    int nvcpus;
    X86Cpu *running_cpu;      /* in a block right now, or NULL */
    TcgBlock *running;
    MemRegion **watched;      /* regions whose DIRTY_CODE hook is ours */
    int nwatched;
    bool chain;               /* -d nochain clears it */
    TcgLiteStats stats;
};

/* --- fast memory operands, for the specialised handlers --- */

static inline uint64_t ld(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void st(uint8_t *p, uint64_t v, unsigned size)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/*
 * The host bytes of [seg:off, +size) when a read (and, with @write, a
 * write) there would certainly succeed without side effects beyond the
 * bytes themselves: a present, expand-up, writable data segment (every
 * mode's checks pass), inside the limit, within one page, with a fast
 * TLB tag for the current privilege. Else NULL. The translator uses the
 * fast forms only outside 64-bit mode and without alignment checks or
 * breakpoints (hflags), so those need no test here.
 */
static inline __attribute__((always_inline)) uint8_t *
fast_ptr(X86Cpu *cpu, unsigned seg, uint64_t off, unsigned size, bool write)
{
    const uint32_t need = SEGF_P | SEGF_S | SEGF_RW;
    const X86Seg *s = &cpu->seg[seg];
    if ((s->flags & (need | SEGF_CODE | SEGF_DC)) != need ||
        off + size - 1 > s->limit) {
        return NULL;
    }
    uint32_t lin = (uint32_t)(s->base + off);
    if ((lin & ~PAGE_MASK) > PAGE_SIZE - size) {
        return NULL;
    }
    const TlbEntry *e = &cpu->tlb->e[cpu->cpl == 3 ? MMU_USER : MMU_SUPER]
                                    [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    uint64_t page = lin & PAGE_MASK;
    if (e->tag_read != page || (write && e->tag_write != page)) {
        return NULL;
    }
    return (uint8_t *)(uintptr_t)(lin + e->addend);
}

/* fast_ptr for a read, which a read-only data segment or a readable code
 * segment allows too (constants addressed through CS). */
static inline __attribute__((always_inline)) const uint8_t *
fast_read_ptr(X86Cpu *cpu, unsigned seg, uint64_t off, unsigned size)
{
    const X86Seg *s = &cpu->seg[seg];
    const uint32_t f = s->flags;
    /* Code: readable; data: expand-up. */
    const uint32_t bad = (f & SEGF_CODE) ? 0 : SEGF_DC;
    const uint32_t need = SEGF_P | SEGF_S | ((f & SEGF_CODE) ? SEGF_RW : 0);
    if ((f & (need | bad)) != need || off + size - 1 > s->limit) {
        return NULL;
    }
    uint32_t lin = (uint32_t)(s->base + off);
    if ((lin & ~PAGE_MASK) > PAGE_SIZE - size) {
        return NULL;
    }
    const TlbEntry *e = &cpu->tlb->e[cpu->cpl == 3 ? MMU_USER : MMU_SUPER]
                                    [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (e->tag_read != (lin & PAGE_MASK)) {
        return NULL;
    }
    return (const uint8_t *)(uintptr_t)(lin + e->addend);
}

/* cache.c */
void *tb_alloc(TcgLite *t, size_t size);
void tb_flush(TcgLite *t);
TcgBlock *tb_hash_find(TcgLite *t, uint64_t phys, uint64_t pc,
                       uint64_t cs_base, uint32_t hflags);
/* Make @b findable and watch its pages; false if a page could not be
 * watched (then the block must not be used). */
bool tb_commit(TcgLite *t, TcgBlock *b, uint64_t phys2);
/* Drop @b (it stays readable until the next flush). */
void tb_invalidate(TcgLite *t, TcgBlock *b);
static inline unsigned tb_jc_hash(uint64_t lin)
{
    return (unsigned)((lin ^ (lin >> TB_JC_BITS)) & ((1u << TB_JC_BITS) - 1));
}

/* translate.c: a block at cpu->rip (linear @lin, physical @phys, host
 * bytes @host), or NULL when this instruction is better left to the
 * interpreter. Raises what the fetch of the first instruction raises. */
TcgBlock *tb_translate(TcgLite *t, X86Cpu *cpu, uint64_t lin, uint64_t phys,
                       const uint8_t *host);

/* spec.c: a specialised handler for @d in a block of mode @hflags, where
 * the instructions before it certainly leave lazy-flags operation @cc
 * (-1: not known); NULL if there is none. */
X86Handler *tb_specialize(const DecodedInsn *d, uint32_t hflags, int cc);
/* sse.c: the fast form of an SSE arithmetic instruction, or NULL. */
X86Handler *tb_specialize_sse(const DecodedInsn *d);
/* x87.c: the fast form of an x87 instruction (op_x87), or NULL. */
X86Handler *tb_specialize_x87(const DecodedInsn *d);
/* string.c: the bulk form of a string instruction, or NULL. */
X86Handler *tb_specialize_string(const DecodedInsn *d);
/* The lazy-flags operation certainly in force after @d, given @cc before
 * it (-1: not known). */
int tb_cc_after(const DecodedInsn *d, int cc);

/* run.c */
bool tb_exec(X86Cpu *cpu, uint64_t budget);

#endif
