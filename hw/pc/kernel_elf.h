/*
 * An uncompressed Linux kernel (vmlinux) as an ELF executable: what a
 * bzImage's decompressor unpacks and loads, which pcvm can load itself
 * when it boots a kernel without firmware.
 *
 * Promise: kernel_elf_parse() checks an ELF32 i386 or ELF64 x86-64
 * executable and lists its PT_LOAD segments with their physical load
 * addresses (p_paddr), in file order, and the entry point (e_entry, a
 * physical address in Linux kernels). Every header, table and file range
 * is checked against the file; segments must not overlap or wrap, and
 * their memory size is at least their file size. It touches no guest
 * memory; the segments point into the caller's buffer.
 */
#ifndef PCVM_HW_KERNEL_ELF_H
#define PCVM_HW_KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KERNEL_ELF_MAX_SEGS 16

typedef struct KernelElfSeg {
    uint64_t paddr;
    const uint8_t *data;   /* filesz bytes; the rest up to memsz is zero */
    uint64_t filesz;
    uint64_t memsz;
} KernelElfSeg;

typedef struct KernelElf {
    bool is64;
    uint64_t entry;
    int nsegs;
    KernelElfSeg seg[KERNEL_ELF_MAX_SEGS];
    uint64_t lo, hi;       /* lowest paddr, end of the highest segment */
} KernelElf;

/* Does it start like an ELF file? */
bool kernel_elf_probe(const uint8_t *p, size_t size);
int kernel_elf_parse(const uint8_t *elf, size_t size, KernelElf *out,
                     char *err, size_t errlen);

#endif
