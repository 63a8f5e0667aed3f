/*
 * Memory operands of the stream generator: where they point (mostly the
 * sandbox; now and then across a page boundary, past the end of the
 * sandbox or the segment, into the read-only code, page 0, and in 64-bit
 * code to canonical but unmapped and to non-canonical addresses), and
 * how they are addressed: every ModRM/SIB form of 16-, 32- and 64-bit
 * addressing, with setup instructions loading the base and index
 * registers, segment overrides (in 64-bit code GS, based at
 * DtLayout.gs_base, and the ignored ones), RIP-relative operands.
 */
#include "tools/difftest/gen.h"

#include <string.h>

static uint64_t sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

/* --- targets --- */

static uint64_t pick_addr_legacy(DtGen *g, unsigned size)
{
    const DtLayout *lay = g->lay;
    uint32_t sbx = lay->sbx_base;
    /* Where the data segments reach: all the sandbox, or its part below
     * 64 KiB for 16-bit segments. */
    uint32_t end = (uint32_t)sbx_end(g);
    unsigned r = rn(g, 100);
    if (r < 82) {
        return sbx + rn(g, end - sbx - size + 1);
    }
    if (r < 92) {
        /* Across a page boundary inside the sandbox. */
        uint32_t page = sbx + DT_PAGE * (1 + rn(g, (end - sbx) / DT_PAGE - 1));
        return page - 1 - rn(g, size);
    }
    if (r < 95) {
        /* Over the end of the sandbox, or of the segment. */
        return end - rn(g, size) - 1;
    }
    if (r < 97) {
        /* The code: readable, not writable. */
        return lay->code_base + rn(g, DT_CODE_SIZE - size);
    }
    if (r < 98) {
        return rn(g, DT_PAGE);
    }
    return (uint32_t)rnd(g);
}

static uint64_t pick_addr64(DtGen *g, unsigned size)
{
    const DtLayout *lay = g->lay;
    uint64_t sbx = lay->sbx_base, end = sbx + DT_SBX_SIZE;
    unsigned r = rn(g, 100);
    if (r < 80) {
        return sbx + rn(g, (uint32_t)(end - sbx - size + 1));
    }
    if (r < 90) {
        /* Across a page boundary inside the sandbox. */
        uint64_t page = sbx + DT_PAGE * (1 + rn(g, DT_SBX_SIZE / DT_PAGE - 1));
        return page - 1 - rn(g, size);
    }
    if (r < 92) {
        return end - rn(g, size) - 1; /* over the end: #PF */
    }
    if (r < 94) {
        return lay->code_base + rn(g, DT_CODE_SIZE - size); /* read-only */
    }
    if (r < 95) {
        return rn(g, DT_PAGE); /* page 0: never mapped */
    }
    if (r < 97) {
        /* Canonical, far from anything mapped on either side. */
        return 0x0000100000000000ULL + (rnd(g) & 0xffffffffffULL);
    }
    /* Not canonical: #GP (#SS through RSP/RBP). */
    switch (rn(g, 4)) {
    case 0: return 0x0000800000000000ULL - rn(g, size);
    case 1: return 0xffff800000000000ULL - 1 - rn(g, 64);
    case 2: return 0x8000000000000000ULL | rnd(g);
    default: return rnd(g) | 0x0000800000000000ULL;
    }
}

uint64_t pick_addr(DtGen *g, unsigned size)
{
    return g->bits == 64 ? pick_addr64(g, size) : pick_addr_legacy(g, size);
}

/* --- 16-bit addressing --- */

/* Aimed at @want (a 16-bit offset). */
static void ea16(DtGen *g, Ea *e, uint32_t want)
{
    static const int8_t r1[8] = {DT_EBX, DT_EBX, DT_EBP, DT_EBP,
                                 DT_ESI, DT_EDI, DT_EBP, DT_EBX};
    static const int8_t r2[8] = {DT_ESI, DT_EDI, DT_ESI, DT_EDI,
                                 -1, -1, -1, -1};
    e->as = 2;
    e->rm = rn(g, 8);
    e->mod = rn(g, 3);
    if (e->mod != 0 || e->rm != 6) {
        uint16_t used = (uint16_t)(1u << r1[e->rm]);
        if (r2[e->rm] >= 0) {
            used |= (uint16_t)(1u << r2[e->rm]);
        }
        if (used & g->avoid) {
            e->mod = 0;
            e->rm = 6;
        }
    }
    if (e->mod == 0 && e->rm == 6) {
        e->disp = want & 0xffff;
        e->disp_size = 2;
        return;
    }
    if (e->mod == 1) {
        e->disp = (uint32_t)(int8_t)rn(g, 256);
        e->disp_size = 1;
    } else if (e->mod == 2) {
        e->disp = rn(g, 0x10000);
        e->disp_size = 2;
    }
    if (!chance(g, 80)) {
        e->wild = true; /* whatever the registers hold */
        return;
    }
    uint32_t rest = want - e->disp;
    if (r2[e->rm] >= 0) {
        uint32_t a = rn(g, 0x10000);
        set_reg(g, (unsigned)r1[e->rm], 2, a);
        set_reg(g, (unsigned)r2[e->rm], 2, (rest - a) & 0xffff);
    } else {
        set_reg(g, (unsigned)r1[e->rm], 2, rest & 0xffff);
    }
}

/* --- 32- and 64-bit addressing --- */

/* A base or index register not set up for this item (not ESP/RSP), or
 * -1. */
static int pick_base(DtGen *g)
{
    unsigned n = nregs(g), start = rn(g, n);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = (start + i) % n;
        if (r != DT_ESP && !((g->avoid >> r) & 1)) {
            return (int)r;
        }
    }
    return -1;
}

/* Set a base or index register to @v for the operand's address size. */
static void set_addr_reg(DtGen *g, const Ea *e, unsigned r, uint64_t v)
{
    set_reg(g, r, e->as, e->as == 4 ? (uint32_t)v : v);
}

/* A displacement for ModRM.mod @mod (1: disp8, 2: disp32), sign-extended. */
static uint64_t disp_value(DtGen *g, Ea *e, unsigned mod)
{
    if (mod == 1) {
        e->disp = (uint32_t)(int8_t)rn(g, 256);
        e->disp_size = 1;
    } else if (mod == 2) {
        e->disp = chance(g, 50) ? (uint32_t)rnd(g) : rn(g, 0x2000) - 0x1000;
        e->disp_size = 4;
    }
    return sext32(e->disp);
}

/* The ModRM/SIB form of @e->as (4 or 8) aimed at @want (the offset,
 * before a segment base). */
static void ea_sib(DtGen *g, Ea *e, uint64_t want)
{
    uint64_t amask = e->as == 4 ? 0xffffffffULL : ~0ULL;
    int base, index;
    switch (rn(g, 11)) {
    case 0:
    case 1: /* [base] (not 100b: SIB, 101b: disp32) */
        base = pick_base(g);
        if (base < 0 || (base & 7) == 4 || (base & 7) == 5) {
            break;
        }
        set_addr_reg(g, e, (unsigned)base, want);
        e->mod = 0;
        e->rm = base & 7;
        e->rex |= (uint8_t)rex_b((unsigned)base);
        return;
    case 2:
    case 3: /* [base + disp8/32] */
        base = pick_base(g);
        if (base < 0 || (base & 7) == 4) {
            break;
        }
        e->mod = chance(g, 50) ? 1 : 2;
        set_addr_reg(g, e, (unsigned)base,
                     (want - disp_value(g, e, e->mod)) & amask);
        e->rm = base & 7;
        e->rex |= (uint8_t)rex_b((unsigned)base);
        return;
    case 4:
    case 5: { /* SIB: base + index << scale + disp */
        unsigned scale = rn(g, 4);
        index = pick_base(g);
        if (index < 0) {
            break;
        }
        g->avoid |= (uint16_t)(1u << index);
        base = pick_base(g);
        g->avoid &= (uint16_t)~(1u << index);
        bool nobase = base < 0 || ((base & 7) == 5 && chance(g, 50));
        e->has_sib = true;
        e->rm = 4;
        e->mod = nobase ? 0 : (uint8_t)rn(g, 3);
        if (!nobase && e->mod == 0 && (base & 7) == 5) {
            e->mod = 1;
        }
        if (nobase) {
            base = DT_EBP; /* base field 101b with mod 0: disp32 */
            e->disp_size = 4;
        }
        uint64_t iv = chance(g, 50) ? rnd(g) : (uint64_t)(rn(g, 129) - 64);
        if (e->as == 8 && chance(g, 50)) {
            iv = sext32(iv);
        }
        set_addr_reg(g, e, (unsigned)index, iv);
        uint64_t rest = want - ((iv & amask) << scale);
        if (nobase) {
            e->disp = (uint32_t)rest;
            if (e->as == 8 && sext32(rest) != rest) {
                /* disp32 cannot reach it: the index alone. */
                e->disp = 0;
                set_addr_reg(g, e, (unsigned)index, want >> scale);
                if ((want >> scale) << scale != want) {
                    scale = 0;
                    set_addr_reg(g, e, (unsigned)index, want);
                }
            }
        } else {
            uint64_t d = disp_value(g, e, e->mod);
            set_addr_reg(g, e, (unsigned)base, (rest - d) & amask);
        }
        e->rex |= (uint8_t)((index >= 8 ? REX_X : 0) | rex_b((unsigned)base));
        e->sib = (uint8_t)(scale << 6 | (index & 7) << 3 | (base & 7));
        return;
    }
    case 6: /* SIB without an index (100b, which ignores the scale) */
        base = pick_base(g);
        if (base < 0) {
            break;
        }
        e->has_sib = true;
        e->rm = 4;
        e->mod = (base & 7) == 5 ? 1 + rn(g, 2) : rn(g, 3);
        set_addr_reg(g, e, (unsigned)base,
                     (want - disp_value(g, e, e->mod)) & amask);
        e->rex |= (uint8_t)rex_b((unsigned)base);
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | (base & 7));
        return;
    case 7:
    case 8: { /* 64-bit code: RIP-relative, reaching the sandbox and code */
        uint64_t code = g->lay->code_base;
        if (g->bits != 64 || want - code + 0x40000000ULL > 0x80000000ULL) {
            break;
        }
        e->mod = 0;
        e->rm = 5;
        e->riprel = true;
        e->target = want;
        e->disp_size = 4;
        return;
    }
    case 9: /* [esp + disp8]: the stack, wherever ESP is now */
        e->wild = true;
        e->has_sib = true;
        e->rm = 4;
        e->mod = 1;
        e->disp = rn(g, 64) - 8;
        e->disp_size = 1;
        e->sib = (uint8_t)(rn(g, 4) << 6 | 4 << 3 | DT_ESP);
        return;
    default:
        break;
    }
    /* [disp32] */
    e->mod = 0;
    e->rm = 5;
    e->disp = (uint32_t)want;
    e->disp_size = 4;
    if (g->bits != 64) {
        return;
    }
    /* 64-bit code: ModRM 05 is RIP-relative, an absolute address takes
     * a SIB without base or index, and only reaches 2 GiB (4 GiB with
     * 67); further away, a base register. */
    if (e->as == 4 ? want <= 0xffffffffULL : sext32(want) == want) {
        e->rm = 4;
        e->has_sib = true;
        e->sib = 0x25;
        return;
    }
    base = pick_base(g);
    if (base < 0 || (base & 7) == 4 || (base & 7) == 5) {
        base = (g->avoid >> DT_EBX) & 1 ? DT_ESI : DT_EBX;
    }
    set_addr_reg(g, e, (unsigned)base, want);
    e->disp_size = 0;
    e->rm = base & 7;
    e->rex |= (uint8_t)rex_b((unsigned)base);
}

/* --- operands --- */

/* The segment prefixes 64-bit code ignores. */
static uint8_t ignored_seg(DtGen *g)
{
    static const uint8_t segs[] = {0x26, 0x2e, 0x36, 0x3e};
    return segs[rn(g, 4)];
}

uint8_t pick_seg(DtGen *g, unsigned flags, uint64_t *addr)
{
    static const uint8_t segs[] = {0x26, 0x36, 0x3e, 0x2e};
    if (flags & E_NOSEG) {
        return 0;
    }
    if (g->bits == 64) {
        unsigned r = rn(g, 100);
        if (r < 12) {
            *addr -= g->lay->gs_base;
            return 0x65;
        }
        return r < 18 ? ignored_seg(g) : 0;
    }
    if (!chance(g, 12)) {
        return 0;
    }
    unsigned n = (flags & E_DST) && !chance(g, 10) ? 3 : 4;
    return segs[rn(g, n)];
}

/* The address form of @e for @want (the offset in its segment). */
static void ea_form(DtGen *g, Ea *e, uint64_t want)
{
    if (e->as == 4 && want > 0xffffffffULL) {
        e->as = 8; /* 67 cannot reach it */
    }
    if (e->as == 2) {
        ea16(g, e, (uint32_t)want);
    } else {
        ea_sib(g, e, e->as == 4 ? (uint32_t)want : want);
    }
}

Ea mem_at(DtGen *g, uint64_t addr, unsigned flags)
{
    Ea e;
    do {
        /* (a wild form sets up no register: nothing to take back) */
        memset(&e, 0, sizeof(e));
        e.mem = true;
        uint64_t want = addr;
        e.seg = pick_seg(g, flags, &want);
        e.as = (uint8_t)pick_as(g, 15);
        ea_form(g, &e, want);
    } while (e.wild && (flags & E_EXACT));
    return e;
}

Ea any_mem(DtGen *g)
{
    Ea e;
    memset(&e, 0, sizeof(e));
    e.mem = true;
    uint64_t want = rnd(g);
    e.seg = pick_seg(g, 0, &want);
    e.as = (uint8_t)pick_as(g, 25);
    ea_form(g, &e, e.as == 8 ? want : (uint32_t)want);
    return e;
}
