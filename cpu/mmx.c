/*
 * MMX (Pentium MMX / P6): the 0F 60-7F and 0F D1-FE instructions without
 * a mandatory prefix.
 *
 * MMi is the significand of physical x87 register Ri. Every MMX
 * instruction but EMMS sets TOP to 0 and tags all registers valid; a
 * write also sets the register's sign and exponent to all ones. Checks,
 * in order: no MMX (#UD), CR0.EM (#UD), CR0.TS (#NM), a pending x87
 * exception (#MF or the FERR# freeze). Operands are read before the x87
 * state changes, so a fault leaves it as it was.
 */
#include "cpu/fpu.h"

#include "cpu/models.h"
#include "cpu/ops.h"

static uint64_t mm_read(const X86Cpu *cpu, unsigned r)
{
    return cpu->fpr[r & 7].mant;
}

static void mm_write(X86Cpu *cpu, unsigned r, uint64_t v)
{
    cpu->fpr[r & 7].mant = v;
    cpu->fpr[r & 7].sexp = 0xffff;
}

static unsigned mm_reg(const DecodedInsn *d)
{
    return (d->modrm >> 3) & 7;
}

static unsigned mm_rm(const DecodedInsn *d)
{
    return d->modrm & 7;
}

/* False if the CPU froze on a pending x87 error (return at once). */
static bool mmx_prologue(X86Cpu *cpu)
{
    if (!x86_has_feature(cpu, X86_FEAT_MMX)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    fpu_check_nm(cpu, true);
    return fpu_check_pending(cpu);
}

/* --- lane arithmetic --- */

enum {
    MM_ADD, MM_ADDS, MM_ADDUS, MM_SUB, MM_SUBS, MM_SUBUS,
    MM_CMPEQ, MM_CMPGT, MM_MULL, MM_MULH, MM_MADD,
    MM_AND, MM_ANDN, MM_OR, MM_XOR,
    MM_SRL, MM_SRA, MM_SLL,
    MM_UNPCKL, MM_UNPCKH, MM_PACKSS, MM_PACKUS,
};

static int64_t lane_sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t lanes(unsigned kind, unsigned bits, uint64_t a, uint64_t b)
{
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
    int64_t smax = (int64_t)(mask >> 1), smin = -smax - 1;
    uint64_t r = 0;
    for (unsigned sh = 0; sh < 64; sh += bits) {
        uint64_t ua = (a >> sh) & mask, ub = (b >> sh) & mask;
        int64_t sa = lane_sext(ua, bits), sb = lane_sext(ub, bits);
        uint64_t v;
        switch (kind) {
        case MM_ADD: v = ua + ub; break;
        case MM_ADDS: v = (uint64_t)clamp(sa + sb, smin, smax); break;
        case MM_ADDUS: v = ua + ub > mask ? mask : ua + ub; break;
        case MM_SUB: v = ua - ub; break;
        case MM_SUBS: v = (uint64_t)clamp(sa - sb, smin, smax); break;
        case MM_SUBUS: v = ua > ub ? ua - ub : 0; break;
        case MM_CMPEQ: v = ua == ub ? mask : 0; break;
        case MM_CMPGT: v = sa > sb ? mask : 0; break;
        case MM_MULL: v = (uint64_t)(sa * sb); break;
        default: v = (uint64_t)((sa * sb) >> 16); break; /* MM_MULH */
        }
        r |= (v & mask) << sh;
    }
    return r;
}

static uint64_t shift_lanes(unsigned kind, unsigned bits, uint64_t a,
                            uint64_t count)
{
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
    uint64_t r = 0;
    for (unsigned sh = 0; sh < 64; sh += bits) {
        uint64_t v = (a >> sh) & mask;
        if (kind == MM_SRA) {
            v = (uint64_t)(lane_sext(v, bits) >>
                           (count > bits - 1 ? bits - 1 : count));
        } else if (count > bits - 1) {
            v = 0;
        } else {
            v = kind == MM_SRL ? v >> count : v << count;
        }
        r |= (v & mask) << sh;
    }
    return r;
}

/* Interleave the low (or high) halves' lanes: a0 b0 a1 b1 ... */
static uint64_t unpack(unsigned bits, uint64_t a, uint64_t b, bool high)
{
    uint64_t mask = (1ULL << bits) - 1;
    unsigned half = high ? 32 : 0;
    uint64_t r = 0;
    for (unsigned i = 0; i < 32 / bits; i++) {
        uint64_t la = (a >> (half + i * bits)) & mask;
        uint64_t lb = (b >> (half + i * bits)) & mask;
        r |= la << (2 * i * bits) | lb << ((2 * i + 1) * bits);
    }
    return r;
}

/* Narrow the @bits-wide signed lanes of a then b to half width, with
 * signed (or, @uns, unsigned) saturation. */
static uint64_t pack(unsigned bits, uint64_t a, uint64_t b, bool uns)
{
    unsigned out = bits / 2, n = 64 / bits;
    int64_t hi = uns ? (1LL << out) - 1 : (1LL << (out - 1)) - 1;
    int64_t lo = uns ? 0 : -(1LL << (out - 1));
    uint64_t omask = (1ULL << out) - 1, r = 0;
    for (unsigned i = 0; i < 2 * n; i++) {
        uint64_t src = i < n ? a : b;
        int64_t v = lane_sext(src >> ((i % n) * bits), bits);
        r |= ((uint64_t)clamp(v, lo, hi) & omask) << (i * out);
    }
    return r;
}

static uint64_t pmaddwd(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 2; i++) {
        int64_t s = 0;
        for (unsigned j = 0; j < 2; j++) {
            unsigned sh = 32 * i + 16 * j;
            s += (int64_t)(int16_t)(a >> sh) * (int16_t)(b >> sh);
        }
        r |= ((uint64_t)s & 0xffffffffu) << (32 * i);
    }
    return r;
}

/* What each 0F opcode of op_mmx does: kind and lane width. */
typedef struct MmxOp {
    uint8_t kind;
    uint8_t bits;
} MmxOp;

static const MmxOp *mmx_op(unsigned opcode)
{
#define M(k, b) {MM_##k, b}
    static const MmxOp ops[256] = {
        [0x60] = M(UNPCKL, 8), [0x61] = M(UNPCKL, 16), [0x62] = M(UNPCKL, 32),
        [0x63] = M(PACKSS, 16), [0x64] = M(CMPGT, 8), [0x65] = M(CMPGT, 16),
        [0x66] = M(CMPGT, 32), [0x67] = M(PACKUS, 16),
        [0x68] = M(UNPCKH, 8), [0x69] = M(UNPCKH, 16), [0x6a] = M(UNPCKH, 32),
        [0x6b] = M(PACKSS, 32),
        [0x74] = M(CMPEQ, 8), [0x75] = M(CMPEQ, 16), [0x76] = M(CMPEQ, 32),
        [0xd1] = M(SRL, 16), [0xd2] = M(SRL, 32), [0xd3] = M(SRL, 64),
        [0xd5] = M(MULL, 16), [0xd8] = M(SUBUS, 8), [0xd9] = M(SUBUS, 16),
        [0xdb] = M(AND, 64), [0xdc] = M(ADDUS, 8), [0xdd] = M(ADDUS, 16),
        [0xdf] = M(ANDN, 64),
        [0xe1] = M(SRA, 16), [0xe2] = M(SRA, 32), [0xe5] = M(MULH, 16),
        [0xe8] = M(SUBS, 8), [0xe9] = M(SUBS, 16), [0xeb] = M(OR, 64),
        [0xec] = M(ADDS, 8), [0xed] = M(ADDS, 16), [0xef] = M(XOR, 64),
        [0xf1] = M(SLL, 16), [0xf2] = M(SLL, 32), [0xf3] = M(SLL, 64),
        [0xf5] = M(MADD, 32),
        [0xf8] = M(SUB, 8), [0xf9] = M(SUB, 16), [0xfa] = M(SUB, 32),
        [0xfc] = M(ADD, 8), [0xfd] = M(ADD, 16), [0xfe] = M(ADD, 32),
    };
#undef M
    return &ops[opcode & 0xff];
}

static uint64_t mmx_compute(const MmxOp *op, uint64_t a, uint64_t b)
{
    switch (op->kind) {
    case MM_AND: return a & b;
    case MM_ANDN: return ~a & b;
    case MM_OR: return a | b;
    case MM_XOR: return a ^ b;
    case MM_SRL:
    case MM_SRA:
    case MM_SLL: return shift_lanes(op->kind, op->bits, a, b);
    case MM_UNPCKL: return unpack(op->bits, a, b, false);
    case MM_UNPCKH: return unpack(op->bits, a, b, true);
    case MM_PACKSS: return pack(op->bits, a, b, false);
    case MM_PACKUS: return pack(op->bits, a, b, true);
    case MM_MADD: return pmaddwd(a, b);
    default: return lanes(op->kind, op->bits, a, b);
    }
}

/* mm = mm OP mm/m64 (the low unpacks read only an m32). */
HANDLER(op_mmx)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    const MmxOp *op = mmx_op(d->opcode);
    uint64_t src;
    if (d->mem) {
        unsigned len = op->kind == MM_UNPCKL ? 4 : 8;
        src = x86_read(cpu, d->seg, x86_ea(cpu, d), len);
    } else {
        src = mm_read(cpu, mm_rm(d));
    }
    uint64_t r = mmx_compute(op, mm_read(cpu, mm_reg(d)), src);
    fpu_mmx_enter(cpu);
    mm_write(cpu, mm_reg(d), r);
}

/* 0F 71/72/73 /2 /4 /6 ib: shift mm by an immediate. */
HANDLER(op_mmx_shift_imm)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    static const uint8_t bits[3] = {16, 32, 64};
    unsigned reg = mm_reg(d);
    unsigned kind = reg == 2 ? MM_SRL : reg == 4 ? MM_SRA : MM_SLL;
    unsigned r = mm_rm(d);
    uint64_t v = shift_lanes(kind, bits[(d->opcode & 0xff) - 0x71],
                             mm_read(cpu, r), d->imm & 0xff);
    fpu_mmx_enter(cpu);
    mm_write(cpu, r, v);
}

/* MOVD mm, r/m32 (REX.W: MOVQ mm, r/m64). */
HANDLER(op_mmx_movd_load)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    uint64_t v = load_E(cpu, d, (d->rex & 8) ? 8 : 4);
    fpu_mmx_enter(cpu);
    mm_write(cpu, mm_reg(d), v);
}

/* MOVD r/m32, mm (REX.W: MOVQ r/m64, mm). */
HANDLER(op_mmx_movd_store)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    /* TOP goes to 0 before the store may fault, the tags after it. */
    cpu->ftop = 0;
    store_E(cpu, d, (d->rex & 8) ? 8 : 4, mm_read(cpu, mm_reg(d)));
    fpu_mmx_enter(cpu);
}

/* MOVQ mm, mm/m64. */
HANDLER(op_mmx_movq_load)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    uint64_t v = d->mem ? x86_read(cpu, d->seg, x86_ea(cpu, d), 8)
                        : mm_read(cpu, mm_rm(d));
    fpu_mmx_enter(cpu);
    mm_write(cpu, mm_reg(d), v);
}

/* MOVQ mm/m64, mm. */
HANDLER(op_mmx_movq_store)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    uint64_t v = mm_read(cpu, mm_reg(d));
    if (d->mem) {
        cpu->ftop = 0; /* as for MOVD */
        x86_write(cpu, d->seg, x86_ea(cpu, d), v, 8);
        fpu_mmx_enter(cpu);
    } else {
        fpu_mmx_enter(cpu);
        mm_write(cpu, mm_rm(d), v);
    }
}

/* EMMS empties every register and, as the hardware shows (difftest),
 * sets TOP to 0 too. */
HANDLER(op_emms)
{
    if (!mmx_prologue(cpu)) {
        return;
    }
    cpu->ftw = 0xffff;
    cpu->ftop = 0;
}
