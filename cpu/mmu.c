/*
 * The page walk: 32-bit paging (4 KiB and 4 MiB pages, PSE-36), PAE
 * (2 MiB pages, NX) and 4-level long-mode paging (1 GiB pages), with the
 * accessed and dirty bits, CR0.WP, and #PF error codes per the SDM (vol. 3,
 * chapter 4).
 */
#include "cpu/internal.h"
#include "cpu/models.h"

#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)

#define PF_P (1u << 0)
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I (1u << 4)

typedef struct WalkLevel {
    uint64_t addr;   /* physical address of the entry */
    unsigned size;   /* 4 or 8 */
} WalkLevel;

static bool walk_fault(X86Cpu *cpu, uint64_t lin, uint32_t err, bool probe)
{
    if (probe) {
        return false;
    }
    cpu->cr2 = lin;
    TRACE(cpu->log, LOG_MMU, "cpu%d: #PF at %#llx err %#x", cpu->index,
          (unsigned long long)lin, err);
    x86_raise(cpu, EXC_PF, (int)err);
}

bool x86_page_walk(X86Cpu *cpu, uint64_t lin, int acc, bool user,
                   bool probe, X86PageWalk *w)
{
    bool write = (acc & 3) == ACC_WRITE;
    bool exec = (acc & 3) == ACC_EXEC;
    bool nxe = (cpu->efer & EFER_NXE) != 0;
    bool pae = (cpu->cr4 & CR4_PAE) != 0;
    uint64_t phys_mask = (1ULL << x86_phys_bits(cpu)) - 1;
    uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0) |
                   (exec && (nxe || (cpu->cr4 & CR4_SMEP)) ? PF_I : 0);
    WalkLevel lv[5];
    int nlv = 0;
    uint64_t entry = 0;
    uint64_t rsvd_mask;
    bool rw = true, us = true, nx = false;
    uint64_t page_size;
    uint64_t frame;

    if (!pae) {
        /* 32-bit paging. */
        uint64_t pde_addr =
            (cpu->cr3 & 0xfffff000u) + ((lin >> 22) & 0x3ff) * 4;
        uint64_t pde = x86_phys_read(cpu, pde_addr, 4);
        lv[nlv++] = (WalkLevel){pde_addr, 4};
        if (!(pde & PTE_P)) {
            return walk_fault(cpu, lin, err, probe);
        }
        rw &= (pde & PTE_RW) != 0;
        us &= (pde & PTE_US) != 0;
        if ((pde & PTE_PS) && (cpu->cr4 & CR4_PSE)) {
            /* 4 MiB page. With PSE-36, bits 13 up hold physical address
             * bits 32 up, as many as the CPU has; the rest of bits 13-21
             * are reserved. */
            unsigned high = 0;
            if (x86_has_feature(cpu, X86_FEAT_PSE36) &&
                x86_phys_bits(cpu) > 32) {
                high = x86_phys_bits(cpu) > 40 ? 8 : x86_phys_bits(cpu) - 32;
            }
            uint64_t rsvd = ((1ULL << 22) - 1) & ~((1ULL << (13 + high)) - 1);
            if (pde & rsvd) {
                return walk_fault(cpu, lin, err | PF_P | PF_RSVD, probe);
            }
            frame = ((pde & 0xffc00000u) | ((pde & 0x1fe000ULL) << 19)) &
                    phys_mask;
            page_size = 4ULL << 20;
            entry = pde;
        } else {
            uint64_t pte_addr = (pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4;
            uint64_t pte = x86_phys_read(cpu, pte_addr, 4);
            lv[nlv++] = (WalkLevel){pte_addr, 4};
            if (!(pte & PTE_P)) {
                return walk_fault(cpu, lin, err, probe);
            }
            rw &= (pte & PTE_RW) != 0;
            us &= (pte & PTE_US) != 0;
            frame = pte & 0xfffff000u;
            page_size = PAGE_SIZE;
            entry = pte;
        }
    } else {
        /* PAE and long mode: 8-byte entries; reserved bits above the
         * physical address width, and NX without EFER.NXE. */
        rsvd_mask = ~phys_mask & 0x000ffffffffff000ULL;
        if (!nxe) {
            rsvd_mask |= PTE_NX;
        }
        uint64_t table;
        int levels;
        if (cpu->lma) {
            table = cpu->cr3 & phys_mask & ~0xfffULL;
            levels = 4;
        } else {
            /* The PDPTE registers, checked when they were loaded. */
            uint64_t pdpte = cpu->pdpte[(lin >> 30) & 3];
            if (!(pdpte & PTE_P)) {
                return walk_fault(cpu, lin, err, probe);
            }
            table = pdpte & phys_mask & ~0xfffULL;
            levels = 2;
        }
        for (int level = levels; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            uint64_t addr = table + ((lin >> shift) & 0x1ff) * 8;
            entry = x86_phys_read(cpu, addr, 8);
            lv[nlv++] = (WalkLevel){addr, 8};
            if (!(entry & PTE_P)) {
                return walk_fault(cpu, lin, err, probe);
            }
            uint64_t rsvd = rsvd_mask;
            if (level == 4 && cpu->lma) {
                rsvd |= PTE_PS | PTE_G;
            }
            if ((entry & PTE_PS) && level == 3 &&
                !x86_has_feature(cpu, X86_FEAT_PDPE1GB)) {
                rsvd |= PTE_PS;
            }
            if ((entry & PTE_PS) && (level == 2 || level == 3)) {
                /* Large page: the low frame bits except PAT are reserved. */
                rsvd |= ((1ULL << shift) - 1) & ~0x1fffULL;
            }
            if (entry & rsvd) {
                return walk_fault(cpu, lin, err | PF_P | PF_RSVD, probe);
            }
            rw &= (entry & PTE_RW) != 0;
            us &= (entry & PTE_US) != 0;
            nx |= nxe && (entry & PTE_NX);
            if (level == 1 || ((entry & PTE_PS) && level <= 3)) {
                page_size = 1ULL << shift;
                frame = entry & phys_mask & ~(page_size - 1);
                break;
            }
            table = entry & phys_mask & ~0xfffULL;
        }
    }

    /* Permission checks. */
    bool wp = (cpu->cr0 & CR0_WP) != 0;
    if (user && !us) {
        return walk_fault(cpu, lin, err | PF_P, probe);
    }
    if (write && !rw && (user || wp)) {
        return walk_fault(cpu, lin, err | PF_P, probe);
    }
    if (exec && nx) {
        return walk_fault(cpu, lin, err | PF_P, probe);
    }
    if (exec && !user && us && (cpu->cr4 & CR4_SMEP)) {
        return walk_fault(cpu, lin, err | PF_P, probe);
    }

    /* Accessed on every level; dirty on the leaf for writes. */
    for (int i = 0; i < nlv; i++) {
        uint64_t e = x86_phys_read(cpu, lv[i].addr, lv[i].size);
        uint64_t set = PTE_A;
        if (i == nlv - 1 && write) {
            set |= PTE_D;
        }
        if ((e & set) != set) {
            x86_phys_write(cpu, lv[i].addr, (uint32_t)(e | set), 4);
        }
        if (i == nlv - 1) {
            entry = e | set;
        }
    }

    w->page_size = page_size;
    w->paddr = frame | (lin & (page_size - 1));
    w->user = us;
    w->writable = user ? rw : (rw || !wp);
    w->executable = !nx && !(!user && us && (cpu->cr4 & CR4_SMEP));
    w->dirty = (entry & PTE_D) != 0;
    w->global = (entry & PTE_G) && (cpu->cr4 & CR4_PGE);
    return true;
}

bool x86_load_pdptes(X86Cpu *cpu, uint64_t cr3)
{
    uint64_t phys_mask = (1ULL << x86_phys_bits(cpu)) - 1;
    /* Legacy PDPTEs have no RW, US, A, D, PS or NX: those bits and every
     * address bit beyond the physical width are reserved. */
    uint64_t rsvd = (~phys_mask & ~0xfffULL) | 0x1e6ULL;
    uint64_t e[4];
    for (int i = 0; i < 4; i++) {
        e[i] = x86_phys_read(cpu, (cr3 & 0xffffffe0u) + i * 8, 8);
        if ((e[i] & PTE_P) && (e[i] & rsvd)) {
            return false;
        }
    }
    memcpy(cpu->pdpte, e, sizeof(e));
    return true;
}
