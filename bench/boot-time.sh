#!/usr/bin/env bash
# bench/boot-time.sh: how long Linux takes to reach init, booted directly
# (-bios none: pcvm enters the kernel itself, the way microVMs boot) and
# through SeaBIOS and pcvm's -kernel option ROM, with -icount off and on.
# Direct boot runs twice: as it does by default (pcvm unpacks the bzImage's
# vmlinux on the host and enters the kernel proper: "direct") and with
# -global direct-boot.unpack=off (the bzImage's own entry, its decompressor
# running in the guest: "direct-bz").
#
#   bench/boot-time.sh [--build DIR] [--arch i386|amd64] [--runs N]
#                      [--accel A] [-- EXTRA PCVM ARGS]
#
# The guest is the boot tests' Debian kernel and busybox initrd
# (scripts/fetch-guest) with a /test.sh that only prints the guest's uptime;
# its init then powers the machine off. Each console line is stamped with
# the host time as it arrives: "to kernel" is the wall time from starting
# pcvm to the kernel's first line (earlyprintk: the firmware, the setup
# code and the decompressor are behind it), "to init" to the line /test.sh
# prints, "total" the whole run (power-off included), "cpu" pcvm's
# user+system time, "guest" the kernel's own uptime at init (virtual time:
# under -icount it is the same on every host). The table goes to stdout and bench/results/boot-time-STAMP.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
arch=i386
runs=1
accel=tcg
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --accel) accel=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench/boot-time.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
pcvm=$build/pcvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/boot/guest-lib.bash
. "$top/tests/boot/guest-lib.bash"
guest_fetch "$arch" "$build"
printf '#!/bin/sh\necho "== uptime at init $(cut -d" " -f1 /proc/uptime)"\n' \
    >"$tmp/test.sh"
guest_initrd "$tmp/test.sh" "$tmp/initrd.img"

# one_run FIRMWARE ICOUNT: prints "to_kernel_ms to_init_ms total_ms cpu_s
# guest_s".
one_run() {
    local fw=$1 icount=$2 args=()
    case $fw in
    direct) args+=(-bios none) ;;
    direct-bz) args+=(-bios none -global direct-boot.unpack=off) ;;
    esac
    [ "$icount" = on ] && args+=(-icount shift=2)
    local t0 line t_kernel="" t_init="" guest=""
    t0=$EPOCHREALTIME
    # The stamps come from this shell as the lines arrive; `time` gives
    # pcvm's CPU time on stderr.
    while IFS= read -r line; do
        case "$line" in
        *"Linux version"*)
            [ -n "$t_kernel" ] || t_kernel=$EPOCHREALTIME
            ;;
        *"== uptime at init"*)
            t_init=$EPOCHREALTIME
            guest=${line##*init }
            guest=${guest%%[!0-9.]*}
            ;;
        esac
    done < <( { TIMEFORMAT='%U %S'; time timeout 3000 "$pcvm" -accel "$accel" \
        -nographic -m 256 -no-reboot "${args[@]}" "${extra[@]}" \
        -kernel "$kernel" -initrd "$tmp/initrd.img" \
        -append "console=ttyS0 earlyprintk=ttyS0 pcvm.test=1" \
        </dev/null 2>/dev/null; } \
        2>"$tmp/cpu")
    local t1=$EPOCHREALTIME
    [ -n "$t_init" ] && [ -n "$t_kernel" ] || { echo "- - - - -"; return; }
    awk -v t0="$t0" -v tk="$t_kernel" -v ti="$t_init" -v t1="$t1" \
        -v g="$guest" -v cpu="$(cat "$tmp/cpu")" 'BEGIN {
            split(cpu, c, " ");
            printf "%d %d %d %.1f %s\n", (tk - t0) * 1000, (ti - t0) * 1000,
                   (t1 - t0) * 1000, c[1] + c[2], g }'
}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results"
report=$here/results/boot-time-$stamp.md
{
    echo "# Time to init: $(cat "$build/guest/$arch/VERSION" 2>/dev/null) ($stamp)"
    echo
    echo "Host: $(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);"
    echo "pcvm -accel $accel -m 256 ${extra[*]}; $runs run(s) each."
    echo
    echo "| firmware | -icount | to kernel (ms) | to init (ms) | total (ms) | pcvm cpu (s) | guest uptime at init (s) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
} | tee "$report"
for fw in direct direct-bz seabios; do
    for icount in off on; do
        for ((r = 0; r < runs; r++)); do
            read -r tk ti tt cpu g < <(one_run "$fw" "$icount")
            echo "| $fw | $icount | $tk | $ti | $tt | $cpu | $g |" |
                tee -a "$report"
        done
    done
done
