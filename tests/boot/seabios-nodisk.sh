#!/usr/bin/env bash
# SeaBIOS on the PC board with no disk: `pcvm -nographic` must show
# SeaBIOS's banner and "No bootable device" on the terminal. With
# -no-reboot, SeaBIOS's reboot after its 60-second retry wait ends pcvm
# (status 0); -icount makes that wait pass in virtual time, instantly.
# Skips (77) when Debian's seabios package is not installed.
set -u
build=${1:-build}
pcvm=$build/pcvm
if ! [ -f /usr/share/seabios/bios-256k.bin ]; then
    echo "SKIP: /usr/share/seabios/bios-256k.bin is missing (Debian package seabios)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout 120 "$pcvm" -nographic -no-reboot -icount shift=3 -m 128M \
    </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
ok=1
grep -aq 'SeaBIOS (version' "$tmp/out" || { echo "no SeaBIOS banner"; ok=0; }
grep -aq 'No bootable device' "$tmp/out" || { echo "no 'No bootable device'"; ok=0; }
[ "$status" -eq 0 ] || { echo "exit status $status, expected 0"; ok=0; }
if [ $ok -eq 1 ]; then
    echo "PASS: $(grep -ao 'SeaBIOS (version[^)]*)' "$tmp/out" | head -n 1), No bootable device"
    exit 0
fi
echo "--- terminal"; head -c 2000 "$tmp/out" | cat -v
echo "--- stderr"; head -n 20 "$tmp/err"
exit 1
