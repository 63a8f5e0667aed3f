/*
 * Conversions between pcvm's canonical CPU state (cpu/cpu.h) and KVM's
 * formats. Pure functions with no ioctl, so the unit tests check them on
 * any host.
 *
 * Promise: a round trip changes nothing the canonical state holds:
 *  - segments: X86Seg.flags keeps the descriptor's attribute bits (type,
 *    S, DPL, P, AVL, L, D/B, G) where kvm_segment has one field each;
 *    a segment without P is "unusable" for KVM (a null selector in
 *    protected mode), and an unusable segment comes back without P;
 *  - EFLAGS: the lazy arithmetic flags are materialized on the way out and
 *    come back as CC_OP_EFLAGS, the other bits as they are;
 *  - x87/SSE: the FXSAVE image (the legacy area of XSAVE, and what
 *    struct kvm_fpu holds) lists ST(0)-ST(7) from the top of the stack with
 *    an abridged tag byte; pcvm keeps the physical registers R0-R7, TOP
 *    apart from the status word and the full two-bit tag word. The full
 *    tag is recomputed from each non-empty register's contents (valid,
 *    zero, special), as FXRSTOR does. The FPU CS and DS selectors have no
 *    room in the 64-bit image KVM uses: they come back as 0.
 */
#ifndef PCVM_ACCEL_KVM_CONVERT_H
#define PCVM_ACCEL_KVM_CONVERT_H

#include <linux/kvm.h>
#include <stdint.h>

#include "cpu/cpu.h"

#define KVM_FXSAVE_SIZE 512

void kvm_seg_from_x86(const X86Seg *in, struct kvm_segment *out);
void kvm_seg_to_x86(const struct kvm_segment *in, X86Seg *out);

uint64_t kvm_eflags_from_x86(X86Cpu *cpu);
void kvm_eflags_to_x86(X86Cpu *cpu, uint64_t rflags);

/* Two-bit tags per physical register <-> the FXSAVE abridged byte. */
uint8_t kvm_ftw_abridge(uint16_t ftw);
uint16_t kvm_ftw_expand(uint8_t abridged, const Fx80 fpr[8]);

/* The FXSAVE image (64-bit layout) of @cpu's x87/MMX/SSE state. */
void kvm_fx_from_x86(const X86Cpu *cpu, uint8_t fx[KVM_FXSAVE_SIZE]);
void kvm_fx_to_x86(X86Cpu *cpu, const uint8_t fx[KVM_FXSAVE_SIZE]);
/* struct kvm_fpu <-> the FXSAVE image. */
void kvm_fpu_from_fx(const uint8_t fx[KVM_FXSAVE_SIZE], struct kvm_fpu *out);
void kvm_fpu_to_fx(const struct kvm_fpu *in, uint8_t fx[KVM_FXSAVE_SIZE]);

#endif
