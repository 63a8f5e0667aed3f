; Interrupts and exceptions in long mode: 16-byte IDT gates, the 64-bit
; frame (SS:RSP always pushed, RSP aligned down to 16 bytes), INT n from
; CPL 3 (RSP0 from the TSS, null SS), IST stacks (with and without a
; privilege change), error codes (#GP/#NP with selectors and IDT entries,
; #PF, #DF through IST2), gate checks (type, DPL, present, limit, 64-bit
; target), #UD for the opcodes 64-bit mode dropped, IRETQ to compatibility
; mode (CPL 0 and 3) and exceptions taken there, IRET with NT set.
; pcvm-args: -no-reboot
; kvm-needs: paging
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define SEL_NP          (SEL_FREE + 0x00)       ; data, not present
%define SEL_C32_ONLY    (SEL_FREE + 0x08)       ; 32-bit code, DPL 0

        TEST_START
        LM_ENTER
        SET_DESC SEL_NP, 0, 0xfffff, 0x12, FL_32G
        SET_DESC SEL_C32_ONLY, 0, 0xfffff, ACC_CODE, FL_32G
        SET_GATE64 IDT_SLOT(0x36), SEL_CODE64, LIN(done), 0xee, 0

        ; --- INT n at CPL 0: same stack, aligned, SS:RSP pushed ---
        mov rbx, rsp
        mov rsp, 0x8f13
        TRY
        int 0x30
        CATCH 0x30, NOERR
        CHECK qword [exc_rsp], 0x8f13
        CHECK qword [exc_hrsp], 0x8f10 - 40
        CHECK qword [exc_ss], SEL_DATA
        CHECK qword [exc_cs], SEL_CODE64
        mov rsp, rbx

        ; An error code: frame of six quadwords from the aligned top.
        mov rsp, 0x8f08
        TRY
        mov ax, 0x800                   ; beyond the GDT limit
        mov ds, ax
        CATCH EXC_GP, 0x800
        CHECK qword [exc_hrsp], 0x8f00 - 48
        TRY
        mov ax, SEL_NP
        mov es, ax
        CATCH EXC_NP, SEL_NP
        mov rsp, rbx

        ; --- IST1 at CPL 0 ---
        SET_STUB_GATE 0x32, 0xee, 1
        TRY
        int 0x32
        CATCH 0x32, NOERR
        CHECK qword [exc_hrsp], IST1_TOP - 40
        CHECK qword [exc_ss], SEL_DATA  ; no privilege change: SS stays

        ; --- gate checks ---
        ; Not present: #NP(vector * 8 + 2).
        SET_STUB_GATE 0x33, 0x0e, 0
        TRY
        int 0x33
        CATCH EXC_NP, 0x33 * 8 + 2
        ; A call gate in the IDT: #GP(vector * 8 + 2).
        SET_STUB_GATE 0x33, 0x8c, 0
        TRY
        int 0x33
        CATCH EXC_GP, 0x33 * 8 + 2
        ; A 32-bit handler segment: #GP(selector).
        SET_STUB_GATE 0x33, 0x8e, 0
        mov word [IDT_SLOT(0x33) + 2], SEL_C32_ONLY
        TRY
        int 0x33
        CATCH EXC_GP, SEL_C32_ONLY
        ; A non-zero type in the upper half: #GP(vector * 8 + 2).
        SET_STUB_GATE 0x33, 0x8e, 0
        mov byte [IDT_SLOT(0x33) + 13], 0x0e
        TRY
        int 0x33
        CATCH EXC_GP, 0x33 * 8 + 2
        mov byte [IDT_SLOT(0x33) + 13], 0
        ; Beyond the IDT limit.
        sub rsp, 16
        mov word [rsp], 0x34 * 16 - 1
        mov qword [rsp + 2], IDT_BASE
        lidt [rsp]
        TRY
        int 0x34
        CATCH EXC_GP, 0x34 * 8 + 2
        lidt [rel lm_idtr]
        add rsp, 16

        ; --- #UD for the opcodes 64-bit mode dropped ---
%macro UD64 1+
        TRY
        db %1
        CATCH EXC_UD, NOERR
%endmacro
        UD64 0x06                       ; PUSH ES
        UD64 0x1f                       ; POP DS
        UD64 0x27                       ; DAA
        UD64 0x37                       ; AAA
        UD64 0x60                       ; PUSHA
        UD64 0x61                       ; POPA
        UD64 0x62, 0x00                 ; BOUND
        UD64 0x82, 0xc0, 0x01           ; ADD AL, 1 (alias)
        UD64 0x9a, 0, 0, 0, 0, 0x10, 0  ; CALL far ptr
        UD64 0xc4, 0x00                 ; LES
        UD64 0xc5, 0x00                 ; LDS
        UD64 0xce                       ; INTO
        UD64 0xd4, 0x0a                 ; AAM
        UD64 0xd5, 0x0a                 ; AAD
        UD64 0xd6                       ; SALC
        UD64 0xea, 0, 0, 0, 0, 0x10, 0  ; JMP far ptr
%unmacro UD64 1+

        ; --- #PF: 64-bit CR2, error codes ---
        mov rbx, 0x40001008             ; 1 GiB up: not mapped
        TRY
        mov rax, [rbx]
        CATCH EXC_PF, 0
        mov rax, cr2
        CHECK rax, rbx
        TRY
        mov [rbx], eax
        CATCH EXC_PF, PF_W

        ; --- #DF on IST2: #GP whose gate is not present ---
        SET_STUB_GATE 8, 0x8e, 2
        and byte [IDT_SLOT(13) + 5], 0x7f
        TRY
        mov ax, 0x800
        mov ds, ax
        CATCH EXC_DF, 0
        or byte [IDT_SLOT(13) + 5], 0x80
        CHECK qword [exc_hrsp], IST2_TOP - 48
        CHECK qword [exc_cs], SEL_CODE64

        ; --- IRET with NT set: #GP(0) ---
        pushfq
        or qword [rsp], 0x4000
        popfq
        TRY
        iretq
        CATCH EXC_GP, 0
        pushfq
        and qword [rsp], ~0x4000
        popfq

        ; --- INT n from CPL 3: RSP0, null SS; then IST from CPL 3 ---
        SET_STUB_GATE 0x30, 0xee, 0
        SET_GATE64 IDT_SLOT(0x31), SEL_CODE64, LIN(back_to_0), 0xee, 0
        TO_RING3 ring3
ring3:
        mov rsp, STACK3_TOP - 5
        TRY
        int 0x30
        CATCH 0x30, NOERR
        CHECK qword [exc_hrsp], STACK0_TOP - 40
        CHECK qword [exc_ss], SEL_DATA3
        CHECK qword [exc_rsp], STACK3_TOP - 5
        CHECK qword [exc_cs], SEL_CODE64_3
        TRY
        int 0x32                        ; IST1 wins over RSP0
        CATCH 0x32, NOERR
        CHECK qword [exc_hrsp], IST1_TOP - 40
        ; A DPL 0 gate from CPL 3: #GP(vector * 8 + 2).
        TRY
        int 0x35
        CATCH EXC_GP, 0x35 * 8 + 2
        ; #PF from user mode sets U.
        TRY
        mov rax, [0x40000000]
        CATCH EXC_PF, PF_U
        int 0x31                        ; back to CPL 0
        LM_FAIL

back_to_0:
        ; At CPL 0 on RSP0 with a null SS (RPL 0); the frame has the
        ; CPL 3 SS:RSP.
        mov ax, ss
        movzx rax, ax
        CHECK rax, 0
        CHECK qword [rsp + 8], SEL_CODE64_3
        CHECK qword [rsp + 32], SEL_DATA3
        mov rax, rsp
        CHECK rax, STACK0_TOP - 40
        mov ax, SEL_DATA
        mov ss, ax
        mov ds, ax
        mov es, ax
        mov rsp, STACK0_TOP

        ; --- IRETQ to compatibility mode (CPL 0) ---
        mov rax, rsp
        push SEL_DATA
        push rax
        pushfq
        push SEL_CODE32
        push compat0
        iretq
        bits 32
compat0:
        mov ax, cs
        cmp ax, SEL_CODE32
        je .cs_ok
        FAIL 20
.cs_ok:
        ; An interrupt from compatibility mode: 64-bit frame, back here.
        TRY32
        int 0x30
        CATCH32 0x30, NOERR
        cmp dword [exc_cs], SEL_CODE32
        je .frame_ok
        FAIL 21
.frame_ok:
        ; A segment fault in compatibility mode: limits apply again.
        TRY32
        mov eax, [cs:0x10000]
        CATCH32 EXC_GP, 0
        ; And a null segment faults on use.
        xor eax, eax
        mov fs, ax
        TRY32
        mov eax, [fs:0]
        CATCH32 EXC_GP, 0
        ; INTO works in compatibility mode.
        mov al, 0x7f
        add al, 1
        TRY32
        into
        CATCH32 EXC_OF, NOERR
        ; Back to 64-bit mode.
        jmp SEL_CODE64:LIN(in64)
        bits 64
in64:
        ; --- IRETQ to compatibility mode at CPL 3, INT back to 64-bit ---
        mov ax, SEL_DATA3               ; (DPL 0 data would be nulled)
        mov ds, ax
        mov es, ax
        push SEL_DATA3
        push STACK3_TOP
        pushfq
        push SEL_C32_3B
        push compat3
        iretq
        bits 32
compat3:
        mov ax, cs
        cmp ax, SEL_C32_3B
        je .cs3_ok
        FAIL 22
.cs3_ok:
        TRY32
        int 0x30
        CATCH32 0x30, NOERR
        cmp dword [exc_hrsp], STACK0_TOP - 40
        je .rsp0_ok
        FAIL 23
.rsp0_ok:
        int 0x36                        ; to "done", 64-bit CPL 0
        FAIL 24
        bits 64
done:
        mov ax, ss
        cmp ax, 0
        je .null_ss
        LM_FAIL
.null_ss:
        mov ax, SEL_DATA
        mov ss, ax
        mov rsp, STACK0_TOP
        PUTS64 "ok", 10
        PASS

        LM_LIB
        GUEST_LIB
        ROM_END
