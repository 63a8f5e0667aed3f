; x87 exceptions delivered: #MF (vector 16, CR0.NE=1) at the next waiting
; instruction with an unmasked exception leaving the operands alone; #NM
; for CR0.TS (x87 always, FWAIT only with MP) and CR0.EM; MMX with CR0.EM
; gives #UD; non-waiting instructions run despite a pending exception.
; expect: fpu_exc ok
%include "guest.inc"
%include "fpu.inc"

%define MF_COUNT 0x480
%define MF_IP 0x482
%define NM_COUNT 0x484
%define UD_COUNT 0x486

        TEST_START
        SET_VECTOR 6, ud_handler
        SET_VECTOR 7, nm_handler
        SET_VECTOR 16, mf_handler
        mov word [MF_COUNT], 0
        mov word [NM_COUNT], 0
        mov word [UD_COUNT], 0
        mov eax, cr0
        or eax, 0x20                    ; NE
        and eax, ~0x0e                  ; MP, EM, TS clear
        mov cr0, eax

        fninit
        fldcw [cs:cw_ze_unmasked]
        fld1
        fldz
        fdivp st1, st0                  ; 1/0, ZE unmasked: nothing stored
        fnstsw ax                       ; non-waiting: no #MF
        cmp ax, 0xb084                  ; B, TOP 6 (no pop), ES, ZE
        je .e1
        FAIL 1
.e1:    cmp word [MF_COUNT], 0
        je .e2
        FAIL 2
.e2:
.wait:  fwait                           ; #MF here, a fault: IP = .wait
        cmp word [MF_COUNT], 1
        je .e3
        FAIL 3
.e3:    cmp word [MF_IP], .wait
        je .e4
        FAIL 4
.e4:    ; the operands were kept: ST0 = 0, ST1 = 1
        fcomp qword [cs:f64_zero]
        CHECK_SW SW_CC, SW_C3, 5
        fstp st0
        ; a pending exception stops the next x87 instruction too
        fld1
        fldz
        fdiv st1, st0
.next:  fld1                            ; #MF before this one runs
        cmp word [MF_COUNT], 2
        je .e5
        FAIL 6
.e5:    cmp word [MF_IP], .next
        je .e6
        FAIL 7
.e6:    CHECK_SW SW_TOP, 0x2800, 8      ; 3 values: FLD1 ran after IRET
        fninit

        ; CR0.TS: x87 gives #NM (the handler clears TS and it re-runs)
        mov eax, cr0
        or eax, 0x08
        mov cr0, eax
        fld1
        cmp word [NM_COUNT], 1
        je .n1
        FAIL 9
.n1:    CHECK_SW SW_TOP, 0x3800, 10
        ; FWAIT with TS but without MP: no #NM
        mov eax, cr0
        or eax, 0x08
        mov cr0, eax
        fwait
        cmp word [NM_COUNT], 1
        je .n2
        FAIL 11
.n2:    ; with MP it is #NM
        mov eax, cr0
        or eax, 0x0a
        mov cr0, eax
        fwait
        cmp word [NM_COUNT], 2
        je .n3
        FAIL 12
.n3:    ; CR0.EM: x87 #NM, MMX #UD
        mov eax, cr0
        and eax, ~0x0a
        or eax, 0x04
        mov cr0, eax
        paddb mm0, mm1                  ; 3 bytes, skipped by the handler
        cmp word [UD_COUNT], 1
        je .n4
        FAIL 13
.n4:    mov eax, cr0
        or eax, 0x04
        mov cr0, eax
        fldz                            ; #NM, handler clears EM and TS
        cmp word [NM_COUNT], 3
        je .n5
        FAIL 14
.n5:
        ; an unmasked invalid operation (SNaN) keeps the stack (no pop)
        fninit
        fldcw [cs:cw_ie_unmasked]
        fld1
        fld tword [cs:x80_snan]
        faddp st1, st0
        fnstsw ax
        cmp ax, 0xb081                  ; TOP still 6
        je .i1
        FAIL 15
.i1:    fnclex
        fstp tword [RES]
        CHECK_BYTES RES, x80_snan, 10, 16
        ; an unmasked overflow on a store: memory unchanged, no pop
        fninit
        fldcw [cs:cw_oe_unmasked]
        mov dword [RES], 0x11111111
        fld tword [cs:x80_big]
        fstp dword [RES]
        cmp dword [RES], 0x11111111
        je .o1
        FAIL 17
.o1:    fnstsw ax
        cmp ax, 0xb888                  ; not popped, OE
        je .o2
        FAIL 18
.o2:    fnclex
        ; an unmasked overflow into a register: the result is wrapped by
        ; 2^-24576 and stored
        fmul st0, st0
        fnclex
        fstp tword [RES]
        CHECK_BYTES RES, x80_big_sq_wrapped, 10, 19
        fninit
        PUTS "fpu_exc ok", 10
        PASS

mf_handler:
        push bp
        mov bp, sp
        push ax
        inc word [MF_COUNT]
        mov ax, [bp + 2]
        mov [MF_IP], ax
        fnclex
        pop ax
        pop bp
        iret

nm_handler:
        inc word [NM_COUNT]
        push eax
        mov eax, cr0
        and eax, ~0x0c                  ; TS, EM
        mov cr0, eax
        pop eax
        iret

ud_handler:
        push bp
        mov bp, sp
        inc word [UD_COUNT]
        add word [bp + 2], 3
        pop bp
        iret

cw_ze_unmasked: dw 0x037b
cw_ie_unmasked: dw 0x037e
cw_oe_unmasked: dw 0x0377
f64_zero:       dq 0.0
x80_snan:       dq 0xa000000000000000
                dw 0x7fff
x80_big:        dq 0x8000000000000000
                dw 0x7ffe
x80_big_sq_wrapped:
                dq 0x8000000000000000
                dw 0x7ffe + 0x7ffe - 0x3fff - 0x6000

        GUEST_LIB
        ROM_END
