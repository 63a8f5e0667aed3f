/* Canonical CPU state <-> KVM formats: see convert.h. */
#include "accel/kvm/convert.h"

#include <string.h>

/* --- segments --- */

void kvm_seg_from_x86(const X86Seg *in, struct kvm_segment *out)
{
    uint32_t f = in->flags;
    memset(out, 0, sizeof(*out));
    out->base = in->base;
    out->limit = in->limit;
    out->selector = in->sel;
    out->type = (f & SEGF_TYPE_MASK) >> SEGF_TYPE_SHIFT;
    out->s = (f & SEGF_S) != 0;
    out->dpl = (f & SEGF_DPL_MASK) >> SEGF_DPL_SHIFT;
    out->present = (f & SEGF_P) != 0;
    out->avl = (f & SEGF_AVL) != 0;
    out->l = (f & SEGF_L) != 0;
    out->db = (f & SEGF_DB) != 0;
    out->g = (f & SEGF_G) != 0;
    /* VMX wants a null data segment marked unusable; a descriptor that
     * is not present could not have been loaded anyway. */
    out->unusable = !out->present;
}

void kvm_seg_to_x86(const struct kvm_segment *in, X86Seg *out)
{
    out->sel = in->selector;
    out->base = in->base;
    out->limit = in->limit;
    out->flags = ((uint32_t)(in->type & 0xf) << SEGF_TYPE_SHIFT) |
                 (in->s ? SEGF_S : 0) |
                 ((uint32_t)(in->dpl & 3) << SEGF_DPL_SHIFT) |
                 (in->present && !in->unusable ? SEGF_P : 0) |
                 (in->avl ? SEGF_AVL : 0) | (in->l ? SEGF_L : 0) |
                 (in->db ? SEGF_DB : 0) | (in->g ? SEGF_G : 0);
}

/* --- EFLAGS --- */

uint64_t kvm_eflags_from_x86(X86Cpu *cpu)
{
    return x86_get_eflags(cpu);
}

void kvm_eflags_to_x86(X86Cpu *cpu, uint64_t rflags)
{
    cpu->eflags = ((uint32_t)rflags & ~FL_ARITH) | FL_FIXED;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = (uint32_t)rflags & FL_ARITH;
    cpu->cc_dst = 0;
    cpu->cc_src2 = 0;
}

/* --- x87 tags --- */

enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

uint8_t kvm_ftw_abridge(uint16_t ftw)
{
    uint8_t a = 0;
    for (int i = 0; i < 8; i++) {
        if (((ftw >> (2 * i)) & 3) != TAG_EMPTY) {
            a |= 1u << i;
        }
    }
    return a;
}

static unsigned classify(const Fx80 *r)
{
    unsigned exp = r->sexp & 0x7fff;
    if (exp == 0x7fff) {
        return TAG_SPECIAL;            /* infinity, NaN */
    }
    if (exp == 0) {
        return r->mant == 0 ? TAG_ZERO : TAG_SPECIAL; /* denormals */
    }
    return (r->mant >> 63) ? TAG_VALID : TAG_SPECIAL; /* unnormals */
}

uint16_t kvm_ftw_expand(uint8_t abridged, const Fx80 fpr[8])
{
    uint16_t ftw = 0;
    for (int i = 0; i < 8; i++) {
        unsigned tag = (abridged >> i) & 1 ? classify(&fpr[i]) : TAG_EMPTY;
        ftw |= (uint16_t)(tag << (2 * i));
    }
    return ftw;
}

/* --- the FXSAVE image --- */

enum {
    FX_FCW = 0,
    FX_FSW = 2,
    FX_FTW = 4,
    FX_FOP = 6,
    FX_FIP = 8,
    FX_FDP = 16,
    FX_MXCSR = 24,
    FX_ST = 32,
    FX_XMM = 160,
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Fills the fields pcvm holds; MXCSR_MASK and the reserved bytes of @fx
 * stay as they are (KVM's own values when @fx came from KVM). */
void kvm_fx_from_x86(const X86Cpu *cpu, uint8_t fx[KVM_FXSAVE_SIZE])
{
    put16(fx + FX_FCW, cpu->fcw);
    put16(fx + FX_FSW, (uint16_t)((cpu->fsw & ~0x3800u) |
                                  (cpu->ftop & 7u) << 11));
    fx[FX_FTW] = kvm_ftw_abridge(cpu->ftw);
    fx[FX_FTW + 1] = 0;
    put16(fx + FX_FOP, cpu->fop & 0x7ff);
    put64(fx + FX_FIP, cpu->fip);
    put64(fx + FX_FDP, cpu->fdp);
    put32(fx + FX_MXCSR, cpu->mxcsr);
    for (int i = 0; i < 8; i++) {
        const Fx80 *r = &cpu->fpr[(cpu->ftop + i) & 7];
        uint8_t *st = fx + FX_ST + 16 * i;
        put64(st, r->mant);
        put16(st + 8, r->sexp);
        memset(st + 10, 0, 6);
    }
    for (int i = 0; i < 16; i++) {
        memcpy(fx + FX_XMM + 16 * i, cpu->xmm[i].b, 16);
    }
}

void kvm_fx_to_x86(X86Cpu *cpu, const uint8_t fx[KVM_FXSAVE_SIZE])
{
    uint16_t fsw = get16(fx + FX_FSW);
    cpu->fcw = get16(fx + FX_FCW);
    cpu->ftop = (fsw >> 11) & 7;
    cpu->fsw = fsw & ~0x3800u;
    cpu->fop = get16(fx + FX_FOP) & 0x7ff;
    cpu->fip = get64(fx + FX_FIP);
    cpu->fdp = get64(fx + FX_FDP);
    cpu->fcs = 0;
    cpu->fds = 0;
    cpu->mxcsr = get32(fx + FX_MXCSR);
    for (int i = 0; i < 8; i++) {
        Fx80 *r = &cpu->fpr[(cpu->ftop + i) & 7];
        const uint8_t *st = fx + FX_ST + 16 * i;
        r->mant = get64(st);
        r->sexp = get16(st + 8);
    }
    cpu->ftw = kvm_ftw_expand(fx[FX_FTW], cpu->fpr);
    for (int i = 0; i < 16; i++) {
        memcpy(cpu->xmm[i].b, fx + FX_XMM + 16 * i, 16);
    }
}

void kvm_fpu_from_fx(const uint8_t fx[KVM_FXSAVE_SIZE], struct kvm_fpu *out)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < 8; i++) {
        memcpy(out->fpr[i], fx + FX_ST + 16 * i, 16);
    }
    out->fcw = get16(fx + FX_FCW);
    out->fsw = get16(fx + FX_FSW);
    out->ftwx = fx[FX_FTW];
    out->last_opcode = get16(fx + FX_FOP);
    out->last_ip = get64(fx + FX_FIP);
    out->last_dp = get64(fx + FX_FDP);
    for (int i = 0; i < 16; i++) {
        memcpy(out->xmm[i], fx + FX_XMM + 16 * i, 16);
    }
    out->mxcsr = get32(fx + FX_MXCSR);
}

void kvm_fpu_to_fx(const struct kvm_fpu *in, uint8_t fx[KVM_FXSAVE_SIZE])
{
    memset(fx, 0, KVM_FXSAVE_SIZE);
    for (int i = 0; i < 8; i++) {
        memcpy(fx + FX_ST + 16 * i, in->fpr[i], 16);
    }
    put16(fx + FX_FCW, in->fcw);
    put16(fx + FX_FSW, in->fsw);
    fx[FX_FTW] = in->ftwx;
    put16(fx + FX_FOP, in->last_opcode);
    put64(fx + FX_FIP, in->last_ip);
    put64(fx + FX_FDP, in->last_dp);
    put32(fx + FX_MXCSR, in->mxcsr);
    put32(fx + FX_MXCSR + 4, 0xffff);
    for (int i = 0; i < 16; i++) {
        memcpy(fx + FX_XMM + 16 * i, in->xmm[i], 16);
    }
}
