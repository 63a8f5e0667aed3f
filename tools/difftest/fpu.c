/*
 * The x87/MMX/SSE part of a difftest state as an FXSAVE image: the host
 * runner loads it with FXRSTOR and reads it back from its signal frames
 * (which hold the FXSAVE layout); see dt.h.
 */
#include "tools/difftest/dt.h"

#include <string.h>

#define FX_FCW 0
#define FX_FSW 2
#define FX_FTW 4
#define FX_MXCSR 24
#define FX_ST 32
#define FX_XMM 160

static unsigned top_of(uint16_t fsw)
{
    return (fsw >> 11) & 7;
}

void dt_fpu_default(DtFpu *f)
{
    memset(f, 0, sizeof(*f));
    f->fcw = 0x037f;
    f->mxcsr = 0x1f80;
}

void dt_fpu_to_fxsave(const DtFpu *f, uint8_t *img, unsigned nxmm)
{
    memset(img, 0, 512);
    memcpy(img + FX_FCW, &f->fcw, 2);
    memcpy(img + FX_FSW, &f->fsw, 2);
    img[FX_FTW] = f->ftw;
    memcpy(img + FX_MXCSR, &f->mxcsr, 4);
    for (unsigned i = 0; i < 8; i++) {
        unsigned p = (top_of(f->fsw) + i) & 7;
        memcpy(img + FX_ST + 16 * i, &f->st_mant[p], 8);
        memcpy(img + FX_ST + 16 * i + 8, &f->st_exp[p], 2);
    }
    for (unsigned i = 0; i < nxmm && i < 16; i++) {
        memcpy(img + FX_XMM + 16 * i, f->xmm[i], 16);
    }
}

void dt_fpu_from_fxsave(DtFpu *f, const uint8_t *img, unsigned nxmm)
{
    memset(f, 0, sizeof(*f));
    memcpy(&f->fcw, img + FX_FCW, 2);
    memcpy(&f->fsw, img + FX_FSW, 2);
    f->ftw = img[FX_FTW];
    memcpy(&f->mxcsr, img + FX_MXCSR, 4);
    for (unsigned i = 0; i < 8; i++) {
        unsigned p = (top_of(f->fsw) + i) & 7;
        memcpy(&f->st_mant[p], img + FX_ST + 16 * i, 8);
        memcpy(&f->st_exp[p], img + FX_ST + 16 * i + 8, 2);
    }
    for (unsigned i = 0; i < nxmm && i < 16; i++) {
        memcpy(f->xmm[i], img + FX_XMM + 16 * i, 16);
    }
}
