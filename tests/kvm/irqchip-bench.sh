#!/usr/bin/env bash
# tests/kvm/irqchip-bench.sh: compare KVM's interrupt controller choices
# (-accel kvm,kernel-irqchip=off|split|on) and vCPU threading on an
# interrupt-heavy guest: 2000 timer interrupts at 1024 Hz, each ended with
# EOIs (tests/kvm/irq_bench.asm). Not part of make check: it measures.
#
#   tests/kvm/irqchip-bench.sh [--build DIR] [--runs N]
#
# off and split take the interrupts from pcvm's RTC through pcvm's 8259;
# on takes them from KVM's own 8254 through KVM's 8259, because with
# kernel-irqchip=on pcvm's devices can only reach KVM's controllers where
# the board routes its lines through AccelOps.gsi_line. Prints a markdown
# table: median wall time, host CPU time (user + system) and the exits
# KVM made per interrupt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "irqchip-bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
pcvm=$build/pcvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=2000

if ! "$pcvm" -accel help | grep -q '^KVM self-test: .*real-mode=ok'; then
    echo "irqchip-bench: KVM cannot run guests here:" \
        "$("$pcvm" -accel help | sed -n 's/^KVM here: //p')"
    exit 77
fi
for src in PIT RTC; do
    nasm -f bin -I "$top/tests/guest/" -DSOURCE_$src -DRATE_HZ=1024 \
        -DRTC_RATE=6 -DCOUNT=$count -o "$tmp/irq_$src.bin" \
        "$here/irq_bench.asm" || exit 1
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "Host: $(uname -r), $(nproc) CPUs; $("$pcvm" -accel help | sed -n 's/^KVM here: //p' | cut -c1-80)"
echo
echo "| kernel-irqchip | thread | source | median wall s | median CPU s | exits/irq |"
echo "| --- | --- | --- | ---: | ---: | ---: |"
for mode in off split on; do
    src=RTC
    [ $mode = on ] && src=PIT
    for th in single multi; do
        : >"$tmp/wall"
        : >"$tmp/cpu"
        exits=?
        for _ in $(seq "$runs"); do
            /usr/bin/time -f "%e %U %S" -o "$tmp/time" \
                "$pcvm" -accel kvm,kernel-irqchip=$mode,thread=$th \
                -bios "$tmp/irq_$src.bin" -nographic -debugcon null \
                -device isa-debug-exit -d int -D "$tmp/log" \
                </dev/null >/dev/null 2>&1
            st=$?
            if [ $st -ne 1 ]; then
                echo "| $mode | $th | $src | failed (status $st) | | |"
                continue 2
            fi
            read -r wall user sys < <(tail -n 1 "$tmp/time")
            echo "$wall" >>"$tmp/wall"
            echo "$user $sys" | awk '{print $1 + $2}' >>"$tmp/cpu"
            exits=$(sed -n 's/.*: \([0-9]*\) exits:.*/\1/p' "$tmp/log" | tail -n 1)
        done
        printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$th" "$src" \
            "$(median <"$tmp/wall")" "$(median <"$tmp/cpu")" \
            "$(awk -v e="$exits" -v n=$count 'BEGIN {printf "%.1f", e / n}')"
    done
done
