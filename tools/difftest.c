/*
 * difftest: run seeded random streams of 16-, 32- and 64-bit user-mode
 * integer and SSE instructions on pcvm's interpreter and natively on the
 * host CPU, and compare the state after every instruction (registers,
 * x87/MMX/SSE state), the exception that ends each stream and the
 * sandbox memory afterwards (see tools/difftest/dt.h).
 *
 *   difftest [--seed N] [--count N] [--groups a,b] [--cpu MODEL[,+feat]]
 *            [--mode 16|32|64|both|all] [--len N] [--stream I]
 *            [--max-fail N] [--interp] [--list] [-v]
 *
 * Exit status: 0 no mismatch, 1 mismatches, 2 usage, 77 the host cannot
 * run the streams (not x86-64 Linux): the test is skipped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/disas.h"
#include "tools/difftest/dt.h"

#define FL_CMP (DT_FL_COMPARE | DT_FL_IF)

typedef struct Options {
    int mode;               /* 16, 32, 64, 0 for 16 and 32, 1 for all */
    uint64_t seed;
    uint64_t count;
    uint64_t group_mask;
    const char *cpu;
    unsigned len;
    int64_t only_stream;
    unsigned max_fail;
    bool verbose;
    bool interp;            /* the bare interpreter, not tcg-lite */
    bool groups_given;
} Options;

/* Per-stream comparison state, for the step callback. */
typedef struct Cmp {
    const DtStream *s;
    const DtLayout *lay;
    const DtReport *host;
    int bad_step;           /* first step that differs, or -1 */
    uint64_t bad_eip;       /* the instruction it ran */
    uint64_t executed[32];  /* per group; [31]: setup */
    bool trace;
} Cmp;

typedef struct Totals {
    uint64_t streams;
    uint64_t insns;
    uint64_t steps;
    uint64_t by_group[32];
    uint64_t mismatches;
    uint64_t ends[24];      /* end events by vector */
} Totals;

static const char *const reg_names[8] = {"eax", "ecx", "edx", "ebx",
                                         "esp", "ebp", "esi", "edi"};
static const char *const reg_names64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* Registers a stream's reports hold. */
static unsigned nregs(const DtStream *s)
{
    return s->bits == 64 ? 16 : 8;
}

static int insn_index(const DtStream *s, uint32_t off)
{
    unsigned lo = 0, hi = s->ninsn;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (s->insn[mid].off < off) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < s->ninsn && s->insn[lo].off == off ? (int)lo : -1;
}

/* EIP of 16-bit streams counts from the code; of 32-bit ones, from 0. */
static uint32_t ip_base(const DtStream *s, const DtLayout *lay)
{
    return s->bits == 16 ? 0 : lay->code_base;
}

static int insn_at(const DtStream *s, const DtLayout *lay, uint64_t eip)
{
    uint64_t off = eip - ip_base(s, lay);
    return off < DT_CODE_SIZE ? insn_index(s, (uint32_t)off) : -1;
}

static void insn_text(const DtStream *s, const DtLayout *lay, int idx,
                      char *buf, size_t len)
{
    if (idx < 0) {
        snprintf(buf, len, "(not an instruction start)");
        return;
    }
    const DtInsn *in = &s->insn[idx];
    x86_disas_bytes(s->code + in->off, in->len, s->bits,
                    ip_base(s, lay) + in->off, buf, len);
}

static const char *group_name(unsigned g)
{
    return g == DT_GROUP_SETUP ? "setup" : dt_groups[g].name;
}

/* Two 80-bit registers at most one unit in the last place apart: finite,
 * same sign, neighbours when counted as integers (exponent and fraction;
 * denormals fit below the smallest normal). */
static bool x80_near(uint16_t ea, uint64_t ma, uint16_t eb, uint64_t mb)
{
    const uint64_t j = 1ULL << 63;
    if (ea == eb && ma == mb) {
        return true;
    }
    unsigned xa = ea & 0x7fff, xb = eb & 0x7fff;
    if (((ea ^ eb) & 0x8000) || xa == 0x7fff || xb == 0x7fff ||
        (xa && !(ma & j)) || (xb && !(mb & j))) {
        return false;
    }
    unsigned __int128 ka = (unsigned __int128)xa << 63 | (xa ? ma & ~j : ma);
    unsigned __int128 kb = (unsigned __int128)xb << 63 | (xb ? mb & ~j : mb);
    return ka - kb == 1 || kb - ka == 1;
}

/* The x87/SSE states, allowing what @tol allows (DT_FPU_*). */
static bool fpu_equal(const DtFpu *a, const DtFpu *b, unsigned tol)
{
    if (!(tol & DT_FPU_ULP)) {
        return !memcmp(a, b, sizeof(*a));
    }
    for (int i = 0; i < 8; i++) {
        if (!x80_near(a->st_exp[i], a->st_mant[i], b->st_exp[i],
                      b->st_mant[i])) {
            return false;
        }
    }
    return !memcmp(a->xmm, b->xmm, sizeof(a->xmm)) && a->mxcsr == b->mxcsr &&
           a->fcw == b->fcw && ((a->fsw ^ b->fsw) & ~0x0200) == 0 &&
           a->ftw == b->ftw;
}

static bool regs_equal(const DtRegs *a, const DtRegs *b, uint32_t flag_mask,
                       uint16_t reg_mask, unsigned n, unsigned fpu_tol)
{
    for (unsigned i = 0; i < n; i++) {
        if (!((reg_mask >> i) & 1) && a->r[i] != b->r[i]) {
            return false;
        }
    }
    uint32_t m = FL_CMP & ~flag_mask;
    return a->eip == b->eip && (a->eflags & m) == (b->eflags & m) &&
           fpu_equal(&a->fpu, &b->fpu, fpu_tol);
}

static void print_xmm(const uint8_t *x)
{
    for (int j = 15; j >= 0; j--) {
        printf("%02x%s", x[j], j == 8 ? "_" : "");
    }
}

/* The x87/SSE state: all of it, or (against @other) what differs; @n
 * is the number of general registers (16: XMM8-15 too). */
static void print_fpu(const DtFpu *f, const DtFpu *other, unsigned n)
{
    bool all = !other;
    if (all || f->mxcsr != other->mxcsr || f->fcw != other->fcw ||
        f->fsw != other->fsw || f->ftw != other->ftw) {
        printf("         mxcsr=%08x fcw=%04x fsw=%04x ftw=%02x\n", f->mxcsr,
               f->fcw, f->fsw, f->ftw);
    }
    for (unsigned i = 0; i < (n == 16 ? 16u : 8u); i++) {
        if (all || memcmp(f->xmm[i], other->xmm[i], 16)) {
            printf("         xmm%u=", i);
            print_xmm(f->xmm[i]);
            printf("\n");
        }
    }
    for (int i = 0; i < 8; i++) {
        if (all || f->st_mant[i] != other->st_mant[i] ||
            f->st_exp[i] != other->st_exp[i]) {
            printf("         r%d=%04x:%016" PRIx64 "\n", i, f->st_exp[i],
                   f->st_mant[i]);
        }
    }
}

static void print_regs(const char *who, const DtRegs *r, const DtRegs *other,
                       unsigned n)
{
    uint32_t fl = (uint32_t)r->eflags & FL_CMP;
    if (n == 16) {
        printf("  %-6s rip=%016" PRIx64 " fl=%08x", who, r->eip, fl);
    } else {
        printf("  %-6s eip=%08" PRIx64 " fl=%08x", who, r->eip, fl);
    }
    if (other && (r->eflags & FL_CMP) != (other->eflags & FL_CMP)) {
        printf(" (differs: %08x)",
               (uint32_t)(r->eflags ^ other->eflags) & FL_CMP);
    }
    printf("\n        ");
    for (unsigned i = 0; i < n; i++) {
        bool diff = other && r->r[i] != other->r[i];
        if (n == 16) {
            printf(" %3s=%016" PRIx64 "%s", reg_names64[i], r->r[i],
                   diff ? "*" : " ");
        } else {
            printf(" %s=%08" PRIx64 "%s", reg_names[i], r->r[i],
                   diff ? "*" : "");
        }
        if (i % 4 == 3 && i + 1 < n) {
            printf("\n        ");
        }
    }
    printf("\n");
    if (other && memcmp(&r->fpu, &other->fpu, sizeof(r->fpu))) {
        print_fpu(&r->fpu, other ? &other->fpu : NULL, n);
    }
}

static void on_step(void *opaque, unsigned step, uint64_t insn_eip,
                    DtRegs *st)
{
    Cmp *c = opaque;
    int idx = insn_at(c->s, c->lay, insn_eip);
    uint32_t fmask = idx >= 0 ? c->s->insn[idx].flag_mask : 0;
    uint16_t rmask = idx >= 0 ? c->s->insn[idx].reg_mask : 0;
    unsigned ftol = idx >= 0 ? c->s->insn[idx].fpu_tol : 0;
    unsigned n = nregs(c->s);

    if (st->eip == insn_eip) {
        /* An iteration of a REP string instruction that is not its last:
         * today's CPUs report the flags of before the instruction there
         * (docs/cpu-flags.md), nothing reads them. */
        fmask |= DT_FL_ARITH;
    }
    if (idx >= 0 && st->eip != insn_eip) {
        unsigned g = c->s->insn[idx].group;
        c->executed[g == DT_GROUP_SETUP ? 31 : g]++;
    }
    if (c->trace) {
        char text[128];
        insn_text(c->s, c->lay, idx, text, sizeof(text));
        printf("step %u: %08" PRIx64 " %s\n", step, insn_eip, text);
        print_regs("pcvm", st, NULL, n);
        if (step < c->host->nsteps) {
            print_regs("host", &c->host->steps[step], st, n);
        }
    }
    if (step >= c->host->nsteps) {
        if (c->bad_step < 0) {
            c->bad_step = (int)step;
            c->bad_eip = insn_eip;
        }
        return;
    }
    const DtRegs *h = &c->host->steps[step];
    if (c->bad_step < 0 && !regs_equal(st, h, fmask, rmask, n, ftol)) {
        c->bad_step = (int)step;
        c->bad_eip = insn_eip;
    }
    /* Carry the host's undefined bits over, so they cannot spread. */
    st->eflags = (st->eflags & ~fmask) | (h->eflags & fmask);
    for (unsigned i = 0; i < n; i++) {
        if ((rmask >> i) & 1) {
            st->r[i] = h->r[i];
        }
    }
    if (ftol) {
        st->fpu = h->fpu;
    }
}

/* How the x87 state may differ at the end of stream @s: as after the
 * instructions with a tolerance (DtInsn.fpu_tol) that it holds, if the
 * end came unstepped (a POPF cleared TF: they may have run unchecked). */
static unsigned end_tol(const DtStream *s, const DtEvent *host_end)
{
    unsigned tol = 0;
    if (host_end->vec >= 0 && !(host_end->regs.eflags & DT_FL_TF)) {
        for (unsigned i = 0; i < s->ninsn; i++) {
            tol |= s->insn[i].fpu_tol;
        }
    }
    return tol;
}

/* The upper half of the 64-bit address space belongs to the host's
 * kernel (and Linux keeps the last user page, below 2^47, for itself): a
 * user access there faults with P set wherever the kernel has a page,
 * which pcvm's sandbox cannot know. */
static bool kernel_half(const DtEvent *e, unsigned n)
{
    return n == 16 && e->vec == 14 && e->cr2 >= 0x00007ffffffff000ULL;
}

/* Is the instruction at @eip a REPE/REPNE CMPS or SCAS? A fault in one
 * of its later iterations shows the arithmetic flags of an unfinished
 * instruction, the one thing not compared (docs/cpu-flags.md). */
static bool rep_compare_at(const DtStream *s, const DtLayout *lay,
                           uint64_t eip)
{
    int idx = insn_at(s, lay, eip);
    if (idx < 0) {
        return false;
    }
    const DtInsn *in = &s->insn[idx];
    bool rep = false;
    for (unsigned i = 0; i < in->len; i++) {
        uint8_t b = s->code[in->off + i];
        if (b == 0xf2 || b == 0xf3) {
            rep = true;
        } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
                   b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67 ||
                   b == 0xf0 || (s->bits == 64 && (b & 0xf0) == 0x40)) {
            continue;
        } else {
            return rep && (b == 0xa6 || b == 0xa7 || b == 0xae || b == 0xaf);
        }
    }
    return false;
}

static bool events_equal(const DtEvent *a, const DtEvent *b, unsigned n,
                         uint32_t flag_mask, unsigned tol)
{
    if (a->vec != b->vec) {
        return false;
    }
    uint32_t emask = kernel_half(a, n) ? ~1u : ~0u;
    if ((a->vec == 13 || a->vec == 14 || a->vec == 17) &&
        ((a->err ^ b->err) & emask)) {
        return false;
    }
    if (a->vec == 14 && a->cr2 != b->cr2) {
        return false;
    }
    if (a->vec < 0) {
        return true;
    }
    return regs_equal(&a->regs, &b->regs, flag_mask, 0, n, tol);
}

/* The flags not compared in the end events of stream @s. */
static uint32_t end_flag_mask(const DtStream *s, const DtLayout *lay,
                              const DtEvent *e)
{
    return e->vec >= 0 && rep_compare_at(s, lay, e->regs.eip) ? DT_FL_ARITH
                                                               : 0;
}

static const char *vec_name(int vec)
{
    static const char *const names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "9",
        "#TS", "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM"};
    switch (vec) {
    case DT_END_TIMEOUT: return "timeout";
    case DT_END_OVERFLOW: return "too many steps";
    case DT_END_CRASH: return "runner crashed";
    default:
        return vec >= 0 && vec < 20 ? names[vec] : "?";
    }
}

static void print_event(const char *who, const DtEvent *e,
                        const DtEvent *other, unsigned n)
{
    printf("  %-6s %s", who, vec_name(e->vec));
    if (e->vec == 13 || e->vec == 14 || e->vec == 17) {
        printf(" err=%#x", e->err);
    }
    if (e->vec == 14) {
        printf(" cr2=%08" PRIx64, e->cr2);
    }
    printf("\n");
    if (e->vec >= 0) {
        print_regs("", &e->regs, other && other->vec >= 0 ? &other->regs
                                                          : NULL, n);
    }
}

/* Run both sides; returns true if they agree. */
static bool run_pair(DtHost *host, DtEmu *emu, const DtStream *s,
                     const DtLayout *lay, DtReport *hrep, DtReport *erep,
                     uint8_t *hmem, uint8_t *emem, Cmp *c, bool trace)
{
    dt_host_run(host, s, hrep, hmem);
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->lay = lay;
    c->host = hrep;
    c->bad_step = -1;
    c->trace = trace;
    dt_emu_run(emu, s, erep, emem, on_step, c);
    return c->bad_step < 0 && erep->nsteps == hrep->nsteps &&
           events_equal(&erep->end, &hrep->end, nregs(s),
                        end_flag_mask(s, lay, &hrep->end),
                        end_tol(s, &hrep->end)) &&
           !memcmp(hmem, emem, DT_SBX_SIZE);
}

static void print_stream(const DtStream *s, const DtLayout *lay)
{
    char text[128];
    printf("  stream (%u instructions, %u-bit code):\n", s->ninsn, s->bits);
    for (unsigned i = 0; i < s->ninsn; i++) {
        insn_text(s, lay, (int)i, text, sizeof(text));
        printf("    %08x %-6s %s\n", ip_base(s, lay) + s->insn[i].off,
               group_name(s->insn[i].group), text);
    }
}

typedef struct Buffers {
    DtReport host, emu;
    uint8_t hmem[DT_SBX_SIZE], emem[DT_SBX_SIZE];
    DtStream cut;
} Buffers;

/* Explain a mismatch of stream @idx. */
static void report(DtHost *host, DtEmu *emu, const DtStream *s,
                   const DtLayout *lay, uint64_t seed, uint64_t idx,
                   Buffers *b, Cmp *c, bool verbose)
{
    char text[128];
    unsigned n = nregs(s);
    printf("MISMATCH seed %" PRIu64 " stream %" PRIu64 " (%u-bit)\n", seed,
           idx, s->bits);
    if (c->bad_step >= 0) {
        int i = insn_at(s, lay, c->bad_eip);
        insn_text(s, lay, i, text, sizeof(text));
        printf("  after step %d: %08" PRIx64 " %s [%s]\n", c->bad_step,
               c->bad_eip, text,
               i >= 0 ? group_name(s->insn[i].group) : "?");
        const DtRegs *before = c->bad_step > 0
                                   ? &b->host.steps[c->bad_step - 1]
                                   : &s->init;
        print_regs("before", before, NULL, n);
        if ((unsigned)c->bad_step < b->host.nsteps &&
            memcmp(&b->host.steps[c->bad_step].fpu,
                   &b->emu.steps[c->bad_step].fpu, sizeof(DtFpu))) {
            printf("  x87/SSE state before:\n");
            print_fpu(&before->fpu, &b->host.steps[c->bad_step].fpu, n);
        }
        if ((unsigned)c->bad_step < b->host.nsteps) {
            print_regs("host", &b->host.steps[c->bad_step],
                       &b->emu.steps[c->bad_step], n);
        } else {
            printf("  host   ended before this step:\n");
            print_event("host", &b->host.end, NULL, n);
        }
        print_regs("pcvm", &b->emu.steps[c->bad_step],
                   (unsigned)c->bad_step < b->host.nsteps
                       ? &b->host.steps[c->bad_step] : NULL, n);
    } else if (b->emu.nsteps != b->host.nsteps ||
               !events_equal(&b->emu.end, &b->host.end, n,
                             end_flag_mask(s, lay, &b->host.end),
                             end_tol(s, &b->host.end))) {
        uint64_t eip = b->host.end.vec >= 0 ? b->host.end.regs.eip
                                            : b->emu.end.regs.eip;
        int i = insn_at(s, lay, eip);
        insn_text(s, lay, i, text, sizeof(text));
        printf("  end of stream differs (host %u steps, pcvm %u) at %08"
               PRIx64 " %s\n", b->host.nsteps, b->emu.nsteps, eip, text);
        print_event("host", &b->host.end, &b->emu.end, n);
        print_event("pcvm", &b->emu.end, &b->host.end, n);
    } else {
        /* Memory only: find the first instruction after which it
         * differs by cutting the stream short. */
        unsigned lo = 0, hi = s->ninsn;
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            Cmp c2;
            dt_truncate(&b->cut, s, mid);
            run_pair(host, emu, &b->cut, lay, &b->host, &b->emu, b->hmem,
                     b->emem, &c2, false);
            if (memcmp(b->hmem, b->emem, DT_SBX_SIZE)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        dt_truncate(&b->cut, s, lo);
        run_pair(host, emu, &b->cut, lay, &b->host, &b->emu, b->hmem,
                 b->emem, c, false);
        int i = (int)lo - 1;
        insn_text(s, lay, i, text, sizeof(text));
        printf("  memory differs after %08x %s [%s]\n",
               i >= 0 ? ip_base(s, lay) + s->insn[i].off : 0, text,
               i >= 0 ? group_name(s->insn[i].group) : "?");
        unsigned shown = 0;
        for (unsigned a = 0; a < DT_SBX_SIZE && shown < 16; a++) {
            if (b->hmem[a] != b->emem[a]) {
                printf("    %08x: host %02x pcvm %02x\n", lay->sbx_base + a,
                       b->hmem[a], b->emem[a]);
                shown++;
            }
        }
        if (b->host.nsteps) {
            print_regs("host", &b->host.steps[b->host.nsteps - 1], NULL,
                       n);
        }
    }
    if (verbose) {
        print_stream(s, lay);
    }
}

static int parse_groups(const char *spec, uint64_t *mask)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        unsigned i;
        for (i = 0; i < dt_group_count; i++) {
            if (!strcmp(tok, dt_groups[i].name)) {
                break;
            }
        }
        if (!strcmp(tok, "all")) {
            *mask |= (1ULL << dt_group_count) - 1;
            continue;
        }
        if (i == dt_group_count) {
            fprintf(stderr, "difftest: unknown group %s (--list)\n", tok);
            return -1;
        }
        *mask |= 1ULL << i;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: difftest [--seed N] [--count N] [--groups a,b,...] "
            "[--cpu MODEL]\n"
            "                [--len N] [--mode 16|32|64|both|all] "
            "[--stream I]\n"
            "                [--max-fail N] [--interp] [--list] [-v]\n"
            "  --interp     pcvm's bare interpreter (default: through "
            "tcg-lite)\n"
            "  --count N    instructions to execute (default 20000)\n"
            "  --len N      instructions per stream (default 48)\n"
            "  --mode M     16-, 32- or 64-bit code, both 16 and 32 (the\n"
            "               default: one stream in four 16-bit, where the\n"
            "               host can), or all (every other stream 64-bit)\n"
            "  --cpu MODEL  default pentium2, qemu64 when 64-bit code runs;\n"
            "               features as -cpu takes them (qemu64,+ssse3); the\n"
            "               SSE groups run where the model has SSSE3\n"
            "  --stream I   run only stream I and trace every step\n");
}

static int parse_args(int argc, char **argv, Options *o)
{
    o->seed = 1;
    o->count = 20000;
    o->group_mask = (1ULL << dt_group_count) - 1;
    o->cpu = NULL;
    o->len = 48;
    o->only_stream = -1;
    o->max_fail = 10;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o->verbose = true;
            continue;
        }
        if (!strcmp(a, "--interp")) {
            o->interp = true;
            continue;
        }
        if (!strcmp(a, "--list")) {
            for (unsigned g = 0; g < dt_group_count; g++) {
                printf("%-8s %s\n", dt_groups[g].name, dt_groups[g].what);
            }
            exit(0);
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            usage(stderr);
            return -1;
        }
        i++;
        if (!strcmp(a, "--seed")) {
            o->seed = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--count")) {
            o->count = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--groups")) {
            if (parse_groups(v, &o->group_mask)) {
                return -1;
            }
            o->groups_given = true;
        } else if (!strcmp(a, "--cpu")) {
            o->cpu = v;
        } else if (!strcmp(a, "--len")) {
            o->len = (unsigned)strtoul(v, NULL, 0);
        } else if (!strcmp(a, "--stream")) {
            o->only_stream = strtoll(v, NULL, 0);
        } else if (!strcmp(a, "--mode")) {
            o->mode = !strcmp(v, "both") ? 0 : !strcmp(v, "all") ? 1
                                                                : atoi(v);
            if (o->mode != 0 && o->mode != 1 && o->mode != 16 &&
                o->mode != 32 && o->mode != 64) {
                usage(stderr);
                return -1;
            }
        } else if (!strcmp(a, "--max-fail")) {
            o->max_fail = (unsigned)strtoul(v, NULL, 0);
        } else {
            usage(stderr);
            return -1;
        }
    }
    if (!o->cpu) {
        o->cpu = o->mode == 64 || o->mode == 1 ? "qemu64" : "pentium2";
    }
    return 0;
}

/* MOV EAX, imm32 then the final HLT: the host must run it as expected
 * (else the test cannot run here: 77), and pcvm must agree (else 1). */
static int self_test(DtHost *host, DtEmu *emu, const DtLayout *lay,
                     Buffers *b, char *why, size_t len)
{
    DtStream *s = &b->cut;
    memset(s, 0, sizeof(*s));
    s->code[0] = 0xb8;
    s->code[1] = 0x78;
    s->code[2] = 0x56;
    s->code[3] = 0x34;
    s->code[4] = 0x12;
    s->len = 5;
    s->ninsn = 1;
    s->insn[0].len = 5;
    s->init.eflags = DT_FL_TF | DT_FL_IF | 2;
    s->init.r[DT_ESP] = lay->stack_hi;
    s->init.eip = lay->code_base;
    dt_fpu_default(&s->init.fpu);
    s->bits = 32;
    dt_host_run(host, s, &b->host, b->hmem);
    if (b->host.end.vec != 13 || b->host.nsteps != 1 ||
        b->host.steps[0].r[DT_EAX] != 0x12345678 ||
        b->host.end.regs.eip != lay->code_base + 5) {
        snprintf(why, len, "the host did not run 32-bit code as expected "
                 "(end %s, %u steps)", vec_name(b->host.end.vec),
                 b->host.nsteps);
        return 77;
    }
    Cmp c;
    if (!run_pair(host, emu, s, lay, &b->host, &b->emu, b->hmem, b->emem,
                  &c, false)) {
        snprintf(why, len, "pcvm fails the self-test stream (MOV EAX, "
                 "imm32; HLT)");
        report(host, emu, s, lay, 0, 0, b, &c, true);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    Options o;
    char err[256];
    memset(&o, 0, sizeof(o));
    if (parse_args(argc, argv, &o)) {
        return 2;
    }
    DtLayout lay;
    bool has16;
    DtHost *host = dt_host_new(&lay, &has16, err, sizeof(err));
    if (!host) {
        printf("SKIP: difftest: %s\n", err);
        return 77;
    }
    if (o.mode == 16 && !has16) {
        printf("SKIP: difftest: this host cannot run 16-bit code (no LDT, "
               "or no memory below 64 KiB)\n");
        return 77;
    }
    DtEmu *emu = dt_emu_new(&lay, o.cpu, err, sizeof(err));
    if (emu && !o.interp && dt_emu_use_tcg(emu)) {
        dt_emu_free(emu);
        emu = NULL;
        snprintf(err, sizeof(err), "out of memory");
    }
    if (!emu) {
        fprintf(stderr, "difftest: %s\n", err);
        dt_host_free(host);
        return 2;
    }
    uint64_t gen_flags = dt_emu_has_sse(emu) ? DT_GEN_SSE : 0;
    if (!o.groups_given && !dt_emu_has_sse(emu)) {
        /* The SSE groups need a model with SSE up to SSSE3. */
        for (unsigned g = 0; g < dt_group_count; g++) {
            if (dt_groups[g].sse) {
                o.group_mask &= ~(1ULL << g);
            }
        }
    }
    Buffers *b = calloc(1, sizeof(*b));
    DtStream *s = calloc(1, sizeof(*s));
    Totals *t = calloc(1, sizeof(*t));
    if (!b || !s || !t) {
        fprintf(stderr, "difftest: out of memory\n");
        return 2;
    }
    int st = self_test(host, emu, &lay, b, err, sizeof(err));
    if (st == 77) {
        printf("SKIP: difftest: %s\n", err);
        return 77;
    }
    if (st) {
        printf("difftest: %s\n", err);
        return 1;
    }

    uint64_t first = o.only_stream >= 0 ? (uint64_t)o.only_stream : 0;
    for (uint64_t idx = first;; idx++) {
        if (o.only_stream >= 0 ? idx != first : t->insns >= o.count) {
            break;
        }
        unsigned bits = o.mode > 1 ? (unsigned)o.mode
                        : o.mode == 1 && idx % 2 == 0 ? 64
                        : has16 && idx % 4 == 3 ? 16 : 32;
        dt_gen_stream(s, &lay, o.seed, idx, o.group_mask | gen_flags, o.len,
                      bits);
        Cmp c;
        bool trace = o.only_stream >= 0;
        if (trace) {
            print_stream(s, &lay);
        }
        bool same = run_pair(host, emu, s, &lay, &b->host, &b->emu, b->hmem,
                             b->emem, &c, trace);
        t->streams++;
        t->steps += b->emu.nsteps;
        for (unsigned g = 0; g < 32; g++) {
            t->by_group[g] += c.executed[g];
            if (g != 31) {
                t->insns += c.executed[g];
            }
        }
        int v = b->host.end.vec;
        t->ends[v >= 0 && v < 20 ? v : v < 0 && v >= -3 ? 20 - v : 23]++;
        if (trace) {
            print_event("host", &b->host.end, NULL, nregs(s));
            print_event("pcvm", &b->emu.end, NULL, nregs(s));
        }
        if (!same) {
            t->mismatches++;
            report(host, emu, s, &lay, o.seed, idx, b, &c, o.verbose);
            if (t->mismatches >= o.max_fail) {
                printf("(stopping after %u mismatching streams)\n",
                       o.max_fail);
                break;
            }
        }
    }

    printf("difftest: seed %" PRIu64 ", cpu %s, %s code: %" PRIu64
           " streams, %" PRIu64 " instructions (%" PRIu64 " setup), %"
           PRIu64 " steps, %" PRIu64 " mismatching streams\n",
           o.seed, o.cpu,
           o.mode == 64 ? "64-bit" : o.mode == 16 ? "16-bit"
           : o.mode == 32 ? "32-bit"
           : o.mode == 1 ? (has16 ? "16/32/64-bit" : "32/64-bit")
           : !has16 ? "32-bit" : "16/32-bit",
           t->streams, t->insns, t->by_group[31], t->steps, t->mismatches);
    printf("  by group:");
    for (unsigned g = 0; g < dt_group_count; g++) {
        if ((o.group_mask >> g) & 1) {
            printf(" %s %" PRIu64, dt_groups[g].name, t->by_group[g]);
        }
    }
    printf("\n  streams ended by:");
    for (int v = 0; v < 24; v++) {
        if (t->ends[v]) {
            printf(" %s %" PRIu64, v < 20 ? vec_name(v) : vec_name(20 - v),
                   t->ends[v]);
        }
    }
    printf("\n");
    int status = t->mismatches ? 1 : 0;
    dt_emu_free(emu);
    dt_host_free(host);
    free(b);
    free(s);
    free(t);
    return status;
}
