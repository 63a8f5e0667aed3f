; The RTC starts at the -rtc base date and reads back in BCD, 24 hours,
; after waiting for the update-in-progress flag to clear.
; expect: rtc: 2006-06-17 12:34:56 dow 7
; pcvm-args: -rtc base=2006-06-17T12:34:56
%include "guest.inc"

%macro CMOS_BCD 1
        mov al, %1
        out 0x70, al
        in al, 0x71
        call print_bcd
%endmacro

        TEST_START
.uip:   mov al, 0x0a
        out 0x70, al
        in al, 0x71
        test al, 0x80
        jnz .uip
        PUTS "rtc: "
        CMOS_BCD 0x32
        CMOS_BCD 0x09
        PUTS "-"
        CMOS_BCD 0x08
        PUTS "-"
        CMOS_BCD 0x07
        PUTS " "
        CMOS_BCD 0x04
        PUTS ":"
        CMOS_BCD 0x02
        PUTS ":"
        CMOS_BCD 0x00
        PUTS " dow "
        mov al, 0x06
        out 0x70, al
        in al, 0x71
        add al, '0'
        out DEBUGCON, al
        PUTS 10
        PASS

; Print AL as two BCD digits.
print_bcd:
        push ax
        shr al, 4
        add al, '0'
        out DEBUGCON, al
        pop ax
        and al, 0x0f
        add al, '0'
        out DEBUGCON, al
        ret

        GUEST_LIB
        ROM_END
