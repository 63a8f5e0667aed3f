/* Non-faulting code reads for the disassembler (see disas.h). */
#include "cpu/disas.h"

#include "cpu/internal.h"

unsigned x86_peek_code(X86Cpu *cpu, uint64_t rip, uint8_t *buf, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t off = rip + i;
        uint64_t lin;
        if (cpu->code64) {
            lin = off;
        } else {
            off &= cpu->code32 ? 0xffffffffULL : 0xffffULL;
            if (off > cpu->seg[R_CS].limit) {
                return i;
            }
            lin = (uint32_t)(cpu->seg[R_CS].base + off);
        }
        uint64_t pa = lin;
        if (cpu->cr0 & CR0_PG) {
            X86PageWalk w;
            /* A probing walk still sets accessed bits; traces are rare
             * and real CPUs prefetch too. */
            if (!x86_page_walk(cpu, lin, ACC_EXEC, cpu->cpl == 3, true, &w)) {
                return i;
            }
            pa = w.paddr;
        }
        MemLookup l;
        if (!as_lookup(cpu->as, pa, &l) || !l.host) {
            return i;
        }
        buf[i] = *l.host;
    }
    return n;
}

void x86_disas_at(X86Cpu *cpu, uint64_t rip, char *buf, size_t len)
{
    uint8_t code[15];
    unsigned n = x86_peek_code(cpu, rip, code, sizeof(code));
    if (n == 0) {
        snprintf(buf, len, "(code not readable)");
        return;
    }
    int bits = cpu->code64 ? 64 : cpu->code32 ? 32 : 16;
    x86_disas_bytes(code, n, bits, rip, buf, len);
}
