; Everything else in real mode: BOUND (#BR), INTO, INT3, INT n, ICEBP
; (INT1), UD2 and the undefined opcodes and group members (#UD, also for
; the register forms of memory-only instructions and bad segment
; registers), SALC, XLAT, LAHF/SAHF, CBW/CWDE/CWD/CDQ, MOVZX/MOVSX, LEA
; with 16-bit wraparound and mixed sizes, MOV moffs with 67, the hint NOPs
; (no memory access), CMC/CLC/STC, prefixes and the 15-byte limit, MSRs,
; RDPMC and RDTSC.
; pcvm-args: -cpu pentium2
; expect: int_misc: ok
%include "guest.inc"
%include "int.inc"

%define M int_scratch + 0x100

        TEST_START
        INT_SETUP

        ; --- BOUND ---
        mov word [M], -5
        mov word [M + 2], 10
        mov ax, -5
        bound ax, [M]
        mov ax, 10
        bound ax, [M]
        mov ax, 11
        EXC 5, bound ax, [M]
        mov ax, -6
        EXC 5, bound ax, [M]
        mov dword [M], 0x10000
        mov dword [M + 4], 0x20000
        mov eax, 0x1ffff
        bound eax, [M]
        mov eax, 0x20001
        EXC 5, bound eax, [M]

        ; --- INTO, INT3, INT n, ICEBP: traps through the IVT ---
        SETF 0
        into                            ; OF clear: nothing
        SETF FL_OF
        TRAP 4, into
        TRAP 3, int3
        TRAP 3, int 3
        TRAP 5, int 5
        TRAP 1, db 0xf1                 ; ICEBP

        ; --- #UD ---
        EXC 6, ud2
        EXC 6, db 0x0f, 0xff, 0xc0      ; UD0
        EXC 6, db 0x0f, 0xb9, 0xc0      ; UD1
        EXC 6, db 0x0f, 0x0b            ; UD2 again, bytes
        EXC 6, db 0x0f, 0x0d, 0x08      ; PREFETCHW: not on a P6
        EXC 6, db 0x0f, 0x24, 0xc0      ; MOV r32, TR: gone since the 486
        EXC 6, db 0x0f, 0xa6            ; XBTS: 386 A-step only
        EXC 6, db 0x0f, 0x0e            ; FEMMS (3DNow!)
        EXC 6, db 0x0f, 0xaa            ; RSM outside SMM
        EXC 6, db 0xfe, 0xf8            ; group 4 /7
        EXC 6, db 0xff, 0xf8            ; group 5 /7
        EXC 6, db 0x8f, 0xc8            ; group 1A /1
        EXC 6, db 0xc6, 0xc8, 0x00      ; group 11 /1
        EXC 6, db 0x0f, 0xc7, 0x07      ; group 9 /0
        EXC 6, db 0x0f, 0xba, 0x00, 0x00 ; group 8 /0
        EXC 6, db 0x62, 0xc0            ; BOUND with a register
        EXC 6, db 0x8d, 0xc0            ; LEA with a register
        EXC 6, db 0xc4, 0xc0            ; LES with a register
        EXC 6, db 0x0f, 0xb2, 0xc0      ; LSS with a register
        EXC 6, db 0x8c, 0xf0            ; MOV ax, (segment 6)
        EXC 6, db 0x8e, 0xc8            ; MOV cs, ax

        ; --- SALC, XLAT, LAHF/SAHF, CMC/CLC/STC ---
        SETF FL_CF
        db 0xd6                         ; SALC
        CHECK al, 0xff
        SETF 0
        db 0xd6
        CHECK al, 0
        mov byte [M + 0x85], 0x77
        mov bx, M + 5
        mov al, 0x80
        xlat
        CHECK al, 0x77
        mov ah, 0xd5                    ; SF ZF AF PF CF
        sahf
        CHECKF FL_ARITH, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF
        SETF FL_OF | FL_ZF
        lahf
        CHECK ah, 0x42                  ; ZF and the always-one bit
        SETF FL_ZF
        stc
        cmc
        CHECKF FL_ARITH, FL_ZF
        stc
        CHECKF FL_CF, FL_CF
        clc
        CHECKF FL_CF, 0

        ; --- sign and zero extension ---
        mov ax, 0x1280
        cbw
        CHECK ax, 0xff80
        mov eax, 0x12348000
        cwde
        CHECK eax, 0xffff8000
        mov dx, 0x1234
        mov ax, 0x8000
        cwd
        CHECK dx, 0xffff
        mov eax, 0x7fffffff
        mov edx, 0x1234
        cdq
        CHECK edx, 0
        mov bl, 0x80
        movsx eax, bl
        CHECK eax, 0xffffff80
        movzx ecx, bl
        CHECK ecx, 0x80
        mov word [M], 0x8001
        movsx edx, word [M]
        CHECK edx, 0xffff8001
        movzx si, byte [M]
        CHECK si, 1

        ; --- LEA ---
        mov bx, 0xfff0
        mov si, 0x0010
        lea ax, [bx + si + 0x10]
        CHECK ax, 0x0010                ; 16-bit wrap
        mov eax, 0xffffffff
        lea eax, [bx + si]              ; 16-bit address, zero-extended
        CHECK eax, 0
        mov ebx, 0x12345678
        mov ecx, 0x00010000
        lea ax, [ebx + ecx * 2]         ; 32-bit address, truncated
        CHECK ax, 0x5678
        CHECK eax, 0x00005678

        ; --- MOV moffs, 16- and 32-bit offsets ---
        mov word [M], 0xbeef
        mov ax, [M]
        CHECK ax, 0xbeef
        a32 mov ax, [dword M]
        CHECK ax, 0xbeef
        mov al, 0x42
        a32 mov [dword M + 1], al
        CHECK word [M], 0x42ef

        ; --- hint NOPs touch no memory (not even past the limit) ---
        mov ebx, 0x100000
        db 0x0f, 0x1f, 0x03             ; nop [bp + di]
        db 0x67, 0x0f, 0x1f, 0x03       ; nop [ebx]
        db 0x67, 0x0f, 0x18, 0x0b       ; prefetcht0 [ebx]
        db 0x67, 0x0f, 0x19, 0x3b       ; hint nop [ebx]

        ; --- prefixes: the last segment override wins, duplicates and
        ; REP on other instructions are harmless, 15 bytes at most ---
        mov ax, 0x0100
        mov es, ax                      ; ES:0 = 0:1000
        mov word [0x1000 + M], 0x1111
        mov word [M], 0x2222
        mov bx, M
        db 0x26, 0x3e, 0x8b, 0x07       ; es ds mov ax, [bx]
        CHECK ax, 0x2222
        db 0x3e, 0x26, 0x8b, 0x07       ; ds es mov ax, [bx]
        CHECK ax, 0x1111
        xor ax, ax
        mov es, ax
        db 0x66, 0x66, 0xb8             ; mov eax, imm32 (66 twice)
        dd 0x12345678
        CHECK eax, 0x12345678
        db 0xf3, 0x40                   ; rep inc ax
        CHECK eax, 0x12345679
        times 14 db 0x3e
        nop                             ; 15 bytes: fine
        EXC 13, db 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, \
                   0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x90 ; 16: #GP

        ; --- MSRs, RDPMC, RDTSC ---
        mov ecx, 0x10                   ; the TSC
        mov edx, 0x00000001
        mov eax, 0x00000000
        wrmsr
        rdmsr
        CHECK edx, 1
        mov ecx, 0xc1                   ; PERFCTR0 (P6)
        mov eax, 0x89abcdef
        mov edx, 0
        wrmsr
        mov ecx, 0
        rdpmc
        CHECK eax, 0x89abcdef
        CHECK edx, 0xff                 ; 40 bits, sign-extended
        mov ecx, 0x12345
        EXC 13, rdmsr
        mov ecx, 2
        EXC 13, rdpmc
        rdtsc
        mov esi, eax
        mov edi, edx
        rdtsc
        sub eax, esi
        sbb edx, edi
        CHECKF FL_CF, 0                 ; it went forwards

        PUTS "int_misc: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
