/*
 * Disassembly for traces (-d in_asm, exec): through capstone when pcvm is
 * built with it, else the raw bytes and pcvm's own mnemonic.
 *
 * Promise: never faults and never changes guest state; unreadable code
 * prints as such.
 */
#ifndef PCVM_CPU_DISAS_H
#define PCVM_CPU_DISAS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Copy up to @n code bytes at CS:@rip without faulting; returns how many
 * could be read. */
unsigned x86_peek_code(X86Cpu *cpu, uint64_t rip, uint8_t *buf, unsigned n);
/* One instruction at CS:@rip as text. */
void x86_disas_at(X86Cpu *cpu, uint64_t rip, char *buf, size_t len);
/* Disassemble @n bytes for mode bits (16, 32, 64) into @buf. */
void x86_disas_bytes(const uint8_t *code, unsigned n, int bits, uint64_t addr,
                     char *buf, size_t len);

#endif
