/* The guest address space: regions, priorities, aliases, MMIO dispatch,
 * DMA bounds, dirty tracking. */
#include "tests/unit/unit.h"

#include <string.h>

#include "core/memory.h"

typedef struct MmioDev {
    uint64_t last_off;
    unsigned last_size;
    uint64_t last_val;
    int reads, writes;
    uint8_t regs[64];
} MmioDev;

static uint64_t dev_read(void *opaque, uint64_t off, unsigned size)
{
    MmioDev *d = opaque;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(off + i) % 64] << (8 * i);
    }
    return v;
}

static void dev_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    MmioDev *d = opaque;
    d->writes++;
    d->last_off = off;
    d->last_size = size;
    d->last_val = val;
    for (unsigned i = 0; i < size; i++) {
        d->regs[(off + i) % 64] = val >> (8 * i);
    }
}

static const MemOps dev_ops_any = {dev_read, dev_write, 1, 8};
static const MemOps dev_ops_dword = {dev_read, dev_write, 4, 4};

static Log quiet_log;

START_TEST(test_ram_read_write)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MemRegion *ram = as_add_ram(as, "ram", 0, 1 << 20, 0);
    ck_assert_ptr_nonnull(ram);
    as_write(as, 0x1000, 0x1122334455667788ULL, 8);
    ck_assert_uint_eq(as_read(as, 0x1000, 8), 0x1122334455667788ULL);
    ck_assert_uint_eq(as_read(as, 0x1000, 1), 0x88);
    ck_assert_uint_eq(as_read(as, 0x1001, 2), 0x6677);
    ck_assert_uint_eq(mr_host(ram)[0x1007], 0x11);
    /* Unassigned: reads all ones, writes vanish. */
    ck_assert_uint_eq(as_read(as, 0x200000, 4), 0xffffffffu);
    as_write(as, 0x200000, 5, 4);
    ck_assert_uint_eq(as_read(as, 0x200000, 2), 0xffff);
    /* An access straddling RAM's end: the RAM half reads RAM. */
    mr_host(ram)[0xfffff] = 0x5a;
    ck_assert_uint_eq(as_read(as, 0xfffff, 2), 0xff5a);
    as_free(as);
}
END_TEST

START_TEST(test_overlap_same_priority_refused)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    ck_assert_ptr_nonnull(as_add_ram(as, "a", 0, 0x10000, 0));
    ck_assert_ptr_null(as_add_ram(as, "b", 0x8000, 0x10000, 0));
    ck_assert_ptr_null(as_add_ram(as, "zero", 0x100000, 0, 0));
    ck_assert_ptr_null(as_add_ram(as, "wrap", ~0ULL - 10, 0x1000, 0));
    /* Same range, higher priority: an overlay, allowed. */
    ck_assert_ptr_nonnull(as_add_rom(as, "rom", 0x8000, 0x1000, 1));
    as_free(as);
}
END_TEST

START_TEST(test_priority_overlay_and_disable)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MemRegion *ram = as_add_ram(as, "ram", 0, 0x100000, 0);
    MmioDev dev = {0};
    MemRegion *io = as_add_io(as, "io", 0xa0000, 0x20000, &dev_ops_any, &dev,
                              1);
    memset(mr_host(ram) + 0xa0000, 0x77, 0x20000);
    dev.regs[0] = 0x42;
    /* The MMIO window hides RAM. */
    ck_assert_uint_eq(as_read(as, 0xa0000, 1), 0x42);
    ck_assert_int_eq(dev.reads, 1);
    ck_assert_uint_eq(dev.last_off, 0);
    as_write(as, 0xa0010, 0xab, 1);
    ck_assert_uint_eq(dev.last_off, 0x10);
    ck_assert_uint_eq(mr_host(ram)[0xa0010], 0x77);
    /* Disabled, RAM shows through again. */
    uint64_t gen = as_generation(as);
    mr_set_enabled(io, false);
    ck_assert_uint_gt(as_generation(as), gen);
    ck_assert_uint_eq(as_read(as, 0xa0000, 1), 0x77);
    mr_set_enabled(io, true);
    ck_assert_uint_eq(as_read(as, 0xa0000, 1), 0x42);
    /* Edges: just below and just above the window are RAM. */
    ck_assert_uint_eq(as_read(as, 0x9ffff, 1), 0);
    ck_assert_uint_eq(as_read(as, 0xc0000, 1), 0);
    as_free(as);
}
END_TEST

START_TEST(test_alias_and_rom)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MemRegion *rom = as_add_rom(as, "bios", 0xfffe0000ULL, 0x20000, 1);
    ck_assert_ptr_nonnull(rom);
    for (int i = 0; i < 0x20000; i++) {
        mr_host(rom)[i] = (uint8_t)(i * 7);
    }
    MemRegion *alias = as_add_alias(as, "isa-bios", 0xe0000, 0x20000, rom, 0,
                                    1);
    ck_assert_ptr_nonnull(alias);
    ck_assert_uint_eq(as_read(as, 0xffff0, 1), (uint8_t)(0x1fff0 * 7));
    ck_assert_uint_eq(as_read(as, 0xfffffff0ULL, 1), (uint8_t)(0x1fff0 * 7));
    /* ROM ignores writes, through either address. */
    as_write(as, 0xffff0, 0, 1);
    as_write(as, 0xfffffff0ULL, 0, 1);
    ck_assert_uint_eq(as_read(as, 0xffff0, 1), (uint8_t)(0x1fff0 * 7));
    /* Lookups say where things are. */
    MemLookup l;
    ck_assert(as_lookup(as, 0xe1000, &l));
    ck_assert_ptr_eq(l.mr, rom);
    ck_assert_uint_eq(l.offset, 0x1000);
    ck_assert(l.readonly);
    ck_assert_ptr_eq(l.host, mr_host(rom) + 0x1000);
    ck_assert_uint_eq(l.len, 0x1f000);
    /* An alias may not reach outside its target. */
    ck_assert_ptr_null(as_add_alias(as, "bad", 0x200000, 0x30000, rom, 0, 1));
    as_free(as);
}
END_TEST

START_TEST(test_readonly_ram_alias)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MemRegion *ram = as_add_ram(as, "ram", 0, 0x100000, 0);
    MemRegion *shadow = as_add_alias(as, "shadow", 0xf0000, 0x10000, ram,
                                     0xf0000, 1);
    as_write(as, 0xf0000, 0x55, 1);
    ck_assert_uint_eq(mr_host(ram)[0xf0000], 0x55);
    mr_set_readonly(shadow, true);
    as_write(as, 0xf0000, 0x66, 1);
    ck_assert_uint_eq(as_read(as, 0xf0000, 1), 0x55);
    ck_assert_int_eq(as_dma_write(as, 0xf0000, "x", 1), -1);
    as_free(as);
}
END_TEST

START_TEST(test_mmio_size_adaptation)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MmioDev dev = {0};
    as_add_io(as, "d", 0x1000, 0x40, &dev_ops_dword, &dev, 0);
    for (int i = 0; i < 8; i++) {
        dev.regs[i] = 0x10 + i;
    }
    /* A byte read becomes an aligned dword read. */
    ck_assert_uint_eq(as_read(as, 0x1002, 1), 0x12);
    ck_assert_uint_eq(dev.last_size, 4);
    ck_assert_uint_eq(dev.last_off, 0);
    /* A qword read becomes two dword reads. */
    dev.reads = 0;
    ck_assert_uint_eq(as_read(as, 0x1000, 8), 0x1716151413121110ULL);
    ck_assert_int_eq(dev.reads, 2);
    /* A qword write becomes two dword writes. */
    dev.writes = 0;
    as_write(as, 0x1008, 0xaabbccdd11223344ULL, 8);
    ck_assert_int_eq(dev.writes, 2);
    ck_assert_uint_eq(dev.last_off, 0xc);
    ck_assert_uint_eq(dev.last_val, 0xaabbccdd);
    as_free(as);
}
END_TEST

START_TEST(test_dma_bounds)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    MemRegion *ram = as_add_ram(as, "ram", 0, 0x10000, 0);
    MmioDev dev = {0};
    as_add_io(as, "d", 0x10000, 0x1000, &dev_ops_any, &dev, 0);
    as_add_ram(as, "ram2", 0x11000, 0x1000, 0);
    uint8_t buf[0x2000];
    memset(buf, 0xee, sizeof(buf));
    /* Inside RAM: fine. */
    ck_assert_int_eq(as_dma_write(as, 0xff00, buf, 0x100), 0);
    ck_assert_uint_eq(mr_host(ram)[0xffff], 0xee);
    /* One byte into MMIO: refused, and nothing written. */
    memset(mr_host(ram) + 0xf000, 0, 0x1000);
    ck_assert_int_eq(as_dma_write(as, 0xf000, buf, 0x1001), -1);
    ck_assert_uint_eq(mr_host(ram)[0xf000], 0);
    ck_assert_int_eq(dev.writes, 0);
    ck_assert_int_eq(as_dma_read(as, 0xffff, buf, 2), -1);
    /* Holes and wrap-around. */
    ck_assert_int_eq(as_dma_read(as, 0x12000, buf, 1), -1);
    ck_assert_int_eq(as_dma_read(as, ~0ULL, buf, 2), -1);
    ck_assert_int_eq(as_dma_write(as, 0xfff, buf, ~0ULL), -1);
    /* Zero length is always fine. */
    ck_assert_int_eq(as_dma_read(as, 0x12000, buf, 0), 0);
    /* Mapping: only when one RAM stretch holds it all. */
    ck_assert_ptr_nonnull(as_dma_map(as, 0x100, 0x100, true));
    ck_assert_ptr_null(as_dma_map(as, 0xff00, 0x200, false));
    as_free(as);
}
END_TEST

typedef struct HookLog {
    int calls;
    uint64_t offset, len;
} HookLog;

static void dirty_hook(void *opaque, MemRegion *ram, uint64_t offset,
                       uint64_t len)
{
    HookLog *h = opaque;
    h->calls++;
    h->offset = offset;
    h->len = len;
}

typedef struct ListenLog {
    int map_changes;
    int watches;
} ListenLog;

static void on_map(void *opaque, AddressSpace *as)
{
    ((ListenLog *)opaque)->map_changes++;
}

static void on_watch(void *opaque, uint64_t host, uint64_t len)
{
    ((ListenLog *)opaque)->watches++;
}

static const AsListener listener = {on_map, on_watch};

START_TEST(test_dirty_tracking)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    ListenLog ll = {0};
    as_add_listener(as, &listener, &ll);
    MemRegion *ram = as_add_ram(as, "ram", 0, 0x10000, 0);
    ck_assert_int_eq(ll.map_changes, 1);
    HookLog code = {0}, vga = {0};
    mr_dirty_enable(ram, DIRTY_CODE, dirty_hook, &code);
    mr_dirty_enable(ram, DIRTY_VGA, dirty_hook, &vga);
    /* Everything starts dirty: nobody watches, writes are fast. */
    ck_assert(mr_page_write_fast(ram, 0x3000));
    ck_assert(mr_dirty_test_and_clear(ram, DIRTY_CODE, 0x3000, 1));
    ck_assert_int_eq(ll.watches, 1);
    ck_assert(!mr_page_write_fast(ram, 0x3000));
    ck_assert(mr_page_write_fast(ram, 0x4000));
    ck_assert(!mr_dirty_get(ram, DIRTY_CODE, 0x3abc));
    ck_assert(mr_dirty_get(ram, DIRTY_VGA, 0x3abc));
    /* A write to the watched page calls the code hook once. */
    as_write(as, 0x3010, 1, 4);
    ck_assert_int_eq(code.calls, 1);
    ck_assert_uint_eq(code.offset, 0x3010);
    ck_assert_uint_eq(code.len, 4);
    ck_assert_int_eq(vga.calls, 0);
    as_write(as, 0x3020, 1, 4);
    ck_assert_int_eq(code.calls, 1);
    ck_assert(mr_page_write_fast(ram, 0x3000));
    /* DMA marks too, per page. */
    mr_dirty_test_and_clear(ram, DIRTY_VGA, 0, 0x10000);
    ck_assert(!mr_dirty_test_and_clear(ram, DIRTY_VGA, 0, 0x10000));
    ck_assert_int_eq(as_dma_write(as, 0x5ff0, "0123456789abcdefXYZ", 19), 0);
    ck_assert_int_eq(vga.calls, 2); /* pages 5 and 6 */
    ck_assert(mr_dirty_get(ram, DIRTY_VGA, 0x5000));
    ck_assert(mr_dirty_get(ram, DIRTY_VGA, 0x6000));
    ck_assert(!mr_dirty_get(ram, DIRTY_VGA, 0x7000));
    as_remove_listener(as, &listener, &ll);
    as_free(as);
}
END_TEST

typedef struct RamVisit {
    int n;
    uint64_t pa[8], len[8];
} RamVisit;

static void visit(void *opaque, uint64_t pa, uint64_t len, uint8_t *host,
                  bool ro)
{
    RamVisit *v = opaque;
    v->pa[v->n] = pa;
    v->len[v->n] = len;
    v->n++;
}

START_TEST(test_flat_view_for_memory_slots)
{
    AddressSpace *as = as_new(&quiet_log, "t");
    as_add_ram(as, "ram", 0, 0x100000, 0);
    MmioDev dev = {0};
    as_add_io(as, "vga", 0xa0000, 0x20000, &dev_ops_any, &dev, 1);
    RamVisit v = {0};
    as_for_each_ram(as, visit, &v);
    ck_assert_int_eq(v.n, 2);
    ck_assert_uint_eq(v.pa[0], 0);
    ck_assert_uint_eq(v.len[0], 0xa0000);
    ck_assert_uint_eq(v.pa[1], 0xc0000);
    ck_assert_uint_eq(v.len[1], 0x40000);
    as_free(as);
}
END_TEST

START_TEST(test_move_over_same_priority_last_wins)
{
    /* A guest may program two BARs onto each other; the map must stay
     * consistent: the most recently placed region wins. */
    AddressSpace *as = as_new(&quiet_log, "t");
    MmioDev a = {0}, b = {0};
    a.regs[0] = 0xaa;
    b.regs[0] = 0xbb;
    MemRegion *ra = as_add_io(as, "a", 0x10000, 0x1000, &dev_ops_any, &a, 0);
    MemRegion *rb = as_add_io(as, "b", 0x20000, 0x1000, &dev_ops_any, &b, 0);
    mr_move(rb, 0x10000);
    ck_assert_uint_eq(as_read(as, 0x10000, 1), 0xbb);
    mr_move(ra, 0x10800);
    ck_assert_uint_eq(as_read(as, 0x10000, 1), 0xbb);
    ck_assert_uint_eq(as_read(as, 0x10800, 1), 0xaa);
    ck_assert_uint_eq(as_read(as, 0x11000, 1), 0xaa); /* a's upper half */
    as_free(as);
}
END_TEST

Suite *suite_memory(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("address-space");
    tcase_add_test(tc, test_ram_read_write);
    tcase_add_test(tc, test_overlap_same_priority_refused);
    tcase_add_test(tc, test_priority_overlay_and_disable);
    tcase_add_test(tc, test_alias_and_rom);
    tcase_add_test(tc, test_readonly_ram_alias);
    tcase_add_test(tc, test_mmio_size_adaptation);
    tcase_add_test(tc, test_dma_bounds);
    tcase_add_test(tc, test_dirty_tracking);
    tcase_add_test(tc, test_flat_view_for_memory_slots);
    tcase_add_test(tc, test_move_over_same_priority_last_wins);
    suite_add_tcase(s, tc);
    return s;
}
