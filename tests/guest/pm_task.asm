; Hardware task switches: JMP to a TSS, CALL through a task gate and the
; IRET back (NT, back link, busy bits, CR0.TS), INT n and exceptions
; through task gates (with the error code on the new task's stack), a
; 16-bit TSS, the LDT reload, the T bit, and the checks: busy, limit,
; present, gate target type, and the #TS/#NP/#SS checks on the incoming
; LDT and segments, taken in the new task.
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define SEL_TSS_B       (SEL_FREE + 0x00)   ; 32-bit TSS at 6000h
%define SEL_GATE_B      (SEL_FREE + 0x08)   ; task gate to B
%define SEL_TSS_C       (SEL_FREE + 0x10)   ; 16-bit TSS at 6200h
%define SEL_TSS_SHORT   (SEL_FREE + 0x18)   ; limit 60h: too short
%define SEL_TSS_NP      (SEL_FREE + 0x20)   ; not present
%define SEL_GATE_BAD    (SEL_FREE + 0x28)   ; task gate naming a data segment
%define SEL_TSS_E       (SEL_FREE + 0x30)   ; CS in its TSS is a data seg
%define SEL_TSS_F       (SEL_FREE + 0x38)   ; the #TS handler task
%define SEL_LDT         (SEL_FREE + 0x40)   ; an LDT at LDT_BASE
%define SEL_LDT_DATA    (0x08 | 4)          ; its entry 1

%define TSS_B   0x6000
%define TSS_C   0x6200
%define TSS_E   0x6300
%define TSS_F   0x6400

%define SEL_CODE_NP     (SEL_FREE + 0x48)   ; code, not present
%define SEL_DATA_NP     (SEL_FREE + 0x50)   ; data, not present

; TS_CASE offset, value, vector, error: task E with TSS field @offset set
; to @value faults with @vector(@error) once it is the current task; task
; F, the handler for @vector, records the error code and comes back.
%macro TS_CASE 4
        mov ebx, TSS_E
        mov eax, task_b_iret
        mov ecx, STACK_SPARE
        call init_tss32
        mov dword [TSS_E + %1], %2
        and byte [GDT_SLOT(SEL_TSS_E) + 5], ~2      ; available again
        mov ebx, TSS_F
        mov eax, task_f
        mov ecx, STACK_SPARE - 0x400
        call init_tss32
        SET_GATE IDT_SLOT(%3), SEL_TSS_F, 0, 0x85, 0
        mov dword [r_error], -1
        jmp SEL_TSS_E:0
        CHECK {dword [r_error]}, %4
        CHECK {dword [r_link]}, SEL_TSS_E
        SET_GATE IDT_SLOT(%3), SEL_CODE32, pm_stub_10, 0x8e, 0
%endmacro

; Results the other tasks leave.
%define r_tr        (test_scratch + 0)
%define r_eflags    (test_scratch + 4)
%define r_eax       (test_scratch + 8)
%define r_cr0       (test_scratch + 12)
%define r_link      (test_scratch + 16)
%define r_busy_a    (test_scratch + 20)
%define r_busy_b    (test_scratch + 24)
%define r_error     (test_scratch + 28)
%define r_ldt_val   (test_scratch + 32)
%define r_dr6       (test_scratch + 36)
%define r_db_eip    (test_scratch + 40)
%define task_resume (test_scratch + 44)

        TEST_START
        PM_ENTER
        SET_DESC SEL_TSS_B, TSS_B, 0x67, 0x89, FL_16
        SET_GATE GDT_SLOT(SEL_GATE_B), SEL_TSS_B, 0, 0x85, 0
        SET_DESC SEL_TSS_C, TSS_C, 0x2b, 0x81, FL_16
        SET_DESC SEL_TSS_SHORT, TSS_E, 0x60, 0x89, FL_16
        SET_DESC SEL_TSS_NP, TSS_E, 0x67, 0x09, FL_16
        SET_GATE GDT_SLOT(SEL_GATE_BAD), SEL_DATA, 0, 0x85, 0
        SET_DESC SEL_TSS_E, TSS_E, 0x67, 0x89, FL_16
        SET_DESC SEL_TSS_F, TSS_F, 0x67, 0x89, FL_16
        SET_DESC SEL_LDT, LDT_BASE, 0x0f, 0x82, FL_16
        SET_LDT_DESC SEL_LDT_DATA, 0x100000, 0xfff, ACC_DATA, FL_32
        SET_DESC SEL_CODE_NP, 0xf0000, 0xffff, 0x1a, FL_32
        SET_DESC SEL_DATA_NP, 0, 0xfffff, 0x12, FL_32G
        mov dword [0x100010], 0x5a5a1234

        ; --- JMP to a TSS and back ---
        mov ebx, TSS_B
        mov eax, task_b_jmp_back
        mov ecx, STACK_SPARE
        call init_tss32
        mov dword [TSS_B + 0x28], 0x1234            ; EAX
        mov esi, 0xa5a5a5a5
        clts
        jmp SEL_TSS_B:0xdeadbeef                    ; the offset is ignored
        ; Task B jumps back here: A's registers come back from its TSS.
        CHECK esi, 0xa5a5a5a5
        str eax
        CHECK eax, SEL_TSS
        CHECK {dword [r_tr]}, SEL_TSS_B
        CHECK {dword [r_eax]}, 0x1234
        mov eax, [r_eflags]
        and eax, 0x4000                              ; NT
        CHECK eax, 0
        mov eax, [r_cr0]
        and eax, 8                                   ; TS
        CHECK eax, 8
        CHECK {dword [r_busy_a]}, 0x89              ; A available
        CHECK {dword [r_busy_b]}, 0x8b              ; B busy
        movzx eax, byte [GDT_SLOT(SEL_TSS) + 5]
        CHECK eax, 0x8b
        movzx eax, byte [GDT_SLOT(SEL_TSS_B) + 5]
        CHECK eax, 0x89
        ; B's state went back to its TSS: EIP after its JMP.
        CHECK {dword [TSS_B + 0x20]}, task_b_jmp_back.after
        ; B loaded its LDT (the TSS names it); A has none again.
        CHECK {dword [r_ldt_val]}, 0x5a5a1234
        sldt eax
        CHECK eax, 0

        ; --- CALL through a task gate; B returns with IRET ---
        mov ebx, TSS_B
        mov eax, task_b_iret
        mov ecx, STACK_SPARE
        call init_tss32
        call SEL_GATE_B:0
        CHECK {dword [r_tr]}, SEL_TSS_B
        mov eax, [r_eflags]
        and eax, 0x4000
        CHECK eax, 0x4000                            ; NT in the called task
        CHECK {dword [r_link]}, SEL_TSS
        CHECK {dword [r_busy_a]}, 0x8b              ; both busy inside
        CHECK {dword [r_busy_b]}, 0x8b
        movzx eax, byte [GDT_SLOT(SEL_TSS_B) + 5]
        CHECK eax, 0x89                              ; IRET freed B
        mov eax, [TSS_B + 0x24]
        and eax, 0x4000
        CHECK eax, 0                                 ; saved with NT clear
        pushfd
        pop eax
        and eax, 0x4000
        CHECK eax, 0

        ; --- INT n through a task gate ---
        mov ebx, TSS_B
        mov eax, task_b_iret
        mov ecx, STACK_SPARE
        call init_tss32
        SET_GATE IDT_SLOT(40), SEL_TSS_B, 0, 0x85, 0
        int 40
        CHECK {dword [r_tr]}, SEL_TSS_B
        CHECK {dword [r_link]}, SEL_TSS
        movzx eax, byte [GDT_SLOT(SEL_TSS_B) + 5]
        CHECK eax, 0x89

        ; --- #GP through a task gate: the error code is pushed on B's
        ; stack; B resumes A past the faulting instruction ---
        mov ebx, TSS_B
        mov eax, task_b_exc
        mov ecx, STACK_SPARE
        call init_tss32
        SET_GATE IDT_SLOT(13), SEL_TSS_B, 0, 0x85, 0
        mov dword [task_resume], gp_resumed
        mov ax, 0x0808
        mov es, ax
        PM_FAIL
gp_resumed:
        CHECK {dword [r_error]}, 0x0808
        CHECK {dword [r_tr]}, SEL_TSS_B
        SET_GATE IDT_SLOT(13), SEL_CODE32, pm_stub_13, 0x8e, 0

        ; --- a 16-bit TSS, called and returning with IRET ---
        mov edi, TSS_C
        mov ecx, 0x2c / 4
        xor eax, eax
        rep stosd
        mov word [TSS_C + 0x0e], task_c             ; IP
        mov word [TSS_C + 0x10], 2                  ; FLAGS
        mov word [TSS_C + 0x12], 0x7777             ; AX
        mov word [TSS_C + 0x1a], 0x9800             ; SP
        mov word [TSS_C + 0x22], SEL_DATA16         ; ES
        mov word [TSS_C + 0x24], SEL_CODE16         ; CS
        mov word [TSS_C + 0x26], SEL_DATA16         ; SS
        mov word [TSS_C + 0x28], SEL_DATA16         ; DS
        call SEL_TSS_C:0
        CHECK {dword [r_tr]}, SEL_TSS_C
        CHECK {dword [r_eax]}, 0xffff7777           ; no upper halves
        CHECK {dword [r_link]}, SEL_TSS
        movzx eax, byte [GDT_SLOT(SEL_TSS_C) + 5]
        CHECK eax, 0x81

        ; --- checks before the switch: the old task takes the fault ---
        TRY
        jmp SEL_TSS:0                               ; busy (it is us)
        CATCH EXC_GP, SEL_TSS
        TRY
        call SEL_TSS:0
        CATCH EXC_GP, SEL_TSS
        TRY
        jmp SEL_TSS_SHORT:0
        CATCH EXC_TS, SEL_TSS_SHORT
        TRY
        jmp SEL_TSS_NP:0
        CATCH EXC_NP, SEL_TSS_NP
        TRY
        call SEL_GATE_BAD:0
        CATCH EXC_GP, SEL_DATA
        TRY
        jmp (SEL_TSS_B | 3):0                       ; RPL 3 > DPL 0
        CATCH EXC_GP, SEL_TSS_B

        ; --- #TS after the commit: E's CS is a data segment. The fault
        ; belongs to E, at its first instruction; its handler is task F
        ; (through a task gate, as the SDM requires for #TS). ---
        mov ebx, TSS_E
        mov eax, task_b_iret
        mov ecx, STACK_SPARE
        call init_tss32
        mov dword [TSS_E + 0x4c], SEL_DATA          ; CS
        mov ebx, TSS_F
        mov eax, task_f
        mov ecx, STACK_SPARE - 0x400
        call init_tss32
        SET_GATE IDT_SLOT(10), SEL_TSS_F, 0, 0x85, 0
        jmp SEL_TSS_E:0
        ; F jumps back here.
        CHECK {dword [r_error]}, SEL_DATA
        CHECK {dword [r_link]}, SEL_TSS_E
        CHECK {dword [TSS_E + 0x20]}, task_b_iret   ; E's EIP, unchanged
        movzx eax, byte [GDT_SLOT(SEL_TSS_E) + 5]
        CHECK eax, 0x8b                              ; E stays busy

        ; More checks on E's incoming state, each taken in E by task F.
        TS_CASE 0x60, SEL_LDT | 4, EXC_TS, SEL_LDT | 4      ; LDT in LDT
        TS_CASE 0x60, SEL_DATA, EXC_TS, SEL_DATA            ; not an LDT
        TS_CASE 0x4c, SEL_CODE3 & ~3, EXC_TS, SEL_CODE3 & ~3 ; DPL != RPL
        TS_CASE 0x4c, SEL_CODE_NP, EXC_NP, SEL_CODE_NP
        TS_CASE 0x50, SEL_DATA3, EXC_TS, SEL_DATA3 & ~3     ; RPL != CPL
        TS_CASE 0x50, SEL_CODE32, EXC_TS, SEL_CODE32        ; not data
        TS_CASE 0x50, SEL_DATA_NP, EXC_SS, SEL_DATA_NP
        TS_CASE 0x54, SEL_TSS, EXC_TS, SEL_TSS              ; DS: system
        TS_CASE 0x54, SEL_DATA_NP, EXC_NP, SEL_DATA_NP
        SET_GATE IDT_SLOT(10), SEL_CODE32, pm_stub_10, 0x8e, 0
        SET_GATE IDT_SLOT(11), SEL_CODE32, pm_stub_11, 0x8e, 0
        SET_GATE IDT_SLOT(12), SEL_CODE32, pm_stub_12, 0x8e, 0

        ; --- the T bit: #DB on entry to the new task, BT in DR6 ---
        mov ebx, TSS_B
        mov eax, task_b_iret
        mov ecx, STACK_SPARE
        call init_tss32
        mov byte [TSS_B + 0x64], 1
        SET_GATE IDT_SLOT(1), SEL_CODE32, db_handler, 0x8e, 0
        xor eax, eax
        mov dr6, eax
        call SEL_TSS_B:0
        CHECK {dword [r_db_eip]}, task_b_iret
        mov eax, [r_dr6]
        and eax, 0x8000
        CHECK eax, 0x8000
        CHECK {dword [r_tr]}, SEL_TSS_B

        PASS

; init_tss32: EBX = TSS base, EAX = EIP, ECX = ESP. Flat ring-0 segments,
; EFLAGS 2, no I/O bitmap; the LDT is SEL_LDT.
init_tss32:
        push edi
        push eax
        mov edi, ebx
        push ecx
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        pop ecx
        pop eax
        mov [ebx + 0x20], eax
        mov dword [ebx + 0x24], 2
        mov [ebx + 0x38], ecx
        mov dword [ebx + 0x48], SEL_DATA
        mov dword [ebx + 0x4c], SEL_CODE32
        mov dword [ebx + 0x50], SEL_DATA
        mov dword [ebx + 0x54], SEL_DATA
        mov dword [ebx + 0x58], SEL_DATA
        mov dword [ebx + 0x5c], SEL_DATA
        mov dword [ebx + 0x60], SEL_LDT
        mov word [ebx + 0x66], 0x68
        pop edi
        ret

; Record what a task sees on entry.
record:
        str eax
        mov [r_tr], eax
        pushfd
        pop eax
        mov [r_eflags], eax
        mov eax, cr0
        mov [r_cr0], eax
        movzx eax, byte [GDT_SLOT(SEL_TSS) + 5]
        mov [r_busy_a], eax
        movzx eax, byte [GDT_SLOT(SEL_TSS_B) + 5]
        mov [r_busy_b], eax
        str eax
        and eax, ~7
        movzx eax, word [GDT_BASE + eax + 2]        ; the TSS's base
        movzx eax, word [eax]
        mov [r_link], eax
        ret

task_b_jmp_back:
        mov [r_eax], eax
        call record
        mov ax, SEL_LDT_DATA
        mov es, ax
        mov eax, [es:0x10]
        mov [r_ldt_val], eax
        jmp SEL_TSS:0
.after:
        PM_FAIL

task_b_iret:
        mov [r_eax], eax
        call record
        iretd
        PM_FAIL

task_b_exc:
        call record
        pop eax
        mov [r_error], eax
        mov eax, [task_resume]
        mov [TSS_BASE + 0x20], eax                  ; A's saved EIP
        iretd
        PM_FAIL

task_f:
        pop eax
        mov [r_error], eax
        movzx eax, word [TSS_F]
        mov [r_link], eax
        jmp SEL_TSS:0
        PM_FAIL

db_handler:
        push eax
        mov eax, dr6
        mov [r_dr6], eax
        mov eax, [esp + 4]
        mov [r_db_eip], eax
        pop eax
        iretd

        bits 16
task_c:
        mov [r_eax], eax
        str ax
        mov [r_tr], ax
        mov word [r_tr + 2], 0
        mov ax, [TSS_C]
        mov [r_link], ax
        mov word [r_link + 2], 0
        iret
        bits 32

        PM_LIB
        GUEST_LIB
        ROM_END
