; Shifts and rotates in real mode: by 1, CL and an immediate; counts of
; 0, 1, more than the width and masked to 5 bits; SHLD/SHRD including the
; 16-bit count above 16. The flags a count above 1 leaves undefined follow
; P6-family and later hardware (docs/cpu-flags.md): OF as for a count of
; 1, AF clear, ROL/ROR by an immediate other than 1 keep OF in a register.
; expect: int_shift: ok
; kvm-needs: native
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        ; --- SHL/SAL ---
        SETF 0
        mov al, 0x81
        shl al, 1
        CHECKF FL_ARITH, FL_CF | FL_OF
        CHECK al, 0x02
        mov ax, 0x1234
        mov cl, 4
        shl ax, cl
        CHECKF FL_ARITH, FL_CF
        CHECK ax, 0x2340
        mov eax, 0x40000000
        mov cl, 33                      ; masked to 1
        shl eax, cl
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_PF
        CHECK eax, 0x80000000
        mov al, 0xff
        mov cl, 9                       ; more than 8 bits
        shl al, cl
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK al, 0
        mov bl, 0x40
        db 0xd0, 0xf3                   ; sal bl, 1 (the /6 alias)
        CHECKF FL_ARITH, FL_OF | FL_SF
        CHECK bl, 0x80

        ; --- SHR/SAR ---
        mov ax, 0x8001
        shr ax, 1
        CHECKF FL_ARITH, FL_CF | FL_OF | FL_PF
        CHECK ax, 0x4000
        mov al, 0x80
        sar al, 3
        CHECKF FL_ARITH, FL_SF | FL_PF
        CHECK al, 0xf0
        mov ax, 0x8000
        mov cl, 31
        sar ax, cl
        CHECKF FL_ARITH, FL_CF | FL_SF | FL_PF
        CHECK ax, 0xffff
        mov edx, 0x80000000
        shr edx, 31                     ; OF = the old top bit
        CHECKF FL_ARITH, FL_OF
        CHECK edx, 1

        ; --- a count of 0 (also 32 masked to 0) changes nothing ---
        SETF FL_ARITH
        mov ax, 0x1234
        mov cl, 0
        shl ax, cl
        CHECKF FL_ARITH, FL_ARITH
        CHECK ax, 0x1234
        SETF FL_ARITH
        mov ebx, 0x87654321
        mov cl, 32
        rol ebx, cl
        CHECKF FL_ARITH, FL_ARITH
        CHECK ebx, 0x87654321

        ; --- rotates change CF and OF only ---
        SETF 0
        mov al, 0x81
        rol al, 1
        CHECKF FL_ARITH, FL_CF | FL_OF
        CHECK al, 0x03
        SETF FL_OF
        mov ax, 0x1234
        ror ax, 4                       ; immediate: OF kept
        CHECKF FL_ARITH, FL_OF
        CHECK ax, 0x4123
        SETF FL_OF
        mov ax, 0x1234
        mov cl, 4
        ror ax, cl                      ; CL: OF = bit 0 ^ bit 15 before
        CHECKF FL_ARITH, 0
        CHECK ax, 0x4123
        SETF FL_CF
        mov al, 0x80
        rcl al, 1
        CHECKF FL_ARITH, FL_CF | FL_OF
        CHECK al, 0x01
        SETF 0
        mov al, 0x03
        rcr al, 2
        CHECKF FL_ARITH, FL_CF
        CHECK al, 0x80
        SETF FL_CF | FL_OF
        mov ax, 0x5555
        mov cl, 17                      ; 17 mod 17 = 0: nothing moves
        rcr ax, cl
        CHECKF FL_ARITH, FL_CF | FL_OF
        CHECK ax, 0x5555
        SETF FL_CF
        mov eax, 0x80000000
        rcl eax, 1
        CHECKF FL_CF | FL_OF, FL_CF | FL_OF
        CHECK eax, 0x00000001

        ; --- memory operands ---
        mov word [int_scratch], 0x8001
        rol word [int_scratch], 1
        CHECKF FL_CF | FL_OF, FL_CF | FL_OF
        CHECK word [int_scratch], 0x0003

        ; --- SHLD / SHRD ---
        SETF 0
        mov ax, 0x1234
        mov bx, 0xabcd
        shld ax, bx, 4
        CHECKF FL_ARITH, FL_CF
        CHECK ax, 0x234a
        mov eax, 0x12345678
        mov ebx, 0xabcdef01
        shrd eax, ebx, 8
        CHECKF FL_ARITH, FL_OF | FL_PF
        CHECK eax, 0x01123456
        mov ax, 0x1234
        mov bx, 0xabcd
        mov cl, 20                      ; 16-bit, count above 16
        shld ax, bx, cl
        CHECKF FL_ARITH, FL_SF | FL_PF
        CHECK ax, 0xbcd1
        SETF FL_ARITH
        mov eax, 1
        mov cl, 0
        shrd eax, ebx, cl
        CHECKF FL_ARITH, FL_ARITH
        CHECK eax, 1

        PUTS "int_shift: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
