/* CPU models: -cpu parsing with feature changes, and what CPUID reports
 * for qemu64 (QEMU's values: AuthenticAMD, family 15 model 107 stepping
 * 1, long mode, NX, SYSCALL, LAHF_LM, CX16, SSE to SSE3, 40/48 address
 * bits). */
#include "tests/unit/unit.h"

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/models.h"

typedef struct Rig {
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    CpuModel model;
    X86Cpu *cpu;
} Rig;

static void rig_init(Rig *r, const char *spec)
{
    char err[200];
    memset(r, 0, sizeof(*r));
    r->as = as_new(&r->log, "mem");
    ck_assert_ptr_nonnull(as_add_ram(r->as, "ram", 0, 1 << 20, 0));
    r->io = iobus_new(&r->log);
    r->clock = clock_new(CLOCK_MANUAL, 0);
    ck_assert_int_eq(x86_cpu_model_parse(spec, &r->model, err, sizeof(err)),
                     0);
    r->cpu = x86_cpu_new(&r->model, 0, r->as, r->io, r->clock, &r->log);
    ck_assert_ptr_nonnull(r->cpu);
}

static void rig_free(Rig *r)
{
    x86_cpu_free(r->cpu);
    clock_free(r->clock);
    iobus_free(r->io);
    as_free(r->as);
}

static void cpuid(Rig *r, uint32_t leaf, uint32_t out[4])
{
    x86_cpuid(r->cpu, leaf, 0, out);
}

START_TEST(test_qemu64_is_the_default)
{
    ck_assert_str_eq(x86_cpu_model_default()->name, "qemu64");
    ck_assert_ptr_nonnull(x86_cpu_model_find("pentium2"));
    ck_assert_ptr_null(x86_cpu_model_find("qemu"));
}
END_TEST

START_TEST(test_qemu64_cpuid)
{
    Rig r;
    uint32_t o[4];
    char vendor[13] = {0};
    rig_init(&r, "qemu64");
    cpuid(&r, 0, o);
    memcpy(vendor, &o[1], 4);
    memcpy(vendor + 4, &o[3], 4);
    memcpy(vendor + 8, &o[2], 4);
    ck_assert_str_eq(vendor, "AuthenticAMD");
    ck_assert_uint_eq(o[0], 0xd);
    cpuid(&r, 1, o);
    ck_assert_uint_eq(o[0], 0x00060fb1); /* family 15, model 107, step 1 */
    ck_assert_uint_eq(r.cpu->regs[R_EDX], 0x00060fb1); /* after RESET */
    /* FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT
     * PSE36 CLFLUSH MMX FXSR SSE SSE2, and SSE3 CX16 (no SSSE3). */
    ck_assert_uint_eq(o[3], 0x078bfbffu);
    ck_assert_uint_eq(o[2], (1u << 13) | 1u);
    ck_assert_uint_eq((o[1] >> 8) & 0xff, 8); /* CLFLUSH: 64 bytes */
    cpuid(&r, 0x80000000, o);
    ck_assert_uint_eq(o[0], 0x80000008);
    cpuid(&r, 0x80000001, o);
    ck_assert_uint_eq(o[0], 0x00060fb1);
    ck_assert(o[3] & (1u << 29));       /* LM */
    ck_assert(o[3] & (1u << 20));       /* NX */
    ck_assert(o[3] & (1u << 11));       /* SYSCALL */
    ck_assert(!(o[3] & (1u << 26)));    /* no 1 GiB pages */
    ck_assert(!(o[3] & (1u << 27)));    /* no RDTSCP */
    ck_assert(o[2] & 1);                /* LAHF/SAHF in 64-bit mode */
    cpuid(&r, 0x80000008, o);
    ck_assert_uint_eq(o[0], 0x3028);    /* 48 virtual, 40 physical */
    cpuid(&r, 0x80000002, o);
    ck_assert(!memcmp(o, "QEMU Virtual CPU", 16));
    cpuid(&r, 2, o);
    ck_assert_uint_eq(o[0] | o[1] | o[2] | o[3], 0); /* Intel only */
    rig_free(&r);
}
END_TEST

START_TEST(test_feature_changes)
{
    Rig r;
    uint32_t o[4];
    rig_init(&r, "qemu64,+pdpe1gb,-nx,rdtscp=on,lahf_lm=off");
    cpuid(&r, 0x80000001, o);
    ck_assert(o[3] & (1u << 26));
    ck_assert(o[3] & (1u << 27));
    ck_assert(!(o[3] & (1u << 20)));
    ck_assert(!(o[2] & 1));
    rig_free(&r);
    /* Extended features on a model without extended leaves bring
     * them. */
    /* SSE features: the decoder honours them. */
    rig_init(&r, "qemu64,+ssse3,-sse3");
    cpuid(&r, 1, o);
    ck_assert_uint_eq(o[2] & ((1u << 9) | 1u), 1u << 9);
    ck_assert(x86_has_feature(r.cpu, X86_FEAT_SSSE3));
    rig_free(&r);
    rig_init(&r, "pentium2,+nx");
    cpuid(&r, 0x80000000, o);
    ck_assert_uint_eq(o[0], 0x80000001);
    cpuid(&r, 0x80000001, o);
    ck_assert(o[3] & (1u << 20));
    rig_free(&r);
}
END_TEST

START_TEST(test_parse_errors)
{
    CpuModel m;
    char err[200];
    ck_assert_int_eq(x86_cpu_model_parse("k8", &m, err, sizeof(err)), -1);
    ck_assert(strstr(err, "unknown CPU model 'k8'"));
    ck_assert_int_eq(x86_cpu_model_parse("qemu64,+avx", &m, err,
                                         sizeof(err)), -1);
    ck_assert(strstr(err, "'avx'"));
    ck_assert_int_eq(x86_cpu_model_parse("qemu64,nx", &m, err, sizeof(err)),
                     -1);
    ck_assert_int_eq(x86_cpu_model_parse("qemu64,nx=o", &m, err,
                                         sizeof(err)), -1);
    ck_assert_int_eq(x86_cpu_model_parse("qemu64,", &m, err, sizeof(err)),
                     -1);
    ck_assert_int_eq(x86_cpu_model_parse("qemu64,nx=off", &m, err,
                                         sizeof(err)), 0);
}
END_TEST

Suite *suite_models(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("models");
    tcase_add_test(tc, test_qemu64_is_the_default);
    tcase_add_test(tc, test_qemu64_cpuid);
    tcase_add_test(tc, test_feature_changes);
    tcase_add_test(tc, test_parse_errors);
    suite_add_tcase(s, tc);
    return s;
}
