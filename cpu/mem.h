/*
 * The CPU's view of memory: segmentation, paging, the software TLB.
 *
 * Promise: x86_read/x86_write take a segment and an offset, apply every
 * segment check of the current mode (#GP, or #SS for the stack segment),
 * translate through the TLB (page walk on a miss, #PF with the right error
 * code and CR2 on a fault), then touch RAM through a host pointer or reach
 * MMIO through the address space. An access that crosses a page checks
 * both pages before it writes anything. Accesses of 1, 2, 4 or 8 bytes are
 * little-endian values; x86_read_bytes/x86_write_bytes move 10- or 16-byte
 * operands (x87, SSE) with the same guarantees.
 *
 * The TLB has separate read, write and code tags per entry and one set of
 * entries per privilege (user, supervisor). Pages that are MMIO, ROM or
 * watched (translated code, VGA) never get a fast write tag.
 */
#ifndef PCVM_CPU_MEM_H
#define PCVM_CPU_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Access kinds. */
#define ACC_READ 0
#define ACC_WRITE 1
#define ACC_EXEC 2
/* Modifier: an implicit supervisor access (descriptor tables, TSS), made at
 * supervisor privilege whatever the CPL. */
#define ACC_SUPER 4

#define TLB_BITS 10
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID (~0ULL)
/* Low bits of a tag: the page is reachable only through the slow path. */
#define TLB_SLOW 1ULL

typedef struct TlbEntry {
    uint64_t tag_read;   /* linear page | flags, or TLB_INVALID */
    uint64_t tag_write;
    uint64_t tag_code;
    uintptr_t addend;    /* host = linear + addend (RAM pages) */
    uint64_t paddr;      /* physical page */
    uint64_t vmask;      /* ~(size of the guest page - 1): INVLPG of any
                            address in a large page drops all its pieces */
    bool global;
} TlbEntry;

enum { MMU_SUPER, MMU_USER, MMU_COUNT };

struct X86Tlb {
    TlbEntry e[MMU_COUNT][TLB_SIZE];
};

/* Segmented access (offset wrapped by the caller to the address size). */
uint64_t x86_read(X86Cpu *cpu, int seg, uint64_t off, unsigned size);
void x86_write(X86Cpu *cpu, int seg, uint64_t off, uint64_t v,
               unsigned size);
/* Check that a write would succeed (segment and page), raising the fault
 * it would take; used before read-modify-write and multi-part stores. */
void x86_probe_write(X86Cpu *cpu, int seg, uint64_t off, unsigned size);
void x86_read_bytes(X86Cpu *cpu, int seg, uint64_t off, void *buf,
                    unsigned len);
void x86_write_bytes(X86Cpu *cpu, int seg, uint64_t off, const void *buf,
                     unsigned len);

/* Segment check and base: returns the linear address. */
uint64_t x86_seg_linear(X86Cpu *cpu, int seg, uint64_t off, unsigned size,
                        int acc);

/* Linear access (after segmentation). @acc is ACC_* | ACC_SUPER. */
uint64_t x86_read_lin(X86Cpu *cpu, uint64_t lin, unsigned size, int acc);
void x86_write_lin(X86Cpu *cpu, uint64_t lin, uint64_t v, unsigned size,
                   int acc);
void x86_probe_lin(X86Cpu *cpu, uint64_t lin, unsigned size, int acc);

/* Linear to physical, through the TLB; raises #PF. */
uint64_t x86_translate(X86Cpu *cpu, uint64_t lin, int acc);

/* Instruction fetch of one byte at a linear address. */
uint8_t x86_fetch_lin(X86Cpu *cpu, uint64_t lin);
/* A host pointer to the code at linear @lin, valid to the end of its page,
 * when that page is plain RAM (filling the code TLB, which may raise #PF
 * as the fetch of that byte would); NULL when the bytes must come through
 * x86_fetch_lin (MMIO, ROM behind a slow path). */
const uint8_t *x86_fetch_ptr(X86Cpu *cpu, uint64_t lin);

/* Physical access for page walks and hardware structures (A20 applied). */
uint64_t x86_phys_read(X86Cpu *cpu, uint64_t pa, unsigned size);
void x86_phys_write(X86Cpu *cpu, uint64_t pa, uint64_t v, unsigned size);

void x86_tlb_init(X86Cpu *cpu);
void x86_tlb_free(X86Cpu *cpu);
/* Flush every entry (CR3 loads keep global pages unless @global). */
void x86_tlb_flush(X86Cpu *cpu, bool global);
void x86_tlb_flush_page(X86Cpu *cpu, uint64_t lin);

/* The page walk (mmu.c). On success fills the result; on a fault raises
 * #PF (setting CR2) unless @probe, in which case it returns false. */
typedef struct X86PageWalk {
    uint64_t paddr;      /* physical address of @lin */
    uint64_t page_size;
    bool writable;       /* for this privilege, CR0.WP considered */
    bool user;           /* user-accessible */
    bool executable;
    bool dirty;          /* D is set (fast writes allowed) */
    bool global;
} X86PageWalk;

bool x86_page_walk(X86Cpu *cpu, uint64_t lin, int acc, bool user,
                   bool probe, X86PageWalk *w);

/* PAE paging outside long mode uses four PDPTE registers, loaded from
 * @cr3 when CR3 is written and when CR0/CR4 changes turn PAE paging on or
 * change how it works. False (nothing loaded) when a present PDPTE has
 * reserved bits set: the MOV then raises #GP(0). */
bool x86_load_pdptes(X86Cpu *cpu, uint64_t cr3);

/* Canonical in the current paging mode (48-bit; always true outside long
 * mode). */
static inline bool x86_is_canonical(uint64_t addr)
{
    return (uint64_t)(((int64_t)addr << 16) >> 16) == addr;
}

#endif
