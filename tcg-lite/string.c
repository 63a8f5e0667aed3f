/*
 * Bulk string instructions: MOVS, STOS, LODS, SCAS and CMPS with or
 * without REP, as the interpreter runs them (cpu/ops_string.c) but whole
 * runs of iterations at a time on host memory.
 *
 * A run is a stretch of iterations that certainly touch only plain RAM
 * through fast TLB entries inside one page per operand, inside the
 * segment limits, without wrapping the address size: those cannot fault,
 * cannot write code (pages holding translated code are never fast for
 * writes) and cannot reach a device, so nothing that could change what
 * the next iteration does happens between them. Everything else - the
 * first iteration on a new page, MMIO, a watched page, a fault - runs one
 * iteration through the interpreter's memory path, which commits it
 * exactly as the interpreter would. REP instructions yield after the
 * interpreter's batch of X86_REP_BATCH iterations, and at the same
 * iteration when an event is pending, so icount and where interrupts are
 * taken do not change. DF set and single-stepping use the interpreter's
 * handler.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"
#include "tcg-lite/tb.h"

typedef enum StrKind { K_MOVS, K_STOS, K_LODS, K_SCAS, K_CMPS } StrKind;

static inline bool uses_si(StrKind k)
{
    return k == K_MOVS || k == K_LODS || k == K_CMPS;
}

static inline bool uses_di(StrKind k)
{
    return k != K_LODS;
}

static inline bool compares(StrKind k)
{
    return k == K_SCAS || k == K_CMPS;
}

static inline void set_cmp(X86Cpu *cpu, unsigned size, uint64_t a,
                           uint64_t b)
{
    uint64_t r = (a - b) & size_mask(size);
    set_cc(cpu, CC_OP_SUB8, size, r, b & size_mask(size), 0);
}

/* Does a REP compare stop after an iteration that left ZF = @zf? */
static inline bool rep_stops(const DecodedInsn *d, bool zf)
{
    return (d->rep == 0xf3 && !zf) || (d->rep == 0xf2 && zf);
}

static inline void step_reg(X86Cpu *cpu, const DecodedInsn *d, int reg,
                            int64_t bytes)
{
    reg_write(cpu, reg, d->addrsize,
              (cpu->regs[reg] + (uint64_t)bytes) & addr_mask(d));
}

/* One iteration through the interpreter's memory path (DF clear). Returns
 * true if a REP compare stops after it. */
static inline bool slow_iter(X86Cpu *cpu, const DecodedInsn *d, StrKind k,
                             unsigned sz)
{
    uint64_t amask = addr_mask(d);
    uint64_t si = cpu->regs[R_ESI] & amask, di = cpu->regs[R_EDI] & amask;
    uint64_t a, b;
    switch (k) {
    case K_MOVS:
        a = x86_read(cpu, d->seg, si, sz);
        x86_write(cpu, R_ES, di, a, sz);
        break;
    case K_STOS:
        x86_write(cpu, R_ES, di, reg_read(cpu, R_EAX, sz), sz);
        break;
    case K_LODS:
        reg_write(cpu, R_EAX, sz, x86_read(cpu, d->seg, si, sz));
        break;
    case K_SCAS:
        b = x86_read(cpu, R_ES, di, sz);
        set_cmp(cpu, sz, reg_read(cpu, R_EAX, sz), b);
        break;
    case K_CMPS:
        /* ES:EDI first, as the interpreter reads them. */
        b = x86_read(cpu, R_ES, di, sz);
        a = x86_read(cpu, d->seg, si, sz);
        set_cmp(cpu, sz, a, b);
        break;
    }
    if (uses_si(k)) {
        step_reg(cpu, d, R_ESI, sz);
    }
    if (uses_di(k)) {
        step_reg(cpu, d, R_EDI, sz);
    }
    return compares(k) && d->rep && rep_stops(d, x86_cond(cpu, 4));
}

/* Elements of @sz at offset @off that fit before the address size wraps
 * and within the page of seg:off. */
static inline uint64_t room(const X86Cpu *cpu, const DecodedInsn *d,
                            unsigned seg, uint64_t off, unsigned sz)
{
    uint64_t amask = addr_mask(d);
    if (off + sz - 1 > amask) {
        return 0;
    }
    uint64_t wrap = (amask - off - (sz - 1)) / sz + 1;
    uint32_t lin = (uint32_t)(cpu->seg[seg].base + off);
    uint64_t page = (PAGE_SIZE - (lin & ~PAGE_MASK)) / sz;
    return wrap < page ? wrap : page;
}

/* Up to @n iterations on host memory; returns how many ran (0: not
 * possible here), *@stop when a REP compare ended with the last one. */
static inline uint64_t fast_run(X86Cpu *cpu, const DecodedInsn *d,
                                StrKind k, unsigned sz, uint64_t n,
                                bool *stop)
{
    uint64_t amask = addr_mask(d);
    uint64_t si = cpu->regs[R_ESI] & amask, di = cpu->regs[R_EDI] & amask;
    uint8_t *src = NULL, *dst = NULL;
    if (uses_si(k)) {
        uint64_t r = room(cpu, d, d->seg, si, sz);
        n = r < n ? r : n;
    }
    if (uses_di(k)) {
        uint64_t r = room(cpu, d, R_ES, di, sz);
        n = r < n ? r : n;
    }
    if (n == 0) {
        return 0;
    }
    unsigned bytes = (unsigned)(n * sz);
    if (uses_si(k) && !(src = fast_ptr(cpu, d->seg, si, bytes, false))) {
        return 0;
    }
    if (uses_di(k) &&
        !(dst = fast_ptr(cpu, R_ES, di, bytes, k == K_MOVS || k == K_STOS))) {
        return 0;
    }
    uint64_t done = n;
    *stop = false;
    switch (k) {
    case K_MOVS:
        if (dst >= src + bytes || src >= dst + bytes) {
            memcpy(dst, src, bytes);
        } else {
            /* Overlapping: element by element, forward, as the CPU. */
            for (uint64_t i = 0; i < n; i++) {
                st(dst + i * sz, ld(src + i * sz, sz), sz);
            }
        }
        break;
    case K_STOS: {
        uint64_t v = reg_read(cpu, R_EAX, sz);
        if (sz == 1) {
            memset(dst, (int)v, bytes);
        } else {
            for (uint64_t i = 0; i < n; i++) {
                st(dst + i * sz, v, sz);
            }
        }
        break;
    }
    case K_LODS:
        reg_write(cpu, R_EAX, sz, ld(src + (n - 1) * sz, sz));
        break;
    case K_SCAS:
    case K_CMPS: {
        uint64_t a = reg_read(cpu, R_EAX, sz), b = 0;
        for (done = 0; done < n;) {
            b = ld(dst + done * sz, sz);
            if (k == K_CMPS) {
                a = ld(src + done * sz, sz);
            }
            done++;
            if (d->rep && rep_stops(d, a == b)) {
                *stop = true;
                break;
            }
        }
        set_cmp(cpu, sz, a, b);
        break;
    }
    }
    if (uses_si(k)) {
        step_reg(cpu, d, R_ESI, (int64_t)(done * sz));
    }
    if (uses_di(k)) {
        step_reg(cpu, d, R_EDI, (int64_t)(done * sz));
    }
    return done;
}

static inline __attribute__((always_inline)) void
string_op(X86Cpu *cpu, const DecodedInsn *d, StrKind k, unsigned sz,
          X86Handler *interp)
{
    /* (It may fault, and REP reads insn_start: TcgOp's comment.) */
    tb_set_pc(cpu, d);
    if (cpu->eflags & (FL_DF | FL_TF)) {
        interp(cpu, d);
        return;
    }
    bool stop;
    if (!d->rep) {
        if (!fast_run(cpu, d, k, sz, 1, &stop)) {
            slow_iter(cpu, d, k, sz);
        }
        return;
    }
    const uint64_t amask = addr_mask(d);
    uint64_t done = 0;
    for (;;) {
        uint64_t count = cpu->regs[R_ECX] & amask;
        if (count == 0) {
            return;
        }
        if (done == X86_REP_BATCH || x86_irq_pending(cpu)) {
            cpu->next_rip = cpu->insn_start;
            return;
        }
        uint64_t want = X86_REP_BATCH - done;
        want = count < want ? count : want;
        uint64_t n = fast_run(cpu, d, k, sz, want, &stop);
        if (n == 0) {
            stop = slow_iter(cpu, d, k, sz);
            n = 1;
        }
        reg_write(cpu, R_ECX, d->addrsize, (cpu->regs[R_ECX] - n) & amask);
        done += n;
        if (stop) {
            return;
        }
    }
}

#define STR_FORMS(NAME, KIND, INTERP)                                          \
    static void NAME##_1(X86Cpu *cpu, const DecodedInsn *d)                    \
    {                                                                          \
        string_op(cpu, d, KIND, 1, INTERP);                                    \
    }                                                                          \
    static void NAME##_2(X86Cpu *cpu, const DecodedInsn *d)                    \
    {                                                                          \
        string_op(cpu, d, KIND, 2, INTERP);                                    \
    }                                                                          \
    static void NAME##_4(X86Cpu *cpu, const DecodedInsn *d)                    \
    {                                                                          \
        string_op(cpu, d, KIND, 4, INTERP);                                    \
    }                                                                          \
    static X86Handler *const NAME[3] = {NAME##_1, NAME##_2, NAME##_4};

STR_FORMS(str_movs, K_MOVS, op_movs)
STR_FORMS(str_stos, K_STOS, op_stos)
STR_FORMS(str_lods, K_LODS, op_lods)
STR_FORMS(str_scas, K_SCAS, op_scas)
STR_FORMS(str_cmps, K_CMPS, op_cmps)

X86Handler *tb_specialize_string(const DecodedInsn *d)
{
    X86Handler *h = d->handler;
    unsigned size = d->opsize;
    if (size == 8 || d->addrsize == 8) {
        return NULL;
    }
    unsigned i = size == 1 ? 0 : size == 2 ? 1 : 2;
    if (h == op_movs) {
        return str_movs[i];
    }
    if (h == op_stos) {
        return str_stos[i];
    }
    if (h == op_lods) {
        return str_lods[i];
    }
    if (h == op_scas) {
        return str_scas[i];
    }
    if (h == op_cmps) {
        return str_cmps[i];
    }
    return NULL;
}
