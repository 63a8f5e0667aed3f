#!/usr/bin/env bash
# bench/run.sh: the same guest workloads, side by side, under pcvm's bare
# interpreter, pcvm's tcg-lite, QEMU's TCG and Bochs; and pcvm -accel kvm
# beside QEMU-KVM (bench/kvm.bash says what and how).
#
#   bench/run.sh [--build DIR] [--runs N] [--linux-runs N] [--mib N]
#                [--only cpu|mem|linux|job|kvm]... [--no-peers]
#
# CPU-bound guests (bench/guest/*.asm, 64 KiB ROMs booted as the BIOS of
# each emulator, all with a Core 2 class CPU): the exact instruction count
# of the measured work comes from one run under `pcvm -icount shift=0`
# (the guest prints its TSC delta, then the retired-instruction count).
# Each engine runs each guest --runs times on the host clock; the table
# gives the median CPU time of the emulator process (user + system, all
# its threads: on a shared host that is what a run costs, where wall time
# also counts other processes' turns; the load average is reported) and
# guest MIPS = instructions / (median CPU time - the engine's start-up
# cost), the start-up cost being the median of the empty guest (null).
# The same count serves the peers: they run the same instructions.
#
# Memory (mem): the peak RSS of pcvm (tcg-lite) and of QEMU's TCG on
# bench/guest/tbfill.asm, which makes far more distinct blocks than
# tcg-lite's default 32 MiB block cache holds, and the part of it beyond
# the resident guest RAM (the anonymous mapping of exactly -m MiB, read
# from /proc/PID/smaps while it runs).
#
# Linux (build/guest/i386 from scripts/fetch-guest): boot to init and
# power off, wall and CPU time; and a userland job in the busybox guest (gzip and
# sha256sum of --mib MiB made in the guest), timed by the guest's own
# clock (/proc/uptime). Bochs has no -kernel and is left out there.
#
# Peers are installed with scripts/install-deps bench when we are root;
# otherwise the apt-get line is printed and missing peers are skipped.
# The report is written to bench/results/ and printed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
runs=3
linux_runs=3
mib=64
only=""
peers=yes
while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --linux-runs) linux_runs=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --only) only="$only $2"; shift 2 ;;
    --no-peers) peers=no; shift ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$only" ] || only="cpu mem linux job kvm"
want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

pcvm=$build/pcvm
[ -x "$pcvm" ] || { echo "bench/run.sh: no $pcvm (make first)" >&2; exit 2; }
out_dir=$here/results
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report=$out_dir/bench-$stamp.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
notes=$tmp/notes
: >"$notes"

# --- peers ------------------------------------------------------------------

have_qemu=no
have_bochs=no
if [ $peers = yes ]; then
    if ! "$top/scripts/install-deps" bench >"$tmp/deps.log" 2>&1; then
        echo "- peers: $(tr '\n' ' ' <"$tmp/deps.log")" >>"$notes"
    fi
    if command -v qemu-system-x86_64 >/dev/null 2>&1; then
        have_qemu=yes
    else
        echo "- QEMU: skipped (qemu-system-x86_64 is not installed)" >>"$notes"
    fi
    if command -v bochs-bin >/dev/null 2>&1 &&
        [ -f /usr/share/vgabios/vgabios.bin ]; then
        have_bochs=yes
    else
        echo "- Bochs: skipped (bochs-bin or vgabios is not installed)" >>"$notes"
    fi
fi

now_ns() { date +%s%N; }

# timed CMD...: run CMD (no input, output discarded); sets WALL_NS and
# CPU_NS (user + system of CMD and its threads); returns CMD's status.
timed() {
    local TIMEFORMAT='%R %U %S' st
    { time "$@" </dev/null >/dev/null 2>&1; } 2>"$tmp/time"
    st=$?
    read -r WALL_NS CPU_NS <<<"$(awk '{printf "%.0f %.0f", $1 * 1e9, ($2 + $3) * 1e9}' "$tmp/time")"
    return $st
}

# median of integers on stdin
median() {
    sort -n | awk '{a[NR]=$1} END {if (NR == 0) exit;
                                   if (NR%2) print a[(NR+1)/2];
                                   else print int((a[NR/2]+a[NR/2+1])/2)}'
}

# The engines, as functions of a ROM that run it once and print the CPU
# time in ns (nothing, and a message, when the guest did not end well).
# Every guest leaves through isa-debug-exit with 0 (status 1 on pcvm and
# QEMU) or, on Bochs, through its shutdown port.
rom_pcvm() {
    local bin=$1 accel=$2 st
    timed "$pcvm" -accel "$accel" -cpu core2duo -bios "$bin" -nographic \
        -debugcon null -device isa-debug-exit
    st=$?
    [ "$st" -eq 1 ] || { echo "pcvm -accel $accel exited $st on $bin" >&2; return 1; }
    echo "$CPU_NS"
}
rom_interp() { rom_pcvm "$1" tcg,interp=on; }
rom_tcg() { rom_pcvm "$1" tcg; }
rom_qemu() {
    local bin=$1 st
    timed qemu-system-x86_64 -accel tcg -cpu core2duo -m 64 -nodefaults \
        -display none -bios "$bin" -debugcon null \
        -device isa-debug-exit,iobase=0xf4,iosize=4
    st=$?
    [ "$st" -eq 1 ] || { echo "qemu exited $st on $bin" >&2; return 1; }
    echo "$CPU_NS"
}
rom_bochs() {
    local bin=$1 t0 t1 rc=$tmp/bochsrc
    # The ROM at the top of the 4 GiB space; Bochs mirrors its last
    # 64 KiB at F0000h. Its debugger (Debian builds it in) is told to
    # continue at once.
    cat >"$rc" <<EOF
megs: 64
cpu: model=core2_penryn_t9600, ips=100000000
romimage: file=$bin, address=0xffff0000
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
clock: sync=none
log: -
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
port_e9_hack: enabled=1
EOF
    echo c >"$tmp/bochs.in"
    timed sh -c "bochs-bin -q -f '$rc' <'$tmp/bochs.in' >'$tmp/bochs.out' 2>&1"
    grep -q 'Shutdown port: shutdown requested' "$tmp/bochs.out" ||
        { echo "bochs did not reach the end of $bin" >&2; return 1; }
    echo "$CPU_NS"
}

# time_engine ENGINE BIN N: median wall ns of N runs, or empty.
time_engine() {
    local engine=$1 bin=$2 n=$3 i
    : >"$tmp/times"
    for i in $(seq "$n"); do
        "rom_$engine" "$bin" >>"$tmp/times" || return 0
    done
    median <"$tmp/times"
}

# median_line: of lines "N ...", the one with the median N (the lower of
# the two middle ones for an even count).
median_line() {
    sort -n | awk '{l[NR]=$0} END {if (NR) print l[int((NR+1)/2)]}'
}

fmt_ms() { awk -v t="$1" 'BEGIN {printf "%.0f", t / 1e6}'; }
# mips INSNS NS STARTUP_NS
mips() {
    awk -v n="$1" -v t="$2" -v s="$3" 'BEGIN {
        d = t - s; if (d < t / 20) d = t / 20;
        printf "%.0f", n / (d / 1000.0) }'
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "" || b == "" || b == 0) print "-";
        else printf "%.2f", a / b }'
}

{
    echo "# pcvm benchmarks ($stamp)"
    echo
    echo "Host: $(uname -m), $(nproc) cores, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "pcvm $(git -C "$top" describe --always --dirty 2>/dev/null);"
    [ $have_qemu = yes ] && echo "$(qemu-system-x86_64 --version | head -n 1);"
    [ $have_bochs = yes ] && echo "Bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null) (Debian's build, debugger included)."
    echo
} >"$report"

engines="interp tcg"
[ $have_qemu = yes ] && engines="$engines qemu"
[ $have_bochs = yes ] && engines="$engines bochs"

# --- CPU-bound guests ---------------------------------------------------------

if want cpu; then
    echo "## CPU-bound guests ($runs runs each, median)" >>"$report"
    echo >>"$report"
    echo "Guest MIPS = pcvm's exact instruction count / (median CPU time - the" >>"$report"
    echo "engine's start-up time, the null row). CPU times (user + system) in ms." >>"$report"
    echo >>"$report"
    echo "| guest | instructions | interp ms | tcg-lite ms | QEMU ms | Bochs ms | interp MIPS | tcg-lite MIPS | QEMU MIPS | Bochs MIPS | tcg-lite / interp | tcg-lite / Bochs | tcg-lite / QEMU |" >>"$report"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" >>"$report"
    declare -A startup
    bins="$build/bench/null.bin"
    for bin in "$build"/bench/*.bin; do
        [ "$(basename "$bin")" = null.bin ] || bins="$bins $bin"
    done
    for bin in $bins; do
        [ -f "$bin" ] || { echo "bench/run.sh: no $bin (make bench builds it)" >&2; exit 2; }
        name=$(basename "$bin" .bin)
        echo "bench: $name" >&2
        "$pcvm" -cpu core2duo -bios "$bin" -nographic \
            -debugcon "file:$tmp/$name.count" -device isa-debug-exit \
            -icount shift=0 </dev/null >/dev/null 2>&1
        insns=$(sed -n 's/^insns=//p' "$tmp/$name.count")
        [ -n "$insns" ] || { echo "| $name | (no count) |" >>"$report"; continue; }
        declare -A ms mi
        for e in interp tcg qemu bochs; do
            ms[$e]=""
            mi[$e]=""
        done
        for e in $engines; do
            t=$(time_engine "$e" "$bin" "$runs")
            [ -n "$t" ] || continue
            ms[$e]=$t
            if [ "$name" = null ]; then
                startup[$e]=$t
            else
                mi[$e]=$(mips "$insns" "$t" "${startup[$e]:-0}")
            fi
        done
        row="| $name | $insns"
        for e in interp tcg qemu bochs; do
            if [ -n "${ms[$e]}" ]; then row="$row | $(fmt_ms "${ms[$e]}")"; else row="$row | -"; fi
        done
        for e in interp tcg qemu bochs; do
            row="$row | ${mi[$e]:--}"
        done
        row="$row | $(ratio "${mi[tcg]}" "${mi[interp]}") | $(ratio "${mi[tcg]}" "${mi[bochs]}") | $(ratio "${mi[tcg]}" "${mi[qemu]}") |"
        echo "$row" >>"$report"
    done
    echo >>"$report"
fi

# --- Linux ------------------------------------------------------------------

linux_ready=no
if want linux || want job || want mem; then
    if "$top/scripts/fetch-guest" i386 "$build/guest/i386" >"$tmp/fetch.log" 2>&1; then
        linux_ready=yes
        kernel=$build/guest/i386/vmlinuz
    else
        echo "- Linux: skipped (scripts/fetch-guest: $(tail -n 1 "$tmp/fetch.log"))" >>"$notes"
    fi
fi

# make_initrd SCRIPT OUT: the guest's initrd with SCRIPT as /test.sh.
make_initrd() {
    local dir
    dir=$(mktemp -d)
    cp "$1" "$dir/test.sh"
    chmod 755 "$dir/test.sh"
    (cd "$dir" && echo test.sh | cpio -o -H newc --quiet | gzip) >"$tmp/extra.gz"
    cat "$build/guest/i386/initrd.img" "$tmp/extra.gz" >"$2"
    rm -rf "$dir"
}

# linux_run ENGINE INITRD LOG: one boot; prints "WALL_NS CPU_NS".
linux_run() {
    local engine=$1 initrd=$2 log=$3 st
    local append="console=ttyS0 pcvm.test=1"
    case $engine in
    interp | tcg)
        local accel=tcg
        [ "$engine" = interp ] && accel=tcg,interp=on
        timed sh -c "timeout 1800 '$pcvm' -accel $accel -m 256 -nographic \
            -no-reboot -kernel '$kernel' -initrd '$initrd' \
            -append '$append' >'$log' 2>&1"
        ;;
    qemu)
        timed sh -c "timeout 1800 qemu-system-x86_64 -accel tcg -m 256 \
            -nographic -no-reboot -kernel '$kernel' -initrd '$initrd' \
            -append '$append' >'$log' 2>&1"
        ;;
    esac
    st=$?
    if [ "$st" -ne 0 ] || ! grep -q 'bench-done' "$log"; then
        echo "$engine: the guest did not finish and power off (status $st)" >&2
        return 1
    fi
    echo "$WALL_NS $CPU_NS"
}

# --- memory -------------------------------------------------------------------

# peak_mem MIB CMD...: run CMD (no input, output discarded) in the
# background, looking at /proc every 20 ms; prints "PEAK_KIB RAM_KIB":
# its peak RSS (VmHWM, which only grows) and the resident part of its
# guest RAM (the anonymous mapping of MIB MiB - or a little more, where
# the kernel merged a small neighbour into it) at the last look.
# Returns CMD's status.
peak_mem() {
    local mib=$1 pid h r hwm="" ram=0
    shift
    "$@" </dev/null >/dev/null 2>&1 &
    pid=$!
    while [ -r "/proc/$pid/status" ] &&
        ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
        h=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        r=$(awk -v k=$((mib * 1024)) '
            /^[0-9a-f]+-[0-9a-f]+ / {anon = ($6 == ""); m = 0}
            /^Size:/ {m = anon && $2 >= k && $2 <= k + 2048}
            /^Rss:/ && m {print $2; exit}' "/proc/$pid/smaps" 2>/dev/null)
        [ -n "$h" ] && hwm=$h
        [ -n "$r" ] && ram=$r
        sleep 0.02
    done
    wait "$pid"
    local st=$?
    echo "$hwm $ram"
    return $st
}

if want mem; then
    mib_ram=24
    fill=$build/bench/tbfill.bin
    [ -f "$fill" ] || { echo "bench/run.sh: no $fill (make bench builds it)" >&2; exit 2; }
    echo "## Memory: a full block cache" >>"$report"
    echo >>"$report"
    echo "tbfill (bench/guest/tbfill.asm: 16384 entry points into 16 KiB of INC EAX, each the start of a block of up to 64 instructions, twice; about 95 MiB of tcg-lite blocks a round, so the default 32 MiB cache fills and is flushed about three times a round), -m $mib_ram. Peak RSS (VmHWM) and, beyond the resident guest RAM, what the emulator itself holds; MiB." >>"$report"
    echo >>"$report"
    echo "| engine | peak RSS | guest RAM resident | beyond guest RAM |" >>"$report"
    echo "| --- | ---: | ---: | ---: |" >>"$report"
    # mem_row LABEL CMD...
    mem_row() {
        local label=$1 out
        shift
        echo "bench: mem, $label" >&2
        out=$(peak_mem "$mib_ram" "$@")
        local st=$?
        read -r h r <<<"$out"
        if [ "$st" -ne "${mem_ok:-1}" ] || [ -z "$h" ]; then
            echo "| $label | failed (status $st) | | |" >>"$report"
            return
        fi
        echo "| $label | $(awk -v k="$h" 'BEGIN {printf "%.1f", k / 1024}') | $(awk -v k="$r" 'BEGIN {printf "%.1f", k / 1024}') | $(awk -v h="$h" -v r="$r" 'BEGIN {printf "%.1f", (h - r) / 1024}') |" >>"$report"
    }
    mem_row "tcg-lite (32 MiB block cache, the default)" "$pcvm" -accel tcg \
        -cpu core2duo -m $mib_ram -bios "$fill" -nographic -debugcon null \
        -device isa-debug-exit
    mem_row "tcg-lite, -accel tcg,tb-size=8M" "$pcvm" -accel tcg,tb-size=8M \
        -cpu core2duo -m $mib_ram -bios "$fill" -nographic -debugcon null \
        -device isa-debug-exit
    if [ $have_qemu = yes ]; then
        mem_row "QEMU TCG (its default code buffer, 1 GiB, not full here)" \
            qemu-system-x86_64 -accel tcg -cpu core2duo -m $mib_ram \
            -nodefaults -display none -bios "$fill" -debugcon null \
            -device isa-debug-exit,iobase=0xf4,iosize=4
        mem_row "QEMU TCG, -accel tcg,tb-size=32" \
            qemu-system-x86_64 -accel tcg,tb-size=32 -cpu core2duo \
            -m $mib_ram -nodefaults -display none -bios "$fill" \
            -debugcon null -device isa-debug-exit,iobase=0xf4,iosize=4
    fi
    echo >>"$report"
    if [ $linux_ready = yes ]; then
        printf '#!/bin/sh\necho bench-done\n' >"$tmp/mem.sh"
        make_initrd "$tmp/mem.sh" "$tmp/mem.img"
        echo "Linux, boot to init and power off (as below), -m 256: on the way tcg-lite translates about a million guest instructions, three times what its 32 MiB block cache holds, so the cache fills and is flushed." >>"$report"
        echo >>"$report"
        echo "| engine | peak RSS | guest RAM resident | beyond guest RAM |" >>"$report"
        echo "| --- | ---: | ---: | ---: |" >>"$report"
        mib_ram=256
        linux_args="-m 256 -nographic -no-reboot -kernel $kernel -initrd $tmp/mem.img"
        # (status 0: powered off)
        mem_ok=0
        # shellcheck disable=SC2086
        mem_row "tcg-lite" "$pcvm" -accel tcg $linux_args \
            -append "console=ttyS0 pcvm.test=1"
        if [ $have_qemu = yes ]; then
            # shellcheck disable=SC2086
            mem_row "QEMU TCG" qemu-system-x86_64 -accel tcg $linux_args \
                -append "console=ttyS0 pcvm.test=1"
        fi
        echo >>"$report"
    fi
fi

linux_engines="interp tcg"
[ $have_qemu = yes ] && linux_engines="$linux_engines qemu"

if [ $linux_ready = yes ] && want linux; then
    printf '#!/bin/sh\necho bench-done\n' >"$tmp/boot.sh"
    make_initrd "$tmp/boot.sh" "$tmp/boot.img"
    echo "## Linux: boot to init and power off" >>"$report"
    echo >>"$report"
    echo "Debian's i386 kernel and busybox initrd, -kernel, 256 MiB, host clock; median of $linux_runs (the interpreter: 1 run) by wall time." >>"$report"
    echo >>"$report"
    echo "| engine | wall s | CPU s | wall vs pcvm interp |" >>"$report"
    echo "| --- | ---: | ---: | ---: |" >>"$report"
    declare -A lt lc
    for e in $linux_engines; do
        echo "bench: linux boot, $e" >&2
        n=$linux_runs
        [ "$e" = interp ] && n=1
        : >"$tmp/lt"
        for i in $(seq "$n"); do
            linux_run "$e" "$tmp/boot.img" "$tmp/boot-$e.log" >>"$tmp/lt" || break
        done
        read -r lt[$e] lc[$e] <<<"$(median_line <"$tmp/lt")"
    done
    for e in $linux_engines; do
        [ -n "${lt[$e]}" ] || { echo "| $e | failed | | |" >>"$report"; continue; }
        echo "| $e | $(awk -v t="${lt[$e]}" 'BEGIN {printf "%.1f", t / 1e9}') | $(awk -v t="${lc[$e]}" 'BEGIN {printf "%.1f", t / 1e9}') | $(ratio "${lt[interp]}" "${lt[$e]}") |" >>"$report"
    done
    echo "- Bochs: not in the Linux rows (it cannot boot a kernel with -kernel)." >>"$notes"
    echo >>"$report"
fi

if [ $linux_ready = yes ] && want job; then
    cat >"$tmp/job.sh" <<EOF
#!/bin/sh
seq 1 20000000 | head -c $((mib << 20)) >/tmp/data
read t0 rest </proc/uptime
gzip -c /tmp/data | sha256sum
sha256sum /tmp/data
read t1 rest </proc/uptime
echo "bench-job \$t0 \$t1"
echo bench-done
EOF
    make_initrd "$tmp/job.sh" "$tmp/job.img"
    echo "## Linux userland: gzip and sha256sum of $mib MiB in the guest" >>"$report"
    echo >>"$report"
    echo "Seconds by the guest's clock (/proc/uptime) around the job; median of $linux_runs (the interpreter: 1 run)." >>"$report"
    echo >>"$report"
    echo "| engine | seconds | vs pcvm interp |" >>"$report"
    echo "| --- | ---: | ---: |" >>"$report"
    declare -A jt
    for e in $linux_engines; do
        echo "bench: linux job, $e" >&2
        n=$linux_runs
        [ "$e" = interp ] && n=1
        jt[$e]=$(for i in $(seq "$n"); do
            linux_run "$e" "$tmp/job.img" "$tmp/job-$e.log" >/dev/null || break
            sed -n 's/.*bench-job \([0-9.]*\) \([0-9.]*\).*/\1 \2/p' "$tmp/job-$e.log" |
                awk '{printf "%d\n", ($2 - $1) * 1000}'
        done | median)
    done
    for e in $linux_engines; do
        [ -n "${jt[$e]}" ] || { echo "| $e | failed | |" >>"$report"; continue; }
        echo "| $e | $(awk -v t="${jt[$e]}" 'BEGIN {printf "%.1f", t / 1e3}') | $(ratio "${jt[interp]}" "${jt[$e]}") |" >>"$report"
    done
    echo >>"$report"
fi

# --- KVM --------------------------------------------------------------------

if want kvm; then
    # shellcheck source=bench/kvm.bash
    . "$here/kvm.bash"
    kvm_section
fi

if [ -s "$notes" ]; then
    echo "## Notes" >>"$report"
    echo >>"$report"
    cat "$notes" >>"$report"
fi

cat "$report"
echo
echo "written to ${report#"$top"/}"
