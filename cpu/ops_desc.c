/*
 * The descriptor instructions: LLDT, LTR, SLDT, STR, LAR, LSL, VERR and
 * VERW (SDM vol. 2). All are protected-mode only (#UD in real and
 * virtual-8086 mode); LLDT and LTR also need CPL 0. In long mode the LDT
 * and TSS descriptors are 16 bytes with 64-bit bases.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

static void require_pm(X86Cpu *cpu)
{
    if (!cpu->pe || cpu->vm86) {
        x86_raise(cpu, EXC_UD, -1);
    }
}

static void set_zf(X86Cpu *cpu, bool z)
{
    cc_materialize(cpu);
    cpu->cc_src = (cpu->cc_src & ~(uint64_t)FL_ZF) | (z ? FL_ZF : 0);
}

/* SLDT / STR: a memory destination takes 16 bits; a register gets the
 * selector zero-extended to the operand size. */
HANDLER(op_sldt_str)
{
    require_pm(cpu);
    if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint16_t sel = ((d->modrm >> 3) & 7) == 0 ? cpu->ldt.sel : cpu->tr.sel;
    if (d->mem) {
        x86_write(cpu, d->seg, x86_ea(cpu, d), sel, 2);
    } else {
        reg_write(cpu, d->rm, d->opsize == 2 ? 2 : 4, sel);
    }
}

/* LLDT and LTR in long mode: a 16-byte descriptor in the GDT of @type
 * (LDT, or an available 64-bit TSS) with a zero upper type and a
 * canonical 64-bit base. */
static void load_system_lm(X86Cpu *cpu, uint16_t sel, unsigned type,
                           X86Seg *s)
{
    X86Desc16 w;
    if ((sel & SEL_TI) || !desc_fetch16(cpu, sel, &w) ||
        !desc_is_system(&w.d) || desc_type(&w.d) != type ||
        !desc16_upper_ok(&w) || !x86_is_canonical(desc16_base(&w))) {
        pm_raise_sel(cpu, EXC_GP, sel, false);
    }
    if (!desc_present(&w.d)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
    desc_to_seg(s, sel, &w.d);
    s->base = desc16_base(&w);
}

HANDLER(op_lldt)
{
    X86Desc desc;
    require_pm(cpu);
    require_cpl0(cpu);
    uint16_t sel = load_E(cpu, d, 2);
    if (SEL_IS_NULL(sel)) {
        /* A null LDT: any later TI=1 selector faults. */
        cpu->ldt.sel = sel;
        cpu->ldt.base = 0;
        cpu->ldt.limit = 0;
        cpu->ldt.flags = 0;
        return;
    }
    if (cpu->lma) {
        load_system_lm(cpu, sel, DESC_LDT, &cpu->ldt);
        return;
    }
    if ((sel & SEL_TI) || !desc_fetch(cpu, sel, &desc) ||
        !desc_is_system(&desc) || desc_type(&desc) != DESC_LDT) {
        pm_raise_sel(cpu, EXC_GP, sel, false);
    }
    if (!desc_present(&desc)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
    desc_to_seg(&cpu->ldt, sel, &desc);
}

HANDLER(op_ltr)
{
    X86Desc desc;
    require_pm(cpu);
    require_cpl0(cpu);
    uint16_t sel = load_E(cpu, d, 2);
    if (SEL_IS_NULL(sel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (cpu->lma) {
        load_system_lm(cpu, sel, DESC_TSS32, &cpu->tr);
        desc_set_busy(cpu, sel, true);
        cpu->tr.flags |= DESC_TSS_BUSY_BIT << SEGF_TYPE_SHIFT;
        return;
    }
    if ((sel & SEL_TI) || !desc_fetch(cpu, sel, &desc) ||
        !desc_is_system(&desc) ||
        (desc_type(&desc) != DESC_TSS16 && desc_type(&desc) != DESC_TSS32)) {
        pm_raise_sel(cpu, EXC_GP, sel, false);
    }
    if (!desc_present(&desc)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
    desc_set_busy(cpu, sel, true);
    desc_to_seg(&cpu->tr, sel, &desc);
    cpu->tr.flags |= DESC_TSS_BUSY_BIT << SEGF_TYPE_SHIFT;
}

/* The descriptor LAR/LSL/VERR/VERW examine, or false (ZF = 0) when the
 * selector is null or outside its table. */
static bool examine(X86Cpu *cpu, uint16_t sel, X86Desc *desc)
{
    return !SEL_IS_NULL(sel) && desc_fetch(cpu, sel, desc);
}

/* Visible at CPL and RPL: conforming code always, anything else when
 * its DPL is at least both. */
static bool visible(const X86Cpu *cpu, uint16_t sel, const X86Desc *desc)
{
    if (desc_conforming(desc)) {
        return true;
    }
    return desc_dpl(desc) >= cpu->cpl && desc_dpl(desc) >= SEL_RPL(sel);
}

HANDLER(op_lar)
{
    X86Desc desc;
    require_pm(cpu);
    uint16_t sel = load_E(cpu, d, 2);
    bool ok = examine(cpu, sel, &desc) && visible(cpu, sel, &desc);
    if (ok && desc_is_system(&desc)) {
        /* TSSs, LDTs, call and task gates; not interrupt or trap gates.
         * Long mode knows only the LDT, 64-bit TSSs and call gates. */
        static const uint16_t valid = 1u << DESC_TSS16 | 1u << DESC_LDT |
                                      1u << DESC_TSS16_BUSY |
                                      1u << DESC_CALL16 | 1u << DESC_TASK |
                                      1u << DESC_TSS32 |
                                      1u << DESC_TSS32_BUSY |
                                      1u << DESC_CALL32;
        static const uint16_t valid_lm = 1u << DESC_LDT |
                                         1u << DESC_TSS32 |
                                         1u << DESC_TSS32_BUSY |
                                         1u << DESC_CALL32;
        ok = ((cpu->lma ? valid_lm : valid) >> desc_type(&desc)) & 1;
    }
    if (ok) {
        /* Bits 19:16 (the top of the limit) come along, as on the host
         * (tools/difftest). */
        uint32_t ar = desc.hi & (d->opsize == 2 ? 0xff00u : 0x00ffff00u);
        store_G(cpu, d, d->opsize == 2 ? 2 : 4, ar);
    }
    set_zf(cpu, ok);
}

HANDLER(op_lsl)
{
    X86Desc desc;
    require_pm(cpu);
    uint16_t sel = load_E(cpu, d, 2);
    bool ok = examine(cpu, sel, &desc) && visible(cpu, sel, &desc);
    if (ok && desc_is_system(&desc)) {
        /* Only descriptors that have a limit: TSSs and LDTs. */
        static const uint16_t valid = 1u << DESC_TSS16 | 1u << DESC_LDT |
                                      1u << DESC_TSS16_BUSY |
                                      1u << DESC_TSS32 |
                                      1u << DESC_TSS32_BUSY;
        static const uint16_t valid_lm = 1u << DESC_LDT |
                                         1u << DESC_TSS32 |
                                         1u << DESC_TSS32_BUSY;
        ok = ((cpu->lma ? valid_lm : valid) >> desc_type(&desc)) & 1;
    }
    if (ok) {
        store_G(cpu, d, d->opsize == 2 ? 2 : 4, desc_limit(&desc));
    }
    set_zf(cpu, ok);
}

HANDLER(op_verr_verw)
{
    X86Desc desc;
    require_pm(cpu);
    bool verw = ((d->modrm >> 3) & 7) == 5;
    uint16_t sel = load_E(cpu, d, 2);
    bool ok = examine(cpu, sel, &desc) && !desc_is_system(&desc) &&
              visible(cpu, sel, &desc);
    if (ok) {
        ok = verw ? desc_is_writable_data(&desc) : desc_is_readable(&desc);
    }
    set_zf(cpu, ok);
}
