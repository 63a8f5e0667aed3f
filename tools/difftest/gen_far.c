/*
 * The far group of the stream generator (64-bit code only): far JMP,
 * CALL and RET, IRETQ, to 64-bit code and to compatibility mode and back,
 * segment register loads and LAR LSL VERR VERW - the long-mode segment
 * machinery at CPL 3.
 */
#include "tools/difftest/gen.h"

/* A few instructions for compatibility mode after a far transfer there:
 * INC/DEC r32 (REX prefixes in 64-bit mode), MOV r32, imm32, ALU r32, r32,
 * PUSH/POP r32 (ESP not a destination). */
static void compat_body(DtGen *g)
{
    for (unsigned n = rn(g, 5); n > 0; n--) {
        unsigned r = rn(g, 8);
        if (r == DT_ESP) {
            r = DT_EAX;
        }
        ins_begin(g);
        switch (rn(g, 4)) {
        case 0:
            byte(g, (uint8_t)(0x40 + 8 * rn(g, 2) + r)); /* INC/DEC r32 */
            break;
        case 1:
            byte(g, (uint8_t)(0xb8 + r));
            imm(g, interesting(g, 4), 4);
            break;
        case 2:
            byte(g, (uint8_t)(8 * rn(g, 8) + 1));         /* op r/m32, r32 */
            byte(g, (uint8_t)(0xc0 | rn(g, 8) << 3 | r));
            break;
        default:
            byte(g, (uint8_t)(0x50 + rn(g, 8)));
            ins_end(g);
            ins_begin(g);
            byte(g, (uint8_t)(0x58 + r));
            break;
        }
        ins_end(g);
    }
}

/* One instruction: @n bytes of @b (PUSH imm8, RETF and friends). */
static void insn(DtGen *g, const uint8_t *b, unsigned n)
{
    ins_begin(g);
    for (unsigned i = 0; i < n; i++) {
        byte(g, b[i]);
    }
    ins_end(g);
}

/* PUSH imm32, returning where the immediate is (to patch). */
static unsigned push_imm32(DtGen *g, uint32_t v)
{
    ins_begin(g);
    byte(g, 0x68);
    unsigned at = g->s->len;
    imm(g, v, 4);
    ins_end(g);
    return at;
}

/* PUSH @sel, PUSH offset, RETF (RETFQ with @q) to the code right after
 * it. */
static void far_ret(DtGen *g, uint8_t sel, bool q)
{
    const uint8_t push_sel[2] = {0x6a, sel};
    static const uint8_t retfq[2] = {0x48, 0xcb}; /* RETF with REX.W */
    insn(g, push_sel, 2);
    unsigned at = push_imm32(g, 0);
    insn(g, retfq + !q, q ? 2 : 1);
    patch(g, at, here(g), 4);
}

/* Back from compatibility mode to 64-bit code right after: JMP far
 * ptr16:32, or PUSH CS:EIP and a 32-bit RETF. */
static void compat_return(DtGen *g)
{
    if (chance(g, 50)) {
        far_ret(g, DT_SEL_CODE64, false);
        return;
    }
    ins_begin(g);
    byte(g, 0xea);
    unsigned at = g->s->len;
    imm(g, 0, 4);
    imm(g, DT_SEL_CODE64, 2);
    ins_end(g);
    patch(g, at, here(g), 4);
}

/* A selector for segment loads and the descriptor instructions: the host
 * GDT's user segments (23 2B 33) and null mostly, else any other GDT
 * selector (empty or kernel-only there, empty in pcvm's copy; not 78-7F,
 * the per-CPU CPUNODE segment, nor LDT selectors, which differ). */
static uint16_t pick_sel(DtGen *g)
{
    static const uint16_t common[] = {0, DT_SEL_CODE32, DT_SEL_DATA32,
                                      DT_SEL_CODE64, 0x2b, 0x28, 0x30};
    if (chance(g, 70)) {
        return common[rn(g, sizeof(common) / sizeof(common[0]))];
    }
    uint16_t sel = (uint16_t)(rn(g, 0x200) & ~4u);
    if (sel < 4) {
        /* A null selector with an RPL would lose it at the host kernel's
         * next IRET to user mode (every single step). */
        return 0;
    }
    return (sel & 0xfff8) == 0x78 ? 0x20 | (sel & 3) : sel;
}

/* An Ew operand holding @sel: memory or, mostly, a register. Never
 * whatever a wild operand reads: the per-CPU selector (pick_sel) would
 * show which CPU the host runs on. */
static Ea sel_operand(DtGen *g, uint16_t sel)
{
    if (chance(g, 30)) {
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 2);
        set_mem(g, addr, 2, sel);
        return mem_at(g, addr, E_EXACT);
    }
    unsigned r = pick_reg(g, 2, true);
    set_reg(g, r, 2, sel);
    return reg_E(r);
}

/* Far JMP/CALL/RET, IRETQ (to compatibility mode and back), MOV Sreg,
 * LAR LSL VERR VERW: the long-mode segment machinery at CPL 3. */
void gen_far(DtGen *g)
{
    g->norex = false;
    switch (rn(g, 8)) {
    case 0: /* RETFQ to compatibility mode, and back */
        far_ret(g, DT_SEL_CODE32, true);
        compat_body(g);
        compat_return(g);
        break;
    case 1: { /* CALL far m16:64 or m16:32 within 64-bit code, RETF back */
        bool q = chance(g, 60);
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        int off_at = set_mem_at(g, addr, q ? 8 : 4, 0);
        set_mem(g, addr + (q ? 8 : 4), 2, DT_SEL_CODE64);
        Ea e = mem_at(g, addr, 0);
        ins_begin(g);
        op_E(g, &e, 3, q ? 8 : 4, false, 0xff);
        ins_end(g);
        ins_begin(g);
        byte(g, 0xeb);                  /* JMP over the callee */
        unsigned at = g->s->len;
        byte(g, 0);
        ins_end(g);
        patch(g, (unsigned)off_at, here(g), 4);
        static const uint8_t retfq[2] = {0x48, 0xcb};
        insn(g, retfq + !q, q ? 2 : 1);
        patch8(g, at, (uint8_t)(g->s->len - at - 1));
        break;
    }
    case 2: { /* JMP far m16:64 / m16:32 to the next instruction */
        bool q = chance(g, 60);
        bool to32 = chance(g, 30);
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        int off_at = set_mem_at(g, addr, q ? 8 : 4, 0);
        set_mem(g, addr + (q ? 8 : 4), 2,
                to32 ? DT_SEL_CODE32 : DT_SEL_CODE64);
        Ea e = mem_at(g, addr, 0);
        ins_begin(g);
        op_E(g, &e, 5, q ? 8 : 4, false, 0xff);
        ins_end(g);
        patch(g, (unsigned)off_at, here(g), 4);
        if (to32) {
            compat_body(g);
            compat_return(g);
        }
        break;
    }
    case 3: { /* a far transfer to a selector that is not code */
        uint64_t addr = g->lay->sbx_base + rn(g, DT_SBX_SIZE - 16);
        uint16_t sel = pick_sel(g);
        if ((sel & 0xfff8) == 0x20 || (sel & 0xfff8) == 0x30) {
            sel = DT_SEL_DATA32; /* not the code segments */
        }
        set_mem(g, addr, 4, g->lay->code_base);
        set_mem(g, addr + 4, 2, sel);
        Ea e = mem_at(g, addr, 0);
        unsigned regf = chance(g, 50) ? 3 : 5;
        ins_begin(g);
        op_E(g, &e, regf, 4, false, 0xff);
        ins_end(g);
        break;
    }
    case 4: { /* IRETQ at CPL 3: 64-bit or compatibility-mode code */
        bool to32 = chance(g, 40);
        /* Not AC: an IRETQ that loads AC and then pops a misaligned RSP
         * raises #AC with AC clear in the pushed flags, which Linux takes
         * for a split lock and retries forever. */
        uint32_t f = (random_flags(g) | ((uint32_t)rnd(g) & 0x3000u)) &
                     ~DT_FL_AC;
        /* MOV R11, RSP; then the frame SS, RSP, RFLAGS, CS, RIP. */
        static const uint8_t mov_r11_rsp[3] = {0x49, 0x89, 0xe3};
        static const uint8_t push_ss[2] = {0x6a, DT_SEL_DATA32};
        static const uint8_t push_r11[2] = {0x41, 0x53};
        static const uint8_t iretq[2] = {0x48, 0xcf};
        const uint8_t push_cs[2] = {0x6a,
                                    to32 ? DT_SEL_CODE32 : DT_SEL_CODE64};
        g->avoid |= 1u << DT_R11;
        ins_begin(g);
        for (unsigned i = 0; i < 3; i++) {
            byte(g, mov_r11_rsp[i]);
        }
        setup_end(g);
        insn(g, push_ss, 2);
        insn(g, push_r11, 2);
        push_imm32(g, f);
        insn(g, push_cs, 2);
        unsigned at = push_imm32(g, 0);
        insn(g, iretq, 2);
        patch(g, at, here(g), 4);
        if (to32) {
            compat_body(g);
            compat_return(g);
        }
        break;
    }
    case 5: { /* MOV DS/ES/SS, r/m16 (SS holds off the single-step trap) */
        static const uint8_t sregs[] = {0, 2, 3};
        uint16_t sel = pick_sel(g);
        unsigned sr = sregs[rn(g, 3)];
        Ea e = sel_operand(g, sel);
        unsigned os = chance(g, 20) ? 8 : 4;
        ins_begin(g);
        op_E(g, &e, sr, os, false, 0x8e);
        ins_end(g);
        break;
    }
    default: { /* LAR LSL VERR VERW */
        uint16_t sel = pick_sel(g);
        unsigned k = rn(g, 4);
        Ea e = sel_operand(g, sel);
        maybe_flags(g, 30);
        ins_begin(g);
        if (k < 2) {
            unsigned os = chance(g, 20) ? 2 : chance(g, 50) ? 4 : 8;
            unsigned dst = pick_reg(g, os, true);
            op_E(g, &e, dst, os, false, 0x0f02 + k);
        } else {
            op_E(g, &e, k + 2, 4, false, 0x0f00); /* /4 /5 */
        }
        ins_end(g);
        break;
    }
    }
}
