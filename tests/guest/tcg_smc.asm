; Self-modifying code in real mode, as tcg-lite must see it (and the
; interpreter does): a store that patches the very next instruction, a
; patch to an instruction further on in the same straight-line run, code
; patched between calls after it has run many times, code rewritten by
; REP STOSB, code written by fw_cfg DMA (port 0x514), and an instruction
; that spans two pages, patched on either page.
%include "guest.inc"

%define RAMBASE 0x2000
%define RAM(x) (RAMBASE + (x) - ram_code)
%define CROSS 0x2ff8            ; a block whose last instruction straddles
%define STRAD 0x2ffd            ; 66 B8 imm32: 2FFD-3002
%define FILL 0x4000             ; code written with REP STOSB
%define DMA_DESC 0x600

        TEST_START
        ; Copy the RAM routines to 0:RAMBASE.
        mov si, ram_code
        mov di, RAMBASE
        mov cx, ram_code_end - ram_code
        cs rep movsb

        ; 1. A store that patches the next instruction, three values, each
        ;    run twice (the second run finds the block the first built).
        mov bl, 0x11
.next:  mov al, bl
        call 0:RAM(patch_next)
        CHECK_EQ al, bl, 1
        mov al, bl
        call 0:RAM(patch_next)
        CHECK_EQ al, bl, 2
        add bl, 0x11
        cmp bl, 0x44
        jne .next

        ; 2. A patch to an instruction later in the same run.
        mov bl, 0x5a
.later: mov al, bl
        call 0:RAM(patch_later)
        CHECK_EQ al, bl, 3
        inc bl
        cmp bl, 0x60
        jne .later

        ; 3. Hot code patched from outside between calls.
        xor bx, bx
.hot:   mov [RAM(hot_code) + 1], bx
        call 0:RAM(hot_code)
        CHECK_EQ ax, bx, 4
        call 0:RAM(hot_code)
        CHECK_EQ ax, bx, 5
        add bx, 0x0101
        cmp bx, 0x6464
        jne .hot

        ; 4. REP STOSB writes 16 x INC AX and RETF; run it; then DEC AX.
        mov di, FILL
        mov al, 0x40
        mov cx, 16
        rep stosb
        mov byte [di], 0xcb
        xor ax, ax
        call 0:FILL
        call 0:FILL
        CHECK_EQ ax, 32, 6
        mov di, FILL
        mov al, 0x48
        mov cx, 16
        rep stosb
        mov ax, 32
        call 0:FILL
        CHECK_EQ ax, 16, 7

        ; 5. fw_cfg DMA copies the signature "QEMU" (push cx; inc bp;
        ;    dec bp; push bp) over four NOPs of code that has run.
        call 0:RAM(dma_code)
        call 0:RAM(dma_code)
        CHECK_EQ si, di, 8
        mov dword [DMA_DESC], 0x0a000000        ; BE: select key 0, read
        mov dword [DMA_DESC + 4], 0x04000000    ; BE: 4 bytes
        mov dword [DMA_DESC + 8], 0
        mov eax, RAM(dma_nops)
        bswap eax
        mov [DMA_DESC + 12], eax                ; BE address, low half
        mov dx, 0x514
        xor eax, eax
        out dx, eax
        mov eax, DMA_DESC
        bswap eax
        mov dx, 0x518
        out dx, eax
        CHECK_EQ dword [DMA_DESC], 0, 9         ; done, no error
        mov cx, 0x1234
        mov bp, 0x5678
        call 0:RAM(dma_code)
        sub si, di
        CHECK_EQ si, 4, 10                      ; two pushes
        CHECK_EQ bp, 0x5678, 11

        ; 6. A block ending in an instruction across 2FFF/3000.
        mov byte [CROSS], 0xbb                  ; mov bx, 7
        mov word [CROSS + 1], 7
        mov byte [CROSS + 3], 0x43              ; inc bx
        mov byte [CROSS + 4], 0x43              ; inc bx
        mov word [STRAD], 0xb866                ; mov eax, 0x11223344
        mov dword [STRAD + 2], 0x11223344
        mov byte [STRAD + 6], 0xcb              ; retf
        call 0:CROSS
        call 0:CROSS
        CHECK_EQ eax, 0x11223344, 12
        CHECK_EQ bx, 9, 13
        mov byte [0x3001], 0x99                 ; on the second page
        call 0:CROSS
        CHECK_EQ eax, 0x11993344, 14
        mov byte [0x2fff], 0x55                 ; on the first page
        call 0:CROSS
        CHECK_EQ eax, 0x11993355, 15
        mov byte [CROSS + 4], 0x4b              ; dec bx, before it
        call 0:CROSS
        CHECK_EQ bx, 7, 16

        PUTS "smc ok", 10
        PASS

; --- copied to RAMBASE -------------------------------------------------------
ram_code:
; AL: the immediate to plant in the next instruction; returns it in AL.
patch_next:
        mov [RAM(.insn) + 1], al
.insn:  mov al, 0
        retf

; The same, five instructions further on.
patch_later:
        mov [RAM(.insn) + 1], al
        mov dl, al
        inc dh
        nop
        xchg cx, cx
        nop
.insn:  mov al, 0
        retf

hot_code:
        mov ax, 0
        retf

; SI - DI: bytes pushed by the four bytes at dma_nops.
dma_code:
        mov si, sp
dma_nops:
        nop
        nop
        nop
        nop
        mov di, sp
        mov sp, si
        retf
ram_code_end:

        GUEST_LIB
        ROM_END
