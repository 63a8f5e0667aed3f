#!/usr/bin/env bash
# tests/run.sh: run test suites and end with one line "N passed, N failed"
# (", N skipped" when some could not run here).
#
#   tests/run.sh [--build DIR] [--wrapper CMD] [--guest-bins DIR] SUITE...
#
# Suites:
#   unit   the check unit tests (tests/unit), one result per test case
#   guest  the nasm guests (tests/guest/*.asm) run under `pcvm -bios`, with
#          tcg-lite (guest/) and again with the bare interpreter
#          (guest-interp/), whose output must be exactly tcg-lite's; the
#          tcg_* guests once more with a 64 KiB block cache that fills and
#          flushes all the time (guest-tbsmall/), the same output again
#   guest-kvm  the same guests under -accel kvm (host clock, no -icount),
#          with one thread (guest-kvm/) and a thread per vCPU (guest-kvm-mt/);
#          skipped, with the reason, where pcvm -accel help says KVM cannot
#          run guests. A guest's source may say "; kvm: no (REASON)" (never
#          under KVM) or "; kvm-needs: STAGE..." (self-test results this
#          host's KVM must show ok: paging, cpuid, native = the guest runs
#          on the CPU, not through KVM's instruction emulator). On a host
#          whose KVM is limited (a failed stage, or not native), a guest that
#          KVM gives up on with an internal error (an instruction its
#          emulator lacks) is skipped with it; so is one that fails after
#          pcvm left out a feature its -cpu adds (+FEATURE) because this
#          host's KVM cannot give it.
#   cli    command-line behaviour (tests/cli.tests)
#   boot   real guests (tests/boot/*.sh), each may skip with a reason;
#          those whose script says "# boot-interp: yes" again under the
#          bare interpreter (boot-interp/), with the same "== " result
#          lines as under tcg-lite
#   difftest  the interpreter against the host CPU (tools/difftest) on a
#          fixed set of seeds, 16/32-bit and 64-bit code; skipped where
#          the host cannot run them
#
# --wrapper runs every pcvm (and the unit binary) under a command, e.g.
# qemu-aarch64-static for a cross build. Each guest runs under a time limit
# that only guards against hangs; nothing waits on time to synchronise.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=build
wrapper=""
guest_bins=""
suites=()

while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$2; shift 2 ;;
    --wrapper) wrapper=$2; shift 2 ;;
    --guest-bins) guest_bins=$2; shift 2 ;;
    *) suites+=("$1"); shift ;;
    esac
done
[ ${#suites[@]} -eq 0 ] && suites=(unit guest cli)
[ -n "$guest_bins" ] || guest_bins=$build/tests/guest
pcvm=$build/pcvm
hang_limit=${PCVM_TEST_TIMEOUT:-300}

passed=0
failed=0
skipped=0
failures=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s: %s\n' "$1" "$2"; }
skip() { skipped=$((skipped + 1)); printf 'SKIP %s: %s\n' "$1" "$2"; }

run_unit() {
    local bin=$build/tests/unit/unit out
    if [ ! -x "$bin" ]; then
        fail unit "$bin is missing (make $bin)"
        return
    fi
    out=$tmp/unit.out
    # Under an emulator (qemu-user) check's forked, timer-guarded test
    # processes hang; run them in one process there.
    local nofork=""
    [ -n "$wrapper" ] && nofork="CK_FORK=no"
    # shellcheck disable=SC2086
    env $nofork $wrapper "$bin" >"$out" 2>&1
    local line n_pass n_fail
    line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if [ -z "$line" ]; then
        cat "$out"
        fail unit "the unit runner did not finish (crash?)"
        return
    fi
    grep -E '^[^:]+:[0-9]+:[EF]:' "$out" || true
    n_pass=$(echo "$line" | sed -E 's/^unit: ([0-9]+) passed.*/\1/')
    n_fail=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
    echo "unit: $n_pass passed, $n_fail failed"
    passed=$((passed + n_pass))
    failed=$((failed + n_fail))
    [ "$n_fail" -eq 0 ] || failures+=("unit ($n_fail)")
}

# Header values from a test's source: header FILE KEY
header() {
    sed -n "s/^; $2: \{0,1\}//p" "$1"
}

# run_guest_one BIN [interp|tbsmall|kvm|kvm-mt SELFTEST]: one guest under
# tcg-lite (deterministic, -icount), the bare interpreter (interp: its
# output must then be exactly tcg-lite's, so run that first), tcg-lite
# with a tiny block cache (tbsmall, likewise) or under -accel kvm (kvm-mt:
# thread=multi).
run_guest_one() {
    local bin=$1 accel=${2:-tcg} selftest=${3:-} name src args expect_exit
    local out status want got label accel_args limited=0
    name=$(basename "$bin" .bin)
    label=guest/$name
    accel_args="-icount shift=0"
    src=$top/tests/guest/$name.asm
    case "$accel" in
    interp)
        label=guest-interp/$name
        accel_args="-icount shift=0 -accel tcg,interp=on"
        ;;
    tbsmall)
        label=guest-tbsmall/$name
        accel_args="-icount shift=0 -accel tcg,tb-size=64K"
        ;;
    kvm*)
        label=guest-$accel/$name
        accel_args="-accel kvm"
        [ "$accel" = kvm-mt ] && accel_args="-accel kvm,thread=multi"
        case "$selftest" in *=fail* | *native=no*) limited=1 ;; esac
        ;;
    esac
    [ -f "$src" ] || { fail "$label" "no source $src"; return; }
    if [ "$accel" = kvm ] || [ "$accel" = kvm-mt ]; then
        local no need
        no=$(header "$src" kvm | tail -n 1)
        if [ -n "$no" ]; then
            skip "$label" "$no"
            return
        fi
        for need in $(header "$src" kvm-needs); do
            case " $selftest " in
            *" $need=ok "*) ;;
            *) skip "$label" "needs KVM to pass '$need', which it does not here ($selftest)"; return ;;
            esac
        done
    fi
    # @BIN@: the test's own binary (direct-boot tests load it as -kernel)
    args=$(header "$src" pcvm-args | tr '\n' ' ' | sed "s#@BIN@#$bin#g")
    expect_exit=$(header "$src" expect-exit | tail -n 1)
    [ -n "$expect_exit" ] || expect_exit=1
    out=$tmp/$name.$accel.out
    rm -f "$out"
    # shellcheck disable=SC2086
    timeout "$hang_limit" $wrapper "$pcvm" -bios "$bin" -nographic \
        -debugcon "file:$out" -device isa-debug-exit $accel_args \
        $args </dev/null >"$tmp/$name.log" 2>&1
    status=$?
    [ -f "$out" ] || : >"$out"
    if [ "$status" -eq 124 ]; then
        fail "$label" "hung (killed after ${hang_limit}s)"
        return
    fi
    if [ "$status" -ne "$expect_exit" ]; then
        local detail="" feat
        [ -s "$tmp/$name.log" ] && detail=" ($(head -n 3 "$tmp/$name.log" | tr '\n' ' '))"
        # A feature the test adds (-cpu MODEL,+FEATURE) that this host's
        # KVM cannot give (pcvm left it out, with a warning).
        # shellcheck disable=SC2013
        for feat in $(sed -n "s/.*KVM cannot give the guest \(.*\); left out.*/\1/p" "$tmp/$name.log"); do
            case " $(echo "$args" | tr ',' ' ') " in
            *" +$feat "*)
                skip "$label" "needs +$feat, which this host's KVM cannot give"
                return
                ;;
            esac
        done
        if [ $limited -eq 1 ] && grep -q 'KVM internal error' "$tmp/$name.log"; then
            skip "$label" "this host's KVM is limited ($selftest) and gave up on the guest:$(grep -m 1 'KVM internal error' "$tmp/$name.log" | sed 's/^pcvm:[^:]*:[^:]*://')"
            return
        fi
        if [ "$status" -ge 3 ] && [ $((status % 2)) -eq 1 ]; then
            detail="guest reported FAIL $(((status - 1) / 2))$detail"
        else
            detail="exit status $status, expected $expect_exit$detail"
        fi
        fail "$label" "$detail"
        return
    fi
    if grep -q '^; expect: \{0,1\}' "$src"; then
        want=$tmp/$name.want
        header "$src" expect >"$want"
        got=$out
        [ -f "$got" ] || : >"$got"
        if ! cmp -s "$want" "$got"; then
            fail "$label" "output differs: $(diff "$want" "$got" | head -n 5 | tr '\n' ' ')"
            return
        fi
    fi
    if { [ "$accel" = interp ] || [ "$accel" = tbsmall ]; } &&
        ! cmp -s "$tmp/$name.tcg.out" "$out"; then
        fail "$label" "output differs from tcg-lite's: $(diff "$tmp/$name.tcg.out" "$out" | head -n 5 | tr '\n' ' ')"
        return
    fi
    pass "$label"
}

# Every guest twice: tcg-lite, then the interpreter with the same output.
run_guest() {
    local found=0
    for bin in "$guest_bins"/*.bin; do
        [ -f "$bin" ] || continue
        found=1
        run_guest_one "$bin"
        run_guest_one "$bin" interp
        case "$(basename "$bin")" in
        tcg_*) run_guest_one "$bin" tbsmall ;;
        esac
    done
    [ $found -eq 1 ] || fail guest "no guest binaries in $guest_bins"
}

# The guests again under KVM, where this host's KVM can run them.
run_guest_kvm() {
    local info selftest here found=0
    info=$($wrapper "$pcvm" -accel help 2>&1)
    selftest=$(echo "$info" | sed -n 's/^KVM self-test: //p')
    here=$(echo "$info" | sed -n 's/^KVM here: //p')
    case " $selftest " in
    *" real-mode=ok "*) ;;
    *)
        skip guest-kvm "KVM cannot run guests here: ${here:-pcvm -accel help does not say}"
        return
        ;;
    esac
    echo "guest-kvm: $here"
    echo "guest-kvm: self-test: $selftest"
    # Each guest on the default (one thread) and with a thread per vCPU.
    for mode in kvm kvm-mt; do
        for bin in "$guest_bins"/*.bin; do
            [ -f "$bin" ] || continue
            found=1
            run_guest_one "$bin" $mode "$selftest"
        done
    done
    [ $found -eq 1 ] || fail guest-kvm "no guest binaries in $guest_bins"
}

# tests/cli.tests: [kvm] STATUS | STDERR-REGEX | ARGS (ARGS split on
# spaces; @BUILD@ stands for the build directory). Stderr must be one line.
# A line starting with "kvm" runs only where KVM can run guests (the
# real-mode self-test passes); elsewhere it is skipped with the reason.
run_cli() {
    local n=0 line status regex args out err lines kvm_why=""
    local info
    info=$($wrapper "$pcvm" -accel help 2>&1)
    case "$(echo "$info" | sed -n 's/^KVM self-test: //p')" in
    *real-mode=ok*) ;;
    *) kvm_why="KVM cannot run guests here: $(echo "$info" | sed -n 's/^KVM here: //p')" ;;
    esac
    while IFS= read -r line; do
        case "$line" in '' | '#'*) continue ;; esac
        n=$((n + 1))
        case "$line" in
        kvm\ *)
            line=${line#kvm }
            if [ -n "$kvm_why" ]; then
                skip "cli/$n ($(echo "$line" | cut -d'|' -f3- | sed 's/^ //'))" "$kvm_why"
                continue
            fi
            ;;
        esac
        status=$(echo "$line" | cut -d'|' -f1 | tr -d ' ')
        regex=$(echo "$line" | cut -d'|' -f2 | sed 's/^ //; s/ $//')
        args=$(echo "$line" | cut -d'|' -f3- | sed "s/^ //; s#@BUILD@#$build#g")
        out=$tmp/cli.out
        err=$tmp/cli.err
        # shellcheck disable=SC2086
        timeout 60 $wrapper "$pcvm" $args </dev/null >"$out" 2>"$err"
        local got=$?
        lines=$(wc -l <"$err")
        if [ "$got" -ne "$status" ]; then
            fail "cli/$n ($args)" "exit status $got, expected $status: $(head -n 2 "$err" | tr '\n' ' ')"
        elif [ -n "$regex" ] && ! grep -Eq -- "$regex" "$err" "$out"; then
            fail "cli/$n ($args)" "output does not match /$regex/: $(head -n 2 "$err" | tr '\n' ' ')"
        elif [ "$status" -ne 0 ] && [ "$lines" -gt 1 ]; then
            fail "cli/$n ($args)" "$lines lines on stderr, expected one"
        else
            pass "cli/$n ($args)"
        fi
    done <"$top/tests/cli.tests"
}

run_boot() {
    local found=0 t name status
    for t in "$top"/tests/boot/*.sh; do
        [ -f "$t" ] || continue
        found=1
        name=$(basename "$t" .sh)
        "$t" "$build" >"$tmp/boot-$name.log" 2>&1
        status=$?
        case $status in
        0) pass "boot/$name" ;;
        77) skip "boot/$name" "$(tail -n 1 "$tmp/boot-$name.log")" ;;
        *) tail -n 20 "$tmp/boot-$name.log"; fail "boot/$name" "exit status $status" ;;
        esac
        if grep -q '^# boot-interp: yes' "$t"; then
            run_boot_interp "$t" "$name" "$status"
        fi
    done
    [ $found -eq 1 ] || true
}

# run_boot_interp SCRIPT NAME TCG_STATUS: a boot test that says
# "boot-interp: yes" once more under the bare interpreter (BOOT_ENGINE,
# tests/boot/guest-lib.bash). It must pass again, and the guest's result
# lines ("== " in the console logs) must be exactly tcg-lite's.
run_boot_interp() {
    local t=$1 name=$2 tcg_status=$3 status label=boot-interp/$2
    local tcg_log=$build/tests/$name.log interp_log=$build/tests/$name-interp.log
    if [ "$tcg_status" -ne 0 ]; then
        skip "$label" "the test did not pass under tcg-lite"
        return
    fi
    BOOT_ENGINE=interp "$t" "$build" >"$tmp/boot-$name-interp.log" 2>&1
    status=$?
    case $status in
    0) ;;
    77) skip "$label" "$(tail -n 1 "$tmp/boot-$name-interp.log")"; return ;;
    *) tail -n 20 "$tmp/boot-$name-interp.log"; fail "$label" "exit status $status"; return ;;
    esac
    if ! diff <(grep -a '^== ' "$tcg_log") <(grep -a '^== ' "$interp_log") \
        >"$tmp/boot-$name-diff"; then
        head -n 20 "$tmp/boot-$name-diff"
        fail "$label" "result lines differ from tcg-lite's"
        return
    fi
    pass "$label ($(grep -ac '^== ' "$interp_log") result lines as under tcg-lite)"
}

run_difftest() {
    local bin=$build/tools/difftest seed out status
    if [ ! -x "$bin" ]; then
        fail difftest "$bin is missing (make $bin)"
        return
    fi
    # 16/32-bit streams (pentium2), then 64-bit ones (qemu64).
    for run in 1 2 3 64:1 64:2 64:3; do
        local mode="" seed=$run name=seed-$run
        case $run in
        64:*) mode="--mode 64"; seed=${run#64:}; name=64bit-seed-$seed ;;
        esac
        out=$tmp/difftest-$name.out
        # shellcheck disable=SC2086
        timeout "$hang_limit" $wrapper "$bin" $mode --seed $seed \
            --count 10000 >"$out" 2>&1
        status=$?
        case $status in
        0) pass "difftest/$name ($(grep -o '[0-9]* instructions' "$out" | head -n 1))" ;;
        77) skip "difftest/$name" "$(sed -n 's/^SKIP: //p' "$out" | head -n 1)" ;;
        *) head -n 40 "$out"; fail "difftest/$name" "exit status $status" ;;
        esac
    done
    # The SSE groups on a model that has SSE up to SSSE3: 16/32-bit
    # streams on core2duo, 64-bit ones on qemu64 with SSSE3 added.
    for run in 1 2 64:1 64:2; do
        local args="--cpu core2duo" seed=$run name=sse-seed-$run
        case $run in
        64:*)
            args="--mode 64 --cpu qemu64,+ssse3"
            seed=${run#64:}
            name=64bit-sse-seed-$seed
            ;;
        esac
        out=$tmp/difftest-$name.out
        # shellcheck disable=SC2086
        timeout "$hang_limit" $wrapper "$bin" $args --seed $seed \
            --count 10000 --groups ssefp,ssecvt,ssemov,sseint \
            >"$out" 2>&1
        status=$?
        case $status in
        0) pass "difftest/$name ($(grep -o '[0-9]* instructions' "$out" | head -n 1))" ;;
        77) skip "difftest/$name" "$(sed -n 's/^SKIP: //p' "$out" | head -n 1)" ;;
        *) head -n 40 "$out"; fail "difftest/$name" "exit status $status" ;;
        esac
    done
    # The x87 group alone, on a model with SSE3 (for FISTTP).
    for seed in 1 2; do
        out=$tmp/difftest-x87-$seed.out
        # shellcheck disable=SC2086
        timeout "$hang_limit" $wrapper "$bin" --seed $seed --count 10000 \
            --cpu core2duo --groups x87 >"$out" 2>&1
        status=$?
        case $status in
        0) pass "difftest/x87-seed-$seed ($(grep -o '[0-9]* instructions' "$out" | head -n 1))" ;;
        77) skip "difftest/x87-seed-$seed" "$(sed -n 's/^SKIP: //p' "$out" | head -n 1)" ;;
        *) head -n 40 "$out"; fail "difftest/x87-seed-$seed" "exit status $status" ;;
        esac
    done
}

for s in "${suites[@]}"; do
    case "$s" in
    unit) run_unit ;;
    guest) run_guest ;;
    guest-kvm) run_guest_kvm ;;
    cli) run_cli ;;
    boot) run_boot ;;
    difftest) run_difftest ;;
    *) fail "$s" "unknown suite" ;;
    esac
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
