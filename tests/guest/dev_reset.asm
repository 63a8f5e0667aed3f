; The board's three reset paths each restart the machine: the PIIX reset
; control register (0xcf9), port 0x92's fast reset bit and the 8042's
; reset line (command 0xFE pulses output port bit 0). RAM survives a
; reset, so a counter in RAM tells each run which path to take next.
; expect: reset through 0xcf9
; expect: reset through port 0x92
; expect: reset through the 8042
; expect: all three resets restarted the machine
%include "guest.inc"

%define MARK 0xb000
%define STAGE 0xb004
%define MAGIC 0x5e7b00f5

        TEST_START
        cmp dword [MARK], MAGIC
        je .known
        mov dword [MARK], MAGIC
        mov dword [STAGE], 0
.known:
        mov eax, [STAGE]
        inc dword [STAGE]
        cmp eax, 0
        je .cf9
        cmp eax, 1
        je .p92
        cmp eax, 2
        je .kbc
        cmp eax, 3
        je .done
        FAIL 2                  ; more resets than asked for

.cf9:   PUTS "reset through 0xcf9", 10
        mov dx, 0xcf9
        mov al, 0x02            ; system reset, hard reset bit clear
        out dx, al
        mov al, 0x06            ; ... then the reset edge
        out dx, al
        jmp .stuck

.p92:   PUTS "reset through port 0x92", 10
        in al, 0x92
        and al, 0xfe
        out 0x92, al
        or al, 1                ; a 0 -> 1 edge of bit 0 resets
        out 0x92, al
        jmp .stuck

.kbc:   PUTS "reset through the 8042", 10
.wait:  in al, 0x64
        test al, 2
        jnz .wait
        mov al, 0xfe
        out 0x64, al
        jmp .stuck

.done:  mov dword [MARK], 0
        PUTS "all three resets restarted the machine", 10
        PASS

        ; A reset takes effect before the next instruction boundary the
        ; board checks; spinning a while and failing catches a dead path.
.stuck: mov ecx, 100000
.spin:  loop .spin
        FAIL 1

        GUEST_LIB
        ROM_END
