; The RTC's periodic interrupt (1024 Hz) arrives on IRQ8 through the slave
; PIC cascaded on the master's IR2; each handler reads register C (which
; must show PF and IRQF) and ends the interrupt on both PICs.
; A period may end between setting PIE and the read of register C that
; clears stale flags (on the host clock, not under -icount): its edge is
; latched in the PIC and its handler then finds register C clear. That
; may happen once, before any interrupt with the flags; any other
; interrupt without them fails the test.
; expect: rtc: 8 periodic interrupts
%include "guest.inc"
%include "dev_isa.inc"

        TEST_START
        SET_VECTOR 0x70, irq8
        mov word [TICKS], 0
        mov byte [TICKS + 2], 0         ; interrupts without PF and IRQF
        mov byte [TICKS + 3], 0         ; ... the stale first one
        call pic_init
        mov al, 0xfb            ; master: the cascade only
        out 0x21, al
        mov al, 0xfe            ; slave: IRQ8 only
        out 0xa1, al
        mov al, 0x0a
        out 0x70, al
        mov al, 0x26            ; 32.768 kHz, rate 6 = 1024 Hz
        out 0x71, al
        mov al, 0x0b
        out 0x70, al
        in al, 0x71
        or al, 0x40             ; PIE
        mov ah, al
        mov al, 0x0b
        out 0x70, al
        mov al, ah
        out 0x71, al
        mov al, 0x0c            ; clear stale flags
        out 0x70, al
        in al, 0x71
        sti
.wait:  hlt
        cmp word [TICKS], 8
        jb .wait
        cli
        CHECK_EQ byte [TICKS + 2], 0, 2
        mov al, 0x0b            ; PIE off again
        out 0x70, al
        in al, 0x71
        and al, ~0x40
        mov ah, al
        mov al, 0x0b
        out 0x70, al
        mov al, ah
        out 0x71, al
        PUTS "rtc: "
        mov ax, [TICKS]
        call guest_print_dec16
        PUTS " periodic interrupts", 10
        PASS

irq8:   push ax
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        and al, 0xc0
        cmp al, 0xc0            ; IRQF and PF
        je .ok
        cmp word [TICKS], 0     ; stale: only before the first real one
        jne .bad
        cmp byte [TICKS + 3], 0
        jne .bad
        inc byte [TICKS + 3]
        jmp .eoi
.bad:   inc byte [TICKS + 2]
.ok:    inc word [TICKS]
.eoi:   mov al, 0x20
        out 0xa0, al
        out 0x20, al
        pop ax
        iret

        GUEST_LIB
        DEV_ISA_LIB
        ROM_END
