# Shared by the Linux boot tests: fetch the guest, make a test initrd.
# shellcheck shell=bash

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
    echo "PASS: $(grep -ao -m1 'Linux version [^ ]*' "$log")$summary"
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
