/*
 * The KVM accelerator (Linux hosts).
 *
 * Not built yet: KVM support is the M6 issue. Until then -accel kvm says so
 * and -accel auto uses the software CPU.
 */
#include <stdio.h>

#include "core/accel.h"
#include "core/machine.h"

static int kvm_init(Machine *m, char *err, size_t errlen)
{
    snprintf(err, errlen, "-accel kvm: KVM support is not built yet (a later "
                          "milestone); use -accel tcg");
    return -1;
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_init,
};
