/*
 * The 64-bit stream generator's internals, shared by the files that
 * generate 64-bit instruction groups (gen64.c: integer and far,
 * gen64_sse.c: SSE). Not an interface for anything else: see dt.h.
 */
#ifndef PCVM_TOOLS_DIFFTEST_GEN64_H
#define PCVM_TOOLS_DIFFTEST_GEN64_H

#include "tools/difftest/dt.h"
#include "tools/difftest/vals.h"

typedef struct Gen64 {
    uint64_t rng;
    const DtLayout *lay;
    DtStream *s;
    uint64_t group_mask;
    unsigned group;      /* index in dt_groups */
    unsigned limit;      /* code bytes an item may start below */
    unsigned start;      /* the instruction being built */
    uint32_t flag_mask;
    uint16_t reg_mask;
    unsigned depth;
    uint16_t avoid;      /* registers set up for this item */
    bool norex;          /* byte item using AH-BH: no REX anywhere */
    int rip_at;          /* a RIP-relative disp32 to resolve, or -1 */
    uint64_t rip_target;
} Gen64;

/* A ModRM operand. */
typedef struct Ea64 {
    bool mem;
    uint8_t reg;        /* register form: 0-15 (byte: see phys_reg) */
    bool a32;           /* 67: 32-bit addressing */
    uint8_t mod, rm;    /* rm: low three bits */
    bool has_sib;
    uint8_t sib;
    unsigned rex;       /* REX.X / REX.B this operand needs */
    uint32_t disp;
    uint8_t disp_size;
    uint8_t seg;        /* segment prefix, or 0 */
    bool riprel;
    uint64_t target;    /* RIP-relative: the address (before GS) */
    bool wild;          /* not aimed: wherever RSP points */
} Ea64;

#define E_REG 1u
#define E_MEM 2u
#define E_DST 4u        /* written: rarely RSP */
#define E_NOSEG 8u      /* no segment prefix */
#define E_NOA32 16u     /* 64-bit addressing only */

#define REX_W 8u
#define REX_R 4u
#define REX_X 2u
#define REX_B 1u

/* The helpers of gen64.c (see there). */
uint64_t g64_rnd(Gen64 *g);
uint32_t g64_rn(Gen64 *g, uint32_t n);
bool g64_chance(Gen64 *g, unsigned percent);
uint64_t g64_interesting(Gen64 *g, unsigned size);
void g64_byte(Gen64 *g, uint8_t b);
void g64_ins_begin(Gen64 *g);
void g64_ins_end(Gen64 *g);
void g64_setup_end(Gen64 *g);
/* Legacy prefixes in random order, then a REX (its low four bits in
 * @rex; @want_rex: even with none set). @os 2 adds 66, @a32 67. */
void g64_prefixes(Gen64 *g, bool lock, uint8_t seg, unsigned os, bool a32,
                  uint8_t rep, unsigned rex, bool want_rex);
/* MOV r, imm of @size (1, 2, 4 or 8) as setup. */
void g64_set_reg(Gen64 *g, unsigned r, unsigned size, uint64_t v);
/* Setup stores of @size bytes at @addr (inside the sandbox only). */
void g64_set_mem(Gen64 *g, uint64_t addr, unsigned size, uint64_t v);
bool g64_in_sandbox(const Gen64 *g, uint64_t addr, unsigned size);
void g64_maybe_flags(Gen64 *g, unsigned percent);
uint64_t g64_pick_addr(Gen64 *g, unsigned size);
unsigned g64_pick_reg(Gen64 *g, unsigned size, bool dst);
Ea64 g64_mem_at(Gen64 *g, uint64_t addr, unsigned flags);
Ea64 g64_reg_E(unsigned r);
Ea64 g64_pick_E(Gen64 *g, unsigned size, unsigned flags);
void g64_modrm(Gen64 *g, const Ea64 *e, unsigned regf);

/* The SSE groups (gen64_sse.c). */
void gen64_sse_init(Gen64 *g);
void gen64_ssefp(Gen64 *g);
void gen64_ssecvt(Gen64 *g);
void gen64_ssemov(Gen64 *g);
void gen64_sseint(Gen64 *g);

#endif
