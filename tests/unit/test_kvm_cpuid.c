/*
 * -cpu under KVM, checked without /dev/kvm against made-up
 * KVM_GET_SUPPORTED_CPUID tables: the same -cpu values as the software
 * CPU, +/- features reaching the table, what the host's KVM lacks left
 * out and named in one warning, the AMD aliases an Intel host's KVM does
 * not list, the virtual-address width KVM insists on, and -cpu host with
 * changes.
 */
#include "tests/unit/unit.h"

#include "config.h"

#if CONFIG_KVM

#include <stdlib.h>
#include <string.h>

#include "accel/kvm/kvm_int.h"
#include "core/machine.h"
#include "cpu/models.h"

#define BIT(feat) (1u << ((feat) & 31))

/* A supported table like a recent Intel host's KVM: leaf 1 with SSE to
 * SSE4.2, x2APIC and the deadline timer, leaf 0x80000001 by Intel's book
 * (no AMD aliases), 46/48 address bits. @no_ssse3 takes SSSE3 away. */
static struct kvm_cpuid2 *supported(bool no_ssse3)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 8 * sizeof(c->entries[0]));
    ck_assert_ptr_nonnull(c);
    struct kvm_cpuid_entry2 *e = c->entries;
    e[0] = (struct kvm_cpuid_entry2){.function = 0, .eax = 0xd,
                                     .ebx = 0x756e6547, .ecx = 0x6c65746e,
                                     .edx = 0x49656e69};
    e[1] = (struct kvm_cpuid_entry2){.function = 1, .eax = 0x000906ea,
                                     .ebx = 0x00000800, .ecx = 0xf7fa3203,
                                     .edx = 0x0f8bfbff};
    if (no_ssse3) {
        e[1].ecx &= ~BIT(X86_FEAT_SSSE3);
    }
    e[2] = (struct kvm_cpuid_entry2){.function = 7, .index = 0,
                                     .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
                                     .ebx = 0x029c67af};
    e[3] = (struct kvm_cpuid_entry2){.function = 0x80000000,
                                     .eax = 0x80000008};
    e[4] = (struct kvm_cpuid_entry2){.function = 0x80000001,
                                     .ecx = 0x00000121, .edx = 0x2c100800};
    e[5] = (struct kvm_cpuid_entry2){.function = 0x80000008,
                                     .eax = 0x0000302e};
    e[6] = (struct kvm_cpuid_entry2){.function = 0x40000000,
                                     .eax = 0x40000001, .ebx = 0x4b4d564b};
    c->nent = 7;
    return c;
}

typedef struct Rig {
    Machine m;
    KvmState s;
    char *warn;          /* what went to the log */
    size_t warn_len;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    X86Cpu *cpu;
} Rig;

static void rig_init(Rig *r, bool no_ssse3, KvmIrqchipMode irqchip)
{
    memset(r, 0, sizeof(*r));
    r->m.log.out = open_memstream(&r->warn, &r->warn_len);
    ck_assert_ptr_nonnull(r->m.log.out);
    r->s.m = &r->m;
    r->s.irqchip = irqchip;
    r->s.vm.supported_cpuid = supported(no_ssse3);
    r->as = as_new(&r->m.log, "mem");
    r->io = iobus_new(&r->m.log);
    r->clock = clock_new(CLOCK_MANUAL, 0);
}

/* -cpu @spec through kvm_cpuid_choose; on success a CPU of the model. */
static int rig_choose(Rig *r, const char *spec, char *err, size_t errlen)
{
    int rc = kvm_cpuid_choose(&r->s, spec, err, errlen);
    fflush(r->m.log.out);
    if (rc == 0) {
        r->cpu = x86_cpu_new(&r->s.model, 1, r->as, r->io, r->clock,
                             &r->m.log);
        ck_assert_ptr_nonnull(r->cpu);
    }
    return rc;
}

static void rig_free(Rig *r)
{
    x86_cpu_free(r->cpu);
    clock_free(r->clock);
    iobus_free(r->io);
    as_free(r->as);
    fclose(r->m.log.out);
    free(r->warn);
    free(r->s.vm.supported_cpuid);
    free(r->s.host_model);
}

static const struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c,
                                            uint32_t fn)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        if (c->entries[i].function == fn && c->entries[i].index == 0) {
            return &c->entries[i];
        }
    }
    return NULL;
}

static struct kvm_cpuid2 *table(Rig *r)
{
    struct kvm_cpuid2 *c = kvm_cpuid_build(&r->s.vm, r->cpu, r->s.cpu_host,
                                           r->s.irqchip !=
                                           KVM_IRQCHIP_NONE);
    ck_assert_ptr_nonnull(c);
    return c;
}

START_TEST(test_plus_feature_reaches_the_table)
{
    Rig r;
    char err[200];
    rig_init(&r, false, KVM_IRQCHIP_NONE);
    ck_assert_int_eq(rig_choose(&r, "qemu64,+ssse3,-nx", err, sizeof(err)),
                     0);
    ck_assert_uint_eq(r.warn_len, 0);
    struct kvm_cpuid2 *c = table(&r);
    const struct kvm_cpuid_entry2 *l1 = entry(c, 1);
    const struct kvm_cpuid_entry2 *x1 = entry(c, 0x80000001);
    ck_assert_ptr_nonnull(l1);
    ck_assert_ptr_nonnull(x1);
    ck_assert_uint_eq(l1->ecx & BIT(X86_FEAT_SSSE3), BIT(X86_FEAT_SSSE3));
    ck_assert_uint_eq(l1->ecx & BIT(X86_FEAT_SSE3), BIT(X86_FEAT_SSE3));
    ck_assert_uint_eq(x1->edx & BIT(X86_FEAT_NX), 0);
    ck_assert_uint_eq(x1->edx & BIT(X86_FEAT_LM), BIT(X86_FEAT_LM));
    /* qemu64 is an AMD model: its 0x80000001 EDX repeats leaf 1's FPU,
     * CMOV, ... although this Intel host's KVM does not list them. */
    ck_assert_uint_eq(x1->edx & 0x0183f3ffu, l1->edx & 0x0183f3ffu);
    /* the vendor and the rest are the software CPU's */
    ck_assert_uint_eq(entry(c, 0)->ebx, 0x68747541);   /* "Auth" */
    ck_assert_uint_eq(entry(c, 0x80000008)->eax, 40 | 48 << 8);
    free(c);
    rig_free(&r);
}
END_TEST

START_TEST(test_missing_feature_left_out_with_one_warning)
{
    Rig r;
    char err[200];
    rig_init(&r, true, KVM_IRQCHIP_NONE);
    ck_assert_int_eq(rig_choose(&r, "qemu64,+ssse3", err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(r.warn);
    ck_assert_str_eq(r.warn, "pcvm: warning: -cpu qemu64,+ssse3: this "
                             "host's KVM cannot give the guest ssse3; "
                             "left out\n");
    ck_assert(!x86_model_has(&r.s.model, X86_FEAT_SSSE3));
    ck_assert(x86_model_has(&r.s.model, X86_FEAT_SSE3));
    struct kvm_cpuid2 *c = table(&r);
    ck_assert_uint_eq(entry(c, 1)->ecx & BIT(X86_FEAT_SSSE3), 0);
    free(c);
    rig_free(&r);
}
END_TEST

START_TEST(test_same_errors_as_the_software_cpu)
{
    static const char *const specs[] = {
        "foo", "qemu64,+avx", "qemu64,nx", "host,+bogus",
    };
    static const char *const want[] = {
        "-cpu foo: unknown CPU model 'foo' (-cpu help lists them)",
        "-cpu qemu64,+avx: unknown or unsupported feature 'avx' (-cpu help "
        "lists them)",
        "-cpu qemu64,nx: 'nx': expected +feature, -feature or "
        "feature=on|off",
        "-cpu host,+bogus: unknown or unsupported feature 'bogus' (-cpu "
        "help lists them)",
    };
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        Rig r;
        char err[200] = "";
        rig_init(&r, false, KVM_IRQCHIP_NONE);
        ck_assert_int_eq(rig_choose(&r, specs[i], err, sizeof(err)), -1);
        ck_assert_str_eq(err, want[i]);
        rig_free(&r);
    }
}
END_TEST

/* KVM_SET_CPUID2 takes 48 or 57 virtual-address bits only. */
START_TEST(test_32bit_model_gets_a_width_kvm_takes)
{
    Rig r;
    char err[200];
    rig_init(&r, false, KVM_IRQCHIP_NONE);
    ck_assert_int_eq(rig_choose(&r, "core2duo", err, sizeof(err)), 0);
    ck_assert_uint_eq(r.warn_len, 0);
    struct kvm_cpuid2 *c = table(&r);
    ck_assert_uint_eq(entry(c, 0x80000008)->eax, 36 | 48 << 8);
    ck_assert_uint_eq(entry(c, 1)->ecx & BIT(X86_FEAT_SSSE3),
                      BIT(X86_FEAT_SSSE3));
    free(c);
    rig_free(&r);
}
END_TEST

START_TEST(test_host_with_changes)
{
    Rig r;
    char err[200];
    rig_init(&r, false, KVM_IRQCHIP_NONE);
    ck_assert_int_eq(rig_choose(&r, "host,-nx,-sse3", err, sizeof(err)), 0);
    ck_assert_uint_eq(r.warn_len, 0);
    ck_assert(r.s.cpu_host);
    struct kvm_cpuid2 *c = table(&r);
    const struct kvm_cpuid_entry2 *l1 = entry(c, 1);
    /* KVM's leaf 1 less SSE3, with this vCPU's APIC ID; without KVM's
     * LAPIC no x2APIC, no deadline timer, no paravirtual leaves. */
    ck_assert_uint_eq(l1->ecx, 0xf7fa3203u & ~BIT(X86_FEAT_SSE3) &
                               ~BIT(X86_FEAT_X2APIC) &
                               ~BIT(X86_FEAT_TSC_DEADLINE));
    ck_assert_uint_eq(l1->edx, 0x0f8bfbff);
    ck_assert_uint_eq(l1->ebx >> 24, 1);
    ck_assert_uint_eq(entry(c, 0x80000001)->edx,
                      0x2c100800u & ~BIT(X86_FEAT_NX));
    ck_assert_uint_eq(entry(c, 7)->ebx, 0x029c67af);
    ck_assert_ptr_null(entry(c, 0x40000000));
    free(c);
    rig_free(&r);

    /* With KVM's LAPIC the x2APIC and KVM's leaves stay. */
    rig_init(&r, false, KVM_IRQCHIP_SPLIT_MODE);
    ck_assert_int_eq(rig_choose(&r, "host", err, sizeof(err)), 0);
    c = table(&r);
    ck_assert_uint_eq(entry(c, 1)->ecx, 0xf7fa3203u);
    ck_assert_ptr_nonnull(entry(c, 0x40000000));
    free(c);
    rig_free(&r);
}
END_TEST

START_TEST(test_dropped_names)
{
    uint32_t dropped[FEAT_WORD_COUNT] = {0};
    char buf[100];
    ck_assert_uint_eq(kvm_cpuid_dropped_names(dropped, buf, sizeof(buf)),
                      0);
    ck_assert_str_eq(buf, "");
    dropped[FEAT_WORD_1_ECX] = BIT(X86_FEAT_SSE3) | BIT(X86_FEAT_SSSE3);
    dropped[FEAT_WORD_81_EDX] = 1u << 0;
    kvm_cpuid_dropped_names(dropped, buf, sizeof(buf));
    ck_assert_str_eq(buf, "sse3 ssse3 CPUID.80000001H:EDX[0]");
    /* cut short, never past the buffer */
    ck_assert_uint_eq(kvm_cpuid_dropped_names(dropped, buf, 8), 4);
    ck_assert_str_eq(buf, "sse3");
}
END_TEST

Suite *suite_kvm_cpuid(void)
{
    Suite *s = suite_create("kvm_cpuid");
    TCase *tc = tcase_create("cpuid");
    tcase_add_test(tc, test_plus_feature_reaches_the_table);
    tcase_add_test(tc, test_missing_feature_left_out_with_one_warning);
    tcase_add_test(tc, test_same_errors_as_the_software_cpu);
    tcase_add_test(tc, test_32bit_model_gets_a_width_kvm_takes);
    tcase_add_test(tc, test_host_with_changes);
    tcase_add_test(tc, test_dropped_names);
    suite_add_tcase(s, tc);
    return s;
}

#else

/* Built without KVM: no CPUID table to build. */
Suite *suite_kvm_cpuid(void)
{
    return suite_create("kvm_cpuid");
}

#endif
