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

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_stub_init,
};
