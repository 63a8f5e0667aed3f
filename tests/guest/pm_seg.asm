; Segment register loads and the descriptor instructions: null selectors,
; type/DPL/RPL/CPL rules, present bits, accessed bits, expand-down data,
; execute-only and conforming code, the LDT; far JMP/RET checks; LLDT,
; LTR, SLDT, STR, LAR, LSL, VERR, VERW (at CPL 0 and 3); ARPL.
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define SEL_D_FRESH     (SEL_FREE + 0x00)   ; data, accessed bit clear
%define SEL_D_NP        (SEL_FREE + 0x08)   ; data, not present
%define SEL_C_XO        (SEL_FREE + 0x10)   ; execute-only code
%define SEL_C_RD        (SEL_FREE + 0x18)   ; readable code, DPL 0
%define SEL_C_CONF      (SEL_FREE + 0x20)   ; readable conforming, DPL 0
%define SEL_D_EXPDN     (SEL_FREE + 0x28)   ; expand-down, B=1, limit FFFh
%define SEL_D_EXPDN16   (SEL_FREE + 0x30)   ; expand-down, B=0, limit FFFh
%define SEL_D_DPL2      (SEL_FREE + 0x38)   ; data, DPL 2
%define SEL_LDT         (SEL_FREE + 0x40)   ; LDT at LDT_BASE, 2 entries
%define SEL_LDT_NP      (SEL_FREE + 0x48)   ; LDT, not present
%define SEL_TSS2        (SEL_FREE + 0x50)   ; an available TSS
%define SEL_TSS2_NP     (SEL_FREE + 0x58)   ; a TSS, not present
%define SEL_CGATE       (SEL_FREE + 0x60)   ; DPL 3 call gate (same level)
%define SEL_IGATE       (SEL_FREE + 0x68)   ; an interrupt gate in the GDT
%define SEL_C_NP        (SEL_FREE + 0x70)   ; code, not present
%define SEL_D_RO        (SEL_FREE + 0x78)   ; read-only data
%define SEL_GATE_BACK   (SEL_FREE + 0x80)   ; DPL 3 gate to ring 0
%define SEL_D_16        (SEL_FREE + 0x88)   ; 16-bit stack segment
%define LDT_DATA        (0x08 | 4)          ; LDT entry 1

; ZF_IS 0/1: check ZF (uses EDX).
%macro ZF_IS 1
        setz dl
        movzx edx, dl
        CHECK edx, %1
%endmacro

        TEST_START
        PM_ENTER
        SET_DESC SEL_D_FRESH, 0, 0xfffff, 0x92, FL_32G
        SET_DESC SEL_D_NP, 0, 0xfffff, 0x12, FL_32G
        SET_DESC SEL_C_XO, 0xf0000, 0xffff, 0x98, FL_32
        SET_DESC SEL_C_RD, 0xf0000, 0xffff, 0x9a, FL_32
        SET_DESC SEL_C_CONF, 0xf0000, 0xffff, 0x9e, FL_32
        SET_DESC SEL_D_EXPDN, 0x10000, 0xfff, 0x96, FL_32
        SET_DESC SEL_D_EXPDN16, 0x10000, 0xfff, 0x96, FL_16
        SET_DESC SEL_D_DPL2, 0, 0xfffff, 0xd2, FL_32G
        SET_DESC SEL_LDT, LDT_BASE, 0x0f, 0x82, FL_16
        SET_DESC SEL_LDT_NP, LDT_BASE, 0x0f, 0x02, FL_16
        SET_DESC SEL_TSS2, 0x6000, 0x67, 0x89, FL_16
        SET_DESC SEL_TSS2_NP, 0x6000, 0x67, 0x09, FL_16
        SET_GATE GDT_SLOT(SEL_CGATE), SEL_CODE3, cgate_target, 0xec, 0
        SET_GATE GDT_SLOT(SEL_IGATE), SEL_CODE32, 0, 0x8e, 0
        SET_DESC SEL_C_NP, 0xf0000, 0xffff, 0x1a, FL_32
        SET_DESC SEL_D_RO, 0, 0xfffff, 0x90, FL_32G
        SET_GATE GDT_SLOT(SEL_GATE_BACK), SEL_CODE32, back_in_ring0, 0xec, 0
        SET_DESC SEL_D_16, 0, 0xffff, 0x92, FL_16
        SET_LDT_DESC LDT_DATA, 0x100000, 0xfff, 0x92, FL_32
        mov dword [0x100008], 0xabcd0123

        ; --- data segment loads ---
        mov ax, SEL_D_FRESH
        mov ds, ax
        movzx eax, byte [GDT_SLOT(SEL_D_FRESH) + 5]
        CHECK eax, 0x93                         ; accessed now
        mov ax, 3                               ; null with RPL 3: fine
        mov es, ax
        mov eax, es
        CHECK eax, 3
        TRY
        mov eax, [es:0]
        CATCH EXC_GP, 0
        mov ax, SEL_TSS
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_TSS
        mov ax, SEL_C_XO
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_C_XO
        mov ax, SEL_D_NP
        TRY
        mov es, ax
        CATCH EXC_NP, SEL_D_NP
        mov ax, SEL_DATA | 3                    ; RPL 3 > DPL 0
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_DATA
        ; Readable code: reads work, writes do not.
        mov ax, SEL_C_RD
        mov es, ax
        CHECK {byte [es:code_byte]}, 0xc3
        TRY
        mov byte [es:code_byte], 0
        CATCH EXC_GP, 0
        ; Read-only data.
        mov ax, SEL_D_RO
        mov fs, ax
        mov eax, [fs:0x500]
        TRY
        mov [fs:0x500], eax
        CATCH EXC_GP, 0
        ; LES loads the selector after the checks, the offset with it.
        mov dword [test_scratch], 0x1234
        mov word [test_scratch + 4], SEL_D_NP
        xor ebx, ebx
        TRY
        les ebx, [test_scratch]
        CATCH EXC_NP, SEL_D_NP
        CHECK ebx, 0

        ; --- expand-down: offsets above the limit are valid ---
        mov ax, SEL_D_EXPDN
        mov es, ax
        mov dword [es:0x1000], 0x5151
        CHECK {dword [0x11000]}, 0x5151
        mov dword [es:0xfff00000], 0
        TRY
        mov eax, [es:0xfff]
        CATCH EXC_GP, 0
        TRY
        mov eax, [es:0xffe]                     ; straddles the limit
        CATCH EXC_GP, 0
        mov ax, SEL_D_EXPDN16                   ; B = 0: up to FFFFh
        mov es, ax
        mov eax, [es:0xfffc]
        TRY
        mov eax, [es:0xfffe]
        CATCH EXC_GP, 0
        TRY
        mov eax, [es:0x10000]
        CATCH EXC_GP, 0
        ; As a stack segment, the same rules give #SS(0).
        mov ax, SEL_D_EXPDN
        mov ebx, esp
        mov ss, ax
        mov esp, 0x1008
        push eax
        push eax
        mov ecx, esp
        mov ax, SEL_DATA
        mov ss, ax
        mov esp, ebx
        CHECK ecx, 0x1000
        ; A 16-bit stack segment moves SP only.
        mov ax, SEL_D_16
        mov ss, ax
        mov esp, 0x12340008
        push eax
        mov ecx, esp
        mov ax, SEL_DATA
        mov ss, ax
        mov esp, ebx
        CHECK ecx, 0x12340004

        ; --- the LDT ---
        mov ax, LDT_DATA
        TRY
        mov es, ax                              ; no LDT yet (null LDTR)
        CATCH EXC_GP, LDT_DATA
        mov ax, SEL_LDT
        lldt ax
        sldt eax
        CHECK eax, SEL_LDT
        mov ax, LDT_DATA
        mov es, ax
        CHECK {dword [es:8]}, 0xabcd0123
        mov ax, 0x10 | 4                        ; entry 2: past its limit
        TRY
        mov es, ax
        CATCH EXC_GP, 0x14
        mov ax, SEL_LDT_NP
        TRY
        lldt ax
        CATCH EXC_NP, SEL_LDT_NP
        mov ax, SEL_DATA
        TRY
        lldt ax
        CATCH EXC_GP, SEL_DATA
        mov ax, SEL_LDT | 4
        TRY
        lldt ax
        CATCH EXC_GP, SEL_LDT | 4
        xor eax, eax
        lldt ax
        sldt eax
        CHECK eax, 0

        ; --- LTR ---
        mov ax, SEL_TSS
        TRY
        ltr ax                                  ; busy
        CATCH EXC_GP, SEL_TSS
        mov ax, SEL_DATA
        TRY
        ltr ax
        CATCH EXC_GP, SEL_DATA
        xor eax, eax
        TRY
        ltr ax
        CATCH EXC_GP, 0
        mov ax, SEL_TSS2_NP
        TRY
        ltr ax
        CATCH EXC_NP, SEL_TSS2_NP
        mov ax, SEL_TSS2
        ltr ax
        movzx eax, byte [GDT_SLOT(SEL_TSS2) + 5]
        CHECK eax, 0x8b
        str eax
        CHECK eax, SEL_TSS2
        mov ax, SEL_TSS                         ; back to the main TSS
        and byte [GDT_SLOT(SEL_TSS) + 5], ~2
        ltr ax

        ; --- LAR / LSL / VERR / VERW at CPL 0 ---
        mov ebx, 0x77777777
        mov ax, SEL_C_RD
        lar ebx, eax
        ZF_IS 1
        CHECK ebx, 0x00409b00                   ; accessed by the load
        mov ax, SEL_D_FRESH
        o16 lar bx, ax
        ZF_IS 1
        CHECK ebx, 0x00409300
        mov ebx, 0x77777777
        xor eax, eax
        lar ebx, eax                            ; null: ZF = 0, unchanged
        ZF_IS 0
        CHECK ebx, 0x77777777
        mov ax, SEL_IGATE
        lar ebx, eax                            ; interrupt gate: invalid
        ZF_IS 0
        mov ax, SEL_CGATE
        lar ebx, eax                            ; call gate: valid
        ZF_IS 1
        CHECK ebx, 0x0000ec00
        mov ax, 0x7f8 + 8                       ; past the GDT
        lar ebx, eax
        ZF_IS 0
        mov ax, SEL_DATA
        lsl ebx, eax
        ZF_IS 1
        CHECK ebx, 0xffffffff                   ; granularity applied
        mov ax, SEL_TSS
        lsl ebx, eax
        ZF_IS 1
        CHECK ebx, TSS_LIMIT
        mov ax, SEL_CGATE
        lsl ebx, eax                            ; gates have no limit
        ZF_IS 0
        mov ax, SEL_D_RO
        verr ax
        ZF_IS 1
        verw ax
        ZF_IS 0
        mov ax, SEL_C_XO
        verr ax
        ZF_IS 0
        mov ax, SEL_C_RD
        verr ax
        ZF_IS 1
        verw ax
        ZF_IS 0
        mov ax, SEL_DATA
        verw ax
        ZF_IS 1
        mov ax, SEL_TSS
        verr ax
        ZF_IS 0

        ; --- far JMP checks ---
        TRY
        jmp (SEL_CODE32 | 3):0                  ; RPL 3 > CPL 0
        CATCH EXC_GP, SEL_CODE32
        TRY
        jmp SEL_CODE3:0                         ; DPL 3 != CPL 0
        CATCH EXC_GP, SEL_CODE3 & ~3
        TRY
        jmp SEL_C_NP:0
        CATCH EXC_NP, SEL_C_NP
        TRY
        jmp SEL_DATA:0
        CATCH EXC_GP, SEL_DATA
        TRY
        jmp SEL_CODE32:0x10000                  ; past the limit
        CATCH EXC_GP, 0
        TRY
        jmp 0:0
        CATCH EXC_GP, 0
        jmp SEL_C_CONF:.conf                    ; conforming, same level
.conf:  mov eax, cs
        CHECK eax, SEL_C_CONF
        jmp SEL_CODE32:.back
.back:
        ; ARPL raises the destination's RPL to the source's.
        mov eax, SEL_DATA
        mov bx, 3
        arpl ax, bx
        ZF_IS 1
        CHECK eax, SEL_DATA | 3
        arpl ax, bx
        ZF_IS 0

        ; --- at CPL 3 ---
        TO_RING3 ring3
ring3:
        mov ax, SEL_DATA                        ; DPL 0 < CPL 3
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_DATA
        mov ax, SEL_D_DPL2 | 3
        TRY
        mov es, ax
        CATCH EXC_GP, SEL_D_DPL2
        mov ax, SEL_C_CONF                      ; conforming: allowed
        mov es, ax
        CHECK {byte [es:code_byte]}, 0xc3
        mov ax, SEL_LDT
        TRY
        lldt ax
        CATCH EXC_GP, 0
        TRY
        ltr ax
        CATCH EXC_GP, 0
        str eax
        CHECK eax, SEL_TSS
        mov ax, SEL_DATA
        lar ebx, eax                            ; DPL 0: invisible
        ZF_IS 0
        verr ax
        ZF_IS 0
        mov ax, SEL_C_CONF
        lar ebx, eax                            ; conforming: visible
        ZF_IS 1
        verr ax
        ZF_IS 1
        mov ax, SEL_DATA3
        verw ax
        ZF_IS 1
        mov ax, SEL_DATA3 & ~3                  ; RPL 0 is fine too
        verw ax
        ZF_IS 1
        ; A same-level call gate; far RET may not go inward.
        call (SEL_CGATE | 3):0
        CHECK eax, 0x3a3a
        push dword SEL_CODE32
        push dword ring3
        TRY
        retf
        CATCH EXC_GP, SEL_CODE32
        add esp, 8
        ; JMP through a call gate may not change privilege; CALL may.
        TRY
        jmp (SEL_GATE_BACK | 3):0
        CATCH EXC_GP, SEL_CODE32
        call (SEL_GATE_BACK | 3):0

cgate_target:
        mov eax, 0x3a3a
        retf

back_in_ring0:
        mov ax, SEL_DATA
        mov ds, ax
        mov ss, ax
        mov esp, STACK0_TOP
        PASS

code_byte:
        ret

        PM_LIB
        GUEST_LIB
        ROM_END
