; The 8042: self test, interface test, command byte, keyboard echo and
; reset, and the A20 gate through the output port and port 0x92, checked
; by the address wrap-around it causes.
; expect: kbc: ok
%include "guest.inc"
%include "dev_isa.inc"

%macro KBC_CMD 1
        call kbc_wait_write
        mov al, %1
        out 0x64, al
%endmacro

%macro KBC_DATA 1
        call kbc_wait_write
        mov al, %1
        out 0x60, al
%endmacro

%macro EXPECT_BYTE 2
        call kbc_read
        jnc %%ok
        FAIL %2
%%ok:   CHECK_EQ al, %1, %2
%endmacro

        TEST_START
        KBC_CMD 0xad            ; keyboard port off while we talk
        KBC_CMD 0xaa
        EXPECT_BYTE 0x55, 2
        KBC_CMD 0xab
        EXPECT_BYTE 0x00, 3
        KBC_CMD 0x60
        KBC_DATA 0x45           ; translate, SYS, IRQ1 (masked at the PIC)
        KBC_CMD 0x20
        EXPECT_BYTE 0x45, 4
        in al, 0x64
        and al, 0x04
        CHECK_EQ al, 0x04, 5    ; SYS flag
        KBC_DATA 0xee           ; echo (re-enables the keyboard port)
        EXPECT_BYTE 0xee, 6
        KBC_DATA 0xff           ; reset
        EXPECT_BYTE 0xfa, 7
        EXPECT_BYTE 0xaa, 8
        KBC_DATA 0xf2           ; identify, translated
        EXPECT_BYTE 0xfa, 9
        EXPECT_BYTE 0xab, 10
        EXPECT_BYTE 0x41, 11

        ; A20 off: FFFF:0510 is 0000:0500.
        mov ax, 0xffff
        mov es, ax
        KBC_CMD 0xd1
        KBC_DATA 0xdd
        mov byte [0x0500], 0x11
        mov byte [es:0x0510], 0x22
        CHECK_EQ byte [0x0500], 0x22, 12
        ; A20 on: they are different bytes.
        KBC_CMD 0xd1
        KBC_DATA 0xdf
        mov byte [es:0x0510], 0x33
        CHECK_EQ byte [0x0500], 0x22, 13
        KBC_CMD 0xd0
        EXPECT_BYTE 0xcf, 14
        ; Fast A20 through port 0x92, with the 8042's gate closed.
        KBC_CMD 0xdd
        mov byte [es:0x0510], 0x44
        CHECK_EQ byte [0x0500], 0x44, 15
        in al, 0x92
        or al, 0x02
        out 0x92, al
        mov byte [es:0x0510], 0x55
        CHECK_EQ byte [0x0500], 0x44, 16
        PUTS "kbc: ok", 10
        PASS

        GUEST_LIB
        DEV_ISA_LIB
        ROM_END
