#!/usr/bin/env bash
# The direct-boot test (linux-direct-i386.sh) with Debian's i386 kernel under
# -accel kvm: no firmware, two vCPUs each on a host thread, both kept busy
# by the guest. Skips (77) with the reason where KVM cannot run Linux.
DIRECT_ARCH=i386 DIRECT_ACCEL=kvm exec "$(dirname "$0")/linux-direct-i386.sh" "$@"
