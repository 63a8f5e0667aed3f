; COM1 as a console: wait for THRE before each byte, then for TEMT, so
; everything has left the chip (at 115200 baud) before the test ends.
; The run has no expect line for COM1; tests/cli.tests checks that the
; text reaches the terminal with -nographic.
; expect: serial: sent
%include "guest.inc"

%define COM1 0x3f8

        TEST_START
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        mov dx, COM1
        mov al, 1
        out dx, al
        inc dx
        mov al, 0
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03
        out dx, al
        mov si, message
.next:  cs lodsb
        test al, al
        jz .drain
        mov ah, al
        mov dx, COM1 + 5
.thre:  in al, dx
        test al, 0x20
        jz .thre
        mov dx, COM1
        mov al, ah
        out dx, al
        jmp .next
.drain: mov dx, COM1 + 5
.temt:  in al, dx
        test al, 0x40
        jz .temt
        PUTS "serial: sent", 10
        PASS

message: db "Hello from COM1", 13, 10, 0

        GUEST_LIB
        ROM_END
