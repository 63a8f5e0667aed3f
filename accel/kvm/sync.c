/*
 * State sync: the canonical X86Cpu filled from KVM and written back.
 *
 * KVM holds the live state while a vCPU runs. pcvm reads it into the
 * vCPU's X86Cpu when something wants to look (a dump, a triple fault,
 * -d cpu, INIT) and writes it back when it changed the X86Cpu (RESET,
 * INIT, SIPI). The one state then serves tracing and, later, snapshots,
 * whichever accelerator runs.
 *
 * What the X86Cpu cannot hold stays in KVM and is kept across a round
 * trip: an exception or interrupt KVM is in the middle of injecting, the
 * AVX and later XSAVE components, the in-kernel LAPIC's registers.
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu/msr.h"

#ifndef KVM_GET_XSAVE2
#define KVM_GET_XSAVE2 _IOR(KVMIO, 0xcf, struct kvm_xsave)
#endif

#define XSAVE_XSTATE_BV 512

static int vcpu_ioctl(KvmVcpu *v, unsigned long req, void *arg)
{
    int r;
    do {
        r = ioctl(v->fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}

/* --- MSRs --- */

typedef struct MsrField {
    uint32_t index;
    uint16_t offset;      /* into X86Cpu */
    bool full_only;       /* only on reset/load, not every sync */
} MsrField;

#define MSR_F(idx, field, full) {idx, offsetof(X86Cpu, field), full}

static const MsrField msr_fields[] = {
    MSR_F(MSR_SYSENTER_CS, sysenter_cs, false),
    MSR_F(MSR_SYSENTER_ESP, sysenter_esp, false),
    MSR_F(MSR_SYSENTER_EIP, sysenter_eip, false),
    MSR_F(MSR_STAR, star, false),
    MSR_F(MSR_LSTAR, lstar, false),
    MSR_F(MSR_CSTAR, cstar, false),
    MSR_F(MSR_FMASK, fmask, false),
    MSR_F(MSR_KERNEL_GS_BASE, kernel_gs_base, false),
    MSR_F(MSR_PAT, pat, false),
    MSR_F(MSR_TSC_AUX, tsc_aux, false),
    MSR_F(MSR_MISC_ENABLE, misc_enable, true),
    MSR_F(MSR_MCG_STATUS, mcg_status, true),
    MSR_F(MSR_MTRR_DEF_TYPE, mtrr_cap_def, true),
    MSR_F(MSR_MTRR_FIX64K, mtrr_fixed[0], true),
    MSR_F(MSR_MTRR_FIX16K_80000, mtrr_fixed[1], true),
    MSR_F(MSR_MTRR_FIX16K_A0000, mtrr_fixed[2], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 0, mtrr_fixed[3], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 1, mtrr_fixed[4], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 2, mtrr_fixed[5], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 3, mtrr_fixed[6], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 4, mtrr_fixed[7], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 5, mtrr_fixed[8], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 6, mtrr_fixed[9], true),
    MSR_F(MSR_MTRR_FIX4K_C0000 + 7, mtrr_fixed[10], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 0, mtrr_var[0], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 1, mtrr_var[1], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 2, mtrr_var[2], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 3, mtrr_var[3], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 4, mtrr_var[4], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 5, mtrr_var[5], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 6, mtrr_var[6], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 7, mtrr_var[7], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 8, mtrr_var[8], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 9, mtrr_var[9], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 10, mtrr_var[10], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 11, mtrr_var[11], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 12, mtrr_var[12], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 13, mtrr_var[13], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 14, mtrr_var[14], true),
    MSR_F(MSR_MTRR_PHYS_BASE0 + 15, mtrr_var[15], true),
};

#define NMSR_FIELDS (sizeof(msr_fields) / sizeof(msr_fields[0]))

static bool msr_is_mtrr(uint32_t idx)
{
    return idx == MSR_MTRR_DEF_TYPE || (idx >= 0x200 && idx < 0x270);
}

/* KVM knows the MSR (MTRRs are emulated whenever CPUID has them, but
 * not always listed). */
static bool msr_usable(const KvmVcpu *v, uint32_t idx)
{
    if (msr_is_mtrr(idx)) {
        return x86_has_feature(v->cpu, X86_FEAT_MTRR);
    }
    return kvm_vm_has_msr(&v->s->vm, idx);
}

static uint64_t *msr_slot(X86Cpu *cpu, const MsrField *f)
{
    return (uint64_t *)((uint8_t *)cpu + f->offset);
}

typedef struct MsrBuf {
    struct kvm_msrs hdr;
    struct kvm_msr_entry e[NMSR_FIELDS + 1];
} MsrBuf;

/* KVM stops at the first MSR it refuses: skip that one and go on. */
static int msrs_ioctl(KvmVcpu *v, unsigned long req, MsrBuf *b)
{
    uint32_t done = 0, total = b->hdr.nmsrs;
    while (done < total) {
        struct {
            struct kvm_msrs hdr;
            struct kvm_msr_entry e[NMSR_FIELDS + 1];
        } part;
        part.hdr.nmsrs = total - done;
        part.hdr.pad = 0;
        memcpy(part.e, &b->e[done], part.hdr.nmsrs * sizeof(part.e[0]));
        int r = vcpu_ioctl(v, req, &part);
        if (r < 0) {
            return r;
        }
        memcpy(&b->e[done], part.e, (size_t)r * sizeof(part.e[0]));
        done += (uint32_t)r;
        if (done < total) {
            log_guest(&v->s->m->log, LOG_UNIMP, &v->err_count,
                      "kvm: cpu%d: KVM refused MSR %#x", v->index,
                      b->e[done].index);
            b->e[done].data = 0;
            done++;
        }
    }
    return 0;
}

static int get_msrs(KvmVcpu *v)
{
    MsrBuf b;
    uint32_t n = 0;
    bool tsc = kvm_vm_has_msr(&v->s->vm, MSR_TSC);
    for (size_t i = 0; i < NMSR_FIELDS; i++) {
        if (msr_usable(v, msr_fields[i].index)) {
            b.e[n++] = (struct kvm_msr_entry){.index = msr_fields[i].index};
        }
    }
    if (tsc) {
        b.e[n++] = (struct kvm_msr_entry){.index = MSR_TSC};
    }
    b.hdr.nmsrs = n;
    b.hdr.pad = 0;
    int r = msrs_ioctl(v, KVM_GET_MSRS, &b);
    if (r < 0) {
        return r;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (b.e[k].index == MSR_TSC) {
            v->cpu->tsc_offset = b.e[k].data -
                                 (uint64_t)clock_now(v->cpu->clock);
            continue;
        }
        for (size_t i = 0; i < NMSR_FIELDS; i++) {
            if (msr_fields[i].index == b.e[k].index) {
                *msr_slot(v->cpu, &msr_fields[i]) = b.e[k].data;
            }
        }
    }
    return 0;
}

static int put_msrs(KvmVcpu *v, bool full)
{
    MsrBuf b;
    uint32_t n = 0;
    for (size_t i = 0; i < NMSR_FIELDS; i++) {
        const MsrField *f = &msr_fields[i];
        if ((!f->full_only || full) && msr_usable(v, f->index)) {
            b.e[n++] = (struct kvm_msr_entry){
                .index = f->index, .data = *msr_slot(v->cpu, f)};
        }
    }
    if (full && kvm_vm_has_msr(&v->s->vm, MSR_TSC)) {
        b.e[n++] = (struct kvm_msr_entry){
            .index = MSR_TSC,
            .data = (uint64_t)clock_now(v->cpu->clock) + v->cpu->tsc_offset};
    }
    b.hdr.nmsrs = n;
    b.hdr.pad = 0;
    return msrs_ioctl(v, KVM_SET_MSRS, &b);
}

/* --- registers --- */

static void regs_to_x86(const struct kvm_regs *k, X86Cpu *cpu)
{
    uint64_t *r = cpu->regs;
    r[R_EAX] = k->rax;
    r[R_EBX] = k->rbx;
    r[R_ECX] = k->rcx;
    r[R_EDX] = k->rdx;
    r[R_ESI] = k->rsi;
    r[R_EDI] = k->rdi;
    r[R_ESP] = k->rsp;
    r[R_EBP] = k->rbp;
    r[R_R8] = k->r8;
    r[R_R9] = k->r9;
    r[R_R10] = k->r10;
    r[R_R11] = k->r11;
    r[R_R12] = k->r12;
    r[R_R13] = k->r13;
    r[R_R14] = k->r14;
    r[R_R15] = k->r15;
    cpu->rip = k->rip;
    kvm_eflags_to_x86(cpu, k->rflags);
}

static void regs_from_x86(X86Cpu *cpu, struct kvm_regs *k)
{
    const uint64_t *r = cpu->regs;
    memset(k, 0, sizeof(*k));
    k->rax = r[R_EAX];
    k->rbx = r[R_EBX];
    k->rcx = r[R_ECX];
    k->rdx = r[R_EDX];
    k->rsi = r[R_ESI];
    k->rdi = r[R_EDI];
    k->rsp = r[R_ESP];
    k->rbp = r[R_EBP];
    k->r8 = r[R_R8];
    k->r9 = r[R_R9];
    k->r10 = r[R_R10];
    k->r11 = r[R_R11];
    k->r12 = r[R_R12];
    k->r13 = r[R_R13];
    k->r14 = r[R_R14];
    k->r15 = r[R_R15];
    k->rip = cpu->rip;
    k->rflags = kvm_eflags_from_x86(cpu);
}

/* kvm_sregs names each segment; pcvm numbers them. */
static struct kvm_segment *kvm_seg(struct kvm_sregs *k, int seg)
{
    switch (seg) {
    case R_ES: return &k->es;
    case R_CS: return &k->cs;
    case R_SS: return &k->ss;
    case R_DS: return &k->ds;
    case R_FS: return &k->fs;
    default: return &k->gs;
    }
}

static void sregs_to_x86(struct kvm_sregs *k, X86Cpu *cpu)
{
    for (int i = 0; i < SEG_COUNT; i++) {
        kvm_seg_to_x86(kvm_seg(k, i), &cpu->seg[i]);
    }
    kvm_seg_to_x86(&k->tr, &cpu->tr);
    kvm_seg_to_x86(&k->ldt, &cpu->ldt);
    cpu->gdt.base = k->gdt.base;
    cpu->gdt.limit = k->gdt.limit;
    cpu->idt.base = k->idt.base;
    cpu->idt.limit = k->idt.limit;
    cpu->cr0 = k->cr0;
    cpu->cr2 = k->cr2;
    cpu->cr3 = k->cr3;
    cpu->cr4 = k->cr4;
    cpu->cr8 = k->cr8;
    cpu->efer = k->efer;
    cpu->apic_base = k->apic_base;
}

static void sregs_from_x86(const X86Cpu *cpu, struct kvm_sregs *k)
{
    memset(k, 0, sizeof(*k));
    for (int i = 0; i < SEG_COUNT; i++) {
        kvm_seg_from_x86(&cpu->seg[i], kvm_seg(k, i));
    }
    kvm_seg_from_x86(&cpu->tr, &k->tr);
    kvm_seg_from_x86(&cpu->ldt, &k->ldt);
    /* The task register is never "unusable" to VMX. */
    k->tr.unusable = 0;
    k->tr.present = 1;
    k->gdt.base = cpu->gdt.base;
    k->gdt.limit = (uint16_t)cpu->gdt.limit;
    k->idt.base = cpu->idt.base;
    k->idt.limit = (uint16_t)cpu->idt.limit;
    k->cr0 = cpu->cr0;
    k->cr2 = cpu->cr2;
    k->cr3 = cpu->cr3;
    k->cr4 = cpu->cr4;
    k->cr8 = cpu->cr8;
    k->efer = cpu->efer;
    k->apic_base = cpu->apic_base;
    /* A half-injected interrupt travels in the vCPU events instead. */
}

/* --- x87/SSE --- */

static int get_fpu(KvmVcpu *v)
{
    if (v->xsave) {
        unsigned long req = v->s->vm.xsave_size > (int)sizeof(struct kvm_xsave)
                                ? KVM_GET_XSAVE2 : KVM_GET_XSAVE;
        int r = vcpu_ioctl(v, req, v->xsave);
        if (r < 0) {
            return r;
        }
        kvm_fx_to_x86(v->cpu, v->xsave);
        return 0;
    }
    struct kvm_fpu fpu;
    uint8_t fx[KVM_FXSAVE_SIZE];
    int r = vcpu_ioctl(v, KVM_GET_FPU, &fpu);
    if (r < 0) {
        return r;
    }
    kvm_fpu_to_fx(&fpu, fx);
    kvm_fx_to_x86(v->cpu, fx);
    return 0;
}

static int put_fpu(KvmVcpu *v, bool full)
{
    if (v->xsave) {
        uint8_t *x = v->xsave;
        unsigned long req = v->s->vm.xsave_size > (int)sizeof(struct kvm_xsave)
                                ? KVM_GET_XSAVE2 : KVM_GET_XSAVE;
        if (!v->synced) {
            /* Start from KVM's image: it holds what pcvm does not. */
            int r = vcpu_ioctl(v, req, v->xsave);
            if (r < 0) {
                return r;
            }
        }
        kvm_fx_from_x86(v->cpu, x);
        /* XSTATE_BV: x87 and SSE state are in the image, not in their
         * init state, or KVM would ignore what was just written. After a
         * RESET every other component is in its init state. */
        if (full) {
            memset(x + XSAVE_XSTATE_BV, 0, 8);
        }
        x[XSAVE_XSTATE_BV] |= 3;
        return vcpu_ioctl(v, KVM_SET_XSAVE, v->xsave);
    }
    struct kvm_fpu fpu;
    uint8_t fx[KVM_FXSAVE_SIZE] = {0};
    kvm_fx_from_x86(v->cpu, fx);
    kvm_fpu_from_fx(fx, &fpu);
    return vcpu_ioctl(v, KVM_SET_FPU, &fpu);
}

/* --- the rest --- */

static int get_events(KvmVcpu *v)
{
    if (!v->s->vm.cap_vcpu_events) {
        return 0;
    }
    int r = vcpu_ioctl(v, KVM_GET_VCPU_EVENTS, &v->events);
    if (r < 0) {
        return r;
    }
    v->have_events = true;
    X86Cpu *cpu = v->cpu;
    cpu->nmi_blocked = v->events.nmi.masked != 0;
    cpu->irq_shadow = v->events.interrupt.shadow != 0;
    if (v->events.nmi.pending) {
        cpu->interrupt_request |= CPU_REQ_NMI;
    }
    return 0;
}

static int put_events(KvmVcpu *v)
{
    if (!v->s->vm.cap_vcpu_events) {
        return 0;
    }
    if (!v->have_events) {
        int r = vcpu_ioctl(v, KVM_GET_VCPU_EVENTS, &v->events);
        if (r < 0) {
            return r;
        }
        v->have_events = true;
    }
    X86Cpu *cpu = v->cpu;
    struct kvm_vcpu_events e = v->events;
    e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
              (v->events.flags & KVM_VCPUEVENT_VALID_SMM);
    e.nmi.masked = cpu->nmi_blocked;
    e.nmi.pending = (cpu->interrupt_request & CPU_REQ_NMI) != 0;
    e.interrupt.shadow = cpu->irq_shadow ? KVM_X86_SHADOW_INT_MOV_SS : 0;
    e.smi.smm = cpu->smm;
    int r = vcpu_ioctl(v, KVM_SET_VCPU_EVENTS, &e);
    if (r == 0) {
        cpu->interrupt_request &= ~CPU_REQ_NMI;
        v->events = e;
    }
    return r;
}

static int get_debugregs(KvmVcpu *v)
{
    struct kvm_debugregs d;
    if (!v->s->vm.cap_debugregs) {
        return 0;
    }
    int r = vcpu_ioctl(v, KVM_GET_DEBUGREGS, &d);
    if (r == 0) {
        for (int i = 0; i < 4; i++) {
            v->cpu->dr[i] = d.db[i];
        }
        v->cpu->dr[6] = d.dr6;
        v->cpu->dr[7] = d.dr7;
    }
    return r;
}

static int put_debugregs(KvmVcpu *v)
{
    struct kvm_debugregs d;
    if (!v->s->vm.cap_debugregs) {
        return 0;
    }
    memset(&d, 0, sizeof(d));
    for (int i = 0; i < 4; i++) {
        d.db[i] = v->cpu->dr[i];
    }
    d.dr6 = v->cpu->dr[6];
    d.dr7 = v->cpu->dr[7];
    return vcpu_ioctl(v, KVM_SET_DEBUGREGS, &d);
}

static void get_xcr0(KvmVcpu *v)
{
    struct kvm_xcrs x;
    if (!v->s->vm.cap_xcrs || vcpu_ioctl(v, KVM_GET_XCRS, &x) < 0) {
        return;
    }
    for (uint32_t i = 0; i < x.nr_xcrs && i < KVM_MAX_XCRS; i++) {
        if (x.xcrs[i].xcr == 0) {
            v->cpu->xcr0 = x.xcrs[i].value;
        }
    }
}

static void put_xcr0(KvmVcpu *v)
{
    struct kvm_xcrs x;
    if (!v->s->vm.cap_xcrs) {
        return;
    }
    memset(&x, 0, sizeof(x));
    x.nr_xcrs = 1;
    x.xcrs[0].xcr = 0;
    x.xcrs[0].value = v->cpu->xcr0;
    /* XCR0 beyond x87 needs XSAVE in CPUID: KVM refuses it otherwise, as
     * the CPU would. */
    vcpu_ioctl(v, KVM_SET_XCRS, &x);
}

/* The in-kernel LAPIC's halt and wait-for-SIPI states. */
static int get_mp_state(KvmVcpu *v)
{
    struct kvm_mp_state mp;
    if (v->s->irqchip == KVM_IRQCHIP_NONE) {
        return 0;   /* HLT exits to pcvm, which keeps cpu->halted */
    }
    int r = vcpu_ioctl(v, KVM_GET_MP_STATE, &mp);
    if (r == 0) {
        v->cpu->halted = mp.mp_state == KVM_MP_STATE_HALTED ||
                         mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
        v->cpu->wait_for_sipi = mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
    }
    return r;
}

static int put_mp_state(KvmVcpu *v)
{
    if (v->s->irqchip == KVM_IRQCHIP_NONE) {
        return 0;
    }
    struct kvm_mp_state mp = {
        .mp_state = v->cpu->wait_for_sipi ? KVM_MP_STATE_INIT_RECEIVED
                    : v->cpu->halted ? KVM_MP_STATE_HALTED
                                     : KVM_MP_STATE_RUNNABLE,
    };
    return vcpu_ioctl(v, KVM_SET_MP_STATE, &mp);
}

static void report(KvmVcpu *v, const char *what, int r)
{
    log_guest(&v->s->m->log, LOG_UNIMP, &v->err_count,
              "kvm: cpu%d: %s: %s", v->index, what, strerror(-r));
}

int kvm_vcpu_get_state(KvmVcpu *v)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int r;

    kvm_vcpu_settle(v);
    if ((r = vcpu_ioctl(v, KVM_GET_REGS, &regs)) < 0) {
        report(v, "KVM_GET_REGS", r);
        return r;
    }
    if ((r = vcpu_ioctl(v, KVM_GET_SREGS, &sregs)) < 0) {
        report(v, "KVM_GET_SREGS", r);
        return r;
    }
    regs_to_x86(&regs, v->cpu);
    sregs_to_x86(&sregs, v->cpu);
    if ((r = get_fpu(v)) < 0) {
        report(v, "reading the FPU", r);
    }
    get_xcr0(v);
    if ((r = get_debugregs(v)) < 0) {
        report(v, "KVM_GET_DEBUGREGS", r);
    }
    if ((r = get_events(v)) < 0) {
        report(v, "KVM_GET_VCPU_EVENTS", r);
    }
    if ((r = get_msrs(v)) < 0) {
        report(v, "KVM_GET_MSRS", r);
    }
    if ((r = get_mp_state(v)) < 0) {
        report(v, "KVM_GET_MP_STATE", r);
    }
    if (v->lapic && v->s->irqchip != KVM_IRQCHIP_NONE) {
        vcpu_ioctl(v, KVM_GET_LAPIC, v->lapic);
    }
    x86_update_mode(v->cpu);
    v->synced = true;
    return 0;
}

int kvm_vcpu_put_state(KvmVcpu *v, bool full)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int r;

    kvm_vcpu_settle(v);
    regs_from_x86(v->cpu, &regs);
    sregs_from_x86(v->cpu, &sregs);
    if ((r = vcpu_ioctl(v, KVM_SET_SREGS, &sregs)) < 0) {
        report(v, "KVM_SET_SREGS", r);
        return r;
    }
    if ((r = vcpu_ioctl(v, KVM_SET_REGS, &regs)) < 0) {
        report(v, "KVM_SET_REGS", r);
        return r;
    }
    put_xcr0(v);
    if ((r = put_fpu(v, full)) < 0) {
        report(v, "writing the FPU", r);
    }
    if ((r = put_debugregs(v)) < 0) {
        report(v, "KVM_SET_DEBUGREGS", r);
    }
    if ((r = put_events(v)) < 0) {
        report(v, "KVM_SET_VCPU_EVENTS", r);
    }
    if ((r = put_msrs(v, full)) < 0) {
        report(v, "KVM_SET_MSRS", r);
    }
    if (full && v->lapic && v->s->irqchip != KVM_IRQCHIP_NONE) {
        vcpu_ioctl(v, KVM_SET_LAPIC, v->lapic);
    }
    if ((r = put_mp_state(v)) < 0) {
        report(v, "KVM_SET_MP_STATE", r);
    }
    v->if_flag = (regs.rflags & FL_IF) != 0;
    v->window_open = false;
    v->dirty = false;
    v->dirty_full = false;
    return 0;
}

void kvm_vcpu_sync_from_kvm(KvmVcpu *v)
{
    if (!v->synced && !v->dirty) {
        kvm_vcpu_get_state(v);
    }
}

void kvm_vcpu_sync_to_kvm(KvmVcpu *v)
{
    if (v->dirty) {
        kvm_vcpu_put_state(v, v->dirty_full);
    }
}

void kvm_vcpu_dump(KvmVcpu *v, FILE *f)
{
    kvm_vcpu_sync_from_kvm(v);
    x86_cpu_dump(v->cpu, f);
    fprintf(f, "KVM: exits=%llu%s%s\n", (unsigned long long)v->exits,
            v->events.exception.injected ? " exception-injected" : "",
            v->events.interrupt.injected ? " interrupt-injected" : "");
}
