; A branchy interpreter loop: a small stack machine dispatching bytecodes
; through a jump table (indirect jumps, unpredictable for a predictor
; without history, loads and stores to its stack), running a loop of
; arithmetic 2.5 million times, in flat 32-bit protected mode.
%include "bench.inc"

%define TABLE 0x10000           ; jump table (copied to RAM)
%define CODE 0x11000            ; bytecode (copied to RAM)
%define VARS 0x12000
%define VSTACK 0x14000          ; grows up, EBP points at the top
%define ITER 2500000

; bytecodes
%define OP_HALT 0
%define OP_PUSH 1               ; imm32
%define OP_ADD 2
%define OP_SUB 3
%define OP_MUL 4
%define OP_DUP 5
%define OP_XOR 6
%define OP_JNZ 7                ; rel16 from the next bytecode
%define OP_LOAD 8               ; var index (byte)
%define OP_STORE 9              ; var index (byte)
%define OP_SHR 10               ; by imm8

        BENCH_BEGIN
        BENCH_PM
        mov esi, op_table
        mov edi, TABLE
        mov ecx, (op_table_end - op_table) / 4
.ct:    mov eax, [cs:esi]
        mov [edi], eax
        add esi, 4
        add edi, 4
        dec ecx
        jnz .ct
        mov esi, program
        mov edi, CODE
        mov ecx, program_end - program
.cp:    mov al, [cs:esi]
        mov [edi], al
        inc esi
        inc edi
        dec ecx
        jnz .cp

        mov esi, CODE
        mov ebp, VSTACK
next:   movzx eax, byte [esi]
        inc esi
        jmp [TABLE + eax * 4]

op_push:
        mov eax, [esi]
        add esi, 4
        mov [ebp], eax
        add ebp, 4
        jmp next
op_add: sub ebp, 4
        mov eax, [ebp]
        add [ebp - 4], eax
        jmp next
op_sub: sub ebp, 4
        mov eax, [ebp]
        sub [ebp - 4], eax
        jmp next
op_mul: sub ebp, 4
        mov eax, [ebp]
        imul eax, [ebp - 4]
        mov [ebp - 4], eax
        jmp next
op_dup: mov eax, [ebp - 4]
        mov [ebp], eax
        add ebp, 4
        jmp next
op_xor: sub ebp, 4
        mov eax, [ebp]
        xor [ebp - 4], eax
        jmp next
op_jnz: movsx edx, word [esi]
        add esi, 2
        sub ebp, 4
        cmp dword [ebp], 0
        je next
        add esi, edx
        jmp next
op_load:
        movzx eax, byte [esi]
        inc esi
        mov eax, [VARS + eax * 4]
        mov [ebp], eax
        add ebp, 4
        jmp next
op_store:
        movzx eax, byte [esi]
        inc esi
        sub ebp, 4
        mov edx, [ebp]
        mov [VARS + eax * 4], edx
        jmp next
op_shr: movzx ecx, byte [esi]
        inc esi
        shr dword [ebp - 4], cl
        jmp next
op_halt:
        mov eax, [VARS]
        mov [0x410], eax
        BENCH_END32

        align 4
op_table:
        dd op_halt, op_push, op_add, op_sub, op_mul, op_dup, op_xor
        dd op_jnz, op_load, op_store, op_shr
op_table_end:

; acc = 0; i = ITER; do { acc = ((acc ^ i) * 7 + i) >> 1; } while (--i)
program:
        db OP_PUSH
        dd 0
        db OP_STORE, 0
        db OP_PUSH
        dd ITER
        db OP_STORE, 1
.loop:  db OP_LOAD, 0, OP_LOAD, 1, OP_XOR
        db OP_PUSH
        dd 7
        db OP_MUL, OP_LOAD, 1, OP_ADD, OP_SHR, 1, OP_STORE, 0
        db OP_LOAD, 1
        db OP_PUSH
        dd 1
        db OP_SUB, OP_DUP, OP_STORE, 1
        db OP_JNZ
        dw .loop - ($ + 2)
        db OP_HALT
program_end:
        BENCH_LIB32
