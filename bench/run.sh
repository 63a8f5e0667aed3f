#!/usr/bin/env bash
# bench/run.sh: run the benchmark guests and report guest MIPS and ratios.
#
#   bench/run.sh [--build DIR] [--runs N]
#
# Each guest in bench/guest/ is a 64 KiB ROM. Its exact instruction count
# comes from one run under `pcvm -icount shift=0` (the guest prints the TSC
# delta, which is then the retired-instruction count). Then each engine runs
# it --runs times on the host clock; the table gives the median wall time,
# guest MIPS (instructions / median time) and the ratio to pcvm's
# interpreter. Peers (QEMU TCG, Bochs) join the table when installed and
# when their runner is wired up (milestone M5); absent peers are listed as
# skipped, with the reason.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
runs=5
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
pcvm=$build/pcvm
out_dir=$here/results
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report=$out_dir/bench-$stamp.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# run_pcvm BIN EXTRA...: one run, prints wall ns; fails if the guest did not
# end with status 1.
run_pcvm() {
    local bin=$1; shift
    local t0 t1 st
    t0=$(now_ns)
    "$pcvm" -bios "$bin" -nographic -debugcon null -device isa-debug-exit "$@" \
        </dev/null >/dev/null 2>&1
    st=$?
    t1=$(now_ns)
    [ "$st" -eq 1 ] || { echo "pcvm exited $st on $bin" >&2; return 1; }
    echo $((t1 - t0))
}

{
    echo "# pcvm benchmarks ($stamp)"
    echo
    echo "Host: $(uname -m), $(nproc) cores; $runs runs each, median wall time."
    echo
    echo "| guest | instructions | engine | median ms | guest MIPS | vs pcvm interp |"
    echo "| --- | ---: | --- | ---: | ---: | ---: |"
} >"$report"

for bin in "$build"/bench/*.bin; do
    [ -f "$bin" ] || continue
    name=$(basename "$bin" .bin)
    "$pcvm" -bios "$bin" -nographic -debugcon "file:$tmp/$name.count" \
        -device isa-debug-exit -icount shift=0 </dev/null >/dev/null 2>&1
    insns=$(sed -n 's/^insns=//p' "$tmp/$name.count")
    if [ -z "$insns" ]; then
        echo "| $name | ? | (no instruction count) | | | |" >>"$report"
        continue
    fi
    for i in $(seq "$runs"); do
        run_pcvm "$bin" -accel tcg,interp=on || exit 1
    done >"$tmp/$name.interp"
    base=$(median <"$tmp/$name.interp")
    mips=$(awk -v n="$insns" -v t="$base" 'BEGIN {printf "%.1f", n / (t / 1000.0)}')
    ms=$(awk -v t="$base" 'BEGIN {printf "%.1f", t / 1e6}')
    echo "| $name | $insns | pcvm interpreter | $ms | $mips | 1.00 |" >>"$report"
done

{
    echo
    for peer in qemu-system-x86_64 bochs; do
        if command -v "$peer" >/dev/null 2>&1; then
            echo "- $peer: installed; its side-by-side runner arrives with M5 (tcg-lite)."
        else
            echo "- $peer: skipped (not installed; \`scripts/install-deps bench\` installs it)."
        fi
    done
} >>"$report"

cat "$report"
echo
echo "written to ${report#"$top"/}"
