/*
 * SSE arithmetic in blocks: ADD, SUB and MUL (0F 58, 5C, 59), packed and
 * scalar, single and double, as the interpreter's op_sse_arith computes
 * them, without its generic operand and exception handling when the
 * common case certainly holds: SSE usable (no #UD, no #NM), every SIMD
 * exception masked and rounding to nearest in MXCSR (so no element can
 * fault and the instruction only ORs its flags into MXCSR), and a memory
 * operand that is plain RAM through the TLB, aligned when it must be.
 * Each element is cpu/sse_fp.c's (its host fast path inline, else
 * ssefp_arith). Likewise CVTPS2PD and CVTSS2SD, the XMM logic
 * operations (AND, ANDN, OR, XOR in their PS, PD and P forms), PADDD,
 * PSUBD and PADDQ, and the 16-byte
 * moves between XMM registers and memory (MOVAPS/MOVUPS/MOVDQA/MOVDQU and
 * their PD and non-temporal forms). Otherwise the interpreter's handler
 * runs it.
 */
#include "cpu/ops.h"
#include "cpu/sse.h"
#include "tcg-lite/tb.h"

static inline bool fast_ok(const X86Cpu *cpu)
{
    return !(cpu->cr0 & (CR0_EM | CR0_TS)) && (cpu->cr4 & CR4_OSFXSR) &&
           (cpu->mxcsr & (MXCSR_MASKS | (3u << MXCSR_RC_SHIFT))) ==
               MXCSR_MASKS;
}

static inline __attribute__((always_inline)) void
arith(X86Cpu *cpu, const DecodedInsn *d, SseFpOp op, bool dbl, bool scalar,
      bool mem)
{
    if (!fast_ok(cpu)) {
        tb_fallback(cpu, d, op_sse_arith);
        return;
    }
    X86Xmm b;
    if (mem) {
        unsigned size = scalar ? (dbl ? 8 : 4) : 16;
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), size, false);
        /* (Host and guest addresses agree modulo the page size.) */
        if (!p || (!scalar && ((uintptr_t)p & 15))) {
            tb_fallback(cpu, d, op_sse_arith);
            return;
        }
        memcpy(&b, p, size);
    } else {
        b = cpu->xmm[d->rm];
    }
    X86Xmm *r = &cpu->xmm[d->reg];
    FloatEnv env = sse_env(cpu);
    const unsigned n = scalar ? 1 : dbl ? 2 : 4;
    for (unsigned i = 0; i < n; i++) {
        uint64_t x;
        if (dbl) {
            if (!ssefp_host_arith(&env, op, true, r->q[i], b.q[i], &x)) {
                x = ssefp_arith(&env, op, true, r->q[i], b.q[i]);
            }
            r->q[i] = x;
        } else {
            if (!ssefp_host_arith(&env, op, false, r->l[i], b.l[i], &x)) {
                x = ssefp_arith(&env, op, false, r->l[i], b.l[i]);
            }
            r->l[i] = (uint32_t)x;
        }
    }
    /* All masked: sse_fp_finish would only record them. */
    cpu->mxcsr |= env.flags & FLOAT_ALL_EXC;
}

/* [op: add mul sub][prefix: none 66 F3 F2][mem] */
#define ARITH_FORM(NAME, OP, DBL, SCALAR, MEM)                                 \
    static void NAME(X86Cpu *cpu, const DecodedInsn *d)                        \
    {                                                                          \
        arith(cpu, d, OP, DBL, SCALAR, MEM);                                   \
    }
#define ARITH_PFX(NAME, OP)                                                    \
    ARITH_FORM(NAME##_ps_r, OP, false, false, false)                           \
    ARITH_FORM(NAME##_ps_m, OP, false, false, true)                            \
    ARITH_FORM(NAME##_pd_r, OP, true, false, false)                            \
    ARITH_FORM(NAME##_pd_m, OP, true, false, true)                             \
    ARITH_FORM(NAME##_ss_r, OP, false, true, false)                            \
    ARITH_FORM(NAME##_ss_m, OP, false, true, true)                             \
    ARITH_FORM(NAME##_sd_r, OP, true, true, false)                             \
    ARITH_FORM(NAME##_sd_m, OP, true, true, true)
ARITH_PFX(add, SSEFP_ADD)
ARITH_PFX(mul, SSEFP_MUL)
ARITH_PFX(sub, SSEFP_SUB)

#define ARITH_ROW(NAME)                                                        \
    {{NAME##_ps_r, NAME##_ps_m}, {NAME##_pd_r, NAME##_pd_m},                   \
     {NAME##_ss_r, NAME##_ss_m}, {NAME##_sd_r, NAME##_sd_m}}
static X86Handler *const arith_forms[3][4][2] = {
    ARITH_ROW(add), ARITH_ROW(mul), ARITH_ROW(sub),
};

/* 0F 5A CVTPS2PD (two floats, m64) and F3 0F 5A CVTSS2SD (one, m32). */
static inline __attribute__((always_inline)) void
cvt_s2d(X86Cpu *cpu, const DecodedInsn *d, bool scalar, bool mem)
{
    if (!fast_ok(cpu)) {
        tb_fallback(cpu, d, op_cvt_5a);
        return;
    }
    X86Xmm b;
    if (mem) {
        unsigned size = scalar ? 4 : 8;
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), size, false);
        if (!p) {
            tb_fallback(cpu, d, op_cvt_5a);
            return;
        }
        memcpy(&b, p, size);
    } else {
        b = cpu->xmm[d->rm];
    }
    X86Xmm *r = &cpu->xmm[d->reg];
    FloatEnv env = sse_env(cpu);
    const unsigned n = scalar ? 1 : 2;
    uint64_t q[2];
    for (unsigned i = 0; i < n; i++) {
        q[i] = ssefp_f32_to_f64(&env, b.l[i]);
    }
    for (unsigned i = 0; i < n; i++) {
        r->q[i] = q[i];
    }
    cpu->mxcsr |= env.flags & FLOAT_ALL_EXC;
}

static void cvtps2pd_r(X86Cpu *cpu, const DecodedInsn *d)
{
    cvt_s2d(cpu, d, false, false);
}
static void cvtps2pd_m(X86Cpu *cpu, const DecodedInsn *d)
{
    cvt_s2d(cpu, d, false, true);
}
static void cvtss2sd_r(X86Cpu *cpu, const DecodedInsn *d)
{
    cvt_s2d(cpu, d, true, false);
}
static void cvtss2sd_m(X86Cpu *cpu, const DecodedInsn *d)
{
    cvt_s2d(cpu, d, true, true);
}

static inline bool sse_ok(const X86Cpu *cpu)
{
    return !(cpu->cr0 & (CR0_EM | CR0_TS)) && (cpu->cr4 & CR4_OSFXSR);
}

/* 16-byte loads (@store clear) and stores; @aligned: #GP unless the
 * address is 16-byte aligned. */
static inline __attribute__((always_inline)) void
move16(X86Cpu *cpu, const DecodedInsn *d, bool store, bool aligned,
       bool mem)
{
    X86Handler *interp = store ? op_sse_store : op_sse_load;
    if (!sse_ok(cpu)) {
        tb_fallback(cpu, d, interp);
        return;
    }
    if (!mem) {
        if (store) {
            cpu->xmm[d->rm] = cpu->xmm[d->reg];
        } else {
            cpu->xmm[d->reg] = cpu->xmm[d->rm];
        }
        return;
    }
    uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), 16, store);
    if (!p || (aligned && ((uintptr_t)p & 15))) {
        tb_fallback(cpu, d, interp);
        return;
    }
    if (store) {
        memcpy(p, &cpu->xmm[d->reg], 16);
    } else {
        memcpy(&cpu->xmm[d->reg], p, 16);
    }
}

#define MOVE_FORM(NAME, STORE, ALIGNED, MEM)                                   \
    static void NAME(X86Cpu *cpu, const DecodedInsn *d)                        \
    {                                                                          \
        move16(cpu, d, STORE, ALIGNED, MEM);                                   \
    }
MOVE_FORM(load_r, false, false, false)
MOVE_FORM(load_m, false, false, true)
MOVE_FORM(load_am, false, true, true)
MOVE_FORM(store_r, true, false, false)
MOVE_FORM(store_m, true, false, true)
MOVE_FORM(store_am, true, true, true)

static X86Handler *specialize_move(const DecodedInsn *d)
{
    unsigned op = d->opcode & 0xff, pfx = sse_pfx(d);
    bool load = d->handler == op_sse_load;
    bool aligned;
    if (load && op == 0x10 && pfx <= PFX_66) {
        aligned = false;
    } else if (load && op == 0x28) {
        aligned = true;
    } else if (load && op == 0x6f && (pfx == PFX_66 || pfx == PFX_F3)) {
        aligned = pfx == PFX_66;
    } else if (!load && op == 0x11 && pfx <= PFX_66) {
        aligned = false;
    } else if (!load && (op == 0x29 || op == 0x2b || op == 0xe7)) {
        aligned = true;
    } else if (!load && op == 0x7f && (pfx == PFX_66 || pfx == PFX_F3)) {
        aligned = pfx == PFX_66;
    } else {
        return NULL;
    }
    if (!d->mem) {
        return load ? load_r : store_r;
    }
    if (load) {
        return aligned ? load_am : load_m;
    }
    return aligned ? store_am : store_m;
}

/* Integer and logic operations on whole XMM registers: an aligned m128
 * or a register. */
enum { V_AND, V_ANDN, V_OR, V_XOR, V_ADD32, V_SUB32, V_ADD64 };

static inline __attribute__((always_inline)) void
vec(X86Cpu *cpu, const DecodedInsn *d, unsigned kind, bool mem,
    X86Handler *interp)
{
    if (!sse_ok(cpu)) {
        tb_fallback(cpu, d, interp);
        return;
    }
    X86Xmm b;
    if (mem) {
        uint8_t *p = fast_ptr(cpu, d->seg, x86_ea_calc(cpu, d), 16, false);
        if (!p || ((uintptr_t)p & 15)) {
            tb_fallback(cpu, d, interp);
            return;
        }
        memcpy(&b, p, 16);
    } else {
        b = cpu->xmm[d->rm];
    }
    X86Xmm *a = &cpu->xmm[d->reg];
    switch (kind) {
    case V_AND:
        a->q[0] &= b.q[0];
        a->q[1] &= b.q[1];
        break;
    case V_ANDN:
        a->q[0] = ~a->q[0] & b.q[0];
        a->q[1] = ~a->q[1] & b.q[1];
        break;
    case V_OR:
        a->q[0] |= b.q[0];
        a->q[1] |= b.q[1];
        break;
    case V_XOR:
        a->q[0] ^= b.q[0];
        a->q[1] ^= b.q[1];
        break;
    case V_ADD32:
    case V_SUB32:
        for (unsigned i = 0; i < 4; i++) {
            a->l[i] = kind == V_ADD32 ? a->l[i] + b.l[i] : a->l[i] - b.l[i];
        }
        break;
    default:
        a->q[0] += b.q[0];
        a->q[1] += b.q[1];
        break;
    }
}

#define VEC_FORMS(NAME, KIND, INTERP)                                          \
    static void NAME##_r(X86Cpu *cpu, const DecodedInsn *d)                    \
    {                                                                          \
        vec(cpu, d, KIND, false, INTERP);                                      \
    }                                                                          \
    static void NAME##_m(X86Cpu *cpu, const DecodedInsn *d)                    \
    {                                                                          \
        vec(cpu, d, KIND, true, INTERP);                                       \
    }
VEC_FORMS(v_and, V_AND, op_sse_logic)
VEC_FORMS(v_andn, V_ANDN, op_sse_logic)
VEC_FORMS(v_or, V_OR, op_sse_logic)
VEC_FORMS(v_xor, V_XOR, op_sse_logic)
VEC_FORMS(v_add32, V_ADD32, op_sse_int)
VEC_FORMS(v_sub32, V_SUB32, op_sse_int)
VEC_FORMS(v_add64, V_ADD64, op_sse_int)

static X86Handler *specialize_vec(const DecodedInsn *d)
{
    unsigned op = d->opcode & 0xff, pfx = sse_pfx(d);
    bool m = d->mem;
    if (d->opcode >= 0x200 || pfx > PFX_66) {
        return NULL;
    }
    if (d->handler == op_sse_logic) {
        switch (op) {
        case 0x54: case 0xdb: return m ? v_and_m : v_and_r;
        case 0x55: case 0xdf: return m ? v_andn_m : v_andn_r;
        case 0x56: case 0xeb: return m ? v_or_m : v_or_r;
        case 0x57: case 0xef: return m ? v_xor_m : v_xor_r;
        default: return NULL;
        }
    }
    if (pfx != PFX_66) {
        return NULL; /* the MMX forms */
    }
    switch (op) {
    case 0xfe: return m ? v_add32_m : v_add32_r;
    case 0xfa: return m ? v_sub32_m : v_sub32_r;
    case 0xd4: return m ? v_add64_m : v_add64_r;
    default: return NULL;
    }
}

X86Handler *tb_specialize_sse(const DecodedInsn *d)
{
    if (d->addrsize == 8) {
        return NULL;
    }
    if (d->handler == op_sse_load || d->handler == op_sse_store) {
        return specialize_move(d);
    }
    if (d->handler == op_sse_logic || d->handler == op_sse_int) {
        return specialize_vec(d);
    }
    if (d->handler == op_cvt_5a && (d->opcode & 0xff) == 0x5a) {
        unsigned pfx = sse_pfx(d);
        if (pfx == PFX_NONE) {
            return d->mem ? cvtps2pd_m : cvtps2pd_r;
        }
        if (pfx == PFX_F3) {
            return d->mem ? cvtss2sd_m : cvtss2sd_r;
        }
        return NULL;
    }
    if (d->handler != op_sse_arith) {
        return NULL;
    }
    unsigned low = d->opcode & 0xff, row;
    switch (low) {
    case 0x58: row = 0; break;
    case 0x59: row = 1; break;
    case 0x5c: row = 2; break;
    default: return NULL;
    }
    return arith_forms[row][sse_pfx(d)][d->mem ? 1 : 0];
}
