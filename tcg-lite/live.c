/*
 * Per-block flag liveness: an instruction's lazy-flags store is dropped
 * when a later instruction of the same block certainly replaces the whole
 * lazy-flags state before anything could look at it.
 *
 * What may look at the flags between two instructions: an instruction
 * that reads them, a fault (the handler sees EFLAGS), and a stop of the
 * block - after any instruction the run loop looks at interrupt_request
 * and may leave the block there, with the flags as they are then. So the
 * store of instruction i is dead only if i and every instruction up to
 * and including the one that replaces the flags (j) are "quiet": register
 * forms that cannot fault, read no flags and change nothing a stop
 * depends on (interrupt_request, EFLAGS.IF, the mode, the code or the
 * address map - only memory writes, I/O, mode changes and PAUSE can, and
 * none of them is quiet). pcvm runs the vCPUs and the devices in one
 * thread, so interrupt_request changes only through what an instruction
 * does: after a quiet instruction the run loop finds what it found
 * before it. A stop after instruction i > 0 would then have happened
 * after i - 1 already; before the first one the run loop checks
 * (run.c: a block with dropped stores that starts with an event pending,
 * or runs out of budget inside, goes through the interpreter's handlers
 * throughout, which store every flag).
 *
 * INC and DEC keep CF: their lazy state holds the CF of the state before
 * them (flags.h), so they read it when their own flags are live, and
 * nothing when they are not. When the instructions before are known to
 * leave CF clear (a logic operation, then quiet instructions and
 * INC/DEC), INC/DEC take a form that stores CF = 0 without reading it,
 * and do not keep the instruction before alive.
 *
 * The forms here compute the same values as x86_alu, x86_incdec and
 * x86_shift (cpu/alu.h) without the lazy-flags store.
 */
#include "cpu/alu.h"
#include "cpu/ops.h"
#include "tcg-lite/tb.h"

#define S(name) static void name(X86Cpu *cpu, const DecodedInsn *d)

static inline unsigned rm_reg(const DecodedInsn *d, unsigned size)
{
    return size == 1 ? reg8_index(d, d->rm) : d->rm;
}

static inline unsigned g_reg(const DecodedInsn *d, unsigned size)
{
    return size == 1 ? reg8_index(d, d->reg) : d->reg;
}

/* x86_alu's result for ADD OR AND SUB XOR (the others are not here). */
static inline __attribute__((always_inline)) uint64_t
alu_value(unsigned op, unsigned size, uint64_t a, uint64_t b)
{
    switch (op) {
    case ALU_ADD: return (a + b) & size_mask(size);
    case ALU_OR: return (a | b) & size_mask(size);
    case ALU_AND: return a & b & size_mask(size);
    case ALU_SUB: return (a - b) & size_mask(size);
    default: return (a ^ b) & size_mask(size);
    }
}

/* --- ALU register forms without flags; CMP and TEST are then nothing --- */

S(nf_none)
{
    (void)cpu;
    (void)d;
}

#define NF_ALU(OP, SZ)                                                         \
    S(nf_alu_EG_##OP##_##SZ)                                                   \
    {                                                                          \
        unsigned e = rm_reg(d, SZ);                                            \
        reg_write(cpu, e, SZ, alu_value(OP, SZ, reg_read(cpu, e, SZ),          \
                                        reg_read(cpu, g_reg(d, SZ), SZ)));     \
    }                                                                          \
    S(nf_alu_GE_##OP##_##SZ)                                                   \
    {                                                                          \
        unsigned g = g_reg(d, SZ);                                             \
        reg_write(cpu, g, SZ, alu_value(OP, SZ, reg_read(cpu, g, SZ),          \
                                        reg_read(cpu, rm_reg(d, SZ), SZ)));    \
    }                                                                          \
    S(nf_alu_EI_##OP##_##SZ)                                                   \
    {                                                                          \
        unsigned e = rm_reg(d, SZ);                                            \
        reg_write(cpu, e, SZ, alu_value(OP, SZ, reg_read(cpu, e, SZ),          \
                                        d->imm));                              \
    }                                                                          \
    S(nf_alu_AI_##OP##_##SZ)                                                   \
    {                                                                          \
        reg_write(cpu, R_EAX, SZ, alu_value(OP, SZ,                            \
                                            reg_read(cpu, R_EAX, SZ),          \
                                            d->imm));                          \
    }
#define NF_ALU_SIZES(OP) NF_ALU(OP, 1) NF_ALU(OP, 2) NF_ALU(OP, 4)
NF_ALU_SIZES(0)
NF_ALU_SIZES(1)
NF_ALU_SIZES(4)
NF_ALU_SIZES(5)
NF_ALU_SIZES(6)

#define SZ3(F) {F##_1, F##_2, F##_4}
/* [form EG GE EI AI][op][size]; ADC SBB (they read CF) and CMP absent. */
static X86Handler *const nf_alu[4][8][3] = {
#define NF_ROW(F)                                                              \
    {SZ3(F##_0), SZ3(F##_1), {0}, {0}, SZ3(F##_4), SZ3(F##_5), SZ3(F##_6),    \
     {0}}
    NF_ROW(nf_alu_EG), NF_ROW(nf_alu_GE), NF_ROW(nf_alu_EI),
    NF_ROW(nf_alu_AI),
#undef NF_ROW
};

/* --- INC/DEC: without flags, or with CF known to be clear before --- */

#define NF_INCDEC(DEC, SZ)                                                     \
    S(nf_incdec_r_##DEC##_##SZ)                                                \
    {                                                                          \
        unsigned r = opcode_reg(d, SZ);                                        \
        reg_write(cpu, r, SZ, reg_read(cpu, r, SZ) + (DEC ? -1 : 1));          \
    }                                                                          \
    S(nf_incdec_E_##DEC##_##SZ)                                                \
    {                                                                          \
        unsigned r = rm_reg(d, SZ);                                            \
        reg_write(cpu, r, SZ, reg_read(cpu, r, SZ) + (DEC ? -1 : 1));          \
    }                                                                          \
    S(cf0_incdec_r_##DEC##_##SZ)                                               \
    {                                                                          \
        unsigned r = opcode_reg(d, SZ);                                        \
        uint64_t v = (reg_read(cpu, r, SZ) + (DEC ? -1 : 1)) &                 \
                     size_mask(SZ);                                            \
        set_cc(cpu, DEC ? CC_OP_DEC8 : CC_OP_INC8, SZ, v, 0, 0);               \
        reg_write(cpu, r, SZ, v);                                              \
    }                                                                          \
    S(cf0_incdec_E_##DEC##_##SZ)                                               \
    {                                                                          \
        unsigned r = rm_reg(d, SZ);                                            \
        uint64_t v = (reg_read(cpu, r, SZ) + (DEC ? -1 : 1)) &                 \
                     size_mask(SZ);                                            \
        set_cc(cpu, DEC ? CC_OP_DEC8 : CC_OP_INC8, SZ, v, 0, 0);               \
        reg_write(cpu, r, SZ, v);                                              \
    }
NF_INCDEC(0, 1)
NF_INCDEC(0, 2)
NF_INCDEC(0, 4)
NF_INCDEC(1, 1)
NF_INCDEC(1, 2)
NF_INCDEC(1, 4)
/* [INC/DEC r, FE/FF /0 /1 register][dec][size] */
static X86Handler *const nf_incdec[2][2][3] = {
    {SZ3(nf_incdec_r_0), SZ3(nf_incdec_r_1)},
    {SZ3(nf_incdec_E_0), SZ3(nf_incdec_E_1)},
};
static X86Handler *const cf0_incdec[2][2][3] = {
    {SZ3(cf0_incdec_r_0), SZ3(cf0_incdec_r_1)},
    {SZ3(cf0_incdec_E_0), SZ3(cf0_incdec_E_1)},
};

/* --- SHL SHR SAR of a register by a constant that is not zero --- */

static inline unsigned shift_count(const DecodedInsn *d)
{
    return (d->opcode >= 0xd0 ? 1 : d->imm & 0xff) & 31;
}

#define NF_SHIFT(KIND, SZ)                                                     \
    S(nf_shift_##KIND##_##SZ)                                                  \
    {                                                                          \
        unsigned r = rm_reg(d, SZ), c = shift_count(d);                        \
        uint64_t v = reg_read(cpu, r, SZ);                                     \
        reg_write(cpu, r, SZ,                                                  \
                  KIND == 4 ? v << c                                           \
                  : KIND == 5 ? v >> c                                         \
                              : (uint64_t)(sext(v, SZ) >> c));                 \
    }
NF_SHIFT(4, 1)
NF_SHIFT(4, 2)
NF_SHIFT(4, 4)
NF_SHIFT(5, 1)
NF_SHIFT(5, 2)
NF_SHIFT(5, 4)
NF_SHIFT(7, 1)
NF_SHIFT(7, 2)
NF_SHIFT(7, 4)
static X86Handler *const nf_shift[3][3] = {SZ3(nf_shift_4), SZ3(nf_shift_5),
                                           SZ3(nf_shift_7)};

/* --- the analysis --- */

typedef enum {
    LV_OTHER,    /* anything else: flags live before it */
    LV_QUIET,    /* quiet, flags untouched */
    LV_KILL,     /* quiet, replaces the flags without reading them */
    LV_INCDEC,   /* quiet INC/DEC of a register (reads CF when live) */
} LiveKind;

static inline unsigned size_idx(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

/* What @d is to the analysis; for LV_KILL, *@nf gets its form without
 * flags (NULL: none), and *@logic whether it leaves CF clear. */
static LiveKind classify(const TcgOp *op, X86Handler **nf, bool *logic)
{
    const DecodedInsn *d = &op->d;
    X86Handler *h = op->interp;
    unsigned size = d->opsize;
    *nf = NULL;
    *logic = false;
    if (size != 1 && size != 2 && size != 4) {
        return LV_OTHER;
    }
    unsigned si = size_idx(size);
    if (h == op_lea) {
        /* No access: the address is only computed. */
        return LV_QUIET;
    }
    if (d->mem) {
        return LV_OTHER;
    }
    if (h == op_mov_EG || h == op_mov_GE || h == op_mov_EI ||
        h == op_mov_r_imm || h == op_movzx || h == op_movsx ||
        h == op_not_E || h == op_xchg_EG || h == op_bswap || h == op_cbw ||
        h == op_cwd || (h == op_xchg_AX_r && !d->rep)) {
        /* (XCHG AX,AX with F3 is PAUSE, which may end a turn.) */
        return LV_QUIET;
    }
    int form = h == op_alu_EG ? 0 : h == op_alu_GE ? 1
               : h == op_alu_EI ? 2 : h == op_alu_AI ? 3 : -1;
    if (form >= 0) {
        unsigned alu = ((form == 2 ? d->modrm : d->opcode) >> 3) & 7;
        if (alu == ALU_ADC || alu == ALU_SBB) {
            return LV_OTHER;
        }
        *nf = alu == ALU_CMP ? nf_none : nf_alu[form][alu][si];
        *logic = alu == ALU_OR || alu == ALU_AND || alu == ALU_XOR;
        return LV_KILL;
    }
    if (h == op_test_EG || h == op_test_EI || h == op_test_AI) {
        *nf = nf_none;
        *logic = true;
        return LV_KILL;
    }
    if (h == op_shift && (d->opcode == 0xc0 || d->opcode == 0xc1 ||
                          d->opcode == 0xd0 || d->opcode == 0xd1)) {
        unsigned kind = (d->modrm >> 3) & 7;
        if ((kind == 4 || kind == 5 || kind == 7) && shift_count(d)) {
            *nf = nf_shift[kind == 4 ? 0 : kind == 5 ? 1 : 2][si];
            return LV_KILL;
        }
        /* (A zero count leaves the flags alone: not worth a kind.) */
        return LV_OTHER;
    }
    if (h == op_inc_r || h == op_dec_r || h == op_incdec_E) {
        return LV_INCDEC;
    }
    return LV_OTHER;
}

static X86Handler *incdec_form(const TcgOp *op, X86Handler *const t[2][2][3])
{
    const DecodedInsn *d = &op->d;
    X86Handler *h = op->interp;
    unsigned form = h == op_incdec_E;
    unsigned dec = form ? (d->modrm >> 3) & 1 : h == op_dec_r;
    return t[form][dec][size_idx(d->opsize)];
}

bool tb_flags_liveness(TcgOp *ops, unsigned n, uint32_t hflags)
{
    /* Per instruction: its kind, and whether CF is known clear before
     * it (a logic operation, then quiet instructions and INC/DEC). */
    LiveKind kind[TB_MAX_INSNS];
    X86Handler *nf[TB_MAX_INSNS];
    bool cf0[TB_MAX_INSNS];
    bool dropped = false;

    if (hflags & (X86_HF_CS64 | X86_HF_LMA)) {
        return false;
    }
    bool clear = false;
    for (unsigned i = 0; i < n; i++) {
        bool logic;
        kind[i] = classify(&ops[i], &nf[i], &logic);
        cf0[i] = clear;
        if (kind[i] == LV_KILL) {
            clear = logic;
        } else if (kind[i] == LV_OTHER) {
            clear = false;
        }
    }
    /* Backwards: are the flags after instruction i live? After the
     * block's last they are. */
    bool live = true;
    for (unsigned i = n; i-- > 0;) {
        TcgOp *op = &ops[i];
        switch (kind[i]) {
        case LV_QUIET:
            break;
        case LV_KILL:
            if (!live && nf[i]) {
                op->d.handler = nf[i];
                dropped = true;
            }
            live = false;
            break;
        case LV_INCDEC:
            if (!live) {
                op->d.handler = incdec_form(op, nf_incdec);
                dropped = true;
            } else if (cf0[i]) {
                op->d.handler = incdec_form(op, cf0_incdec);
                live = false;
            }
            break;
        default:
            live = true;
            break;
        }
    }
    return dropped;
}
