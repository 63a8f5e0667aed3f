# Shared by the Linux boot tests: fetch the guest, make a test initrd,
# choose the CPU engine, check the guest's results.
# shellcheck shell=bash

# The CPU engine, from BOOT_ENGINE in the environment: tcg (tcg-lite, the
# default) or interp (the bare interpreter). tests/run.sh runs the tests
# that say "boot-interp: yes" once more under the interpreter and compares
# their "== " result lines with tcg-lite's, so those lines must not depend
# on the engine (print timings and counters with another prefix).
# engine_args: pcvm's options for it; engine_tag: the suffix of the
# console log's name ($build/tests/NAME$engine_tag.log).
case ${BOOT_ENGINE:-tcg} in
tcg) engine_args=(); engine_tag="" ;;
interp) engine_args=(-accel tcg,interp=on); engine_tag=-interp ;;
*) echo "BOOT_ENGINE=$BOOT_ENGINE: expected tcg or interp"; exit 1 ;;
esac

# Floating point in the guest's userland, checked against the host
# computing the same: busybox's awk (only + - * / and printf; i386 code
# does its doubles on the x87, x86-64 code in SSE2) and the SHA-256 of a
# file awk writes. guest_fp_script prints the lines for a test.sh,
# guest_fp_expect LOG checks the results in the console log.
# shellcheck disable=SC2016
fp_awk_calc='BEGIN { x = 1; for (i = 1; i <= 40; i++) x = x * 1.5 + 1 / i; for (i = 1; i <= 3000; i++) y += 1 / (i * i); printf "%.9f %.6e %.15f", 355 / 113, x, y }'
# shellcheck disable=SC2016
fp_awk_data='{ printf "%d %d %.6f %.3e\n", $1, $1 * $1 % 65521, $1 / 7, $1 * 1.000001 }'

guest_fp_script() {
    cat <<SCRIPT
echo "== awk \$(awk '$fp_awk_calc')"
seq 1 6000 | awk '$fp_awk_data' >/tmp/data
echo "== sha256 \$(sha256sum /tmp/data | cut -d' ' -f1)"
SCRIPT
}

guest_fp_expect() {
    local want_awk want_sha
    want_awk=$(awk "$fp_awk_calc")
    want_sha=$(seq 1 6000 | awk "$fp_awk_data" | sha256sum | cut -d' ' -f1)
    expect_text "$1" "== awk $want_awk" "floating point in awk"
    expect_text "$1" "== sha256 $want_sha" "sha256sum of the guest's file"
}

# guest_fetch ARCH BUILD: the kernel and initrd in $BUILD/guest/ARCH, or
# exit 77 (skip) with the reason when they cannot be had here.
guest_fetch() {
    local arch=$1 build=$2 top
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    if ! "$top/scripts/fetch-guest" "$arch" "$build/guest/$arch" >"$tmp/fetch.log" 2>&1; then
        echo "SKIP: cannot fetch Debian's $arch kernel and busybox: $(tail -n 1 "$tmp/fetch.log")"
        exit 77
    fi
    kernel=$build/guest/$arch/vmlinuz
    initrd=$build/guest/$arch/initrd.img
}

# guest_initrd SCRIPT OUT: the guest's initrd with SCRIPT as /test.sh
# (appended as a second cpio archive; the kernel unpacks both).
guest_initrd() {
    local script=$1 out=$2 dir
    dir=$(mktemp -d)
    cp "$script" "$dir/test.sh"
    chmod 755 "$dir/test.sh"
    (cd "$dir" && echo test.sh | cpio -o -H newc --quiet | gzip) >"$tmp/extra.cpio.gz"
    cat "$initrd" "$tmp/extra.cpio.gz" >"$out"
    rm -rf "$dir"
}

# expect_log FILE REGEX WHAT: record a failure unless FILE matches.
expect_log() {
    if ! grep -Eq -- "$2" "$1"; then
        echo "missing: $3 (/$2/)"
        failures=$((failures + 1))
    fi
}

# expect_text FILE TEXT WHAT: the same for a literal line fragment.
expect_text() {
    if ! grep -Fq -- "$2" "$1"; then
        echo "missing: $3 ('$2')"
        failures=$((failures + 1))
    fi
}

# refuse_log FILE REGEX WHAT: record a failure if FILE matches (case
# insensitive), leaving out /proc/interrupts' counter lines (SPU:, ERR:).
refuse_log() {
    local hit
    hit=$(grep -Ei -- "$2" "$1" | grep -Ev '^ *(SPU|ERR|MIS):' | head -n 1)
    if [ -n "$hit" ]; then
        echo "unwanted: $3: $hit"
        failures=$((failures + 1))
    fi
}

# guest_verdict LOG SUMMARY: after the expectations, fail (exit 1) with
# where the console output is and the start of pcvm's stderr ($tmp/err)
# if any was missed, else pass naming the kernel that ran.
guest_verdict() {
    local log=$1 summary=$2
    if [ "$failures" -ne 0 ]; then
        echo "--- the whole console output is in $log"
        echo "--- stderr"; head -n 20 "$tmp/err"
        exit 1
    fi
    echo "PASS: $(grep -ao -m1 'Linux version [^ ]*' "$log")$summary$([ -n "$engine_tag" ] && echo " (the interpreter)")"
    exit 0
}

# kvm_linux_or_skip BUILD: exit 77 (skip) with the reason unless this
# host's KVM can run Linux: pcvm's self-test passes real mode, protected
# mode and paging, and the guest runs on the CPU (VMX/SVM), not through
# KVM's instruction emulator (pcvm -accel help). Where it can, the test
# runs and may fail like any other.
kvm_linux_or_skip() {
    local info selftest need
    info=$("$1/pcvm" -accel help 2>&1)
    selftest=$(echo "$info" | sed -n 's/^KVM self-test: //p')
    for need in real-mode protected-mode paging native; do
        case " $selftest " in
        *" $need=ok "*) ;;
        *)
            echo "SKIP: KVM here cannot run Linux ($need not ok): $(echo "$info" | sed -n 's/^KVM here: //p')"
            exit 77
            ;;
        esac
    done
}
