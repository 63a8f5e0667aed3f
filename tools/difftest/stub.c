/*
 * The layout both runners share, and the host's entry stub: the code
 * that loads a stream's initial state from the scratch page and jumps to
 * it (see dt.h).
 */
#include "tools/difftest/dt.h"

#include <string.h>

void dt_layout_init(DtLayout *lay, uint32_t code_base)
{
    lay->code_base = code_base;
    lay->sbx_base = code_base + DT_CODE_SIZE;
    lay->stack_lo = lay->sbx_base + DT_SBX_SIZE / 2;
    lay->stack_hi = lay->sbx_base + DT_SBX_SIZE - 0x800;
    /* A gap of unmapped pages, then the stub and its data. */
    lay->stub_base = lay->sbx_base + DT_SBX_SIZE + 0x10000;
    lay->scratch_base = lay->stub_base + DT_PAGE;
    lay->gs_base = lay->sbx_base + DT_SBX_SIZE / 2;
}

#define SCRATCH_STACK 0x800u

/* Scratch page layout: the registers (0-31), EFLAGS (32), DS ES SS (36,
 * 38, 40), the far pointer to the stream (44: offset, 48: selector).
 * 64-bit streams: 16 registers (0-127), RFLAGS (128), the entry (136),
 * DS and ES (144). */
#define SCR_EFLAGS 32
#define SCR_DS 36
#define SCR_ES 38
#define SCR_SS 40
#define SCR_ENTRY 44
#define SCR64_RFLAGS 128
#define SCR64_ENTRY 136
#define SCR64_DS 144
#define SCR_FX 0xa00 /* FXSAVE image of the initial x87/SSE state */

/* The 64-bit stub at DT_STUB64: the registers but RSP from the scratch
 * page, DS = ES = the user data selector, POPFQ (TF on), RSP, and a jump
 * through the entry. Absolute [disp32] addressing: the page lies below
 * 2 GiB. */
static void build_stub64(uint8_t *p, uint32_t scratch)
{
    unsigned n = 0;
#define PUT32(v)                                                               \
    do {                                                                       \
        uint32_t v_ = (v);                                                     \
        memcpy(p + n, &v_, 4);                                                 \
        n += 4;                                                                \
    } while (0)
    /* mov rsp, scratch + SCRATCH_STACK - 8 */
    p[n++] = 0x48;
    p[n++] = 0xc7;
    p[n++] = 0xc4;
    PUT32(scratch + SCRATCH_STACK - 8);
    /* mov ds, [SCR64_DS]; mov es, [SCR64_DS] */
    static const uint8_t sregs[2] = {3, 0};
    for (unsigned i = 0; i < 2; i++) {
        p[n++] = 0x8e;
        p[n++] = (uint8_t)(sregs[i] << 3 | 4);
        p[n++] = 0x25;
        PUT32(scratch + SCR64_DS);
    }
    for (unsigned r = 0; r < 16; r++) {
        if (r == DT_ESP) {
            continue;
        }
        /* mov r64, [scratch + 8 * r] */
        p[n++] = (uint8_t)(0x48 | (r >= 8 ? 4 : 0));
        p[n++] = 0x8b;
        p[n++] = (uint8_t)((r & 7) << 3 | 4);
        p[n++] = 0x25;
        PUT32(scratch + 8 * r);
    }
    /* fxrstor64 [scratch + SCR_FX]: XMM8-15 too */
    p[n++] = 0x48;
    p[n++] = 0x0f;
    p[n++] = 0xae;
    p[n++] = 0x0c;
    p[n++] = 0x25;
    PUT32(scratch + SCR_FX);
    p[n++] = 0x9d; /* popfq */
    /* mov rsp, [scratch + 8 * DT_ESP]; jmp [scratch + SCR64_ENTRY] */
    p[n++] = 0x48;
    p[n++] = 0x8b;
    p[n++] = 0x24;
    p[n++] = 0x25;
    PUT32(scratch + 8 * DT_ESP);
    p[n++] = 0xff;
    p[n++] = 0x24;
    p[n++] = 0x25;
    PUT32(scratch + SCR64_ENTRY);
#undef PUT32
}

/* Load the registers from the scratch page, POPFD (TF on), load the data
 * segments and ESP, and jump to the stream through a far pointer. */
void dt_build_stub(uint8_t *p, const DtLayout *lay)
{
    static const uint8_t load_modrm[8] = {
        0, 0x0d, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d};
    uint32_t scratch = lay->scratch_base;
    unsigned n = 0;
    memset(p, 0xf4, DT_PAGE);
#define PUT32(v)                                                               \
    do {                                                                       \
        uint32_t v_ = (v);                                                     \
        memcpy(p + n, &v_, 4);                                                 \
        n += 4;                                                                \
    } while (0)
    p[n++] = 0xbc; /* mov esp, scratch + SCRATCH_STACK */
    PUT32(scratch + SCRATCH_STACK);
    p[n++] = 0x0f; /* fxrstor [scratch + SCR_FX] */
    p[n++] = 0xae;
    p[n++] = 0x0d;
    PUT32(scratch + SCR_FX);
    p[n++] = 0xff; /* push dword [scratch + SCR_EFLAGS] */
    p[n++] = 0x35;
    PUT32(scratch + SCR_EFLAGS);
    p[n++] = 0xa1; /* mov eax, [scratch] */
    PUT32(scratch);
    for (int r = 1; r < 8; r++) {
        if (r == DT_ESP) {
            continue;
        }
        p[n++] = 0x8b;
        p[n++] = load_modrm[r];
        PUT32(scratch + 4 * r);
    }
    p[n++] = 0x9d; /* popfd */
    static const uint8_t tail[][3] = {
        {0x2e, 0x8e, 0x1d}, /* mov ds, cs:[SCR_DS] */
        {0x2e, 0x8e, 0x05}, /* mov es, cs:[SCR_ES] */
        {0x2e, 0x8e, 0x15}, /* mov ss, cs:[SCR_SS] */
        {0x2e, 0x8b, 0x25}, /* mov esp, cs:[ESP] */
        {0x2e, 0xff, 0x2d}, /* jmp far cs:[SCR_ENTRY] */
    };
    static const uint8_t where[] = {SCR_DS, SCR_ES, SCR_SS, 4 * DT_ESP,
                                    SCR_ENTRY};
    for (unsigned i = 0; i < 5; i++) {
        memcpy(p + n, tail[i], 3);
        n += 3;
        PUT32(scratch + where[i]);
    }
#undef PUT32
    build_stub64(p + DT_STUB64, scratch);
}

/* The scratch page as the stub leaves it. */
void dt_fill_scratch(uint8_t *page, const DtLayout *lay, const DtRegs *init,
                     unsigned bits)
{
    bool b16 = bits == 16;
    uint16_t data = b16 ? DT_SEL_DATA16 : DT_SEL_DATA32;
    uint16_t code = b16 ? DT_SEL_CODE16 : DT_SEL_CODE32;
    uint32_t entry = (uint32_t)init->eip;
    uint32_t eflags = (uint32_t)init->eflags;
    memset(page, 0, DT_PAGE);
    if (bits == 64) {
        memcpy(page, init->r, 128);
        memcpy(page + SCR64_RFLAGS, &init->eflags, 8);
        memcpy(page + SCR64_ENTRY, &init->eip, 8);
        memcpy(page + SCR64_DS, &data, 2);
        memcpy(page + SCRATCH_STACK - 8, &init->eflags, 8);
        dt_fpu_to_fxsave(&init->fpu, page + SCR_FX, 16);
        return;
    }
    for (int r = 0; r < 8; r++) {
        uint32_t v = (uint32_t)init->r[r];
        memcpy(page + 4 * r, &v, 4);
    }
    memcpy(page + SCR_EFLAGS, &eflags, 4);
    memcpy(page + SCR_DS, &data, 2);
    memcpy(page + SCR_ES, &data, 2);
    memcpy(page + SCR_SS, &data, 2);
    memcpy(page + SCR_ENTRY, &entry, 4);
    memcpy(page + SCR_ENTRY + 4, &code, 2);
    memcpy(page + SCRATCH_STACK - 4, &eflags, 4);
    dt_fpu_to_fxsave(&init->fpu, page + SCR_FX, 8);
}
