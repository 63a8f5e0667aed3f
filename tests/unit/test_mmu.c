/* The page walk on a P6 (pentium2) with and without NX (execute-disable)
 * added: PAE page tables built in RAM, accesses through the TLB, #PF
 * error codes including the I/D bit. */
#include "tests/unit/unit.h"

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "cpu/models.h"

#define PDPT 0x10000
#define PD 0x11000
#define PT 0x12000

#define P 1ULL
#define W 2ULL
#define U 4ULL
#define A 0x20ULL
#define D 0x40ULL
#define PS 0x80ULL
#define NX (1ULL << 63)

typedef struct Rig {
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    CpuModel model;
    X86Cpu *cpu;
} Rig;

static void rig_init(Rig *r, bool nx)
{
    memset(r, 0, sizeof(*r));
    r->as = as_new(&r->log, "mem");
    ck_assert_ptr_nonnull(as_add_ram(r->as, "ram", 0, 16 << 20, 0));
    r->io = iobus_new(&r->log);
    r->clock = clock_new(CLOCK_MANUAL, 0);
    r->model = *x86_cpu_model_find("pentium2");
    if (nx) {
        r->model.features[FEAT_WORD_81_EDX] |= 1u << (X86_FEAT_NX & 31);
        r->model.max_ext_leaf = 0x80000001;
    }
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

/* PAE tables: 0-2 MiB through PT (4 KiB pages, identity), 2-4 MiB one
 * large page; then paging on at CPL 0 in protected mode. */
static void rig_pae(Rig *r, uint64_t efer)
{
    X86Cpu *cpu = r->cpu;
    as_write(r->as, PDPT, PD | P, 8);
    as_write(r->as, PD, PT | P | W | U, 8);
    as_write(r->as, PD + 8, 0x200000 | P | W | U | PS, 8);
    for (uint64_t i = 0; i < 512; i++) {
        as_write(r->as, PT + i * 8, (i << 12) | P | W | U, 8);
    }
    cpu->efer = efer;
    cpu->cr3 = PDPT;
    cpu->cr4 = CR4_PAE;
    cpu->cr0 = CR0_PE | CR0_PG | CR0_ET;
    ck_assert(x86_load_pdptes(cpu, PDPT));
    x86_tlb_flush(cpu, true);
    x86_update_mode(cpu);
}

static void set_pte(Rig *r, uint64_t lin, uint64_t pte)
{
    as_write(r->as, PT + ((lin >> 12) & 511) * 8, pte, 8);
    x86_tlb_flush_page(r->cpu, lin);
}

/* Translate @lin for @acc at @cpl: the #PF error code, or -1 for no
 * fault. */
static int fault_of(Rig *r, uint64_t lin, int acc, int cpl)
{
    X86Cpu *cpu = r->cpu;
    cpu->cpl = cpl;
    if (setjmp(cpu->jmp_env)) {
        ck_assert_int_eq(cpu->exc_vector, EXC_PF);
        ck_assert_uint_eq(cpu->cr2, lin);
        return cpu->exc_error;
    }
    x86_translate(cpu, lin, acc);
    return -1;
}

START_TEST(test_nx_blocks_fetches_only)
{
    Rig r;
    rig_init(&r, true);
    rig_pae(&r, EFER_NXE);
    set_pte(&r, 0x5000, 0x5000 | P | W | U | NX);
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_READ, 0), -1);
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_WRITE, 3), -1);
    /* Present, instruction fetch: P | I, and U from CPL 3. */
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_EXEC, 0), 0x11);
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_EXEC, 3), 0x15);
    /* A fetch from a missing page reports I too (NXE is on). */
    set_pte(&r, 0x6000, 0);
    ck_assert_int_eq(fault_of(&r, 0x6000, ACC_EXEC, 0), 0x10);
    ck_assert_int_eq(fault_of(&r, 0x6000, ACC_READ, 0), 0x00);
    /* NX in the directory entry covers the whole large page. */
    as_write(r.as, PD + 8, 0x200000 | P | W | U | PS | NX, 8);
    x86_tlb_flush(r.cpu, true);
    ck_assert_int_eq(fault_of(&r, 0x345678, ACC_EXEC, 0), 0x11);
    ck_assert_int_eq(fault_of(&r, 0x345678, ACC_READ, 0), -1);
    rig_free(&r);
}
END_TEST

START_TEST(test_nx_bit_is_reserved_without_nxe)
{
    Rig r;
    rig_init(&r, true);
    rig_pae(&r, 0);
    set_pte(&r, 0x5000, 0x5000 | P | W | U | NX);
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_READ, 0), 0x09);
    ck_assert_int_eq(fault_of(&r, 0x5010, ACC_WRITE, 3), 0x0f);
    /* Without NXE the I/D bit is not reported. */
    set_pte(&r, 0x6000, 0);
    ck_assert_int_eq(fault_of(&r, 0x6000, ACC_EXEC, 0), 0x00);
    rig_free(&r);
}
END_TEST

START_TEST(test_accessed_and_dirty)
{
    Rig r;
    rig_init(&r, true);
    rig_pae(&r, EFER_NXE);
    set_pte(&r, 0x7000, 0x7000 | P | W);
    ck_assert_int_eq(fault_of(&r, 0x7000, ACC_READ, 0), -1);
    ck_assert_uint_eq(as_read(r.as, PT + 7 * 8, 8) & (A | D), A);
    ck_assert_uint_eq(as_read(r.as, PD, 8) & A, A);
    ck_assert_int_eq(fault_of(&r, 0x7000, ACC_WRITE, 0), -1);
    ck_assert_uint_eq(as_read(r.as, PT + 7 * 8, 8) & (A | D), A | D);
    /* Supervisor page from CPL 3: P | U (| W); no A/D change needed. */
    ck_assert_int_eq(fault_of(&r, 0x7000, ACC_READ, 3), 0x05);
    ck_assert_int_eq(fault_of(&r, 0x7000, ACC_WRITE, 3), 0x07);
    rig_free(&r);
}
END_TEST

START_TEST(test_pdpte_reserved_bits)
{
    Rig r;
    rig_init(&r, false);
    rig_pae(&r, 0);
    /* RW is reserved in a legacy PAE PDPTE; a non-present one is not
     * checked. */
    as_write(r.as, PDPT + 8, PD | P | W, 8);
    ck_assert(!x86_load_pdptes(r.cpu, PDPT));
    as_write(r.as, PDPT + 8, PD | W, 8);
    ck_assert(x86_load_pdptes(r.cpu, PDPT));
    /* Bits above the 36-bit physical width. */
    as_write(r.as, PDPT + 8, PD | P | (1ULL << 36), 8);
    ck_assert(!x86_load_pdptes(r.cpu, PDPT));
    rig_free(&r);
}
END_TEST

Suite *suite_mmu(void)
{
    Suite *s = suite_create("mmu");
    TCase *tc = tcase_create("pae");
    tcase_add_test(tc, test_nx_blocks_fetches_only);
    tcase_add_test(tc, test_nx_bit_is_reserved_without_nxe);
    tcase_add_test(tc, test_accessed_and_dirty);
    tcase_add_test(tc, test_pdpte_reserved_bits);
    suite_add_tcase(s, tc);
    return s;
}
