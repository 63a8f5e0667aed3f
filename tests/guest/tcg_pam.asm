; Code at one physical address that a PAM change swaps for other bytes,
; as tcg-lite must see it (blocks are keyed by physical address, so a
; change of the address map must drop them): the F0000h segment is
; shadowed to RAM with one routine patched there, then PAM0 switches the
; segment between the BIOS ROM and the RAM copy while the routine runs,
; many times over, from each.
; expect:  rom 1 wo 1 ram 2 rom 1 ram-ro 2 wo 1
%include "guest.inc"

%define PAM0 0x59
%define PAM_ROM 0x00            ; reads and writes go to the ROM side
%define PAM_RO 0x10             ; reads from RAM, writes to the ROM side
%define PAM_WO 0x20             ; reads from the ROM, writes to RAM
%define PAM_RW 0x30

; SET_PAM0 value: the F0000h-FFFFFh attribute (PAM0 bits 5:4).
%macro SET_PAM0 1
        mov eax, 0x80000000 | (PAM0 & 0xfc)
        mov dx, 0xcf8
        out dx, eax
        mov dx, 0xcfc + (PAM0 & 3)
        mov al, %1
        out dx, al
%endmacro

; RUN name, want, failcode: call routine 100 times, print " name" and
; what it returned the last time, fail unless it is want every time.
%macro RUN 3
        PUTS " ", %1, " "
        mov cx, 100
%%loop: call routine
        CHECK_EQ al, %2, %3
        loop %%loop
        add al, '0'
        out DEBUGCON, al
%endmacro

        TEST_START
        RUN "rom", 1, 1
        ; Shadow: the ROM's bytes into RAM under the same addresses, then
        ; the routine's immediate patched in the RAM copy only.
        SET_PAM0 PAM_WO
        RUN "wo", 1, 2          ; (fetched through the write-only window)
        push ds
        push es
        mov ax, 0xf000
        mov ds, ax
        mov es, ax
        xor si, si
        xor di, di
        mov cx, 0x8000
        rep movsw
        mov byte [es:routine + 1], 2
        pop es
        pop ds
        ; RAM now: the same code, but the routine returns 2.
        SET_PAM0 PAM_RW
        RUN "ram", 2, 3
        SET_PAM0 PAM_ROM
        RUN "rom", 1, 4
        SET_PAM0 PAM_RO
        RUN "ram-ro", 2, 5
        SET_PAM0 PAM_WO
        RUN "wo", 1, 6
        mov al, 10
        out DEBUGCON, al
        PASS

routine:
        mov al, 1
        ret

        GUEST_LIB
        ROM_END
