; tbfill: translation, not execution. Four pages of INC EAX, each ending
; in RET, called at every byte: 16384 distinct entry points, each the
; start of a block of up to 64 instructions, about 95 MiB of tcg-lite
; blocks - the 32 MiB block cache fills and is flushed twice a round.
; bench/run.sh also reads the emulator's peak memory on it (the "mem"
; section).
%include "bench.inc"

%define CODE 0x100000
%define PAGES 4
%define ROUNDS 2

        BENCH_BEGIN
        BENCH_PM
        mov edi, CODE
        mov ecx, PAGES * 4096
        mov al, 0x40                    ; inc eax
        rep stosb
        mov edi, CODE + 4095
        mov ecx, PAGES
.ret:   mov byte [edi], 0xc3            ; ret
        add edi, 4096
        dec ecx
        jnz .ret
        xor eax, eax
        mov ebp, ROUNDS
.round: mov esi, CODE - 0xf0000         ; (CS has base F0000h)
        mov edx, PAGES * 4096
.call:  call esi
        inc esi
        dec edx
        jnz .call
        dec ebp
        jnz .round
        mov [0x410], eax
        BENCH_END32
        BENCH_LIB32
