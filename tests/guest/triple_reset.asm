; A triple fault resets the machine (without -no-reboot): in protected
; mode with an empty IDT, loading DS with a selector beyond the GDT raises
; #GP, which cannot be delivered (#DF), nor can #DF: shutdown. RAM
; survives the reset, so the second run finds the marker the first one
; left and passes.
; expect: first boot
; expect: back after a triple fault
%include "guest.inc"
%include "pm.inc"

%define MARK 0xb000

        TEST_START
        cmp dword [MARK], 0x7219f417
        je .again
        PUTS "first boot", 10
        mov dword [MARK], 0x7219f417
        PM_ENTER
        lidt [cs:null_idtr]
        mov ax, 0xfff8          ; past the GDT's limit (7FFh)
        mov ds, ax
        PM_FAIL                 ; never reached

        bits 16
.again: mov dword [MARK], 0
        PUTS "back after a triple fault", 10
        PASS

null_idtr:
        dw 0
        dd 0

        PM_LIB
        GUEST_LIB
        ROM_END
