#!/usr/bin/env bash
# Boot Debian's SeaBIOS under -accel kvm up to "No bootable device." and
# compare its debug console with the software CPU's: fw_cfg DMA, PCI, PAM
# shadowing (memory slots that move), ACPI and the 8259/LAPIC interrupts,
# all on the host CPU. Skips (77) with a reason when the BIOS is missing or
# KVM cannot run guests here.
set -u
build=${1:-build}
bios=/usr/share/seabios/bios-256k.bin
pcvm=$build/pcvm
if [ ! -f "$bios" ]; then
    echo "SKIP: $bios is missing (Debian package seabios)"
    exit 77
fi
if [ ! -x "$pcvm" ]; then
    echo "FAIL: $pcvm is missing"
    exit 1
fi
if ! "$pcvm" -accel help | grep -q '^KVM self-test: .*real-mode=ok'; then
    echo "SKIP: KVM cannot run guests here:" \
        "$("$pcvm" -accel help | sed -n 's/^KVM here: //p')"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
end='No bootable device.'

# run ACCEL: until SeaBIOS gives up on booting (60 s at most), then stop.
run() {
    "$pcvm" -accel "$1" -bios "$bios" -nographic -m 128M \
        -debugcon "file:$tmp/$1.con" -global isa-debugcon.iobase=0x402 \
        </dev/null >"$tmp/$1.out" 2>"$tmp/$1.err" &
    local pid=$! n=0
    while [ $n -lt 600 ] && ! grep -q "$end" "$tmp/$1.con" 2>/dev/null &&
        kill -0 $pid 2>/dev/null; do
        sleep 0.1
        n=$((n + 1))
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    # What came before the last line, which may be cut short.
    sed -n "/$end/q;p" "$tmp/$1.con" >"$tmp/$1.log"
}

run kvm
if ! grep -q "$end" "$tmp/kvm.con"; then
    echo "--- stderr"; head -n 20 "$tmp/kvm.err"
    echo "--- debug console"; tail -n 20 "$tmp/kvm.con" 2>/dev/null
    echo "FAIL: SeaBIOS did not reach '$end' under KVM"
    exit 1
fi
run tcg
if ! cmp -s "$tmp/tcg.log" "$tmp/kvm.log"; then
    diff "$tmp/tcg.log" "$tmp/kvm.log" | head -n 20
    echo "FAIL: SeaBIOS says different things under tcg and kvm"
    exit 1
fi
if ! grep -q "$end" "$tmp/tcg.con"; then
    echo "FAIL: SeaBIOS did not reach '$end' under tcg"
    exit 1
fi
echo "PASS: $(grep -a -m 1 'SeaBIOS (version' "$tmp/kvm.log"), $(wc -l <"$tmp/kvm.log") identical lines under kvm and tcg"
