/* The E820 table: see e820.h. */
#include "hw/pc/e820.h"

#include "core/bytes.h"

int e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type)
{
    if (t->count >= E820_MAX_ENTRIES || size == 0 ||
        addr + size - 1 < addr) {
        return -1;
    }
    t->e[t->count].addr = addr;
    t->e[t->count].size = size;
    t->e[t->count].type = type;
    t->count++;
    return 0;
}

size_t e820_encode(const E820Table *t, uint8_t *out)
{
    for (int i = 0; i < t->count; i++) {
        uint8_t *p = out + i * E820_ENTRY_SIZE;
        le_store(p, t->e[i].addr, 8);
        le_store(p + 8, t->e[i].size, 8);
        le_store(p + 16, t->e[i].type, 4);
    }
    return (size_t)t->count * E820_ENTRY_SIZE;
}
