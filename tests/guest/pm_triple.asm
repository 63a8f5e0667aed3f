; A page fault while delivering a page fault is a double fault (here
; through a task gate, since the ring-0 stack is the missing page); a
; fault while delivering the double fault shuts the CPU down: a triple
; fault, which -no-reboot turns into exit status 0.
; pcvm-args: -no-reboot
; expect-exit: 0
; expect: df cr2=00008ffc err=00000000 link=0038
; expect: triple
; kvm-needs: paging
%include "guest.inc"
%include "pm.inc"

%define PD      0x100000
%define PT0     0x101000
%define TSS_DF  0x6000
%define SEL_TSS_DF (SEL_FREE + 0x00)

        TEST_START
        PM_ENTER
        ; Identity paging for 0-4 MiB, but the page under the ring-0 stack
        ; (8000h-8FFFh) is missing.
        mov edi, PD
        mov ecx, 2 * 1024
        xor eax, eax
        rep stosd
        mov edi, PT0
        mov eax, 7
        mov ecx, 1024
.fill:  stosd
        add eax, 0x1000
        loop .fill
        mov dword [PT0 + 8 * 4], 0
        mov dword [PD], PT0 | 7

        ; The double-fault task.
        mov edi, TSS_DF
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS_DF + 0x1c], PD                   ; CR3
        mov dword [TSS_DF + 0x20], df_task              ; EIP
        mov dword [TSS_DF + 0x24], 2                    ; EFLAGS
        mov dword [TSS_DF + 0x38], STACK_SPARE          ; ESP
        mov dword [TSS_DF + 0x48], SEL_DATA
        mov dword [TSS_DF + 0x4c], SEL_CODE32
        mov dword [TSS_DF + 0x50], SEL_DATA
        mov dword [TSS_DF + 0x54], SEL_DATA
        SET_DESC SEL_TSS_DF, TSS_DF, 0x67, 0x89, FL_16
        SET_GATE IDT_SLOT(8), SEL_TSS_DF, 0, 0x85, 0
        SET_GATE IDT_SLOT(3), SEL_CODE32, pm_stub_3, 0xee, 0

        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 1 << 31
        mov cr0, eax
        TO_RING3 ring3
ring3:
        int3                    ; #PF pushing the frame, #PF again: #DF
        PM_FAIL

df_task:
        PUTS32 "df cr2="
        mov eax, cr2
        call pm_hex32
        PUTS32 " err="
        pop eax
        call pm_hex32
        PUTS32 " link="
        movzx eax, word [TSS_DF]
        shl eax, 16
        mov ecx, 4
.hex4:  rol eax, 4
        push eax
        and al, 0x0f
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '0' - 10
.out:   out DEBUGCON, al
        pop eax
        loop .hex4
        PUTS32 10, "triple", 10
        ; No usable IDT: #UD gives #GP, which gives #DF, which shuts down.
        mov word [test_scratch], 0
        lidt [test_scratch]
        ud2
        PM_FAIL

        PM_LIB
        GUEST_LIB
        ROM_END
