; String instructions: REP MOVSD and REP STOSD over 16 KiB, REPNE SCASB
; (strlen) over 64 strings, a LODSB/STOSB loop (ASCII upper case) over
; 4 KiB and REPE CMPSB over it, 3000 times, in flat 32-bit protected mode.
; (A REP instruction counts one instruction per 1024 iterations.)
%include "bench.inc"

%define BUF_A 0x100000
%define BUF_B 0x110000
%define TEXT 0x120000
%define UPPER 0x130000
%define ROUNDS 3000

        BENCH_BEGIN
        BENCH_PM
        cld
        ; 64 strings of 1-127 letters, NUL-terminated, at TEXT.
        mov edi, TEXT
        mov ebx, 64
        mov eax, 0x1234567
.str:   imul eax, eax, 1103515245
        add eax, 12345
        mov ecx, eax
        shr ecx, 16
        and ecx, 127
        inc ecx
.ch:    mov edx, eax
        shr edx, 11
        and edx, 15
        add dl, 'a'
        mov [edi], dl
        inc edi
        dec ecx
        jnz .ch
        mov byte [edi], 0
        inc edi
        dec ebx
        jnz .str
        mov [0x1000], edi               ; end of the text

        mov ebp, ROUNDS
.round: mov esi, BUF_A
        mov edi, BUF_B
        mov ecx, 4096
        rep movsd
        mov edi, BUF_A
        mov eax, ebp
        mov ecx, 4096
        rep stosd
        ; strlen of each string
        mov edi, TEXT
        xor edx, edx
        mov ebx, 64
.len:   mov ecx, -1
        xor al, al
        repne scasb
        not ecx
        add edx, ecx
        dec ebx
        jnz .len
        ; upper case, byte by byte
        mov esi, TEXT
        mov edi, UPPER
        mov ecx, 4096
.up:    lodsb
        cmp al, 'a'
        jb .keep
        cmp al, 'z'
        ja .keep
        sub al, 'a' - 'A'
.keep:  stosb
        dec ecx
        jnz .up
        ; compare the upper-case copy with itself
        mov esi, UPPER
        mov edi, UPPER
        mov ecx, 4096
        repe cmpsb
        jne .bad
        dec ebp
        jnz .round
        mov [0x410], edx
        BENCH_END32
.bad:   mov al, 3
        out DEBUG_EXIT, al
        hlt
        BENCH_LIB32
