#!/usr/bin/env bash
# Linux booted directly, without firmware (-bios none): pcvm lays out the
# kernel, initrd, command line and boot_params with the memory map, links
# the ACPI tables and the MP table into RAM and enters the kernel, the way
# microVMs boot. By default pcvm unpacks the bzImage's vmlinux and enters
# the kernel proper (32-bit startup); with DIRECT_UNPACK=off in the
# environment (linux-direct-i386-bz.sh) it enters the bzImage's 32-bit
# entry and the kernel decompresses itself; DIRECT_ARCH=amd64
# (linux-direct-amd64.sh) boots the 64-bit kernel in long mode; with
# DIRECT_ACCEL=kvm (linux-direct-*-kvm.sh) the same runs under -accel kvm
# on the host clock, a host thread per vCPU, where KVM can run Linux (and
# skips with the reason elsewhere). Debian's kernel and busybox on two
# CPUs reach a shell, run a few commands (md5sum, floating point in awk
# and a sha256sum checked against the host's), keep both CPUs busy at
# once (a loop pinned to each, which must run there and move that CPU's
# tick count in /proc/stat) and power off through ACPI; pcvm exits 0.
# The kernel log must show pcvm's memory map, the tables where pcvm put
# them, both CPUs up, the timers calibrated, the IOAPIC in use, no
# complaints about interrupts and no kernel errors. The time to init is
# printed (not judged: it depends on the host).
set -u
build=${1:-build}
arch=${DIRECT_ARCH:-i386}
unpack=${DIRECT_UNPACK:-on}
accel=${DIRECT_ACCEL:-tcg}
smp=2
name=linux-direct-$arch$([ "$unpack" = off ] && echo "-bz")$([ "$accel" = kvm ] && echo "-kvm")
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
guest_fetch "$arch" "$build"

cat >"$tmp/test.sh" <<'SCRIPT'
#!/bin/sh
echo "-- uptime at init $(cut -d' ' -f1 /proc/uptime)"
echo "== interrupts"
cat /proc/interrupts
seq 1 20000 >/tmp/numbers
echo "== md5 $(md5sum /tmp/numbers | cut -d' ' -f1)"
echo "== cpus $(grep -c ^processor /proc/cpuinfo)"
cat >/tmp/busy.sh <<'BUSY'
# busy.sh N (pinned to CPU N): spin until CPU N's user+nice+system ticks
# in /proc/stat move, then say where this shell ran and whether they did.
n=$1
ticks() {
    while read -r c u ni s rest; do
        if [ "$c" = "cpu$n" ]; then echo $((u + ni + s)); return; fi
    done </proc/stat
}
t0=$(ticks)
t=$t0
i=0
while [ $i -lt 200000 ] && [ "$t" -le "$t0" ]; do
    i=$((i + 1))
    if [ $((i % 50)) -eq 0 ]; then t=$(ticks); fi
done
moved="moved"
[ "$t" -gt "$t0" ] || moved="did not move ($t0 -> $t)"
echo "== busy on cpu$n: ran on cpu$(cut -d' ' -f39 /proc/$$/stat), its ticks $moved"
BUSY
n=0
while [ -e /sys/devices/system/cpu/cpu$n ]; do
    taskset -c $n sh /tmp/busy.sh $n >/tmp/busy.$n &
    n=$((n + 1))
done
wait
# (in CPU order: the "== " lines must not depend on which ended first)
n=0
while [ -e /tmp/busy.$n ]; do cat /tmp/busy.$n; n=$((n + 1)); done
echo "== cmdline $(cat /proc/cmdline)"
echo "== dmesg"
dmesg
SCRIPT
guest_fp_script >>"$tmp/test.sh"
guest_initrd "$tmp/test.sh" "$tmp/initrd.img"

want_md5=$(seq 1 20000 | md5sum | cut -d' ' -f1)

# The limit only guards against a hang.
log=$build/tests/$name$engine_tag.log
mkdir -p "$build/tests"
start=$(date +%s.%N)
# shellcheck disable=SC2086
timeout 1500 "$build/pcvm" "${engine_args[@]}" -bios none -nographic \
    -m 256 -smp "$smp" \
    $accel_args -no-reboot -global direct-boot.unpack="$unpack" \
    -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "console=ttyS0 pcvm.test=1 apic=verbose" \
    </dev/null >"$log" 2>"$tmp/err"
status=$?
end=$(date +%s.%N)
failures=0
[ "$status" -eq 0 ] || { echo "pcvm exit status $status, expected 0"; failures=$((failures + 1)); }
expect_text "$log" "pcvm-guest: test exit status 0" "the test script ran"
expect_text "$log" "== md5 $want_md5" "md5sum of the guest's file"
guest_fp_expect "$log"
expect_text "$log" "== cmdline console=ttyS0 pcvm.test=1 apic=verbose" "the command line"
# pcvm's memory map (pc_direct_e820 for 256 MiB: tables in the last pages)
expect_log "$log" "BIOS-e820: \[mem 0x0000000000000000-0x000000000009fbff\] usable" "e820: low RAM"
expect_log "$log" "BIOS-e820: \[mem 0x000000000009fc00-0x00000000000fffff\] reserved" "e820: EBDA and BIOS area"
expect_log "$log" "BIOS-e820: \[mem 0x0000000000100000-0x000000000f[0-9a-f]{3}fff\] usable" "e820: RAM above 1 MiB"
expect_log "$log" "BIOS-e820: \[mem 0x000000000f[0-9a-f]{3}000-0x000000000fffffff\] reserved" "e820: the tables"
expect_log "$log" "BIOS-e820: \[mem 0x00000000fec00000-0x00000000fec00fff\] reserved" "e820: the IOAPIC"
expect_log "$log" "ACPI: RSDP 0x000000000009FC00 000024 \(v02 PCVM" "the RSDP in the EBDA"
expect_log "$log" "ACPI: XSDT 0x000000000FF" "the XSDT at the top of RAM"
expect_log "$log" "found SMP MP-table at \[mem 0x0009fc30-0x0009fc3f\]" "the MP table"
expect_log "$log" "RAMDISK: \[mem 0x0f" "the initrd high in RAM"
expect_log "$log" "TSC calibration using PIT|tsc: Detected .* MHz" "TSC calibrated"
expect_log "$log" "hpet0: 3 comparators" "the HPET"
expect_log "$log" "calibration result|APIC delta adjusted|lapic.*calibrat" "LAPIC timer calibrated"
expect_log "$log" "Using IOAPIC for interrupt routing" "the IOAPIC in use"
expect_log "$log" "IO-APIC .*timer" "the timer through the IOAPIC"
expect_log "$log" "ACPI: Interpreter enabled" "ACPI enabled (the PM block at 0x600)"
expect_log "$log" "smp: Brought up 1 node, $smp CPUs" "the APs started by INIT/SIPI"
expect_text "$log" "== cpus $smp" "all $smp CPUs in /proc/cpuinfo"
for ((c = 0; c < smp; c++)); do
    expect_text "$log" "== busy on cpu$c: ran on cpu$c, its ticks moved" "a loop pinned to CPU $c, running there and moving its ticks in /proc/stat"
done
expect_log "$log" "reboot: Power down" "ACPI power-off"
refuse_log "$log" "spurious (8259A )?interrupt|spurious APIC|lost interrupt|nobody cared|unexpected IRQ" "interrupt complaints"
refuse_log "$log" "BUG:|Oops|Kernel panic|general protection" "kernel errors"
if [ $failures -ne 0 ]; then
    echo "--- the whole console output is in $log"
    echo "--- stderr"; head -n 20 "$tmp/err"
    exit 1
fi
init=$(grep -ao -m1 -- '-- uptime at init [0-9.]*' "$log" | cut -d' ' -f5)
wall=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
how=$([ "$unpack" = off ] && echo "the bzImage's entry" || echo "the vmlinux unpacked by pcvm")
engine=$([ -n "$engine_tag" ] && echo " under the interpreter")
engine=$engine$([ "$accel" = kvm ] && echo " under KVM")
echo "PASS: $(grep -ao -m1 'Linux version [^ ]*' "$log") without firmware ($how) on $smp CPUs$engine: shell, md5, awk, sha256, both CPUs busy, power-off (guest uptime at init ${init}s; ${wall}s wall for the whole run)"
exit 0
