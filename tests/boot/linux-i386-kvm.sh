#!/usr/bin/env bash
# 32-bit Linux under KVM (-accel kvm, host clock), through SeaBIOS and
# pcvm's -kernel option ROM, as linux-i386.sh does under the software CPU:
# a shell, an md5sum of a file made in the guest, x87 arithmetic through
# awk, and ACPI power-off. Skips (77) with the reason where KVM cannot run
# a paging guest natively (pcvm -accel help).
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/boot/guest-lib.bash
. "$here/guest-lib.bash"
kvm_linux_or_skip "$build"
guest_fetch i386 "$build"

cat >"$tmp/test.sh" <<'SCRIPT'
#!/bin/sh
seq 1 20000 >/tmp/numbers
echo "== md5 $(md5sum /tmp/numbers | cut -d' ' -f1)"
echo "== awk $(awk 'BEGIN { printf "%.9f %.6e", atan2(1, 1) * 4, exp(10) / 3 }')"
echo "== dmesg"
dmesg
SCRIPT
guest_initrd "$tmp/test.sh" "$tmp/initrd.img"

want_md5=$(seq 1 20000 | md5sum | cut -d' ' -f1)
want_awk=$(awk 'BEGIN { printf "%.9f %.6e", atan2(1, 1) * 4, exp(10) / 3 }')

log=$build/tests/linux-i386-kvm.log
mkdir -p "$build/tests"
timeout 300 "$build/pcvm" -accel kvm -nographic -m 256 -no-reboot \
    -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "console=ttyS0 pcvm.test=1" \
    </dev/null >"$log" 2>"$tmp/err"
status=$?
failures=0
[ "$status" -eq 0 ] || { echo "pcvm exit status $status, expected 0"; failures=$((failures + 1)); }
expect_log "$log" "pcvm-guest: test exit status 0" "the test script ran"
expect_log "$log" "== md5 $want_md5" "md5sum of the guest's file ($want_md5)"
expect_log "$log" "== awk $want_awk" "x87 arithmetic in awk ($want_awk)"
expect_log "$log" "reboot: Power down" "ACPI power-off"
refuse_log "$log" "lost interrupt|irq [0-9]+: nobody cared" "interrupt complaints"
guest_verdict "$log" " under KVM: shell, md5, awk, power-off"
