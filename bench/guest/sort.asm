; Sorting: a recursive quicksort (calls, stack traffic, data-dependent
; branches) of 64K pseudo-random dwords, then a check that it is sorted,
; 24 rounds with fresh data, in flat 32-bit protected mode.
%include "bench.inc"

%define DATA 0x100000
%define COUNT 65536
%define ROUNDS 24

        BENCH_BEGIN
        BENCH_PM
        mov eax, 0x2545f491
        mov ebp, ROUNDS
.round: mov edi, DATA
        mov ecx, COUNT
.gen:   imul eax, eax, 1664525
        add eax, 1013904223
        mov [edi], eax
        add edi, 4
        dec ecx
        jnz .gen
        push eax
        mov esi, DATA
        mov edi, DATA + (COUNT - 1) * 4
        call qsort
        ; Check the order.
        mov esi, DATA
        mov ecx, COUNT - 1
.chk:   mov eax, [esi]
        cmp eax, [esi + 4]
        ja .bad
        add esi, 4
        dec ecx
        jnz .chk
        pop eax
        dec ebp
        jnz .round
        BENCH_END32
.bad:   mov al, 3
        out DEBUG_EXIT, al
        hlt

; Sort the unsigned dwords [ESI, EDI] (inclusive); keeps ESI, EDI.
qsort:  cmp esi, edi
        jae .done
        push esi
        push edi
        ; Middle element as the pivot (Hoare partition).
        mov eax, edi
        sub eax, esi
        shr eax, 3
        mov edx, [esi + eax * 4]
        mov ebx, esi
        mov ecx, edi
.scan:  cmp [ebx], edx
        jae .right
        add ebx, 4
        jmp .scan
.right: cmp [ecx], edx
        jbe .swap
        sub ecx, 4
        jmp .right
.swap:  cmp ebx, ecx
        ja .split
        mov eax, [ebx]
        xchg eax, [ecx]
        mov [ebx], eax
        add ebx, 4
        sub ecx, 4
        cmp ebx, ecx
        jbe .scan
.split: ; [ESI, ECX] and [EBX, EDI]
        mov edi, ecx
        push ebx
        call qsort
        pop esi
        mov edi, [esp]
        call qsort
        pop edi
        pop esi
.done:  ret
        BENCH_LIB32
