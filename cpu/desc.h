/*
 * Protected-mode building blocks shared by segment loads, far transfers,
 * interrupt delivery, task switches and the descriptor instructions:
 * selectors, descriptors (fetch through the GDT or LDT, decode, accessed
 * and busy bits), and the stack frames far transfers build on a stack that
 * is not SS yet.
 *
 * Promise: every descriptor-table and TSS access is an implicit supervisor
 * access (ACC_SUPER) checked against the table limit first. A helper that
 * "raises" raises exactly the vector and error code its caller names, and
 * changes nothing before that. Error codes follow the SDM: selector with
 * the RPL bits replaced by EXT (bit 0) and IDT (bit 1).
 */
#ifndef PCVM_CPU_DESC_H
#define PCVM_CPU_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* --- selectors --- */

#define SEL_RPL(s) ((unsigned)(s) & 3u)
#define SEL_TI 4u
#define SEL_IS_NULL(s) (((s) & 0xfffc) == 0)
/* The error code naming selector @s, with the EXT bit @ext. */
#define SEL_ERR(s, ext) ((int)(((s) & 0xfffc) | ((ext) ? 1 : 0)))
/* The error code naming IDT entry @vec. */
#define IDT_ERR(vec, ext) ((int)(((vec) << 3) | 2 | ((ext) ? 1 : 0)))

/* --- descriptors --- */

typedef struct X86Desc {
    uint32_t lo, hi;
} X86Desc;

/* System descriptor types (S = 0). */
enum {
    DESC_TSS16 = 1,       /* available 16-bit TSS */
    DESC_LDT = 2,
    DESC_TSS16_BUSY = 3,
    DESC_CALL16 = 4,
    DESC_TASK = 5,
    DESC_INT16 = 6,
    DESC_TRAP16 = 7,
    DESC_TSS32 = 9,
    DESC_TSS32_BUSY = 11,
    DESC_CALL32 = 12,
    DESC_INT32 = 14,
    DESC_TRAP32 = 15,
};
#define DESC_TSS_BUSY_BIT 2u   /* in the type: available -> busy */

static inline unsigned desc_type(const X86Desc *d)
{
    return (d->hi >> 8) & 0xf;
}

static inline bool desc_is_system(const X86Desc *d)
{
    return !(d->hi & SEGF_S);
}

static inline bool desc_is_code(const X86Desc *d)
{
    return (d->hi & SEGF_S) && (d->hi & SEGF_CODE);
}

static inline bool desc_is_data(const X86Desc *d)
{
    return (d->hi & SEGF_S) && !(d->hi & SEGF_CODE);
}

static inline bool desc_conforming(const X86Desc *d)
{
    return desc_is_code(d) && (d->hi & SEGF_DC);
}

/* A writable data segment (what SS must be). */
static inline bool desc_is_writable_data(const X86Desc *d)
{
    return desc_is_data(d) && (d->hi & SEGF_RW);
}

/* Data, or readable code (what DS/ES/FS/GS may hold). */
static inline bool desc_is_readable(const X86Desc *d)
{
    return desc_is_data(d) || (desc_is_code(d) && (d->hi & SEGF_RW));
}

static inline unsigned desc_dpl(const X86Desc *d)
{
    return (d->hi >> 13) & 3;
}

static inline bool desc_present(const X86Desc *d)
{
    return (d->hi & SEGF_P) != 0;
}

static inline uint32_t desc_base(const X86Desc *d)
{
    return (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
}

/* The limit in bytes, granularity applied. */
static inline uint32_t desc_limit(const X86Desc *d)
{
    uint32_t raw = (d->lo & 0xffff) | (d->hi & 0xf0000);
    return (d->hi & SEGF_G) ? (raw << 12) | 0xfff : raw;
}

/* The SEGF_* attribute bits as a segment cache holds them. */
static inline uint32_t desc_flags(const X86Desc *d)
{
    return d->hi & 0x00f0ff00u;
}

/* Gates. */
static inline uint16_t gate_selector(const X86Desc *d)
{
    return d->lo >> 16;
}

/* The entry point; 16-bit gates (type bit 3 clear) hold 16 bits. */
static inline uint32_t gate_offset(const X86Desc *d)
{
    uint32_t off = d->lo & 0xffff;
    if (desc_type(d) & 8) {
        off |= d->hi & 0xffff0000u;
    }
    return off;
}

static inline bool gate_is_32(const X86Desc *d)
{
    return (desc_type(d) & 8) != 0;
}

static inline unsigned gate_param_count(const X86Desc *d)
{
    return d->hi & 0x1f;
}

/* --- long mode: 16-byte system descriptors --- */

/* Long-mode system descriptor types: LDT (2), 64-bit TSS (9, busy 11),
 * call gate (12), interrupt gate (14) and trap gate (15) take 16 bytes;
 * the second 8 bytes hold bits 63:32 of the base or offset and a type
 * field that must be zero. */
typedef struct X86Desc16 {
    X86Desc d;
    uint32_t hi2;   /* bits 63:32 of the base or offset */
    uint32_t hi3;   /* reserved; its type bits (12:8) must be 0 */
} X86Desc16;

static inline uint64_t desc16_base(const X86Desc16 *w)
{
    return desc_base(&w->d) | (uint64_t)w->hi2 << 32;
}

static inline uint64_t gate16_offset(const X86Desc16 *w)
{
    return (w->d.lo & 0xffff) | (w->d.hi & 0xffff0000u) |
           (uint64_t)w->hi2 << 32;
}

/* The upper half is well formed (its type field is zero). */
static inline bool desc16_upper_ok(const X86Desc16 *w)
{
    return ((w->hi3 >> 8) & 0x1f) == 0;
}

/* The interrupt stack table index of a long-mode interrupt gate. */
static inline unsigned gate_ist(const X86Desc *d)
{
    return d->hi & 7;
}

/* A code segment long mode runs as 64-bit code: L set, D clear. */
static inline bool desc_is_code64(const X86Desc *d)
{
    return desc_is_code(d) && (d->hi & SEGF_L) && !(d->hi & SEGF_DB);
}

/* L and D both set: a reserved combination in long mode (#GP). */
static inline bool desc_l_and_d(const X86Desc *d)
{
    return (d->hi & SEGF_L) && (d->hi & SEGF_DB);
}

/* Read the 16-byte system descriptor @sel names; false when any of its
 * bytes lies outside the table. */
bool desc_fetch16(X86Cpu *cpu, uint16_t sel, X86Desc16 *w);

/* Linear address of the descriptor @sel names, or false when its index
 * lies outside the GDT (or the LDT, which must be valid). */
bool desc_addr(const X86Cpu *cpu, uint16_t sel, uint64_t *lin);
/* Read the descriptor @sel names; false when outside its table. */
bool desc_fetch(X86Cpu *cpu, uint16_t sel, X86Desc *d);
/* desc_fetch, raising @vec(SEL_ERR(sel, ext)) when outside its table. */
void desc_fetch_or_raise(X86Cpu *cpu, uint16_t sel, X86Desc *d, int vec,
                         bool ext);
/* Set the accessed bit in memory (and in @d) if it is clear. */
void desc_set_accessed(X86Cpu *cpu, uint16_t sel, X86Desc *d);
/* Set or clear a TSS descriptor's busy bit (GDT only). */
void desc_set_busy(X86Cpu *cpu, uint16_t sel, bool busy);
/* Fill a segment cache from a descriptor. */
void desc_to_seg(X86Seg *s, uint16_t sel, const X86Desc *d);

/* Raise @vec with the error code naming @sel. */
__attribute__((noreturn)) void pm_raise_sel(X86Cpu *cpu, int vec,
                                            uint16_t sel, bool ext);

/* --- segment registers --- */

/* Load null selector @sel into data segment register @seg: it faults on
 * use. */
void pm_seg_null(X86Cpu *cpu, int seg, uint16_t sel);
/* After a return to an outer privilege level: null ES, DS, FS and GS when
 * they hold data or non-conforming code segments more privileged than the
 * new CPL. */
void pm_null_inner_data_segs(X86Cpu *cpu);
/* Offset @off .. @off+@size-1 lies inside segment @s (expand-down aware). */
bool pm_seg_offset_ok(const X86Seg *s, uint32_t off, unsigned size);

/* --- returns (seg_pm.c; IRET shares them) --- */

/* The code segment a far RET or IRET returns to (popped selector @sel),
 * checked in the SDM's order. */
void pm_check_return_cs(X86Cpu *cpu, uint16_t sel, X86Desc *d);
/* The stack segment a return to an outer level loads. */
void pm_check_return_ss(X86Cpu *cpu, uint16_t ss, uint16_t csel,
                        X86Desc *d);
/* Load CS:EIP and, for an outer return (@ss_d non-NULL), SS:ESP; then
 * recompute the mode and null the data segments the new CPL may not use. */
void pm_return_commit(X86Cpu *cpu, uint16_t csel, X86Desc *cd, uint32_t eip,
                      uint16_t ss, X86Desc *ss_d, uint32_t esp);

/* --- long-mode returns (seg_lm.c; IRET shares them) --- */

typedef struct PmStack PmStack;

/* A value @offset bytes above the stack top: SS:RSP in 64-bit mode,
 * through @st (SS:ESP with its limits) in compatibility mode. */
uint64_t lm_stack_read(X86Cpu *cpu, const PmStack *st, unsigned offset,
                       unsigned size);
/* The stack segment a return that pops SS loads, for return CS @csel
 * (descriptor @cd): a null selector only for 64-bit code at CPL 0-2
 * (*@ss_d is then NULL), else the protected-mode checks (*@ss_d = @sd). */
void lm_check_return_ss(X86Cpu *cpu, uint16_t ss, uint16_t csel,
                        const X86Desc *cd, X86Desc *sd, X86Desc **ss_d);
/* The entry point into code segment @cd: canonical for 64-bit code
 * (L set), inside the limit for compatibility-mode code; else #GP(0).
 * Returns the new RIP: for compatibility-mode code a 64-bit offset is
 * cut to 32 bits first (far JMP, CALL, RET and IRET alike, as on the
 * host). */
uint64_t lm_check_target(X86Cpu *cpu, const X86Desc *cd, uint64_t rip);
/* Load CS:RIP and SS:RSP (@ss_d NULL: a null SS for 64-bit code), then
 * null the data segments a lower privilege may not use. */
void lm_return_commit(X86Cpu *cpu, uint16_t csel, X86Desc *cd,
                      uint64_t rip, uint16_t ss, X86Desc *ss_d, uint64_t rsp);

/* --- stack frames on a stack that is not SS yet --- */

struct PmStack {
    X86Seg seg;       /* the stack segment */
    uint32_t sp;
    uint32_t mask;    /* 0xffff or 0xffffffff, by the segment's B bit */
    int acc;          /* ACC_WRITE or ACC_READ, plus ACC_SUPER */
    int vec;          /* raised when a slot is outside the segment */
    int err;
};

/* The current SS:ESP; limit violations raise #SS(0) (or @err). */
void pm_stack_current(X86Cpu *cpu, PmStack *st, int err);
/* Raise st->vec unless @bytes can be pushed (in @unit-byte slots). */
void pm_stack_check_room(X86Cpu *cpu, const PmStack *st, unsigned bytes,
                         unsigned unit);
void pm_stack_push(X86Cpu *cpu, PmStack *st, uint32_t v, unsigned size);
/* Read the value @offset bytes above st->sp. */
uint32_t pm_stack_read(X86Cpu *cpu, const PmStack *st, unsigned offset,
                       unsigned size);
/* Make st the stack: load SS's cache and ESP (or SP, for a 16-bit
 * stack segment). Does not recompute the mode. */
void pm_stack_commit(X86Cpu *cpu, const PmStack *st);

/* --- task switches and the TSS (task.c) --- */

/* SS:ESP for privilege level @dpl from the current TSS; raises
 * #TS(TR selector) when the TSS is too short. */
void pm_tss_stack(X86Cpu *cpu, unsigned dpl, bool ext, uint16_t *ss,
                  uint32_t *esp);

enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };

/* Switch to the task of TSS descriptor @d (selector @sel, in the GDT),
 * which the caller has checked (type, DPL, present). @ret is the EIP the
 * outgoing task resumes at; @ext the EXT bit of faults it raises. After
 * it returns, CS:EIP, SS:ESP and everything else belong to the new task;
 * @err_code (>= 0) is pushed on its stack for TS_INT. */
void x86_task_switch(X86Cpu *cpu, uint16_t sel, const X86Desc *d,
                     int source, bool ext, uint32_t ret, int err_code);


#endif
