#!/usr/bin/env bash
# The 64-bit Linux boot test (linux-amd64.sh) under -accel kvm: Debian's
# amd64 kernel through SeaBIOS and pcvm's -kernel option ROM on the host
# CPU, with the same checks (SSE to SSE3 and long mode in /proc/cpuinfo,
# awk's floating point, sha256sum, ACPI power-off). Skips (77) with the
# reason where KVM cannot run Linux (no VMX/SVM, a failed self-test).
BOOT_ACCEL=kvm exec "$(dirname "$0")/linux-amd64.sh" "$@"
