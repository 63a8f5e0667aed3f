/*
 * The KVM state-sync conversions and the memory-slot layout, checked
 * without /dev/kvm: segments (X86Seg.flags <-> kvm_segment), EFLAGS with
 * lazy flags, the x87/SSE FXSAVE image and its abridged tags, and the
 * slots the A20 gate folds.
 */
#include "tests/unit/unit.h"

#include "config.h"

#if CONFIG_KVM

#include <string.h>

#include "accel/kvm/convert.h"
#include "accel/kvm/kvm_int.h"
#include "cpu/models.h"

/* A CPU needs a machine's buses around it, even unused. */
typedef struct Bench {
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    X86Cpu *cpu[3];
} Bench;

static void bench_init(Bench *b, int ncpus)
{
    memset(b, 0, sizeof(*b));
    b->as = as_new(&b->log, "test");
    b->io = iobus_new(&b->log);
    b->clock = clock_new(CLOCK_MANUAL, 0);
    for (int i = 0; i < ncpus; i++) {
        b->cpu[i] = x86_cpu_new(x86_cpu_model_default(), 0, b->as, b->io,
                                b->clock, &b->log);
        ck_assert_ptr_nonnull(b->cpu[i]);
    }
}

static void bench_free(Bench *b)
{
    for (int i = 0; i < 3; i++) {
        x86_cpu_free(b->cpu[i]);
    }
    clock_free(b->clock);
    iobus_free(b->io);
    as_free(b->as);
}

/* --- segments --- */

static const X86Seg seg_cases[] = {
    /* real-mode data after reset */
    {0x0000, 0, 0xffff, SEGF_P | SEGF_S | SEGF_RW | SEGF_A},
    /* 32-bit flat code, DPL 0 */
    {0x0008, 0, 0xffffffff,
     SEGF_P | SEGF_S | SEGF_CODE | SEGF_RW | SEGF_A | SEGF_DB | SEGF_G},
    /* 16-bit expand-down data, DPL 3, AVL */
    {0x002b, 0x12345, 0xfff, SEGF_P | SEGF_S | SEGF_RW | SEGF_DC |
                                 (3u << SEGF_DPL_SHIFT) | SEGF_AVL},
    /* 64-bit code, DPL 3 */
    {0x0033, 0, 0xffffffff, SEGF_P | SEGF_S | SEGF_CODE | SEGF_RW |
                                (3u << SEGF_DPL_SHIFT) | SEGF_L | SEGF_G},
    /* busy 32-bit TSS above 4 GiB */
    {0x0040, 0xffff800000001000ULL, 0x67, SEGF_P | (11u << SEGF_TYPE_SHIFT)},
    /* LDT */
    {0x0050, 0x8000, 0x1f, SEGF_P | (2u << SEGF_TYPE_SHIFT)},
};

START_TEST(test_seg_round_trip)
{
    const X86Seg *in = &seg_cases[_i];
    struct kvm_segment k;
    X86Seg out;
    kvm_seg_from_x86(in, &k);
    ck_assert_uint_eq(k.selector, in->sel);
    ck_assert_uint_eq(k.base, in->base);
    ck_assert_uint_eq(k.limit, in->limit);
    ck_assert_uint_eq(k.type, (in->flags >> 8) & 15);
    ck_assert_uint_eq(k.s, !!(in->flags & SEGF_S));
    ck_assert_uint_eq(k.dpl, (in->flags >> 13) & 3);
    ck_assert_uint_eq(k.present, 1);
    ck_assert_uint_eq(k.unusable, 0);
    ck_assert_uint_eq(k.avl, !!(in->flags & SEGF_AVL));
    ck_assert_uint_eq(k.l, !!(in->flags & SEGF_L));
    ck_assert_uint_eq(k.db, !!(in->flags & SEGF_DB));
    ck_assert_uint_eq(k.g, !!(in->flags & SEGF_G));
    kvm_seg_to_x86(&k, &out);
    ck_assert_uint_eq(out.sel, in->sel);
    ck_assert_uint_eq(out.base, in->base);
    ck_assert_uint_eq(out.limit, in->limit);
    ck_assert_uint_eq(out.flags, in->flags);
}
END_TEST

START_TEST(test_seg_null_is_unusable)
{
    /* A null selector loaded in protected mode: no P bit. */
    X86Seg null = {0, 0, 0, SEGF_S | SEGF_RW}, out;
    struct kvm_segment k;
    kvm_seg_from_x86(&null, &k);
    ck_assert_uint_eq(k.present, 0);
    ck_assert_uint_eq(k.unusable, 1);
    /* VMX reports unusable segments with whatever attributes: P must not
     * come back. */
    k.present = 1;
    k.type = 3;
    kvm_seg_to_x86(&k, &out);
    ck_assert_uint_eq(out.flags & SEGF_P, 0);
    ck_assert_uint_eq(out.flags & SEGF_TYPE_MASK, 3u << SEGF_TYPE_SHIFT);
}
END_TEST

/* --- EFLAGS --- */

START_TEST(test_eflags_lazy_out)
{
    Bench b;
    bench_init(&b, 1);
    X86Cpu *cpu = b.cpu[0];
    /* SUB8: 0x10 - 0x20 = 0xf0: CF, SF and PF, no ZF/AF/OF. */
    cpu->eflags = FL_FIXED | FL_IF | FL_DF | (2u << FL_IOPL_SHIFT);
    cpu->cc_op = CC_OP_SUB8;
    cpu->cc_dst = 0xf0;
    cpu->cc_src = 0x20;
    uint64_t rfl = kvm_eflags_from_x86(cpu);
    ck_assert_uint_eq(rfl, FL_FIXED | FL_IF | FL_DF | (2u << FL_IOPL_SHIFT) |
                               FL_CF | FL_SF | FL_PF);
    bench_free(&b);
}
END_TEST

START_TEST(test_eflags_round_trip)
{
    static const uint32_t values[] = {
        0x00000002, 0x00000ad7, 0x00247fd7, 0x00020202, 0x00010046,
    };
    Bench b;
    bench_init(&b, 1);
    X86Cpu *cpu = b.cpu[0];
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        cpu->cc_op = CC_OP_ADD32;   /* stale lazy state must not leak */
        cpu->cc_dst = 1;
        cpu->cc_src = 2;
        kvm_eflags_to_x86(cpu, values[i]);
        ck_assert_uint_eq(cpu->cc_op, CC_OP_EFLAGS);
        ck_assert_uint_eq(cpu->eflags & FL_ARITH, 0);
        ck_assert_uint_eq(x86_get_eflags(cpu), values[i] | FL_FIXED);
        ck_assert_uint_eq(kvm_eflags_from_x86(cpu), values[i] | FL_FIXED);
    }
    /* Bit 1 always reads as one. */
    kvm_eflags_to_x86(cpu, 0);
    ck_assert_uint_eq(kvm_eflags_from_x86(cpu), FL_FIXED);
    bench_free(&b);
}
END_TEST

/* --- x87/SSE --- */

static const Fx80 f_one = {0x8000000000000000ULL, 0x3fff};     /* 1.0 */
static const Fx80 f_zero = {0, 0x8000};                        /* -0.0 */
static const Fx80 f_inf = {0x8000000000000000ULL, 0x7fff};     /* +inf */
static const Fx80 f_denorm = {0x0000000000000001ULL, 0x0000};
static const Fx80 f_unnorm = {0x4000000000000000ULL, 0x4000};
static const Fx80 f_pi = {0xc90fdaa22168c235ULL, 0x4000};

START_TEST(test_ftw_expand_classifies)
{
    Fx80 r[8] = {f_one, f_zero, f_inf, f_denorm, f_unnorm, f_pi, f_one,
                 f_one};
    /* R6 and R7 empty. */
    uint16_t ftw = kvm_ftw_expand(0x3f, r);
    ck_assert_uint_eq(ftw & 3, 0);             /* valid */
    ck_assert_uint_eq((ftw >> 2) & 3, 1);      /* zero */
    ck_assert_uint_eq((ftw >> 4) & 3, 2);      /* infinity: special */
    ck_assert_uint_eq((ftw >> 6) & 3, 2);      /* denormal: special */
    ck_assert_uint_eq((ftw >> 8) & 3, 2);      /* unnormal: special */
    ck_assert_uint_eq((ftw >> 10) & 3, 0);
    ck_assert_uint_eq((ftw >> 12) & 3, 3);     /* empty */
    ck_assert_uint_eq((ftw >> 14) & 3, 3);
    ck_assert_uint_eq(kvm_ftw_abridge(ftw), 0x3f);
    ck_assert_uint_eq(kvm_ftw_abridge(0xffff), 0);
    ck_assert_uint_eq(kvm_ftw_abridge(0x0000), 0xff);
}
END_TEST

static void fill_fpu(X86Cpu *cpu)
{
    /* Three values pushed: TOP = 5, ST(0) = R5 = pi, ST(1) = R6 = 1.0,
     * ST(2) = R7 = -0.0, the rest empty. */
    memset(cpu->fpr, 0, sizeof(cpu->fpr));
    cpu->fpr[5] = f_pi;
    cpu->fpr[6] = f_one;
    cpu->fpr[7] = f_zero;
    cpu->ftop = 5;
    cpu->ftw = 0x03ff | (1u << 14);   /* R5, R6 valid; R7 zero */
    cpu->fcw = 0x027f;
    cpu->fsw = 0x4021;        /* C3, PE, IE; TOP lives in ftop */
    cpu->fop = 0x05d9;
    cpu->fip = 0x123456789aULL;
    cpu->fdp = 0xfedcba98ULL;
    cpu->fcs = 0;
    cpu->fds = 0;
    cpu->mxcsr = 0x1fa0;
    for (int i = 0; i < 16; i++) {
        for (int b = 0; b < 16; b++) {
            cpu->xmm[i].b[b] = (uint8_t)(i * 16 + b);
        }
    }
}

START_TEST(test_fx_image_layout)
{
    Bench b;
    bench_init(&b, 1);
    X86Cpu *cpu = b.cpu[0];
    uint8_t fx[KVM_FXSAVE_SIZE];
    memset(fx, 0xcc, sizeof(fx));
    fill_fpu(cpu);
    kvm_fx_from_x86(cpu, fx);
    ck_assert_uint_eq(fx[0] | fx[1] << 8, 0x027f);            /* FCW */
    ck_assert_uint_eq(fx[2] | fx[3] << 8, 0x4021 | 5u << 11);  /* FSW+TOP */
    ck_assert_uint_eq(fx[4], 0xe0);                           /* R5-R7 */
    ck_assert_uint_eq(fx[6] | fx[7] << 8, 0x05d9);            /* FOP */
    ck_assert_uint_eq(fx[8], 0x9a);                           /* FIP */
    ck_assert_uint_eq(fx[12], 0x12);
    ck_assert_uint_eq(fx[16], 0x98);                          /* FDP */
    ck_assert_uint_eq(fx[24] | fx[25] << 8, 0x1fa0);          /* MXCSR */
    ck_assert_uint_eq(fx[28], 0xcc);       /* MXCSR_MASK left alone */
    /* ST(0) is R5 (pi), ST(1) R6 (1.0). */
    ck_assert_uint_eq(fx[32], 0x35);
    ck_assert_uint_eq(fx[32 + 8] | fx[32 + 9] << 8, 0x4000);
    ck_assert_uint_eq(fx[48 + 7], 0x80);
    ck_assert_uint_eq(fx[48 + 8] | fx[48 + 9] << 8, 0x3fff);
    ck_assert_uint_eq(fx[160], 0);                            /* XMM0 */
    ck_assert_uint_eq(fx[160 + 16 * 15 + 15], 0xff);          /* XMM15 */
    bench_free(&b);
}
END_TEST

START_TEST(test_fx_round_trip)
{
    Bench bn;
    bench_init(&bn, 3);
    X86Cpu *a = bn.cpu[0], *b = bn.cpu[1], *c = bn.cpu[2];
    uint8_t fx[KVM_FXSAVE_SIZE] = {0};
    fill_fpu(a);
    kvm_fx_from_x86(a, fx);
    kvm_fx_to_x86(b, fx);
    ck_assert_uint_eq(b->fcw, a->fcw);
    ck_assert_uint_eq(b->fsw, a->fsw);
    ck_assert_uint_eq(b->ftop, a->ftop);
    ck_assert_uint_eq(b->ftw, a->ftw);
    ck_assert_uint_eq(b->fop, a->fop);
    ck_assert_uint_eq(b->fip, a->fip);
    ck_assert_uint_eq(b->fdp, a->fdp);
    ck_assert_uint_eq(b->mxcsr, a->mxcsr);
    for (int i = 5; i < 8; i++) {
        ck_assert_uint_eq(b->fpr[i].mant, a->fpr[i].mant);
        ck_assert_uint_eq(b->fpr[i].sexp, a->fpr[i].sexp);
    }
    ck_assert_mem_eq(b->xmm, a->xmm, sizeof(a->xmm));

    /* Through struct kvm_fpu (hosts without XSAVE) as well. */
    struct kvm_fpu fpu;
    uint8_t fx2[KVM_FXSAVE_SIZE];
    kvm_fpu_from_fx(fx, &fpu);
    ck_assert_uint_eq(fpu.ftwx, 0xe0);
    ck_assert_uint_eq(fpu.last_ip, a->fip);
    kvm_fpu_to_fx(&fpu, fx2);
    kvm_fx_to_x86(c, fx2);
    ck_assert_uint_eq(c->ftw, a->ftw);
    ck_assert_uint_eq(c->ftop, a->ftop);
    ck_assert_mem_eq(c->xmm, a->xmm, sizeof(a->xmm));
    bench_free(&bn);
}
END_TEST

/* --- memory slots --- */

static uint8_t *host(uint64_t off)
{
    /* A fake, page-aligned host address; the layout never touches it. */
    return (uint8_t *)(uintptr_t)(0x7f0000000000ULL + off);
}

START_TEST(test_slots_a20_on)
{
    KvmRangeList ram = {0}, out = {0};
    kvm_range_add(&ram, 0x100000, 0x300000, host(0x100000), false);
    kvm_range_add(&ram, 0, 0xa0000, host(0), false);
    kvm_range_add(&ram, 0xf0000, 0x10000, host(0x10000000), true);
    /* Not page aligned at both ends: only whole pages are mapped. */
    kvm_range_add(&ram, 0xc0800, 0x2000, host(0x2000800), false);
    kvm_layout_ranges(&ram, true, &out);
    ck_assert_int_eq(out.n, 4);
    ck_assert_uint_eq(out.r[0].gpa, 0);
    ck_assert_uint_eq(out.r[1].gpa, 0xc1000);
    ck_assert_uint_eq(out.r[1].size, 0x1000);
    ck_assert_ptr_eq(out.r[1].host, host(0x2001000));
    ck_assert_uint_eq(out.r[2].gpa, 0xf0000);
    ck_assert(out.r[2].readonly);
    ck_assert_uint_eq(out.r[3].gpa, 0x100000);
    ck_assert_uint_eq(out.r[3].size, 0x300000);
    kvm_range_free(&ram);
    kvm_range_free(&out);
}
END_TEST

START_TEST(test_slots_a20_off)
{
    KvmRangeList ram = {0}, out = {0};
    kvm_range_add(&ram, 0, 0xa0000, host(0), false);
    kvm_range_add(&ram, 0x100000, 0x300000, host(0x100000), false);
    kvm_layout_ranges(&ram, false, &out);
    /* 0-640K, its copy at 1M; 2M-3M and its copy at 3M. RAM at 1M-2M and
     * 3M-4M is out of reach. */
    ck_assert_int_eq(out.n, 4);
    ck_assert_uint_eq(out.r[0].gpa, 0);
    ck_assert_uint_eq(out.r[0].size, 0xa0000);
    ck_assert_uint_eq(out.r[1].gpa, 0x100000);
    ck_assert_uint_eq(out.r[1].size, 0xa0000);
    ck_assert_ptr_eq(out.r[1].host, host(0));
    ck_assert_uint_eq(out.r[2].gpa, 0x200000);
    ck_assert_uint_eq(out.r[2].size, 0x100000);
    ck_assert_ptr_eq(out.r[2].host, host(0x200000));
    ck_assert_uint_eq(out.r[3].gpa, 0x300000);
    ck_assert_ptr_eq(out.r[3].host, host(0x200000));
    kvm_range_free(&ram);
    kvm_range_free(&out);
}
END_TEST

Suite *suite_kvm_sync(void)
{
    Suite *s = suite_create("kvm_sync");
    TCase *tc = tcase_create("convert");
    tcase_add_loop_test(tc, test_seg_round_trip, 0,
                        sizeof(seg_cases) / sizeof(seg_cases[0]));
    tcase_add_test(tc, test_seg_null_is_unusable);
    tcase_add_test(tc, test_eflags_lazy_out);
    tcase_add_test(tc, test_eflags_round_trip);
    tcase_add_test(tc, test_ftw_expand_classifies);
    tcase_add_test(tc, test_fx_image_layout);
    tcase_add_test(tc, test_fx_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("slots");
    tcase_add_test(tc, test_slots_a20_on);
    tcase_add_test(tc, test_slots_a20_off);
    suite_add_tcase(s, tc);
    return s;
}

#else

/* Built without KVM: nothing to convert. */
Suite *suite_kvm_sync(void)
{
    return suite_create("kvm_sync");
}

#endif
