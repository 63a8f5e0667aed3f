/*
 * The x87 instruction layer on a bare CPU (no board): the FERR# output
 * and IGNNE# input of PC-style error reporting, the protected-mode
 * environment layouts, and what a CPU with SSE/SSE3 adds (FISTTP, the
 * XMM/MXCSR part of FXSAVE).
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ioport.h"
#include "core/irq.h"
#include "core/memory.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/models.h"

#define RAM_SIZE (1u << 20)
#define CODE 0x1000
#define DATA 0x2000

typedef struct Rig {
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    X86Cpu *cpu;
    uint8_t *ram;
    IrqRecorder rec;
    int vec;            /* the exception that stopped the run */
} Rig;

/* A P6 with SSE and SSE3, for what the built-in models lack. */
static const CpuModel sse3_model = {
    .name = "test-sse3",
    .generation = CPU_GEN_686,
    .vendor = "GenuineIntel",
    .family = 6, .model = 15, .stepping = 1,
    .max_leaf = 1,
    .features = {
        [FEAT_WORD_1_EDX] = 1u << 0 | 1u << 15 | 1u << 23 | 1u << 24 |
                            1u << 25 | 1u << 26,
        [FEAT_WORD_1_ECX] = 1u << 0,
    },
    .phys_bits = 36, .virt_bits = 32,
};

static Rig *rig_new(const CpuModel *model)
{
    Rig *r = calloc(1, sizeof(*r));
    r->as = as_new(&r->log, "test");
    r->ram = mr_host(as_add_ram(r->as, "ram", 0, RAM_SIZE, 0));
    r->io = iobus_new(&r->log);
    r->clock = clock_new(CLOCK_MANUAL, 0);
    r->cpu = x86_cpu_new(model ? model : x86_cpu_model_default(), 0, r->as,
                         r->io, r->clock, &r->log);
    X86Cpu *cpu = r->cpu;
    cpu->seg[R_CS].sel = 0;
    cpu->seg[R_CS].base = 0;
    cpu->rip = CODE;
    x86_update_mode(cpu);
    cpu->ferr = irq_recorder_line(&r->rec, 13);
    return r;
}

static void rig_free(Rig *r)
{
    x86_cpu_free(r->cpu);
    clock_free(r->clock);
    iobus_free(r->io);
    as_free(r->as);
    free(r);
}

static void rig_code(Rig *r, const uint8_t *code, size_t n)
{
    memcpy(r->ram + CODE, code, n);
}

/* Flat 32-bit protected mode, without tables (only the caches). */
static void rig_protected32(Rig *r)
{
    X86Cpu *cpu = r->cpu;
    uint32_t data = SEGF_P | SEGF_S | SEGF_RW | SEGF_A | SEGF_DB | SEGF_G;
    cpu->cr0 |= CR0_PE;
    for (int s = 0; s < SEG_COUNT; s++) {
        cpu->seg[s].sel = 0x10;
        cpu->seg[s].base = 0;
        cpu->seg[s].limit = 0xffffffff;
        cpu->seg[s].flags = data;
    }
    cpu->seg[R_CS].sel = 0x08;
    cpu->seg[R_CS].flags = data | SEGF_CODE;
    x86_update_mode(cpu);
}

static uint32_t rd32(const Rig *r, uint32_t a)
{
    uint32_t v;
    memcpy(&v, r->ram + a, 4);
    return v;
}

static uint16_t rd16(const Rig *r, uint32_t a)
{
    uint16_t v;
    memcpy(&v, r->ram + a, 2);
    return v;
}

START_TEST(test_ferr_and_ignne)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                   /* fninit */
        0xd9, 0x2e, 0x00, 0x20,       /* fldcw [0x2000] */
        0xd9, 0xe8,                   /* fld1 */
        0xd9, 0xee,                   /* fldz */
        0xde, 0xf9,                   /* fdivp st1, st0: ZE */
        0xd9, 0xe8,                   /* fld1: waits */
        0xdb, 0xe2,                   /* fnclex */
        0xf4,                         /* hlt */
    };
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    r->ram[DATA] = 0x7b;              /* FCW 0x037b: ZE unmasked */
    r->ram[DATA + 1] = 0x03;
    ck_assert(!(cpu->cr0 & CR0_NE));

    x86_cpu_exec(cpu, 5);
    ck_assert_int_eq(r->rec.level[13], 1);      /* FERR# up */
    ck_assert_uint_eq(cpu->fsw & 0x80, 0x80);
    ck_assert_uint_eq(cpu->ftop, 6);            /* nothing popped */

    /* The next waiting instruction stops the CPU before it runs. */
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_HALTED);
    ck_assert_uint_eq(cpu->rip, CODE + 12);
    ck_assert_uint_eq(cpu->ftop, 6);

    /* IGNNE#: it goes on, ignoring the error. */
    x86_cpu_set_pin(cpu, VCPU_PIN_IGNNE, 1);
    cpu->halted = false;
    x86_cpu_exec(cpu, 1);
    ck_assert_uint_eq(cpu->rip, CODE + 14);
    ck_assert_uint_eq(cpu->ftop, 5);
    ck_assert_int_eq(r->rec.level[13], 1);

    /* FNCLEX clears ES and drops FERR#. */
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_HALTED);
    ck_assert_int_eq(r->rec.level[13], 0);
    ck_assert_uint_eq(cpu->fsw & 0x80ff, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_mf_with_ne_no_ferr)
{
    static const uint8_t code[] = {
        0xdb, 0xe3, 0xd9, 0x2e, 0x00, 0x20, 0xd9, 0xe8, 0xd9, 0xee,
        0xde, 0xf9,                   /* 1/0, ZE unmasked */
        0x9b,                         /* fwait: #MF */
        0xf4,
    };
    static const uint8_t handler[] = {0xf4}; /* hlt */
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    memcpy(r->ram + 0x3000, handler, sizeof(handler));
    r->ram[16 * 4] = 0x00;            /* IVT[16] = 0000:3000 */
    r->ram[16 * 4 + 1] = 0x30;
    r->ram[DATA] = 0x7b;
    r->ram[DATA + 1] = 0x03;
    cpu->cr0 |= CR0_NE;
    ck_assert_int_eq(x86_cpu_exec(cpu, 20), X86_EXIT_HALTED);
    ck_assert_uint_eq(cpu->rip, 0x3001);        /* in the handler */
    ck_assert_int_eq(r->rec.level[13], 0);      /* native: no FERR# */
    /* The return address is the FWAIT (a fault). */
    uint32_t sp = (uint32_t)cpu->regs[R_ESP] & 0xffff;
    ck_assert_uint_eq(rd16(r, sp), CODE + 12);
    rig_free(r);
}
END_TEST

START_TEST(test_protected_env_layouts)
{
    static const uint8_t code[] = {
        0xd9, 0xe8,                               /* fld1 */
        0xd8, 0x05, 0x00, 0x20, 0x00, 0x00,       /* fadd dword [0x2000] */
        0xd9, 0x35, 0x00, 0x30, 0x00, 0x00,       /* fnstenv [0x3000] */
        0x66, 0xd9, 0x35, 0x00, 0x31, 0x00, 0x00, /* o16 fnstenv [0x3100] */
        0xdd, 0x35, 0x00, 0x32, 0x00, 0x00,       /* fnsave [0x3200] */
        0xf4,
    };
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    memcpy(r->ram + DATA, "\x00\x00\x00\x40", 4); /* 2.0f */
    rig_protected32(r);
    cpu->fcw = 0x037f;
    cpu->ftw = 0xffff;
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_HALTED);
    /* 32-bit protected: 28 bytes. */
    ck_assert_uint_eq(rd32(r, 0x3000), 0xffff037f);
    ck_assert_uint_eq(rd32(r, 0x3004), 0xffff3800);
    ck_assert_uint_eq(rd32(r, 0x3008), 0xffff3fff);
    ck_assert_uint_eq(rd32(r, 0x300c), CODE + 2);    /* FIP: the FADD */
    ck_assert_uint_eq(rd32(r, 0x3010), 0x0005u << 16 | 0x08); /* FOP, CS */
    ck_assert_uint_eq(rd32(r, 0x3014), DATA);        /* FDP */
    ck_assert_uint_eq(rd32(r, 0x3018), 0xffff0010);  /* FDS */
    /* 16-bit protected: 14 bytes, selectors and offsets. */
    ck_assert_uint_eq(rd16(r, 0x3100), 0x037f);
    ck_assert_uint_eq(rd16(r, 0x3106), CODE + 2);
    ck_assert_uint_eq(rd16(r, 0x3108), 0x08);
    ck_assert_uint_eq(rd16(r, 0x310a), DATA);
    ck_assert_uint_eq(rd16(r, 0x310c), 0x10);
    /* FNSAVE: the environment, then ST0 = 3.0. */
    ck_assert_uint_eq(rd32(r, 0x3200 + 12), CODE + 2);
    ck_assert_uint_eq(rd32(r, 0x3200 + 28 + 4), 0xc0000000);
    ck_assert_uint_eq(rd16(r, 0x3200 + 28 + 8), 0x4000);
    ck_assert_uint_eq(cpu->ftw, 0xffff);             /* re-initialised */
    rig_free(r);
}
END_TEST

/* Exceptions stop the run (no tables needed), noted in r->vec. */
static bool stop_hook(X86Cpu *cpu, int vector, int error_code)
{
    (void)error_code;
    ((Rig *)cpu->exception_hook_opaque)->vec = vector;
    return true;
}

static void rig_catch(Rig *r)
{
    r->vec = -1;
    r->cpu->exception_hook = stop_hook;
    r->cpu->exception_hook_opaque = r;
}

/* An m80 operand is two accesses: the exponent's offset wraps on its own
 * at the address size, and a store whose second part faults has written
 * the first (both as on an Intel Xeon). */
START_TEST(test_m80_two_parts)
{
    static const uint8_t code[] = {
        0xd9, 0xe8,                   /* fld1 */
        0xdb, 0x3e, 0xf8, 0xff,       /* fstp tbyte [0xfff8] */
        0xdb, 0x2e, 0xf8, 0xff,       /* fld tbyte [0xfff8] */
        0xf4,
    };
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    cpu->fcw = 0x037f;
    cpu->ftw = 0xffff;
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_HALTED);
    ck_assert_uint_eq(rd32(r, 0xfffc), 0x80000000);  /* significand */
    ck_assert_uint_eq(rd16(r, 0x0000), 0x3fff);      /* exponent: DS:0 */
    ck_assert_uint_eq(cpu->fpr[cpu->ftop].sexp, 0x3fff);
    ck_assert_uint_eq(cpu->fpr[cpu->ftop].mant, 1ULL << 63);
    rig_free(r);

    static const uint8_t code2[] = {
        0xd9, 0xe8,                               /* fld1 */
        0xdb, 0x3d, 0xf0, 0xff, 0x00, 0x00,       /* fstp tbyte [0xfff0] */
        0xf4,
    };
    r = rig_new(NULL);
    cpu = r->cpu;
    rig_code(r, code2, sizeof(code2));
    rig_protected32(r);
    cpu->seg[R_DS].limit = 0xfff8; /* the exponent is past the limit */
    cpu->fcw = 0x037f;
    cpu->ftw = 0xffff;
    rig_catch(r);
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_EXCEPTION);
    ck_assert_int_eq(r->vec, EXC_GP);
    ck_assert_uint_eq(rd32(r, 0xfff4), 0x80000000);  /* written */
    ck_assert_uint_eq(cpu->ftop, 7);                 /* not popped */
    rig_free(r);
}
END_TEST

/* With alignment checks on: m64 stores need 8, m32 4, m80 8 (its
 * significand), environments 4 (2 in the 16-bit format). */
START_TEST(test_alignment_checks)
{
    static const struct {
        uint8_t code[8];
        unsigned len;
        bool ac;
    } cases[] = {
        {{0xdd, 0x15, 0x04, 0x20, 0x00, 0x00}, 6, true},  /* fst [0x2004] */
        {{0xdd, 0x15, 0x08, 0x20, 0x00, 0x00}, 6, false}, /* fst [0x2008] */
        {{0xdb, 0x15, 0x02, 0x20, 0x00, 0x00}, 6, true},  /* fist [0x2002] */
        {{0xdb, 0x2d, 0x04, 0x20, 0x00, 0x00}, 6, true},  /* fld t[0x2004] */
        {{0xd9, 0x35, 0x02, 0x20, 0x00, 0x00}, 6, true},  /* fnstenv */
        {{0xd9, 0x35, 0x04, 0x20, 0x00, 0x00}, 6, false},
        {{0x66, 0xd9, 0x35, 0x02, 0x20, 0x00, 0x00}, 7, false}, /* o16 */
        {{0xdd, 0x25, 0x06, 0x20, 0x00, 0x00}, 6, true},  /* frstor */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Rig *r = rig_new(NULL);
        X86Cpu *cpu = r->cpu;
        rig_code(r, cases[i].code, cases[i].len);
        r->ram[CODE + cases[i].len] = 0xf4;
        rig_protected32(r);
        for (int s = 0; s < SEG_COUNT; s++) {
            cpu->seg[s].sel |= 3;
            cpu->seg[s].flags |= 3u << SEGF_DPL_SHIFT;
        }
        cpu->cr0 |= CR0_AM;
        cpu->eflags |= FL_AC;
        cpu->fcw = 0x037f;
        cpu->ftw = 0;
        x86_update_mode(cpu);
        rig_catch(r);
        /* (HLT at CPL 3: #GP) */
        ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_EXCEPTION);
        ck_assert_msg(r->vec == (cases[i].ac ? EXC_AC : EXC_GP), "case %u",
                      i);
        rig_free(r);
    }
}
END_TEST

/* An environment image in fields at offsets wrapped to the address size
 * (as the host's page faults show); a first field across the segment
 * limit is a #GP. */
START_TEST(test_env_wrap)
{
    static const uint8_t code[] = {
        0xd9, 0x36, 0xfc, 0xff,       /* fnstenv [0xfffc] (14 bytes) */
        0xd9, 0x26, 0xff, 0xff,       /* fldenv [0xffff]: #GP */
        0xf4,
    };
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    cpu->fcw = 0x037f;
    cpu->ftw = 0xffff;
    rig_catch(r);
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_EXCEPTION);
    ck_assert_int_eq(r->vec, EXC_GP);
    ck_assert_uint_eq(cpu->rip, CODE + 4);
    ck_assert_uint_eq(rd16(r, 0xfffc), 0x037f);     /* FCW */
    ck_assert_uint_eq(rd16(r, 0x0000), 0xffff);     /* FTW, wrapped */
    rig_free(r);
}
END_TEST

/* FSTENV computes the tag word from the registers' contents: after MMX
 * code (every register "valid") it shows zeros and specials. */
START_TEST(test_tags_after_mmx)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                   /* fninit */
        0x0f, 0x6f, 0x06, 0x00, 0x20, /* movq mm0, [0x2000] */
        0xd9, 0x36, 0x00, 0x30,       /* fnstenv [0x3000] */
        0xf4,
    };
    Rig *r = rig_new(NULL);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    memcpy(r->ram + DATA, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    memset(cpu->fpr, 0, sizeof(cpu->fpr));
    ck_assert_int_eq(x86_cpu_exec(cpu, 10), X86_EXIT_HALTED);
    /* R0 holds the MMX value (exponent all ones: special), R1-R7 zeros */
    ck_assert_uint_eq(rd16(r, 0x3004), 0x5556);
    rig_free(r);
}
END_TEST

START_TEST(test_sse3_model)
{
    static const uint8_t code[] = {
        0xd9, 0x06, 0x00, 0x20,       /* fld dword [0x2000]: -2.75 */
        0xdb, 0x0e, 0x10, 0x20,       /* fisttp dword [0x2010] */
        0xd9, 0xe8,                   /* fld1 */
        0x0f, 0xae, 0x06, 0x00, 0x30, /* fxsave [0x3000] */
        0xc6, 0x06, 0x1a, 0x30, 0x01, /* mov byte [0x301a], 1: MXCSR bit 16 */
        0x0f, 0xae, 0x0e, 0x00, 0x30, /* fxrstor [0x3000]: #GP */
        0xf4,
    };
    Rig *r = rig_new(&sse3_model);
    X86Cpu *cpu = r->cpu;
    rig_code(r, code, sizeof(code));
    memcpy(r->ram + DATA, "\x00\x00\x30\xc0", 4); /* -2.75f */
    r->ram[13 * 4] = 0x00;                         /* IVT[13] = 0000:4000 */
    r->ram[13 * 4 + 1] = 0x40;
    r->ram[0x4000] = 0xf4;
    cpu->cr4 |= CR4_OSFXSR;
    cpu->mxcsr = 0x1f80;
    cpu->xmm[0].l[0] = 0xdeadbeef;
    cpu->fcw = 0x037f;
    cpu->ftw = 0xffff;
    ck_assert_int_eq(x86_cpu_exec(cpu, 20), X86_EXIT_HALTED);
    ck_assert_uint_eq(rd32(r, 0x2010), (uint32_t)-2);  /* truncated */
    /* MXCSR (with the bit 16 the guest set afterwards) */
    ck_assert_uint_eq(rd32(r, 0x3000 + 24), 0x11f80);
    /* MXCSR_MASK: DAZ is there with SSE2 */
    ck_assert_uint_eq(rd32(r, 0x3000 + 28), 0xffff);
    ck_assert_uint_eq(rd32(r, 0x3000 + 160), 0xdeadbeef); /* XMM0 */
    ck_assert_uint_eq(r->ram[0x3000 + 4], 0x80);       /* abridged tag */
    /* The bad MXCSR made FXRSTOR fault: the handler ran. */
    ck_assert_uint_eq(cpu->rip, 0x4001);
    ck_assert_uint_eq(cpu->mxcsr, 0x1f80);
    rig_free(r);
}
END_TEST

Suite *suite_fpu(void)
{
    Suite *s = suite_create("fpu");
    TCase *tc = tcase_create("cpu");
    tcase_add_test(tc, test_ferr_and_ignne);
    tcase_add_test(tc, test_mf_with_ne_no_ferr);
    tcase_add_test(tc, test_protected_env_layouts);
    tcase_add_test(tc, test_sse3_model);
    tcase_add_test(tc, test_m80_two_parts);
    tcase_add_test(tc, test_alignment_checks);
    tcase_add_test(tc, test_tags_after_mmx);
    tcase_add_test(tc, test_env_wrap);
    suite_add_tcase(s, tc);
    return s;
}
