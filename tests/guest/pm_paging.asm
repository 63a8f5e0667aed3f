; Paging: 32-bit two-level tables (accessed and dirty bits, #PF error
; codes and CR2 for not-present, user/supervisor, read-only and CR0.WP,
; instruction fetches), INVLPG, global pages and CR4.PGE, 4 MiB PSE pages
; (PSE-36 reserved bits), CR3 loaded by a task switch, then PAE: 2 MiB pages, the PDPTE registers (read
; at MOV CR3, #GP for reserved bits), reserved-bit faults above the
; physical width and for bit 63 (XD) on a CPU without NX, and EFER.NXE
; refused on that CPU.
; pcvm-args: -no-reboot -cpu pentium2
; kvm-needs: paging
%include "guest.inc"
%include "pm.inc"

%define PD      0x100000
%define PT0     0x101000        ; identity 0-4 MiB
%define PT1     0x102000        ; 4-8 MiB: test pages
%define PDPT    0x103000        ; PAE
%define PD_P0   0x104000        ; PAE directory for 0-1 GiB
%define PT_P0   0x105000        ; PAE table for 0-2 MiB (identity)
%define PD_P1   0x106000        ; PAE directory for 1-2 GiB
%define PD_P1B  0x107000        ; its replacement

%define PD2     0x108000        ; for the task switch
%define PT2     0x109000
%define TSS_B   0x6000

%define SEL_FLAT_CODE   (SEL_FREE + 0x00)
%define SEL_GATE_BACK   (SEL_FREE + 0x08)
%define SEL_TSS_B       (SEL_FREE + 0x10)

%define CR0_WP_BIT (1 << 16)
%define PTE_P   1
%define PTE_W   2
%define PTE_U   4
%define PTE_A   0x20
%define PTE_D   0x40
%define PTE_PS  0x80
%define PTE_G   0x100

%define PF_P    1
%define PF_W    2
%define PF_U    4
%define PF_RSVD 8

; EXPECT_PF error, linear: the last exception was #PF(error) at CR2 = linear.
%macro PF_AT 1
        mov eax, cr2
        CHECK eax, %1
%endmacro

        TEST_START
        PM_ENTER
        SET_DESC SEL_FLAT_CODE, 0, 0xfffff, ACC_CODE, FL_32G
        SET_GATE GDT_SLOT(SEL_GATE_BACK), SEL_CODE32, back_in_ring0, 0xec, 0

        ; Tables: PT0 maps 0-4 MiB to itself, user and writable.
        mov edi, PD
        mov ecx, 3 * 1024
        xor eax, eax
        rep stosd
        mov edi, PT0
        mov eax, PTE_P | PTE_W | PTE_U
        mov ecx, 1024
.fill:  stosd
        add eax, 0x1000
        loop .fill
        mov dword [PD + 0 * 4], PT0 | PTE_P | PTE_W | PTE_U
        mov dword [PD + 1 * 4], PT1 | PTE_P | PTE_W | PTE_U
        ; 4 MiB: test pages. 400000 -> 200000 (user, writable);
        ; 401000 -> 201000 supervisor; 402000 -> 202000 user, read-only;
        ; 403000 not present.
        mov dword [PT1 + 0 * 4], 0x200000 | PTE_P | PTE_W | PTE_U
        mov dword [PT1 + 1 * 4], 0x201000 | PTE_P | PTE_W
        mov dword [PT1 + 2 * 4], 0x202000 | PTE_P | PTE_U
        mov dword [0x200000], 0x11111111
        mov dword [0x201000], 0x22222222
        mov dword [0x202000], 0x33333333

        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 1 << 31
        mov cr0, eax

        ; --- accessed and dirty ---
        CHECK {dword [0x400000]}, 0x11111111
        mov eax, [PT1]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A
        mov eax, [PD + 4]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A
        mov dword [0x400004], 0x44444444
        mov eax, [PT1]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A | PTE_D
        mov eax, [PD + 4]
        and eax, PTE_D                  ; not set in a directory entry
        CHECK eax, 0
        CHECK {dword [0x200004]}, 0x44444444
        ; A page first read, then written: D is set by the write.
        and dword [PT1], ~(PTE_A | PTE_D)
        invlpg [0x400000]
        mov eax, [0x400000]
        mov [0x400000], eax
        mov eax, [PT1]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A | PTE_D

        ; --- not present ---
        TRY
        mov eax, [0x403004]
        CATCH EXC_PF, 0
        PF_AT 0x403004
        TRY
        mov dword [0x403008], 1
        CATCH EXC_PF, PF_W
        PF_AT 0x403008
        TRY
        mov eax, [0x800000]             ; directory entry not present
        CATCH EXC_PF, 0
        PF_AT 0x800000
        ; A dword straddling into a missing page faults on that page.
        TRY
        mov eax, [0x402ffe]
        CATCH EXC_PF, 0
        PF_AT 0x403000

        ; --- CR0.WP ---
        mov dword [0x402000], 0x55555555        ; WP = 0: allowed
        CHECK {dword [0x202000]}, 0x55555555
        mov eax, cr0
        or eax, CR0_WP_BIT
        mov cr0, eax
        TRY
        mov dword [0x402000], 0
        CATCH EXC_PF, PF_P | PF_W
        PF_AT 0x402000
        mov eax, cr0
        and eax, ~CR0_WP_BIT
        mov cr0, eax

        ; --- instruction fetch from a missing page (no I/D bit without
        ; NX on this CPU) ---
        mov dword [exc_vector], -1
        mov dword [exc_resume], fetch_resumed + 0xf0000
        jmp SEL_FLAT_CODE:0x403000
fetch_resumed:
        jmp SEL_CODE32:.back
.back:
        CHECK {dword [exc_vector]}, EXC_PF
        CHECK {dword [exc_error]}, 0
        CHECK {dword [exc_eip]}, 0x403000
        PF_AT 0x403000

        ; --- user accesses ---
        TO_RING3 ring3
ring3:
        CHECK {dword [0x402000]}, 0x55555555    ; user read-only: read ok
        TRY
        mov eax, [0x401000]
        CATCH EXC_PF, PF_P | PF_U
        TRY
        mov dword [0x401000], 0
        CATCH EXC_PF, PF_P | PF_W | PF_U
        TRY
        mov dword [0x402000], 0
        CATCH EXC_PF, PF_P | PF_W | PF_U
        TRY
        mov eax, [0x403000]
        CATCH EXC_PF, PF_U
        call (SEL_GATE_BACK | 3):0

back_in_ring0:
        mov ax, SEL_DATA
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK0_TOP
        PF_AT 0x403000

        ; --- INVLPG ---
        CHECK {dword [0x400000]}, 0x11111111
        mov dword [PT1], 0x201000 | PTE_P | PTE_W | PTE_U
        invlpg [0x400000]
        CHECK {dword [0x400000]}, 0x22222222

        ; --- global pages: a CR3 load keeps them, toggling PGE or INVLPG
        ; drops them ---
        mov eax, cr4
        or eax, 1 << 7                  ; PGE
        mov cr4, eax
        mov dword [PT1 + 4 * 4], 0x200000 | PTE_P | PTE_W | PTE_G
        CHECK {dword [0x404000]}, 0x11111111
        mov dword [PT1 + 4 * 4], 0x202000 | PTE_P | PTE_W | PTE_G
        mov eax, cr4
        and eax, ~(1 << 7)
        mov cr4, eax
        CHECK {dword [0x404000]}, 0x55555555
        or eax, 1 << 7
        mov cr4, eax
        mov dword [PT1 + 4 * 4], 0x201000 | PTE_P | PTE_W | PTE_G
        invlpg [0x404000]
        CHECK {dword [0x404000]}, 0x22222222

        ; --- 4 MiB pages (CR4.PSE) ---
        mov eax, cr4
        or eax, 1 << 4
        mov cr4, eax
        mov dword [PD + 3 * 4], 0x400000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov dword [PT1 + 0x10 * 4], 0x401000 | PTE_P | PTE_W  ; a 4K alias
        mov dword [0xc01234], 0x66666666
        CHECK {dword [0x410234]}, 0x66666666
        mov eax, [PD + 3 * 4]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A | PTE_D
        ; PSE-36 on a 36-bit CPU: bits 13-16 are address bits 32-35; bits
        ; 17-21 are reserved.
        mov dword [PD + 4 * 4], 0x000000 | (1 << 17) | PTE_P | PTE_PS
        TRY
        mov eax, [0x1000000]
        CATCH EXC_PF, PF_P | PF_RSVD
        PF_AT 0x1000000
        mov dword [PD + 5 * 4], 0x000000 | (1 << 16) | PTE_P | PTE_PS
        mov eax, [0x1400000]            ; 8 GiB + 0: no RAM, no fault
        ; Without CR4.PSE the PS bit is ignored: the entry names a table.
        mov eax, cr4
        and eax, ~(1 << 4)
        mov cr4, eax
        mov dword [PD + 3 * 4], PT1 | PTE_P | PTE_W | PTE_U | PTE_PS
        CHECK {dword [0xc00000]}, 0x22222222    ; through PT1[0]

        ; --- a task switch loads CR3 from the new TSS ---
        mov esi, PD
        mov edi, PD2
        mov ecx, 1024
        rep movsd
        mov dword [PD2 + 1 * 4], PT2 | PTE_P | PTE_W | PTE_U
        mov edi, PT2
        mov ecx, 1024
        xor eax, eax
        rep stosd
        mov dword [PT2], 0x202000 | PTE_P | PTE_W
        mov edi, TSS_B
        mov ecx, 0x68 / 4
        rep stosd
        mov dword [TSS_B + 0x1c], PD2
        mov dword [TSS_B + 0x20], task_cr3
        mov dword [TSS_B + 0x24], 2
        mov dword [TSS_B + 0x38], STACK_SPARE
        mov dword [TSS_B + 0x48], SEL_DATA
        mov dword [TSS_B + 0x4c], SEL_CODE32
        mov dword [TSS_B + 0x50], SEL_DATA
        mov dword [TSS_B + 0x54], SEL_DATA
        mov dword [TSS_BASE + 0x1c], PD         ; ours, for the way back
        SET_DESC SEL_TSS_B, TSS_B, 0x67, 0x89, FL_16
        jmp SEL_TSS_B:0
        mov eax, cr3
        CHECK eax, PD
        CHECK {dword [test_scratch]}, 0x55555555
        CHECK {dword [test_scratch + 4]}, PD2
        CHECK {dword [0x400000]}, 0x22222222

        ; --- PAE ---
        mov eax, cr0
        and eax, ~(1 << 31)
        mov cr0, eax
        mov edi, PDPT
        mov ecx, 5 * 1024
        xor eax, eax
        rep stosd
        mov edi, PT_P0                  ; 0-2 MiB identity, 4 KiB pages
        mov eax, PTE_P | PTE_W | PTE_U
        mov ecx, 512
.fill2: mov [edi], eax
        mov dword [edi + 4], 0
        add edi, 8
        add eax, 0x1000
        loop .fill2
        mov dword [PD_P0 + 0 * 8], PT_P0 | PTE_P | PTE_W | PTE_U
        mov dword [PD_P0 + 1 * 8], 0x200000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov dword [PD_P0 + 2 * 8], 0x400000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov dword [PD_P0 + 3 * 8], 0x600000 | PTE_P | PTE_W | PTE_U | PTE_PS
        ; 1 GiB -> 600000h, a 2 MiB page.
        mov dword [PD_P1], 0x600000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov dword [PD_P1B], 0x400000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov dword [PDPT + 0 * 8], PD_P0 | PTE_P
        mov dword [PDPT + 1 * 8], PD_P1 | PTE_P
        ; Reserved-bit pages: bit 40 (beyond 36 physical bits) at 8 MiB;
        ; bit 63 (XD, unknown to this CPU) at 1FF000h.
        mov dword [PD_P0 + 4 * 8], 0x800000 | PTE_P | PTE_W | PTE_PS
        mov dword [PD_P0 + 4 * 8 + 4], 1 << 8
        mov dword [PT_P0 + 0x1ff * 8 + 4], 1 << 31

        mov eax, cr4
        or eax, 1 << 5                  ; PAE
        mov cr4, eax
        mov eax, PDPT
        mov cr3, eax
        mov eax, cr0
        or eax, 1 << 31
        mov cr0, eax

        mov dword [0x40000010], 0x77777777
        CHECK {dword [0x600010]}, 0x77777777
        mov eax, [PD_P1]
        and eax, PTE_A | PTE_D
        CHECK eax, PTE_A | PTE_D
        TRY
        mov eax, [0x800000]
        CATCH EXC_PF, PF_P | PF_RSVD
        PF_AT 0x800000
        TRY
        mov dword [0x1ff000], 0
        CATCH EXC_PF, PF_P | PF_W | PF_RSVD
        PF_AT 0x1ff000
        TRY
        mov eax, [0xc0000000]           ; PDPTE 3 not present
        CATCH EXC_PF, 0

        ; The PDPTEs are registers: a change in memory is seen at the next
        ; MOV CR3, not before (INVLPG does not reload them).
        mov dword [PDPT + 1 * 8], PD_P1B | PTE_P
        invlpg [0x40000010]
        CHECK {dword [0x40000010]}, 0x77777777
        mov eax, cr3
        mov cr3, eax
        mov dword [0x400010], 0x88888888
        CHECK {dword [0x40000010]}, 0x88888888
        ; A reserved bit in a present PDPTE: MOV CR3 raises #GP(0) and
        ; changes nothing.
        mov dword [PDPT + 2 * 8], PD_P0 | PTE_P | PTE_W
        mov eax, PDPT
        TRY
        mov cr3, eax
        CATCH EXC_GP, 0
        mov dword [PDPT + 2 * 8], 0
        mov cr3, eax

        ; No NX on this CPU: EFER.NXE cannot be set.
        mov ecx, 0xc0000080
        xor eax, eax
        mov edx, eax
        mov eax, 1 << 11
        TRY
        wrmsr
        CATCH EXC_GP, 0

        PASS

task_cr3:
        mov eax, [0x400000]
        mov [test_scratch], eax
        mov eax, cr3
        mov [test_scratch + 4], eax
        jmp SEL_TSS:0

        PM_LIB
        GUEST_LIB
        ROM_END
