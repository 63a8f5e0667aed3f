; Long mode entry and exit: real -> protected -> long mode (EFER.LMA, CS.L),
; the 64-bit register file (REX, R8-R15, SPL/BPL/SIL/DIL, 32-bit writes
; zero-extend, 8/16-bit writes merge), compatibility mode (0x48 is DEC
; there, a REX prefix in 64-bit mode), the MOV CR0 / EFER rules around
; long mode (#GP for PG without PAE, for clearing PAE or paging in 64-bit
; mode, for EFER.LME while paging), and the way back: 64-bit -> compat
; (RETFQ) -> paging off (LMA clear) -> LME off -> 32-bit protected mode.
; pcvm-args: -no-reboot
; kvm-needs: paging cpuid
; expect: long mode
; expect: back in protected mode
%include "guest.inc"
%include "lm.inc"

; PUTS_PM "text": print from 32-bit code with CS base F0000h.
%macro PUTS_PM 1+
        jmp %%over
%%str:  db %1, 0
%%over:
        mov esi, %%str
%%next: cs lodsb
        test al, al
        jz %%done
        out DEBUGCON, al
        jmp %%next
%%done:
%endmacro

        TEST_START
        LM_ENTER
        PUTS64 "long mode", 10

        ; EFER: LME and LMA.
        mov ecx, MSR_EFER
        rdmsr
        and eax, EFER_LME | EFER_LMA
        CHECK rax, EFER_LME | EFER_LMA
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64

        ; CPUID: LM, NX, SYSCALL, LAHF_LM.
        mov eax, 0x80000001
        cpuid
        mov eax, edx
        and eax, (1 << 29) | (1 << 20) | (1 << 11)
        CHECK rax, (1 << 29) | (1 << 20) | (1 << 11)
        and ecx, 1
        CHECK rcx, 1

        ; qemu64 has no RDTSCP (nor its MSR): #UD and #GP.
        TRY
        rdtscp
        CATCH EXC_UD, NOERR
        TRY
        mov ecx, 0xc0000103
        rdmsr
        CATCH EXC_GP, 0
        ; It is an AMD CPU: SYSCFG reads as zero (Linux reads it), writes
        ; are taken.
        mov ecx, 0xc0010010
        mov eax, -1
        mov edx, -1
        rdmsr
        shl rdx, 32
        or rax, rdx
        CHECK rax, 0
        wrmsr
        ; PREFETCH/PREFETCHW (0F 0D): NOPs in every form, without faults.
        mov rax, 0x8000000000000000
        db 0x0f, 0x0d, 0x08             ; prefetchw [rax]
        db 0x0f, 0x0d, 0x00             ; prefetch [rax]
        db 0x0f, 0x0d, 0xc8             ; register form

        ; Registers: imm64, R8-R15, zero-extension, merges.
        mov rax, 0x123456789abcdef0
        mov r15, rax
        CHECK r15, rax
        mov r8d, 0xffffffff
        mov r8, -1
        mov r8d, 0x11223344             ; 32-bit write: upper half zero
        CHECK r8, 0x11223344
        mov r9, -1
        mov r9w, 0x5566                 ; 16-bit write merges
        mov rax, 0xffffffffffff5566
        CHECK r9, rax
        mov r10, -1
        mov r10b, 0x77
        mov rax, 0xffffffffffffff77
        CHECK r10, rax
        ; SPL/BPL/SIL/DIL with REX, AH-BH without.
        mov rsi, 0x1111111111111111
        mov rdi, 0x2222222222222222
        mov rbx, 0x3333333333333333
        mov sil, 0xaa                   ; 40 b6 aa
        mov dil, 0xbb
        mov bh, 0xcc
        mov rax, 0x11111111111111aa
        CHECK rsi, rax
        mov rax, 0x22222222222222bb
        CHECK rdi, rax
        mov rax, 0x333333333333cc33
        CHECK rbx, rax
        mov rbp, rsp
        mov rcx, rsp
        mov bpl, 0x5a
        mov cl, 0x5a
        CHECK rbp, rcx
        ; A REX prefix followed by another prefix is ignored: 48 66 B8
        ; is MOV AX, imm16 (not REX.W).
        mov rax, -1
        db 0x48, 0x66, 0xb8, 0x34, 0x12
        mov rcx, 0xffffffffffff1234
        CHECK rax, rcx
        ; ... and REX.B before 66 is lost too: 41 66 B8 writes AX.
        mov r8, 0
        db 0x41, 0x66, 0xb8, 0x78, 0x56
        CHECK r8, 0
        mov rcx, 0xffffffffffff5678
        CHECK rax, rcx
        ; XCHG EAX, EAX (90) is a NOP: no zero-extension; 87 C0 does it.
        mov rax, -1
        nop
        CHECK rax, -1
        db 0x87, 0xc0
        mov rcx, 0xffffffff
        CHECK rax, rcx
        ; XCHG R8, RAX (41 90) is not a NOP.
        mov rax, 1
        mov r8, 2
        db 0x49, 0x90
        CHECK rax, 2
        CHECK r8, 1

        ; PUSH/POP are 64-bit; 66 makes them 16-bit.
        mov rax, 0x8877665544332211
        mov rbx, rsp
        push rax
        mov rcx, rbx
        sub rcx, 8
        CHECK rsp, rcx
        pop rdx
        CHECK rdx, rax
        CHECK rsp, rbx
        push ax
        mov rcx, rbx
        sub rcx, 2
        CHECK rsp, rcx
        pop dx
        CHECK rsp, rbx
        push -2                         ; imm8 sign-extended to 64 bits
        pop rax
        CHECK rax, -2
        push 0x7fffffff
        pop rax
        CHECK rax, 0x7fffffff

        ; MOV CR0 / CR4 / EFER rules in 64-bit mode.
        TRY
        mov rax, cr4
        and eax, ~(1 << 5)
        mov cr4, rax                    ; clearing PAE: #GP
        CATCH EXC_GP, 0
        TRY
        mov rax, cr0
        btr eax, 31
        mov cr0, rax                    ; paging off in 64-bit code: #GP
        CATCH EXC_GP, 0
        TRY
        mov ecx, MSR_EFER
        rdmsr
        and eax, ~EFER_LME
        wrmsr                           ; LME change with paging on: #GP
        CATCH EXC_GP, 0
        TRY
        mov rax, cr0
        bts rax, 32                     ; reserved upper half
        mov cr0, rax
        CATCH EXC_GP, 0
        TRY
        mov rax, cr8
        mov eax, 16
        mov cr8, rax                    ; TPR is 4 bits
        CATCH EXC_GP, 0
        mov eax, 9
        mov cr8, rax
        mov rax, cr8
        CHECK rax, 9
        xor eax, eax
        mov cr8, rax

        ; To compatibility mode with a far return.
        push SEL_CODE32
        push compat                     ; CS base F0000h: the offset
        o64 retf
        bits 32
compat:
        ; 0x48 is DEC EAX here.
        mov eax, 5
        db 0x48
        cmp eax, 4
        je .dec_ok
        FAIL 10
.dec_ok:
        mov ax, ss
        cmp ax, SEL_DATA
        je .ss_ok
        FAIL 11
.ss_ok:
        ; Paging off: leaves long mode (LMA clear).
        mov eax, cr0
        btr eax, 31
        mov cr0, eax
        mov ecx, MSR_EFER
        rdmsr
        test eax, EFER_LMA
        jz .lma_off
        FAIL 12
.lma_off:
        and eax, ~EFER_LME
        wrmsr
        rdmsr
        test eax, EFER_LME
        jz .lme_off
        FAIL 13
.lme_off:
        ; PG with LME but without PAE: #GP (the handlers are 64-bit, so
        ; they cannot run now: point #GP at a 32-bit IDT).
        mov dword [exc_vector], 0xffffffff
        lidt [cs:idt32_ptr]
        mov dword [0x7000], ((gp32 - $$) & 0xffff) | (SEL_CODE32 << 16)
        mov dword [0x7004], ((gp32 - $$) & 0xffff0000) | 0x8e00
        or eax, EFER_LME
        wrmsr
        mov eax, cr4
        and eax, ~(1 << 5)
        mov cr4, eax
        mov eax, cr0
        bts eax, 31
        mov cr0, eax
        FAIL 14
gp32:
        add esp, 16                     ; error code, EIP, CS, EFLAGS
        mov ecx, MSR_EFER
        rdmsr
        test eax, EFER_LMA
        jz .still_legacy
        FAIL 15
.still_legacy:
        and eax, ~EFER_LME
        wrmsr
        mov eax, cr0
        test eax, eax
        js .bad_pg
        PUTS_PM "back in protected mode", 10
        PASS
.bad_pg:
        FAIL 16

idt32_ptr:
        dw 8 * 14 - 1
        dd 0x7000 - 13 * 8

        LM_LIB
        GUEST_LIB
        ROM_END
