/*
 * Specialised handlers: the hot instructions in forms fixed at
 * translation time - operation, operand size, register or memory operand,
 * and for the flag readers (Jcc, SETcc, CMOVcc, ADC/SBB, INC/DEC) the
 * lazy-flags operation the previous instruction of the block is known to
 * have left, so a compare and branch becomes one comparison.
 *
 * They add no semantics of their own. Each is the interpreter's handler
 * with the decoding questions answered: it calls the same semantic
 * helpers (cpu/alu.h, cpu/flags.h), inlined with constants, and its
 * memory operand takes a fast path only when the access certainly passes
 * every segment check and hits the TLB with a host pointer; anything else
 * (a fault to raise, MMIO, a watched page, a page-crossing access) goes to
 * the interpreter's handler, which does it all from the start - nothing
 * has changed by then.
 */
#include "cpu/alu.h"
#include "cpu/flags.h"
#include "cpu/ops.h"
#include "tcg-lite/tb.h"

#define S(name) static void name(X86Cpu *cpu, const DecodedInsn *d)

/* --- operands (fast_ptr, ld, st: tb.h) --- */

/* The E operand as a register (d->mem clear). */
static inline unsigned rm_reg(const DecodedInsn *d, unsigned size)
{
    return size == 1 ? reg8_index(d, d->rm) : d->rm;
}

static inline unsigned g_reg(const DecodedInsn *d, unsigned size)
{
    return size == 1 ? reg8_index(d, d->reg) : d->reg;
}

/* Near jump inside the CS limit (the interpreter's handler raises the
 * #GP for the rest). */
static inline bool near_ok(const X86Cpu *cpu, uint64_t target)
{
    return target <= cpu->seg[R_CS].limit;
}

/* --- ALU: op in {ADD OR ADC SBB AND SUB XOR CMP}, size 1, 2, 4 --- */

#define ALU_FORMS(OP, SZ)                                                      \
    S(alu_EG_r_##OP##_##SZ)                                                    \
    {                                                                          \
        unsigned e = rm_reg(d, SZ);                                            \
        uint64_t r = x86_alu(cpu, OP, SZ, reg_read(cpu, e, SZ),                \
                             reg_read(cpu, g_reg(d, SZ), SZ));                 \
        if (OP != ALU_CMP) {                                                   \
            reg_write(cpu, e, SZ, r);                                          \
        }                                                                      \
    }                                                                          \
    S(alu_EG_m_##OP##_##SZ)                                                    \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ,            \
                              OP != ALU_CMP);                                  \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_alu_EG);                                    \
            return;                                                            \
        }                                                                      \
        uint64_t r = x86_alu(cpu, OP, SZ, ld(p, SZ),                           \
                             reg_read(cpu, g_reg(d, SZ), SZ));                 \
        if (OP != ALU_CMP) {                                                   \
            st(p, r, SZ);                                                      \
        }                                                                      \
    }                                                                          \
    S(alu_GE_r_##OP##_##SZ)                                                    \
    {                                                                          \
        unsigned g = g_reg(d, SZ);                                             \
        uint64_t r = x86_alu(cpu, OP, SZ, reg_read(cpu, g, SZ),                \
                             reg_read(cpu, rm_reg(d, SZ), SZ));                \
        if (OP != ALU_CMP) {                                                   \
            reg_write(cpu, g, SZ, r);                                          \
        }                                                                      \
    }                                                                          \
    S(alu_GE_m_##OP##_##SZ)                                                    \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, false);    \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_alu_GE);                                    \
            return;                                                            \
        }                                                                      \
        unsigned g = g_reg(d, SZ);                                             \
        uint64_t r = x86_alu(cpu, OP, SZ, reg_read(cpu, g, SZ), ld(p, SZ));    \
        if (OP != ALU_CMP) {                                                   \
            reg_write(cpu, g, SZ, r);                                          \
        }                                                                      \
    }                                                                          \
    S(alu_EI_r_##OP##_##SZ)                                                    \
    {                                                                          \
        unsigned e = rm_reg(d, SZ);                                            \
        uint64_t r = x86_alu(cpu, OP, SZ, reg_read(cpu, e, SZ), d->imm);       \
        if (OP != ALU_CMP) {                                                   \
            reg_write(cpu, e, SZ, r);                                          \
        }                                                                      \
    }                                                                          \
    S(alu_EI_m_##OP##_##SZ)                                                    \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ,            \
                              OP != ALU_CMP);                                  \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_alu_EI);                                    \
            return;                                                            \
        }                                                                      \
        uint64_t r = x86_alu(cpu, OP, SZ, ld(p, SZ), d->imm);                  \
        if (OP != ALU_CMP) {                                                   \
            st(p, r, SZ);                                                      \
        }                                                                      \
    }                                                                          \
    S(alu_AI_##OP##_##SZ)                                                      \
    {                                                                          \
        uint64_t r = x86_alu(cpu, OP, SZ, reg_read(cpu, R_EAX, SZ), d->imm);   \
        if (OP != ALU_CMP) {                                                   \
            reg_write(cpu, R_EAX, SZ, r);                                      \
        }                                                                      \
    }

#define ALU_SIZES(OP) ALU_FORMS(OP, 1) ALU_FORMS(OP, 2) ALU_FORMS(OP, 4)
ALU_SIZES(0) ALU_SIZES(1) ALU_SIZES(2) ALU_SIZES(3)
ALU_SIZES(4) ALU_SIZES(5) ALU_SIZES(6) ALU_SIZES(7)

#define ALU_ROW(F, OP) {F##_##OP##_1, F##_##OP##_2, F##_##OP##_4}
#define ALU_TABLE(F)                                                           \
    static X86Handler *const F[8][3] = {                                       \
        ALU_ROW(F, 0), ALU_ROW(F, 1), ALU_ROW(F, 2), ALU_ROW(F, 3),            \
        ALU_ROW(F, 4), ALU_ROW(F, 5), ALU_ROW(F, 6), ALU_ROW(F, 7),            \
    }
ALU_TABLE(alu_EG_r);
ALU_TABLE(alu_EG_m);
ALU_TABLE(alu_GE_r);
ALU_TABLE(alu_GE_m);
ALU_TABLE(alu_EI_r);
ALU_TABLE(alu_EI_m);
ALU_TABLE(alu_AI);

/* TEST: AND without the store. */
#define TEST_FORMS(SZ)                                                         \
    S(test_EG_r_##SZ)                                                          \
    {                                                                          \
        x86_alu(cpu, ALU_AND, SZ, reg_read(cpu, rm_reg(d, SZ), SZ),            \
                reg_read(cpu, g_reg(d, SZ), SZ));                              \
    }                                                                          \
    S(test_EG_m_##SZ)                                                          \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, false);    \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_test_EG);                                   \
            return;                                                            \
        }                                                                      \
        x86_alu(cpu, ALU_AND, SZ, ld(p, SZ),                                   \
                reg_read(cpu, g_reg(d, SZ), SZ));                              \
    }                                                                          \
    S(test_EI_r_##SZ)                                                          \
    {                                                                          \
        x86_alu(cpu, ALU_AND, SZ, reg_read(cpu, rm_reg(d, SZ), SZ), d->imm);   \
    }                                                                          \
    S(test_EI_m_##SZ)                                                          \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, false);    \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_test_EI);                                   \
            return;                                                            \
        }                                                                      \
        x86_alu(cpu, ALU_AND, SZ, ld(p, SZ), d->imm);                          \
    }                                                                          \
    S(test_AI_##SZ)                                                            \
    {                                                                          \
        x86_alu(cpu, ALU_AND, SZ, reg_read(cpu, R_EAX, SZ), d->imm);           \
    }
TEST_FORMS(1)
TEST_FORMS(2)
TEST_FORMS(4)
#define SZ3(F) {F##_1, F##_2, F##_4}
static X86Handler *const test_EG_r[3] = SZ3(test_EG_r);
static X86Handler *const test_EG_m[3] = SZ3(test_EG_m);
static X86Handler *const test_EI_r[3] = SZ3(test_EI_r);
static X86Handler *const test_EI_m[3] = SZ3(test_EI_m);
static X86Handler *const test_AI[3] = SZ3(test_AI);

/* --- MOV, MOVZX/MOVSX, LEA --- */

#define MOV_FORMS(SZ)                                                          \
    S(mov_EG_r_##SZ)                                                           \
    {                                                                          \
        reg_write(cpu, rm_reg(d, SZ), SZ, reg_read(cpu, g_reg(d, SZ), SZ));    \
    }                                                                          \
    S(mov_EG_m_##SZ)                                                           \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, true);     \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_mov_EG);                                    \
            return;                                                            \
        }                                                                      \
        st(p, reg_read(cpu, g_reg(d, SZ), SZ), SZ);                            \
    }                                                                          \
    S(mov_GE_r_##SZ)                                                           \
    {                                                                          \
        reg_write(cpu, g_reg(d, SZ), SZ, reg_read(cpu, rm_reg(d, SZ), SZ));    \
    }                                                                          \
    S(mov_GE_m_##SZ)                                                           \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, false);    \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_mov_GE);                                    \
            return;                                                            \
        }                                                                      \
        reg_write(cpu, g_reg(d, SZ), SZ, ld(p, SZ));                           \
    }                                                                          \
    S(mov_EI_r_##SZ)                                                           \
    {                                                                          \
        reg_write(cpu, rm_reg(d, SZ), SZ, d->imm);                             \
    }                                                                          \
    S(mov_EI_m_##SZ)                                                           \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, true);     \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_mov_EI);                                    \
            return;                                                            \
        }                                                                      \
        st(p, d->imm, SZ);                                                     \
    }                                                                          \
    S(mov_r_imm_##SZ)                                                          \
    {                                                                          \
        reg_write(cpu, opcode_reg(d, SZ), SZ, d->imm);                         \
    }                                                                          \
    S(mov_moffs_##SZ)                                                          \
    {                                                                          \
        uint64_t addr = (uint64_t)d->disp & addr_mask(d);                      \
        bool load = d->opcode < 0xa2;                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, addr, SZ, !load);                   \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_mov_moffs);                                 \
        } else if (load) {                                                     \
            reg_write(cpu, R_EAX, SZ, ld(p, SZ));                              \
        } else {                                                               \
            st(p, reg_read(cpu, R_EAX, SZ), SZ);                               \
        }                                                                      \
    }
MOV_FORMS(1)
MOV_FORMS(2)
MOV_FORMS(4)
static X86Handler *const mov_EG_r[3] = SZ3(mov_EG_r);
static X86Handler *const mov_EG_m[3] = SZ3(mov_EG_m);
static X86Handler *const mov_GE_r[3] = SZ3(mov_GE_r);
static X86Handler *const mov_GE_m[3] = SZ3(mov_GE_m);
static X86Handler *const mov_EI_r[3] = SZ3(mov_EI_r);
static X86Handler *const mov_EI_m[3] = SZ3(mov_EI_m);
static X86Handler *const mov_r_imm[3] = SZ3(mov_r_imm);
static X86Handler *const mov_moffs[3] = SZ3(mov_moffs);

/* MOVZX/MOVSX Gv, Eb/Ew: SRC the source size, SX sign-extends. */
#define MOVX_FORMS(NAME, SX, SRC, SZ)                                          \
    S(NAME##_r_##SRC##_##SZ)                                                   \
    {                                                                          \
        uint64_t v = reg_read(cpu, rm_reg(d, SRC), SRC);                       \
        reg_write(cpu, d->reg, SZ, SX ? (uint64_t)sext(v, SRC) : v);           \
    }                                                                          \
    S(NAME##_m_##SRC##_##SZ)                                                   \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SRC, false);   \
        if (!p) {                                                              \
            tb_fallback(cpu, d, (SX ? op_movsx : op_movzx));                   \
            return;                                                            \
        }                                                                      \
        uint64_t v = ld(p, SRC);                                               \
        reg_write(cpu, d->reg, SZ, SX ? (uint64_t)sext(v, SRC) : v);           \
    }
MOVX_FORMS(movzx, 0, 1, 2)
MOVX_FORMS(movzx, 0, 1, 4)
MOVX_FORMS(movzx, 0, 2, 2)
MOVX_FORMS(movzx, 0, 2, 4)
MOVX_FORMS(movsx, 1, 1, 2)
MOVX_FORMS(movsx, 1, 1, 4)
MOVX_FORMS(movsx, 1, 2, 2)
MOVX_FORMS(movsx, 1, 2, 4)
/* [sign][src 1/2][mem][size 2/4] */
static X86Handler *const movx[2][2][2][2] = {
    {{{movzx_r_1_2, movzx_r_1_4}, {movzx_m_1_2, movzx_m_1_4}},
     {{movzx_r_2_2, movzx_r_2_4}, {movzx_m_2_2, movzx_m_2_4}}},
    {{{movsx_r_1_2, movsx_r_1_4}, {movsx_m_1_2, movsx_m_1_4}},
     {{movsx_r_2_2, movsx_r_2_4}, {movsx_m_2_2, movsx_m_2_4}}},
};

S(lea_2)
{
    reg_write(cpu, d->reg, 2, x86_ea_calc(cpu, d));
}

S(lea_4)
{
    reg_write(cpu, d->reg, 4, x86_ea_calc(cpu, d));
}

/* --- INC/DEC --- */

#define INCDEC_FORMS(DEC, SZ)                                                  \
    S(incdec_r_##DEC##_##SZ)                                                   \
    {                                                                          \
        unsigned r = opcode_reg(d, SZ);                                        \
        reg_write(cpu, r, SZ,                                                  \
                  x86_incdec(cpu, SZ, reg_read(cpu, r, SZ), DEC));             \
    }                                                                          \
    S(incdec_E_r_##DEC##_##SZ)                                                 \
    {                                                                          \
        unsigned r = rm_reg(d, SZ);                                            \
        reg_write(cpu, r, SZ,                                                  \
                  x86_incdec(cpu, SZ, reg_read(cpu, r, SZ), DEC));             \
    }                                                                          \
    S(incdec_E_m_##DEC##_##SZ)                                                 \
    {                                                                          \
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), SZ, true);     \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_incdec_E);                                  \
            return;                                                            \
        }                                                                      \
        st(p, x86_incdec(cpu, SZ, ld(p, SZ), DEC), SZ);                        \
    }
INCDEC_FORMS(0, 1)
INCDEC_FORMS(0, 2)
INCDEC_FORMS(0, 4)
INCDEC_FORMS(1, 1)
INCDEC_FORMS(1, 2)
INCDEC_FORMS(1, 4)
static X86Handler *const incdec_r[2][3] = {SZ3(incdec_r_0), SZ3(incdec_r_1)};
static X86Handler *const incdec_E_r[2][3] = {SZ3(incdec_E_r_0),
                                             SZ3(incdec_E_r_1)};
static X86Handler *const incdec_E_m[2][3] = {SZ3(incdec_E_m_0),
                                             SZ3(incdec_E_m_1)};

/* --- shifts by a constant (C0/C1 imm8, D0/D1 by one): SHL SHR SAR --- */

#define SHIFT_FORMS(KIND, SZ)                                                  \
    S(shift_r_##KIND##_##SZ)                                                   \
    {                                                                          \
        unsigned count = (d->opcode >= 0xd0 ? 1 : d->imm & 0xff) & 31;         \
        unsigned r = rm_reg(d, SZ);                                            \
        if (count) {                                                           \
            reg_write(cpu, r, SZ,                                              \
                      x86_shift(cpu, KIND, SZ, reg_read(cpu, r, SZ), count));  \
        }                                                                      \
    }
SHIFT_FORMS(4, 1)
SHIFT_FORMS(4, 2)
SHIFT_FORMS(4, 4)
SHIFT_FORMS(5, 1)
SHIFT_FORMS(5, 2)
SHIFT_FORMS(5, 4)
SHIFT_FORMS(7, 1)
SHIFT_FORMS(7, 2)
SHIFT_FORMS(7, 4)
static X86Handler *const shift_r[3][3] = {SZ3(shift_r_4), SZ3(shift_r_5),
                                          SZ3(shift_r_7)};

/* --- stack: PUSH/POP reg, PUSH imm, CALL rel, RET; SS 16 or 32-bit --- */

#define STACK_FORMS(SZ, SS)                                                    \
    S(push_r_##SZ##_##SS)                                                      \
    {                                                                          \
        uint64_t sp = (cpu->regs[R_ESP] - SZ) & size_mask(SS);                 \
        uint8_t *p = fast_ptr(cpu, R_SS, sp, SZ, true);                        \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_push_r);                                    \
            return;                                                            \
        }                                                                      \
        st(p, cpu->regs[opcode_reg(d, 8)], SZ);                                \
        reg_write(cpu, R_ESP, SS, sp);                                         \
    }                                                                          \
    S(push_imm_##SZ##_##SS)                                                    \
    {                                                                          \
        uint64_t sp = (cpu->regs[R_ESP] - SZ) & size_mask(SS);                 \
        uint8_t *p = fast_ptr(cpu, R_SS, sp, SZ, true);                        \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_push_imm);                                  \
            return;                                                            \
        }                                                                      \
        st(p, d->imm, SZ);                                                     \
        reg_write(cpu, R_ESP, SS, sp);                                         \
    }                                                                          \
    S(pop_r_##SZ##_##SS)                                                       \
    {                                                                          \
        uint64_t sp = cpu->regs[R_ESP] & size_mask(SS);                        \
        uint8_t *p = fast_ptr(cpu, R_SS, sp, SZ, false);                       \
        if (!p) {                                                              \
            tb_fallback(cpu, d, op_pop_r);                                     \
            return;                                                            \
        }                                                                      \
        uint64_t v = ld(p, SZ);                                                \
        reg_write(cpu, R_ESP, SS, sp + SZ);                                    \
        reg_write(cpu, opcode_reg(d, 8), SZ, v);                               \
    }                                                                          \
    S(call_rel_##SZ##_##SS)                                                    \
    {                                                                          \
        uint64_t target = (cpu->next_rip + d->imm) & size_mask(SZ);            \
        uint64_t sp = (cpu->regs[R_ESP] - SZ) & size_mask(SS);                 \
        uint8_t *p = fast_ptr(cpu, R_SS, sp, SZ, true);                        \
        if (!p || !near_ok(cpu, target)) {                                     \
            tb_fallback(cpu, d, op_call_rel);                                  \
            return;                                                            \
        }                                                                      \
        st(p, cpu->next_rip, SZ);                                              \
        cpu->next_rip = target;                                                \
        reg_write(cpu, R_ESP, SS, sp);                                         \
    }                                                                          \
    S(ret_##SZ##_##SS)                                                         \
    {                                                                          \
        uint64_t sp = cpu->regs[R_ESP] & size_mask(SS);                        \
        uint8_t *p = fast_ptr(cpu, R_SS, sp, SZ, false);                       \
        uint64_t target = p ? ld(p, SZ) : 0;                                   \
        if (!p || !near_ok(cpu, target)) {                                     \
            tb_fallback(cpu, d, op_ret_near);                                  \
            return;                                                            \
        }                                                                      \
        cpu->next_rip = target;                                                \
        uint64_t pop = SZ + (d->opcode == 0xc2 ? d->imm : 0);                  \
        reg_write(cpu, R_ESP, SS, (cpu->regs[R_ESP] + pop) & size_mask(SS));   \
    }
STACK_FORMS(2, 2)
STACK_FORMS(2, 4)
STACK_FORMS(4, 2)
STACK_FORMS(4, 4)
/* [size 2/4][stack 2/4] */
#define SZSS(F) {{F##_2_2, F##_2_4}, {F##_4_2, F##_4_4}}
static X86Handler *const push_r[2][2] = SZSS(push_r);
static X86Handler *const push_imm[2][2] = SZSS(push_imm);
static X86Handler *const pop_r[2][2] = SZSS(pop_r);
static X86Handler *const call_rel[2][2] = SZSS(call_rel);
static X86Handler *const ret_near[2][2] = SZSS(ret);

/* --- JMP rel, Jcc with the flags-setting operation known or not --- */

#define JMP_FORMS(SZ)                                                          \
    S(jmp_rel_##SZ)                                                            \
    {                                                                          \
        uint64_t target = (cpu->next_rip + d->imm) & size_mask(SZ);            \
        if (!near_ok(cpu, target)) {                                           \
            tb_fallback(cpu, d, op_jmp_rel);                                   \
            return;                                                            \
        }                                                                      \
        cpu->next_rip = target;                                                \
    }
JMP_FORMS(2)
JMP_FORMS(4)

/* Jcc for flags left by lazy-flags operation CCOP (CC_OP_COUNT: whatever
 * cpu->cc_op says). */
#define JCC_ONE(CCOP, CC)                                                      \
    S(jcc_##CCOP##_##CC)                                                       \
    {                                                                          \
        unsigned op = CCOP == CC_OP_COUNT ? cpu->cc_op : CCOP;                 \
        if (x86_cond_op(cpu, op, CC)) {                                        \
            uint64_t target = (cpu->next_rip + d->imm) &                       \
                              size_mask(d->opsize);                            \
            if (!near_ok(cpu, target)) {                                       \
                tb_fallback(cpu, d, op_jcc);                                   \
                return;                                                        \
            }                                                                  \
            cpu->next_rip = target;                                            \
        }                                                                      \
    }
#define JCC_ALL(CCOP)                                                          \
    JCC_ONE(CCOP, 0) JCC_ONE(CCOP, 1) JCC_ONE(CCOP, 2) JCC_ONE(CCOP, 3)        \
    JCC_ONE(CCOP, 4) JCC_ONE(CCOP, 5) JCC_ONE(CCOP, 6) JCC_ONE(CCOP, 7)        \
    JCC_ONE(CCOP, 8) JCC_ONE(CCOP, 9) JCC_ONE(CCOP, 10) JCC_ONE(CCOP, 11)      \
    JCC_ONE(CCOP, 12) JCC_ONE(CCOP, 13) JCC_ONE(CCOP, 14) JCC_ONE(CCOP, 15)
#define JCC_ROW(CCOP)                                                          \
    {jcc_##CCOP##_0, jcc_##CCOP##_1, jcc_##CCOP##_2, jcc_##CCOP##_3,           \
     jcc_##CCOP##_4, jcc_##CCOP##_5, jcc_##CCOP##_6, jcc_##CCOP##_7,           \
     jcc_##CCOP##_8, jcc_##CCOP##_9, jcc_##CCOP##_10, jcc_##CCOP##_11,         \
     jcc_##CCOP##_12, jcc_##CCOP##_13, jcc_##CCOP##_14, jcc_##CCOP##_15}

/* The producers worth a row: compares, logic and INC/DEC in the sizes
 * that matter, shifts (CF), ADD; anything else reads cpu->cc_op. */
JCC_ALL(CC_OP_COUNT)
JCC_ALL(CC_OP_SUB8)
JCC_ALL(CC_OP_SUB16)
JCC_ALL(CC_OP_SUB32)
JCC_ALL(CC_OP_LOGIC8)
JCC_ALL(CC_OP_LOGIC16)
JCC_ALL(CC_OP_LOGIC32)
JCC_ALL(CC_OP_ADD32)
JCC_ALL(CC_OP_INC16)
JCC_ALL(CC_OP_INC32)
JCC_ALL(CC_OP_DEC16)
JCC_ALL(CC_OP_DEC32)
JCC_ALL(CC_OP_SHL32)
JCC_ALL(CC_OP_SHR32)
JCC_ALL(CC_OP_SAR32)

typedef struct JccRow {
    int cc_op;
    X86Handler *const h[16];
} JccRow;

static const JccRow jcc_rows[] = {
    {CC_OP_SUB8, JCC_ROW(CC_OP_SUB8)},
    {CC_OP_SUB16, JCC_ROW(CC_OP_SUB16)},
    {CC_OP_SUB32, JCC_ROW(CC_OP_SUB32)},
    {CC_OP_LOGIC8, JCC_ROW(CC_OP_LOGIC8)},
    {CC_OP_LOGIC16, JCC_ROW(CC_OP_LOGIC16)},
    {CC_OP_LOGIC32, JCC_ROW(CC_OP_LOGIC32)},
    {CC_OP_ADD32, JCC_ROW(CC_OP_ADD32)},
    {CC_OP_INC16, JCC_ROW(CC_OP_INC16)},
    {CC_OP_INC32, JCC_ROW(CC_OP_INC32)},
    {CC_OP_DEC16, JCC_ROW(CC_OP_DEC16)},
    {CC_OP_DEC32, JCC_ROW(CC_OP_DEC32)},
    {CC_OP_SHL32, JCC_ROW(CC_OP_SHL32)},
    {CC_OP_SHR32, JCC_ROW(CC_OP_SHR32)},
    {CC_OP_SAR32, JCC_ROW(CC_OP_SAR32)},
    {CC_OP_COUNT, JCC_ROW(CC_OP_COUNT)},
};

/* --- SETcc, CMOVcc (register forms) --- */

S(setcc_r)
{
    reg_write(cpu, rm_reg(d, 1), 1, x86_cond_op(cpu, cpu->cc_op,
                                                d->opcode & 15));
}

#define CMOV_FORMS(SZ)                                                         \
    S(cmov_r_##SZ)                                                             \
    {                                                                          \
        if (x86_cond_op(cpu, cpu->cc_op, d->opcode & 15)) {                    \
            reg_write(cpu, d->reg, SZ, reg_read(cpu, d->rm, SZ));              \
        } else if (SZ == 4) {                                                  \
            reg_write(cpu, d->reg, 4, reg_read(cpu, d->reg, 4));               \
        }                                                                      \
    }
CMOV_FORMS(2)
CMOV_FORMS(4)

/* --- the choice --- */

static inline unsigned size_idx(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

static int cc_of_alu(unsigned op, unsigned size)
{
    static const int base[8] = {CC_OP_ADD8, CC_OP_LOGIC8, CC_OP_ADC8,
                                CC_OP_SBB8, CC_OP_LOGIC8, CC_OP_SUB8,
                                CC_OP_LOGIC8, CC_OP_SUB8};
    return base[op] + (int)cc_size_index(size);
}

int tb_cc_after(const DecodedInsn *d, int cc_before)
{
    X86Handler *h = d->handler;
    unsigned size = d->opsize;
    if (h == op_alu_EG || h == op_alu_GE || h == op_alu_AI) {
        return cc_of_alu((d->opcode >> 3) & 7, size);
    }
    if (h == op_alu_EI) {
        return cc_of_alu((d->modrm >> 3) & 7, size);
    }
    if (h == op_test_EG || h == op_test_EI || h == op_test_AI) {
        return CC_OP_LOGIC8 + (int)cc_size_index(size);
    }
    if (h == op_inc_r) {
        return CC_OP_INC8 + (int)cc_size_index(size);
    }
    if (h == op_dec_r) {
        return CC_OP_DEC8 + (int)cc_size_index(size);
    }
    if (h == op_incdec_E) {
        return ((d->modrm >> 3) & 1 ? CC_OP_DEC8 : CC_OP_INC8) +
               (int)cc_size_index(size);
    }
    if (h == op_shift && (d->opcode == 0xc0 || d->opcode == 0xc1 ||
                          d->opcode == 0xd0 || d->opcode == 0xd1)) {
        unsigned kind = (d->modrm >> 3) & 7;
        unsigned count = (d->opcode >= 0xd0 ? 1 : d->imm & 0xff) &
                         (size == 8 ? 63 : 31);
        if (kind < 4) {
            return -1;
        }
        if (count == 0) {
            return cc_before;
        }
        int base = kind == 5 ? CC_OP_SHR8 : kind == 7 ? CC_OP_SAR8
                                                      : CC_OP_SHL8;
        return base + (int)cc_size_index(size);
    }
    if (h == op_mov_EG || h == op_mov_GE || h == op_mov_EI ||
        h == op_mov_r_imm || h == op_mov_moffs || h == op_lea ||
        h == op_movzx || h == op_movsx || h == op_push_r ||
        h == op_pop_r || h == op_push_imm || h == op_not_E ||
        h == op_xchg_EG || h == op_xchg_AX_r || h == op_setcc ||
        h == op_cmov || h == op_bswap || h == op_cbw || h == op_cwd ||
        h == op_nop) {
        return cc_before;
    }
    return -1;
}

X86Handler *tb_specialize(const DecodedInsn *d, uint32_t hflags, int cc)
{
    X86Handler *h = d->handler;
    unsigned size = d->opsize, si;
    bool mem = d->mem;
    if (hflags & (X86_HF_CS64 | X86_HF_LMA)) {
        /* Long mode has its own rules for all of this: the interpreter's
         * handlers run it. */
        return NULL;
    }
    if (hflags & (X86_HF_AC | X86_HF_DBG)) {
        /* Alignment checks or breakpoints: every memory access (the
         * stack's too) through the interpreter's path. */
        return NULL;
    }
    if (size == 8 || (mem && d->addrsize == 8)) {
        return NULL;
    }
    si = size_idx(size);
    bool ss32 = hflags & X86_HF_SS32;

    if (h == op_alu_EG) {
        return (mem ? alu_EG_m : alu_EG_r)[(d->opcode >> 3) & 7][si];
    }
    if (h == op_alu_GE) {
        return (mem ? alu_GE_m : alu_GE_r)[(d->opcode >> 3) & 7][si];
    }
    if (h == op_alu_EI) {
        return (mem ? alu_EI_m : alu_EI_r)[(d->modrm >> 3) & 7][si];
    }
    if (h == op_alu_AI) {
        return alu_AI[(d->opcode >> 3) & 7][si];
    }
    if (h == op_test_EG) {
        return (mem ? test_EG_m : test_EG_r)[si];
    }
    if (h == op_test_EI) {
        return (mem ? test_EI_m : test_EI_r)[si];
    }
    if (h == op_test_AI) {
        return test_AI[si];
    }
    if (h == op_mov_EG) {
        return (mem ? mov_EG_m : mov_EG_r)[si];
    }
    if (h == op_mov_GE) {
        return (mem ? mov_GE_m : mov_GE_r)[si];
    }
    if (h == op_mov_EI) {
        return (mem ? mov_EI_m : mov_EI_r)[si];
    }
    if (h == op_mov_r_imm) {
        return mov_r_imm[si];
    }
    if (h == op_mov_moffs) {
        return mov_moffs[si];
    }
    if ((h == op_movzx || h == op_movsx) && size != 1) {
        return movx[h == op_movsx][d->opcode & 1][mem][size == 4];
    }
    if (h == op_lea && size != 1) {
        return size == 4 ? lea_4 : lea_2;
    }
    if (h == op_inc_r || h == op_dec_r) {
        return incdec_r[h == op_dec_r][si];
    }
    if (h == op_incdec_E) {
        return (mem ? incdec_E_m : incdec_E_r)[(d->modrm >> 3) & 1][si];
    }
    if (h == op_shift && !mem &&
        (d->opcode == 0xc0 || d->opcode == 0xc1 || d->opcode == 0xd0 ||
         d->opcode == 0xd1)) {
        unsigned kind = (d->modrm >> 3) & 7;
        if (kind == 4 || kind == 5 || kind == 7) {
            return shift_r[kind == 4 ? 0 : kind == 5 ? 1 : 2][si];
        }
        return NULL;
    }
    if (size != 1 && (h == op_push_r || h == op_pop_r || h == op_push_imm ||
                      h == op_call_rel || h == op_ret_near)) {
        unsigned a = size == 4, b = ss32;
        if (h == op_push_r) {
            return push_r[a][b];
        }
        if (h == op_pop_r) {
            return pop_r[a][b];
        }
        if (h == op_push_imm) {
            return push_imm[a][b];
        }
        if (h == op_call_rel) {
            return call_rel[a][b];
        }
        return ret_near[a][b];
    }
    if (h == op_jmp_rel && size != 1) {
        return size == 4 ? jmp_rel_4 : jmp_rel_2;
    }
    if (h == op_jcc) {
        unsigned n = sizeof(jcc_rows) / sizeof(jcc_rows[0]);
        for (unsigned i = 0; i < n; i++) {
            if (jcc_rows[i].cc_op == cc || i == n - 1) {
                return jcc_rows[i].h[d->opcode & 15];
            }
        }
    }
    if (h == op_sse_arith || h == op_sse_load || h == op_sse_store ||
        h == op_cvt_5a || h == op_sse_logic || h == op_sse_int) {
        return tb_specialize_sse(d);
    }
    if (h == op_x87) {
        return tb_specialize_x87(d);
    }
    if (h == op_movs || h == op_stos || h == op_lods || h == op_scas ||
        h == op_cmps) {
        return tb_specialize_string(d);
    }
    if (h == op_setcc && !mem) {
        return setcc_r;
    }
    if (h == op_cmov && !mem && size != 1) {
        return size == 4 ? cmov_r_4 : cmov_r_2;
    }
    return NULL;
}
