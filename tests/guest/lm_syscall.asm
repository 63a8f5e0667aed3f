; SYSCALL and SYSRET (STAR, LSTAR, CSTAR, FMASK; #UD without EFER.SCE,
; #GP for SYSRET at CPL 3 and for a non-canonical RCX), round trips from
; 64-bit and compatibility-mode user code (AMD: CSTAR), SWAPGS and
; KERNEL_GS_BASE, the FS and GS base MSRs and their use in 64-bit mode
; (canonical checks on base + offset, a selector load replacing the base),
; and RDTSCP with TSC_AUX.
; pcvm-args: -no-reboot -cpu qemu64,+rdtscp
; kvm-needs: paging cpuid
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define sc_rcx  (test_scratch + 0)
%define sc_r11  (test_scratch + 8)
%define sc_fl   (test_scratch + 16)
%define sc_cs   (test_scratch + 24)
%define sc_ss   (test_scratch + 32)
%define sc_rsp  (test_scratch + 40)

%define FMASK_BITS 0x40700              ; AC, DF, IF, TF

; WRMSR_Q msr, value (64-bit constant).
%macro WRMSR_Q 2
        mov ecx, %1
        mov eax, (%2) & 0xffffffff
        mov edx, (%2) >> 32
        wrmsr
%endmacro

        TEST_START
        LM_ENTER

        ; EFER.SCE clear: #UD.
        TRY
        syscall
        CATCH EXC_UD, NOERR
        TRY
        o64 sysret
        CATCH EXC_UD, NOERR

        WRMSR_Q MSR_STAR, (0x20 << 48) | (0x10 << 32)
        WRMSR_Q MSR_LSTAR, LIN(entry64)
        WRMSR_Q MSR_CSTAR, LIN(entry32)
        WRMSR_Q MSR_FMASK, FMASK_BITS
        TRY
        WRMSR_Q MSR_LSTAR, 0x0000800000000000
        CATCH EXC_GP, 0
        mov ecx, MSR_LSTAR
        rdmsr
        shl rdx, 32
        or rax, rdx
        CHECK rax, LIN(entry64)
        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_SCE
        wrmsr

        ; SYSRET to a non-canonical RCX: #GP(0) at CPL 0.
        mov rcx, 0x0000800000000000
        TRY
        o64 sysret
        CATCH EXC_GP, 0
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64

        ; Into 64-bit user code with SYSRET: RFLAGS from R11.
        mov rcx, LIN(user64)
        mov r11, 0x402
        mov rsp, STACK3_TOP
        o64 sysret

user64:
        std
        mov eax, 0                      ; (XOR would change the flags)
        syscall                         ; RCX = after64, R11 = 0x402
after64:
        pushfq
        pop rax
        CHECK rax, 0x402                ; restored from R11
        CHECK qword [sc_rcx], LIN(after64)
        CHECK qword [sc_r11], 0x402
        CHECK qword [sc_fl], 0x2        ; FMASK cleared DF
        CHECK qword [sc_cs], SEL_CODE64
        CHECK qword [sc_ss], SEL_DATA
        cld
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64_3
        mov ax, ss
        movzx rax, ax
        CHECK rax, SEL_DATA3
        ; CPL 3: SYSRET and SWAPGS raise #GP(0).
        TRY
        o64 sysret
        CATCH EXC_GP, 0
        TRY
        swapgs
        CATCH EXC_GP, 0
        ; To compatibility-mode user code (a 32-bit SYSRET). The IRETQs
        ; back from the #GPs nulled DS (DPL 0): compatibility mode needs it.
        mov ax, SEL_DATA3
        mov ds, ax
        mov eax, 2
        syscall
        LM_FAIL

        bits 32
user32:
        ; Flat CS 0x23 from STAR[63:48]; code at its linear address.
        mov ax, cs
        cmp ax, SEL_CODE32_3
        je .cs_ok
        FAIL 30
.cs_ok:
        mov eax, 5
        db 0x48                         ; DEC EAX in compatibility mode
        cmp eax, 4
        je .compat
        FAIL 31
.compat:
        xor eax, eax
        syscall                         ; AMD: to CSTAR
after32:
        cmp dword [sc_rcx], LIN(after32)
        je .rcx_ok
        FAIL 32
.rcx_ok:
        cmp dword [sc_rcx + 4], 0
        je .rcx_hi_ok
        FAIL 33
.rcx_hi_ok:
        cmp dword [sc_cs], SEL_CODE64
        je .cs64
        FAIL 34
.cs64:
        mov eax, 1
        syscall                         ; to kernel_cont
        FAIL 35

        bits 64
; SYSCALL from 64-bit code. EAX: 0 record and return, 1 continue in the
; kernel, 2 return to compatibility mode at user32.
entry64:
        call record
        cmp eax, 1
        je kernel_cont
        cmp eax, 2
        je .to32
        mov rsp, [sc_rsp]
        o64 sysret
.to32:
        mov ecx, LIN(user32)            ; flat CS: the linear address
        mov r11d, 0x2
        mov rsp, STACK3_TOP
        sysret

; SYSCALL from compatibility mode (CSTAR).
entry32:
        call record
        cmp eax, 1
        je kernel_cont
        mov rsp, [sc_rsp]
        sysret

; Save RCX, R11, RFLAGS, CS, SS and the caller's RSP; switch to the
; kernel stack (SYSCALL does not).
record:
        pop rdx
        mov [sc_rcx], rcx
        mov [sc_r11], r11
        mov [sc_rsp], rsp
        mov rsp, STACK0_TOP
        push rdx
        pushfq
        pop qword [sc_fl]
        mov dx, cs
        movzx edx, dx
        mov [sc_cs], rdx
        mov dx, ss
        movzx edx, dx
        mov [sc_ss], rdx
        ret

kernel_cont:
        mov rsp, STACK0_TOP
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64

        ; --- SWAPGS ---
        mov qword [0x600], 0x1111
        mov qword [0x700], 0x2222
        WRMSR_Q MSR_GS_BASE, 0x600
        WRMSR_Q MSR_KGS_BASE, 0x700
        mov rax, [gs:0]
        CHECK rax, 0x1111
        swapgs
        mov rax, [gs:0]
        CHECK rax, 0x2222
        mov ecx, MSR_GS_BASE
        rdmsr
        CHECK rax, 0x700
        mov ecx, MSR_KGS_BASE
        rdmsr
        CHECK rax, 0x600
        swapgs

        ; --- FS base ---
        WRMSR_Q MSR_FS_BASE, 0x1000000
        mov rax, [fs:0x600 - 0x1000000] ; base + negative displacement
        CHECK rax, 0x1111
        TRY
        WRMSR_Q MSR_FS_BASE, 0xffff800000000000 - 0x1000
        CATCH EXC_GP, 0
        WRMSR_Q MSR_FS_BASE, 0x00007ffffffffff8
        TRY
        mov rax, [fs:8]                 ; base + offset not canonical
        CATCH EXC_GP, 0
        TRY
        mov rax, [fs:0]                 ; canonical but not mapped
        CATCH EXC_PF, 0
        mov rax, cr2
        mov rcx, 0x00007ffffffffff8
        CHECK rax, rcx
        ; Loading FS replaces the base with the descriptor's.
        mov ax, SEL_DATA
        mov fs, ax
        mov ecx, MSR_FS_BASE
        rdmsr
        CHECK rax, 0
        CHECK rdx, 0

        ; --- RDTSCP ---
        WRMSR_Q MSR_TSC_AUX, 0x42
        mov rcx, -1
        rdtscp
        CHECK rcx, 0x42
        TRY
        WRMSR_Q MSR_TSC_AUX, 0x100000000
        CATCH EXC_GP, 0

        PUTS64 "ok", 10
        PASS

        LM_LIB
        GUEST_LIB
        ROM_END
