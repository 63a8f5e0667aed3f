; 4-level paging in long mode: 4 KiB, 2 MiB and 1 GiB pages (-cpu
; qemu64,+pdpe1gb), the upper half of the address space (PML4 entry 511),
; accessed and dirty bits at every level, #PF error codes with 64-bit CR2
; (not present, protection, user, write, reserved bits: PS in a PML4E,
; address bits above the physical width, large-page frame bits, XD without
; EFER.NXE), NX with EFER.NXE (instruction fetches only, the I bit), CR0.WP,
; INVLPG, and MOV CR3's #GP for reserved bits.
; pcvm-args: -no-reboot -cpu qemu64,+pdpe1gb
; kvm-needs: paging cpuid
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define PD1     (LM_FREE_RAM + 0x0000)  ; 1-2 GiB
%define PT1     (LM_FREE_RAM + 0x1000)  ; 1 GiB + 0-2 MiB, 4 KiB pages
%define PDPT511 (LM_FREE_RAM + 0x2000)  ; the top 512 GiB
%define PD511   (LM_FREE_RAM + 0x3000)

%define VBASE   0x40000000              ; 4 KiB test pages start here
%define PHYS    0x200000                ; ... mapping 2 MiB up
%define V2M     0x40200000              ; a 2 MiB page (PD1[1]) -> 4 MiB
%define V1G     0x80000000              ; a 1 GiB page (PDPT0[2]) -> 0
%define VTOP    0xffffffffc0000000      ; PML4[511], PDPT[511], PD[0]

; PTE n (the 4 KiB page VBASE + n * 4096)
%define PTE(n)  (PT1 + (n) * 8)

        TEST_START
        LM_ENTER
        ; Clear the tables, link them in.
        mov rdi, LM_FREE_RAM
        mov ecx, 4 * 512
        xor eax, eax
        rep stosq
        mov qword [PDPT0 + 1 * 8], PD1 | PTE_P | PTE_W | PTE_U
        mov qword [PD1], PT1 | PTE_P | PTE_W | PTE_U
        ; Pages 0-7: 0 user/writable, 1 supervisor, 2 read-only (user),
        ; 3 not present, 4 reserved bit 51, 5 NX (bit 63).
        mov qword [PTE(0)], (PHYS + 0x0000) | PTE_P | PTE_W | PTE_U
        mov qword [PTE(1)], (PHYS + 0x1000) | PTE_P | PTE_W
        mov qword [PTE(2)], (PHYS + 0x2000) | PTE_P | PTE_U
        mov rax, (PHYS + 0x4000) | PTE_P | PTE_W | PTE_U | (1 << 51)
        mov [PTE(4)], rax
        mov rax, (PHYS + 0x5000) | PTE_P | PTE_W | PTE_U | PTE_NX
        mov [PTE(5)], rax
        mov qword [PHYS + 0x0000], 0x1111
        mov qword [PHYS + 0x1000], 0x2222
        mov qword [PHYS + 0x2000], 0x3333
        mov rax, cr3
        mov cr3, rax

        ; --- 4 KiB pages: reads, A and D ---
        mov rax, [VBASE]
        CHECK rax, 0x1111
        mov rax, [PTE(0)]
        and eax, PTE_A | PTE_D
        CHECK rax, PTE_A                ; read: accessed, not dirty
        mov rax, [PD1]
        and eax, PTE_A
        CHECK rax, PTE_A                ; A on every level
        mov rax, [PDPT0 + 8]
        and eax, PTE_A
        CHECK rax, PTE_A
        mov qword [VBASE + 8], 5
        mov rax, [PTE(0)]
        and eax, PTE_A | PTE_D
        CHECK rax, PTE_A | PTE_D
        mov rax, [PHYS + 8]
        CHECK rax, 5

        ; --- #PF error codes and CR2 ---
        mov rbx, VBASE + 0x3008         ; not present
        TRY
        mov rax, [rbx]
        CATCH EXC_PF, 0
        mov rax, cr2
        CHECK rax, rbx
        TRY
        mov [rbx], al
        CATCH EXC_PF, PF_W
        ; Read-only page: a supervisor write faults with CR0.WP set...
        mov rax, cr0
        bts eax, 16
        mov cr0, rax
        TRY
        mov byte [VBASE + 0x2000], 1
        CATCH EXC_PF, PF_P | PF_W
        ; ... and goes through with WP clear.
        mov rax, cr0
        btr eax, 16
        mov cr0, rax
        mov byte [VBASE + 0x2000], 1
        bts eax, 16
        mov cr0, rax
        ; Reserved bits: bit 51 (above the 40-bit physical width).
        TRY
        mov rax, [VBASE + 0x4000]
        CATCH EXC_PF, PF_P | PF_RSVD
        ; Bit 63 without EFER.NXE is reserved too.
        TRY
        mov rax, [VBASE + 0x5000]
        CATCH EXC_PF, PF_P | PF_RSVD
        ; PS in a PML4 entry is reserved: map the 512 GiB at PML4[1] so.
        mov qword [PML4 + 8], PDPT0 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov rbx, 0x0000008000000000
        TRY
        mov rax, [rbx]
        CATCH EXC_PF, PF_P | PF_RSVD
        mov qword [PML4 + 8], 0
        invlpg [rbx]

        ; --- user accesses ---
        SET_GATE64 IDT_SLOT(0x31), SEL_CODE64, LIN(back), 0xee, 0
        TO_RING3 user
user:
        mov rax, [VBASE]
        CHECK rax, 0x1111
        TRY
        mov rax, [VBASE + 0x1000]       ; supervisor page
        CATCH EXC_PF, PF_P | PF_U
        TRY
        mov byte [VBASE + 0x2000], 1    ; read-only
        CATCH EXC_PF, PF_P | PF_W | PF_U
        TRY
        mov rax, [VBASE + 0x3000]       ; not present
        CATCH EXC_PF, PF_U
        int 0x31                        ; back to CPL 0
        LM_FAIL

back:
        mov ax, SEL_DATA
        mov ss, ax
        mov ds, ax
        mov es, ax
        mov rsp, STACK0_TOP

        ; --- a 2 MiB page (PD1[1] -> 4 MiB): D lands in the PDE ---
        mov qword [0x400000 + 0x1230], 0x4444
        mov qword [PD1 + 8], 0x400000 | PTE_P | PTE_W | PTE_U | PTE_PS
        mov rax, [V2M + 0x1230]
        CHECK rax, 0x4444
        mov qword [V2M + 0x1238], 6
        mov rax, [PD1 + 8]
        and eax, PTE_A | PTE_D
        CHECK rax, PTE_A | PTE_D
        ; Frame bits 13-20 of a 2 MiB page are reserved.
        mov qword [PD1 + 16], 0x600000 | PTE_P | PTE_W | PTE_PS | 0x2000
        TRY
        mov rax, [V2M + 0x200000]
        CATCH EXC_PF, PF_P | PF_RSVD

        ; --- a 1 GiB page (PDPT0[2] -> 0) ---
        mov qword [PDPT0 + 16], 0 | PTE_P | PTE_W | PTE_PS
        mov qword [0x500000], 0x5555
        mov rbx, V1G
        mov rax, [rbx + 0x500000]
        CHECK rax, 0x5555
        mov rax, 0x123456789
        mov [rbx + 0x500008], rax
        mov rcx, [0x500008]
        CHECK rcx, rax
        mov rax, [PDPT0 + 16]
        and eax, PTE_A | PTE_D
        CHECK rax, PTE_A | PTE_D
        ; Frame bits 13-29 of a 1 GiB page are reserved.
        mov qword [PDPT0 + 24], 0x40000000 | PTE_P | PTE_PS | 0x100000
        mov rbx, 0xc0000000
        TRY
        mov rax, [rbx]
        CATCH EXC_PF, PF_P | PF_RSVD

        ; --- the top of the address space: PML4[511] ---
        mov qword [PML4 + 511 * 8], PDPT511 | PTE_P | PTE_W
        mov qword [PDPT511 + 511 * 8], PD511 | PTE_P | PTE_W
        mov qword [PD511], 0x400000 | PTE_P | PTE_W | PTE_PS
        mov rbx, VTOP
        mov rax, [rbx + 0x1230]
        CHECK rax, 0x4444
        mov rbx, VTOP + 0x300000        ; PD511[1]: not present
        TRY
        mov rax, [rbx]
        CATCH EXC_PF, 0
        mov rax, cr2
        CHECK rax, rbx                  ; all 64 bits of CR2

        ; --- INVLPG: a changed PTE is seen after it ---
        mov rax, [VBASE]                ; cached: PHYS + 0
        mov qword [PTE(0)], (PHYS + 0x1000) | PTE_P | PTE_W | PTE_U
        invlpg [VBASE]
        mov rax, [VBASE]
        CHECK rax, 0x2222

        ; --- NX: with EFER.NXE, fetches fault with I, reads work ---
        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_NXE
        wrmsr
        mov rax, cr3
        mov cr3, rax
        mov byte [PHYS + 0x5000], 0xc3  ; RET
        mov rax, [VBASE + 0x5000]
        CHECK rax, 0xc3
        mov rbx, VBASE + 0x5000
        TRY
        call rbx
        CATCH EXC_PF, PF_P | PF_I
        mov rax, cr2
        CHECK rax, rbx
        ; The same page without NX runs (a RET back here).
        btr qword [PTE(5)], 63
        invlpg [rbx]
        call rbx
        ; A fetch from a missing page reports I too.
        mov rbx, VBASE + 0x3000
        TRY
        call rbx
        CATCH EXC_PF, PF_I
        ; NX in the PDE covers its 2 MiB page.
        bts qword [PD1 + 8], 63
        invlpg [V2M]
        mov byte [0x400000], 0xc3
        mov rbx, V2M
        TRY
        call rbx
        CATCH EXC_PF, PF_P | PF_I

        ; --- MOV CR3: bits above the physical width are reserved ---
        mov rax, cr3
        bts rax, 50
        TRY
        mov cr3, rax
        CATCH EXC_GP, 0

        PUTS64 "ok", 10
        PASS

        LM_LIB
        GUEST_LIB
        ROM_END
