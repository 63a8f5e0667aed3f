; irq_bench: take N timer interrupts through the 8259 as fast as the timer
; gives them, for comparing KVM's interrupt controller choices
; (tests/kvm/irqchip-bench.sh). Built with -DSOURCE_PIT (8254 counter 0,
; mode 2, IRQ0, -DRATE_HZ) or -DSOURCE_RTC (periodic interrupt, IRQ8,
; -DRTC_RATE: 3 is 8192 Hz, 6 is 1024 Hz), and -DCOUNT. Each handler ends
; with EOIs, as an OS's would.
%include "guest.inc"
%include "dev_isa.inc"

%ifndef COUNT
%define COUNT 2000
%endif

        TEST_START
        mov word [TICKS], 0
        call pic_init
%ifdef SOURCE_PIT
        SET_VECTOR 0x08, irq_handler
        mov al, 0xfe
        out 0x21, al
        mov al, 0x34            ; counter 0, LSB/MSB, mode 2
        out 0x43, al
        mov ax, 1193182 / RATE_HZ
        out 0x40, al
        mov al, ah
        out 0x40, al
%else
        SET_VECTOR 0x70, irq_handler
        mov al, 0xfb
        out 0x21, al
        mov al, 0xfe
        out 0xa1, al
        mov al, 0x0a
        out 0x70, al
        mov al, 0x20 | RTC_RATE
        out 0x71, al
        mov al, 0x0b
        out 0x70, al
        mov al, 0x42            ; PIE, 24 hours
        out 0x71, al
%endif
        sti
.wait:  hlt
        cmp word [TICKS], COUNT
        jb .wait
        cli
        PUTS "irqs: "
        mov ax, [TICKS]
        call guest_print_dec16
        PUTS 10
        PASS

irq_handler:
        push ax
        inc word [TICKS]
%ifndef SOURCE_PIT
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        mov al, 0x20
        out 0xa0, al
%endif
        mov al, 0x20
        out 0x20, al
        pop ax
        iret

        GUEST_LIB
        DEV_ISA_LIB
        ROM_END
