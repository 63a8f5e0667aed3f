/*
 * Random numbers and operand values for the stream generator (gen.h).
 * Everything draws from one splitmix64 state, so a stream is a function
 * of its seed and index alone.
 */
#ifndef PCVM_TOOLS_DIFFTEST_VALS_H
#define PCVM_TOOLS_DIFFTEST_VALS_H

#include "tools/difftest/dt.h"

uint64_t dt_mix64(uint64_t z);
/* The next number of the sequence in *@st. */
uint64_t dt_rnd(uint64_t *st);
/* 0 to @n - 1 (0 for @n 0). */
uint32_t dt_rn(uint64_t *st, uint32_t n);
bool dt_chance(uint64_t *st, unsigned percent);
/* An integer of @size bytes (1, 2 or 4) likely to find edge cases. */
uint32_t dt_interesting32(uint64_t *st, unsigned size);
/* The same for 8 bytes. */
uint64_t dt_interesting64(uint64_t *st);

/* SSE and x87 operands: float32 and float64 edge cases (zeros,
 * denormals, infinities, NaNs, integer-conversion limits, values near 1,
 * pi), 16 bytes
 * of lanes of one kind, and MXCSR settings (rounding, DAZ, FZ, now and
 * then unmasked exceptions and sticky flags). */
uint32_t dt_f32_val(uint64_t *st);
uint64_t dt_f64_val(uint64_t *st);
void dt_vec_val(uint64_t *st, uint8_t *v);
uint32_t dt_mxcsr_val(uint64_t *st);
/* A random initial x87/MMX/SSE state with @nxmm XMM registers (8 or
 * 16): any TOP and tags, now and then a pending x87 error. */
void dt_sse_init(uint64_t *st, DtFpu *f, unsigned nxmm);

#endif
