# bench/kvm.bash: the KVM section of bench/run.sh (sourced by it, which
# provides pcvm, build, tmp, report, notes, have_qemu, runs, linux_runs
# and the helpers timed, median, fmt_ms and ratio).
# shellcheck shell=bash disable=SC2154,SC2129,SC2153
#
# pcvm -accel kvm beside QEMU-KVM (qemu-system-x86_64 -accel kvm), each
# part where this host's KVM can run it, else the reason in its place:
#  - boot to init: Debian's amd64 kernel and busybox initramfs
#    (scripts/fetch-guest), pcvm booting it directly (-bios none) and
#    through SeaBIOS, QEMU through its own firmware with -kernel/-initrd;
#    the host-side wall time from starting the emulator to the line the
#    guest's init prints, and the whole run (power-off included). Needs
#    KVM to run Linux (pcvm's self-test: paging, on the CPU).
#  - the CPU-bound ROM guests (bench/guest) under both, median CPU time;
#    on a KVM whose guests go through its instruction emulator (kvm_pvm,
#    2-3 MIPS) one run each, and only what finishes within 90 s
#    (KVM_BENCH_LIMIT; 180 s elsewhere, against hangs).
#  - memory: pcvm's peak RSS (VmHWM) beyond the guest RAM it touched
#    (the RAM mapping's Rss in /proc/PID/smaps), and QEMU's, for SeaBIOS
#    idle at "No bootable device" and, where Linux runs, at Linux's init.
#
# Targets (M6, on a VMX/SVM host): direct boot to init under 150 ms and at
# most 0.5x QEMU-KVM's; a CPU-bound guest within 5% of QEMU-KVM; pcvm's
# RSS beyond guest RAM under 16 MiB.

kvm_limit=180
kvm_ram_mib=128

# kvm_can STAGE...: whether pcvm's KVM self-test passed every STAGE.
kvm_can() {
    local need
    for need in "$@"; do
        case " $kvm_selftest " in *" $need=ok "*) ;; *) return 1 ;; esac
    done
}

# kvm_ram_rss_kb PID MIB: Rss of the largest anonymous mapping sized like the
# guest RAM (MIB MiB, up to 8 MiB more for alignment), in kB.
kvm_ram_rss_kb() {
    awk -v lo=$(($2 * 1024)) -v hi=$((($2 + 8) * 1024)) '
        /^[0-9a-f]+-[0-9a-f]+ / { anon = ($6 == ""); size = 0 }
        /^Size:/ { size = $2 }
        /^Rss:/ { if (anon && size >= lo && size <= hi && $2 > best) best = $2 }
        END { print best + 0 }' "/proc/$1/smaps" 2>/dev/null
}

# kvm_mem_sample PID MIB: "HWM_KB RSS_KB RAM_RSS_KB" of a running emulator
# whose guest has MIB MiB of RAM.
kvm_mem_sample() {
    local st
    st=$(awk '/^VmHWM:/ { h = $2 } /^VmRSS:/ { r = $2 }
              END { print h + 0, r + 0 }' "/proc/$1/status" 2>/dev/null)
    echo "${st:-0 0} $(kvm_ram_rss_kb "$1" "$2")"
}

# kvm_emu_pid PID: the emulator under PID (a subshell, then timeout): the
# first descendant that is neither a shell nor timeout.
kvm_emu_pid() {
    local p=$1 c comm _
    for _ in 1 2 3 4; do
        c=$(pgrep -P "$p" | head -n 1)
        [ -n "$c" ] || return
        comm=$(cat "/proc/$c/comm" 2>/dev/null)
        case "$comm" in
        bash | sh | timeout) p=$c ;;
        *) echo "$c"; return ;;
        esac
    done
}

# kvm_run_until FILE MARKER LIMIT CMD...: run CMD in the background until FILE
# holds MARKER (polled), sample its memory into MEM, stop it. Returns 1
# when the marker did not come within LIMIT seconds.
kvm_run_until() {
    local file=$1 marker=$2 limit=$3 pid n=0
    shift 3
    rm -f "$file"
    "$@" </dev/null >/dev/null 2>"$tmp/until.err" &
    pid=$!
    while [ $n -lt $((limit * 20)) ] && kill -0 $pid 2>/dev/null &&
        ! grep -aq "$marker" "$file" 2>/dev/null; do
        sleep 0.05
        n=$((n + 1))
    done
    MEM=""
    grep -aq "$marker" "$file" 2>/dev/null &&
        MEM=$(kvm_mem_sample $pid "$kvm_ram_mib")
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    [ -n "$MEM" ]
}

# kvm_to_init MIB CMD...: one Linux run (MIB MiB of guest RAM) with its
# console on this shell's pipe;
# sets INIT_MS (start to the guest init's first line, by the host's clock
# as the line arrives), TOTAL_MS and CPU_S; MEM sampled at the "bench-rss"
# line. Returns 1 unless the guest reached init and powered off.
kvm_to_init() {
    local mib=$1 line t0 t_init="" pid st
    shift
    rm -f "$tmp/con"
    mkfifo "$tmp/con"
    t0=$EPOCHREALTIME
    { TIMEFORMAT='%U %S'; time timeout "$kvm_limit" "$@" </dev/null \
        >"$tmp/con" 2>/dev/null; } 2>"$tmp/cpu" &
    pid=$!
    MEM=""
    while IFS= read -r line; do
        case "$line" in
        *"pcvm-guest: init up"*) [ -n "$t_init" ] || t_init=$EPOCHREALTIME ;;
        *bench-rss*)
            MEM=$(kvm_mem_sample "$(kvm_emu_pid $pid)" "$mib")
            ;;
        esac
        echo "$line"
    done <"$tmp/con" >"$tmp/kvm_to_init.log"
    wait $pid
    st=$?
    local t1=$EPOCHREALTIME
    [ $st -eq 0 ] && [ -n "$t_init" ] || return 1
    read -r INIT_MS TOTAL_MS CPU_S <<<"$(awk -v t0="$t0" -v ti="$t_init" \
        -v t1="$t1" -v cpu="$(tail -n 1 "$tmp/cpu")" 'BEGIN {
            split(cpu, c, " ");
            printf "%.0f %.0f %.2f", (ti - t0) * 1000, (t1 - t0) * 1000,
                   c[1] + c[2] }')"
}

# kvm_mem_row NAME "HWM RSS RAM": a row of the memory table (the target
# column only for pcvm's rows).
kvm_mem_row() {
    local name=$1 hwm rss ram
    read -r hwm rss ram <<<"$2"
    if [ -z "$hwm" ] || [ "$hwm" = 0 ]; then
        echo "| $name | failed | | | | | |"
        return
    fi
    awk -v n="$name" -v h="$hwm" -v s="$rss" -v r="$ram" 'BEGIN {
        ok = "-"
        if (n ~ /^pcvm/) ok = (s - r < 16384) ? "yes" : "NO"
        printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s |\n", n,
               h / 1024, s / 1024, r / 1024, (s - r) / 1024, (h - r) / 1024,
               ok }'
}

kvm_section() {
    local info here_line
    info=$("$pcvm" -accel help 2>&1)
    kvm_selftest=$(echo "$info" | sed -n 's/^KVM self-test: //p')
    here_line=$(echo "$info" | sed -n 's/^KVM here: //p')
    local qemu_kvm=no
    if [ "$have_qemu" = yes ] &&
        timeout 60 qemu-system-x86_64 -accel kvm -m 64 -nodefaults \
            -display none -bios "$build/bench/null.bin" \
            -device isa-debug-exit,iobase=0xf4,iosize=4 \
            </dev/null >/dev/null 2>"$tmp/qkvm.err"; [ $? -eq 1 ]; then
        qemu_kvm=yes
    fi
    {
        echo "## KVM: pcvm -accel kvm beside QEMU-KVM"
        echo
        echo "KVM here: ${here_line:-pcvm -accel help does not say}."
        echo "Self-test: ${kvm_selftest:-none}."
        if [ "$have_qemu" = yes ] && [ $qemu_kvm = no ]; then
            echo "QEMU-KVM: cannot run here ($(grep -v warning "$tmp/qkvm.err" | head -n 1))."
        fi
        echo
    } >>"$report"
    if ! kvm_can real-mode; then
        echo "Nothing to measure: KVM cannot run guests here." >>"$report"
        echo >>"$report"
        return
    fi
    local native=yes
    kvm_can native || native=no
    [ $native = yes ] || kvm_limit=90
    kvm_limit=${KVM_BENCH_LIMIT:-$kvm_limit}

    # --- boot to init ---
    echo "### Linux: boot to init (amd64, -m 256, host clock)" >>"$report"
    echo >>"$report"
    local linux=no
    if ! kvm_can protected-mode paging native; then
        printf 'Not measured: KVM here cannot run Linux (the self-test must pass paging with the guest on the CPU): %s.\n\n' "$here_line" >>"$report"
    elif ! "$top/scripts/fetch-guest" amd64 "$build/guest/amd64" >"$tmp/fetch.log" 2>&1; then
        printf 'Not measured: scripts/fetch-guest: %s.\n\n' "$(tail -n 1 "$tmp/fetch.log")" >>"$report"
    else
        linux=yes
    fi
    if [ $linux = yes ]; then
        local kernel=$build/guest/amd64/vmlinuz img=$tmp/kvm-init.img
        local append="console=ttyS0 quiet pcvm.test=1"
        printf '#!/bin/sh\necho bench-rss\nsleep 1\n' >"$tmp/kvm-test.sh"
        local dir
        dir=$(mktemp -d)
        cp "$tmp/kvm-test.sh" "$dir/test.sh"
        chmod 755 "$dir/test.sh"
        (cd "$dir" && echo test.sh | cpio -o -H newc --quiet | gzip) >"$tmp/extra.gz"
        cat "$build/guest/amd64/initrd.img" "$tmp/extra.gz" >"$img"
        rm -rf "$dir"
        echo "Wall time by the host's clock from starting the emulator to the first line of the guest's init (\`quiet\` kernel), and to its exit after power-off (the guest sleeps 1 s after init for the memory sample); median of $linux_runs. CPU: the emulator's user + system time." >>"$report"
        echo >>"$report"
        echo "| engine | to init ms | total ms | CPU s | to init vs QEMU-KVM |" >>"$report"
        echo "| --- | ---: | ---: | ---: | ---: |" >>"$report"
        declare -A ti tt tc lmem
        local e _ hwm rss ram
        local engines="pcvm-direct pcvm-seabios"
        [ $qemu_kvm = yes ] && engines="$engines qemu-kvm"
        for e in $engines; do
            echo "bench: kvm boot, $e" >&2
            : >"$tmp/ti"
            for _ in $(seq "$linux_runs"); do
                case $e in
                pcvm-direct)
                    kvm_to_init 256 "$pcvm" -accel kvm -bios none -m 256 -nographic \
                        -no-reboot -kernel "$kernel" -initrd "$img" \
                        -append "$append" ;;
                pcvm-seabios)
                    kvm_to_init 256 "$pcvm" -accel kvm -m 256 -nographic \
                        -no-reboot -kernel "$kernel" -initrd "$img" \
                        -append "$append" ;;
                qemu-kvm)
                    kvm_to_init 256 qemu-system-x86_64 -accel kvm -m 256 \
                        -nographic -no-reboot -kernel "$kernel" \
                        -initrd "$img" -append "$append" ;;
                esac || { echo "$e: the guest did not reach init and power off" >&2; break; }
                echo "$INIT_MS $TOTAL_MS $CPU_S $MEM" >>"$tmp/ti"
            done
            read -r "ti[$e]" "tt[$e]" "tc[$e]" hwm rss ram <<<"$(sort -n "$tmp/ti" | awk '{l[NR]=$0} END {if (NR) print l[int((NR+1)/2)]}')"
            lmem[$e]="${hwm:-} ${rss:-} ${ram:-}"
        done
        for e in $engines; do
            if [ -z "${ti[$e]:-}" ]; then
                echo "| $e | failed | | | |" >>"$report"
                continue
            fi
            echo "| $e | ${ti[$e]} | ${tt[$e]} | ${tc[$e]} | $(ratio "${ti[$e]}" "${ti[qemu-kvm]:-}") |" >>"$report"
        done
        echo >>"$report"
        if [ -n "${ti[pcvm-direct]:-}" ]; then
            local met="met"
            awk -v t="${ti[pcvm-direct]}" -v q="${ti[qemu-kvm]:-}" 'BEGIN {
                exit !(t < 150 && (q == "" || t <= 0.5 * q)) }' || met="NOT met"
            echo "Target (direct boot to init under 150 ms and at most 0.5x QEMU-KVM's): $met." >>"$report"
            echo >>"$report"
        fi
    fi

    # --- CPU-bound guests ---
    echo "### CPU-bound guests under KVM" >>"$report"
    echo >>"$report"
    local n=$runs
    if [ $native = no ]; then
        n=1
        echo "This KVM runs guests through its instruction emulator (self-test: native=no): one run each, a guest that does not finish within ${kvm_limit} s is left out; the figures say nothing about a VMX/SVM host." >>"$report"
    else
        echo "Median CPU time (user + system, ms) of $n runs; target: pcvm within 5% of QEMU-KVM." >>"$report"
    fi
    echo >>"$report"
    echo "| guest | pcvm-kvm ms | QEMU-KVM ms | pcvm / QEMU | within 5% |" >>"$report"
    echo "| --- | ---: | ---: | ---: | --- |" >>"$report"
    local bin name pk qk _
    for bin in "$build"/bench/*.bin; do
        name=$(basename "$bin" .bin)
        # (tbfill measures tcg-lite's block cache: nothing for KVM)
        [ "$name" != tbfill ] || continue
        echo "bench: kvm $name" >&2
        : >"$tmp/pk"
        for _ in $(seq "$n"); do
            timed timeout "$kvm_limit" "$pcvm" -accel kvm -cpu core2duo \
                -bios "$bin" -nographic -debugcon null \
                -device isa-debug-exit
            [ $? -eq 1 ] || { : >"$tmp/pk"; break; }
            echo "$CPU_NS" >>"$tmp/pk"
        done
        pk=$(median <"$tmp/pk")
        qk=""
        if [ $qemu_kvm = yes ] && [ -n "$pk" ]; then
            : >"$tmp/qk"
            for _ in $(seq "$n"); do
                timed timeout "$kvm_limit" qemu-system-x86_64 -accel kvm \
                    -cpu core2duo -m 64 -nodefaults -display none \
                    -bios "$bin" -debugcon null \
                    -device isa-debug-exit,iobase=0xf4,iosize=4
                [ $? -eq 1 ] || { : >"$tmp/qk"; break; }
                echo "$CPU_NS" >>"$tmp/qk"
            done
            qk=$(median <"$tmp/qk")
        fi
        if [ -z "$pk" ]; then
            echo "| $name | did not finish | | | |" >>"$report"
            continue
        fi
        local within="-"
        if [ -n "$qk" ] && [ "$name" != null ]; then
            within=$(awk -v p="$pk" -v q="$qk" 'BEGIN { print (p <= q * 1.05) ? "yes" : "no" }')
        fi
        echo "| $name | $(fmt_ms "$pk") | $([ -n "$qk" ] && fmt_ms "$qk" || echo -) | $(ratio "$pk" "$qk") | $within |" >>"$report"
    done
    echo >>"$report"

    # --- memory ---
    echo "### Memory: RSS beyond guest RAM (target: pcvm under 16 MiB)" >>"$report"
    echo >>"$report"
    echo "The emulator's resident set (VmRSS) and its peak (VmHWM) at the sample, the Rss of its guest-RAM mapping (what the guest touched: -m $kvm_ram_mib for SeaBIOS, 256 for Linux), and what is beyond it, in MiB. The target is on VmRSS; VmHWM also holds what was resident only while the machine was built (a kernel pcvm unpacks)." >>"$report"
    echo >>"$report"
    echo "| run | VmHWM | VmRSS | guest RAM touched | VmRSS beyond guest RAM | VmHWM beyond guest RAM | under 16 MiB |" >>"$report"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |" >>"$report"
    local bios=/usr/share/seabios/bios-256k.bin end='No bootable device'
    if [ -f "$bios" ]; then
        echo "bench: kvm memory" >&2
        local smp
        for smp in 1 2; do
            if kvm_run_until "$tmp/sb.con" "$end" "$kvm_limit" "$pcvm" \
                -accel kvm -smp $smp -m $kvm_ram_mib -bios "$bios" \
                -nographic -debugcon "file:$tmp/sb.con" \
                -global isa-debugcon.iobase=0x402; then
                kvm_mem_row "pcvm-kvm -smp $smp, SeaBIOS at \"$end\"" "$MEM" >>"$report"
            else
                kvm_mem_row "pcvm-kvm -smp $smp, SeaBIOS at \"$end\"" "" >>"$report"
            fi
        done
        if [ $qemu_kvm = yes ]; then
            if kvm_run_until "$tmp/sbq.con" "$end" "$kvm_limit" \
                qemu-system-x86_64 -accel kvm -m $kvm_ram_mib -nodefaults \
                -display none -debugcon "file:$tmp/sbq.con" \
                -global isa-debugcon.iobase=0x402; then
                kvm_mem_row "QEMU-KVM, SeaBIOS at \"$end\"" "$MEM" >>"$report"
            else
                kvm_mem_row "QEMU-KVM, SeaBIOS at \"$end\"" "" >>"$report"
            fi
        fi
    fi
    if [ $linux = no ] && [ -s "$build/guest/amd64/vmlinuz" ]; then
        # Linux cannot run here, but pcvm builds the machine and loads it
        # all the same: what the direct boot keeps beside guest RAM.
        local pid
        "$pcvm" -accel kvm -bios none -m 256 -nographic -no-reboot \
            -kernel "$build/guest/amd64/vmlinuz" \
            -initrd "$build/guest/amd64/initrd.img" -append console=ttyS0 \
            </dev/null >/dev/null 2>&1 &
        pid=$!
        sleep 2
        if kill -0 $pid 2>/dev/null; then
            kvm_mem_row "pcvm-kvm -bios none, Linux amd64 loaded (2 s in; it cannot run here)" "$(kvm_mem_sample $pid 256)" >>"$report"
        fi
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
    fi
    if [ $linux = yes ]; then
        for e in pcvm-direct pcvm-seabios qemu-kvm; do
            [ -n "${lmem[$e]:-}" ] || continue
            kvm_mem_row "$e, Linux at init (-m 256)" "${lmem[$e]}" >>"$report"
        done
    fi
    echo >>"$report"
}
