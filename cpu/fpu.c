/*
 * The x87 FPU: the D8-DF escapes and FWAIT, on the software
 * extended-precision core (softfloat.c).
 *
 * Each instruction: #NM (CR0.EM/TS), #UD for undefined encodings and
 * models without the instruction, then (waiting instructions) a pending
 * unmasked exception (#MF or the FERR# freeze), memory operands, the
 * computation, and the commit. Exceptions follow the x87 rules checked
 * against real hardware: a masked stack fault writes the QNaN indefinite
 * to every destination and pushes or pops as usual; an unmasked IE, DE or
 * ZE (and OE/UE for memory destinations) changes nothing but the status
 * word, which gets ES and B and asks for #MF at the next waiting
 * instruction.
 */
#include "cpu/fpu.h"

#include "cpu/models.h"
#include "cpu/ops.h"

/* Flags of one instruction beyond FLOAT_*: FSW_SF for stack faults;
 * FLOAT_ROUNDED_UP becomes C1. */
#define SF_UNDER (FLOAT_INVALID | FSW_SF)
#define SF_OVER (FLOAT_INVALID | FSW_SF | FLOAT_ROUNDED_UP)
/* Unmasked exceptions that keep a result from being stored. */
#define STOP_REG (FLOAT_INVALID | FLOAT_DENORMAL | FLOAT_DIVZERO)
#define STOP_MEM (STOP_REG | FLOAT_OVERFLOW | FLOAT_UNDERFLOW)

/* --- state helpers (fpu.h) --- */

unsigned fpu_tag_of(Fx80 v)
{
    switch (fx80_classify(v)) {
    case FLOAT_CLASS_ZERO:
        return FTAG_ZERO;
    case FLOAT_CLASS_NORMAL:
        return FTAG_VALID;
    default:
        return FTAG_SPECIAL;
    }
}

void fpu_retag(X86Cpu *cpu)
{
    for (unsigned p = 0; p < 8; p++) {
        if (fpu_tag_phys(cpu, p) != FTAG_EMPTY) {
            fpu_set_tag_phys(cpu, p, fpu_tag_of(cpu->fpr[p]));
        }
    }
}

static void update_ferr(X86Cpu *cpu)
{
    /* FERR# is the PC-compatible error signal: only without CR0.NE. */
    bool level = (cpu->fsw & FSW_ES) && !(cpu->cr0 & CR0_NE);
    if (level != cpu->ferr_level) {
        cpu->ferr_level = level;
        irq_set(cpu->ferr, level);
    }
}

void fpu_update_es(X86Cpu *cpu)
{
    if (cpu->fsw & FSW_EXC & ~cpu->fcw) {
        cpu->fsw |= FSW_ES | FSW_B;
    } else {
        cpu->fsw &= ~(FSW_ES | FSW_B);
    }
    update_ferr(cpu);
}

void fpu_load_fsw(X86Cpu *cpu, uint16_t fsw)
{
    cpu->ftop = (fsw & FSW_TOP) >> FSW_TOP_SHIFT;
    cpu->fsw = fsw & ~FSW_TOP;
    fpu_update_es(cpu);
}

void fpu_load_fcw(X86Cpu *cpu, uint16_t fcw)
{
    cpu->fcw = (fcw & FCW_VALID) | FCW_FIXED;
    fpu_update_es(cpu);
}

void fpu_init(X86Cpu *cpu)
{
    cpu->fcw = FCW_INIT;
    cpu->fsw = 0;
    cpu->ftop = 0;
    cpu->ftw = 0xffff;
    cpu->fop = 0;
    cpu->fip = cpu->fdp = 0;
    cpu->fcs = cpu->fds = 0;
    update_ferr(cpu);
}

void x86_fpu_update_ferr(X86Cpu *cpu)
{
    update_ferr(cpu);
}

void fpu_check_nm(X86Cpu *cpu, bool mmx)
{
    if (mmx && (cpu->cr0 & CR0_EM)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if ((cpu->cr0 & (CR0_EM | CR0_TS)) ||
        !x86_has_feature(cpu, X86_FEAT_FPU)) {
        x86_raise(cpu, EXC_NM, -1);
    }
}

bool fpu_check_pending(X86Cpu *cpu)
{
    if (!(cpu->fsw & FSW_ES)) {
        return true;
    }
    if (cpu->cr0 & CR0_NE) {
        x86_raise(cpu, EXC_MF, -1);
    }
    if (cpu->pin_level[VCPU_PIN_IGNNE]) {
        return true; /* the board says: ignore numeric errors */
    }
    /* MS-DOS compatible reporting: FERR# is up; stop before this
     * instruction until the interrupt it causes is taken. */
    update_ferr(cpu);
    cpu->next_rip = cpu->insn_start;
    cpu->halted = true;
    return false;
}

void fpu_set_last(X86Cpu *cpu, const DecodedInsn *d)
{
    cpu->fop = (uint16_t)(((d->opcode & 7) << 8) | d->modrm);
    cpu->fip = cpu->insn_start;
    cpu->fcs = cpu->seg[R_CS].sel;
    if (d->mem) {
        cpu->fdp = x86_ea(cpu, d);
        cpu->fds = cpu->seg[d->seg].sel;
    }
}

Fx80 fpu_load_bytes_fx80(const uint8_t *p)
{
    uint64_t m = 0;
    for (int i = 7; i >= 0; i--) {
        m = (m << 8) | p[i];
    }
    return fx80_make((uint16_t)(p[8] | p[9] << 8), m);
}

void fpu_store_bytes_fx80(uint8_t *p, Fx80 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v.mant >> (8 * i));
    }
    p[8] = (uint8_t)v.sexp;
    p[9] = (uint8_t)(v.sexp >> 8);
}

void fpu_read_m80(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                  uint8_t b[10])
{
    uint64_t lo = x86_read(cpu, d->seg, ea, 8);
    uint64_t hi = x86_read(cpu, d->seg, (ea + 8) & addr_mask(d), 2);
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(lo >> (8 * i));
    }
    b[8] = (uint8_t)hi;
    b[9] = (uint8_t)(hi >> 8);
}

void fpu_write_m80(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                   const uint8_t b[10])
{
    uint64_t lo = 0;
    for (int i = 7; i >= 0; i--) {
        lo = (lo << 8) | b[i];
    }
    x86_write(cpu, d->seg, ea, lo, 8);
    x86_write(cpu, d->seg, (ea + 8) & addr_mask(d),
              b[8] | (uint32_t)b[9] << 8, 2);
}

/* --- register stack --- */

static Fx80 st_read(const X86Cpu *cpu, unsigned i)
{
    return cpu->fpr[fpu_phys(cpu, i)];
}

static void st_write(X86Cpu *cpu, unsigned i, Fx80 v)
{
    unsigned p = fpu_phys(cpu, i);
    cpu->fpr[p] = v;
    fpu_set_tag_phys(cpu, p, fpu_tag_of(v));
}

static void fpu_pop(X86Cpu *cpu)
{
    fpu_set_tag_phys(cpu, cpu->ftop, FTAG_EMPTY);
    cpu->ftop = (cpu->ftop + 1) & 7;
}

static void fpu_push(X86Cpu *cpu, Fx80 v)
{
    cpu->ftop = (cpu->ftop - 1) & 7;
    st_write(cpu, 0, v);
}

static FloatUnp st_unp(const X86Cpu *cpu, unsigned i)
{
    return float_unp_fx80(st_read(cpu, i));
}

/* --- flags --- */

static FloatEnv fpu_env(const X86Cpu *cpu)
{
    return float_env_x87(cpu->fcw);
}

/* Merge an instruction's flags into the status word: exceptions, SF, C1
 * (round-up or stack overflow), ES/B for unmasked ones. */
static void commit_flags(X86Cpu *cpu, uint32_t flags)
{
    cpu->fsw |= flags & (FSW_EXC | FSW_SF);
    if (flags & FLOAT_ROUNDED_UP) {
        cpu->fsw |= FSW_C1;
    } else {
        cpu->fsw &= ~FSW_C1;
    }
    if (flags & FSW_EXC & ~cpu->fcw) {
        cpu->fsw |= FSW_ES | FSW_B;
        update_ferr(cpu);
    }
}

static bool stops(const X86Cpu *cpu, uint32_t flags, uint32_t which)
{
    return (flags & which & ~cpu->fcw & FSW_EXC) != 0;
}

/* A stack fault: true when masked (the caller writes indefinites). */
static bool stack_fault(X86Cpu *cpu, bool overflow)
{
    uint32_t f = overflow ? SF_OVER : SF_UNDER;
    commit_flags(cpu, f);
    return !stops(cpu, f, FLOAT_INVALID);
}

static void fsw_set_cc(X86Cpu *cpu, unsigned cc)
{
    cpu->fsw = (uint16_t)((cpu->fsw & ~FSW_CC) | cc);
}

static unsigned rel_cc(FloatRel r)
{
    switch (r) {
    case FLOAT_LESS: return FSW_C0;
    case FLOAT_EQUAL: return FSW_C3;
    case FLOAT_GREATER: return 0;
    default: return FSW_C3 | FSW_C2 | FSW_C0;
    }
}

static bool is_p6(const X86Cpu *cpu)
{
    return x86_has_feature(cpu, X86_FEAT_CMOV) &&
           x86_has_feature(cpu, X86_FEAT_FPU);
}

/* --- operations --- */

/* Memory operand of the arithmetic escapes: m32real, m32int, m64real,
 * m16int for D8, DA, DC, DE. */
static FloatUnp read_operand(X86Cpu *cpu, const DecodedInsn *d, unsigned esc)
{
    uint64_t ea = x86_ea(cpu, d);
    switch (esc) {
    case 0:
        return float_unp_f32((uint32_t)x86_read(cpu, d->seg, ea, 4));
    case 2:
        return float_unp_int((int32_t)x86_read(cpu, d->seg, ea, 4));
    case 4:
        return float_unp_f64(x86_read(cpu, d->seg, ea, 8));
    default:
        return float_unp_int((int16_t)x86_read(cpu, d->seg, ea, 2));
    }
}

/* ST(dst) = ST(dst) OP src, OP by the ModRM.reg of D8: 0 add, 1 mul,
 * 4 sub, 5 subr, 6 div, 7 divr. The source is *mem or ST(src). */
static void do_arith(X86Cpu *cpu, const DecodedInsn *d, unsigned op,
                     unsigned dst, const FloatUnp *mem, unsigned src,
                     bool pop)
{
    static const FloatOp ops[8] = {FLOAT_ADD, FLOAT_MUL, FLOAT_ADD,
                                   FLOAT_ADD, FLOAT_SUB, FLOAT_SUB,
                                   FLOAT_DIV, FLOAT_DIV};
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, dst) || (!mem && fpu_empty(cpu, src))) {
        if (stack_fault(cpu, false)) {
            st_write(cpu, dst, fx80_default_nan());
            if (pop) {
                fpu_pop(cpu);
            }
        }
        return;
    }
    FloatUnp a = st_unp(cpu, dst);
    FloatUnp b = mem ? *mem : st_unp(cpu, src);
    FloatEnv env = fpu_env(cpu);
    bool reverse = op == 5 || op == 7;
    Fx80 r = fx80_arith(&env, ops[op], reverse ? b : a, reverse ? a : b);
    commit_flags(cpu, env.flags);
    if (!stops(cpu, env.flags, STOP_REG)) {
        st_write(cpu, dst, r);
        if (pop) {
            fpu_pop(cpu);
        }
    }
}

/* FCOM family: ST(0) against *mem or ST(src); results in C3/C2/C0 or,
 * for FCOMI, in ZF/PF/CF. */
static void do_compare(X86Cpu *cpu, const DecodedInsn *d,
                       const FloatUnp *mem, unsigned src, bool quiet,
                       int pops, bool to_eflags)
{
    FloatRel rel = FLOAT_UNORDERED;
    uint32_t flags;
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0) || (!mem && fpu_empty(cpu, src))) {
        flags = SF_UNDER;
    } else {
        FloatEnv env = fpu_env(cpu);
        rel = fx80_compare(&env, st_unp(cpu, 0), mem ? *mem : st_unp(cpu, src),
                           quiet);
        flags = env.flags & FSW_EXC;
    }
    uint16_t c1 = cpu->fsw & FSW_C1;
    commit_flags(cpu, flags);
    /* The condition codes are set even when an unmasked exception stops
     * the pops, as the hardware does. */
    bool stop = stops(cpu, flags, STOP_REG);
    if (to_eflags) {
        /* FCOMI leaves C1 alone unless the stack faulted. */
        if (!(flags & FSW_SF)) {
            cpu->fsw |= c1;
        }
        static const uint32_t fl[] = {
            [FLOAT_LESS] = FL_CF,
            [FLOAT_EQUAL] = FL_ZF,
            [FLOAT_GREATER] = 0,
            [FLOAT_UNORDERED] = FL_ZF | FL_PF | FL_CF,
        };
        x86_set_eflags(cpu, fl[rel], FL_ARITH);
    } else {
        fsw_set_cc(cpu, rel_cc(rel));
    }
    if (!stop) {
        while (pops-- > 0) {
            fpu_pop(cpu);
        }
    }
}

/* Push a loaded value (@flags from its conversion); @src_empty: FLD ST(i)
 * of an empty register. */
static void do_load(X86Cpu *cpu, const DecodedInsn *d, Fx80 v,
                    uint32_t flags, bool src_empty)
{
    fpu_set_last(cpu, d);
    if (src_empty || !fpu_empty(cpu, 7)) {
        /* An empty source wins over a full stack (C1 = 0). */
        if (stack_fault(cpu, !src_empty)) {
            fpu_push(cpu, fx80_default_nan());
        }
        return;
    }
    commit_flags(cpu, flags);
    /* A denormal float loads even with DE unmasked. */
    if (!stops(cpu, flags, FLOAT_INVALID)) {
        fpu_push(cpu, v);
    }
}

/* Store @len bytes of @buf made from ST(0) unless an unmasked exception
 * in @flags stops it; then the status word, and the pop. */
static void do_store(X86Cpu *cpu, const DecodedInsn *d, const uint8_t *buf,
                     unsigned len, uint32_t flags, bool pop)
{
    bool stop = stops(cpu, flags, STOP_MEM);
    if (!stop && len == 10) {
        fpu_write_m80(cpu, d, x86_ea(cpu, d), buf);
    } else if (!stop) {
        uint64_t v = 0;
        for (int i = (int)len - 1; i >= 0; i--) {
            v = (v << 8) | buf[i];
        }
        x86_write(cpu, d->seg, x86_ea(cpu, d), v, len);
    }
    fpu_set_last(cpu, d);
    commit_flags(cpu, flags);
    if (!stop && pop) {
        fpu_pop(cpu);
    }
}

static void put_le(uint8_t *p, uint64_t v, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* FST/FSTP m32, m64, m80. */
static void store_real(X86Cpu *cpu, const DecodedInsn *d, unsigned len,
                       bool pop)
{
    uint8_t buf[10];
    uint32_t flags = 0;
    Fx80 v = st_read(cpu, 0);
    if (fpu_empty(cpu, 0)) {
        flags = SF_UNDER;
        v = fx80_default_nan();
    }
    FloatEnv env = fpu_env(cpu);
    if (len == 4) {
        put_le(buf, fx80_to_f32(&env, v), 4);
    } else if (len == 8) {
        put_le(buf, fx80_to_f64(&env, v), 8);
    } else {
        fpu_store_bytes_fx80(buf, v); /* as it is: no exception */
    }
    if (!flags) {
        flags = env.flags;
    }
    do_store(cpu, d, buf, len, flags, pop);
}

/* FIST/FISTP/FISTTP m16, m32, m64. */
static void store_int(X86Cpu *cpu, const DecodedInsn *d, unsigned len,
                      bool pop, bool truncate)
{
    uint8_t buf[8];
    uint32_t flags;
    int64_t v;
    if (fpu_empty(cpu, 0)) {
        flags = SF_UNDER;
        v = (int64_t)(1ULL << (len * 8 - 1));
    } else {
        FloatEnv env = fpu_env(cpu);
        v = fx80_to_int(&env, st_read(cpu, 0), len * 8,
                        truncate ? FLOAT_ROUND_ZERO : env.round);
        flags = env.flags;
    }
    put_le(buf, (uint64_t)v, len);
    do_store(cpu, d, buf, len, flags, pop);
}

static void store_bcd(X86Cpu *cpu, const DecodedInsn *d)
{
    uint8_t buf[10];
    FloatEnv env = fpu_env(cpu);
    Fx80 v = st_read(cpu, 0);
    if (fpu_empty(cpu, 0)) {
        v = fx80_default_nan();
    }
    fx80_to_bcd(&env, v, buf);
    do_store(cpu, d, buf, 10,
             fpu_empty(cpu, 0) ? SF_UNDER : env.flags, true);
}

/* FST/FSTP ST(i). */
static void store_reg(X86Cpu *cpu, const DecodedInsn *d, unsigned i,
                      bool pop)
{
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0)) {
        if (!stack_fault(cpu, false)) {
            return;
        }
        st_write(cpu, i, fx80_default_nan());
    } else {
        st_write(cpu, i, st_read(cpu, 0));
        commit_flags(cpu, 0);
    }
    if (pop) {
        fpu_pop(cpu);
    }
}

static void do_fxch(X86Cpu *cpu, const DecodedInsn *d, unsigned i)
{
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, i)) {
        if (!stack_fault(cpu, false)) {
            return;
        }
        if (fpu_empty(cpu, 0)) {
            st_write(cpu, 0, fx80_default_nan());
        }
        if (fpu_empty(cpu, i)) {
            st_write(cpu, i, fx80_default_nan());
        }
    } else {
        commit_flags(cpu, 0);
    }
    Fx80 t = st_read(cpu, 0);
    st_write(cpu, 0, st_read(cpu, i));
    st_write(cpu, i, t);
}

static void do_fcmov(X86Cpu *cpu, const DecodedInsn *d, unsigned esc,
                     unsigned reg, unsigned i)
{
    static const uint8_t cc[4] = {0x2, 0x4, 0x6, 0xa}; /* B, E, BE, P */
    bool cond = x86_cond(cpu, cc[reg & 3]);
    if (esc == 3) {
        cond = !cond;
    }
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, i)) {
        if (stack_fault(cpu, false)) {
            st_write(cpu, 0, fx80_default_nan());
        }
        return;
    }
    if (cond) {
        st_write(cpu, 0, st_read(cpu, i));
    }
}

/* ST(0) must hold a value; an empty one is a stack underflow (masked:
 * the indefinite goes to ST(0)). */
static bool st0_ready(X86Cpu *cpu, const DecodedInsn *d)
{
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0)) {
        if (stack_fault(cpu, false)) {
            st_write(cpu, 0, fx80_default_nan());
        }
        return false;
    }
    return true;
}

static void do_unary(X86Cpu *cpu, const DecodedInsn *d,
                     Fx80 (*fn)(FloatEnv *, Fx80))
{
    if (!st0_ready(cpu, d)) {
        return;
    }
    FloatEnv env = fpu_env(cpu);
    Fx80 r = fn(&env, st_read(cpu, 0));
    commit_flags(cpu, env.flags);
    if (!stops(cpu, env.flags, STOP_REG)) {
        st_write(cpu, 0, r);
    }
}

static void do_fxam(X86Cpu *cpu, const DecodedInsn *d)
{
    static const unsigned cls_cc[] = {
        [FLOAT_CLASS_ZERO] = FSW_C3,
        [FLOAT_CLASS_DENORMAL] = FSW_C3 | FSW_C2,
        [FLOAT_CLASS_NORMAL] = FSW_C2,
        [FLOAT_CLASS_INF] = FSW_C2 | FSW_C0,
        [FLOAT_CLASS_QNAN] = FSW_C0,
        [FLOAT_CLASS_SNAN] = FSW_C0,
        [FLOAT_CLASS_UNSUPPORTED] = 0,
    };
    Fx80 v = st_read(cpu, 0);
    unsigned cc = fpu_empty(cpu, 0) ? FSW_C3 | FSW_C0
                                    : cls_cc[fx80_classify(v)];
    fpu_set_last(cpu, d);
    fsw_set_cc(cpu, cc | (fx80_sign(v) ? FSW_C1 : 0));
}

/* FSIN, FCOS: C2 set and nothing else when out of range. */
static void do_trig1(X86Cpu *cpu, const DecodedInsn *d, bool cosine)
{
    if (fpu_empty(cpu, 0)) {
        cpu->fsw &= ~FSW_C2;
    }
    if (!st0_ready(cpu, d)) {
        return;
    }
    FloatEnv env = fpu_env(cpu);
    Fx80 r;
    bool ok = cosine ? fx80_cos(&env, st_read(cpu, 0), &r)
                     : fx80_sin(&env, st_read(cpu, 0), &r);
    commit_flags(cpu, env.flags);
    if (!ok) {
        cpu->fsw |= FSW_C2;
        return;
    }
    cpu->fsw &= ~FSW_C2;
    if (!stops(cpu, env.flags, STOP_REG)) {
        st_write(cpu, 0, r);
    }
}

/* FPTAN, FSINCOS, FXTRACT: ST(0) <- first, then push second. */
enum { PUSH2_TAN, PUSH2_SINCOS, PUSH2_XTRACT };

static void do_push2(X86Cpu *cpu, const DecodedInsn *d, int which)
{
    fpu_set_last(cpu, d);
    bool under = fpu_empty(cpu, 0);
    if (under || !fpu_empty(cpu, 7)) {
        if (which != PUSH2_XTRACT) {
            cpu->fsw &= ~FSW_C2;
        }
        if (stack_fault(cpu, !under)) {
            st_write(cpu, 0, fx80_default_nan());
            fpu_push(cpu, fx80_default_nan());
        }
        return;
    }
    FloatEnv env = fpu_env(cpu);
    Fx80 a = st_read(cpu, 0), first, second;
    bool ok = true;
    switch (which) {
    case PUSH2_TAN:
        ok = fx80_tan(&env, a, &first);
        /* 1.0 goes on top, but a NaN result (NaN or invalid operand) is
         * pushed again instead. */
        second = fx80_classify(first) == FLOAT_CLASS_QNAN ? first
                                                           : fx80_one();
        break;
    case PUSH2_SINCOS:
        ok = fx80_sincos(&env, a, &first, &second);
        break;
    default:
        fx80_extract(&env, a, &first, &second);
        break;
    }
    commit_flags(cpu, env.flags);
    if (which != PUSH2_XTRACT) {
        if (!ok) {
            cpu->fsw |= FSW_C2;
            return;
        }
        cpu->fsw &= ~FSW_C2;
    }
    if (!stops(cpu, env.flags, STOP_REG)) {
        st_write(cpu, 0, first);
        fpu_push(cpu, second);
    }
}

/* FPATAN, FYL2X, FYL2XP1: ST(1) <- f(ST(1), ST(0)), pop. */
static void do_st1_pop(X86Cpu *cpu, const DecodedInsn *d,
                       Fx80 (*fn)(FloatEnv *, Fx80, Fx80), bool y_first)
{
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, 1)) {
        if (stack_fault(cpu, false)) {
            st_write(cpu, 1, fx80_default_nan());
            fpu_pop(cpu);
        }
        return;
    }
    FloatEnv env = fpu_env(cpu);
    Fx80 x = st_read(cpu, 0), y = st_read(cpu, 1);
    Fx80 r = y_first ? fn(&env, y, x) : fn(&env, x, y);
    commit_flags(cpu, env.flags);
    if (!stops(cpu, env.flags, STOP_REG)) {
        st_write(cpu, 1, r);
        fpu_pop(cpu);
    }
}

/* FPREM, FPREM1, FSCALE: ST(0) <- f(ST(0), ST(1)). */
static void do_st0_st1(X86Cpu *cpu, const DecodedInsn *d, int which)
{
    fpu_set_last(cpu, d);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, 1)) {
        if (which != 2) {
            cpu->fsw &= ~FSW_C2;
        }
        if (stack_fault(cpu, false)) {
            st_write(cpu, 0, fx80_default_nan());
        }
        return;
    }
    FloatEnv env = fpu_env(cpu);
    Fx80 a = st_read(cpu, 0), b = st_read(cpu, 1), r;
    unsigned cc = 0;
    if (which == 2) {
        r = fx80_scale(&env, a, b);
    } else {
        uint64_t q;
        bool partial;
        r = fx80_rem(&env, a, b, which == 1, &q, &partial);
        cc = partial ? FSW_C2
                     : ((q & 4) ? FSW_C0 : 0) | ((q & 2) ? FSW_C3 : 0) |
                           ((q & 1) ? FSW_C1 : 0);
    }
    commit_flags(cpu, env.flags);
    bool stop = stops(cpu, env.flags, STOP_REG);
    if (which != 2) {
        FloatClass k = fx80_classify(r);
        if (stop || k == FLOAT_CLASS_QNAN || k == FLOAT_CLASS_SNAN) {
            /* No remainder: C1 and C2 clear, C0 and C3 stay. */
            cpu->fsw &= ~(FSW_C1 | FSW_C2);
        } else {
            fsw_set_cc(cpu, cc);
        }
    }
    if (!stop) {
        st_write(cpu, 0, r);
    }
}

/* --- decoding --- */

enum { KIND_UD, KIND_NOWAIT, KIND_WAIT };

static int x87_kind(X86Cpu *cpu, const DecodedInsn *d)
{
    unsigned esc = d->opcode & 7, reg = (d->modrm >> 3) & 7;
    unsigned rm = d->modrm & 7;
    bool sse3 = x86_has_feature(cpu, X86_FEAT_SSE3);
    if (d->mem) {
        switch (esc) {
        case 1:
            return reg == 1 ? KIND_UD : reg >= 6 ? KIND_NOWAIT : KIND_WAIT;
        case 3:
            if (reg == 1) {
                return sse3 ? KIND_WAIT : KIND_UD;
            }
            return (reg == 4 || reg == 6) ? KIND_UD : KIND_WAIT;
        case 5:
            if (reg == 1) {
                return sse3 ? KIND_WAIT : KIND_UD;
            }
            return reg == 5 ? KIND_UD : reg >= 6 ? KIND_NOWAIT : KIND_WAIT;
        case 7:
            return (reg == 1 && !sse3) ? KIND_UD : KIND_WAIT;
        default:
            return KIND_WAIT;
        }
    }
    switch (esc) {
    case 1:
        switch (reg) {
        case 2: return rm == 0 ? KIND_WAIT : KIND_UD;       /* FNOP */
        case 4: return (rm == 2 || rm == 3 || rm == 6 || rm == 7)
                           ? KIND_UD : KIND_WAIT;
        case 5: return rm == 7 ? KIND_UD : KIND_WAIT;
        default: return KIND_WAIT;
        }
    case 2:
        if (reg < 4) {
            return is_p6(cpu) ? KIND_WAIT : KIND_UD;        /* FCMOVcc */
        }
        return (reg == 5 && rm == 1) ? KIND_WAIT : KIND_UD; /* FUCOMPP */
    case 3:
        if (reg < 4 || reg == 5 || reg == 6) {
            return is_p6(cpu) ? KIND_WAIT : KIND_UD;        /* FCMOVNcc,
                                                               FUCOMI/FCOMI */
        }
        if (reg == 4) {
            return rm <= 4 ? KIND_NOWAIT : KIND_UD;         /* FNCLEX... */
        }
        return KIND_UD;
    case 5:
        return reg >= 6 ? KIND_UD : KIND_WAIT;
    case 6:
        return (reg == 3 && rm != 1) ? KIND_UD : KIND_WAIT;
    case 7:
        if (reg == 4) {
            return rm == 0 ? KIND_NOWAIT : KIND_UD;         /* FNSTSW AX */
        }
        if (reg == 5 || reg == 6) {
            return is_p6(cpu) ? KIND_WAIT : KIND_UD;        /* FUCOMIP... */
        }
        return reg == 7 ? KIND_UD : KIND_WAIT;
    default:
        return KIND_WAIT;
    }
}

/* --- memory forms --- */

static void x87_mem(X86Cpu *cpu, const DecodedInsn *d, unsigned esc,
                    unsigned reg)
{
    uint64_t ea = x86_ea(cpu, d);
    FloatEnv env = fpu_env(cpu);
    FloatUnp src;

    if (!(esc & 1)) {
        /* D8, DA, DC, DE: arithmetic with m32real, m32int, m64real,
         * m16int. */
        src = read_operand(cpu, d, esc);
        if (reg == 2 || reg == 3) {
            do_compare(cpu, d, &src, 0, false, reg == 3, false);
        } else {
            do_arith(cpu, d, reg, 0, &src, 0, false);
        }
        return;
    }
    switch (esc << 3 | reg) {
    case 1 << 3 | 0: { /* FLD m32real */
        uint32_t v = (uint32_t)x86_read(cpu, d->seg, ea, 4);
        Fx80 r = fx80_from_f32(&env, v);
        do_load(cpu, d, r, env.flags, false);
        break;
    }
    case 1 << 3 | 2: store_real(cpu, d, 4, false); break;
    case 1 << 3 | 3: store_real(cpu, d, 4, true); break;
    case 1 << 3 | 4: fpu_fldenv(cpu, d); break;
    case 1 << 3 | 5: /* FLDCW */
        fpu_load_fcw(cpu, (uint16_t)x86_read(cpu, d->seg, ea, 2));
        break;
    case 1 << 3 | 6: fpu_fstenv(cpu, d); break;
    case 1 << 3 | 7: x86_write(cpu, d->seg, ea, cpu->fcw, 2); break;
    case 3 << 3 | 0: { /* FILD m32int */
        int32_t v = (int32_t)x86_read(cpu, d->seg, ea, 4);
        do_load(cpu, d, fx80_from_int(v), 0, false);
        break;
    }
    case 3 << 3 | 1: store_int(cpu, d, 4, true, true); break;
    case 3 << 3 | 2: store_int(cpu, d, 4, false, false); break;
    case 3 << 3 | 3: store_int(cpu, d, 4, true, false); break;
    case 3 << 3 | 5: { /* FLD m80real: as it is, no exception */
        uint8_t b[10];
        fpu_read_m80(cpu, d, ea, b);
        do_load(cpu, d, fpu_load_bytes_fx80(b), 0, false);
        break;
    }
    case 3 << 3 | 7: store_real(cpu, d, 10, true); break;
    case 5 << 3 | 0: { /* FLD m64real */
        uint64_t v = x86_read(cpu, d->seg, ea, 8);
        Fx80 r = fx80_from_f64(&env, v);
        do_load(cpu, d, r, env.flags, false);
        break;
    }
    case 5 << 3 | 1: store_int(cpu, d, 8, true, true); break;
    case 5 << 3 | 2: store_real(cpu, d, 8, false); break;
    case 5 << 3 | 3: store_real(cpu, d, 8, true); break;
    case 5 << 3 | 4: fpu_frstor(cpu, d); break;
    case 5 << 3 | 6: fpu_fsave(cpu, d); break;
    case 5 << 3 | 7: /* FNSTSW m16 */
        x86_write(cpu, d->seg, ea, fpu_get_fsw(cpu), 2);
        break;
    case 7 << 3 | 0: { /* FILD m16int */
        int16_t v = (int16_t)x86_read(cpu, d->seg, ea, 2);
        do_load(cpu, d, fx80_from_int(v), 0, false);
        break;
    }
    case 7 << 3 | 1: store_int(cpu, d, 2, true, true); break;
    case 7 << 3 | 2: store_int(cpu, d, 2, false, false); break;
    case 7 << 3 | 3: store_int(cpu, d, 2, true, false); break;
    case 7 << 3 | 4: { /* FBLD */
        uint8_t b[10];
        fpu_read_m80(cpu, d, ea, b);
        do_load(cpu, d, fx80_from_bcd(b), 0, false);
        break;
    }
    case 7 << 3 | 5: { /* FILD m64int */
        int64_t v = (int64_t)x86_read(cpu, d->seg, ea, 8);
        do_load(cpu, d, fx80_from_int(v), 0, false);
        break;
    }
    case 7 << 3 | 6: store_bcd(cpu, d); break;
    case 7 << 3 | 7: store_int(cpu, d, 8, true, false); break;
    default:
        x86_raise(cpu, EXC_UD, -1);
    }
}

/* --- register forms --- */

static void x87_d9_group(X86Cpu *cpu, const DecodedInsn *d, unsigned reg,
                         unsigned rm)
{
    static const Fx80Const consts[] = {
        0, FX80_CONST_L2T, FX80_CONST_L2E, FX80_CONST_PI,
        FX80_CONST_LG2, FX80_CONST_LN2,
    };
    if (reg == 4) {
        switch (rm) {
        case 0: /* FCHS */
        case 1: /* FABS */
            if (st0_ready(cpu, d)) {
                Fx80 v = st_read(cpu, 0);
                v.sexp = rm ? v.sexp & 0x7fff : v.sexp ^ 0x8000;
                st_write(cpu, 0, v);
                commit_flags(cpu, 0);
            }
            break;
        case 4: { /* FTST */
            FloatUnp zero = float_unp_int(0);
            do_compare(cpu, d, &zero, 0, false, 0, false);
            break;
        }
        default: do_fxam(cpu, d); break;
        }
        return;
    }
    if (reg == 5) { /* constants */
        Fx80 v = rm == 0 ? fx80_one()
                 : rm == 6 ? fx80_zero(false)
                           : fx80_const(consts[rm], (cpu->fcw >> 10) & 3);
        do_load(cpu, d, v, 0, false);
        return;
    }
    if (reg == 6) {
        switch (rm) {
        case 0: do_unary(cpu, d, fx80_2xm1); break;
        case 1: do_st1_pop(cpu, d, fx80_yl2x, false); break;
        case 2: do_push2(cpu, d, PUSH2_TAN); break;
        case 3: do_st1_pop(cpu, d, fx80_atan2, true); break;
        case 4: do_push2(cpu, d, PUSH2_XTRACT); break;
        case 5: do_st0_st1(cpu, d, 1); break;
        default: /* FDECSTP, FINCSTP */
            fpu_set_last(cpu, d);
            cpu->ftop = (cpu->ftop + (rm == 6 ? 7 : 1)) & 7;
            cpu->fsw &= ~FSW_C1;
            break;
        }
        return;
    }
    switch (rm) {
    case 0: do_st0_st1(cpu, d, 0); break;
    case 1: do_st1_pop(cpu, d, fx80_yl2xp1, false); break;
    case 2: do_unary(cpu, d, fx80_sqrt); break;
    case 3: do_push2(cpu, d, PUSH2_SINCOS); break;
    case 4: do_unary(cpu, d, fx80_round_to_int); break;
    case 5: do_st0_st1(cpu, d, 2); break;
    case 6: do_trig1(cpu, d, false); break;
    default: do_trig1(cpu, d, true); break;
    }
}

static void x87_reg(X86Cpu *cpu, const DecodedInsn *d, unsigned esc,
                    unsigned reg, unsigned i)
{
    switch (esc) {
    case 0: /* D8: ST(0) op ST(i) */
    case 4: /* DC: ST(i) op ST(0), sub/div reversed */
    case 6: /* DE: the same, then pop (DE D9: FCOMPP) */
        if (reg == 2 || reg == 3) {
            /* DE D9: FCOMPP; DE D0+i pops once (FCOMP alias). */
            bool compp = esc == 6 && reg == 3;
            int pops = esc == 6 ? reg - 1 : reg == 3;
            do_compare(cpu, d, NULL, compp ? 1 : i, false, pops, false);
        } else if (esc == 0) {
            do_arith(cpu, d, reg, 0, NULL, i, false);
        } else {
            do_arith(cpu, d, reg >= 4 ? reg ^ 1 : reg, i, NULL, 0,
                     esc == 6);
        }
        break;
    case 1:
        switch (reg) {
        case 0: do_load(cpu, d, st_read(cpu, i), 0, fpu_empty(cpu, i)); break;
        case 1: do_fxch(cpu, d, i); break;
        case 2: fpu_set_last(cpu, d); break; /* FNOP */
        case 3: /* D9 D8+i, FSTPNCE: FSTP, but an empty ST(0) just pops */
            if (fpu_empty(cpu, 0)) {
                fpu_set_last(cpu, d);
                cpu->fsw &= ~FSW_C1;
                fpu_pop(cpu);
            } else {
                store_reg(cpu, d, i, true);
            }
            break;
        default: x87_d9_group(cpu, d, reg, i); break;
        }
        break;
    case 2:
        if (reg < 4) {
            do_fcmov(cpu, d, esc, reg, i);
        } else {
            do_compare(cpu, d, NULL, 1, true, 2, false); /* FUCOMPP */
        }
        break;
    case 3:
        if (reg < 4) {
            do_fcmov(cpu, d, esc, reg, i);
        } else if (reg == 4) {
            if (i == 2) { /* FNCLEX */
                cpu->fsw &= ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
                update_ferr(cpu);
            } else if (i == 3) {
                fpu_init(cpu);
            } /* FENI, FDISI, FSETPM: no-ops since the 387 */
        } else {
            do_compare(cpu, d, NULL, i, reg == 5, 0, true);
        }
        break;
    case 5:
        switch (reg) {
        case 0: /* FFREE */
            fpu_set_last(cpu, d);
            fpu_set_tag_phys(cpu, fpu_phys(cpu, i), FTAG_EMPTY);
            cpu->fsw &= ~FSW_C1;
            break;
        case 1: do_fxch(cpu, d, i); break; /* FXCH4 (alias) */
        case 2: store_reg(cpu, d, i, false); break;
        case 3: store_reg(cpu, d, i, true); break;
        default: do_compare(cpu, d, NULL, i, true, reg == 5, false); break;
        }
        break;
    default: /* DF */
        switch (reg) {
        case 0: /* FFREEP */
            fpu_set_last(cpu, d);
            fpu_set_tag_phys(cpu, fpu_phys(cpu, i), FTAG_EMPTY);
            fpu_pop(cpu);
            cpu->fsw &= ~FSW_C1;
            break;
        case 1: do_fxch(cpu, d, i); break; /* FXCH7 (alias) */
        case 2:
        case 3: store_reg(cpu, d, i, true); break; /* FSTP8/9 (alias) */
        case 4: reg_write(cpu, R_EAX, 2, fpu_get_fsw(cpu)); break;
        default: do_compare(cpu, d, NULL, i, reg == 5, 1, true); break;
        }
        break;
    }
}

HANDLER(op_x87)
{
    fpu_check_nm(cpu, false);
    int kind = x87_kind(cpu, d);
    if (kind == KIND_UD) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (kind == KIND_WAIT && !fpu_check_pending(cpu)) {
        return;
    }
    unsigned esc = d->opcode & 7, reg = (d->modrm >> 3) & 7;
    if (d->mem) {
        x87_mem(cpu, d, esc, reg);
    } else {
        x87_reg(cpu, d, esc, reg, d->modrm & 7);
    }
}

HANDLER(op_fwait)
{
    if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
        x86_raise(cpu, EXC_NM, -1);
    }
    fpu_check_pending(cpu);
}
