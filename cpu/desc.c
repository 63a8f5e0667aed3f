/*
 * Descriptors: fetch through the GDT or LDT, accessed and busy bits,
 * segment caches, and the segment-register helpers far transfers share.
 * See desc.h.
 */
#include "cpu/desc.h"

#include "cpu/internal.h"

bool desc_addr(const X86Cpu *cpu, uint16_t sel, uint64_t *lin)
{
    uint32_t index = sel & ~7u;
    if (sel & SEL_TI) {
        const X86Seg *ldt = &cpu->ldt;
        /* LLDT with a null selector leaves the LDT unusable. */
        if (!(ldt->flags & SEGF_P) || index + 7 > ldt->limit) {
            return false;
        }
        *lin = ldt->base + index;
    } else {
        if (index + 7 > cpu->gdt.limit) {
            return false;
        }
        *lin = cpu->gdt.base + index;
    }
    return true;
}

bool desc_fetch(X86Cpu *cpu, uint16_t sel, X86Desc *d)
{
    uint64_t lin;
    if (!desc_addr(cpu, sel, &lin)) {
        return false;
    }
    uint64_t v = x86_read_lin(cpu, lin, 8, ACC_READ | ACC_SUPER);
    d->lo = (uint32_t)v;
    d->hi = (uint32_t)(v >> 32);
    return true;
}

bool desc_fetch16(X86Cpu *cpu, uint16_t sel, X86Desc16 *w)
{
    uint64_t lin;
    uint32_t index = sel & ~7u;
    uint32_t limit = (sel & SEL_TI) ? cpu->ldt.limit : cpu->gdt.limit;
    if (!desc_addr(cpu, sel, &lin) || index + 15 > limit) {
        return false;
    }
    uint64_t lo = x86_read_lin(cpu, lin, 8, ACC_READ | ACC_SUPER);
    uint64_t hi = x86_read_lin(cpu, lin + 8, 8, ACC_READ | ACC_SUPER);
    w->d.lo = (uint32_t)lo;
    w->d.hi = (uint32_t)(lo >> 32);
    w->hi2 = (uint32_t)hi;
    w->hi3 = (uint32_t)(hi >> 32);
    return true;
}

void pm_raise_sel(X86Cpu *cpu, int vec, uint16_t sel, bool ext)
{
    x86_raise(cpu, vec, SEL_ERR(sel, ext));
}

void desc_fetch_or_raise(X86Cpu *cpu, uint16_t sel, X86Desc *d, int vec,
                         bool ext)
{
    if (!desc_fetch(cpu, sel, d)) {
        pm_raise_sel(cpu, vec, sel, ext);
    }
}

void desc_set_accessed(X86Cpu *cpu, uint16_t sel, X86Desc *d)
{
    uint64_t lin;
    if ((d->hi & SEGF_A) || !desc_addr(cpu, sel, &lin)) {
        return;
    }
    d->hi |= SEGF_A;
    x86_write_lin(cpu, lin + 5, (d->hi >> 8) & 0xff, 1,
                  ACC_WRITE | ACC_SUPER);
}

void desc_set_busy(X86Cpu *cpu, uint16_t sel, bool busy)
{
    uint64_t lin;
    if (!desc_addr(cpu, sel & ~SEL_TI, &lin)) {
        return;
    }
    uint32_t access = x86_read_lin(cpu, lin + 5, 1, ACC_READ | ACC_SUPER);
    uint32_t bit = DESC_TSS_BUSY_BIT;
    access = busy ? access | bit : access & ~bit;
    x86_write_lin(cpu, lin + 5, access, 1, ACC_WRITE | ACC_SUPER);
}

void desc_to_seg(X86Seg *s, uint16_t sel, const X86Desc *d)
{
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->flags = desc_flags(d);
}

void pm_seg_null(X86Cpu *cpu, int seg, uint16_t sel)
{
    X86Seg *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->flags = 0;
}

void pm_null_inner_data_segs(X86Cpu *cpu)
{
    static const int segs[] = {R_ES, R_DS, R_FS, R_GS};
    for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        X86Seg *s = &cpu->seg[segs[i]];
        unsigned dpl = (s->flags & SEGF_DPL_MASK) >> SEGF_DPL_SHIFT;
        bool code = (s->flags & SEGF_CODE) != 0;
        bool conforming = code && (s->flags & SEGF_DC);
        if ((s->flags & SEGF_S) && !conforming && cpu->cpl > dpl) {
            uint64_t base = s->base;
            pm_seg_null(cpu, segs[i], 0);
            if (cpu->lma && (segs[i] == R_FS || segs[i] == R_GS)) {
                s->base = base; /* (the MSR-loaded bases stay) */
            }
        } else if (SEL_IS_NULL(s->sel)) {
            /* A null selector with a non-zero RPL becomes 0 (SDM, IRET
             * and RET: "segment selector becomes null"). */
            s->sel = 0;
        }
    }
}

bool pm_seg_offset_ok(const X86Seg *s, uint32_t off, unsigned size)
{
    uint64_t last = (uint64_t)off + size - 1;
    if ((s->flags & SEGF_S) && !(s->flags & SEGF_CODE) &&
        (s->flags & SEGF_DC)) {
        uint64_t upper = (s->flags & SEGF_DB) ? 0xffffffffULL : 0xffffULL;
        return off > s->limit && last <= upper;
    }
    return last <= s->limit;
}
