/*
 * MUL, IMUL (one, two and three operands), DIV, IDIV. Division by zero
 * and quotients that do not fit raise #DE before anything changes.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* Write a double-width result to AX, DX:AX, EDX:EAX or RDX:RAX. */
static void write_acc_pair(X86Cpu *cpu, unsigned size, uint64_t lo,
                           uint64_t hi)
{
    if (size == 1) {
        reg_write(cpu, R_EAX, 2, (lo & 0xff) | (hi & 0xff) << 8);
    } else {
        reg_write(cpu, R_EAX, size, lo);
        reg_write(cpu, R_EDX, size, hi);
    }
}

HANDLER(op_mul_E)
{
    unsigned size = d->opsize, bits = size * 8;
    uint64_t a = reg_read(cpu, R_EAX, size), b = load_E(cpu, d, size);
    uint64_t lo, hi;
    if (size == 8) {
        u128 p = (u128)a * b;
        lo = (uint64_t)p;
        hi = (uint64_t)(p >> 64);
    } else {
        uint64_t p = a * b;
        lo = p & size_mask(size);
        hi = p >> bits;
    }
    write_acc_pair(cpu, size, lo, hi);
    set_cc(cpu, CC_OP_MUL8, size, lo, hi != 0, 0);
}

/* Signed product of two @size values; sets *overflow when it does not fit
 * in @size. */
static uint64_t imul(unsigned size, uint64_t a, uint64_t b, uint64_t *hi,
                     bool *overflow)
{
    if (size == 8) {
        s128 p = (s128)(int64_t)a * (int64_t)b;
        *hi = (uint64_t)((u128)p >> 64);
        *overflow = p != (s128)(int64_t)p;
        return (uint64_t)p;
    }
    int64_t p = sext(a, size) * sext(b, size);
    *hi = (uint64_t)(p >> (size * 8));
    *overflow = p != sext((uint64_t)p, size);
    return (uint64_t)p & size_mask(size);
}

HANDLER(op_imul_E)
{
    unsigned size = d->opsize;
    uint64_t hi;
    bool of;
    uint64_t lo = imul(size, reg_read(cpu, R_EAX, size), load_E(cpu, d, size),
                       &hi, &of);
    write_acc_pair(cpu, size, lo, hi);
    set_cc(cpu, CC_OP_MUL8, size, lo, of, 0);
}

HANDLER(op_imul_GE)
{
    uint64_t hi;
    bool of;
    uint64_t r = imul(d->opsize, load_G(cpu, d, d->opsize),
                      load_E(cpu, d, d->opsize), &hi, &of);
    store_G(cpu, d, d->opsize, r);
    set_cc(cpu, CC_OP_MUL8, d->opsize, r, of, 0);
}

HANDLER(op_imul_GEI)
{
    uint64_t hi;
    bool of;
    uint64_t r = imul(d->opsize, load_E(cpu, d, d->opsize), d->imm, &hi, &of);
    store_G(cpu, d, d->opsize, r);
    set_cc(cpu, CC_OP_MUL8, d->opsize, r, of, 0);
}

HANDLER(op_div_E)
{
    unsigned size = d->opsize, bits = size * 8;
    uint64_t divisor = load_E(cpu, d, size);
    if (divisor == 0) {
        x86_raise(cpu, EXC_DE, -1);
    }
    uint64_t q, r;
    if (size == 8) {
        u128 n = (u128)cpu->regs[R_EDX] << 64 | cpu->regs[R_EAX];
        u128 q128 = n / divisor;
        if (q128 >> 64) {
            x86_raise(cpu, EXC_DE, -1);
        }
        q = (uint64_t)q128;
        r = (uint64_t)(n % divisor);
    } else {
        uint64_t n = size == 1 ? reg_read(cpu, R_EAX, 2)
                               : reg_read(cpu, R_EDX, size) << bits |
                                     reg_read(cpu, R_EAX, size);
        q = n / divisor;
        r = n % divisor;
        if (q > size_mask(size)) {
            x86_raise(cpu, EXC_DE, -1);
        }
    }
    write_acc_pair(cpu, size, q, r);
}

HANDLER(op_idiv_E)
{
    unsigned size = d->opsize, bits = size * 8;
    int64_t divisor = sext(load_E(cpu, d, size), size);
    if (divisor == 0) {
        x86_raise(cpu, EXC_DE, -1);
    }
    int64_t q, r;
    if (size == 8) {
        s128 n = (s128)((u128)cpu->regs[R_EDX] << 64 | cpu->regs[R_EAX]);
        if (divisor == -1 && (u128)n == (u128)1 << 127) {
            x86_raise(cpu, EXC_DE, -1);
        }
        s128 q128 = n / divisor;
        if (q128 != (s128)(int64_t)q128) {
            x86_raise(cpu, EXC_DE, -1);
        }
        q = (int64_t)q128;
        r = (int64_t)(n % divisor);
    } else {
        int64_t n = size == 1
                        ? (int16_t)reg_read(cpu, R_EAX, 2)
                        : sext(reg_read(cpu, R_EDX, size) << bits |
                                   reg_read(cpu, R_EAX, size),
                               size * 2);
        /* -2^63 / -1 overflows in C (the host would trap); the quotient
         * does not fit the destination anyway. */
        if (divisor == -1 && n == INT64_MIN) {
            x86_raise(cpu, EXC_DE, -1);
        }
        q = n / divisor;
        r = n % divisor;
        if (q != sext((uint64_t)q, size)) {
            x86_raise(cpu, EXC_DE, -1);
        }
    }
    write_acc_pair(cpu, size, (uint64_t)q, (uint64_t)r);
}
