/*
 * The opcode table: for every one- and two-byte opcode, its mnemonic,
 * handler, operand form, flags and the CPU generation that introduced it.
 * Groups (80, F7, FF, 0F 01, ...) point at sub-tables indexed by ModRM.reg.
 * Entries left zero are undefined opcodes: the decoder raises #UD.
 */
#include "cpu/decode.h"
#include "cpu/models.h"
#include "cpu/ops.h"

#define O(nm, h, f, fl, gen)                                                   \
    {.name = nm, .handler = h, .form = f, .flags = fl, .min_model = gen}
#define G(nm, table, fl, gen)                                                  \
    {.name = nm, .form = FORM_GROUP, .flags = fl, .sub = table,               \
     .min_model = gen}
#define GM(nm, table, fl, gen)                                                 \
    {.name = nm, .form = FORM_GROUP_MOD, .flags = fl, .sub = table,           \
     .min_model = gen}

#define B OPF_BYTE
#define L OPF_LOCK
#define BR OPF_BRANCH
#define END OPF_END
#define PRIV OPF_PRIV
#define MEM OPF_MEM_ONLY
#define D64 OPF_D64
#define F64 OPF_F64
#define I64 OPF_I64
#define STR OPF_STRING

#define G186 CPU_GEN_186
#define G286 CPU_GEN_286
#define G386 CPU_GEN_386
#define G486 CPU_GEN_486
#define G586 CPU_GEN_586
#define G686 CPU_GEN_686

/* ALU op with its three classic forms at opcode base @b. */
#define ALU6(b, nm, lock)                                                      \
    [b + 0] = O(nm, op_alu_EG, FORM_M, B | lock, 0),                           \
    [b + 1] = O(nm, op_alu_EG, FORM_M, lock, 0),                               \
    [b + 2] = O(nm, op_alu_GE, FORM_M, B, 0),                                  \
    [b + 3] = O(nm, op_alu_GE, FORM_M, 0, 0),                                  \
    [b + 4] = O(nm, op_alu_AI, FORM_IB, B, 0),                                 \
    [b + 5] = O(nm, op_alu_AI, FORM_IZ, 0, 0)

#define ALU_GROUP(form)                                                        \
    {                                                                          \
        O("add", op_alu_EI, form, L, 0), O("or", op_alu_EI, form, L, 0),       \
        O("adc", op_alu_EI, form, L, 0), O("sbb", op_alu_EI, form, L, 0),      \
        O("and", op_alu_EI, form, L, 0), O("sub", op_alu_EI, form, L, 0),      \
        O("xor", op_alu_EI, form, L, 0), O("cmp", op_alu_EI, form, 0, 0),      \
    }

static const OpInfo grp1_ib[8] = ALU_GROUP(FORM_M_IB);
static const OpInfo grp1_iz[8] = ALU_GROUP(FORM_M_IZ);
static const OpInfo grp1_ibs[8] = ALU_GROUP(FORM_M_IBS);

static const OpInfo grp1a[8] = {
    [0] = O("pop", op_pop_E, FORM_M, D64, 0),
};

#define SHIFT_GROUP(form, gen)                                                 \
    {                                                                          \
        O("rol", op_shift, form, 0, gen), O("ror", op_shift, form, 0, gen),    \
        O("rcl", op_shift, form, 0, gen), O("rcr", op_shift, form, 0, gen),    \
        O("shl", op_shift, form, 0, gen), O("shr", op_shift, form, 0, gen),    \
        O("sal", op_shift, form, 0, gen), O("sar", op_shift, form, 0, gen),    \
    }

static const OpInfo grp2_ib[8] = SHIFT_GROUP(FORM_M_IB, G186);
static const OpInfo grp2_1[8] = SHIFT_GROUP(FORM_M, 0);

static const OpInfo grp3_b[8] = {
    O("test", op_test_EI, FORM_M_IB, 0, 0),
    O("test", op_test_EI, FORM_M_IB, 0, 0),
    O("not", op_not_E, FORM_M, L, 0),
    O("neg", op_neg_E, FORM_M, L, 0),
    O("mul", op_mul_E, FORM_M, 0, 0),
    O("imul", op_imul_E, FORM_M, 0, 0),
    O("div", op_div_E, FORM_M, 0, 0),
    O("idiv", op_idiv_E, FORM_M, 0, 0),
};

static const OpInfo grp3_v[8] = {
    O("test", op_test_EI, FORM_M_IZ, 0, 0),
    O("test", op_test_EI, FORM_M_IZ, 0, 0),
    O("not", op_not_E, FORM_M, L, 0),
    O("neg", op_neg_E, FORM_M, L, 0),
    O("mul", op_mul_E, FORM_M, 0, 0),
    O("imul", op_imul_E, FORM_M, 0, 0),
    O("div", op_div_E, FORM_M, 0, 0),
    O("idiv", op_idiv_E, FORM_M, 0, 0),
};

static const OpInfo grp4[8] = {
    O("inc", op_incdec_E, FORM_M, L, 0),
    O("dec", op_incdec_E, FORM_M, L, 0),
};

static const OpInfo grp5[8] = {
    O("inc", op_incdec_E, FORM_M, L, 0),
    O("dec", op_incdec_E, FORM_M, L, 0),
    O("call", op_call_E, FORM_M, BR | F64, 0),
    O("callf", op_call_far_M, FORM_M, BR | MEM, 0),
    O("jmp", op_jmp_E, FORM_M, BR | F64, 0),
    O("jmpf", op_jmp_far_M, FORM_M, BR | MEM, 0),
    O("push", op_push_E, FORM_M, D64, 0),
};

static const OpInfo grp11_b[8] = {
    [0] = O("mov", op_mov_EI, FORM_M_IB, 0, 0),
};

static const OpInfo grp11_v[8] = {
    [0] = O("mov", op_mov_EI, FORM_M_IZ, 0, 0),
};

static const OpInfo grp6[8] = {
    O("sldt", op_sldt_str, FORM_M, 0, G286),
    O("str", op_sldt_str, FORM_M, 0, G286),
    /* CPL 0 only, but #UD (not #GP) in real and virtual-8086 mode: the
     * handlers check. */
    O("lldt", op_lldt, FORM_M, END, G286),
    O("ltr", op_ltr, FORM_M, END, G286),
    O("verr", op_verr_verw, FORM_M, 0, G286),
    O("verw", op_verr_verw, FORM_M, 0, G286),
};

/* 0F 01: [0..7] memory forms by reg, [8..15] register forms by reg. */
static const OpInfo grp7[16] = {
    [0] = O("sgdt", op_sgdt_sidt, FORM_M, MEM, G286),
    [1] = O("sidt", op_sgdt_sidt, FORM_M, MEM, G286),
    [2] = O("lgdt", op_lgdt_lidt, FORM_M, MEM | PRIV | END, G286),
    [3] = O("lidt", op_lgdt_lidt, FORM_M, MEM | PRIV | END, G286),
    [4] = O("smsw", op_smsw, FORM_M, 0, G286),
    [6] = O("lmsw", op_lmsw, FORM_M, PRIV | END, G286),
    [7] = O("invlpg", op_invlpg, FORM_M, MEM | PRIV | END, G486),
    [8 + 2] = O("xgetbv", op_xgetbv, FORM_M, END, G686),
    [8 + 4] = O("smsw", op_smsw, FORM_M, 0, G286),
    [8 + 6] = O("lmsw", op_lmsw, FORM_M, PRIV | END, G286),
    [8 + 7] = O("swapgs", op_grp7_rm7, FORM_M, END, G686),
};

static const OpInfo grp8[8] = {
    [4] = O("bt", op_bt_EI, FORM_M_IB, 0, G386),
    [5] = O("bts", op_bt_EI, FORM_M_IB, L, G386),
    [6] = O("btr", op_bt_EI, FORM_M_IB, L, G386),
    [7] = O("btc", op_bt_EI, FORM_M_IB, L, G386),
};

static const OpInfo grp9[8] = {
    [1] = O("cmpxchg8b", op_cmpxchg8b, FORM_M, MEM | L, G586),
};

/* Prefetch hints and the long NOP: no architectural effect. */
static const OpInfo grp_hint[8] = {
    O("nop", op_nop, FORM_M, 0, G686), O("nop", op_nop, FORM_M, 0, G686),
    O("nop", op_nop, FORM_M, 0, G686), O("nop", op_nop, FORM_M, 0, G686),
    O("nop", op_nop, FORM_M, 0, G686), O("nop", op_nop, FORM_M, 0, G686),
    O("nop", op_nop, FORM_M, 0, G686), O("nop", op_nop, FORM_M, 0, G686),
};

#define X87(n) [0xd8 + n] = O("x87", op_x87, FORM_M, OPF_X87, 0)

const OpInfo x86_optab_1byte[256] = {
    ALU6(0x00, "add", L),
    [0x06] = O("push", op_push_sreg, FORM_NONE, I64, 0),
    [0x07] = O("pop", op_pop_sreg, FORM_NONE, I64 | END, 0),
    ALU6(0x08, "or", L),
    [0x0e] = O("push", op_push_sreg, FORM_NONE, I64, 0),
    ALU6(0x10, "adc", L),
    [0x16] = O("push", op_push_sreg, FORM_NONE, I64, 0),
    [0x17] = O("pop", op_pop_sreg, FORM_NONE, I64 | END, 0),
    ALU6(0x18, "sbb", L),
    [0x1e] = O("push", op_push_sreg, FORM_NONE, I64, 0),
    [0x1f] = O("pop", op_pop_sreg, FORM_NONE, I64 | END, 0),
    ALU6(0x20, "and", L),
    [0x27] = O("daa", op_daa, FORM_NONE, I64, 0),
    ALU6(0x28, "sub", L),
    [0x2f] = O("das", op_das, FORM_NONE, I64, 0),
    ALU6(0x30, "xor", L),
    [0x37] = O("aaa", op_aaa, FORM_NONE, I64, 0),
    ALU6(0x38, "cmp", 0),
    [0x3f] = O("aas", op_aas, FORM_NONE, I64, 0),
#define R8(b, nm, h, fl)                                                       \
    [b + 0] = O(nm, h, FORM_NONE, fl, 0), [b + 1] = O(nm, h, FORM_NONE, fl, 0), \
    [b + 2] = O(nm, h, FORM_NONE, fl, 0), [b + 3] = O(nm, h, FORM_NONE, fl, 0), \
    [b + 4] = O(nm, h, FORM_NONE, fl, 0), [b + 5] = O(nm, h, FORM_NONE, fl, 0), \
    [b + 6] = O(nm, h, FORM_NONE, fl, 0), [b + 7] = O(nm, h, FORM_NONE, fl, 0)
    R8(0x40, "inc", op_inc_r, 0),
    R8(0x48, "dec", op_dec_r, 0),
    R8(0x50, "push", op_push_r, D64),
    R8(0x58, "pop", op_pop_r, D64),
    [0x60] = O("pusha", op_pusha, FORM_NONE, I64, G186),
    [0x61] = O("popa", op_popa, FORM_NONE, I64, G186),
    [0x62] = O("bound", op_bound, FORM_M, I64 | MEM, G186),
    [0x63] = O("arpl", op_arpl_movsxd, FORM_M, 0, G286),
    [0x68] = O("push", op_push_imm, FORM_IZ, D64, G186),
    [0x69] = O("imul", op_imul_GEI, FORM_M_IZ, 0, G186),
    [0x6a] = O("push", op_push_imm, FORM_IBS, D64, G186),
    [0x6b] = O("imul", op_imul_GEI, FORM_M_IBS, 0, G186),
    [0x6c] = O("ins", op_ins, FORM_NONE, B | STR, G186),
    [0x6d] = O("ins", op_ins, FORM_NONE, STR, G186),
    [0x6e] = O("outs", op_outs, FORM_NONE, B | STR, G186),
    [0x6f] = O("outs", op_outs, FORM_NONE, STR, G186),
#define JCC(n) [0x70 + n] = O("jcc", op_jcc, FORM_JB, BR | F64, 0)
    JCC(0), JCC(1), JCC(2), JCC(3), JCC(4), JCC(5), JCC(6), JCC(7),
    JCC(8), JCC(9), JCC(10), JCC(11), JCC(12), JCC(13), JCC(14), JCC(15),
    [0x80] = G("grp1", grp1_ib, B, 0),
    [0x81] = G("grp1", grp1_iz, 0, 0),
    [0x82] = G("grp1", grp1_ib, B | I64, 0),
    [0x83] = G("grp1", grp1_ibs, 0, 0),
    [0x84] = O("test", op_test_EG, FORM_M, B, 0),
    [0x85] = O("test", op_test_EG, FORM_M, 0, 0),
    [0x86] = O("xchg", op_xchg_EG, FORM_M, B | L, 0),
    [0x87] = O("xchg", op_xchg_EG, FORM_M, L, 0),
    [0x88] = O("mov", op_mov_EG, FORM_M, B, 0),
    [0x89] = O("mov", op_mov_EG, FORM_M, 0, 0),
    [0x8a] = O("mov", op_mov_GE, FORM_M, B, 0),
    [0x8b] = O("mov", op_mov_GE, FORM_M, 0, 0),
    [0x8c] = O("mov", op_mov_ES, FORM_M, 0, 0),
    [0x8d] = O("lea", op_lea, FORM_M, MEM, 0),
    [0x8e] = O("mov", op_mov_SE, FORM_M, END, 0),
    [0x8f] = G("grp1a", grp1a, 0, 0),
    R8(0x90, "xchg", op_xchg_AX_r, 0),
    [0x98] = O("cbw", op_cbw, FORM_NONE, 0, 0),
    [0x99] = O("cwd", op_cwd, FORM_NONE, 0, 0),
    [0x9a] = O("callf", op_call_far_imm, FORM_AP, BR | I64, 0),
    [0x9b] = O("fwait", op_fwait, FORM_NONE, 0, 0),
    [0x9c] = O("pushf", op_pushf, FORM_NONE, D64, 0),
    [0x9d] = O("popf", op_popf, FORM_NONE, D64 | END, 0),
    [0x9e] = O("sahf", op_sahf, FORM_NONE, 0, 0),
    [0x9f] = O("lahf", op_lahf, FORM_NONE, 0, 0),
    [0xa0] = O("mov", op_mov_moffs, FORM_MOFFS, B, 0),
    [0xa1] = O("mov", op_mov_moffs, FORM_MOFFS, 0, 0),
    [0xa2] = O("mov", op_mov_moffs, FORM_MOFFS, B, 0),
    [0xa3] = O("mov", op_mov_moffs, FORM_MOFFS, 0, 0),
    [0xa4] = O("movs", op_movs, FORM_NONE, B | STR, 0),
    [0xa5] = O("movs", op_movs, FORM_NONE, STR, 0),
    [0xa6] = O("cmps", op_cmps, FORM_NONE, B | STR, 0),
    [0xa7] = O("cmps", op_cmps, FORM_NONE, STR, 0),
    [0xa8] = O("test", op_test_AI, FORM_IB, B, 0),
    [0xa9] = O("test", op_test_AI, FORM_IZ, 0, 0),
    [0xaa] = O("stos", op_stos, FORM_NONE, B | STR, 0),
    [0xab] = O("stos", op_stos, FORM_NONE, STR, 0),
    [0xac] = O("lods", op_lods, FORM_NONE, B | STR, 0),
    [0xad] = O("lods", op_lods, FORM_NONE, STR, 0),
    [0xae] = O("scas", op_scas, FORM_NONE, B | STR, 0),
    [0xaf] = O("scas", op_scas, FORM_NONE, STR, 0),
#define MOVB(n) [0xb0 + n] = O("mov", op_mov_r_imm, FORM_IB, B, 0)
#define MOVV(n) [0xb8 + n] = O("mov", op_mov_r_imm, FORM_IV, 0, 0)
    MOVB(0), MOVB(1), MOVB(2), MOVB(3), MOVB(4), MOVB(5), MOVB(6), MOVB(7),
    MOVV(0), MOVV(1), MOVV(2), MOVV(3), MOVV(4), MOVV(5), MOVV(6), MOVV(7),
    [0xc0] = G("grp2", grp2_ib, B, G186),
    [0xc1] = G("grp2", grp2_ib, 0, G186),
    [0xc2] = O("ret", op_ret_near, FORM_IW, BR | F64, 0),
    [0xc3] = O("ret", op_ret_near, FORM_NONE, BR | F64, 0),
    [0xc4] = O("les", op_load_far_ptr, FORM_M, I64 | MEM, 0),
    [0xc5] = O("lds", op_load_far_ptr, FORM_M, I64 | MEM, 0),
    [0xc6] = G("grp11", grp11_b, B, 0),
    [0xc7] = G("grp11", grp11_v, 0, 0),
    [0xc8] = O("enter", op_enter, FORM_IW_IB, D64, G186),
    [0xc9] = O("leave", op_leave, FORM_NONE, D64, G186),
    [0xca] = O("retf", op_ret_far, FORM_IW, BR | END, 0),
    [0xcb] = O("retf", op_ret_far, FORM_NONE, BR | END, 0),
    [0xcc] = O("int3", op_int3, FORM_NONE, BR | END, 0),
    [0xcd] = O("int", op_int, FORM_IB, BR | END, 0),
    [0xce] = O("into", op_into, FORM_NONE, BR | END | I64, 0),
    [0xcf] = O("iret", op_iret, FORM_NONE, BR | END, 0),
    [0xd0] = G("grp2", grp2_1, B, 0),
    [0xd1] = G("grp2", grp2_1, 0, 0),
    [0xd2] = G("grp2", grp2_1, B, 0),
    [0xd3] = G("grp2", grp2_1, 0, 0),
    [0xd4] = O("aam", op_aam, FORM_IB, I64, 0),
    [0xd5] = O("aad", op_aad, FORM_IB, I64, 0),
    [0xd6] = O("salc", op_salc, FORM_NONE, I64, 0),
    [0xd7] = O("xlat", op_xlat, FORM_NONE, 0, 0),
    X87(0), X87(1), X87(2), X87(3), X87(4), X87(5), X87(6), X87(7),
    [0xe0] = O("loopne", op_loop, FORM_JB, BR | F64, 0),
    [0xe1] = O("loope", op_loop, FORM_JB, BR | F64, 0),
    [0xe2] = O("loop", op_loop, FORM_JB, BR | F64, 0),
    [0xe3] = O("jcxz", op_jcxz, FORM_JB, BR | F64, 0),
    [0xe4] = O("in", op_in, FORM_IB, B | END, 0),
    [0xe5] = O("in", op_in, FORM_IB, END, 0),
    [0xe6] = O("out", op_out, FORM_IB, B | END, 0),
    [0xe7] = O("out", op_out, FORM_IB, END, 0),
    [0xe8] = O("call", op_call_rel, FORM_JZ, BR | F64, 0),
    [0xe9] = O("jmp", op_jmp_rel, FORM_JZ, BR | F64, 0),
    [0xea] = O("jmpf", op_jmp_far_imm, FORM_AP, BR | I64, 0),
    [0xeb] = O("jmp", op_jmp_rel, FORM_JB, BR | F64, 0),
    [0xec] = O("in", op_in, FORM_NONE, B | END, 0),
    [0xed] = O("in", op_in, FORM_NONE, END, 0),
    [0xee] = O("out", op_out, FORM_NONE, B | END, 0),
    [0xef] = O("out", op_out, FORM_NONE, END, 0),
    [0xf1] = O("int1", op_int1, FORM_NONE, BR | END, G386),
    [0xf4] = O("hlt", op_hlt, FORM_NONE, PRIV | END, 0),
    [0xf5] = O("cmc", op_flag_op, FORM_NONE, 0, 0),
    [0xf6] = G("grp3", grp3_b, B, 0),
    [0xf7] = G("grp3", grp3_v, 0, 0),
    [0xf8] = O("clc", op_flag_op, FORM_NONE, 0, 0),
    [0xf9] = O("stc", op_flag_op, FORM_NONE, 0, 0),
    [0xfa] = O("cli", op_cli, FORM_NONE, 0, 0),
    [0xfb] = O("sti", op_sti, FORM_NONE, END, 0),
    [0xfc] = O("cld", op_flag_op, FORM_NONE, 0, 0),
    [0xfd] = O("std", op_flag_op, FORM_NONE, 0, 0),
    [0xfe] = G("grp4", grp4, B, 0),
    [0xff] = G("grp5", grp5, 0, 0),
};

/*
 * MMX, SSE, SSE2, SSE3 and SSSE3: sub-tables by mandatory prefix [none,
 * 66, F3, F2]. MMX instructions sit at [0]; the entries name the CPUID
 * feature the model must advertise (the decoder raises #UD otherwise).
 */
#define FSSE X86_FEAT_SSE
#define FSSE2 X86_FEAT_SSE2
#define FSSE3 X86_FEAT_SSE3
#define FSSSE3 X86_FEAT_SSSE3
#define REG OPF_REG_ONLY
#define S(nm, h, f, fl, feat)                                                  \
    {.name = nm, .handler = h, .form = f, .flags = fl, .min_model = G686,     \
     .feature = feat}
#define MMX(nm) O(nm, op_mmx, FORM_M, 0, G586)
#define SSE(nm, table)                                                         \
    {.name = nm, .form = FORM_M, .flags = OPF_SSE, .sub = table,              \
     .min_model = G586}

/* An MMX instruction with its SSE2 form on XMM registers. */
#define MMX_SSE2(name, nm, h)                                                  \
    static const OpInfo name[4] = {MMX(nm), S(nm, h, FORM_M, 0, FSSE2)}
/* An integer instruction SSE added to MMX, with its SSE2 form. */
#define INT_SSE(name, nm, h, f, fl, feat_mm)                                   \
    static const OpInfo name[4] = {S(nm, h, f, fl, feat_mm),                   \
                                   S(nm, h, f, fl, FSSE2)}
/* Floating point: ps, pd, ss, sd. */
#define FP4(name, ps, pd, ss, sd, h, f)                                        \
    static const OpInfo name[4] = {                                            \
        S(ps, h, f, 0, FSSE), S(pd, h, f, 0, FSSE2), S(ss, h, f, 0, FSSE),     \
        S(sd, h, f, 0, FSSE2)}
#define FP2(name, ps, pd, h, f, fl)                                            \
    static const OpInfo name[4] = {S(ps, h, f, fl, FSSE),                      \
                                   S(pd, h, f, fl, FSSE2)}

FP4(sse_0f10, "movups", "movupd", "movss", "movsd", op_sse_load, FORM_M);
FP4(sse_0f11, "movups", "movupd", "movss", "movsd", op_sse_store, FORM_M);
static const OpInfo sse_0f12[4] = {
    S("movlps", op_sse_movhl, FORM_M, 0, FSSE),
    S("movlpd", op_sse_movhl, FORM_M, MEM, FSSE2),
    S("movsldup", op_sse_movhl, FORM_M, 0, FSSE3),
    S("movddup", op_sse_movhl, FORM_M, 0, FSSE3),
};
FP2(sse_0f13, "movlps", "movlpd", op_sse_movhl_store, FORM_M, MEM);
FP2(sse_0f14, "unpcklps", "unpcklpd", op_sse_unpck, FORM_M, 0);
FP2(sse_0f15, "unpckhps", "unpckhpd", op_sse_unpck, FORM_M, 0);
static const OpInfo sse_0f16[4] = {
    S("movhps", op_sse_movhl, FORM_M, 0, FSSE),
    S("movhpd", op_sse_movhl, FORM_M, MEM, FSSE2),
    S("movshdup", op_sse_movhl, FORM_M, 0, FSSE3),
};
FP2(sse_0f17, "movhps", "movhpd", op_sse_movhl_store, FORM_M, MEM);
FP2(sse_0f28, "movaps", "movapd", op_sse_load, FORM_M, 0);
FP2(sse_0f29, "movaps", "movapd", op_sse_store, FORM_M, 0);
FP4(sse_0f2a, "cvtpi2ps", "cvtpi2pd", "cvtsi2ss", "cvtsi2sd", op_cvt_2a,
    FORM_M);
FP2(sse_0f2b, "movntps", "movntpd", op_sse_store, FORM_M, MEM);
FP4(sse_0f2c, "cvttps2pi", "cvttpd2pi", "cvttss2si", "cvttsd2si", op_cvt_2c,
    FORM_M);
FP4(sse_0f2d, "cvtps2pi", "cvtpd2pi", "cvtss2si", "cvtsd2si", op_cvt_2c,
    FORM_M);
FP2(sse_0f2e, "ucomiss", "ucomisd", op_sse_comis, FORM_M, 0);
FP2(sse_0f2f, "comiss", "comisd", op_sse_comis, FORM_M, 0);
FP2(sse_0f50, "movmskps", "movmskpd", op_sse_movmsk, FORM_M, REG);
FP4(sse_0f51, "sqrtps", "sqrtpd", "sqrtss", "sqrtsd", op_sse_arith, FORM_M);
static const OpInfo sse_0f52[4] = {
    [0] = S("rsqrtps", op_sse_arith, FORM_M, 0, FSSE),
    [2] = S("rsqrtss", op_sse_arith, FORM_M, 0, FSSE),
};
static const OpInfo sse_0f53[4] = {
    [0] = S("rcpps", op_sse_arith, FORM_M, 0, FSSE),
    [2] = S("rcpss", op_sse_arith, FORM_M, 0, FSSE),
};
FP2(sse_0f54, "andps", "andpd", op_sse_logic, FORM_M, 0);
FP2(sse_0f55, "andnps", "andnpd", op_sse_logic, FORM_M, 0);
FP2(sse_0f56, "orps", "orpd", op_sse_logic, FORM_M, 0);
FP2(sse_0f57, "xorps", "xorpd", op_sse_logic, FORM_M, 0);
FP4(sse_0f58, "addps", "addpd", "addss", "addsd", op_sse_arith, FORM_M);
FP4(sse_0f59, "mulps", "mulpd", "mulss", "mulsd", op_sse_arith, FORM_M);
static const OpInfo sse_0f5a[4] = {
    S("cvtps2pd", op_cvt_5a, FORM_M, 0, FSSE2),
    S("cvtpd2ps", op_cvt_5a, FORM_M, 0, FSSE2),
    S("cvtss2sd", op_cvt_5a, FORM_M, 0, FSSE2),
    S("cvtsd2ss", op_cvt_5a, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f5b[4] = {
    S("cvtdq2ps", op_cvt_5b, FORM_M, 0, FSSE2),
    S("cvtps2dq", op_cvt_5b, FORM_M, 0, FSSE2),
    S("cvttps2dq", op_cvt_5b, FORM_M, 0, FSSE2),
};
FP4(sse_0f5c, "subps", "subpd", "subss", "subsd", op_sse_arith, FORM_M);
FP4(sse_0f5d, "minps", "minpd", "minss", "minsd", op_sse_arith, FORM_M);
FP4(sse_0f5e, "divps", "divpd", "divss", "divsd", op_sse_arith, FORM_M);
FP4(sse_0f5f, "maxps", "maxpd", "maxss", "maxsd", op_sse_arith, FORM_M);

MMX_SSE2(sse_0f60, "punpcklbw", op_sse_int);
MMX_SSE2(sse_0f61, "punpcklwd", op_sse_int);
MMX_SSE2(sse_0f62, "punpckldq", op_sse_int);
MMX_SSE2(sse_0f63, "packsswb", op_sse_int);
MMX_SSE2(sse_0f64, "pcmpgtb", op_sse_int);
MMX_SSE2(sse_0f65, "pcmpgtw", op_sse_int);
MMX_SSE2(sse_0f66, "pcmpgtd", op_sse_int);
MMX_SSE2(sse_0f67, "packuswb", op_sse_int);
MMX_SSE2(sse_0f68, "punpckhbw", op_sse_int);
MMX_SSE2(sse_0f69, "punpckhwd", op_sse_int);
MMX_SSE2(sse_0f6a, "punpckhdq", op_sse_int);
MMX_SSE2(sse_0f6b, "packssdw", op_sse_int);
static const OpInfo sse_0f6c[4] = {
    [1] = S("punpcklqdq", op_sse_int, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f6d[4] = {
    [1] = S("punpckhqdq", op_sse_int, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f6e[4] = {
    O("movd", op_mmx_movd_load, FORM_M, 0, G586),
    S("movd", op_sse_movd_load, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f6f[4] = {
    O("movq", op_mmx_movq_load, FORM_M, 0, G586),
    S("movdqa", op_sse_load, FORM_M, 0, FSSE2),
    S("movdqu", op_sse_load, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f70[4] = {
    S("pshufw", op_pshuf, FORM_M_IB, 0, FSSE),
    S("pshufd", op_pshuf, FORM_M_IB, 0, FSSE2),
    S("pshufhw", op_pshuf, FORM_M_IB, 0, FSSE2),
    S("pshuflw", op_pshuf, FORM_M_IB, 0, FSSE2),
};

/* 0F 71-73: shifts by imm8, register operand only. */
#define SHIFT_IMM(nm) O(nm, op_mmx_shift_imm, FORM_M_IB, REG, G586)
#define XSHIFT_IMM(nm) S(nm, op_sse_shift_imm, FORM_M_IB, REG, FSSE2)
static const OpInfo mmx_grp12[8] = {
    [2] = SHIFT_IMM("psrlw"), [4] = SHIFT_IMM("psraw"),
    [6] = SHIFT_IMM("psllw"),
};
static const OpInfo mmx_grp13[8] = {
    [2] = SHIFT_IMM("psrld"), [4] = SHIFT_IMM("psrad"),
    [6] = SHIFT_IMM("pslld"),
};
static const OpInfo mmx_grp14[8] = {
    [2] = SHIFT_IMM("psrlq"), [6] = SHIFT_IMM("psllq"),
};
static const OpInfo xmm_grp12[8] = {
    [2] = XSHIFT_IMM("psrlw"), [4] = XSHIFT_IMM("psraw"),
    [6] = XSHIFT_IMM("psllw"),
};
static const OpInfo xmm_grp13[8] = {
    [2] = XSHIFT_IMM("psrld"), [4] = XSHIFT_IMM("psrad"),
    [6] = XSHIFT_IMM("pslld"),
};
static const OpInfo xmm_grp14[8] = {
    [2] = XSHIFT_IMM("psrlq"), [3] = XSHIFT_IMM("psrldq"),
    [6] = XSHIFT_IMM("psllq"), [7] = XSHIFT_IMM("pslldq"),
};
static const OpInfo sse_0f71[4] = {G("grp12", mmx_grp12, 0, G586),
                                   G("grp12", xmm_grp12, 0, G686)};
static const OpInfo sse_0f72[4] = {G("grp13", mmx_grp13, 0, G586),
                                   G("grp13", xmm_grp13, 0, G686)};
static const OpInfo sse_0f73[4] = {G("grp14", mmx_grp14, 0, G586),
                                   G("grp14", xmm_grp14, 0, G686)};

MMX_SSE2(sse_0f74, "pcmpeqb", op_sse_int);
MMX_SSE2(sse_0f75, "pcmpeqw", op_sse_int);
MMX_SSE2(sse_0f76, "pcmpeqd", op_sse_int);
static const OpInfo sse_0f77[4] = {O("emms", op_emms, FORM_NONE, 0, G586)};
static const OpInfo sse_0f7c[4] = {
    [1] = S("haddpd", op_sse_hadd, FORM_M, 0, FSSE3),
    [3] = S("haddps", op_sse_hadd, FORM_M, 0, FSSE3),
};
static const OpInfo sse_0f7d[4] = {
    [1] = S("hsubpd", op_sse_hadd, FORM_M, 0, FSSE3),
    [3] = S("hsubps", op_sse_hadd, FORM_M, 0, FSSE3),
};
static const OpInfo sse_0f7e[4] = {
    O("movd", op_mmx_movd_store, FORM_M, 0, G586),
    S("movd", op_sse_movd_store, FORM_M, 0, FSSE2),
    S("movq", op_sse_load, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0f7f[4] = {
    O("movq", op_mmx_movq_store, FORM_M, 0, G586),
    S("movdqa", op_sse_store, FORM_M, 0, FSSE2),
    S("movdqu", op_sse_store, FORM_M, 0, FSSE2),
};

FP4(sse_0fc2, "cmpps", "cmppd", "cmpss", "cmpsd", op_sse_cmp, FORM_M_IB);
static const OpInfo sse_0fc3[4] = {S("movnti", op_movnti, FORM_M, MEM, FSSE2)};
INT_SSE(sse_0fc4, "pinsrw", op_pinsrw, FORM_M_IB, 0, FSSE);
INT_SSE(sse_0fc5, "pextrw", op_pextrw, FORM_M_IB, REG, FSSE);
FP2(sse_0fc6, "shufps", "shufpd", op_sse_shuf, FORM_M_IB, 0);
static const OpInfo sse_0fd0[4] = {
    [1] = S("addsubpd", op_sse_addsub, FORM_M, 0, FSSE3),
    [3] = S("addsubps", op_sse_addsub, FORM_M, 0, FSSE3),
};
MMX_SSE2(sse_0fd1, "psrlw", op_sse_int);
MMX_SSE2(sse_0fd2, "psrld", op_sse_int);
MMX_SSE2(sse_0fd3, "psrlq", op_sse_int);
INT_SSE(sse_0fd4, "paddq", op_sse_int, FORM_M, 0, FSSE2);
MMX_SSE2(sse_0fd5, "pmullw", op_sse_int);
static const OpInfo sse_0fd6[4] = {
    [1] = S("movq", op_sse_store, FORM_M, 0, FSSE2),
    [2] = S("movq2dq", op_movq2dq, FORM_M, REG, FSSE2),
    [3] = S("movdq2q", op_movdq2q, FORM_M, REG, FSSE2),
};
INT_SSE(sse_0fd7, "pmovmskb", op_pmovmskb, FORM_M, REG, FSSE);
MMX_SSE2(sse_0fd8, "psubusb", op_sse_int);
MMX_SSE2(sse_0fd9, "psubusw", op_sse_int);
INT_SSE(sse_0fda, "pminub", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0fdb, "pand", op_sse_logic);
MMX_SSE2(sse_0fdc, "paddusb", op_sse_int);
MMX_SSE2(sse_0fdd, "paddusw", op_sse_int);
INT_SSE(sse_0fde, "pmaxub", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0fdf, "pandn", op_sse_logic);
INT_SSE(sse_0fe0, "pavgb", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0fe1, "psraw", op_sse_int);
MMX_SSE2(sse_0fe2, "psrad", op_sse_int);
INT_SSE(sse_0fe3, "pavgw", op_sse_int, FORM_M, 0, FSSE);
INT_SSE(sse_0fe4, "pmulhuw", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0fe5, "pmulhw", op_sse_int);
static const OpInfo sse_0fe6[4] = {
    [1] = S("cvttpd2dq", op_cvt_e6, FORM_M, 0, FSSE2),
    [2] = S("cvtdq2pd", op_cvt_e6, FORM_M, 0, FSSE2),
    [3] = S("cvtpd2dq", op_cvt_e6, FORM_M, 0, FSSE2),
};
static const OpInfo sse_0fe7[4] = {
    S("movntq", op_movntq, FORM_M, MEM, FSSE),
    S("movntdq", op_sse_store, FORM_M, MEM, FSSE2),
};
MMX_SSE2(sse_0fe8, "psubsb", op_sse_int);
MMX_SSE2(sse_0fe9, "psubsw", op_sse_int);
INT_SSE(sse_0fea, "pminsw", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0feb, "por", op_sse_logic);
MMX_SSE2(sse_0fec, "paddsb", op_sse_int);
MMX_SSE2(sse_0fed, "paddsw", op_sse_int);
INT_SSE(sse_0fee, "pmaxsw", op_sse_int, FORM_M, 0, FSSE);
MMX_SSE2(sse_0fef, "pxor", op_sse_logic);
static const OpInfo sse_0ff0[4] = {
    [3] = S("lddqu", op_sse_load, FORM_M, MEM, FSSE3),
};
MMX_SSE2(sse_0ff1, "psllw", op_sse_int);
MMX_SSE2(sse_0ff2, "pslld", op_sse_int);
MMX_SSE2(sse_0ff3, "psllq", op_sse_int);
INT_SSE(sse_0ff4, "pmuludq", op_sse_int, FORM_M, 0, FSSE2);
MMX_SSE2(sse_0ff5, "pmaddwd", op_sse_int);
INT_SSE(sse_0ff6, "psadbw", op_sse_int, FORM_M, 0, FSSE);
static const OpInfo sse_0ff7[4] = {
    S("maskmovq", op_maskmov, FORM_M, REG, FSSE),
    S("maskmovdqu", op_maskmov, FORM_M, REG, FSSE2),
};
MMX_SSE2(sse_0ff8, "psubb", op_sse_int);
MMX_SSE2(sse_0ff9, "psubw", op_sse_int);
MMX_SSE2(sse_0ffa, "psubd", op_sse_int);
INT_SSE(sse_0ffb, "psubq", op_sse_int, FORM_M, 0, FSSE2);
MMX_SSE2(sse_0ffc, "paddb", op_sse_int);
MMX_SSE2(sse_0ffd, "paddw", op_sse_int);
MMX_SSE2(sse_0ffe, "paddd", op_sse_int);

/* 0F AE: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, CLFLUSH (memory forms);
 * LFENCE, MFENCE, SFENCE (register forms). */
static const OpInfo grp15[16] = {
    [0] = O("fxsave", op_fxsave, FORM_M, MEM, G686),
    [1] = O("fxrstor", op_fxrstor, FORM_M, MEM, G686),
    [2] = S("ldmxcsr", op_ldmxcsr, FORM_M, MEM, FSSE),
    [3] = S("stmxcsr", op_stmxcsr, FORM_M, MEM, FSSE),
    [7] = S("clflush", op_clflush, FORM_M, MEM, X86_FEAT_CLFSH),
    [8 + 5] = S("lfence", op_fence, FORM_M, 0, FSSE2),
    [8 + 6] = S("mfence", op_fence, FORM_M, 0, FSSE2),
    [8 + 7] = S("sfence", op_fence, FORM_M, 0, FSSE),
};

/* SSSE3: the 0F 38 map (none: MMX registers, 66: XMM). */
#define SSSE3_ENTRY(name, nm)                                                  \
    static const OpInfo name[4] = {S(nm, op_sse_int, FORM_M, 0, FSSSE3),       \
                                   S(nm, op_sse_int, FORM_M, 0, FSSSE3)}
SSSE3_ENTRY(sse_0f3800, "pshufb");
SSSE3_ENTRY(sse_0f3801, "phaddw");
SSSE3_ENTRY(sse_0f3802, "phaddd");
SSSE3_ENTRY(sse_0f3803, "phaddsw");
SSSE3_ENTRY(sse_0f3804, "pmaddubsw");
SSSE3_ENTRY(sse_0f3805, "phsubw");
SSSE3_ENTRY(sse_0f3806, "phsubd");
SSSE3_ENTRY(sse_0f3807, "phsubsw");
SSSE3_ENTRY(sse_0f3808, "psignb");
SSSE3_ENTRY(sse_0f3809, "psignw");
SSSE3_ENTRY(sse_0f380a, "psignd");
SSSE3_ENTRY(sse_0f380b, "pmulhrsw");
SSSE3_ENTRY(sse_0f381c, "pabsb");
SSSE3_ENTRY(sse_0f381d, "pabsw");
SSSE3_ENTRY(sse_0f381e, "pabsd");

const OpInfo x86_optab_0f38[256] = {
    [0x00] = SSE("pshufb", sse_0f3800),
    [0x01] = SSE("phaddw", sse_0f3801),
    [0x02] = SSE("phaddd", sse_0f3802),
    [0x03] = SSE("phaddsw", sse_0f3803),
    [0x04] = SSE("pmaddubsw", sse_0f3804),
    [0x05] = SSE("phsubw", sse_0f3805),
    [0x06] = SSE("phsubd", sse_0f3806),
    [0x07] = SSE("phsubsw", sse_0f3807),
    [0x08] = SSE("psignb", sse_0f3808),
    [0x09] = SSE("psignw", sse_0f3809),
    [0x0a] = SSE("psignd", sse_0f380a),
    [0x0b] = SSE("pmulhrsw", sse_0f380b),
    [0x1c] = SSE("pabsb", sse_0f381c),
    [0x1d] = SSE("pabsw", sse_0f381d),
    [0x1e] = SSE("pabsd", sse_0f381e),
};

static const OpInfo sse_0f3a0f[4] = {
    S("palignr", op_palignr, FORM_M_IB, 0, FSSSE3),
    S("palignr", op_palignr, FORM_M_IB, 0, FSSSE3),
};

const OpInfo x86_optab_0f3a[256] = {
    [0x0f] = SSE("palignr", sse_0f3a0f),
};


#define CC16(b, nm, h, f, fl, gen)                                             \
    [b + 0] = O(nm, h, f, fl, gen), [b + 1] = O(nm, h, f, fl, gen),            \
    [b + 2] = O(nm, h, f, fl, gen), [b + 3] = O(nm, h, f, fl, gen),            \
    [b + 4] = O(nm, h, f, fl, gen), [b + 5] = O(nm, h, f, fl, gen),            \
    [b + 6] = O(nm, h, f, fl, gen), [b + 7] = O(nm, h, f, fl, gen),            \
    [b + 8] = O(nm, h, f, fl, gen), [b + 9] = O(nm, h, f, fl, gen),            \
    [b + 10] = O(nm, h, f, fl, gen), [b + 11] = O(nm, h, f, fl, gen),          \
    [b + 12] = O(nm, h, f, fl, gen), [b + 13] = O(nm, h, f, fl, gen),          \
    [b + 14] = O(nm, h, f, fl, gen), [b + 15] = O(nm, h, f, fl, gen)

const OpInfo x86_optab_0f[256] = {
    [0x00] = G("grp6", grp6, 0, G286),
    [0x01] = GM("grp7", grp7, 0, G286),
    [0x02] = O("lar", op_lar, FORM_M, 0, G286),
    [0x03] = O("lsl", op_lsl, FORM_M, 0, G286),
    [0x05] = O("syscall", op_syscall, FORM_NONE, BR | END, CPU_GEN_X86_64),
    [0x06] = O("clts", op_clts, FORM_NONE, PRIV | END, G286),
    /* SYSRET: CPL 0 only, but #UD (EFER.SCE) comes first. */
    [0x07] = O("sysret", op_sysret, FORM_NONE, BR | END, CPU_GEN_X86_64),
    [0x08] = O("invd", op_invd_wbinvd, FORM_NONE, PRIV, G486),
    [0x09] = O("wbinvd", op_invd_wbinvd, FORM_NONE, PRIV, G486),
    [0x0b] = O("ud2", op_ud, FORM_NONE, END, G586),
    /* 0F 0D (PREFETCH/PREFETCHW) came with 3DNow!: every x86-64 CPU has
     * it (Linux uses PREFETCHW on AMD processors with long mode), the
     * 32-bit models do not. Like the hint NOPs, any form is a NOP. */
    [0x0d] = G("prefetchw", grp_hint, 0, CPU_GEN_X86_64),
    [0x10] = SSE("movups", sse_0f10),
    [0x11] = SSE("movups", sse_0f11),
    [0x12] = SSE("movlps", sse_0f12),
    [0x13] = SSE("movlps", sse_0f13),
    [0x14] = SSE("unpcklps", sse_0f14),
    [0x15] = SSE("unpckhps", sse_0f15),
    [0x16] = SSE("movhps", sse_0f16),
    [0x17] = SSE("movhps", sse_0f17),
    [0x18] = G("prefetch", grp_hint, 0, G686),
    [0x19] = G("nop", grp_hint, 0, G686),
    [0x1a] = G("nop", grp_hint, 0, G686),
    [0x1b] = G("nop", grp_hint, 0, G686),
    [0x1c] = G("nop", grp_hint, 0, G686),
    [0x1d] = G("nop", grp_hint, 0, G686),
    [0x1e] = G("nop", grp_hint, 0, G686),
    [0x1f] = G("nop", grp_hint, 0, G686),
    [0x20] = O("mov", op_mov_cr, FORM_M, PRIV | END, G386),
    [0x21] = O("mov", op_mov_dr, FORM_M, PRIV | END, G386),
    [0x22] = O("mov", op_mov_cr, FORM_M, PRIV | END, G386),
    [0x23] = O("mov", op_mov_dr, FORM_M, PRIV | END, G386),
    [0x28] = SSE("movaps", sse_0f28),
    [0x29] = SSE("movaps", sse_0f29),
    [0x2a] = SSE("cvtpi2ps", sse_0f2a),
    [0x2b] = SSE("movntps", sse_0f2b),
    [0x2c] = SSE("cvttps2pi", sse_0f2c),
    [0x2d] = SSE("cvtps2pi", sse_0f2d),
    [0x2e] = SSE("ucomiss", sse_0f2e),
    [0x2f] = SSE("comiss", sse_0f2f),
    [0x30] = O("wrmsr", op_wrmsr, FORM_NONE, PRIV | END, G586),
    [0x31] = O("rdtsc", op_rdtsc, FORM_NONE, 0, G586),
    [0x32] = O("rdmsr", op_rdmsr, FORM_NONE, PRIV, G586),
    [0x33] = O("rdpmc", op_rdpmc, FORM_NONE, 0, G586),
    [0x34] = O("sysenter", op_sysenter, FORM_NONE, BR | END, G686),
    [0x35] = O("sysexit", op_sysexit, FORM_NONE, BR | END | PRIV, G686),
    CC16(0x40, "cmov", op_cmov, FORM_M, 0, G686),
    [0x50] = SSE("movmskps", sse_0f50),
    [0x51] = SSE("sqrtps", sse_0f51),
    [0x52] = SSE("rsqrtps", sse_0f52),
    [0x53] = SSE("rcpps", sse_0f53),
    [0x54] = SSE("andps", sse_0f54),
    [0x55] = SSE("andnps", sse_0f55),
    [0x56] = SSE("orps", sse_0f56),
    [0x57] = SSE("xorps", sse_0f57),
    [0x58] = SSE("addps", sse_0f58),
    [0x59] = SSE("mulps", sse_0f59),
    [0x5a] = SSE("cvtps2pd", sse_0f5a),
    [0x5b] = SSE("cvtdq2ps", sse_0f5b),
    [0x5c] = SSE("subps", sse_0f5c),
    [0x5d] = SSE("minps", sse_0f5d),
    [0x5e] = SSE("divps", sse_0f5e),
    [0x5f] = SSE("maxps", sse_0f5f),
    [0x60] = SSE("punpcklbw", sse_0f60),
    [0x61] = SSE("punpcklwd", sse_0f61),
    [0x62] = SSE("punpckldq", sse_0f62),
    [0x63] = SSE("packsswb", sse_0f63),
    [0x64] = SSE("pcmpgtb", sse_0f64),
    [0x65] = SSE("pcmpgtw", sse_0f65),
    [0x66] = SSE("pcmpgtd", sse_0f66),
    [0x67] = SSE("packuswb", sse_0f67),
    [0x68] = SSE("punpckhbw", sse_0f68),
    [0x69] = SSE("punpckhwd", sse_0f69),
    [0x6a] = SSE("punpckhdq", sse_0f6a),
    [0x6b] = SSE("packssdw", sse_0f6b),
    [0x6c] = SSE("punpcklqdq", sse_0f6c),
    [0x6d] = SSE("punpckhqdq", sse_0f6d),
    [0x6e] = SSE("movd", sse_0f6e),
    [0x6f] = SSE("movq", sse_0f6f),
    [0x70] = SSE("pshufw", sse_0f70),
    [0x71] = SSE("grp12", sse_0f71),
    [0x72] = SSE("grp13", sse_0f72),
    [0x73] = SSE("grp14", sse_0f73),
    [0x74] = SSE("pcmpeqb", sse_0f74),
    [0x75] = SSE("pcmpeqw", sse_0f75),
    [0x76] = SSE("pcmpeqd", sse_0f76),
    [0x77] = SSE("emms", sse_0f77),
    [0x7c] = SSE("haddpd", sse_0f7c),
    [0x7d] = SSE("hsubpd", sse_0f7d),
    [0x7e] = SSE("movd", sse_0f7e),
    [0x7f] = SSE("movq", sse_0f7f),
    CC16(0x80, "jcc", op_jcc, FORM_JZ, BR | F64, G386),
    CC16(0x90, "setcc", op_setcc, FORM_M, B, G386),
    [0xa0] = O("push", op_push_sreg, FORM_NONE, D64, G386),
    [0xa1] = O("pop", op_pop_sreg, FORM_NONE, D64, G386),
    [0xa2] = O("cpuid", op_cpuid, FORM_NONE, END, G486),
    [0xa3] = O("bt", op_bt_EG, FORM_M, 0, G386),
    [0xa4] = O("shld", op_shld, FORM_M_IB, 0, G386),
    [0xa5] = O("shld", op_shld, FORM_M, 0, G386),
    [0xa8] = O("push", op_push_sreg, FORM_NONE, D64, G386),
    [0xa9] = O("pop", op_pop_sreg, FORM_NONE, D64, G386),
    [0xaa] = O("rsm", op_rsm, FORM_NONE, BR | END, G386),
    [0xab] = O("bts", op_bt_EG, FORM_M, L, G386),
    [0xac] = O("shrd", op_shrd, FORM_M_IB, 0, G386),
    [0xad] = O("shrd", op_shrd, FORM_M, 0, G386),
    [0xae] = GM("grp15", grp15, 0, G686),
    [0xaf] = O("imul", op_imul_GE, FORM_M, 0, G386),
    [0xb0] = O("cmpxchg", op_cmpxchg, FORM_M, B | L, G486),
    [0xb1] = O("cmpxchg", op_cmpxchg, FORM_M, L, G486),
    [0xb2] = O("lss", op_load_far_ptr, FORM_M, MEM, G386),
    [0xb3] = O("btr", op_bt_EG, FORM_M, L, G386),
    [0xb4] = O("lfs", op_load_far_ptr, FORM_M, MEM, G386),
    [0xb5] = O("lgs", op_load_far_ptr, FORM_M, MEM, G386),
    [0xb6] = O("movzx", op_movzx, FORM_M, 0, G386),
    [0xb7] = O("movzx", op_movzx, FORM_M, 0, G386),
    [0xb9] = O("ud1", op_ud, FORM_M, END, G586),
    [0xba] = G("grp8", grp8, 0, G386),
    [0xbb] = O("btc", op_bt_EG, FORM_M, L, G386),
    [0xbc] = O("bsf", op_bsf, FORM_M, 0, G386),
    [0xbd] = O("bsr", op_bsr, FORM_M, 0, G386),
    [0xbe] = O("movsx", op_movsx, FORM_M, 0, G386),
    [0xbf] = O("movsx", op_movsx, FORM_M, 0, G386),
    [0xc0] = O("xadd", op_xadd, FORM_M, B | L, G486),
    [0xc1] = O("xadd", op_xadd, FORM_M, L, G486),
    [0xc2] = SSE("cmpps", sse_0fc2),
    [0xc3] = SSE("movnti", sse_0fc3),
    [0xc4] = SSE("pinsrw", sse_0fc4),
    [0xc5] = SSE("pextrw", sse_0fc5),
    [0xc6] = SSE("shufps", sse_0fc6),
    [0xc7] = G("grp9", grp9, 0, G586),
#define BSWAP(n) [0xc8 + n] = O("bswap", op_bswap, FORM_NONE, 0, G486)
    BSWAP(0), BSWAP(1), BSWAP(2), BSWAP(3),
    BSWAP(4), BSWAP(5), BSWAP(6), BSWAP(7),
    [0xd0] = SSE("addsubpd", sse_0fd0),
    [0xd1] = SSE("psrlw", sse_0fd1),
    [0xd2] = SSE("psrld", sse_0fd2),
    [0xd3] = SSE("psrlq", sse_0fd3),
    [0xd4] = SSE("paddq", sse_0fd4),
    [0xd5] = SSE("pmullw", sse_0fd5),
    [0xd6] = SSE("movq", sse_0fd6),
    [0xd7] = SSE("pmovmskb", sse_0fd7),
    [0xd8] = SSE("psubusb", sse_0fd8),
    [0xd9] = SSE("psubusw", sse_0fd9),
    [0xda] = SSE("pminub", sse_0fda),
    [0xdb] = SSE("pand", sse_0fdb),
    [0xdc] = SSE("paddusb", sse_0fdc),
    [0xdd] = SSE("paddusw", sse_0fdd),
    [0xde] = SSE("pmaxub", sse_0fde),
    [0xdf] = SSE("pandn", sse_0fdf),
    [0xe0] = SSE("pavgb", sse_0fe0),
    [0xe1] = SSE("psraw", sse_0fe1),
    [0xe2] = SSE("psrad", sse_0fe2),
    [0xe3] = SSE("pavgw", sse_0fe3),
    [0xe4] = SSE("pmulhuw", sse_0fe4),
    [0xe5] = SSE("pmulhw", sse_0fe5),
    [0xe6] = SSE("cvtpd2dq", sse_0fe6),
    [0xe7] = SSE("movntq", sse_0fe7),
    [0xe8] = SSE("psubsb", sse_0fe8),
    [0xe9] = SSE("psubsw", sse_0fe9),
    [0xea] = SSE("pminsw", sse_0fea),
    [0xeb] = SSE("por", sse_0feb),
    [0xec] = SSE("paddsb", sse_0fec),
    [0xed] = SSE("paddsw", sse_0fed),
    [0xee] = SSE("pmaxsw", sse_0fee),
    [0xef] = SSE("pxor", sse_0fef),
    [0xf0] = SSE("lddqu", sse_0ff0),
    [0xf1] = SSE("psllw", sse_0ff1),
    [0xf2] = SSE("pslld", sse_0ff2),
    [0xf3] = SSE("psllq", sse_0ff3),
    [0xf4] = SSE("pmuludq", sse_0ff4),
    [0xf5] = SSE("pmaddwd", sse_0ff5),
    [0xf6] = SSE("psadbw", sse_0ff6),
    [0xf7] = SSE("maskmovq", sse_0ff7),
    [0xf8] = SSE("psubb", sse_0ff8),
    [0xf9] = SSE("psubw", sse_0ff9),
    [0xfa] = SSE("psubd", sse_0ffa),
    [0xfb] = SSE("psubq", sse_0ffb),
    [0xfc] = SSE("paddb", sse_0ffc),
    [0xfd] = SSE("paddw", sse_0ffd),
    [0xfe] = SSE("paddd", sse_0ffe),
    [0xff] = O("ud0", op_ud, FORM_M, END, G686),
};
