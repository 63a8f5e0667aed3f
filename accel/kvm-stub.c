/* KVM when pcvm is configured --disable-kvm (or the host has no KVM). */
#include <stdio.h>

#include "core/accel.h"
#include "core/machine.h"

static int kvm_stub_init(Machine *m, char *err, size_t errlen)
{
    snprintf(err, errlen, "-accel kvm: this pcvm was built without KVM "
                          "(configure --disable-kvm, or not a Linux host)");
    return -1;
}

static int kvm_stub_probe(const MachineConfig *cfg, char *why,
                          size_t whylen)
{
    snprintf(why, whylen, "this pcvm was built without KVM");
    return -1;
}

static void kvm_stub_help(FILE *f)
{
    fprintf(f, "KVM here: not usable: this pcvm was built without KVM\n");
    fprintf(f, "KVM self-test: open=fail\n");
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_stub_init,
    .probe = kvm_stub_probe,
    .help = kvm_stub_help,
};
