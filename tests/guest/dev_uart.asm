; COM1 in loopback: what is sent comes back through the FIFO, paced by
; the baud rate; the FIFO bits in IIR, the scratch register and the
; received-data interrupt identification behave.
; expect: uart: loopback PCVM
; pcvm-args: -serial null
%include "guest.inc"

%define COM1 0x3f8

        TEST_START
        mov dx, COM1 + 3
        mov al, 0x80            ; DLAB
        out dx, al
        mov dx, COM1
        mov al, 1               ; 115200 baud
        out dx, al
        inc dx
        mov al, 0
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03            ; 8N1
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FIFOs on and cleared, trigger 1
        out dx, al
        in al, dx
        and al, 0xc0
        CHECK_EQ al, 0xc0, 2
        mov dx, COM1 + 7
        mov al, 0x5a
        out dx, al
        in al, dx
        CHECK_EQ al, 0x5a, 3
        mov dx, COM1 + 4
        mov al, 0x10            ; loopback
        out dx, al
        mov dx, COM1 + 1
        mov al, 0x01            ; received-data interrupt (identified only)
        out dx, al
        mov si, message
        mov cx, 4
        mov dx, COM1
.send:  cs lodsb
        out dx, al
        loop .send
        mov si, message
        mov cx, 4
        PUTS "uart: loopback "
.recv:  mov bx, 0xffff
        mov dx, COM1 + 5
.poll:  in al, dx
        test al, 0x01
        jnz .got
        dec bx
        jnz .poll
        FAIL 4
.got:   mov dx, COM1 + 2
        in al, dx
        CHECK_EQ al, 0xc4, 5
        mov dx, COM1
        in al, dx
        out DEBUGCON, al
        cmp al, [cs:si]
        je .same
        FAIL 6
.same:  inc si
        loop .recv
        mov dx, COM1 + 5
        in al, dx
        CHECK_EQ al, 0x60, 7    ; all sent, nothing left
        mov dx, COM1 + 2
        in al, dx
        CHECK_EQ al, 0xc1, 8
        PUTS 10
        PASS

message: db "PCVM"

        GUEST_LIB
        ROM_END
