/*
 * Running blocks. tb_exec() is the vCPU's block_exec hook (cpu/cpu.h): it
 * finds the block at cpu->rip - jump cache by linear pc, validated
 * through the code TLB against the host bytes the block was built from;
 * else the hash by physical address; else a new translation - and runs it
 * and its successors, following direct links, until the budget is spent,
 * an instruction leaves the straight path, or an event is pending.
 *
 * Per instruction it does what the interpreter's step does around the
 * handler: rip, insn_start and next_rip, icount, and after the handler a
 * look at interrupt_request (a deliverable event, or CPU_REQ_TB_EXIT when
 * the block's own code was overwritten) and at the mode bits. So events
 * are taken at exactly the instruction boundaries the interpreter takes
 * them at, and -icount runs are the interpreter's, instruction for
 * instruction. Single-stepping (TF) runs one-instruction blocks through
 * the interpreter's own post-instruction logic; DR7 breakpoints are left
 * to the interpreter.
 */
#include "cpu/debug.h"
#include "tcg-lite/tb.h"

static inline TlbEntry *code_entry(X86Cpu *cpu, uint64_t lin)
{
    return &cpu->tlb->e[cpu->cpl == 3 ? MMU_USER : MMU_SUPER]
                       [(lin >> PAGE_SHIFT) & (TLB_SIZE - 1)];
}

/* Does the code TLB still map @b's bytes at cpu->rip, inside the CS
 * limit? */
static inline bool block_mapped(X86Cpu *cpu, const TcgBlock *b, uint64_t lin)
{
    TlbEntry *e = code_entry(cpu, lin);
    if (e->tag_code != (lin & PAGE_MASK) ||
        (uintptr_t)(lin + e->addend) != (uintptr_t)b->host) {
        return false;
    }
    if (!cpu->code64 && b->end_off > cpu->seg[R_CS].limit) {
        return false;
    }
    if (__builtin_expect(b->host2 != NULL, 0)) {
        uint64_t lin2 = (lin & PAGE_MASK) + PAGE_SIZE;
        if (!cpu->lma) {
            lin2 = (uint32_t)lin2;
        }
        TlbEntry *e2 = code_entry(cpu, lin2);
        if (e2->tag_code != lin2 ||
            (uintptr_t)(lin2 + e2->addend) != (uintptr_t)b->host2) {
            return false;
        }
    }
    return true;
}

/* The block at cpu->rip, or NULL (the interpreter steps). Raises what
 * fetching the first instruction raises. */
static TcgBlock *find_block(TcgLite *t, TcgVcpu *v, X86Cpu *cpu)
{
    uint64_t pc = cpu->rip, base = cpu->seg[R_CS].base;
    uint32_t hf = cpu->hflags;
    uint64_t lin = cpu->code64 ? pc : (uint32_t)(base + pc);
    unsigned idx = tb_jc_hash(lin);
    TcgBlock *b = v->jc[idx];
    if (b && b->pc == pc && b->cs_base == base && b->hflags == hf &&
        b->valid && block_mapped(cpu, b, lin)) {
        return b;
    }
    t->stats.jc_misses++;
    /* As the decoder fetches: the CS limit (or canonical form) first,
     * then the page. */
    if (cpu->code64 ? !x86_is_canonical(pc) : pc > cpu->seg[R_CS].limit) {
        return NULL;
    }
    const uint8_t *host = x86_fetch_ptr(cpu, lin);
    if (!host) {
        return NULL;
    }
    uint64_t phys = code_entry(cpu, lin)->paddr | (lin & ~PAGE_MASK);
    b = tb_hash_find(t, phys, pc, base, hf);
    if (b && !block_mapped(cpu, b, lin)) {
        if (b->end_off > cpu->seg[R_CS].limit && !cpu->code64) {
            /* A smaller CS limit than it was built for. */
            return NULL;
        }
        /* Its second page maps elsewhere now: build it again. */
        tb_invalidate(t, b);
        b = NULL;
    }
    if (!b) {
        b = tb_translate(t, cpu, lin, phys, host);
        if (!b) {
            t->stats.steps++;
            return NULL;
        }
    }
    v->jc[idx] = b;
    return b;
}

/* Must the block stop after this instruction? A deliverable event, or
 * CPU_REQ_TB_EXIT. (INTR alone with IF clear is not one.) */
static inline bool must_stop(const X86Cpu *cpu)
{
    return (cpu->interrupt_request & CPU_REQ_TB_EXIT) || x86_irq_pending(cpu);
}

void tb_call_interp(X86Cpu *cpu, const DecodedInsn *d)
{
    tb_set_pc(cpu, d);
    tb_op(d)->interp(cpu, d);
}

/* Run at most @budget instructions of @b from its start; returns how many
 * retired. cpu->rip is left where execution continues; *@straight says
 * whether it went through to the block's end with nothing to look at.
 * @req_mask: the interrupt_request bits that may stop it.
 *
 * The instructions before the last cannot branch (blocks end at
 * branches, and at REP string instructions, which may yield): after each
 * only the event word is looked at, and rip, insn_start and next_rip are
 * left to the handlers that need them (TcgOp). The last gets the
 * interpreter's full treatment. */
static inline uint64_t run_block(X86Cpu *cpu, const TcgBlock *b,
                                 uint64_t budget, uint32_t req_mask,
                                 bool *straight)
{
    const TcgOp *op = b->ops;
    const TcgOp *last = b->ops + b->n_ops - 1;
    const bool cut = budget < b->n_ops;
    const TcgOp *end = cut ? b->ops + budget : last;

    for (; op < end; op++) {
        op->d.handler(cpu, &op->d);
        cpu->icount++;
        if (__builtin_expect((cpu->interrupt_request & req_mask) != 0, 0) &&
            must_stop(cpu)) {
            cpu->rip = op->next;
            *straight = false;
            return (uint64_t)(op - b->ops) + 1;
        }
    }
    if (cut) {
        cpu->rip = end[-1].next;
        *straight = false;
        return budget;
    }
    cpu->rip = op->pc;
    cpu->insn_start = op->pc;
    cpu->next_rip = op->next;
    op->d.handler(cpu, &op->d);
    cpu->icount++;
    bool stop = (cpu->interrupt_request & req_mask) && must_stop(cpu);
    if (cpu->next_rip == cpu->insn_start && op->d.rep &&
        (op->d.op->flags & OPF_STRING)) {
        /* A REP instruction yielding: as in the interpreter. */
        cpu->eflags |= FL_RF;
    }
    /* (A taken branch is straight too: the caller follows its link.) */
    *straight = !stop && cpu->hflags == b->hflags;
    cpu->rip = cpu->next_rip;
    return b->n_ops;
}

/* TF set: one instruction through the interpreter's post-step logic. */
static void run_single_step(X86Cpu *cpu, const TcgBlock *b)
{
    const DecodedInsn *d = &b->ops[0].d;
    cpu->insn_start = cpu->rip;
    cpu->eflags &= ~FL_RF;
    cpu->next_rip = (cpu->rip + d->len) & b->rip_mask;
    x86_exec_decoded(cpu, d, true);
    /* Not trapped: the single-step trap was held (MOV SS, POP SS). */
    cpu->icount++;
}

static void trace_exec(X86Cpu *cpu, const TcgBlock *b)
{
    if (log_enabled(cpu->log, LOG_CPU)) {
        x86_cpu_dump(cpu, log_file(cpu->log));
    }
    if (log_enabled(cpu->log, LOG_EXEC)) {
        log_trace(cpu->log, LOG_EXEC,
                  "cpu%d: block %04x:%08llx (phys %#llx, %u insns)",
                  cpu->index, cpu->seg[R_CS].sel, (unsigned long long)b->pc,
                  (unsigned long long)b->phys, b->n_ops);
    }
}

bool tb_exec(X86Cpu *cpu, uint64_t budget)
{
    TcgVcpu *v = cpu->block_opaque;
    TcgLite *t = v->t;

    cpu->interrupt_request &= ~CPU_REQ_TB_EXIT;
    t->running = NULL;      /* (if a fault left it set) */
    t->running_cpu = NULL;
    if (t->flush_pending) {
        tb_flush(t);
    }
    if (__builtin_expect(cpu->hflags & X86_HF_DBG, 0)) {
        /* Breakpoints in DR7: every instruction checks them first. */
        return false;
    }
    TcgBlock *b = find_block(t, v, cpu);
    if (!b) {
        return false;
    }
    bool tracing = log_enabled(cpu->log, LOG_EXEC) ||
                   log_enabled(cpu->log, LOG_CPU);
    if (__builtin_expect(cpu->hflags & X86_HF_TF, 0)) {
        if (tracing) {
            trace_exec(cpu, b);
        }
        t->stats.blocks_run++;
        run_single_step(cpu, b);
        return true;
    }
    /* RF is set only by instructions that end blocks (and exceptions):
     * clearing it here is clearing it before each step. With IF clear a
     * raised INTR pin is no event; only instructions that end blocks can
     * set IF. */
    cpu->eflags &= ~FL_RF;
    const uint32_t req_mask = (cpu->eflags & FL_IF) ? ~0u : ~CPU_REQ_INTR;
    uint64_t entered = 0, chained = 0;
    t->running_cpu = cpu;
    for (;;) {
        bool straight;
        if (__builtin_expect(tracing, 0)) {
            trace_exec(cpu, b);
        }
        entered++;
        t->running = b;
        uint64_t n = run_block(cpu, b, budget, req_mask, &straight);
        budget -= n;
        if (!budget || !straight || t->flush_pending) {
            break;
        }
        /* Straight on to the next block. */
        int slot = b->exit == TB_EXIT_DIRECT && cpu->rip != b->link_pc[0];
        TcgBlock *nb = b->link[slot];
        if (nb && nb->valid && nb->pc == cpu->rip &&
            nb->hflags == cpu->hflags) {
            chained++;
            b = nb;
            continue;
        }
        if (b->exit == TB_EXIT_END) {
            /* Past a mode-changing or serialising instruction (STI and
             * MOV SS among them): back to the run loop first. */
            break;
        }
        uint64_t gen = t->flush_gen;
        t->running = NULL;
        nb = find_block(t, v, cpu);
        if (!nb) {
            break;
        }
        if (b->exit == TB_EXIT_INDIRECT) {
            b = nb;
            continue;
        }
        /* Link within the page only: the source's entry check then vouches
         * for the target's mapping too. */
        if (t->chain && gen == t->flush_gen &&
            cpu->rip == b->link_pc[slot] && !nb->host2 &&
            nb->cs_base == b->cs_base &&
            (((uintptr_t)nb->host ^ (uintptr_t)b->host) & PAGE_MASK) == 0) {
            b->link[slot] = nb;
        }
        b = nb;
    }
    t->running = NULL;
    t->running_cpu = NULL;
    t->stats.blocks_run += entered;
    t->stats.chained += chained;
    return true;
}
