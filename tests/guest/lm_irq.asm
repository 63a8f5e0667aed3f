; External interrupts in long mode and CR8: the local APIC timer raises
; vector 0x3a while the CPU runs 64-bit code; CR8 is the APIC's task
; priority (TPR bits 7:4), so CR8 = 4 holds the interrupt pending (IRR)
; and lowering it delivers it at once; a TPR write through the APIC page
; shows in CR8. Then the same interrupt taken at CPL 3 (RSP0, null SS, the
; user SS:RSP in the frame) and waking HLT.
; pcvm-args: -no-reboot
; kvm-needs: paging
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define PD_APIC (LM_FREE_RAM + 0x0000)  ; 3-4 GiB
%define APIC    0xfee00000
%define VEC     0x3a                    ; priority class 3

; APIC register access through RBX = APIC.
%define APIC_REG(off) [rbx + (off)]

        TEST_START
        LM_ENTER
        mov rdi, PD_APIC
        mov ecx, 512
        xor eax, eax
        rep stosq
        mov qword [PDPT0 + 3 * 8], PD_APIC | PTE_P | PTE_W
        ; 2 MiB page at FEE00000, cache disabled (PCD).
        mov eax, APIC | PTE_P | PTE_W | PTE_PS | 0x10
        mov [PD_APIC + 503 * 8], rax
        mov rbx, APIC
        mov dword APIC_REG(0xf0), 0x1ff         ; software enable
        SET_STUB_GATE VEC, 0x8e, 0

        ; --- CR8 and the TPR are one register ---
        mov eax, 6
        mov cr8, rax
        mov eax, APIC_REG(0x80)
        CHECK rax, 0x60
        mov dword APIC_REG(0x80), 0x3f
        mov rax, cr8
        CHECK rax, 3
        mov eax, 4
        mov cr8, rax

        ; --- the timer fires, but CR8 = 4 holds priority class 3 ---
        mov dword APIC_REG(0x3e0), 0xb          ; divide by 1
        mov dword APIC_REG(0x320), VEC          ; one-shot
        mov dword APIC_REG(0x380), 200          ; initial count (ns)
        mov dword [exc_count], 0
        sti
        ; The accelerator runs the CPU in slices of up to 10 ms of virtual
        ; time and runs timers between them: spin past one.
        mov ecx, 12000000
.spin:  loop .spin
        CHECK qword [exc_count], 0
        mov eax, APIC_REG(0x210)                ; IRR 0x20-0x3f
        bt eax, VEC - 0x20
        jc .pending
        LM_FAIL
.pending:
        ; Lowering CR8 delivers it after the next instruction.
        mov eax, 2
        TRY
        mov cr8, rax
        nop
        nop
        CATCH VEC, NOERR
        CHECK qword [exc_cs], SEL_CODE64
        mov dword APIC_REG(0xb0), 0             ; EOI
        cli
        xor eax, eax
        mov cr8, rax

        ; --- at CPL 3: RSP0, null SS, the user frame ---
        SET_GATE64 IDT_SLOT(0x31), SEL_CODE64, LIN(back0), 0xee, 0
        mov dword APIC_REG(0x380), 200
        pushfq
        or qword [rsp], 0x200                   ; IF on in user mode
        popfq
        TO_RING3 user
user:
        TRY
        mov ecx, 12000000
.wait:  loop .wait
        LM_FAIL                                 ; (no interrupt came)
        CATCH VEC, NOERR
        CHECK qword [exc_cs], SEL_CODE64_3
        CHECK qword [exc_ss], SEL_DATA3
        CHECK qword [exc_hrsp], STACK0_TOP - 40
        int 0x31
back0:
        mov ax, SEL_DATA
        mov ss, ax
        mov rsp, STACK0_TOP
        mov rbx, APIC
        mov dword APIC_REG(0xb0), 0             ; EOI

        ; --- HLT wakes on the interrupt ---
        mov dword APIC_REG(0x380), 500
        TRY
        sti
        hlt
        LM_FAIL
        CATCH VEC, NOERR
        mov dword APIC_REG(0xb0), 0
        cli

        PUTS64 "ok", 10
        PASS

        LM_LIB
        GUEST_LIB
        ROM_END
