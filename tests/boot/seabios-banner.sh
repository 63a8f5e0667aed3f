#!/usr/bin/env bash
# Boot Debian's SeaBIOS on the PC board and look for its banner, on the
# debug console (port 0x402, printed first) or the serial console
# (-nographic). Skips (77) with a reason when the BIOS is not installed or
# the CPU cannot run it yet.
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The banner comes within a few million instructions; the limit only
# guards against a hang.
timeout 60 "$pcvm" -bios "$bios" -nographic -m 128M \
    -debugcon "file:$tmp/debugcon" -global isa-debugcon.iobase=0x402 \
    -icount shift=0 </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
if grep -aq 'SeaBIOS (version' "$tmp/debugcon" "$tmp/out" 2>/dev/null; then
    echo "PASS: $(grep -ah 'SeaBIOS (version' "$tmp/debugcon" "$tmp/out" | head -n 1)"
    exit 0
fi
if grep -q 'not built yet' "$tmp/err"; then
    echo "SKIP: the CPU cannot run SeaBIOS yet: $(grep -m1 'not built yet' "$tmp/err")"
    exit 77
fi
echo "--- stderr"; head -n 20 "$tmp/err"
echo "--- debug console"; head -c 2000 "$tmp/debugcon" 2>/dev/null
echo "FAIL: no SeaBIOS banner (exit status $status)"
exit 1
