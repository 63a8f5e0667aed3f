; CPU-bound mix of the integer instruction groups: ALU, shifts and
; rotates, multiply, loads, stores and read-modify-write, stack, SETcc,
; CMOVcc, BT, LEA with scaled index, 16- and 32-bit operands, one branch
; per iteration: 24 instructions per iteration, 8 million iterations
; (192 million instructions measured).
%include "bench.inc"

%define ITERATIONS 8000000

        BENCH_BEGIN
        mov ecx, ITERATIONS
        xor eax, eax
        mov ebx, 0x12345678
        xor edx, edx
        xor si, si
        mov di, 0x2000
        mov dword [di], 0x9e3779b9
.loop:
        add eax, ebx
        xor ebx, eax
        rol ebx, 5
        mov [si + 0x1000], eax          ; 4 KiB ring at 0x1000
        add si, 4
        and si, 0x0ffc
        mov edx, [di]
        imul edx, eax
        shr edx, 3
        adc eax, edx
        cmp eax, ebx
        cmovb eax, ebx
        push ax
        pop bp
        test bp, 1
        setnz dl
        movzx edx, dl
        lea ebx, [ebx + edx * 4 + 1]
        bt ebx, 3
        sbb edx, edx
        and edx, 0x55
        add [di], edx
        dec ecx
        jnz .loop
        mov [0x410], eax
        BENCH_END
