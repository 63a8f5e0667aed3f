; Conditions read right after the instruction that set the flags, for
; all sixteen Jcc conditions and many flag-setting instructions, operand
; sizes and edge values - the pairs tcg-lite fuses (it knows the producer
; of the flags when it builds the block) - against the same conditions
; read through PUSHFD/POPFD, which materialises the flags.
; expect: flags ok
%include "guest.inc"
%include "pm.inc"

%define VAL_A   (test_scratch + 0)
%define VAL_B   (test_scratch + 4)
%define MEMOP   (test_scratch + 8)

; CASE n, setup, producer...: the 16 conditions straight after the
; producer (and setup) into EDI, then the same read through the flags
; image into ESI; they must agree.
%macro CASE 2+
%assign %%c 0
        xor edi, edi
%rep 16
        mov eax, [VAL_A]
        mov ebx, [VAL_B]
        mov [MEMOP], eax
        %2
        j %+ %%c %%taken_ %+ %%c
        jmp %%next_ %+ %%c
%%taken_ %+ %%c:
        or edi, 1 << %%c
%%next_ %+ %%c:
%assign %%c %%c + 1
%endrep
        mov eax, [VAL_A]
        mov ebx, [VAL_B]
        mov [MEMOP], eax
        %2
        pushfd
        pop ecx
%assign %%c 0
        xor esi, esi
%rep 16
        push ecx
        popfd
        j %+ %%c %%rtaken_ %+ %%c
        jmp %%rnext_ %+ %%c
%%rtaken_ %+ %%c:
        or esi, 1 << %%c
%%rnext_ %+ %%c:
%assign %%c %%c + 1
%endrep
        mov eax, %1
        call check_case
%endmacro

; nasm's condition names by number.
%define j0 jo
%define j1 jno
%define j2 jb
%define j3 jae
%define j4 je
%define j5 jne
%define j6 jbe
%define j7 ja
%define j8 js
%define j9 jns
%define j10 jp
%define j11 jnp
%define j12 jl
%define j13 jge
%define j14 jle
%define j15 jg

        TEST_START
        PM_ENTER
        xor ebp, ebp                    ; pair index
.pair:
        mov eax, [cs:pairs + ebp * 8]
        mov [VAL_A], eax
        mov eax, [cs:pairs + ebp * 8 + 4]
        mov [VAL_B], eax

        CASE 1, cmp eax, ebx
        CASE 2, cmp ax, bx
        CASE 3, cmp al, bl
        CASE 4, sub eax, ebx
        CASE 5, cmp eax, 0x7fffffff
        CASE 6, cmp byte [MEMOP], 0x80
        CASE 7, cmp [MEMOP], ebx
        CASE 8, test eax, ebx
        CASE 9, test al, bl
        CASE 10, test ax, bx
        CASE 11, and eax, ebx
        CASE 12, or ax, bx
        CASE 13, xor eax, ebx
        CASE 14, add eax, ebx
        CASE 15, add al, bl
        CASE 16, inc eax
        CASE 17, dec eax
        CASE 18, inc ax
        CASE 19, dec ax
        CASE 20, dec bl
        CASE 21, shl eax, 1
        CASE 22, shl eax, 7
        CASE 23, shr eax, 1
        CASE 24, shr eax, 9
        CASE 25, sar eax, 1
        CASE 26, sar eax, 31
        CASE 27, shr ax, 3
        CASE 28, cmp eax, ebx
                 mov ecx, edx
                 lea edx, [eax + ebx * 2]
        CASE 29, cmp eax, ebx
                 shl edx, 0
        CASE 30, stc
                 adc eax, ebx
        CASE 31, clc
                 sbb ax, bx
        CASE 36, cmp eax, ebx
                 adc ecx, edx
        CASE 32, neg eax
        CASE 33, cmp eax, ebx
                 movzx edx, al
                 push eax
                 pop edx
        CASE 34, sub eax, ebx
                 inc dword [MEMOP]
        CASE 35, dec dword [MEMOP]

        inc ebp
        cmp ebp, (pairs_end - pairs) / 8
        jb .pair
        PUTS32 "flags ok", 10
        PASS

; EAX: case number; EDI and ESI must agree.
check_case:
        cmp edi, esi
        jne .bad
        ret
.bad:   PUTS32 "case "
        call pm_hex32
        PUTS32 " pair "
        mov eax, ebp
        call pm_hex32
        PUTS32 " fused "
        mov eax, edi
        call pm_hex32
        PUTS32 " flags "
        mov eax, esi
        call pm_hex32
        mov al, 10
        out DEBUGCON, al
        FAIL 1

        align 4
pairs:
        dd 0, 0
        dd 1, 2
        dd 2, 1
        dd 0x80000000, 1
        dd 0x7fffffff, 0xffffffff
        dd 0xffffffff, 1
        dd 0x80, 0x7f
        dd 0x7f, 0x80
        dd 0x8000, 1
        dd 0x7fff, 0xffff
        dd 0x12345678, 0x12345678
        dd 0xdeadbeef, 0x0badf00d
        dd 0x00000100, 0x000000ff
        dd 0xfffffffe, 0xffffffff
pairs_end:

        PM_LIB
        GUEST_LIB
        ROM_END
