; String port I/O and MMIO as an accelerator sees them: REP OUTSB to the
; debug console and REP INSB from it (it reads 0xe9), REP OUTSW of
; index/value pairs to the CMOS (each word is an OUT to 0x70 and 0x71;
; KVM may hand a whole string over as one exit with a count), then, in
; protected mode, the local APIC at 0xfee00000 (MMIO exits): the version
; register, TPR written and read back, and a string move out of the APIC.
; expect: outsb ok
; expect: insb ok
; expect: outsw ok
; expect: lapic ok
%include "guest.inc"
%include "pm.inc"

%define BUF 0xb000
%define APIC 0xfee00000

        TEST_START
        mov si, msg
        mov cx, msg_len
        mov dx, DEBUGCON
        rep cs outsb

        mov di, BUF
        mov cx, 16
        rep insb
        mov si, BUF
        mov cx, 16
.chk:   lodsb
        CHECK_EQ al, 0xe9, 2
        loop .chk
        CHECK_EQ di, BUF + 16, 3
        PUTS "insb ok", 10

        mov si, cmos_words
        mov cx, 4
        mov dx, 0x70
        rep cs outsw
        mov bx, 0x1140
.cmos:  mov al, bl
        out 0x70, al
        in al, 0x71
        CHECK_EQ al, bh, 4
        add bx, 0x1101
        cmp bl, 0x44
        jb .cmos
        PUTS "outsw ok", 10

        PM_ENTER
        mov eax, [APIC + 0x30]          ; version: 0x14, 6 LVTs
        CHECK eax, 0x00050014
        mov dword [APIC + 0x80], 0x20   ; TPR
        CHECK {dword [APIC + 0x80]}, 0x20
        mov dword [APIC + 0x80], 0
        ; ID, then the reserved word at 0x10, then the version: REP MOVSD
        ; from MMIO to RAM.
        mov esi, APIC + 0x20
        mov edi, BUF
        mov ecx, 5
        rep movsd
        CHECK {dword [BUF]}, 0
        CHECK {dword [BUF + 16]}, 0x00050014
        PUTS32 "lapic ok", 10
        PASS

        bits 16
msg:    db "outsb ok", 10
msg_len equ $ - msg
cmos_words:
        dw 0x1140, 0x2241, 0x3342, 0x4443

        PM_LIB
        GUEST_LIB
        ROM_END
