/* Direct boot on the PC board: see pc_direct.h. */
#include "hw/pc/pc_direct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "hw/pc/acpi_build.h"
#include "hw/pc/acpi_link.h"
#include "hw/pc/firmware.h"
#include "hw/pc/hpet.h"
#include "hw/pc/ioapic.h"
#include "hw/pc/lapic.h"
#include "hw/pc/linux_boot.h"
#include "hw/pc/linux_direct.h"
#include "hw/pc/mptable.h"
#include "hw/pc/multiboot.h"
#include "hw/pc/piix.h"
#include "hw/pc/piix4_pm.h"

#define KERNEL_MAX_SIZE (512u << 20)
#define INITRD_MAX_SIZE (2048u << 20)

#define EBDA_END 0x100000u
#define BDA_EBDA_SEG 0x40e
#define BDA_BASE_MEM_KB 0x413
#define KVM_PAGES_ADDR 0xfeffc000ULL  /* KVM's identity map and TSS */
#define KVM_PAGES_SIZE 0x4000u

/* What SeaBIOS programs (src/fw/pciinit.c), so the ACPI tables hold. */
#define PM_IO_BASE 0x600
#define SMBUS_IO_BASE 0x700
#define SCI_IRQ 9
#define ELCR2_PORT 0x4d1
static const uint8_t pirq_irqs[PCI_NUM_PIRQS] = {10, 10, 11, 11};

/* MTRRs (SDM vol. 3, 11.11): default write-back, fixed ranges on (RAM
 * below 640 KiB write-back, the rest of the first MiB uncached), and
 * 0xe0000000-0xffffffff (the PCI hole's end) uncached. The mask covers
 * 36 address bits, which every CPU with MTRRs has. */
#define MSR_MTRR_PHYS_BASE0 0x200
#define MSR_MTRR_PHYS_MASK0 0x201
#define MSR_MTRR_FIX64K_00000 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MTRR_WB_X8 0x0606060606060606ULL
#define MTRR_DEF_E_FE_WB 0xc06
#define MTRR_UC_BASE 0xe0000000ULL
#define MTRR_UC_MASK (0xfe0000000ULL | 0x800)

struct PcDirect {
    Machine *m;
    PciBus *pci;
    uint8_t *image;            /* the kernel file */
    uint8_t *initrd;
    E820Table e820;
    LinuxDirectConfig lc;      /* what ld was prepared from */
    LinuxDirect ld;            /* (pieces gone while ld_stale) */
    bool ld_stale;
    uint8_t *tables;           /* ACPI tables, then the MP table */
    uint32_t tables_size;
    uint64_t tables_base;
    uint8_t rsdp[64];
    uint32_t rsdp_len;
    uint8_t mp_fp[MPTABLE_FP_SIZE];
};

int pc_direct_e820(E820Table *t, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, uint64_t tables_base)
{
    t->count = 0;
    if (ram_below_4g <= EBDA_END || tables_base < EBDA_END ||
        tables_base > ram_below_4g || ram_below_4g > IOAPIC_DEFAULT_BASE) {
        return -1;
    }
    int rc = e820_add(t, 0, PC_DIRECT_EBDA, E820_RAM) |
             e820_add(t, PC_DIRECT_EBDA, EBDA_END - PC_DIRECT_EBDA,
                      E820_RESERVED);
    if (tables_base > EBDA_END) {
        rc |= e820_add(t, EBDA_END, tables_base - EBDA_END, E820_RAM);
    }
    if (ram_below_4g > tables_base) {
        rc |= e820_add(t, tables_base, ram_below_4g - tables_base,
                       E820_RESERVED);
    }
    rc |= e820_add(t, IOAPIC_DEFAULT_BASE, 0x1000, E820_RESERVED) |
          e820_add(t, HPET_DEFAULT_BASE, 0x400, E820_RESERVED) |
          e820_add(t, APIC_DEFAULT_BASE, 0x1000, E820_RESERVED) |
          e820_add(t, KVM_PAGES_ADDR, KVM_PAGES_SIZE, E820_RESERVED);
    if (ram_above_4g) {
        rc |= e820_add(t, 1ULL << 32, ram_above_4g, E820_RAM);
    }
    return rc ? -1 : 0;
}

/* Device interrupt pins on bus 0 and where PIIX routes them. */
static int pci_irqs(PciBus *pci, MpPciIrq *out, int max)
{
    int n = 0;
    for (int devfn = 0; devfn < PCI_DEVFN_COUNT && n < max; devfn++) {
        if (pci_bus_config_read(pci, 0, devfn, PCI_VENDOR_ID, 2) == 0xffff) {
            continue;
        }
        uint32_t pin = pci_bus_config_read(pci, 0, devfn,
                                           PCI_INTERRUPT_PIN, 1);
        if (pin >= 1 && pin <= 4) {
            int pirq = piix3_map_irq(NULL, devfn, (int)pin - 1);
            out[n++] = (MpPciIrq){(uint8_t)(devfn >> 3), (uint8_t)(pin - 1),
                                  pirq_irqs[pirq]};
        }
    }
    return n;
}

/* ACPI tables and the MP table, placed at the top of the RAM below
 * 4 GiB: fills d->tables, tables_base, rsdp, mp_fp. */
static int build_tables(PcDirect *d, uint64_t low, uint64_t high,
                        char *err, size_t errlen)
{
    Machine *m = d->m;
    AcpiConfig acfg;
    AcpiTables at;
    acpi_config_default(&acfg, m->ncpus, low, high);
    if (acpi_build(&acfg, &at)) {
        return error_set(err, errlen, "cannot build the ACPI tables");
    }
    MpPciIrq pci[MPTABLE_MAX_PCI];
    MpTableConfig mcfg = {
        .ncpus = m->ncpus,
        .lapic_addr = acfg.lapic_addr,
        .lapic_version = 0x14,
        .ioapic_id = acfg.ioapic_id,
        .ioapic_version = 0x20,
        .ioapic_addr = acfg.ioapic_addr,
        .level_irqs = 1u << acfg.sci_irq,
        .pci = pci,
        .npci = pci_irqs(d->pci, pci, MPTABLE_MAX_PCI),
    };
    uint32_t mp_off = (at.tables_len + 15) & ~15u;
    size_t mp_len = mptable_size(&mcfg);
    uint64_t size = ((uint64_t)mp_off + mp_len + 0xfff) & ~0xfffULL;
    if (at.rsdp_len > sizeof(d->rsdp) || size > low / 2) {
        acpi_tables_free(&at);
        return error_set(err, errlen, "the ACPI tables do not fit");
    }
    d->tables = calloc(1, size);
    if (!d->tables) {
        acpi_tables_free(&at);
        return error_set(err, errlen, "out of memory");
    }
    d->tables_size = (uint32_t)size;
    d->tables_base = (low - size) & ~0xfffULL;
    memcpy(d->tables, at.tables, at.tables_len);
    memcpy(d->rsdp, at.rsdp, at.rsdp_len);
    d->rsdp_len = at.rsdp_len;
    AcpiLinkFile files[2] = {
        {ACPI_RSDP_FILE, d->rsdp, at.rsdp_len, PC_DIRECT_RSDP},
        {ACPI_TABLES_FILE, d->tables, at.tables_len, d->tables_base},
    };
    int rc = acpi_link(at.loader, at.loader_len, files, 2);
    acpi_tables_free(&at);
    if (rc) {
        return error_set(err, errlen, "cannot link the ACPI tables");
    }
    if (!mptable_build(&mcfg, (uint32_t)(d->tables_base + mp_off), d->mp_fp,
                       d->tables + mp_off, size - mp_off)) {
        return error_set(err, errlen, "cannot build the MP table");
    }
    return 0;
}

static void mtrr_msrs(VcpuBootState *st)
{
    static const struct {
        uint32_t index;
        uint64_t value;
    } mtrr[] = {
        {MSR_MTRR_FIX64K_00000, MTRR_WB_X8},
        {MSR_MTRR_FIX16K_80000, MTRR_WB_X8},
        {MSR_MTRR_PHYS_BASE0, MTRR_UC_BASE},
        {MSR_MTRR_PHYS_MASK0, MTRR_UC_MASK},
        {MSR_MTRR_DEF_TYPE, MTRR_DEF_E_FE_WB},
    };
    for (size_t i = 0; i < sizeof(mtrr) / sizeof(mtrr[0]) &&
                       st->nmsrs < VCPU_BOOT_MAX_MSRS; i++) {
        st->msrs[st->nmsrs].index = mtrr[i].index;
        st->msrs[st->nmsrs].value = mtrr[i].value;
        st->nmsrs++;
    }
}

static int read_kernel(PcDirect *d, size_t *ksize, size_t *isize, char *err,
                       size_t errlen)
{
    const MachineConfig *cfg = d->m->cfg;
    char msg[256];
    if (firmware_read(cfg->kernel, KERNEL_MAX_SIZE, &d->image, ksize, msg,
                      sizeof(msg))) {
        return error_set(err, errlen, "-kernel %s", msg);
    }
    if (!linux_boot_probe(d->image, *ksize) &&
        !linux_direct_is_vmlinux(d->image, *ksize)) {
        if (multiboot_find_header(d->image, *ksize) >= 0) {
            return error_set(err, errlen, "-kernel %s: a Multiboot kernel needs "
                                     "the firmware (drop -bios none)",
                        cfg->kernel);
        }
        return error_set(err, errlen, "-kernel %s: not a Linux bzImage nor an "
                                 "ELF vmlinux", cfg->kernel);
    }
    *isize = 0;
    if (cfg->initrd) {
        if (strchr(cfg->initrd, ',')) {
            return error_set(err, errlen, "-initrd: several files are Multiboot "
                                     "modules; a Linux kernel takes one");
        }
        if (firmware_read(cfg->initrd, INITRD_MAX_SIZE, &d->initrd, isize,
                          msg, sizeof(msg))) {
            return error_set(err, errlen, "-initrd %s", msg);
        }
    }
    return 0;
}

PcDirect *pc_direct_init(Machine *m, PciBus *pci, uint64_t ram_below_4g,
                         uint64_t ram_above_4g, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    if (!m->accel->set_boot_state) {
        error_set(err, errlen, "-bios none: the %s accelerator cannot boot a "
                          "kernel directly", m->accel->name);
        return NULL;
    }
    PcDirect *d = calloc(1, sizeof(*d));
    if (!d) {
        error_set(err, errlen, "out of memory");
        return NULL;
    }
    d->m = m;
    d->pci = pci;
    size_t ksize, isize;
    char msg[256];
    if (read_kernel(d, &ksize, &isize, err, errlen) ||
        build_tables(d, ram_below_4g, ram_above_4g, err, errlen)) {
        pc_direct_free(d);
        return NULL;
    }
    if (pc_direct_e820(&d->e820, ram_below_4g, ram_above_4g,
                       d->tables_base)) {
        error_set(err, errlen, "-m: too little RAM below 4 GiB for direct boot");
        pc_direct_free(d);
        return NULL;
    }
    d->lc = (LinuxDirectConfig){
        .image = d->image,
        .image_size = ksize,
        .initrd = d->initrd,
        .initrd_size = isize,
        .cmdline = cfg->append,
        .e820 = &d->e820,
        .acpi_rsdp = PC_DIRECT_RSDP,
        .load_top = d->tables_base,
        .unpack = true,
    };
    const char *unpack = config_global(cfg, "direct-boot", "unpack");
    if (unpack && strcmp(unpack, "on") && strcmp(unpack, "off")) {
        error_set(err, errlen, "-global direct-boot.unpack=%s: on or off", unpack);
        pc_direct_free(d);
        return NULL;
    }
    d->lc.unpack = !unpack || !strcmp(unpack, "on");
    if (linux_direct_prepare(&d->lc, &d->ld, msg, sizeof(msg))) {
        error_set(err, errlen, "-kernel %s: %s", cfg->kernel, msg);
        pc_direct_free(d);
        return NULL;
    }
    mtrr_msrs(&d->ld.cpu);
    return d;
}

void pc_direct_free(PcDirect *d)
{
    if (d) {
        linux_direct_free(&d->ld);
        free(d->image);
        free(d->initrd);
        free(d->tables);
        free(d);
    }
}

/* The configuration cycles SeaBIOS's pciinit does on this board. */
static void setup_pci(PcDirect *d)
{
    PciBus *pci = d->pci;
    const uint8_t isa = PCI_DEVFN(1, 0), pm = PCI_DEVFN(1, 3);
    uint8_t elcr = 0;
    for (int i = 0; i < PCI_NUM_PIRQS; i++) {
        pci_bus_config_write(pci, 0, isa, PIIX_PIRQC + i, pirq_irqs[i], 1);
        elcr |= 1u << (pirq_irqs[i] - 8);
    }
    iobus_write(d->m->io, ELCR2_PORT, elcr, 1);
    pci_bus_config_write(pci, 0, pm, PIIX4_PMBA, PM_IO_BASE | 1, 4);
    pci_bus_config_write(pci, 0, pm, PIIX4_PMREGMISC, 1, 1);
    pci_bus_config_write(pci, 0, pm, PIIX4_SMBBA, SMBUS_IO_BASE | 1, 4);
    pci_bus_config_write(pci, 0, pm, PIIX4_SMBHSTCFG, 0x09, 1);
    MpPciIrq irqs[MPTABLE_MAX_PCI];
    int n = pci_irqs(pci, irqs, MPTABLE_MAX_PCI);
    for (int i = 0; i < n; i++) {
        for (int fn = 0; fn < 8; fn++) {
            uint8_t devfn = (uint8_t)PCI_DEVFN(irqs[i].slot, fn);
            if (pci_bus_config_read(pci, 0, devfn, PCI_INTERRUPT_PIN, 1) ==
                (uint32_t)irqs[i].pin + 1u) {
                pci_bus_config_write(pci, 0, devfn, PCI_INTERRUPT_LINE,
                                     irqs[i].irq, 1);
            }
        }
    }
    /* The SCI is wired to IRQ 9 whatever the pin routing says. */
    pci_bus_config_write(pci, 0, pm, PCI_INTERRUPT_LINE, SCI_IRQ, 1);
}

static void zero_ram(AddressSpace *as, uint64_t addr, uint64_t len)
{
    static const uint8_t zeros[4096];
    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
        as_dma_write(as, addr, zeros, n);
        addr += n;
        len -= n;
    }
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void pc_direct_reset(PcDirect *d)
{
    AddressSpace *as = d->m->as;
    const LinuxDirect *ld = &d->ld;
    uint8_t bda[2];
    if (d->ld_stale) {
        /* The unpacked kernel was let go after the last reset: unpack it
         * again (the same image, the same layout). */
        char msg[256];
        linux_direct_free(&d->ld);
        memset(&d->ld, 0, sizeof(d->ld));
        if (linux_direct_prepare(&d->lc, &d->ld, msg, sizeof(msg))) {
            log_error(&d->m->log, "reset: -kernel %s: %s", d->m->cfg->kernel,
                      msg);
            machine_request_exit(d->m, 1);
            return;
        }
        mtrr_msrs(&d->ld.cpu);
        d->ld_stale = false;
    }
    setup_pci(d);

    /* The BIOS data area names the EBDA and the base memory size. */
    put16(bda, PC_DIRECT_EBDA >> 4);
    as_dma_write(as, BDA_EBDA_SEG, bda, 2);
    put16(bda, PC_DIRECT_EBDA >> 10);
    as_dma_write(as, BDA_BASE_MEM_KB, bda, 2);
    as_dma_write(as, PC_DIRECT_RSDP, d->rsdp, d->rsdp_len);
    as_dma_write(as, PC_DIRECT_MP_FP, d->mp_fp, MPTABLE_FP_SIZE);
    as_dma_write(as, d->tables_base, d->tables, d->tables_size);

    as_dma_write(as, LD_GDT_ADDR, ld->gdt, sizeof(ld->gdt));
    as_dma_write(as, LD_BOOT_PARAMS_ADDR, ld->boot_params, BP_SIZE);
    if (ld->page_tables) {
        as_dma_write(as, LD_PML4_ADDR, ld->page_tables, LD_PT_SIZE);
    }
    as_dma_write(as, LD_CMDLINE_ADDR, ld->cmdline, ld->cmdline_size);
    for (int i = 0; i < ld->nkernel; i++) {
        const LinuxDirectPiece *p = &ld->kernel[i];
        as_dma_write(as, p->addr, p->data, p->len);
        zero_ram(as, p->addr + p->len, p->size - p->len);
    }
    if (ld->initrd_size) {
        as_dma_write(as, ld->initrd_addr, ld->initrd, ld->initrd_size);
    }
    /* The vmlinux pcvm unpacked (tens of MiB) now lives in guest RAM; the
     * host copy goes, and a later reset unpacks the image again, rather
     * than keep it resident for a reboot that may never come. */
    if (d->ld.unpacked) {
        free(d->ld.unpacked);
        d->ld.unpacked = NULL;
        d->ld.nkernel = 0;
        d->ld_stale = true;
    }
    /* A CPU without MTRRs keeps none: the rest of the state is loaded
     * whatever set_boot_state says about them. */
    (void)d->m->accel->set_boot_state(d->m, 0, &ld->cpu);
}
