/*
 * Building blocks: decode from cpu->rip with the interpreter's decoder
 * until a control transfer (OPF_BRANCH), a mode-changing or serialising
 * instruction (OPF_END), the end of the page, an instruction that runs
 * into the next page, or TB_MAX_INSNS.
 *
 * Only the first instruction is decoded as the interpreter would decode
 * it, faults and all. The others are decoded ahead of time, so they must
 * have no side effect: their bytes come from pages already in the code
 * TLB (no page walk, no accessed bit set, no CR2 written), and one that
 * would fault (#UD, #GP past the CS limit) simply ends the block before
 * it - when execution gets there, a new block starts with it and the
 * fault is raised for real.
 */
#include <setjmp.h>
#include <string.h>

#include "cpu/disas.h"
#include "cpu/ops.h"
#include "tcg-lite/tb.h"

#define MAX_INSN_LEN 15

static inline TlbEntry *code_entry(X86Cpu *cpu, uint64_t lin)
{
    return &cpu->tlb->e[cpu->cpl == 3 ? MMU_USER : MMU_SUPER]
                       [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
}

/* Can the decoder read the page at linear @lin without a page walk? */
static bool page_ready(X86Cpu *cpu, uint64_t lin)
{
    if (!cpu->lma) {
        lin = (uint32_t)lin;
    }
    TlbEntry *e = code_entry(cpu, lin);
    if (e->tag_code == (lin & PAGE_MASK)) {
        return true;
    }
    if (!(cpu->cr0 & CR0_PG)) {
        /* Without paging a TLB fill reads nothing from the guest. */
        return x86_fetch_ptr(cpu, lin) != NULL;
    }
    return false;
}

/* Decode ahead: false (and no trace of the attempt) if it would fault. */
static bool try_decode(X86Cpu *cpu, DecodedInsn *d)
{
    jmp_buf saved;
    const uint32_t eflags = cpu->eflags;
    const uint64_t cr2 = cpu->cr2;
    memcpy(saved, cpu->jmp_env, sizeof(saved));
    if (setjmp(cpu->jmp_env)) {
        memcpy(cpu->jmp_env, saved, sizeof(saved));
        cpu->eflags = eflags;
        cpu->cr2 = cr2;
        return false;
    }
    x86_decode(cpu, d);
    memcpy(cpu->jmp_env, saved, sizeof(saved));
    return true;
}

static bool is_direct_branch(const DecodedInsn *d)
{
    return d->handler == op_jcc || d->handler == op_jmp_rel ||
           d->handler == op_call_rel || d->handler == op_loop ||
           d->handler == op_jcxz;
}

static void trace_block(X86Cpu *cpu, const TcgBlock *b)
{
    log_trace(cpu->log, LOG_IN_ASM, "IN: cpu%d %04x:%08llx (phys %#llx, "
              "%u insns)", cpu->index, cpu->seg[R_CS].sel,
              (unsigned long long)b->pc, (unsigned long long)b->phys,
              b->n_ops);
    uint64_t pc = b->pc;
    for (unsigned i = 0; i < b->n_ops; i++) {
        char text[128];
        x86_disas_at(cpu, pc, text, sizeof(text));
        log_trace(cpu->log, LOG_IN_ASM, "  %08llx  %s",
                  (unsigned long long)pc, text);
        pc = (pc + b->ops[i].d.len) & b->rip_mask;
    }
}

TcgBlock *tb_translate(TcgLite *t, X86Cpu *cpu, uint64_t lin, uint64_t phys,
                       const uint8_t *host)
{
    const size_t need = sizeof(TcgBlock) + TB_MAX_INSNS * sizeof(TcgOp) +
                        2 * sizeof(TcgPage) + 64;
    if (t->arena_size - t->arena_used < need) {
        tb_flush(t);
        if (t->arena_size < need) {
            return NULL;
        }
    }
    TcgBlock *b = (TcgBlock *)(t->arena + t->arena_used);
    memset(b, 0, sizeof(*b));
    const uint64_t pc0 = cpu->rip;
    const uint64_t mask = cpu->code64 ? ~0ULL
                          : cpu->code32 ? 0xffffffffULL : 0xffffULL;
    const uint64_t cs_base = cpu->seg[R_CS].base;
    const unsigned max = (cpu->hflags & X86_HF_TF) ? 1 : TB_MAX_INSNS;
    uint64_t pc = pc0, phys2 = 0;
    unsigned n = 0, size = 0;
    int cc = -1;

    b->pc = pc0;
    b->cs_base = cs_base;
    b->hflags = cpu->hflags;
    b->phys = phys;
    b->host = host;
    b->rip_mask = mask;
    b->exit = TB_EXIT_NEXT;
    while (n < max) {
        TcgOp *op = &b->ops[n];
        uint64_t ilin = cpu->code64 ? pc : (uint32_t)(cs_base + pc);
        unsigned in_page = PAGE_SIZE - (ilin & ~PAGE_MASK);
        if (n > 0 && (ilin & PAGE_MASK) != (lin & PAGE_MASK)) {
            break;
        }
        if (in_page < MAX_INSN_LEN && !page_ready(cpu, ilin + in_page)) {
            /* It may run into a page the decoder would have to walk to:
             * only the interpreter fetches that, when it gets there. */
            break;
        }
        cpu->rip = pc;
        if (n == 0) {
            x86_decode(cpu, &op->d);
        } else if (!try_decode(cpu, &op->d)) {
            break;
        }
        unsigned len = op->d.len;
        uint32_t flags = op->d.op->flags;
        bool straddles = len > in_page;
        if (straddles) {
            uint64_t lin2 = ilin + in_page;
            if (!cpu->lma) {
                lin2 = (uint32_t)lin2;
            }
            TlbEntry *e = code_entry(cpu, lin2);
            if (e->tag_code != (lin2 & PAGE_MASK)) {
                /* Fetched through the slow path (MMIO): not cached. */
                break;
            }
            b->host2 = (const uint8_t *)(uintptr_t)(lin2 + e->addend);
            phys2 = e->paddr;
        }
        bool direct = is_direct_branch(&op->d);
        X86Handler *fast = tb_specialize(&op->d, b->hflags, cc);
        cc = tb_cc_after(&op->d, cc);
        uint64_t next = (pc + len) & mask;
        op->interp = op->d.handler;
        op->pc = pc;
        op->next = next;
        /* (Made tb_call_interp below unless it stays the last.) */
        op->d.handler = fast ? fast : op->interp;
        n++;
        size += len;
        b->link_pc[0] = next;
        /* A REP string instruction ends its block too: it may yield with
         * rip on itself, which only the last instruction may do. */
        if ((flags & OPF_STRING) && op->d.rep &&
            !(flags & (OPF_BRANCH | OPF_END))) {
            break; /* (falls through to link_pc[0] when done) */
        }
        if (flags & (OPF_BRANCH | OPF_END)) {
            b->exit = (flags & OPF_END) ? TB_EXIT_END : TB_EXIT_INDIRECT;
            if (!(flags & OPF_END) && direct) {
                b->exit = TB_EXIT_DIRECT;
                b->link_pc[1] = (next + op->d.imm) &
                                (cpu->code64 && op->d.opsize == 8
                                     ? ~0ULL : size_mask(op->d.opsize));
            }
            break;
        }
        if (straddles || next != pc + len) {
            /* Into the next page, or around the end of a 16-bit (32-bit)
             * code segment. */
            break;
        }
        pc = next;
    }
    cpu->rip = pc0;
    if (n == 0) {
        return NULL;
    }
    for (unsigned i = 0; i + 1 < n; i++) {
        if (b->ops[i].d.handler == b->ops[i].interp) {
            b->ops[i].d.handler = tb_call_interp;
        }
    }
    b->n_ops = n;
    b->size = size;
    b->end_off = pc0 + size - 1;
    tb_alloc(t, sizeof(TcgBlock) + n * sizeof(TcgOp));
    if (!tb_commit(t, b, phys2)) {
        /* A page that cannot be watched (not plain RAM or ROM): the
         * interpreter runs it; the block stays behind, invalid. */
        return NULL;
    }
    b->jc_index = tb_jc_hash(lin);
    t->stats.blocks_built++;
    t->stats.insns_translated += n;
    if (log_enabled(cpu->log, LOG_IN_ASM)) {
        trace_block(cpu, b);
    }
    return b;
}
