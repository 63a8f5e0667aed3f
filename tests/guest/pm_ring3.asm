; Privilege levels: ring 0 -> 3 by IRET, 3 -> 0 through 32- and 16-bit
; call gates with parameter copying and the TSS stack, RETF imm to the
; outer level (and its nulling of data segments), INT n gate DPL checks
; and the stack switch, I/O permission and IOPL-sensitive instructions at
; CPL 3, the #TS/#SS checks of an inner stack, #SS(0) and #AC at CPL 3,
; conforming code, and PVI.
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define SEL_GATE32      (SEL_FREE + 0x00)   ; DPL 3 call gate to ring 0
%define SEL_GATE16      (SEL_FREE + 0x08)   ; DPL 3 16-bit call gate
%define SEL_GATE_R1     (SEL_FREE + 0x10)   ; DPL 3 call gate to ring 1
%define SEL_CODE1       (SEL_FREE + 0x18)   ; code, DPL 1
%define SEL_DATA1       (SEL_FREE + 0x20)   ; data, DPL 1
%define SEL_CONF0       (SEL_FREE + 0x28)   ; conforming code, DPL 0
%define SEL_SMALL3      (SEL_FREE + 0x30)   ; DPL 3 data, limit FFFh
%define SEL_GATE0       (SEL_FREE + 0x38)   ; DPL 0 call gate
%define SEL_GATE_NP     (SEL_FREE + 0x40)   ; DPL 3 gate, not present
%define SEL_GATE_BACK   (SEL_FREE + 0x48)   ; DPL 3 gate, back to ring 0
%define SEL_GATE_VIP    (SEL_FREE + 0x50)   ; DPL 3 gate, to vip_ring0

%define PARAM1 0x11111111
%define PARAM2 0x22222222

        TEST_START
        PM_ENTER
        SET_GATE GDT_SLOT(SEL_GATE32), SEL_CODE32, gate32_target, 0xec, 2
        SET_GATE GDT_SLOT(SEL_GATE16), SEL_CODE32, gate16_target, 0xe4, 1
        SET_GATE GDT_SLOT(SEL_GATE_R1), SEL_CODE1, ring1_target, 0xec, 0
        SET_DESC SEL_CODE1, 0xf0000, 0xffff, 0xba, FL_32
        SET_DESC SEL_DATA1, 0, 0xffff, 0xb2, FL_32
        SET_DESC SEL_CONF0, 0xf0000, 0xffff, 0x9e, FL_32
        SET_DESC SEL_SMALL3, 0x8000, 0xfff, 0xf2, FL_32
        SET_GATE GDT_SLOT(SEL_GATE0), SEL_CODE32, gate32_target, 0x8c, 0
        SET_GATE GDT_SLOT(SEL_GATE_NP), SEL_CODE32, gate32_target, 0x6c, 0
        SET_GATE GDT_SLOT(SEL_GATE_BACK), SEL_CODE32, back_in_ring0, 0xec, 0
        SET_GATE GDT_SLOT(SEL_GATE_VIP), SEL_CODE32, vip_ring0, 0xec, 0
        SET_GATE IDT_SLOT(32), SEL_CODE32, pm_stub_32, 0x8e, 0  ; DPL 0
        SET_GATE IDT_SLOT(33), SEL_CODE32, pm_stub_33, 0xee, 0  ; DPL 3
        SET_GATE IDT_SLOT(35), SEL_CODE32, int35_handler, 0xe6, 0 ; 16-bit
        mov eax, cr0
        or eax, 1 << 18                 ; CR0.AM
        mov cr0, eax
        ; Ring 0 ignores AC even with EFLAGS.AC.
        pushfd
        or dword [esp], 1 << 18
        popfd
        mov eax, [test_scratch + 1]
        pushfd
        and dword [esp], ~(1 << 18)
        popfd

        TO_RING3 ring3
ring3:
        mov eax, cs
        CHECK eax, SEL_CODE3
        mov eax, ss
        CHECK eax, SEL_DATA3

        ; Privileged and IOPL-sensitive instructions.
        TRY
        mov eax, cr0
        CATCH EXC_GP, 0
        CHECK {dword [exc_cs]}, SEL_CODE3
        CHECK {dword [exc_ss]}, SEL_DATA3
        CHECK {dword [exc_esp]}, STACK3_TOP
        TRY
        hlt
        CATCH EXC_GP, 0
        TRY
        cli
        CATCH EXC_GP, 0
        TRY
        lgdt [test_scratch]
        CATCH EXC_GP, 0
        ; POPF at CPL 3 leaves IOPL and IF alone, silently.
        pushfd
        or dword [esp], 0x3200
        popfd
        pushfd
        pop eax
        and eax, 0x3200
        CHECK eax, 0
        ; I/O: the bitmap allows the debug ports only.
        mov al, 0
        out DEBUGCON, al
        TRY
        in al, 0x80
        CATCH EXC_GP, 0
        TRY
        out 0x80, al
        CATCH EXC_GP, 0
        ; A word port access needs both bits (E9h and EAh).
        TRY
        out DEBUGCON, ax
        CATCH EXC_GP, 0

        ; INT n: a DPL 0 gate is out of reach (#GP with the IDT bit);
        ; a DPL 3 one switches to the ring-0 stack from the TSS.
        TRY
        int 32
        CATCH EXC_GP, 32 * 8 + 2
        TRY
        int 33
        CATCH 33, NOERR
        CHECK {dword [exc_cs]}, SEL_CODE3
        CHECK {dword [exc_ss]}, SEL_DATA3
        CHECK {dword [exc_esp]}, STACK3_TOP

        ; A 16-bit interrupt gate from CPL 3: a 16-bit frame on the
        ; ring-0 stack, a 16-bit IRET back out.
        mov ebx, esp
        int 35
int35_ret:
        CHECK esp, ebx
        CHECK {dword [test_scratch]}, int35_ret
        CHECK {dword [test_scratch + 4]}, SEL_CODE3
        CHECK {dword [test_scratch + 8]}, ebx
        CHECK {dword [test_scratch + 12]}, SEL_DATA3
        CHECK {dword [test_scratch + 16]}, STACK0_TOP - 10
        ; RETF imm at the same level releases the parameters.
        push dword 1
        push dword 2
        call SEL_CODE3:retf_imm
        CHECK esp, ebx
        CHECK eax, 3

        ; A direct far call to ring 0 code is refused; so is a DPL 0
        ; gate and a gate that is not present.
        TRY
        call SEL_CODE32:gate32_target
        CATCH EXC_GP, SEL_CODE32
        TRY
        call SEL_GATE0:0
        CATCH EXC_GP, SEL_GATE0
        TRY
        call (SEL_GATE_NP | 3):0
        CATCH EXC_NP, SEL_GATE_NP

        ; A conforming segment runs at the caller's CPL.
        call SEL_CONF0:conforming_code
        CHECK eax, 3

        ; 32-bit call gate with two parameters.
        mov ebx, esp
        push dword PARAM2
        push dword PARAM1
        call (SEL_GATE32 | 3):0xdeadbeef     ; the offset is ignored
        ; Back at CPL 3: RETF 8 released the parameters on this stack;
        ; ES (a DPL 0 data segment when the callee returned) is null
        ; now, FS (conforming code) and DS (DPL 3) stay.
        CHECK esp, ebx
        mov eax, es
        CHECK eax, 0
        mov eax, fs
        CHECK eax, SEL_CONF0
        mov eax, ds
        CHECK eax, SEL_DATA3
        TRY
        mov eax, [es:0]
        CATCH EXC_GP, 0
        mov ax, SEL_DATA3
        mov es, ax
        mov fs, ax
        CHECK {dword [test_scratch]}, PARAM1
        CHECK {dword [test_scratch + 4]}, PARAM2
        CHECK {dword [test_scratch + 8]}, SEL_CODE3
        lea ecx, [ebx - 8]
        CHECK {dword [test_scratch + 12]}, ecx
        CHECK {dword [test_scratch + 16]}, SEL_DATA3
        CHECK {dword [test_scratch + 20]}, STACK0_TOP - 24

        ; 16-bit call gate: a 16-bit frame, one word of parameters.
        push word 0x4242
        call (SEL_GATE16 | 3):0
        CHECK esp, ebx
        CHECK {dword [test_scratch]}, 0x4242
        CHECK {dword [test_scratch + 4]}, SEL_CODE3
        lea ecx, [ebx - 2]
        CHECK {dword [test_scratch + 8]}, ecx
        CHECK {dword [test_scratch + 12]}, SEL_DATA3
        CHECK {dword [test_scratch + 16]}, STACK0_TOP - 10

        ; The inner stack's checks: ring 1 through a gate, with SS1 in
        ; the TSS bad in each way.
        mov dword [TSS_BASE + 12], 0x6000          ; ESP1
        mov dword [TSS_BASE + 16], 0               ; SS1 null
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_TS, 0
        mov dword [TSS_BASE + 16], SEL_DATA        ; RPL 0, DPL 0
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_TS, SEL_DATA
        mov dword [TSS_BASE + 16], SEL_DATA3 & ~2  ; RPL 1, DPL 3
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_TS, SEL_DATA3 & ~3
        mov dword [TSS_BASE + 16], SEL_CODE1 | 1   ; code, not data
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_TS, SEL_CODE1
        mov dword [TSS_BASE + 16], 0x801           ; past the GDT limit
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_TS, 0x800
        and byte [GDT_SLOT(SEL_DATA1) + 5], 0x7f   ; not present
        mov dword [TSS_BASE + 16], SEL_DATA1 | 1
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_SS, SEL_DATA1
        or byte [GDT_SLOT(SEL_DATA1) + 5], 0x80
        ; Too little room for the frame on the inner stack: #SS(SS1).
        mov dword [TSS_BASE + 12], 4
        TRY
        call (SEL_GATE_R1 | 3):0
        CATCH EXC_SS, SEL_DATA1
        ; A valid one: ring 1 runs and returns.
        mov dword [TSS_BASE + 12], 0x6000
        call (SEL_GATE_R1 | 3):0
        CHECK eax, 1
        CHECK {dword [test_scratch]}, 0x6000 - 16

        ; #SS(0) at CPL 3: the handler runs on the ring-0 stack. (No
        ; CATCH here: it would push on the broken stack.)
        mov ax, SEL_SMALL3 | 3
        mov ss, ax
        mov esp, 2
        mov dword [exc_vector], -1
        mov dword [exc_resume], ss_resume
        push eax
        PM_FAIL
ss_resume:
        mov ecx, esp
        mov ax, SEL_DATA3
        mov ss, ax
        mov esp, ebx
        CHECK ecx, 2
        CHECK {dword [exc_vector]}, EXC_SS
        CHECK {dword [exc_error]}, 0
        ; Loading SS: null, wrong DPL, not writable, not present.
        xor eax, eax
        TRY
        mov ss, ax
        CATCH EXC_GP, 0
        mov ax, SEL_DATA
        TRY
        mov ss, ax
        CATCH EXC_GP, SEL_DATA
        mov ax, SEL_CODE3
        TRY
        mov ss, ax
        CATCH EXC_GP, SEL_CODE3 & ~3
        and byte [GDT_SLOT(SEL_SMALL3) + 5], 0x7f
        mov ax, SEL_SMALL3 | 3
        TRY
        mov ss, ax
        CATCH EXC_SS, SEL_SMALL3
        or byte [GDT_SLOT(SEL_SMALL3) + 5], 0x80
        mov ax, SEL_DATA3
        mov ss, ax
        mov esp, ebx

        ; #AC: CR0.AM and EFLAGS.AC at CPL 3.
        mov eax, [test_scratch + 1]     ; AC clear: fine
        pushfd
        or dword [esp], 1 << 18
        popfd
        mov eax, [test_scratch + 4]
        mov ax, [test_scratch + 2]
        TRY
        mov eax, [test_scratch + 2]
        CATCH EXC_AC, 0
        TRY
        mov word [test_scratch + 1], ax
        CATCH EXC_AC, 0
        mov dword [exc_vector], -1
        mov dword [exc_resume], ac_resume
        push eax
        push word 1                     ; ESP now 2 mod 4
        push eax
        PM_FAIL
ac_resume:
        mov esp, ebx
        CHECK {dword [exc_vector]}, EXC_AC
        CHECK {dword [exc_error]}, 0
        pushfd
        and dword [esp], ~(1 << 18)
        popfd
        mov eax, [test_scratch + 1]

        ; Back to ring 0 through a gate, then PVI.
        call (SEL_GATE_BACK | 3):0
        PM_FAIL

retf_imm:
        mov eax, [esp + 8]
        add eax, [esp + 12]
        retf 8

; Ring 0 through the 16-bit interrupt gate: IP, CS, FLAGS, SP, SS.
int35_handler:
        movzx eax, word [esp]
        mov [test_scratch], eax
        movzx eax, word [esp + 2]
        mov [test_scratch + 4], eax
        movzx eax, word [esp + 6]
        mov [test_scratch + 8], eax
        movzx eax, word [esp + 8]
        mov [test_scratch + 12], eax
        mov [test_scratch + 16], esp
        o16 iret

conforming_code:
        mov eax, cs
        and eax, 3
        retf

; Ring 0, from the 32-bit gate: record the frame, load DS with a DPL 0
; segment and return to ring 3 releasing the parameters.
gate32_target:
        mov eax, [esp + 8]
        mov [test_scratch], eax
        mov eax, [esp + 12]
        mov [test_scratch + 4], eax
        mov eax, [esp + 4]
        mov [test_scratch + 8], eax
        mov eax, [esp + 16]
        mov [test_scratch + 12], eax
        mov eax, [esp + 20]
        mov [test_scratch + 16], eax
        mov [test_scratch + 20], esp
        mov ax, SEL_DATA
        mov es, ax
        mov ax, SEL_CONF0
        mov fs, ax
        retf 8

; Ring 0 through the 16-bit gate: IP, CS, param, SP, SS as words.
gate16_target:
        movzx eax, word [esp + 4]
        mov [test_scratch], eax
        movzx eax, word [esp + 2]
        mov [test_scratch + 4], eax
        movzx eax, word [esp + 6]
        mov [test_scratch + 8], eax
        movzx eax, word [esp + 8]
        mov [test_scratch + 12], eax
        mov [test_scratch + 16], esp
        o16 retf 2

ring1_target:
        mov eax, cs
        and eax, 3
        mov [test_scratch], esp
        retf

back_in_ring0:
        mov eax, cs
        CHECK eax, SEL_CODE32
        mov ax, SEL_DATA
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK0_TOP

        ; PVI: at CPL 3 with IOPL 0, CLI and STI work on VIF.
        mov eax, cr4
        or eax, 2
        mov cr4, eax
        push dword SEL_DATA3
        push dword STACK3_TOP
        push dword 0x202 | (1 << 19)    ; IF, VIF
        push dword SEL_CODE3
        push dword pvi_ring3
        iretd
pvi_ring3:
        cli
        pushfd
        pop eax
        and eax, (1 << 19) | 0x200
        CHECK eax, 0x200                ; VIF cleared, IF kept
        sti
        pushfd
        pop eax
        and eax, (1 << 19) | 0x200
        CHECK eax, (1 << 19) | 0x200
        ; With VIP set (only CPL 0 can set it), STI faults; CLI works.
        cli
        call (SEL_GATE_VIP | 3):0
pvi_vip:
        TRY
        sti
        CATCH EXC_GP, 0
        cli
        PASS

vip_ring0:
        mov ax, SEL_DATA3       ; a DPL 0 DS would be nulled by the IRET
        mov ds, ax
        push dword SEL_DATA3
        push dword STACK3_TOP
        push dword 0x202 | (1 << 20)    ; IF, VIP
        push dword SEL_CODE3
        push dword pvi_vip
        iretd

        PM_LIB
        GUEST_LIB
        ROM_END
