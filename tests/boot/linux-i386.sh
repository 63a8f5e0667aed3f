#!/usr/bin/env bash
# 32-bit Linux under the software CPU, through SeaBIOS and pcvm's
# -kernel option ROM: Debian's 686 kernel and busybox reach a shell, run a
# few commands (interrupts, an md5sum of a file made in the guest, x87
# floating point through awk) and power off through ACPI; pcvm exits 0.
# The kernel log must show the timers calibrated, the IOAPIC in use and no
# complaints about spurious or lost interrupts.
# With SMP=N in the environment (linux-i386-smp.sh) the machine has N
# vCPUs: the kernel must bring them all up and a job pinned to each CPU
# must run there.
set -u
build=${1:-build}
smp=${SMP:-1}
name=linux-i386$([ "$smp" -gt 1 ] && echo "-smp$smp")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/boot/guest-lib.bash
. "$here/guest-lib.bash"
guest_fetch i386 "$build"

cat >"$tmp/test.sh" <<'SCRIPT'
#!/bin/sh
echo "== interrupts"
cat /proc/interrupts
seq 1 20000 >/tmp/numbers
echo "== md5 $(md5sum /tmp/numbers | cut -d' ' -f1)"
echo "== awk $(awk 'BEGIN { x = 1; for (i = 1; i <= 40; i++) x = x * 1.5 + 1 / i; printf "%.9f %.6e", 355 / 113, x }')"
echo "== cpus $(grep -c ^processor /proc/cpuinfo)"
n=0
while [ -e /sys/devices/system/cpu/cpu$n ]; do
    taskset -c $n sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done'
    echo "== pinned to cpu$n: status $?"
    n=$((n + 1))
done
echo "== local timer interrupts: $(grep LOC: /proc/interrupts)"
echo "== dmesg"
dmesg
SCRIPT
guest_initrd "$tmp/test.sh" "$tmp/initrd.img"

want_md5=$(seq 1 20000 | md5sum | cut -d' ' -f1)
want_awk=$(awk 'BEGIN { x = 1; for (i = 1; i <= 40; i++) x = x * 1.5 + 1 / i; printf "%.9f %.6e", 355 / 113, x }')

# -icount: virtual time follows the instruction count, so the guest sees
# the same timing on any host; the limit only guards against a hang.
log=$build/tests/$name.log
timeout 1500 "$build/pcvm" -nographic -m 256 -smp "$smp" -icount shift=2 -no-reboot \
    -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "console=ttyS0 pcvm.test=1 apic=verbose" \
    </dev/null >"$log" 2>"$tmp/err"
status=$?
failures=0
[ "$status" -eq 0 ] || { echo "pcvm exit status $status, expected 0"; failures=$((failures + 1)); }
expect_text "$log" "pcvm-guest: test exit status 0" "the test script ran"
expect_text "$log" "== md5 $want_md5" "md5sum of the guest's file"
expect_text "$log" "== awk $want_awk" "x87 arithmetic in awk"
expect_log "$log" "TSC calibration using PIT|tsc: Detected .* MHz" "TSC calibrated against the PIT"
expect_log "$log" "hpet0: 3 comparators" "the HPET"
expect_log "$log" "calibration result|APIC delta adjusted|lapic.*calibrat" "LAPIC timer calibrated"
expect_log "$log" "Using IOAPIC for interrupt routing" "the IOAPIC in use"
expect_log "$log" "IO-APIC .*timer" "the timer through the IOAPIC"
expect_log "$log" "reboot: Power down" "ACPI power-off"
expect_text "$log" "== cpus $smp" "all $smp CPUs in /proc/cpuinfo"
for ((c = 0; c < smp; c++)); do
    expect_text "$log" "== pinned to cpu$c: status 0" "a job pinned to CPU $c"
done
if [ "$smp" -gt 1 ]; then
    expect_log "$log" "smp: Brought up 1 node, $smp CPUs" "the APs started by INIT/SIPI"
    # Every CPU's LAPIC timer ticks: no zero in the LOC: row.
    refuse_log "$log" "== local timer interrupts: LOC:( +[0-9]+)* +0 " "a CPU without timer interrupts"
fi
refuse_log "$log" "spurious (8259A )?interrupt|spurious APIC|lost interrupt|nobody cared|unexpected IRQ" "interrupt complaints"
if [ $failures -ne 0 ]; then
    echo "--- the whole console output is in $log"
    echo "--- stderr"; head -n 20 "$tmp/err"
    exit 1
fi
echo "PASS: $(grep -ao -m1 'Linux version [^ ]*' "$log") on $smp CPU(s): shell, md5, awk, power-off"
exit 0
