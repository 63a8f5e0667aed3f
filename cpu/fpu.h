/*
 * x87 state helpers shared by the x87 (fpu.c), its environment and
 * save/restore instructions (fpu_env.c) and MMX (mmx.c). Not an interface
 * for anything outside cpu/.
 *
 * The register stack lives in X86Cpu: fpr[] are the physical registers
 * R0-R7, ST(i) is R((ftop + i) & 7), ftw holds a full 2-bit tag per
 * physical register and is kept in step with every register write, fsw
 * holds everything but TOP (in ftop).
 */
#ifndef PCVM_CPU_FPU_H
#define PCVM_CPU_FPU_H

#include "cpu/internal.h"
#include "cpu/softfloat.h"

/* Status word. */
#define FSW_IE 0x0001u
#define FSW_DE 0x0002u
#define FSW_ZE 0x0004u
#define FSW_OE 0x0008u
#define FSW_UE 0x0010u
#define FSW_PE 0x0020u
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP_SHIFT 11
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)
#define FSW_EXC 0x003fu

/* Control word: what FLDCW keeps (bit 6 always reads as 1). */
#define FCW_VALID 0x1f3fu
#define FCW_FIXED 0x0040u
#define FCW_INIT 0x037fu

/* Tags. */
#define FTAG_VALID 0u
#define FTAG_ZERO 1u
#define FTAG_SPECIAL 2u
#define FTAG_EMPTY 3u

static inline unsigned fpu_phys(const X86Cpu *cpu, unsigned i)
{
    return (cpu->ftop + i) & 7;
}

static inline unsigned fpu_tag_phys(const X86Cpu *cpu, unsigned p)
{
    return (cpu->ftw >> (2 * p)) & 3;
}

static inline void fpu_set_tag_phys(X86Cpu *cpu, unsigned p, unsigned tag)
{
    cpu->ftw = (uint16_t)((cpu->ftw & ~(3u << (2 * p))) | (tag << (2 * p)));
}

static inline bool fpu_empty(const X86Cpu *cpu, unsigned i)
{
    return fpu_tag_phys(cpu, fpu_phys(cpu, i)) == FTAG_EMPTY;
}

/* The tag a value gets when written to a register. */
unsigned fpu_tag_of(Fx80 v);
/* Recompute the tags of every non-empty register (FLDENV, FRSTOR...). */
void fpu_retag(X86Cpu *cpu);

/* The status word with TOP. */
static inline uint16_t fpu_get_fsw(const X86Cpu *cpu)
{
    return (uint16_t)((cpu->fsw & ~FSW_TOP) |
                      ((unsigned)cpu->ftop << FSW_TOP_SHIFT));
}

/* Load a status word (TOP included) and re-derive ES and B from the
 * exception flags and masks, driving FERR#. */
void fpu_load_fsw(X86Cpu *cpu, uint16_t fsw);
/* Load a control word; a newly unmasked pending exception sets ES. */
void fpu_load_fcw(X86Cpu *cpu, uint16_t fcw);
/* Re-derive ES/B from the flags and masks. */
void fpu_update_es(X86Cpu *cpu);
/* FNINIT. */
void fpu_init(X86Cpu *cpu);

/*
 * Checks made before an x87 or MMX instruction. fpu_check_nm raises #NM
 * for CR0.EM or CR0.TS (@mmx: #UD for EM). fpu_check_pending reports a
 * pending unmasked exception as a waiting instruction must: #MF with
 * CR0.NE, otherwise (unless IGNNE# is asserted) the CPU freezes before
 * the instruction until an interrupt arrives; then it returns false and
 * the caller must return at once.
 */
void fpu_check_nm(X86Cpu *cpu, bool mmx);
bool fpu_check_pending(X86Cpu *cpu);

/* Record the last x87 instruction: FOP, FIP/FCS and, for memory
 * operands, FDP/FDS. */
void fpu_set_last(X86Cpu *cpu, const DecodedInsn *d);

/* MMX: every MMX instruction but EMMS sets TOP to 0 and tags all valid. */
static inline void fpu_mmx_enter(X86Cpu *cpu)
{
    cpu->ftop = 0;
    cpu->ftw = 0;
}

/* The environment and state images (fpu_env.c). */
void fpu_fstenv(X86Cpu *cpu, const DecodedInsn *d);
void fpu_fldenv(X86Cpu *cpu, const DecodedInsn *d);
void fpu_fsave(X86Cpu *cpu, const DecodedInsn *d);
void fpu_frstor(X86Cpu *cpu, const DecodedInsn *d);

/* MXCSR bits a guest may set (no DAZ), also FXSAVE's MXCSR_MASK. */
#define FPU_MXCSR_MASK 0x0000ffbfu

/* Load/save helpers (fpu.c), used by FSAVE/FRSTOR and FXSAVE/FXRSTOR. */
void fpu_store_bytes_fx80(uint8_t *p, Fx80 v);
Fx80 fpu_load_bytes_fx80(const uint8_t *p);
/* An m80 operand at offset @ea of the instruction's segment (FLD/FSTP
 * m80, FBLD/FBSTP) is two accesses, as on the hardware: 8 bytes of
 * significand (aligned to 8 for #AC) and the sign and exponent at offset
 * 8, wrapped to the address size on its own. A store writes the
 * significand before it checks the second part (a fault there leaves the
 * first written, as on the host). */
void fpu_read_m80(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                  uint8_t b[10]);
void fpu_write_m80(X86Cpu *cpu, const DecodedInsn *d, uint64_t ea,
                   const uint8_t b[10]);

#endif
