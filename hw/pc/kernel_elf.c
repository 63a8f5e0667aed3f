/* vmlinux as ELF: see kernel_elf.h. Layouts from the System V ABI (ELF
 * header, program header) and its i386 and x86-64 supplements. */
#include "hw/pc/kernel_elf.h"

#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

bool kernel_elf_probe(const uint8_t *p, size_t size)
{
    return size >= 16 && !memcmp(p, "\177ELF", 4);
}

int kernel_elf_parse(const uint8_t *elf, size_t size, KernelElf *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!kernel_elf_probe(elf, size) || elf[EI_DATA] != ELFDATA2LSB ||
        (elf[EI_CLASS] != ELFCLASS32 && elf[EI_CLASS] != ELFCLASS64)) {
        return error_set(err, errlen, "not a little-endian ELF file");
    }
    bool is64 = elf[EI_CLASS] == ELFCLASS64;
    /* Field offsets and sizes of the two classes. */
    unsigned ehsize = is64 ? 64 : 52, w = is64 ? 8 : 4;
    if (size < ehsize) {
        return error_set(err, errlen, "truncated ELF header");
    }
    unsigned machine = (unsigned)le_load(elf + 18, 2);
    if (le_load(elf + 16, 2) != ET_EXEC ||
        machine != (is64 ? EM_X86_64 : EM_386)) {
        return error_set(err, errlen, "not an x86 ELF executable");
    }
    uint64_t entry = le_load(elf + 24, w);
    uint64_t phoff = le_load(elf + 24 + w, w);
    unsigned phentsize = (unsigned)le_load(elf + 42 + 3 * (w - 4), 2);
    unsigned phnum = (unsigned)le_load(elf + 44 + 3 * (w - 4), 2);
    unsigned want = is64 ? 56 : 32;
    if (phentsize != want || phnum == 0 || phoff > size ||
        (uint64_t)phnum * want > size - phoff) {
        return error_set(err, errlen, "bad program header table");
    }
    out->is64 = is64;
    out->entry = entry;
    out->lo = UINT64_MAX;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = elf + phoff + (uint64_t)i * want;
        if (le_load(ph, 4) != PT_LOAD) {
            continue;
        }
        uint64_t off, paddr, filesz, memsz;
        if (is64) {
            off = le_load(ph + 8, 8);
            paddr = le_load(ph + 24, 8);
            filesz = le_load(ph + 32, 8);
            memsz = le_load(ph + 40, 8);
        } else {
            off = le_load(ph + 4, 4);
            paddr = le_load(ph + 12, 4);
            filesz = le_load(ph + 16, 4);
            memsz = le_load(ph + 20, 4);
        }
        if (off > size || filesz > size - off || memsz < filesz ||
            paddr + memsz < paddr) {
            return error_set(err, errlen, "bad PT_LOAD segment %u", i);
        }
        if (memsz == 0) {
            continue;
        }
        for (int j = 0; j < out->nsegs; j++) {
            const KernelElfSeg *s = &out->seg[j];
            if (paddr < s->paddr + s->memsz && s->paddr < paddr + memsz) {
                return error_set(err, errlen, "PT_LOAD segment %u overlaps "
                                         "another", i);
            }
        }
        if (out->nsegs == KERNEL_ELF_MAX_SEGS) {
            return error_set(err, errlen, "more than %d PT_LOAD segments",
                        KERNEL_ELF_MAX_SEGS);
        }
        out->seg[out->nsegs++] = (KernelElfSeg){paddr, elf + off, filesz,
                                                memsz};
        if (paddr < out->lo) {
            out->lo = paddr;
        }
        if (paddr + memsz > out->hi) {
            out->hi = paddr + memsz;
        }
    }
    if (out->nsegs == 0) {
        return error_set(err, errlen, "no PT_LOAD segment");
    }
    return 0;
}
