/*
 * A machine without a CPU for the chipset tests: options defaults, a manual
 * clock (time moves only with clock_step), and port/memory helpers in the
 * spirit of QEMU's qtest (outb/inl, readl/writel through the AddressSpace).
 */
#ifndef PCVM_TESTS_CHIPSET_FIXTURE_H
#define PCVM_TESTS_CHIPSET_FIXTURE_H

#include <stdlib.h>

#include "core/machine.h"
#include "tests/unit/unit.h"

typedef struct TestBoard {
    MachineConfig cfg;
    Machine *m;
    MemRegion *ram;
} TestBoard;

/* @ram_mb of RAM at 0 (0: none). Freed with test_board_free. */
static inline TestBoard *test_board_new(unsigned ram_mb)
{
    TestBoard *t = calloc(1, sizeof(*t));
    char err[256];
    ck_assert_ptr_nonnull(t);
    options_init(&t->cfg);
    t->cfg.ram_size = (uint64_t)(ram_mb ? ram_mb : 1) << 20;
    t->m = machine_new(&t->cfg, err, sizeof(err));
    ck_assert_msg(t->m != NULL, "%s", err);
    clock_free(t->m->clock);
    t->m->clock = clock_new(CLOCK_MANUAL, 0);
    if (ram_mb) {
        t->ram = as_add_ram(t->m->as, "ram", 0, (uint64_t)ram_mb << 20, 0);
        ck_assert_ptr_nonnull(t->ram);
    }
    return t;
}

static inline void test_board_free(TestBoard *t)
{
    machine_free(t->m);
    free(t);
}

static inline void outb(TestBoard *t, uint16_t p, uint8_t v)
{
    iobus_write(t->m->io, p, v, 1);
}
static inline void outw(TestBoard *t, uint16_t p, uint16_t v)
{
    iobus_write(t->m->io, p, v, 2);
}
static inline void outl(TestBoard *t, uint16_t p, uint32_t v)
{
    iobus_write(t->m->io, p, v, 4);
}
static inline uint8_t inb(TestBoard *t, uint16_t p)
{
    return iobus_read(t->m->io, p, 1);
}
static inline uint16_t inw(TestBoard *t, uint16_t p)
{
    return iobus_read(t->m->io, p, 2);
}
static inline uint32_t inl(TestBoard *t, uint16_t p)
{
    return iobus_read(t->m->io, p, 4);
}
static inline uint32_t readl(TestBoard *t, uint64_t pa)
{
    return as_read(t->m->as, pa, 4);
}
static inline void writel(TestBoard *t, uint64_t pa, uint32_t v)
{
    as_write(t->m->as, pa, v, 4);
}
static inline uint64_t readq(TestBoard *t, uint64_t pa)
{
    return as_read(t->m->as, pa, 8);
}
static inline void writeq(TestBoard *t, uint64_t pa, uint64_t v)
{
    as_write(t->m->as, pa, v, 8);
}
static inline uint8_t readb(TestBoard *t, uint64_t pa)
{
    return as_read(t->m->as, pa, 1);
}
static inline void writeb(TestBoard *t, uint64_t pa, uint8_t v)
{
    as_write(t->m->as, pa, v, 1);
}

/* Configuration mechanism #1. */
static inline uint32_t cfg_addr(int devfn, int reg)
{
    return 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc);
}
static inline uint32_t pci_readl(TestBoard *t, int devfn, int reg)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    return inl(t, 0xcfc);
}
static inline uint16_t pci_readw(TestBoard *t, int devfn, int reg)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    return inw(t, 0xcfc + (reg & 2));
}
static inline uint8_t pci_readb(TestBoard *t, int devfn, int reg)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    return inb(t, 0xcfc + (reg & 3));
}
static inline void pci_writel(TestBoard *t, int devfn, int reg, uint32_t v)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    outl(t, 0xcfc, v);
}
static inline void pci_writew(TestBoard *t, int devfn, int reg, uint16_t v)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    outw(t, 0xcfc + (reg & 2), v);
}
static inline void pci_writeb(TestBoard *t, int devfn, int reg, uint8_t v)
{
    outl(t, 0xcf8, cfg_addr(devfn, reg));
    outb(t, 0xcfc + (reg & 3), v);
}

/* A small deterministic generator for the register fuzz runs. */
static inline uint32_t test_rand(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return *seed >> 8;
}

#endif
