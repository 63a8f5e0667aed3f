; PIT counter 0 in mode 2 at 1 kHz drives IRQ0 through the master PIC:
; count ten interrupts, each ended with a non-specific EOI, then check
; that nothing stays in service and the counter still counts down.
; expect: pit: 10 ticks
%include "guest.inc"
%include "dev_isa.inc"

        TEST_START
        SET_VECTOR 0x08, irq_tick_master
        mov word [TICKS], 0
        call pic_init
        mov al, 0xfe            ; IRQ0 only
        out 0x21, al
        mov al, 0x34            ; counter 0, LSB then MSB, mode 2
        out 0x43, al
        mov ax, 1193            ; 1.000 ms
        out 0x40, al
        mov al, ah
        out 0x40, al
        sti
.wait:  hlt
        cmp word [TICKS], 10
        jb .wait
        cli
        mov al, 0x0b            ; OCW3: read ISR
        out 0x20, al
        in al, 0x20
        CHECK_EQ al, 0, 2
        mov al, 0x00            ; latch counter 0
        out 0x43, al
        in al, 0x40
        mov ah, al
        in al, 0x40
        xchg al, ah
        cmp ax, 1193
        jbe .count_ok
        FAIL 3
.count_ok:
        test ax, ax
        jnz .nonzero
        FAIL 4
.nonzero:
        PUTS "pit: "
        mov ax, [TICKS]
        call guest_print_dec16
        PUTS " ticks", 10
        PASS

        GUEST_LIB
        DEV_ISA_LIB
        ROM_END
