/* Disassembly without capstone: the bytes only. */
#include "cpu/disas.h"

#include <stdio.h>

void x86_disas_bytes(const uint8_t *code, unsigned n, int bits, uint64_t addr,
                     char *buf, size_t len)
{
    size_t pos = 0;
    (void)bits;
    (void)addr;
    for (unsigned i = 0; i < n && i < 8 && pos + 3 < len; i++) {
        pos += snprintf(buf + pos, len - pos, "%02x ", code[i]);
    }
    if (pos < len) {
        snprintf(buf + pos, len - pos, "(built without capstone)");
    }
}
