; Exceptions in 32-bit protected mode: each one provoked, with its vector,
; error code, the CS:EIP it reports (fault or trap) and the EFLAGS image
; it pushes; IDT limit, gate type, present and gate-size checks; interrupt
; versus trap gates; the double fault. (#SS, #TS, #AC: pm_ring3;
; #PF: pm_paging.)
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

        TEST_START
        PM_ENTER

        ; #DE: a fault, reporting the DIV itself, RF set in the image.
        xor edx, edx
        mov eax, 1
        xor ecx, ecx
        TRY
de_insn: div ecx
        CATCH EXC_DE, NOERR
        CHECK {dword [exc_eip]}, de_insn
        CHECK {dword [exc_cs]}, SEL_CODE32
        mov eax, [exc_eflags]
        and eax, 0x10000
        CHECK eax, 0x10000

        ; #DB from ICEBP (F1): a trap, reported after the instruction.
        TRY
        db 0xf1
db_after:
        CATCH EXC_DB, NOERR
        CHECK {dword [exc_eip]}, db_after

        ; #DB from single-stepping: after the instruction that follows
        ; the POPFD which set TF; BS in DR6.
        xor eax, eax
        mov dr6, eax
        TRY
        pushfd
        or dword [esp], 0x100
        popfd
        inc eax
ss_after:
        inc eax
        CATCH EXC_DB, NOERR
        CHECK {dword [exc_eip]}, ss_after
        CHECK eax, 1
        mov eax, dr6
        and eax, 0x4000
        CHECK eax, 0x4000

        ; #BP: INT3 is a trap; software interrupts push RF = 0.
        TRY
        int3
bp_after:
        CATCH EXC_BP, NOERR
        CHECK {dword [exc_eip]}, bp_after
        mov eax, [exc_eflags]
        and eax, 0x10000
        CHECK eax, 0

        ; #OF: INTO with OF set; nothing without it.
        mov al, 0x7f
        add al, 0
        into
        TRY
        mov al, 0x7f
        add al, 1
        into
of_after:
        CATCH EXC_OF, NOERR
        CHECK {dword [exc_eip]}, of_after

        ; #BR: BOUND out of range, a fault.
        mov dword [test_scratch], 10
        mov dword [test_scratch + 4], 20
        mov eax, 20
        bound eax, [test_scratch]
        mov eax, 21
        TRY
br_insn: bound eax, [test_scratch]
        CATCH EXC_BR, NOERR
        CHECK {dword [exc_eip]}, br_insn

        ; #UD: UD2, LOCK on a register, MOV to CS.
        TRY
ud_insn: ud2
        CATCH EXC_UD, NOERR
        CHECK {dword [exc_eip]}, ud_insn
        TRY
        db 0xf0, 0x01, 0xd8      ; lock add eax, ebx
        CATCH EXC_UD, NOERR
        TRY
        db 0x8e, 0xc8           ; mov cs, ax
        CATCH EXC_UD, NOERR

        ; #NM: WAIT with CR0.MP and TS; x87 with TS; not after CLTS.
        mov eax, cr0
        or eax, 0xa             ; MP | TS
        mov cr0, eax
        TRY
        fwait
        CATCH EXC_NM, NOERR
        TRY
        fninit
        CATCH EXC_NM, NOERR
        clts
        fwait

        ; #GP: privileged, segment, limit and IDT faults.
        TRY
        mov word [cs:test_scratch], 1   ; code segments are not writable
        CATCH EXC_GP, 0
        mov ax, SEL_FREE + 0x800        ; beyond the GDT limit (7FFh)
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_FREE + 0x800
        mov ax, 0x1000 | 4 | 3          ; LDT selector, no LDT loaded
        lldt [cs:null_word]
        TRY
        mov es, ax
        CATCH EXC_GP, 0x1004

        ; An exception with an error code through a 16-bit gate pushes a
        ; 16-bit frame: error, IP, CS, FLAGS.
        SET_GATE IDT_SLOT(13), SEL_CODE32, gp16_handler, 0x86, 0
        mov ax, SEL_FREE + 0x800
        mov ebx, esp
gp16_insn:
        mov es, ax
        CHECK {dword [test_scratch]}, SEL_FREE + 0x800
        CHECK {dword [test_scratch + 4]}, gp16_insn
        CHECK {dword [test_scratch + 8]}, SEL_CODE32
        CHECK {dword [test_scratch + 12]}, 8    ; frame size
        SET_GATE IDT_SLOT(13), SEL_CODE32, pm_stub_13, 0x8e, 0

        ; INT n beyond the IDT limit: #GP(vector * 8 + 2), EXT clear.
        o32 sidt [test_scratch + 32]
        mov word [test_scratch + 32], 14 * 8 - 1
        lidt [test_scratch + 32]
        TRY
        int 0x30
        CATCH EXC_GP, 0x30 * 8 + 2
        mov word [test_scratch + 32], 256 * 8 - 1
        lidt [test_scratch + 32]

        ; A call gate in the IDT is not a valid gate type.
        SET_GATE IDT_SLOT(0x31), SEL_CODE32, pm_stub_49, 0x8c, 0
        TRY
        int 0x31
        CATCH EXC_GP, 0x31 * 8 + 2
        ; Not present: #NP with the IDT bit.
        SET_GATE IDT_SLOT(0x33), SEL_CODE32, pm_stub_51, 0x0e, 0
        TRY
        int 0x33
        CATCH EXC_NP, 0x33 * 8 + 2
        ; A gate to a data segment; to a null selector.
        SET_GATE IDT_SLOT(0x34), SEL_DATA, pm_stub_52, 0x8e, 0
        TRY
        int 0x34
        CATCH EXC_GP, SEL_DATA
        SET_GATE IDT_SLOT(0x34), 0, pm_stub_52, 0x8e, 0
        TRY
        int 0x34
        CATCH EXC_GP, 0
        ; A gate whose offset is past the code segment's limit.
        SET_GATE IDT_SLOT(0x34), SEL_CODE32, 0x10000, 0x8e, 0
        TRY
        int 0x34
        CATCH EXC_GP, 0

        ; Interrupt gates clear IF, trap gates keep it; both clear TF/NT.
        SET_GATE IDT_SLOT(0x35), SEL_CODE32, pm_stub_53, 0x8e, 0
        SET_GATE IDT_SLOT(0x36), SEL_CODE32, pm_stub_54, 0x8f, 0
        sti
        TRY
        int 0x35
        CATCH 0x35, NOERR
        mov eax, [exc_hflags]
        and eax, 0x4300
        CHECK eax, 0
        TRY
        int 0x36
        CATCH 0x36, NOERR
        mov eax, [exc_hflags]
        and eax, 0x4300
        CHECK eax, 0x200
        cli

        ; #DF: #GP while the #GP gate is not present (#NP, contributory on
        ; contributory). The double fault pushes error code 0 and reports
        ; the instruction that started it.
        and byte [IDT_SLOT(13) + 5], 0x7f
        mov ax, SEL_FREE + 0x800
        TRY
df_insn: mov es, ax
        CATCH EXC_DF, 0
        CHECK {dword [exc_eip]}, df_insn
        or byte [IDT_SLOT(13) + 5], 0x80
        ; A benign exception then a contributory one is no double fault:
        ; INT3 through a not-present gate gives #NP, EXT clear.
        and byte [IDT_SLOT(3) + 5], 0x7f
        TRY
        int3
        CATCH EXC_NP, 3 * 8 + 2
        or byte [IDT_SLOT(3) + 5], 0x80
        ; A fault (#UD) through a not-present gate: #NP, EXT set.
        and byte [IDT_SLOT(6) + 5], 0x7f
        TRY
        ud2
        CATCH EXC_NP, 6 * 8 + 3
        or byte [IDT_SLOT(6) + 5], 0x80

        PASS

null_word: dw 0

; #GP through a 16-bit interrupt gate: record the 16-bit frame, skip the
; 2-byte MOV ES, AX, return with a 16-bit IRET.
gp16_handler:
        push eax
        movzx eax, word [esp + 4]
        mov [test_scratch], eax         ; error code
        movzx eax, word [esp + 6]
        mov [test_scratch + 4], eax     ; IP
        movzx eax, word [esp + 8]
        mov [test_scratch + 8], eax     ; CS
        mov eax, ebx
        sub eax, esp
        sub eax, 4
        mov [test_scratch + 12], eax
        add word [esp + 6], 2
        pop eax
        add esp, 2
        o16 iret

        PM_LIB
        GUEST_LIB
        ROM_END
