/*
 * Instruction handlers, by family. Each takes the CPU and the decoded
 * instruction; the table in optab.c says which opcode runs which handler.
 */
#ifndef PCVM_CPU_OPS_H
#define PCVM_CPU_OPS_H

#include "cpu/decode.h"

#define HANDLER(name) void name(X86Cpu *cpu, const DecodedInsn *d)

/* ops_alu.c: arithmetic, logic, flags, BCD, bits */
HANDLER(op_alu_EG);
HANDLER(op_alu_GE);
HANDLER(op_alu_AI);
HANDLER(op_alu_EI);
HANDLER(op_test_EG);
HANDLER(op_test_AI);
HANDLER(op_test_EI);
HANDLER(op_inc_r);
HANDLER(op_dec_r);
HANDLER(op_incdec_E);
HANDLER(op_not_E);
HANDLER(op_neg_E);
HANDLER(op_flag_op);     /* CLC STC CMC CLD STD */
HANDLER(op_cli);
HANDLER(op_sti);
HANDLER(op_sahf);
HANDLER(op_lahf);
HANDLER(op_salc);
HANDLER(op_daa);
HANDLER(op_das);
HANDLER(op_aaa);
HANDLER(op_aas);
HANDLER(op_aam);
HANDLER(op_aad);
HANDLER(op_cbw);
HANDLER(op_cwd);
HANDLER(op_cmov);
HANDLER(op_setcc);
HANDLER(op_bt_EG);
HANDLER(op_bt_EI);
HANDLER(op_bsf);
HANDLER(op_bsr);
HANDLER(op_bswap);
HANDLER(op_xadd);
HANDLER(op_cmpxchg);
HANDLER(op_cmpxchg8b);
HANDLER(op_popcnt);

/* ops_muldiv.c */
HANDLER(op_mul_E);
HANDLER(op_imul_E);
HANDLER(op_div_E);
HANDLER(op_idiv_E);
HANDLER(op_imul_GE);
HANDLER(op_imul_GEI);

/* ops_shift.c */
HANDLER(op_shift);       /* C0 C1 D0-D3: by ModRM.reg */
HANDLER(op_shld);
HANDLER(op_shrd);

/* ops_move.c */
HANDLER(op_mov_EG);
HANDLER(op_mov_GE);
HANDLER(op_mov_ES);
HANDLER(op_mov_SE);
HANDLER(op_lea);
HANDLER(op_mov_moffs);
HANDLER(op_mov_r_imm);
HANDLER(op_mov_EI);
HANDLER(op_xchg_EG);
HANDLER(op_xchg_AX_r);   /* 90-97, with NOP and PAUSE */
HANDLER(op_movzx);
HANDLER(op_movsx);
HANDLER(op_arpl_movsxd);
HANDLER(op_xlat);
HANDLER(op_load_far_ptr); /* LES LDS LSS LFS LGS */
HANDLER(op_nop);

/* ops_stack.c */
HANDLER(op_push_r);
HANDLER(op_pop_r);
HANDLER(op_push_sreg);
HANDLER(op_pop_sreg);
HANDLER(op_push_imm);
HANDLER(op_push_E);
HANDLER(op_pop_E);
HANDLER(op_pusha);
HANDLER(op_popa);
HANDLER(op_pushf);
HANDLER(op_popf);
HANDLER(op_enter);
HANDLER(op_leave);

/* ops_branch.c */
HANDLER(op_jcc);
HANDLER(op_jmp_rel);
HANDLER(op_call_rel);
HANDLER(op_ret_near);
HANDLER(op_ret_far);
HANDLER(op_jmp_E);
HANDLER(op_call_E);
HANDLER(op_jmp_far_imm);
HANDLER(op_call_far_imm);
HANDLER(op_jmp_far_M);
HANDLER(op_call_far_M);
HANDLER(op_loop);
HANDLER(op_jcxz);
HANDLER(op_int3);
HANDLER(op_int);
HANDLER(op_into);
HANDLER(op_int1);
HANDLER(op_iret);
HANDLER(op_bound);

/* ops_string.c */
HANDLER(op_movs);
HANDLER(op_cmps);
HANDLER(op_stos);
HANDLER(op_lods);
HANDLER(op_scas);
HANDLER(op_ins);
HANDLER(op_outs);

/* ops_io.c */
HANDLER(op_in);
HANDLER(op_out);

/* ops_system.c */
HANDLER(op_hlt);
HANDLER(op_cpuid);
HANDLER(op_rdtsc);
HANDLER(op_rdtscp);
HANDLER(op_rdmsr);
HANDLER(op_wrmsr);
HANDLER(op_rdpmc);
HANDLER(op_mov_cr);
HANDLER(op_mov_dr);
HANDLER(op_clts);
HANDLER(op_smsw);
HANDLER(op_lmsw);
HANDLER(op_sgdt_sidt);
HANDLER(op_lgdt_lidt);
HANDLER(op_invlpg);
HANDLER(op_invd_wbinvd);
HANDLER(op_ud);            /* exec.c */
HANDLER(op_rsm);
HANDLER(op_xgetbv);
HANDLER(op_xsetbv);

/* ops_desc.c: the descriptor-table instructions */
HANDLER(op_sldt_str);
HANDLER(op_lldt);
HANDLER(op_ltr);
HANDLER(op_verr_verw);
HANDLER(op_lar);
HANDLER(op_lsl);

/* ops_sysenter.c: fast system calls, SWAPGS */
HANDLER(op_sysenter);
HANDLER(op_sysexit);
HANDLER(op_syscall);
HANDLER(op_sysret);
HANDLER(op_grp7_rm7);    /* 0F 01 F8 SWAPGS, 0F 01 F9 RDTSCP */

/* x87 and SIMD families (fpu*.c, mmx.c, sse*.c); entries not built yet
 * run op_unimp, which raises #UD and says so. */
HANDLER(op_x87);
HANDLER(op_fwait);
HANDLER(op_fxsave);
HANDLER(op_fxrstor);
HANDLER(op_mmx);          /* MMX mm, mm/m64 operations, by opcode */
HANDLER(op_mmx_shift_imm); /* 0F 71-73: shifts by imm8 */
HANDLER(op_mmx_movd_load); /* 0F 6E */
HANDLER(op_mmx_movd_store); /* 0F 7E */
HANDLER(op_mmx_movq_load); /* 0F 6F */
HANDLER(op_mmx_movq_store); /* 0F 7F */
HANDLER(op_emms);
HANDLER(op_unimp);

/* sse*.c: SSE, SSE2, SSE3, SSSE3 */
HANDLER(op_ldmxcsr);
HANDLER(op_stmxcsr);
HANDLER(op_fence);          /* LFENCE MFENCE SFENCE */
HANDLER(op_clflush);
HANDLER(op_sse_arith);      /* 0F 51-53, 58-5F */
HANDLER(op_sse_cmp);        /* 0F C2 */
HANDLER(op_sse_comis);      /* 0F 2E 2F */
HANDLER(op_sse_addsub);     /* 0F D0 */
HANDLER(op_sse_hadd);       /* 0F 7C 7D */
HANDLER(op_sse_logic);      /* 0F 54-57, 66 0F DB DF EB EF */
HANDLER(op_sse_unpck);      /* 0F 14 15 */
HANDLER(op_sse_shuf);       /* 0F C6 */
HANDLER(op_cvt_2a);
HANDLER(op_cvt_2c);         /* 2C and 2D */
HANDLER(op_cvt_5a);
HANDLER(op_cvt_5b);
HANDLER(op_cvt_e6);
HANDLER(op_sse_load);       /* MOVUPS MOVAPS MOVSS MOVDQA LDDQU ... */
HANDLER(op_sse_store);
HANDLER(op_sse_movhl);      /* 0F 12 16 */
HANDLER(op_sse_movhl_store); /* 0F 13 17 */
HANDLER(op_sse_movmsk);
HANDLER(op_sse_movd_load);
HANDLER(op_sse_movd_store);
HANDLER(op_movq2dq);
HANDLER(op_movdq2q);
HANDLER(op_movntq);
HANDLER(op_movnti);
HANDLER(op_maskmov);
HANDLER(op_sse_int);        /* integer lane operations, MMX and XMM */
HANDLER(op_sse_shift_imm);  /* 66 0F 71-73 */
HANDLER(op_pshuf);
HANDLER(op_pinsrw);
HANDLER(op_pextrw);
HANDLER(op_pmovmskb);
HANDLER(op_palignr);

#endif
