/*
 * x87 environment and state images: FSTENV/FLDENV and FSAVE/FRSTOR in
 * their 16- and 32-bit, real- and protected-mode layouts (SDM vol. 1,
 * 8.1.10), and FXSAVE/FXRSTOR (0F AE /0 /1) with the abridged tag word.
 *
 * Tags are not trusted on load: a register is empty or not as the image
 * says, and a non-empty one gets the tag its contents call for (as the
 * hardware does). In real and virtual-8086 mode the instruction and data
 * pointers are stored as 20-bit linear addresses.
 */
#include "cpu/debug.h"
#include "cpu/fpu.h"

#include "cpu/models.h"
#include "cpu/ops.h"
#include "cpu/sse.h"

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get16(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The real-mode images hold linear addresses. */
static bool env_protected(const X86Cpu *cpu)
{
    return cpu->pe && !cpu->vm86;
}

static unsigned env_size(const DecodedInsn *d)
{
    return d->opsize == 2 ? 14 : 28;
}

/* The tag word as FSTENV stores it: computed from the contents of every
 * register that is not empty (after MMX code, whose registers are all
 * "valid" whatever they hold, this is what the hardware reports). */
static uint32_t env_tags(const X86Cpu *cpu)
{
    uint32_t ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag = fpu_tag_phys(cpu, p) == FTAG_EMPTY
                           ? FTAG_EMPTY : fpu_tag_of(cpu->fpr[p]);
        ftw |= tag << (2 * p);
    }
    return ftw;
}

static void env_store(X86Cpu *cpu, const DecodedInsn *d, uint8_t *b)
{
    uint32_t fcw = cpu->fcw, fsw = fpu_get_fsw(cpu), ftw = env_tags(cpu);
    uint32_t fop = cpu->fop & 0x7ff;
    uint32_t lip = (uint32_t)(cpu->fip + ((uint32_t)cpu->fcs << 4));
    uint32_t ldp = (uint32_t)(cpu->fdp + ((uint32_t)cpu->fds << 4));
    bool prot = env_protected(cpu);

    if (d->opsize == 2) {
        put16(b, fcw);
        put16(b + 2, fsw);
        put16(b + 4, ftw);
        if (prot) {
            put16(b + 6, (uint32_t)cpu->fip);
            put16(b + 8, cpu->fcs);
            put16(b + 10, (uint32_t)cpu->fdp);
            put16(b + 12, cpu->fds);
        } else {
            put16(b + 6, lip);
            put16(b + 8, ((lip >> 16) & 0xf) << 12 | fop);
            put16(b + 10, ldp);
            put16(b + 12, ((ldp >> 16) & 0xf) << 12);
        }
        return;
    }
    put32(b, 0xffff0000u | fcw);
    put32(b + 4, 0xffff0000u | fsw);
    put32(b + 8, 0xffff0000u | ftw);
    if (prot) {
        put32(b + 12, (uint32_t)cpu->fip);
        put32(b + 16, cpu->fcs | fop << 16);
        put32(b + 20, (uint32_t)cpu->fdp);
        put32(b + 24, 0xffff0000u | cpu->fds);
    } else {
        put32(b + 12, 0xffff0000u | (lip & 0xffff));
        put32(b + 16, (lip >> 16) << 12 | fop);
        put32(b + 20, 0xffff0000u | (ldp & 0xffff));
        put32(b + 24, (ldp >> 16) << 12);
    }
}

static void env_load(X86Cpu *cpu, const DecodedInsn *d, const uint8_t *b)
{
    bool prot = env_protected(cpu);
    uint32_t fcw, fsw, ftw;

    if (d->opsize == 2) {
        fcw = get16(b);
        fsw = get16(b + 2);
        ftw = get16(b + 4);
        if (prot) {
            cpu->fip = get16(b + 6);
            cpu->fcs = (uint16_t)get16(b + 8);
            cpu->fdp = get16(b + 10);
            cpu->fds = (uint16_t)get16(b + 12);
        } else {
            cpu->fip = get16(b + 6) | (get16(b + 8) >> 12) << 16;
            cpu->fop = get16(b + 8) & 0x7ff;
            cpu->fdp = get16(b + 10) | (get16(b + 12) >> 12) << 16;
            cpu->fcs = cpu->fds = 0;
        }
    } else {
        fcw = get16(b);
        fsw = get16(b + 4);
        ftw = get16(b + 8);
        if (prot) {
            cpu->fip = get32(b + 12);
            cpu->fcs = (uint16_t)get16(b + 16);
            cpu->fop = (get32(b + 16) >> 16) & 0x7ff;
            cpu->fdp = get32(b + 20);
            cpu->fds = (uint16_t)get16(b + 24);
        } else {
            cpu->fip = get16(b + 12) | ((get32(b + 16) >> 12) & 0xffff) << 16;
            cpu->fop = get32(b + 16) & 0x7ff;
            cpu->fdp = get16(b + 20) | ((get32(b + 24) >> 12) & 0xffff) << 16;
            cpu->fcs = cpu->fds = 0;
        }
    }
    cpu->fcw = (uint16_t)((fcw & FCW_VALID) | FCW_FIXED);
    cpu->ftw = (uint16_t)ftw;
    fpu_load_fsw(cpu, (uint16_t)fsw);
    fpu_retag(cpu);
}

/*
 * An image moves as the hardware moves it: in fields (the words or
 * dwords of the environment, each register as 8 + 2 bytes), each at its
 * offset wrapped to the address size. Before anything changes, its first
 * field is checked (segment, then #AC unless the image starts aligned to
 * 4, or 2 in the 16-bit formats, then paging), then its last byte, then
 * the rest (the P6 and later read "the first and last bytes" first, SDM
 * vol. 3, "Segment Not Present Exception During FLDENV"; the faults come
 * in that order on the host).
 */
typedef struct ImagePart {
    uint8_t off, len;
} ImagePart;

#define IMAGE_PARTS (28 / 2 + 2 * 8)

static unsigned image_parts(const DecodedInsn *d, unsigned size,
                            ImagePart *p)
{
    unsigned w = d->opsize == 2 ? 2 : 4, env = env_size(d), n = 0;
    for (unsigned off = 0; off < env; off += w) {
        p[n++] = (ImagePart){(uint8_t)off, (uint8_t)w};
    }
    for (unsigned off = env; off < size; off += 10) {
        p[n++] = (ImagePart){(uint8_t)off, 8};
        p[n++] = (ImagePart){(uint8_t)(off + 8), 2};
    }
    return n;
}

static uint64_t image_at(const DecodedInsn *d, uint64_t ea, unsigned off)
{
    return (ea + off) & addr_mask(d);
}

static unsigned image_check(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                            unsigned size, int acc, ImagePart *p)
{
    unsigned n = image_parts(d, size, p);
    uint64_t lin = x86_seg_linear(cpu, d->seg, ea, p[0].len, acc);
    unsigned align = d->opsize == 2 ? 2 : 4;
    if ((cpu->hflags & X86_HF_AC) && (lin & (align - 1))) {
        x86_raise(cpu, EXC_AC, 0);
    }
    x86_probe_lin(cpu, lin, p[0].len, acc);
    uint64_t last = image_at(d, ea, size - 1);
    x86_probe_lin(cpu, x86_seg_linear(cpu, d->seg, last, 1, acc), 1, acc);
    for (unsigned i = 1; i < n; i++) {
        lin = x86_seg_linear(cpu, d->seg, image_at(d, ea, p[i].off),
                             p[i].len, acc);
        x86_probe_lin(cpu, lin, p[i].len, acc);
    }
    return n;
}

static void image_write(X86Cpu *cpu, const DecodedInsn *d, const uint8_t *b,
                        unsigned size)
{
    ImagePart p[IMAGE_PARTS];
    uint64_t ea = x86_ea(cpu, d);
    unsigned n = image_check(cpu, d, ea, size, ACC_WRITE, p);
    for (unsigned i = 0; i < n; i++) {
        x86_write_bytes(cpu, d->seg, image_at(d, ea, p[i].off),
                        b + p[i].off, p[i].len);
    }
}

static void image_read(X86Cpu *cpu, const DecodedInsn *d, uint8_t *b,
                       unsigned size)
{
    ImagePart p[IMAGE_PARTS];
    uint64_t ea = x86_ea(cpu, d);
    unsigned n = image_check(cpu, d, ea, size, ACC_READ, p);
    for (unsigned i = 0; i < n; i++) {
        x86_read_bytes(cpu, d->seg, image_at(d, ea, p[i].off), b + p[i].off,
                       p[i].len);
    }
}

void fpu_fstenv(X86Cpu *cpu, const DecodedInsn *d)
{
    uint8_t b[28];
    env_store(cpu, d, b);
    image_write(cpu, d, b, env_size(d));
    /* FSTENV then masks every exception (ES re-derived: cleared). */
    fpu_load_fcw(cpu, cpu->fcw | FSW_EXC);
}

void fpu_fldenv(X86Cpu *cpu, const DecodedInsn *d)
{
    uint8_t b[28];
    image_read(cpu, d, b, env_size(d));
    env_load(cpu, d, b);
}

void fpu_fsave(X86Cpu *cpu, const DecodedInsn *d)
{
    uint8_t b[28 + 80];
    unsigned n = env_size(d);
    env_store(cpu, d, b);
    for (unsigned i = 0; i < 8; i++) {
        fpu_store_bytes_fx80(b + n + 10 * i, cpu->fpr[fpu_phys(cpu, i)]);
    }
    image_write(cpu, d, b, n + 80);
    fpu_init(cpu);
}

void fpu_frstor(X86Cpu *cpu, const DecodedInsn *d)
{
    uint8_t b[28 + 80];
    unsigned n = env_size(d);
    image_read(cpu, d, b, n + 80);
    /* The registers first: the environment's TOP places them. */
    unsigned top = (get16(b + (n == 14 ? 2 : 4)) >> FSW_TOP_SHIFT) & 7;
    for (unsigned i = 0; i < 8; i++) {
        cpu->fpr[(top + i) & 7] = fpu_load_bytes_fx80(b + n + 10 * i);
    }
    env_load(cpu, d, b);
}

/* --- FXSAVE / FXRSTOR --- */

#define FXSAVE_SIZE 512

/* Do the XMM registers and MXCSR take part? */
static bool fx_sse(const X86Cpu *cpu)
{
    return (cpu->cr4 & CR4_OSFXSR) && x86_has_feature(cpu, X86_FEAT_SSE);
}

static unsigned fx_xmm_count(const X86Cpu *cpu)
{
    return cpu->code64 ? 16 : 8;
}

/* The linear address of byte @i of the image at offset @ea: the
 * offsets wrap with the address size (the microcode computes each
 * chunk's address on its own). */
static uint64_t fx_lin(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                       unsigned i)
{
    uint64_t off = (ea + i) & addr_mask(d);
    if (cpu->code64) {
        return off + (d->seg == R_FS || d->seg == R_GS
                          ? cpu->seg[d->seg].base : 0);
    }
    return (uint32_t)(cpu->seg[d->seg].base + off);
}

/* Common checks; returns the offset of the image. The order is the
 * host's: the first byte's segment checks (limit, or canonical in 64-bit
 * mode; #SS for a stack access) come before the alignment checks, the
 * last byte's after them. Then the pages, the last byte's first: a fault
 * inside one page, or on the second of two, reports the last byte in
 * CR2, one on the first of two reports the first byte. */
static uint64_t fx_prologue(X86Cpu *cpu, const DecodedInsn *d, int acc)
{
    if (!x86_has_feature(cpu, X86_FEAT_FXSR)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (cpu->cr0 & (CR0_EM | CR0_TS)) {
        x86_raise(cpu, EXC_NM, -1);
    }
    uint64_t ea = x86_ea(cpu, d);
    uint64_t lin = x86_seg_linear(cpu, d->seg, ea, 1, acc);
    /* With alignment checks on, the host checks 4 bytes for #AC. */
    if ((cpu->hflags & X86_HF_AC) && (lin & 3)) {
        x86_raise(cpu, EXC_AC, 0);
    }
    if (lin & 15) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint64_t last_off = (ea + FXSAVE_SIZE - 1) & addr_mask(d);
    if (last_off < ea) {
        /* Wrapped around the address size: both pieces. */
        x86_seg_linear(cpu, d->seg, ea, (unsigned)(addr_mask(d) - ea + 1),
                       acc);
        x86_seg_linear(cpu, d->seg, 0, (unsigned)last_off + 1, acc);
    } else {
        x86_seg_linear(cpu, d->seg, ea, FXSAVE_SIZE, acc);
    }
    x86_probe_lin(cpu, fx_lin(cpu, d, ea, FXSAVE_SIZE - 1), 1, acc);
    x86_probe_lin(cpu, lin, 1, acc);
    if (cpu->hflags & X86_HF_DBG) {
        x86_debug_data(cpu, lin, FXSAVE_SIZE, acc == ACC_WRITE);
    }
    return ea;
}

/* Bytes @from to @from + @len - 1 (multiples of 8) of a checked image:
 * quadwords unless an odd offset might straddle an address wrap. */
static void fx_write(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                     unsigned from, const uint8_t *b, unsigned len)
{
    unsigned step = (ea & 7) ? 1 : 8;
    for (unsigned i = from; i < from + len; i += step) {
        x86_write_lin(cpu, fx_lin(cpu, d, ea, i),
                      step == 8 ? get64(b + i) : b[i], step, ACC_WRITE);
    }
}

static void fx_read(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                    uint8_t *b, unsigned len)
{
    unsigned step = (ea & 7) ? 1 : 8;
    for (unsigned i = 0; i < len; i += step) {
        uint64_t v = x86_read_lin(cpu, fx_lin(cpu, d, ea, i), step,
                                  ACC_READ);
        if (step == 8) {
            put64(b + i, v);
        } else {
            b[i] = (uint8_t)v;
        }
    }
}

HANDLER(op_fxsave)
{
    uint64_t ea = fx_prologue(cpu, d, ACC_WRITE);
    bool wide = d->rex & 8; /* REX.W: 64-bit FIP and FDP */
    uint8_t b[FXSAVE_SIZE] = {0};
    uint8_t abridged = 0;

    for (unsigned p = 0; p < 8; p++) {
        if (fpu_tag_phys(cpu, p) != FTAG_EMPTY) {
            abridged |= (uint8_t)(1u << p);
        }
    }
    put16(b, cpu->fcw);
    put16(b + 2, fpu_get_fsw(cpu));
    b[4] = abridged;
    put16(b + 6, cpu->fop & 0x7ff);
    if (wide) {
        put64(b + 8, cpu->fip);
        put64(b + 16, cpu->fdp);
    } else {
        put32(b + 8, (uint32_t)cpu->fip);
        put16(b + 12, cpu->fcs);
        put32(b + 16, (uint32_t)cpu->fdp);
        put16(b + 20, cpu->fds);
    }
    put32(b + 24, cpu->mxcsr);
    put32(b + 28, sse_mxcsr_mask(cpu));
    for (unsigned i = 0; i < 8; i++) {
        fpu_store_bytes_fx80(b + 32 + 16 * i, cpu->fpr[fpu_phys(cpu, i)]);
    }
    for (unsigned i = 0; i < 16; i++) {
        memcpy(b + 160 + 16 * i, cpu->xmm[i].b, 16);
    }

    /* What this CPU saves: the rest stays as it was. */
    fx_write(cpu, d, ea, 0, b, 24);
    if (fx_sse(cpu)) {
        fx_write(cpu, d, ea, 24, b, 8);
    }
    fx_write(cpu, d, ea, 32, b, 128);
    if (fx_sse(cpu)) {
        fx_write(cpu, d, ea, 160, b, 16 * fx_xmm_count(cpu));
    }
}

HANDLER(op_fxrstor)
{
    uint64_t ea = fx_prologue(cpu, d, ACC_READ);
    bool wide = d->rex & 8;
    bool sse = fx_sse(cpu);
    unsigned len = sse ? 160 + 16 * fx_xmm_count(cpu) : 160;
    uint8_t b[FXSAVE_SIZE];

    fx_read(cpu, d, ea, b, len);
    uint32_t mxcsr = get32(b + 24);
    if (sse && (mxcsr & ~sse_mxcsr_mask(cpu))) {
        x86_raise(cpu, EXC_GP, 0);
    }

    unsigned fsw = get16(b + 2);
    unsigned top = (fsw >> FSW_TOP_SHIFT) & 7;
    cpu->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        if (!((b[4] >> p) & 1)) {
            fpu_set_tag_phys(cpu, p, FTAG_EMPTY);
        }
    }
    for (unsigned i = 0; i < 8; i++) {
        cpu->fpr[(top + i) & 7] = fpu_load_bytes_fx80(b + 32 + 16 * i);
    }
    cpu->fop = (uint16_t)(get16(b + 6) & 0x7ff);
    if (wide) {
        cpu->fip = get64(b + 8);
        cpu->fdp = get64(b + 16);
    } else {
        cpu->fip = get32(b + 8);
        cpu->fcs = (uint16_t)get16(b + 12);
        cpu->fdp = get32(b + 16);
        cpu->fds = (uint16_t)get16(b + 20);
    }
    cpu->fcw = (uint16_t)((get16(b) & FCW_VALID) | FCW_FIXED);
    fpu_load_fsw(cpu, (uint16_t)fsw);
    fpu_retag(cpu);
    if (sse) {
        cpu->mxcsr = mxcsr;
        for (unsigned i = 0; i < fx_xmm_count(cpu); i++) {
            memcpy(cpu->xmm[i].b, b + 160 + 16 * i, 16);
        }
    }
}
