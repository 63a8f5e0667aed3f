#!/usr/bin/env bash
# 64-bit Linux under the software CPU, through SeaBIOS and pcvm's -kernel
# option ROM on the default CPU (qemu64): Debian's amd64 kernel and
# busybox reach a shell, see SSE to SSE3 in /proc/cpuinfo, compute in
# floating point with awk (x86-64 code does its double arithmetic in SSE2;
# busybox's awk has no math functions, only + - * / and printf), make a
# file and take its SHA-256 (both compared with the host computing the
# same), and power off through ACPI; pcvm exits 0.
# boot-interp: yes (tests/run.sh runs it under the interpreter too)
# With BOOT_ACCEL=kvm in the environment (linux-amd64-kvm.sh) the same
# under -accel kvm on the host clock, where KVM can run Linux; elsewhere
# it skips with the reason.
set -u
build=${1:-build}
accel=${BOOT_ACCEL:-tcg}
name=linux-amd64$([ "$accel" = kvm ] && echo "-kvm")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/boot/guest-lib.bash
. "$here/guest-lib.bash"
# -icount: under the software CPU virtual time follows the instruction
# count, so the guest sees the same timing on any host.
accel_args="-icount shift=2"
if [ "$accel" = kvm ]; then
    kvm_linux_or_skip "$build"
    accel_args="-accel kvm"
fi
guest_fetch amd64 "$build"

cat >"$tmp/test.sh" <<SCRIPT
#!/bin/sh
echo "== cpu \$(grep -m1 '^model name' /proc/cpuinfo)"
echo "== flags \$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -x 'sse\|sse2\|pni\|ssse3\|lm\|nx' | tr '\n' ' ')"
$(guest_fp_script)
SCRIPT
# The initrd uncompressed: the kernel unpacks a gzipped one at boot,
# which takes seconds of emulated time.
guest_initrd "$tmp/test.sh" "$tmp/initrd.gz"
gzip -dc "$tmp/initrd.gz" >"$tmp/initrd.img"

# The limits only guard against a hang: CPU time for a guest that spins,
# wall time for one that sleeps.
log=$build/tests/$name$engine_tag.log
mkdir -p "$build/tests"
(
    ulimit -t 1200
    # shellcheck disable=SC2086
    exec timeout 2400 "$build/pcvm" "${engine_args[@]}" -nographic -m 128 \
        $accel_args -no-reboot -kernel "$kernel" -initrd "$tmp/initrd.img" \
        -append "console=ttyS0 pcvm.test=1"
) </dev/null >"$log" 2>"$tmp/err"
status=$?
failures=0
[ "$status" -eq 0 ] || { echo "pcvm exit status $status, expected 0"; failures=$((failures + 1)); }
expect_log "$log" "Linux version [^ ]*-amd64 " "the amd64 kernel"
expect_text "$log" "pcvm-guest: init up (x86_64" "the 64-bit shell"
expect_text "$log" "pcvm-guest: test exit status 0" "the test script ran"
expect_text "$log" "== flags sse sse2 nx lm pni " "SSE to SSE3 (pni), long mode in /proc/cpuinfo"
guest_fp_expect "$log"
expect_log "$log" "reboot: Power down" "ACPI power-off"
refuse_log "$log" "invalid opcode|general protection|Oops|BUG:|panic" "kernel complaints"
guest_verdict "$log" "$([ "$accel" = kvm ] && echo " under KVM"): shell, awk, sha256, power-off"
