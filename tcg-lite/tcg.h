/*
 * tcg-lite: the translation cache that makes the software CPU fast.
 *
 * Promise: attached to a vCPU, tcg-lite runs guest code as blocks of
 * instructions decoded once (cpu/decode.h) and executed by the
 * interpreter's own handlers - or by specialised forms of them built from
 * the same semantic helpers - so every architectural effect (registers,
 * memory, flags, faults, icount, where interrupts are taken) is the
 * interpreter's, instruction for instruction. Without it (or with
 * -accel tcg,interp=on) the vCPU runs the bare interpreter.
 *
 * Blocks are found by the physical address of their first byte, the CS
 * offset and base and the mode bits that change decoding (X86Cpu.hflags).
 * Any write to a page holding translated code - by a CPU, by DMA, by a
 * loader that marks it dirty - invalidates the blocks on the bytes it
 * touches (the running one included: it stops after the writing
 * instruction); a change of the address map drops the whole cache.
 * Nothing here is global: a TcgLite belongs to one address space.
 */
#ifndef PCVM_TCG_LITE_TCG_H
#define PCVM_TCG_LITE_TCG_H

#include <stddef.h>
#include <stdint.h>

#include "core/log.h"
#include "core/memory.h"
#include "cpu/cpu.h"

typedef struct TcgLite TcgLite;

/* Counters, for -d and the benchmarks. */
typedef struct TcgLiteStats {
    uint64_t blocks_built;
    uint64_t insns_translated;
    uint64_t blocks_run;      /* block entries (chained ones included) */
    uint64_t chained;         /* entries through a direct link */
    uint64_t jc_misses;       /* jump-cache misses */
    uint64_t invalidated;     /* blocks dropped by writes */
    uint64_t flushes;         /* whole-cache flushes */
    uint64_t steps;           /* instructions left to the interpreter */
    size_t cache_used;        /* bytes of the block cache in use */
    size_t cache_size;
} TcgLiteStats;

/* A cache of @cache_bytes (0: the default, 32 MiB) over @as. Returns NULL
 * when out of memory. */
TcgLite *tcg_lite_new(AddressSpace *as, Log *log, size_t cache_bytes);
/* Detaches every vCPU and frees the cache. */
void tcg_lite_free(TcgLite *t);
/* Run @cpu through the cache from now on; -1 when out of memory. */
int tcg_lite_attach(TcgLite *t, X86Cpu *cpu);
/* Drop every block (machine reset, loaders writing memory behind the
 * address space's back). */
void tcg_lite_flush(TcgLite *t);
void tcg_lite_stats(const TcgLite *t, TcgLiteStats *out);

#endif
