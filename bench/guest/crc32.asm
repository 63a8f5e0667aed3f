; CPU-bound integer benchmark: bitwise CRC-32 over 64 KiB of RAM, 64 passes.
; Shifts, XOR, conditional branches, byte loads, 32-bit arithmetic.
%include "bench.inc"

        BENCH_BEGIN
        ; Fill 0x10000-0x1ffff with a pattern.
        mov ax, 0x1000
        mov es, ax
        xor di, di
        mov cx, 0x8000
        mov ax, 0x1234
.fill:  stosw
        add ax, 0x9e37
        loop .fill

        mov bp, 64                      ; passes
.pass:  mov ax, 0x1000
        mov ds, ax
        xor si, si
        mov edx, 0xffffffff
.byte:  movzx eax, byte [si]
        xor edx, eax
        mov cx, 8
.bit:   shr edx, 1
        jnc .nox
        xor edx, 0xedb88320
.nox:   dec cx
        jnz .bit
        inc si
        jnz .byte
        dec bp
        jnz .pass
        xor ax, ax
        mov ds, ax
        not edx
        mov [0x410], edx
        BENCH_END
