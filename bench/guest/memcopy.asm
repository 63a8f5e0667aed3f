; Memory-bound: copy 1 MiB with 32-bit loads and stores in a loop, then
; sum it back, in flat 32-bit protected mode, 96 passes.
%include "bench.inc"

%define SRC 0x100000
%define DST 0x200000
%define DWORDS (1 << 18)
%define PASSES 96

        BENCH_BEGIN
        BENCH_PM
        ; Fill the source.
        mov edi, SRC
        mov ecx, DWORDS
        mov eax, 0x12345678
.fill:  mov [edi], eax
        add edi, 4
        imul eax, eax, 1103515245
        add eax, 12345
        dec ecx
        jnz .fill

        mov ebp, PASSES
.pass:  mov esi, SRC
        mov edi, DST
        mov ecx, DWORDS / 2
.copy:  mov eax, [esi]
        mov edx, [esi + 4]
        mov [edi], eax
        mov [edi + 4], edx
        add esi, 8
        add edi, 8
        dec ecx
        jnz .copy
        ; Sum the copy back.
        mov esi, DST
        mov ecx, DWORDS
        xor ebx, ebx
.sum:   add ebx, [esi]
        add esi, 4
        dec ecx
        jnz .sum
        mov [0x410], ebx
        dec ebp
        jnz .pass
        BENCH_END32
        BENCH_LIB32
