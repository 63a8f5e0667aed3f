/* Disassembly through capstone (Debian's libcapstone-dev). */
#include "cpu/disas.h"

#include <capstone/capstone.h>
#include <stdio.h>

void x86_disas_bytes(const uint8_t *code, unsigned n, int bits, uint64_t addr,
                     char *buf, size_t len)
{
    csh h;
    cs_mode mode = bits == 64 ? CS_MODE_64 : bits == 32 ? CS_MODE_32
                                                        : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        snprintf(buf, len, "(capstone unavailable)");
        return;
    }
    cs_insn *insn;
    size_t count = cs_disasm(h, code, n, addr, 1, &insn);
    if (count > 0) {
        char hex[48] = "";
        size_t pos = 0;
        for (unsigned i = 0; i < insn[0].size && pos + 3 < sizeof(hex); i++) {
            pos += snprintf(hex + pos, sizeof(hex) - pos, "%02x", insn[0].bytes[i]);
        }
        snprintf(buf, len, "%-20s %s %s", hex, insn[0].mnemonic,
                 insn[0].op_str);
        cs_free(insn, count);
    } else {
        snprintf(buf, len, "%02x (bad)", code[0]);
    }
    cs_close(&h);
}
