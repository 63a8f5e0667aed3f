; Canonical-address checks in 64-bit mode: #GP(0) for data accesses
; (whatever the register, R13 included; FS/GS base + offset; an access
; that runs over the end of the lower half), #SS(0) for stack references
; (RSP/RBP-based operands, PUSH/POP/CALL with a non-canonical RSP), #GP for
; branch targets (JMP, CALL, RET, IRETQ, far JMP through m16:64; nothing
; changes, RIP stays on the branch), for running off the end of the lower
; half (RIP then is the first non-canonical address, or the start of an
; instruction that straddles it), for LGDT and for IDT gates; #SS(0) for a
; non-canonical RSP0 on an inward interrupt, delivered through IST1.
; pcvm-args: -no-reboot
; kvm-needs: paging
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define PDPT_X  (LM_FREE_RAM + 0x0000)  ; PML4[255]: the top 512 GiB of
%define PD_X    (LM_FREE_RAM + 0x1000)  ; the lower half
%define CODE_X  0x600000                ; its last 2 MiB page
%define TOP     0x00007ffffffffffe      ; two bytes below the hole

%define NC      0x0000800000000000      ; the first non-canonical address
%define NC_HI   0xffff7ffffffffff8      ; near the last one

        TEST_START
        LM_ENTER
        mov rdi, LM_FREE_RAM
        mov ecx, 2 * 512
        xor eax, eax
        rep stosq

        ; --- data accesses ---
        mov rbx, NC
        TRY
        mov rax, [rbx]
        CATCH EXC_GP, 0
        mov r13, NC_HI
        TRY
        mov [r13 + 4], eax              ; R13 is not RBP: #GP
        CATCH EXC_GP, 0
        mov rbp, NC
        TRY
        mov rax, [rbp - 8 + 8]          ; RBP-based: #SS
        CATCH EXC_SS, 0
        mov rbx, NC - 8
        TRY
        mov rax, [rbx + 1]              ; runs over the end: #GP
        CATCH EXC_GP, 0
        TRY
        mov rax, [rbx]                  ; the last quadword is canonical
        CATCH EXC_PF, 0                 ; (and not mapped)
        TRY
        lock inc qword [rbx + 4]
        CATCH EXC_GP, 0
        mov rsi, NC_HI
        TRY
        lodsq
        CATCH EXC_GP, 0
        mov rdi, NC
        TRY
        stosb                           ; ES: #GP too
        CATCH EXC_GP, 0
        ; FS base + offset.
        mov ecx, MSR_FS_BASE
        mov eax, 0xfffff000
        mov edx, 0x00007fff
        wrmsr
        TRY
        mov rax, [fs:0x800]             ; canonical (not mapped)
        CATCH EXC_PF, 0
        mov rax, cr2
        mov rcx, 0x00007ffffffff800
        CHECK rax, rcx
        TRY
        mov rax, [fs:0x1000]
        CATCH EXC_GP, 0
        mov ecx, MSR_FS_BASE
        xor eax, eax
        xor edx, edx
        wrmsr

        ; --- the stack (#SS is delivered on IST1: RSP is bad) ---
        SET_STUB_GATE EXC_SS, 0x8e, 1
        mov rbx, rsp
        mov rsp, NC + 8
        TRY
        push rax                        ; writes NC: #SS
        CATCHSP rbx, EXC_SS, 0
        mov rax, NC + 8
        CHECK qword [exc_rsp], rax      ; nothing changed
        mov rsp, NC_HI
        TRY
        pop rax
        CATCHSP rbx, EXC_SS, 0
        mov rsp, NC_HI
        TRY
        mov rax, [rsp - 16]
        CATCHSP rbx, EXC_SS, 0
        mov rsp, NC + 8
        TRY
        call .next                      ; the return address: #SS
.next:
        CATCHSP rbx, EXC_SS, 0

        ; --- branches: #GP at the branch, RSP unchanged ---
        mov rax, NC
        TRY
.jmp:   jmp rax
        CATCH EXC_GP, 0
        CHECK qword [exc_rip], LIN(.jmp)
        mov rbx, rsp
        TRY
.call:  call rax
        CATCH EXC_GP, 0
        CHECK qword [exc_rip], LIN(.call)
        CHECK rsp, rbx
        push rax
        TRY
.ret:   ret
        CATCH EXC_GP, 0
        CHECK qword [exc_rip], LIN(.ret)
        CHECK qword [exc_rsp], rsp      ; not popped
        pop rax
        ; IRETQ to a non-canonical RIP.
        mov rbx, rsp
        push SEL_DATA
        push rbx
        pushfq
        push SEL_CODE64
        push rax
        TRY
        iretq
        CATCH EXC_GP, 0
        mov rsp, rbx
        ; JMP far through m16:64 (REX.W) to a non-canonical offset.
        mov [test_scratch], rax
        mov word [test_scratch + 8], SEL_CODE64
        TRY
        jmp far [test_scratch]          ; o64: m16:64
        CATCH EXC_GP, 0
        ; LGDT with a non-canonical base.
        mov word [test_scratch], 0x7ff
        mov [test_scratch + 2], rax
        TRY
        lgdt [test_scratch]
        CATCH EXC_GP, 0
        ; An interrupt gate with a non-canonical offset.
        mov dword [IDT_SLOT(0x30) + 8], 0x8000
        TRY
        int 0x30
        CATCH EXC_GP, 0
        mov dword [IDT_SLOT(0x30) + 8], 0

        ; --- running off the end of the lower half ---
        mov qword [PML4 + 255 * 8], PDPT_X | PTE_P | PTE_W | PTE_U
        mov qword [PDPT_X + 511 * 8], PD_X | PTE_P | PTE_W | PTE_U
        mov qword [PD_X + 511 * 8], CODE_X | PTE_P | PTE_W | PTE_U | PTE_PS
        ; Two NOPs in the last two bytes: the next fetch is at NC.
        mov word [CODE_X + 0x1ffffe], 0x9090
        mov rax, TOP
        TRY
        jmp rax
        CATCH EXC_GP, 0
        CHECK qword [exc_rip], NC
        ; A 3-byte instruction in the last two bytes: RIP on it.
        mov word [CODE_X + 0x1ffffe], 0x8948       ; mov rax, rax (48 89 c0)
        mov rax, TOP
        TRY
        jmp rax
        CATCH EXC_GP, 0
        CHECK qword [exc_rip], TOP

        ; --- a non-canonical RSP0: #SS(0) on INT from CPL 3 (IST1) ---
        mov rax, NC
        mov [TSS_BASE + 4], rax
        SET_STUB_GATE 0x30, 0xee, 0
        SET_GATE64 IDT_SLOT(0x31), SEL_CODE64, LIN(back), 0xee, 0
        TO_RING3 user
user:
        TRY
        int 0x30
        CATCH EXC_SS, 0
        CHECK qword [exc_cs], SEL_CODE64_3       ; delivered from CPL 3
        CHECK qword [exc_hrsp], IST1_TOP - 48
        mov rax, STACK0_TOP
        mov [TSS_BASE + 4], rax                  ; (CPL 3 can write it here)
        int 0x31
        LM_FAIL
back:
        mov ax, SEL_DATA
        mov ss, ax
        mov rsp, STACK0_TOP
        PUTS64 "ok", 10
        PASS

        LM_LIB
        GUEST_LIB
        ROM_END
