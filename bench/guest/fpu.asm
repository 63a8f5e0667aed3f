; An x87 kernel: the Mandelbrot set over a 160 x 120 grid, at most 256
; iterations a point (FMUL, FADD, FSUB, FCOM, FNSTSW/SAHF, loads and
; stores of doubles), in flat 32-bit protected mode.
%include "bench.inc"

%define W 160
%define H 120
%define MAXIT 256
%define CR 0x1000               ; doubles in RAM
%define CI 0x1008
%define ZR 0x1010
%define ZI 0x1018
%define COUNT 0x1020

        BENCH_BEGIN
        BENCH_PM
        fninit
        mov dword [COUNT], 0
        xor edi, edi                    ; y
.row:   xor esi, esi                    ; x
.col:   ; c = (-2 + 3 x / W, -1.2 + 2.4 y / H)
        mov [0x1030], esi
        fild dword [0x1030]
        fmul qword [cs:sx]
        fadd qword [cs:x0]
        fstp qword [CR]
        mov [0x1030], edi
        fild dword [0x1030]
        fmul qword [cs:sy]
        fadd qword [cs:y0]
        fstp qword [CI]
        fldz
        fst qword [ZR]
        fstp qword [ZI]
        mov ecx, MAXIT
.it:    fld qword [ZR]
        fmul st0, st0                   ; zr^2
        fld qword [ZI]
        fmul st0, st0                   ; zi^2, zr^2
        fld st1
        fadd st0, st1                   ; |z|^2
        fcomp qword [cs:four]
        fnstsw ax
        sahf
        ja .out
        fsubp st1, st0                  ; zr^2 - zi^2
        fadd qword [CR]
        fld qword [ZR]
        fmul qword [ZI]
        fadd st0, st0
        fadd qword [CI]
        fstp qword [ZI]
        fstp qword [ZR]
        dec ecx
        jnz .it
        inc dword [COUNT]               ; inside
        jmp .next
.out:   fstp st0
        fstp st0
.next:  inc esi
        cmp esi, W
        jb .col
        inc edi
        cmp edi, H
        jb .row
        mov eax, [COUNT]
        mov [0x410], eax
        BENCH_END32

        align 8
sx:     dq 0.01875                      ; 3 / W
sy:     dq 0.02                         ; 2.4 / H
x0:     dq -2.0
y0:     dq -1.2
four:   dq 4.0
        BENCH_LIB32
