; Code under paging, as tcg-lite must see it: a linear page remapped to
; other physical code (INVLPG, CR3 reload) and back, two linear aliases of
; one physical page written through a third, and an instruction that
; spans two linear pages whose second page is remapped.
; pcvm-args: -no-reboot
; kvm-needs: paging
%include "guest.inc"
%include "pm.inc"

%define PD      0x100000
%define PT0     0x101000        ; identity 0-4 MiB
%define PT1     0x102000        ; 4-8 MiB: the code pages below

%define CODE_A  0x200000        ; mov eax, 1 / retf
%define CODE_B  0x201000        ; mov eax, 2 / retf
%define PAGE_C  0x202000        ; first half of the straddler
%define PAGE_D  0x203000        ; its second half, one version
%define PAGE_E  0x204000        ; and another

%define LIN_X   0x400000        ; -> A or B
%define LIN_Y   0x401000        ; -> A (an alias)
%define LIN_S   0x402000        ; -> C
%define LIN_T   0x403000        ; -> D or E

%define PTE_P   1
%define PTE_W   2
%define SEL_FLAT_CODE   (SEL_FREE + 0x00)

; MAP linear, physical: point the PT1 entry for @linear at @physical.
%macro MAP 2
        mov dword [PT1 + (((%1) >> 12) & 1023) * 4], (%2) | PTE_P | PTE_W
%endmacro

; RUN linear: far call the code at @linear; EAX is its result.
%macro RUN 1
        call SEL_FLAT_CODE:%1
%endmacro

        TEST_START
        PM_ENTER
        SET_DESC SEL_FLAT_CODE, 0, 0xfffff, ACC_CODE, FL_32G

        ; Page tables: 0-4 MiB identity, 4 MiB+ the code pages.
        mov edi, PD
        mov ecx, 3 * 1024
        xor eax, eax
        rep stosd
        mov edi, PT0
        mov eax, PTE_P | PTE_W
        mov ecx, 1024
.fill:  stosd
        add eax, 0x1000
        loop .fill
        mov dword [PD + 0 * 4], PT0 | PTE_P | PTE_W
        mov dword [PD + 1 * 4], PT1 | PTE_P | PTE_W
        MAP LIN_X, CODE_A
        MAP LIN_Y, CODE_A
        MAP LIN_S, PAGE_C
        MAP LIN_T, PAGE_D

        ; The code: B8 imm32 (mov eax, imm32), CB (retf).
        mov byte [CODE_A], 0xb8
        mov dword [CODE_A + 1], 1
        mov byte [CODE_A + 5], 0xcb
        mov byte [CODE_B], 0xb8
        mov dword [CODE_B + 1], 2
        mov byte [CODE_B + 5], 0xcb
        ; The straddler: INC ECX at C+FFC, then B8 at C+FFD, imm32 at
        ; C+FFE..D+002 (bytes 44 33 | 22 11), RETF at D+003.
        mov byte [PAGE_C + 0xffc], 0x41
        mov byte [PAGE_C + 0xffd], 0xb8
        mov word [PAGE_C + 0xffe], 0x3344
        mov word [PAGE_D], 0x1122
        mov byte [PAGE_D + 2], 0xcb
        mov word [PAGE_E], 0x6655
        mov byte [PAGE_E + 2], 0xcb

        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 1 << 31
        mov cr0, eax

        ; X -> A: 1, twice (built, then found).
        RUN LIN_X
        CHECK eax, 1
        RUN LIN_X
        CHECK eax, 1
        ; X -> B, INVLPG: 2. (The data read refills the TLB entry before
        ; the code is looked for.)
        MAP LIN_X, CODE_B
        invlpg [LIN_X]
        mov ebx, [LIN_X]
        RUN LIN_X
        CHECK eax, 2
        ; X -> A again, by reloading CR3: 1 (A's block is still valid).
        MAP LIN_X, CODE_A
        mov eax, cr3
        mov cr3, eax
        mov ebx, [LIN_X]
        RUN LIN_X
        CHECK eax, 1
        ; Y is another linear alias of A.
        RUN LIN_Y
        CHECK eax, 1
        ; Rewrite A through the identity map: both aliases see it.
        mov dword [CODE_A + 1], 3
        RUN LIN_X
        CHECK eax, 3
        RUN LIN_Y
        CHECK eax, 3
        ; Rewrite it through X itself.
        mov dword [LIN_X + 1], 4
        RUN LIN_Y
        CHECK eax, 4
        RUN LIN_X
        CHECK eax, 4

        ; The straddler, from the INC before it.
        xor ecx, ecx
        RUN LIN_S + 0xffc
        CHECK eax, 0x11223344
        RUN LIN_S + 0xffc
        CHECK eax, 0x11223344
        CHECK ecx, 2
        ; Its second page remapped: E's bytes.
        MAP LIN_T, PAGE_E
        invlpg [LIN_T]
        mov ebx, [LIN_T]
        RUN LIN_S + 0xffc
        CHECK eax, 0x66553344
        ; And back, with D rewritten meanwhile.
        mov byte [PAGE_D + 1], 0x77
        MAP LIN_T, PAGE_D
        invlpg [LIN_T]
        mov ebx, [LIN_T]
        RUN LIN_S + 0xffc
        CHECK eax, 0x77223344
        ; Its first page rewritten through the identity map.
        mov byte [PAGE_C + 0xffe], 0x88
        RUN LIN_S + 0xffc
        CHECK eax, 0x77223388
        CHECK ecx, 5

        PUTS32 "smc pm ok", 10
        PASS

        PM_LIB
        GUEST_LIB
        ROM_END
