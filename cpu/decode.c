/*
 * The decoder: prefixes, opcode maps, ModRM/SIB, displacement, immediates.
 * See decode.h. Fetches go through CS (limit-checked outside 64-bit mode)
 * and the code TLB; an instruction longer than 15 bytes raises #GP(0).
 */
#include "cpu/decode.h"

#include <string.h>

#include "cpu/internal.h"
#include "cpu/models.h"

#define MAX_INSN_LEN 15

typedef struct Fetcher {
    X86Cpu *cpu;
    uint64_t start;    /* rip of the instruction */
    unsigned len;
    const uint8_t *win; /* host bytes from start on, when in RAM */
    unsigned win_len;   /* how many: within the page, the CS limit and
                           the 15-byte maximum */
} Fetcher;

/* Most instructions lie in one RAM page inside the CS limit: look the
 * page up once and read the bytes directly. Everything else (a page or
 * limit boundary inside the instruction, MMIO) goes byte by byte through
 * fetch8's checks, which raise the right fault at the right byte. */
static void fetch_window(Fetcher *f)
{
    X86Cpu *cpu = f->cpu;
    uint64_t off = f->start, lin, avail = MAX_INSN_LEN;
    if (cpu->code64) {
        if (!x86_is_canonical(off)) {
            return;
        }
        lin = off;
    } else {
        uint64_t top = cpu->code32 ? 0xffffffffULL : 0xffffULL;
        off &= top;
        if (off > cpu->seg[R_CS].limit) {
            return;
        }
        /* Up to the limit, and (16-bit IP) not across the wrap. */
        uint64_t in_limit = (uint64_t)cpu->seg[R_CS].limit - off + 1;
        uint64_t to_wrap = top - off + 1;
        avail = avail < in_limit ? avail : in_limit;
        avail = avail < to_wrap ? avail : to_wrap;
        lin = (uint32_t)(cpu->seg[R_CS].base + off);
    }
    uint64_t in_page = PAGE_SIZE - (lin & ~PAGE_MASK);
    avail = avail < in_page ? avail : in_page;
    f->win = x86_fetch_ptr(cpu, lin);
    f->win_len = f->win ? (unsigned)avail : 0;
}

static uint8_t fetch8(Fetcher *f)
{
    X86Cpu *cpu = f->cpu;
    if (f->len < f->win_len) {
        return f->win[f->len++];
    }
    if (f->len >= MAX_INSN_LEN) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint64_t off = f->start + f->len;
    uint64_t lin;
    if (cpu->code64) {
        lin = off;
        if (!x86_is_canonical(lin)) {
            x86_raise(cpu, EXC_GP, 0);
        }
    } else {
        if (!cpu->code32) {
            off &= 0xffff;
        } else {
            off &= 0xffffffff;
        }
        if (off > cpu->seg[R_CS].limit) {
            x86_raise(cpu, EXC_GP, 0);
        }
        lin = (uint32_t)(cpu->seg[R_CS].base + off);
    }
    f->len++;
    return x86_fetch_lin(cpu, lin);
}

static uint64_t fetch_n(Fetcher *f, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)fetch8(f) << (8 * i);
    }
    return v;
}

/* The memory operand of a ModRM byte with mod != 3. */
static void decode_ea(Fetcher *f, DecodedInsn *d)
{
    unsigned mod = d->mod, rm = d->modrm & 7;
    d->mem = 1;
    if (d->addrsize == 2) {
        static const int8_t base16[8] = {R_EBX, R_EBX, R_EBP, R_EBP,
                                         -1,    -1,    R_EBP, R_EBX};
        static const int8_t index16[8] = {R_ESI, R_EDI, R_ESI, R_EDI,
                                          R_ESI, R_EDI, -1,    -1};
        if (mod == 0 && rm == 6) {
            d->disp = (int16_t)fetch_n(f, 2);
            d->seg = R_DS;
            return;
        }
        if (base16[rm] >= 0) {
            d->ea_flags |= EA_BASE;
            d->base = base16[rm];
        }
        if (index16[rm] >= 0) {
            d->ea_flags |= EA_INDEX;
            d->index = index16[rm];
        }
        d->seg = (rm == 2 || rm == 3 || rm == 6) ? R_SS : R_DS;
        if (mod == 1) {
            d->disp = (int8_t)fetch8(f);
        } else if (mod == 2) {
            d->disp = (int16_t)fetch_n(f, 2);
        }
        return;
    }

    /* 32- and 64-bit addressing. */
    unsigned rex_b = (d->rex & 1) << 3;
    unsigned rex_x = (d->rex & 2) << 2;
    d->seg = R_DS;
    if (rm == 4) {
        uint8_t sib = fetch8(f);
        unsigned base = sib & 7, index = ((sib >> 3) & 7) | rex_x;
        d->scale = sib >> 6;
        if (index != 4) {
            d->ea_flags |= EA_INDEX;
            d->index = index;
        }
        if (base == 5 && mod == 0) {
            d->disp = (int32_t)fetch_n(f, 4);
        } else {
            d->ea_flags |= EA_BASE;
            d->base = base | rex_b;
            /* rSP and rBP mean SS; R12 and R13 do not. */
            if (d->base == R_ESP || d->base == R_EBP) {
                d->seg = R_SS;
            }
        }
    } else if (rm == 5 && mod == 0) {
        d->disp = (int32_t)fetch_n(f, 4);
        if (f->cpu->code64) {
            d->ea_flags |= EA_RIP;
        }
    } else {
        d->ea_flags |= EA_BASE;
        d->base = rm | rex_b;
        if (d->base == R_EBP) {
            d->seg = R_SS;
        }
    }
    if (mod == 1) {
        d->disp = (int8_t)fetch8(f);
    } else if (mod == 2) {
        d->disp = (int32_t)fetch_n(f, 4);
    }
}

static __attribute__((noreturn)) void decode_ud(X86Cpu *cpu)
{
    x86_raise(cpu, EXC_UD, -1);
}

void x86_decode(X86Cpu *cpu, DecodedInsn *d)
{
    Fetcher f = {cpu, cpu->rip, 0, NULL, 0};
    bool addr_prefix = false;
    uint8_t b;

    memset(d, 0, sizeof(*d));
    d->seg_override = SEG_NONE;
    fetch_window(&f);

    /* Prefixes. A REX prefix counts only directly before the opcode. */
    for (;;) {
        b = fetch8(&f);
        switch (b) {
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            /* 64-bit mode ignores these (an FS or GS prefix before one
             * still counts). */
            if (!cpu->code64) {
                d->seg_override = (b >> 3) & 3;
            }
            d->rex = 0;
            continue;
        case 0x64: case 0x65:
            d->seg_override = R_FS + (b & 1);
            d->rex = 0;
            continue;
        case 0x66:
            d->opsize_prefix = 1;
            d->rex = 0;
            continue;
        case 0x67:
            addr_prefix = true;
            d->rex = 0;
            continue;
        case 0xf0:
            d->lock = 1;
            d->rex = 0;
            continue;
        case 0xf2: case 0xf3:
            d->rep = b;
            d->rex = 0;
            continue;
        default:
            break;
        }
        if (cpu->code64 && (b & 0xf0) == 0x40) {
            d->rex = b;
            continue;
        }
        break;
    }

    const OpInfo *op;
    if (b == 0x0f) {
        b = fetch8(&f);
        if (b == 0x38 || b == 0x3a) {
            /* Three-byte maps (SSSE3 and later). */
            uint8_t b3 = fetch8(&f);
            d->opcode = (uint16_t)((b == 0x38 ? 0x200 : 0x300) | b3);
            op = b == 0x38 ? &x86_optab_0f38[b3] : &x86_optab_0f3a[b3];
        } else {
            d->opcode = 0x100 | b;
            op = &x86_optab_0f[b];
        }
    } else {
        d->opcode = b;
        op = &x86_optab_1byte[b];
    }

    uint32_t flags = op->flags;
    if (!op->handler && !op->sub) {
        decode_ud(cpu);
    }
    if (op->min_model > cpu->model->generation) {
        decode_ud(cpu);
    }
    if (cpu->code64 && (flags & OPF_I64)) {
        decode_ud(cpu);
    }
    if (!cpu->code64 && (flags & OPF_O64)) {
        decode_ud(cpu);
    }

    /* SSE: the mandatory prefix picks the instruction. */
    if (flags & OPF_SSE) {
        int idx = d->rep == 0xf3 ? 2 : d->rep == 0xf2 ? 3
                                 : d->opsize_prefix ? 1 : 0;
        op = &op->sub[idx];
        if (!op->handler && !op->sub) {
            decode_ud(cpu);
        }
        flags |= op->flags;
    }

    /* Address size. */
    if (cpu->code64) {
        d->addrsize = addr_prefix ? 4 : 8;
    } else {
        d->addrsize = (cpu->code32 ^ addr_prefix) ? 4 : 2;
    }

    /* ModRM and groups. */
    unsigned form = op->form;
    if (form == FORM_GROUP || form == FORM_GROUP_MOD || form == FORM_M ||
        form == FORM_M_IB || form == FORM_M_IBS || form == FORM_M_IZ) {
        d->modrm = fetch8(&f);
        d->mod = d->modrm >> 6;
        d->reg = ((d->modrm >> 3) & 7) | ((d->rex & 4) << 1);
        d->rm = (d->modrm & 7) | ((d->rex & 1) << 3);
        if (form == FORM_GROUP) {
            op = &op->sub[(d->modrm >> 3) & 7];
        } else if (form == FORM_GROUP_MOD) {
            op = &op->sub[(d->mod == 3 ? 8 : 0) + ((d->modrm >> 3) & 7)];
        }
        if (!op->handler) {
            decode_ud(cpu);
        }
        if (op->min_model > cpu->model->generation) {
            decode_ud(cpu);
        }
        flags |= op->flags;
        form = op->form;
        /* Control/debug register moves always use the register form. */
        if (d->mod != 3 && !(d->opcode >= 0x120 && d->opcode <= 0x123)) {
            decode_ea(&f, d);
        }
        if ((flags & OPF_MEM_ONLY) && !d->mem) {
            decode_ud(cpu);
        }
        if ((flags & OPF_REG_ONLY) && d->mem) {
            decode_ud(cpu);
        }
    }

    /* Operand size. */
    if (flags & OPF_BYTE) {
        d->opsize = 1;
    } else if (cpu->code64) {
        if (d->rex & 8) {
            d->opsize = 8;
        } else if (flags & OPF_F64) {
            d->opsize = 8;
        } else if (flags & OPF_D64) {
            d->opsize = d->opsize_prefix ? 2 : 8;
        } else {
            d->opsize = d->opsize_prefix ? 2 : 4;
        }
    } else {
        d->opsize = (cpu->code32 ^ d->opsize_prefix) ? 4 : 2;
    }

    /* Immediates. */
    unsigned zsize = d->opsize == 2 ? 2 : 4;
    switch (form) {
    case FORM_M_IB:
    case FORM_IB:
        d->imm = fetch8(&f);
        break;
    case FORM_M_IBS:
    case FORM_IBS:
    case FORM_JB:
        d->imm = (uint64_t)(int64_t)(int8_t)fetch8(&f);
        break;
    case FORM_M_IZ:
    case FORM_IZ:
        d->imm = d->opsize == 1 ? fetch8(&f)
                                : (uint64_t)sext(fetch_n(&f, zsize), zsize);
        break;
    case FORM_JZ:
        /* rel16 or rel32 (64-bit mode: always rel32). */
        if (cpu->code64) {
            d->imm = (uint64_t)(int64_t)(int32_t)fetch_n(&f, 4);
        } else {
            d->imm = (uint64_t)sext(fetch_n(&f, zsize), zsize);
        }
        break;
    case FORM_IV:
        d->imm = fetch_n(&f, d->opsize);
        break;
    case FORM_IW:
        d->imm = fetch_n(&f, 2);
        break;
    case FORM_IW_IB:
        d->imm = fetch_n(&f, 2);
        d->imm2 = fetch8(&f);
        break;
    case FORM_AP:
        d->imm = fetch_n(&f, zsize);
        d->imm2 = fetch_n(&f, 2);
        break;
    case FORM_MOFFS:
        d->disp = (int64_t)fetch_n(&f, d->addrsize);
        d->mem = 1;
        d->seg = R_DS;
        break;
    default:
        break;
    }

    if (d->mem || (flags & OPF_STRING)) {
        if (!d->mem) {
            d->seg = R_DS;
        }
        if (d->seg_override != SEG_NONE) {
            d->seg = d->seg_override;
        }
    }

    if (d->lock && (!(flags & OPF_LOCK) || !d->mem)) {
        decode_ud(cpu);
    }
    /* An instruction the model does not advertise does not exist. */
    if (op->feature && !x86_has_feature(cpu, op->feature)) {
        decode_ud(cpu);
    }
    if ((flags & OPF_PRIV) && cpu->cpl != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    d->op = op;
    d->handler = op->handler;
    d->len = f.len;
}

const char *x86_insn_name(const DecodedInsn *d)
{
    return d->op && d->op->name ? d->op->name : "(bad)";
}
