/*
 * x87 instructions in blocks: the loads, stores, arithmetic, compares and
 * register moves of ordinary floating-point code, as the interpreter's
 * op_x87 computes them, without its generic decoding, memory path and
 * softfloat core when the common case certainly holds:
 *
 *  - the FPU is usable (no #NM) and no unmasked exception is pending (a
 *    waiting instruction would take #MF or freeze first);
 *  - for instructions that round: every exception masked and rounding to
 *    nearest in FCW (any precision control);
 *  - the registers involved hold normal numbers or zeros and are not
 *    empty, the stack does not overflow, and the result certainly needs
 *    no special handling (cpu/fx80_fast.h: normal or zero, no overflow,
 *    no underflow, no division by zero, an integer in range);
 *  - a memory operand is plain RAM through the TLB (fast_ptr; for reads
 *    fast_read_ptr, which CS allows too), an m80 operand in one piece.
 *
 * Then the instruction only ORs PE into the status word, sets or clears
 * C1 (rounded up; 0 after loads, moves and compares), sets the condition
 * codes of a compare, moves TOP and the tags, and records FOP, FIP/FCS
 * and FDP/FDS, exactly as op_x87 does. Otherwise op_x87 runs it from the
 * start: nothing has changed by then.
 */
#include "cpu/fpu.h"
#include "cpu/fx80_fast.h"
#include "cpu/models.h"
#include "cpu/ops.h"
#include "tcg-lite/tb.h"

#define S(name) static void name(X86Cpu *cpu, const DecodedInsn *d)
#define FORM static inline __attribute__((always_inline)) void

/* --- conditions --- */

/* No #NM (fpu_check_nm). */
static inline bool usable(const X86Cpu *cpu)
{
    return !(cpu->cr0 & (CR0_EM | CR0_TS)) &&
           x86_has_feature(cpu, X86_FEAT_FPU);
}

/* A waiting instruction runs at once (fpu_check_pending). */
static inline bool ready(const X86Cpu *cpu)
{
    return usable(cpu) && !(cpu->fsw & FSW_ES);
}

/* ... and rounds to nearest with every exception masked: the precision
 * in bits, else 0. */
static inline unsigned rounding(const X86Cpu *cpu)
{
    if (!ready(cpu) || (cpu->fcw & (0xc00 | FLOAT_ALL_EXC)) != FLOAT_ALL_EXC) {
        return 0;
    }
    unsigned pc = (cpu->fcw >> 8) & 3;
    return pc == 0 ? 24 : pc == 2 ? 53 : 64;
}

/* --- state --- */

static inline unsigned phys(const X86Cpu *cpu, unsigned i)
{
    return (cpu->ftop + i) & 7;
}

static inline bool empty(const X86Cpu *cpu, unsigned p)
{
    return fpu_tag_phys(cpu, p) == FTAG_EMPTY;
}

/* fpu_tag_of, inline. */
static inline unsigned tag_of(Fx80 v)
{
    unsigned e = v.sexp & 0x7fff;
    if (e == 0) {
        return v.mant ? FTAG_SPECIAL : FTAG_ZERO;
    }
    return (e == 0x7fff || !(v.mant >> 63)) ? FTAG_SPECIAL : FTAG_VALID;
}

static inline void put(X86Cpu *cpu, unsigned p, Fx80 v)
{
    cpu->fpr[p] = v;
    fpu_set_tag_phys(cpu, p, tag_of(v));
}

/* Of a fast-path result: normal or zero. */
static inline void put_num(X86Cpu *cpu, unsigned p, Fx80 v)
{
    cpu->fpr[p] = v;
    fpu_set_tag_phys(cpu, p, v.mant ? FTAG_VALID : FTAG_ZERO);
}

static inline void pop(X86Cpu *cpu)
{
    fpu_set_tag_phys(cpu, cpu->ftop, FTAG_EMPTY);
    cpu->ftop = (cpu->ftop + 1) & 7;
}

/* fpu_set_last: FOP, FIP/FCS and for a memory operand FDP/FDS. */
static inline void set_last(X86Cpu *cpu, const DecodedInsn *d, bool mem,
                            uint64_t ea)
{
    cpu->fop = (uint16_t)(((d->opcode & 7) << 8) | d->modrm);
    cpu->fip = tb_op(d)->pc;
    cpu->fcs = cpu->seg[R_CS].sel;
    if (mem) {
        cpu->fdp = ea;
        cpu->fds = cpu->seg[d->seg].sel;
    }
}

/* commit_flags with masked PE and C1 only. */
_Static_assert(FLOAT_INEXACT == FSW_PE, "PE is FLOAT_INEXACT's bit");
static inline void commit(X86Cpu *cpu, uint32_t fl)
{
    cpu->fsw = (uint16_t)((cpu->fsw & ~FSW_C1) | (fl & FLOAT_INEXACT) |
                          ((fl & FLOAT_ROUNDED_UP) ? FSW_C1 : 0));
}

/* --- memory operands --- */

/* Memory operand kinds: those of the D8/DA/DC/DE escapes (esc / 2),
 * m64int; M_REG: a register operand. */
enum { M_F32, M_I32, M_F64, M_I16, M_I64, M_REG };

static const uint8_t m_size[5] = {4, 4, 8, 2, 8};

/* Reads a value of @kind at @p; false unless normal or zero. */
static inline __attribute__((always_inline)) bool
load_num(unsigned kind, const uint8_t *p, Fx80Fast *n)
{
    switch (kind) {
    case M_F32: return fx80f_from_f32((uint32_t)ld(p, 4), n);
    case M_I32: *n = fx80f_from_int((int32_t)ld(p, 4)); return true;
    case M_F64: return fx80f_from_f64(ld(p, 8), n);
    case M_I16: *n = fx80f_from_int((int16_t)ld(p, 2)); return true;
    default: *n = fx80f_from_int((int64_t)ld(p, 8)); return true;
    }
}

/* --- arithmetic: D8 ST(0) op= src, DC ST(i) op= ST(0), DE ... and pop;
 * op as D8's ModRM.reg: 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr --- */

static const FloatOp float_op[8] = {FLOAT_ADD, FLOAT_MUL, FLOAT_ADD,
                                    FLOAT_ADD, FLOAT_SUB, FLOAT_SUB,
                                    FLOAT_DIV, FLOAT_DIV};

/* @kind: the memory operand (M_*) or M_REG; @to_sti: ST(i) is the
 * destination (DC, DE), else ST(0). */
FORM arith(X86Cpu *cpu, const DecodedInsn *d, unsigned op, unsigned kind,
           bool to_sti, bool do_pop)
{
    unsigned prec = rounding(cpu);
    if (!prec) {
        goto slow;
    }
    Fx80Fast a, b;
    uint64_t ea = 0;
    unsigned i = d->modrm & 7;
    unsigned top = cpu->ftop;
    unsigned pd = to_sti ? (top + i) & 7 : top;
    if (kind != M_REG) {
        ea = x86_ea_calc(cpu, d);
        const uint8_t *p = fast_read_ptr(cpu, d->seg, ea, m_size[kind]);
        if (!p || !load_num(kind, p, &b)) {
            goto slow;
        }
    } else {
        unsigned ps = to_sti ? top : (top + i) & 7;
        if (empty(cpu, ps) || !fx80f_unpack(cpu->fpr[ps], &b)) {
            goto slow;
        }
    }
    if (empty(cpu, pd) || !fx80f_unpack(cpu->fpr[pd], &a)) {
        goto slow;
    }
    Fx80 r;
    uint32_t fl;
    bool reverse = op == 5 || op == 7;
    /* 64 bits (FNINIT's, and what Linux gives a process) as a constant:
     * the rounding's shifts and masks fold away. */
    bool ok = prec == 64 ? fx80f_arith(float_op[op], reverse ? b : a,
                                       reverse ? a : b, 64, &r, &fl)
                         : fx80f_arith(float_op[op], reverse ? b : a,
                                       reverse ? a : b, prec, &r, &fl);
    if (!ok) {
        goto slow;
    }
    set_last(cpu, d, kind != M_REG, ea);
    commit(cpu, fl);
    put_num(cpu, pd, r);
    if (do_pop) {
        pop(cpu);
    }
    return;
slow:
    tb_fallback(cpu, d, op_x87);
}

#define ARITH_M(K, OP)                                                         \
    S(arith_m_##K##_##OP) { arith(cpu, d, OP, K, false, false); }
#define ARITH_M_ALL(K)                                                         \
    ARITH_M(K, 0) ARITH_M(K, 1) ARITH_M(K, 4) ARITH_M(K, 5) ARITH_M(K, 6)     \
    ARITH_M(K, 7)
ARITH_M_ALL(0)
ARITH_M_ALL(1)
ARITH_M_ALL(2)
ARITH_M_ALL(3)

#define ARITH_R(NAME, OP, TO_STI, POP)                                         \
    S(NAME##_##OP) { arith(cpu, d, OP, M_REG, TO_STI, POP); }
#define ARITH_R_ALL(NAME, TO_STI, POP)                                         \
    ARITH_R(NAME, 0, TO_STI, POP) ARITH_R(NAME, 1, TO_STI, POP)                \
    ARITH_R(NAME, 4, TO_STI, POP) ARITH_R(NAME, 5, TO_STI, POP)                \
    ARITH_R(NAME, 6, TO_STI, POP) ARITH_R(NAME, 7, TO_STI, POP)
ARITH_R_ALL(arith_st0, false, false)
ARITH_R_ALL(arith_sti, true, false)
ARITH_R_ALL(arith_stp, true, true)

#define OP_ROW(F) {F##_0, F##_1, NULL, NULL, F##_4, F##_5, F##_6, F##_7}
static X86Handler *const arith_m[4][8] = {
    OP_ROW(arith_m_0), OP_ROW(arith_m_1), OP_ROW(arith_m_2),
    OP_ROW(arith_m_3),
};
static X86Handler *const arith_st0[8] = OP_ROW(arith_st0);
static X86Handler *const arith_sti[8] = OP_ROW(arith_sti);
static X86Handler *const arith_stp[8] = OP_ROW(arith_stp);

/* --- compares: ST(0) against a memory operand or ST(src) --- */

/* @src: the register compared with (FCOMPP: 1, else ModRM.rm); @pops;
 * @to_eflags: FCOMI, FUCOMI (and P), which also need a P6. */
FORM compare(X86Cpu *cpu, const DecodedInsn *d, unsigned kind, int src,
             unsigned pops, bool to_eflags)
{
    if (!ready(cpu) ||
        (to_eflags && !x86_has_feature(cpu, X86_FEAT_CMOV))) {
        goto slow;
    }
    Fx80Fast a, b;
    uint64_t ea = 0;
    unsigned top = cpu->ftop;
    if (kind != M_REG) {
        ea = x86_ea_calc(cpu, d);
        const uint8_t *p = fast_read_ptr(cpu, d->seg, ea, m_size[kind]);
        if (!p || !load_num(kind, p, &b)) {
            goto slow;
        }
    } else {
        unsigned ps = (top + (src < 0 ? d->modrm & 7 : (unsigned)src)) & 7;
        if (empty(cpu, ps) || !fx80f_unpack(cpu->fpr[ps], &b)) {
            goto slow;
        }
    }
    if (empty(cpu, top) || !fx80f_unpack(cpu->fpr[top], &a)) {
        goto slow;
    }
    FloatRel rel = fx80f_compare(a, b);
    set_last(cpu, d, kind != M_REG, ea);
    if (to_eflags) {
        /* (C1 stays: no stack fault.) */
        static const uint32_t fl[] = {
            [FLOAT_LESS] = FL_CF,
            [FLOAT_EQUAL] = FL_ZF,
            [FLOAT_GREATER] = 0,
        };
        x86_set_eflags(cpu, fl[rel], FL_ARITH);
    } else {
        static const uint16_t cc[] = {
            [FLOAT_LESS] = FSW_C0,
            [FLOAT_EQUAL] = FSW_C3,
            [FLOAT_GREATER] = 0,
        };
        cpu->fsw = (uint16_t)((cpu->fsw & ~FSW_CC) | cc[rel]);
    }
    for (unsigned n = 0; n < pops; n++) {
        pop(cpu);
    }
    return;
slow:
    tb_fallback(cpu, d, op_x87);
}

#define COMPARE_M(K)                                                           \
    S(fcom_m_##K) { compare(cpu, d, K, 0, 0, false); }                         \
    S(fcomp_m_##K) { compare(cpu, d, K, 0, 1, false); }
COMPARE_M(0)
COMPARE_M(1)
COMPARE_M(2)
COMPARE_M(3)
static X86Handler *const fcom_m[4] = {fcom_m_0, fcom_m_1, fcom_m_2,
                                      fcom_m_3};
static X86Handler *const fcomp_m[4] = {fcomp_m_0, fcomp_m_1, fcomp_m_2,
                                       fcomp_m_3};
S(fcom_r) { compare(cpu, d, M_REG, -1, 0, false); }
S(fcomp_r) { compare(cpu, d, M_REG, -1, 1, false); }
S(fcompp) { compare(cpu, d, M_REG, 1, 2, false); }
S(fcomi) { compare(cpu, d, M_REG, -1, 0, true); }
S(fcomip) { compare(cpu, d, M_REG, -1, 1, true); }

/* --- loads: push a value (C1 = 0) --- */

/* ST(7) must be empty (else a stack overflow). */
static inline bool can_push(const X86Cpu *cpu)
{
    return empty(cpu, phys(cpu, 7));
}

static inline void push(X86Cpu *cpu, Fx80 v, unsigned tag)
{
    unsigned p = (cpu->ftop - 1) & 7;
    cpu->fpr[p] = v;
    fpu_set_tag_phys(cpu, p, tag);
    cpu->ftop = p;
    cpu->fsw &= ~FSW_C1;
}

/* FLD m32/m64, FILD m16/m32/m64. */
FORM load_m(X86Cpu *cpu, const DecodedInsn *d, unsigned kind)
{
    if (!ready(cpu) || !can_push(cpu)) {
        goto slow;
    }
    uint64_t ea = x86_ea_calc(cpu, d);
    Fx80Fast n;
    const uint8_t *p = fast_read_ptr(cpu, d->seg, ea, m_size[kind]);
    if (!p || !load_num(kind, p, &n)) {
        goto slow;
    }
    set_last(cpu, d, true, ea);
    push(cpu, fx80f_pack(n), n.sig ? FTAG_VALID : FTAG_ZERO);
    return;
slow:
    tb_fallback(cpu, d, op_x87);
}

S(fld_m32) { load_m(cpu, d, M_F32); }
S(fld_m64) { load_m(cpu, d, M_F64); }
S(fild_m16) { load_m(cpu, d, M_I16); }
S(fild_m32) { load_m(cpu, d, M_I32); }
S(fild_m64) { load_m(cpu, d, M_I64); }

/* An m80 operand as one piece: its second part must not wrap around the
 * address size on its own (fpu_read_m80, fpu_write_m80). */
static inline bool m80_whole(const DecodedInsn *d, uint64_t ea)
{
    return ea + 9 <= size_mask(d->addrsize);
}

/* FLD m80: as it is. */
S(fld_m80)
{
    if (!ready(cpu) || !can_push(cpu)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    uint64_t ea = x86_ea_calc(cpu, d);
    const uint8_t *p = m80_whole(d, ea) ? fast_read_ptr(cpu, d->seg, ea, 10)
                                        : NULL;
    if (!p) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    Fx80 v = fx80_make((uint16_t)ld(p + 8, 2), ld(p, 8));
    set_last(cpu, d, true, ea);
    push(cpu, v, tag_of(v));
}

/* FLD ST(i): any value. */
S(fld_r)
{
    unsigned ps = phys(cpu, d->modrm & 7);
    if (!ready(cpu) || empty(cpu, ps) || !can_push(cpu)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    Fx80 v = cpu->fpr[ps];
    set_last(cpu, d, false, 0);
    push(cpu, v, tag_of(v));
}

/* FLD1, FLDZ. */
FORM load_const(X86Cpu *cpu, const DecodedInsn *d, bool one)
{
    if (!ready(cpu) || !can_push(cpu)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    set_last(cpu, d, false, 0);
    push(cpu, one ? fx80_one() : fx80_zero(false),
         one ? FTAG_VALID : FTAG_ZERO);
}

S(fld1) { load_const(cpu, d, true); }
S(fldz) { load_const(cpu, d, false); }

/* --- stores --- */

/* FST/FSTP m32/m64, FIST/FISTP m16/m32, FISTP m64. */
enum { ST_F32, ST_F64, ST_I16, ST_I32, ST_I64 };

FORM store_m(X86Cpu *cpu, const DecodedInsn *d, unsigned kind, bool do_pop)
{
    static const uint8_t size[] = {4, 8, 2, 4, 8};
    unsigned top = cpu->ftop;
    Fx80Fast a;
    if (!rounding(cpu) || empty(cpu, top) ||
        !fx80f_unpack(cpu->fpr[top], &a)) {
        goto slow;
    }
    uint64_t ea = x86_ea_calc(cpu, d);
    uint8_t *p = fast_ptr(cpu, d->seg, ea, size[kind], true);
    if (!p) {
        goto slow;
    }
    uint64_t v;
    uint32_t fl;
    switch (kind) {
    case ST_F32: {
        uint32_t f;
        if (!fx80f_to_f32(a, &f, &fl)) {
            goto slow;
        }
        v = f;
        break;
    }
    case ST_F64:
        if (!fx80f_to_f64(a, &v, &fl)) {
            goto slow;
        }
        break;
    default: {
        int64_t n;
        if (!fx80f_to_int(a, size[kind] * 8, &n, &fl)) {
            goto slow;
        }
        v = (uint64_t)n;
        break;
    }
    }
    st(p, v, size[kind]);
    set_last(cpu, d, true, ea);
    commit(cpu, fl);
    if (do_pop) {
        pop(cpu);
    }
    return;
slow:
    tb_fallback(cpu, d, op_x87);
}

S(fst_m32) { store_m(cpu, d, ST_F32, false); }
S(fstp_m32) { store_m(cpu, d, ST_F32, true); }
S(fst_m64) { store_m(cpu, d, ST_F64, false); }
S(fstp_m64) { store_m(cpu, d, ST_F64, true); }
S(fist_m16) { store_m(cpu, d, ST_I16, false); }
S(fistp_m16) { store_m(cpu, d, ST_I16, true); }
S(fist_m32) { store_m(cpu, d, ST_I32, false); }
S(fistp_m32) { store_m(cpu, d, ST_I32, true); }
S(fistp_m64) { store_m(cpu, d, ST_I64, true); }

/* FSTP m80: as it is, no exception. */
S(fstp_m80)
{
    unsigned top = cpu->ftop;
    if (!ready(cpu) || empty(cpu, top)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    uint64_t ea = x86_ea_calc(cpu, d);
    uint8_t *p = m80_whole(d, ea) ? fast_ptr(cpu, d->seg, ea, 10, true)
                                  : NULL;
    if (!p) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    Fx80 v = cpu->fpr[top];
    st(p, v.mant, 8);
    st(p + 8, v.sexp, 2);
    set_last(cpu, d, true, ea);
    cpu->fsw &= ~FSW_C1;
    pop(cpu);
}

/* FST/FSTP ST(i): any value. */
FORM store_r(X86Cpu *cpu, const DecodedInsn *d, bool do_pop)
{
    unsigned top = cpu->ftop;
    if (!ready(cpu) || empty(cpu, top)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    set_last(cpu, d, false, 0);
    put(cpu, phys(cpu, d->modrm & 7), cpu->fpr[top]);
    cpu->fsw &= ~FSW_C1;
    if (do_pop) {
        pop(cpu);
    }
}

S(fst_r) { store_r(cpu, d, false); }
S(fstp_r) { store_r(cpu, d, true); }

/* --- register moves --- */

S(fxch)
{
    unsigned p0 = cpu->ftop, pi = phys(cpu, d->modrm & 7);
    if (!ready(cpu) || empty(cpu, p0) || empty(cpu, pi)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    set_last(cpu, d, false, 0);
    cpu->fsw &= ~FSW_C1;
    Fx80 t = cpu->fpr[p0];
    put(cpu, p0, cpu->fpr[pi]);
    put(cpu, pi, t);
}

/* FCHS, FABS: any value. */
FORM sign_op(X86Cpu *cpu, const DecodedInsn *d, bool abs)
{
    unsigned p = cpu->ftop;
    if (!ready(cpu) || empty(cpu, p)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    set_last(cpu, d, false, 0);
    Fx80 v = cpu->fpr[p];
    v.sexp = abs ? v.sexp & 0x7fff : v.sexp ^ 0x8000;
    put(cpu, p, v);
    cpu->fsw &= ~FSW_C1;
}

S(fchs) { sign_op(cpu, d, false); }
S(fabs_) { sign_op(cpu, d, true); }

/* --- control words (no FOP/FIP) --- */

/* FNSTSW AX: no wait. */
S(fnstsw_ax)
{
    if (!usable(cpu)) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    reg_write(cpu, R_EAX, 2, fpu_get_fsw(cpu));
}

/* FNSTCW m16: no wait. */
S(fnstcw)
{
    uint8_t *p = usable(cpu) ? fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), 2,
                                        true)
                             : NULL;
    if (!p) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    st(p, cpu->fcw, 2);
}

/* FLDCW m16. */
S(fldcw)
{
    const uint8_t *p = ready(cpu) ? fast_read_ptr(cpu, d->seg,
                                                  x86_ea_calc(cpu, d), 2)
                                  : NULL;
    if (!p) {
        tb_fallback(cpu, d, op_x87);
        return;
    }
    fpu_load_fcw(cpu, (uint16_t)ld(p, 2));
}

/* --- the choice --- */

static X86Handler *specialize_mem(unsigned esc, unsigned reg)
{
    if (!(esc & 1)) {
        /* D8, DA, DC, DE: m32real, m32int, m64real, m16int. */
        unsigned k = esc >> 1;
        return reg == 2 ? fcom_m[k] : reg == 3 ? fcomp_m[k] : arith_m[k][reg];
    }
    switch (esc << 3 | reg) {
    case 1 << 3 | 0: return fld_m32;
    case 1 << 3 | 2: return fst_m32;
    case 1 << 3 | 3: return fstp_m32;
    case 1 << 3 | 5: return fldcw;
    case 1 << 3 | 7: return fnstcw;
    case 3 << 3 | 0: return fild_m32;
    case 3 << 3 | 2: return fist_m32;
    case 3 << 3 | 3: return fistp_m32;
    case 3 << 3 | 5: return fld_m80;
    case 3 << 3 | 7: return fstp_m80;
    case 5 << 3 | 0: return fld_m64;
    case 5 << 3 | 2: return fst_m64;
    case 5 << 3 | 3: return fstp_m64;
    case 7 << 3 | 0: return fild_m16;
    case 7 << 3 | 2: return fist_m16;
    case 7 << 3 | 3: return fistp_m16;
    case 7 << 3 | 5: return fild_m64;
    case 7 << 3 | 7: return fistp_m64;
    default: return NULL;
    }
}

static X86Handler *specialize_reg(unsigned esc, unsigned reg, unsigned rm)
{
    switch (esc) {
    case 0: /* D8: ST(0) op= ST(i), FCOM, FCOMP */
        return reg == 2 ? fcom_r : reg == 3 ? fcomp_r : arith_st0[reg];
    case 1:
        switch (reg) {
        case 0: return fld_r;
        case 1: return fxch;
        case 4: return rm == 0 ? fchs : rm == 1 ? fabs_ : NULL;
        case 5: return rm == 0 ? fld1 : rm == 6 ? fldz : NULL;
        default: return NULL;
        }
    case 2: /* DA E9: FUCOMPP */
        return reg == 5 && rm == 1 ? fcompp : NULL;
    case 3: /* DB: FUCOMI, FCOMI */
        return reg == 5 || reg == 6 ? fcomi : NULL;
    case 4: /* DC: ST(i) op= ST(0), sub and div reversed */
        return reg >= 4 ? arith_sti[reg ^ 1] : reg < 2 ? arith_sti[reg]
                                                       : NULL;
    case 5: /* DD: FST, FSTP, FUCOM, FUCOMP */
        switch (reg) {
        case 2: return fst_r;
        case 3: return fstp_r;
        case 4: return fcom_r;
        case 5: return fcomp_r;
        default: return NULL;
        }
    case 6: /* DE: ...P; DE D9: FCOMPP */
        if (reg == 3) {
            return rm == 1 ? fcompp : NULL;
        }
        return reg >= 4 ? arith_stp[reg ^ 1] : reg < 2 ? arith_stp[reg]
                                                       : NULL;
    default: /* DF: FNSTSW AX, FUCOMIP, FCOMIP */
        if (reg == 4) {
            return rm == 0 ? fnstsw_ax : NULL;
        }
        return reg == 5 || reg == 6 ? fcomip : NULL;
    }
}

X86Handler *tb_specialize_x87(const DecodedInsn *d)
{
    unsigned esc = d->opcode & 7, reg = (d->modrm >> 3) & 7;
    if (d->mem) {
        return specialize_mem(esc, reg);
    }
    return specialize_reg(esc, reg, d->modrm & 7);
}
