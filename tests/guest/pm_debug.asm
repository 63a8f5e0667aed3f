; Debug registers: instruction breakpoints (faults, EFLAGS.RF to resume),
; data breakpoints by R/W type and length (traps), I/O breakpoints with
; CR4.DE, DR6 status bits, DR7.GD, DR4/DR5 aliases, and single-stepping
; (including MOV SS holding the trap back one instruction).
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define var         0x7f00                  ; also a stack top below
%define db_count    (test_scratch + 0)
%define db_eip0     (test_scratch + 4)
%define db_eip1     (test_scratch + 8)
%define db_dr6      (test_scratch + 12)

%define LIN(x) ((x) + 0xf0000)

        TEST_START
        PM_ENTER

        ; --- instruction breakpoint: a fault before the instruction ---
        mov eax, LIN(bp_insn)
        mov dr0, eax
        mov eax, 1                      ; L0, execute, 1 byte
        mov dr7, eax
        xor eax, eax
        mov dr6, eax
        xor ecx, ecx
        TRY
bp_insn: inc ecx
        CATCH EXC_DB, NOERR
        CHECK {dword [exc_eip]}, bp_insn
        CHECK ecx, 0                    ; not executed
        mov eax, dr6
        and eax, 0xf
        CHECK eax, 1
        ; A handler that returns with RF set runs the instruction once.
        SET_GATE IDT_SLOT(1), SEL_CODE32, rf_handler, 0x8e, 0
        mov dword [db_count], 0
        mov eax, LIN(bp_insn2)
        mov dr0, eax
bp_insn2:
        inc ecx
        CHECK ecx, 1
        CHECK {dword [db_count]}, 1
        ; Disabled in DR7: nothing.
        xor eax, eax
        mov dr7, eax
        mov eax, LIN(bp_insn3)
        mov dr0, eax
bp_insn3:
        inc ecx
        CHECK {dword [db_count]}, 1
        SET_GATE IDT_SLOT(1), SEL_CODE32, pm_stub_1, 0x8e, 0

        ; --- data breakpoints: traps after the access ---
        mov eax, var
        mov dr1, eax
        mov eax, (1 << 2) | ((1 | (3 << 2)) << 20)      ; L1, write, 4 bytes
        mov dr7, eax
        xor eax, eax
        mov dr6, eax
        mov eax, [var]                  ; a read: no break
        TRY
        mov dword [var], 0x1234
wr_after:
        CATCH EXC_DB, NOERR
        CHECK {dword [exc_eip]}, wr_after
        CHECK {dword [var]}, 0x1234     ; the write happened
        mov eax, dr6
        and eax, 0xf
        CHECK eax, 2
        TRY
        mov byte [var + 3], 0           ; inside the 4-byte range
        CATCH EXC_DB, NOERR
        mov byte [var + 4], 0           ; outside
        mov word [var - 2], 0           ; outside
        TRY
        mov dword [var - 2], 0          ; overlaps
        CATCH EXC_DB, NOERR
        ; R/W = 11: reads too; length 2.
        mov eax, (1 << 2) | ((3 | (1 << 2)) << 20)      ; L1, read/write, 2
        mov dr7, eax
        TRY
        mov eax, [var]
        CATCH EXC_DB, NOERR
        mov eax, [var + 2]              ; outside the 2 bytes
        ; A push onto the watched location counts too.
        mov ebx, esp
        mov esp, var + 4
        mov dword [exc_vector], -1
        mov dword [exc_resume], push_resumed
        push eax
        PM_FAIL
push_resumed:
        mov esp, ebx
        CHECK {dword [exc_vector]}, EXC_DB

        ; --- a data breakpoint and a single step in one instruction ---
        xor eax, eax
        mov dr6, eax
        TRY
        pushfd
        or dword [esp], 0x100
        popfd
        mov word [var], 1
        CATCH EXC_DB, NOERR
        mov eax, dr6
        and eax, 0x400f
        CHECK eax, 0x4002

        ; --- I/O breakpoints need CR4.DE ---
        mov eax, DEBUGCON
        mov dr2, eax
        mov eax, (1 << 4) | (2 << 24)   ; L2, I/O, 1 byte
        mov dr7, eax
        mov al, 0
        out DEBUGCON, al                ; DE clear: R/W 10 matches nothing
        mov eax, cr4
        or eax, 8
        mov cr4, eax
        xor eax, eax
        mov dr6, eax
        TRY
        out DEBUGCON, al
        CATCH EXC_DB, NOERR
        mov eax, dr6
        and eax, 0xf
        CHECK eax, 4
        ; With DE set, DR4 and DR5 are #UD; without, aliases of DR6/DR7.
        TRY
        mov eax, dr4
        CATCH EXC_UD, NOERR
        mov eax, cr4
        and eax, ~8
        mov cr4, eax
        mov eax, dr5
        mov ebx, dr7
        CHECK eax, ebx
        xor eax, eax
        mov dr7, eax

        ; --- general detect: the next DR access faults, BD set, GD
        ; cleared ---
        mov eax, 1 << 13
        mov dr7, eax
        TRY
gd_insn: mov eax, dr0
        CATCH EXC_DB, NOERR
        CHECK {dword [exc_eip]}, gd_insn
        mov eax, dr6
        and eax, 1 << 13
        CHECK eax, 1 << 13
        mov eax, dr7
        and eax, 1 << 13
        CHECK eax, 0

        ; --- single-step: one trap per instruction; MOV SS holds it back
        SET_GATE IDT_SLOT(1), SEL_CODE32, step_handler, 0x8e, 0
        mov dword [db_count], 0
        mov ax, ss
        pushfd
        or dword [esp], 0x100
        popfd
        nop                             ; trap 1 after this
step_mov_ss:
        mov ss, ax                      ; no trap here...
        nop                             ; ...trap 2 after this
step_end:
        CHECK {dword [db_count]}, 2
        CHECK {dword [db_eip0]}, step_mov_ss
        CHECK {dword [db_eip1]}, step_end
        PASS

; #DB: count, resume with RF so the breakpoint does not hit again.
rf_handler:
        inc dword [db_count]
        or dword [esp + 8], 1 << 16
        iretd

; #DB from single-stepping: count and record; stop after two.
step_handler:
        push eax
        mov eax, [db_count]
        mov eax, [esp + 4]
        cmp dword [db_count], 0
        jne .second
        mov [db_eip0], eax
        jmp .next
.second:
        mov [db_eip1], eax
        and dword [esp + 12], ~0x100
.next:
        inc dword [db_count]
        pop eax
        iretd

        PM_LIB
        GUEST_LIB
        ROM_END
