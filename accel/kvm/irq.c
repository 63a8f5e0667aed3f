/*
 * Which interrupt controllers live in the kernel (kernel-irqchip=...).
 *
 *  off   (default) none: pcvm's own 8259 drives the vCPU's INTR pin and
 *        answers the acknowledge, and vcpu.c injects its vector with
 *        KVM_INTERRUPT when the guest's IF allows (asking KVM for an
 *        interrupt window otherwise). HLT exits to pcvm. The device models
 *        are exactly those the software CPU sees.
 *  split the local APICs in KVM (KVM_CAP_SPLIT_IRQCHIP); the 8259 stays
 *        pcvm's and reaches KVM's LAPIC as ExtINT through the same
 *        KVM_INTERRUPT path; HLT and the APIC timer stay in the kernel.
 *        An IOAPIC of the board's would send its messages as MSIs.
 *  on    KVM's own 8259 pair, IOAPIC and 8254 (KVM_CREATE_IRQCHIP,
 *        KVM_CREATE_PIT2) shadow pcvm's at the same ports; the board's
 *        other interrupt sources reach them through gsi_line. For
 *        measurement: the state of those chips lives outside pcvm.
 * docs/kvm.md compares them.
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

/* IOAPIC pins whose routes KVM keeps for the board (split mode). */
#define KVM_SPLIT_IOAPIC_PINS 24

const char *kvm_irqchip_name(KvmIrqchipMode mode)
{
    switch (mode) {
    case KVM_IRQCHIP_NONE: return "off";
    case KVM_IRQCHIP_SPLIT_MODE: return "split";
    default: return "on";
    }
}

int kvm_irqchip_create(KvmState *s, char *err, size_t errlen)
{
    KvmVm *vm = &s->vm;
    switch (s->irqchip) {
    case KVM_IRQCHIP_NONE:
        return 0;
    case KVM_IRQCHIP_SPLIT_MODE: {
        if (!vm->cap_split_irqchip) {
            snprintf(err, errlen, "-accel kvm,kernel-irqchip=split: this "
                                  "KVM lacks KVM_CAP_SPLIT_IRQCHIP");
            return -1;
        }
        struct kvm_enable_cap cap = {
            .cap = KVM_CAP_SPLIT_IRQCHIP,
            .args = {KVM_SPLIT_IOAPIC_PINS},
        };
        if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap) < 0) {
            snprintf(err, errlen, "KVM_ENABLE_CAP(SPLIT_IRQCHIP): %s",
                     strerror(errno));
            return -1;
        }
        return 0;
    }
    case KVM_IRQCHIP_FULL: {
        if (!vm->cap_irqchip || !vm->cap_pit2) {
            snprintf(err, errlen, "-accel kvm,kernel-irqchip=on: this KVM "
                                  "lacks KVM_CAP_IRQCHIP or KVM_CAP_PIT2");
            return -1;
        }
        if (ioctl(vm->fd, KVM_CREATE_IRQCHIP) < 0) {
            snprintf(err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
            return -1;
        }
        struct kvm_pit_config pit = {.flags = 0};
        if (ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0) {
            snprintf(err, errlen, "KVM_CREATE_PIT2: %s", strerror(errno));
            return -1;
        }
        /* Their power-on state, for machine resets. */
        for (int i = 0; i < 3; i++) {
            s->chip_reset[i].chip_id = (uint32_t)i;
            if (ioctl(vm->fd, KVM_GET_IRQCHIP, &s->chip_reset[i]) < 0) {
                snprintf(err, errlen, "KVM_GET_IRQCHIP: %s", strerror(errno));
                return -1;
            }
        }
        if (ioctl(vm->fd, KVM_GET_PIT2, &s->pit_reset) < 0) {
            snprintf(err, errlen, "KVM_GET_PIT2: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    }
    return 0;
}

void kvm_irqchip_reset(KvmState *s)
{
    if (s->irqchip != KVM_IRQCHIP_FULL) {
        return;
    }
    if (!s->gsi_lines_given && !s->gsi_warned) {
        s->gsi_warned = true;
        log_warn(&s->m->log, "kvm: kernel-irqchip=on: the board routes no "
                             "interrupt line to KVM's controllers; only "
                             "KVM's own 8254 can interrupt the guest");
    }
    for (int i = 0; i < 3; i++) {
        ioctl(s->vm.fd, KVM_SET_IRQCHIP, &s->chip_reset[i]);
    }
    ioctl(s->vm.fd, KVM_SET_PIT2, &s->pit_reset);
}

static void gsi_handler(void *opaque, int gsi, int level)
{
    KvmState *s = opaque;
    struct kvm_irq_level l = {.irq = (uint32_t)gsi, .level = level != 0};
    if (ioctl(s->vm.fd, KVM_IRQ_LINE, &l) < 0) {
        log_guest(&s->m->log, LOG_UNIMP, &s->vm.slot_err_count,
                  "kvm: KVM_IRQ_LINE %d: %s", gsi, strerror(errno));
    }
}

IrqLine kvm_irqchip_gsi_line(KvmState *s, int gsi)
{
    if (s->irqchip != KVM_IRQCHIP_FULL || gsi < 0 || gsi >= 24) {
        return irq_line(NULL, NULL, 0);
    }
    s->gsi_lines_given = true;
    return irq_line(gsi_handler, s, gsi);
}
