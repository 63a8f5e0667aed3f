; Virtual-8086 mode: entry by IRET, real-mode segments, interrupts to
; ring 0 (GS/FS/DS/ES pushed and nulled), IOPL 3 and IOPL 0 (the IOPL-
; sensitive instructions), the I/O permission bitmap, and VME: CLI/STI/
; PUSHF/POPF on VIF, VIP, and INT n redirected through the program's own
; vector table by the TSS redirection bitmap.
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define V86_SP          0x7000
%define v86_next        (test_scratch + 0)  ; where v86_exit continues
%define r_frame         (test_scratch + 4)  ; 9 dwords from v86_exit's frame
%define r_hds           (test_scratch + 40) ; DS inside the ring-0 handler
%define r_ivt_flags     (test_scratch + 44)
%define r_ivt_inner     (test_scratch + 48)

; ENTER_V86 ip, eflags, next: IRET into V86 at F000:ip with SS:SP 0:7000h
; and data segments 0; v86_exit (INT3 from V86) continues at @next.
%macro ENTER_V86 3
        mov dword [v86_next], %3
        push dword 0            ; GS
        push dword 0            ; FS
        push dword 0            ; DS
        push dword 0            ; ES
        push dword 0            ; SS
        push dword V86_SP
        push dword (%2) | 0x20002
        push dword 0xf000
        push dword %1
        iretd
%endmacro

; CHECK16 a, b: V86 code, fail (exit code 120) unless equal.
%macro CHECK16 2
        cmp %1, %2
        je %%ok
        mov al, 120
        out DEBUG_EXIT, al
%%ok:
%endmacro

        TEST_START
        PM_ENTER
        SET_GATE IDT_SLOT(3), SEL_CODE32, v86_exit, 0xee, 0     ; DPL 3
        SET_GATE IDT_SLOT(33), SEL_CODE32, v86_int33, 0xee, 0
        SET_GATE IDT_SLOT(34), SEL_CODE32, pm_stub_34, 0x8e, 0  ; DPL 0

        ; --- IOPL 3 ---
        ENTER_V86 v86_iopl3, 0x3000, after_iopl3
        bits 16
v86_iopl3:
        mov ax, cs
        CHECK16 ax, 0xf000
        ; Real-mode segment arithmetic.
        mov ax, 0x1000
        mov ds, ax
        mov word [0x10], 0x5555
        xor ax, ax
        mov ds, ax
        ; IOPL 3: CLI/STI/PUSHF/POPF act directly; POPF keeps IOPL.
        cli
        pushf
        pop ax
        test ax, 0x200
        jz .cli_ok
        mov al, 121
        out DEBUG_EXIT, al
.cli_ok:
        push word 0x0202                ; IF, IOPL 0
        popf
        pushf
        pop ax
        and ax, 0x3200
        CHECK16 ax, 0x3200
        cli
        ; A real-mode style IRET within V86.
        push word 0x0002
        push cs
        push word .after_iret
        iret
.after_iret:
        ; INT n through a DPL 3 gate reaches ring 0 (checked there).
        mov ax, 0x1111
        mov es, ax
        mov ax, 0x2222
        mov fs, ax
        mov ax, 0x3333
        mov gs, ax
        int 33
        mov ax, es
        CHECK16 ax, 0x1111              ; restored by the IRET
        mov ax, gs
        CHECK16 ax, 0x3333
        ; Gate DPL 0: #GP(vector, IDT bit) even at IOPL 3.
        TRY16
        int 34
        CATCH16 EXC_GP, 34 * 8 + 2
        ; An exception goes to ring 0 and back.
        TRY16
        ud2
        CATCH16 EXC_UD, NOERR
        cmp dword [exc_cs], 0xf000
        je .cs_ok
        mov al, 122
        out DEBUG_EXIT, al
.cs_ok:
        ; I/O uses the bitmap only, whatever the IOPL.
        mov al, 0
        out DEBUGCON, al
        TRY16
        in al, 0x80
        CATCH16 EXC_GP, 0
        ; Protected-mode-only and privileged instructions.
        TRY16
        lldt ax
        CATCH16 EXC_UD, NOERR
        TRY16
        mov eax, cr0
        CATCH16 EXC_GP, 0
        TRY16
        hlt
        CATCH16 EXC_GP, 0
        int3
        bits 32
after_iopl3:
        CHECK {word [0x10010]}, 0x5555
        ; The frame v86_exit saw: EFLAGS with VM and IOPL 3, segments 0.
        mov eax, [r_frame + 8]
        and eax, 0x23000
        CHECK eax, 0x23000
        CHECK {dword [r_frame + 4]}, 0xf000
        CHECK {dword [r_frame + 16]}, 0         ; SS
        CHECK {dword [r_hds]}, 0                ; DS nulled on entry
        ; What INT 33 pushed: ES, DS, FS, GS above SS:ESP.
        CHECK {dword [test_scratch + 52]}, 0x1111
        CHECK {dword [test_scratch + 56]}, 0
        CHECK {dword [test_scratch + 60]}, 0x2222

        ; --- IOPL 0: the IOPL-sensitive instructions trap ---
        ENTER_V86 v86_iopl0, 0, after_iopl0
        bits 16
v86_iopl0:
        TRY16
        cli
        CATCH16 EXC_GP, 0
        TRY16
        sti
        CATCH16 EXC_GP, 0
        TRY16
        pushf
        CATCH16 EXC_GP, 0
        TRY16
        popf
        CATCH16 EXC_GP, 0
        TRY16
        int 33
        CATCH16 EXC_GP, 0
        TRY16
        iret
        CATCH16 EXC_GP, 0
        ; INT3 is not IOPL-sensitive: it reaches its DPL 3 gate (v86_exit)
        ; below. The I/O bitmap still rules ports.
        mov al, 0
        out DEBUGCON, al
        TRY16
        out 0x80, al
        CATCH16 EXC_GP, 0
        TRY16
        out DEBUGCON, ax                ; needs E9h and EAh
        CATCH16 EXC_GP, 0
        int3
        bits 32
after_iopl0:
        and byte [TSS_IOBITMAP + 0x80 / 8], ~1  ; open port 80h
        ENTER_V86 v86_port80, 0, after_port80
        bits 16
v86_port80:
        out 0x80, al
        int3
        bits 32
after_port80:
        or byte [TSS_IOBITMAP + 0x80 / 8], 1

        ; --- VME, IOPL 0 ---
        mov eax, cr4
        or eax, 1
        mov cr4, eax
        mov word [0x42 * 4], v86_ivt_handler    ; the program's vector 42h
        mov word [0x42 * 4 + 2], 0xf000
        and byte [TSS_REDIR + 0x42 / 8], ~(1 << (0x42 & 7))
        ENTER_V86 v86_vme, 0x200 | (1 << 19), after_vme   ; IF, VIF
        bits 16
v86_vme:
        ; CLI/STI change VIF; PUSHF shows VIF as IF and IOPL as 3.
        cli
        pushf
        pop ax
        and ax, 0x3200
        CHECK16 ax, 0x3000
        sti
        pushf
        pop ax
        and ax, 0x3200
        CHECK16 ax, 0x3200
        push word 0
        popf                            ; IF 0 -> VIF 0
        pushf
        pop ax
        and ax, 0x200
        CHECK16 ax, 0
        TRY16
        popfd                           ; 32-bit: #GP
        CATCH16 EXC_GP, 0
        TRY16
        pushfd
        CATCH16 EXC_GP, 0
        ; INT 42h, redirection bit clear: through the vector table at 0.
        sti
        int 0x42
        mov [r_ivt_inner], ax
        ; INT 43h, bit set: the IDT, where IOPL < 3 means #GP(0).
        TRY16
        int 0x43
        CATCH16 EXC_GP, 0
        int3
        bits 32
after_vme:
        ; The handler saw IF = VIF (1) and IOPL 3 in the pushed FLAGS,
        ; and ran with VIF clear; its IRET set VIF again.
        mov eax, [r_ivt_flags]
        and eax, 0x3200
        CHECK eax, 0x3200
        CHECK {word [r_ivt_inner]}, 0
        mov eax, [r_frame + 8]
        and eax, (1 << 19) | 0x200
        CHECK eax, (1 << 19) | 0x200    ; VIF set again; IF untouched

        ; VIP: STI with a virtual interrupt pending faults.
        ENTER_V86 v86_vip, (1 << 20), after_vip
        bits 16
v86_vip:
        TRY16
        sti
        CATCH16 EXC_GP, 0
        cli
        int3
        bits 32
after_vip:
        ; VME with IOPL 3: redirected INT n clears IF itself.
        ENTER_V86 v86_vme3, 0x3200, after_vme3
        bits 16
v86_vme3:
        int 0x42
        mov [r_ivt_inner], ax
        int3
        bits 32
after_vme3:
        mov eax, [r_ivt_flags]
        and eax, 0x3200
        CHECK eax, 0x3200
        CHECK {word [r_ivt_inner]}, 0
        PASS

; Ring 0: INT3 from V86 ends a stage. Record the frame, continue at
; [v86_next] in protected mode.
v86_exit:
        mov [ss:r_hds], ds
        mov ax, SEL_DATA
        mov ds, ax
        mov es, ax
        mov esi, esp
        mov edi, r_frame
        mov ecx, 9
        rep movsd
        mov esp, STACK0_TOP
        jmp [v86_next]

; Ring 0: INT 33 from V86. Record the saved data segments.
v86_int33:
        push eax
        mov eax, [esp + 4 + 20]
        mov [ss:test_scratch + 52], eax         ; ES
        mov eax, [esp + 4 + 24]
        mov [ss:test_scratch + 56], eax         ; DS
        mov eax, [esp + 4 + 28]
        mov [ss:test_scratch + 60], eax         ; FS
        pop eax
        iretd

        bits 16
; The V86 program's own handler for INT 42h (through its vector table).
v86_ivt_handler:
        push bp
        mov bp, sp
        mov ax, [bp + 6]                ; pushed FLAGS
        mov [r_ivt_flags], ax
        mov word [r_ivt_flags + 2], 0
        pushf
        pop ax
        and ax, 0x200                   ; IF as this code sees it
        pop bp
        iret
        bits 32

        PM_LIB
        GUEST_LIB
        ROM_END
