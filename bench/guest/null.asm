; No work at all: bench/run.sh times it under each emulator to know its
; start-up and shut-down cost, which it takes off the other guests' times
; before it computes their guest MIPS.
%include "bench.inc"

        BENCH_BEGIN
        BENCH_END
