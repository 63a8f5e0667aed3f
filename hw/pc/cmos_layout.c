/* CMOS contents for the firmware: see cmos_layout.h. */
#include "hw/pc/cmos_layout.h"

#include <stddef.h>

static int boot_code(char c)
{
    switch (c) {
    case 'a': return 1;
    case 'c': return 2;
    case 'd': return 3;
    case 'n': return 4;
    default: return -1;
    }
}

int pc_cmos_layout(uint64_t ram_below_4g, uint64_t ram_above_4g, int ncpus,
                   const char *boot_order, CmosSetter *set, void *opaque)
{
    int code[3] = {0, 0, 0};
    for (int i = 0; boot_order && boot_order[i]; i++) {
        int c = boot_code(boot_order[i]);
        if (c < 0) {
            return -1;
        }
        if (i < 3) {
            code[i] = c;
        }
    }
    uint64_t ext_kb = ram_below_4g > (1 << 20)
                          ? (ram_below_4g >> 10) - 1024 : 0;
    if (ext_kb > 0xffff) {
        ext_kb = 0xffff;
    }
    uint64_t above16 = ram_below_4g > (16 << 20)
                           ? (ram_below_4g - (16 << 20)) >> 16 : 0;
    if (above16 > 0xffff) {
        above16 = 0xffff;
    }
    uint64_t above4g = ram_above_4g >> 16;
    if (above4g > 0xffffff) {
        above4g = 0xffffff;
    }
    set(opaque, 0x10, 0);
    set(opaque, 0x12, 0);
    set(opaque, 0x15, 640 & 0xff);
    set(opaque, 0x16, 640 >> 8);
    set(opaque, 0x17, (uint8_t)ext_kb);
    set(opaque, 0x18, (uint8_t)(ext_kb >> 8));
    set(opaque, 0x30, (uint8_t)ext_kb);
    set(opaque, 0x31, (uint8_t)(ext_kb >> 8));
    set(opaque, 0x34, (uint8_t)above16);
    set(opaque, 0x35, (uint8_t)(above16 >> 8));
    set(opaque, 0x5b, (uint8_t)above4g);
    set(opaque, 0x5c, (uint8_t)(above4g >> 8));
    set(opaque, 0x5d, (uint8_t)(above4g >> 16));
    set(opaque, 0x5f, (uint8_t)(ncpus - 1));
    set(opaque, 0x3d, (uint8_t)(code[0] | code[1] << 4));
    set(opaque, 0x38, (uint8_t)(code[2] << 4 | 1));
    return 0;
}
