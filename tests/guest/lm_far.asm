; Far transfers in long mode: JMP/CALL/RET far between 64-bit and
; compatibility-mode code (m16:64 with REX.W, m16:32, ptr16:32 in
; compatibility mode; the frames they push), 16-byte call gates (JMP at
; the same privilege; CALL inward from CPL 3 in 64-bit and compatibility
; mode: RSP0 from the TSS, a null SS, an eight-byte frame, RETFQ back), the
; checks (L and D both set, 16-bit gates, TSSs and task gates, a gate's
; upper half, its target, DPL, present), RETF to CPL 3 with a null SS,
; IRETQ to CPL 0 with a null SS, LTR and LLDT of 16-byte descriptors, LAR
; on long-mode system types, and SYSENTER (#UD on this AMD model).
; pcvm-args: -no-reboot
; kvm-needs: paging
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define SEL_GATE3       (SEL_FREE + 0x00)   ; 64-bit call gate, DPL 3 (16 B)
%define SEL_GATE0       (SEL_FREE + 0x10)   ; 64-bit call gate, DPL 0 (16 B)
%define SEL_LD          (SEL_FREE + 0x20)   ; code with L and D set
%define SEL_GATE16      (SEL_FREE + 0x28)   ; 16-bit call gate (type 4)
%define SEL_TSS2        (SEL_FREE + 0x30)   ; a second 64-bit TSS (16 B)
%define SEL_LDT         (SEL_FREE + 0x40)   ; an LDT (16 B)
%define TSS2_BASE       0x6000
%define LDT_BASE        0x6800

%define frame   test_scratch            ; far pointers and saved values

        TEST_START
        LM_ENTER
        SET_GATE64 GDT_SLOT(SEL_GATE3), SEL_CODE64, LIN(gate_entry), 0xec, 0
        SET_GATE64 GDT_SLOT(SEL_GATE0), SEL_CODE64, LIN(gate_jmp), 0x8c, 0
        SET_DESC SEL_LD, 0, 0xfffff, ACC_CODE, 0xe         ; G D L
        mov dword [GDT_SLOT(SEL_GATE16)], SEL_CODE64 << 16
        mov dword [GDT_SLOT(SEL_GATE16) + 4], 0x8400

        ; --- JMP far m16:64 to 64-bit code ---
        mov qword [frame], LIN(.t1)
        mov word [frame + 8], SEL_CODE64
        jmp far [frame]                 ; REX.W FF /5 (o64 via qword)
        LM_FAIL
.t1:
        ; --- CALL far m16:64: an eight-byte CS:RIP frame, RETFQ ---
        mov qword [frame], LIN(sub64)
        mov word [frame + 8], SEL_CODE64
        mov rbx, rsp
        call far [frame]
.ret1:
        CHECK rsp, rbx
        CHECK qword [frame + 16], LIN(.ret1)        ; what sub64 saw
        CHECK qword [frame + 24], SEL_CODE64

        ; --- JMP far m16:64 and RETFQ to compatibility mode: the offset
        ; is cut to 32 bits before the limit check ---
        mov rax, 0x1234567800000000 + cut32
        mov [frame], rax
        mov word [frame + 8], SEL_CODE32
        jmp far [frame]
        bits 32
cut32:
        jmp SEL_CODE64:LIN(back64)
        bits 64
back64:
        push SEL_CODE32
        mov rax, 0xdead000000000000 + cut32b
        push rax
        o64 retf
        bits 32
cut32b:
        jmp SEL_CODE64:LIN(back64b)
        bits 64
back64b:

        ; --- JMP far m16:32 to compatibility mode ---
        mov dword [frame], compat
        mov word [frame + 4], SEL_CODE32
        jmp far dword [frame]
        bits 32
compat:
        ; CALL far ptr16:32 into 64-bit code: a four-byte frame.
        mov ebx, esp
        call SEL_CODE64:LIN(sub32)
.back:
        cmp esp, ebx
        je .esp_ok
        FAIL 40
.esp_ok:
        cmp dword [frame + 16], .back
        je .eip_ok
        FAIL 41
.eip_ok:
        ; Beyond the CS limit: #GP(0).
        TRY32
        jmp SEL_CODE32:0x10000
        CATCH32 EXC_GP, 0
        jmp SEL_CODE64:LIN(in64)
        bits 64
in64:
        ; --- JMP through a call gate (same privilege) ---
        mov word [frame + 8], SEL_GATE0
        jmp far [frame]
        LM_FAIL
gate_jmp:
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64

        ; --- the checks ---
        mov word [frame + 8], SEL_LD
        TRY
        jmp far [frame]                 ; L and D: #GP(selector)
        CATCH EXC_GP, SEL_LD
        mov word [frame + 8], SEL_GATE16
        TRY
        jmp far [frame]                 ; 16-bit gates are gone
        CATCH EXC_GP, SEL_GATE16
        mov word [frame + 8], SEL_TSS
        TRY
        call far [frame]                ; no task switches
        CATCH EXC_GP, SEL_TSS
        ; A gate whose upper half has a type.
        mov byte [GDT_SLOT(SEL_GATE0) + 13], 0x0c
        mov word [frame + 8], SEL_GATE0
        TRY
        jmp far [frame]
        CATCH EXC_GP, SEL_GATE0
        mov byte [GDT_SLOT(SEL_GATE0) + 13], 0
        ; A gate to a 32-bit code segment: #GP(its selector).
        mov word [GDT_SLOT(SEL_GATE0) + 2], SEL_CODE32
        TRY
        jmp far [frame]
        CATCH EXC_GP, SEL_CODE32
        mov word [GDT_SLOT(SEL_GATE0) + 2], SEL_CODE64
        ; Not present: #NP(selector).
        and byte [GDT_SLOT(SEL_GATE0) + 5], 0x7f
        TRY
        jmp far [frame]
        CATCH EXC_NP, SEL_GATE0
        or byte [GDT_SLOT(SEL_GATE0) + 5], 0x80

        ; --- IRETQ to CPL 0 with a null SS (64-bit mode allows it) ---
        mov rax, rsp
        push 0
        push rax
        pushfq
        push SEL_CODE64
        push LIN(.nullss)
        iretq
.nullss:
        mov ax, ss
        movzx rax, ax
        CHECK rax, 0
        mov ax, SEL_DATA
        mov ss, ax
        ; MOV SS, null at CPL 0 in 64-bit mode is allowed too.
        xor eax, eax
        mov ss, ax
        mov ax, SEL_DATA
        mov ss, ax

        ; --- CALL through a gate from CPL 3 (64-bit) ---
        SET_GATE64 IDT_SLOT(0x31), SEL_CODE64, LIN(back0), 0xee, 0
        TO_RING3 user64
user64:
        mov word [frame + 8], SEL_GATE3
        mov rbx, rsp
        call far [frame]                ; the offset is the gate's
.ret3:
        CHECK rsp, rbx
        mov ax, cs
        movzx rax, ax
        CHECK rax, SEL_CODE64_3
        ; A DPL 0 gate from CPL 3: #GP(selector).
        mov word [frame + 8], SEL_GATE0
        TRY
        call far [frame]
        CATCH EXC_GP, SEL_GATE0
        ; The same gate from compatibility mode at CPL 3.
        mov dword [frame + 32], compat3
        mov word [frame + 36], SEL_C32_3B
        jmp far dword [frame + 32]
        bits 32
compat3:
        mov ebx, esp
        call SEL_GATE3:0
.ret3c:
        cmp esp, ebx
        je .c3_ok
        FAIL 42
.c3_ok:
        int 0x31
        bits 64

; The gate's target: CPL 0, RSP0 from the TSS, SS null (RPL 0), and the
; caller's SS, RSP, CS, RIP as quadwords.
gate_entry:
        mov ax, ss
        movzx rax, ax
        CHECK rax, 0
        mov rax, rsp
        CHECK rax, STACK0_TOP - 32
        CHECK qword [rsp + 16], rbx
        CHECK qword [rsp + 24], SEL_DATA3
        mov rax, [rsp + 8]
        cmp rax, SEL_CODE64_3
        je .from64
        CHECK rax, SEL_C32_3B
        CHECK qword [rsp], compat3.ret3c
        o64 retf                        ; back to compatibility mode
.from64:
        CHECK qword [rsp], LIN(user64.ret3)
        ; A RETFQ to CPL 3 with a null SS faults.
        mov rax, [rsp + 24]
        mov qword [rsp + 24], 0
        TRY
        o64 retf
        CATCH EXC_GP, 0
        mov [rsp + 24], rax
        o64 retf

back0:
        mov ax, SEL_DATA
        mov ss, ax
        mov ds, ax
        mov es, ax
        mov rsp, STACK0_TOP

        ; --- LTR and LLDT of 16-byte descriptors ---
        SET_DESC SEL_TSS2, TSS2_BASE, 0x67, 0x89, 0
        mov dword [GDT_SLOT(SEL_TSS2) + 8], 0
        mov dword [GDT_SLOT(SEL_TSS2) + 12], 0x0900      ; a type: #GP
        mov ax, SEL_TSS2
        TRY
        ltr ax
        CATCH EXC_GP, SEL_TSS2
        mov dword [GDT_SLOT(SEL_TSS2) + 12], 0
        mov dword [GDT_SLOT(SEL_TSS2) + 8], 0x8000       ; base not canonical
        TRY
        ltr ax
        CATCH EXC_GP, SEL_TSS2
        mov dword [GDT_SLOT(SEL_TSS2) + 8], 0
        mov ax, SEL_TSS                                  ; busy: #GP
        TRY
        ltr ax
        CATCH EXC_GP, SEL_TSS
        ; An LDT with a base above 4 GiB (through the 1 GiB identity map
        ; it is not reachable, but LLDT only loads it).
        SET_DESC SEL_LDT, LDT_BASE, 0xff, 0x82, 0
        mov dword [GDT_SLOT(SEL_LDT) + 8], 1
        mov dword [GDT_SLOT(SEL_LDT) + 12], 0
        mov ax, SEL_LDT
        lldt ax
        sldt ax
        movzx rax, ax
        CHECK rax, SEL_LDT
        xor eax, eax
        lldt ax

        ; --- LAR: the long-mode system types ---
        mov ax, SEL_GATE3
        lar ecx, ax
        jz .lar1
        LM_FAIL
.lar1:  mov ax, SEL_GATE16              ; not a long-mode type: ZF = 0
        lar ecx, ax
        jnz .lar2
        LM_FAIL
.lar2:
        ; --- SYSENTER: #UD in long mode on AMD ---
        TRY
        sysenter
        CATCH EXC_UD, NOERR

        ; --- An exception in compatibility mode: the frame holds ESP
        ; zero-extended (the top half of RSP is not kept there) ---
        mov rbx, rsp
        mov rax, 0x0000000100000000
        or rsp, rax
        mov dword [frame], compat_rsp
        mov word [frame + 4], SEL_CODE32
        jmp far dword [frame]
        bits 32
compat_rsp:
        TRY32
        jmp SEL_CODE32:0x10000
        CATCH32 EXC_GP, 0
        cmp dword [exc_rsp + 4], 0
        je .top_clear
        FAIL 43
.top_clear:
        jmp SEL_CODE64:LIN(rsp_back)
        bits 64
rsp_back:
        CHECK rsp, rbx

        PUTS64 "ok", 10
        PASS

; A far subroutine in 64-bit code: records its return frame, RETFQ.
sub64:
        mov rax, [rsp]
        mov [frame + 16], rax
        mov rax, [rsp + 8]
        mov [frame + 24], rax
        o64 retf

; Called from compatibility mode: a 32-bit frame (EIP, CS), 32-bit RETF.
sub32:
        mov eax, [rsp]
        mov [frame + 16], rax
        movzx eax, word [rsp + 4]
        CHECK rax, SEL_CODE32
        retf                            ; o32: pops EIP and CS

        LM_LIB
        GUEST_LIB
        ROM_END
