; String instructions where tcg-lite runs them in bulk on host memory and
; must still match the interpreter iteration for iteration: an
; overlapping REP MOVSB that propagates a pattern, REP MOVSD and REP STOSW
; across page boundaries, offsets that wrap at 64 KiB, REPE CMPSB and
; REPNE SCASB stopping at the right element with the right flags, a REP
; run longer than the interpreter's batch (the instruction count, read
; from the TSC under -icount, is printed and must be the same under both
; engines), and non-REP LODSB/STOSB.
; expect: ok 0005
; kvm: no (prints an instruction count, which only -icount gives)
%include "guest.inc"

%define BUF 0x3000              ; segment 0, 0x3000-0x6fff
%define SEG2 0x1000             ; ES for the wrap test

        TEST_START
        ; 1. Overlapping forward copy: [BUF+1..] = [BUF..] replicates
        ;    the first byte.
        mov byte [BUF], 0x5a
        mov si, BUF
        mov di, BUF + 1
        mov cx, 300
        rep movsb
        CHECK_EQ byte [BUF + 300], 0x5a, 1
        CHECK_EQ si, BUF + 300, 2
        CHECK_EQ di, BUF + 301, 3
        CHECK_EQ cx, 0, 4

        ; 2. REP STOSW across a page boundary, then REP MOVSD of it to an
        ;    unaligned destination across another.
        mov di, 0x3ff0
        mov ax, 0x1234
        mov cx, 40                      ; 0x3ff0-0x403f
        rep stosw
        CHECK_EQ word [0x4000], 0x1234, 5
        CHECK_EQ word [0x403e], 0x1234, 6
        CHECK_EQ di, 0x4040, 7
        mov si, 0x3ff0
        mov di, 0x4ffd
        mov ecx, 20
        a16 rep movsd
        CHECK_EQ dword [0x4ffd], 0x12341234, 8
        CHECK_EQ dword [0x5049], 0x12341234, 9
        CHECK_EQ di, 0x504d, 10

        ; 3. DI wraps at 64 KiB (16-bit addresses): bytes at FFFE, FFFF,
        ;    0000, 0001 of ES.
        mov ax, SEG2
        mov es, ax
        mov di, 0xfffe
        mov al, 0x77
        mov cx, 4
        rep stosb
        xor ax, ax
        mov es, ax
        CHECK_EQ di, 2, 11
        CHECK_EQ byte [0xffff], 0, 12   ; (DS = 0: not this one)
        mov ax, SEG2
        mov ds, ax
        CHECK_EQ byte [0xfffe], 0x77, 13
        CHECK_EQ byte [0xffff], 0x77, 14
        CHECK_EQ byte [0x0000], 0x77, 15
        CHECK_EQ byte [0x0001], 0x77, 16
        CHECK_EQ byte [0x0002], 0, 17
        xor ax, ax
        mov ds, ax

        ; 4. REPE CMPSB stops at the first difference; REPNE SCASB at the
        ;    first match; flags from the last comparison.
        mov si, text_a
        mov di, BUF + 0x800
        mov cx, text_end - text_a
.cp:    mov al, [cs:si]
        mov [di], al
        inc si
        inc di
        loop .cp
        mov byte [BUF + 0x800 + 5], 'X' ; differs at index 5
        mov si, BUF + 0x800
        mov di, BUF + 0x900
        mov cx, text_end - text_a
        rep movsb
        mov byte [BUF + 0x900 + 5], 'Y'
        mov si, BUF + 0x800
        mov di, BUF + 0x900
        mov cx, 100
        repe cmpsb
        jne .ne
        FAIL 18
.ne:    jb .below                       ; 'X' < 'Y'
        FAIL 19
.below: CHECK_EQ cx, 94, 20
        CHECK_EQ si, BUF + 0x806, 21
        mov di, BUF + 0x800
        mov al, 'X'
        mov cx, 100
        repne scasb
        je .eq
        FAIL 22
.eq:    CHECK_EQ cx, 94, 23
        CHECK_EQ di, BUF + 0x806, 24

        ; 5. Non-REP LODSB/STOSB, upper-casing.
        mov si, BUF + 0x800
        mov di, BUF + 0xa00
        mov cx, 4
.up:    lodsb
        sub al, 0x20
        stosb
        loop .up
        CHECK_EQ dword [BUF + 0xa00], 'ABCD', 25

        ; 6. A run of 3000 iterations: three batches of the interpreter,
        ;    each one instruction of the count (5 with RDTSC and MOV).
        mov di, BUF
        mov cx, 3000
        xor al, al
        rdtsc
        mov bx, ax
        rep stosb
        rdtsc
        sub ax, bx
        PUTS "ok "
        call guest_print_hex16
        mov al, 10
        out DEBUGCON, al
        PASS

text_a: db "abcdefghijklmnopqrstuvwxyz"
text_end:

        GUEST_LIB
        ROM_END
