; Many more blocks than a small block cache holds (the runner also runs
; the tcg_* guests with -accel tcg,tb-size=64K): 4096 stubs in RAM, each
; "add ax, i / retf", called in turn, three rounds, with the stubs of the
; second half rewritten to "sub ax, i" before the last round - the cache
; fills and is flushed again and again between a call and its return,
; with self-modifying code on top.
; expect: f800 f000 f000
%include "guest.inc"

%define STUBS 0x1000            ; segment of the stubs
%define PTR 0x600               ; far pointer for the indirect calls
%define N 4096

        TEST_START
        ; Write stub i at STUBS:i*16: 05 iw (add ax, i), CB (retf).
        mov ax, STUBS
        mov es, ax
        xor di, di
        xor bx, bx
.gen:   mov al, 0x05
        stosb
        mov ax, bx
        stosw
        mov al, 0xcb
        stosb
        add di, 12
        inc bx
        cmp bx, N
        jne .gen
        xor ax, ax
        mov es, ax

        xor ax, ax
        call round
        call guest_print_hex16
        call space
        call round                      ; (f800 + f800) & ffff
        call guest_print_hex16
        call space
        ; Second half becomes "sub ax, i": the round then adds the first
        ; half and subtracts the second, 0 modulo 65536.
        push ax
        mov ax, STUBS
        mov es, ax
        mov di, (N / 2) * 16
        mov cx, N / 2
.rw:    mov byte [es:di], 0x2d          ; sub ax, imm16
        add di, 16
        loop .rw
        xor ax, ax
        mov es, ax
        pop ax
        call round
        call guest_print_hex16
        mov al, 10
        out DEBUGCON, al
        PASS

; AX += the stubs' values, calling each once.
round:  xor bx, bx
        mov word [PTR + 2], STUBS
.call:  mov [PTR], bx
        call far [PTR]
        add bx, 16
        cmp bx, N * 16 & 0xffff
        jne .call
        ret

space:  push ax
        mov al, ' '
        out DEBUGCON, al
        pop ax
        ret

        GUEST_LIB
        ROM_END
