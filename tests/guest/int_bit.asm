; Bit instructions in real mode: BT BTS BTR BTC (register and immediate
; offsets; memory offsets that reach outside the operand, negative ones
; too), BSF BSR (a zero source leaves the destination; undefined flags as
; the P6 family sets them), SETcc, CMOVcc, BSWAP, XADD, CMPXCHG,
; CMPXCHG8B, with and without LOCK.
; expect: int_bit: ok
%include "guest.inc"
%include "int.inc"

%define M int_scratch + 0x100

        TEST_START
        INT_SETUP

        ; --- BT*: only CF changes ---
        SETF FL_ARITH & ~FL_CF
        mov ax, 0x0008
        bt ax, 3
        CHECKF FL_ARITH, FL_ARITH
        SETF FL_CF
        mov ebx, 0x80000000
        mov ecx, 63                     ; register offsets wrap at 32
        btr ebx, ecx
        CHECKF FL_ARITH, FL_CF
        CHECK ebx, 0
        mov dword [M], 0
        mov dword [M + 4], 0
        mov dword [M - 4], 0
        mov bx, 17                      ; reaches the next word
        bts word [M], bx
        CHECKF FL_CF, 0
        CHECK word [M + 2], 0x0002
        mov bx, -1                      ; the word before
        lock bts word [M], bx
        CHECK word [M - 2], 0x8000
        mov eax, 35
        btc dword [M], eax
        CHECKF FL_CF, 0
        CHECK dword [M + 4], 0x00000008
        btc dword [M], eax
        CHECKF FL_CF, FL_CF
        CHECK dword [M + 4], 0
        mov word [M], 0x0002
        bt word [M], 17                 ; an immediate wraps at 16
        CHECKF FL_CF, FL_CF

        ; --- BSF / BSR ---
        SETF FL_ARITH
        mov bx, 0x0100
        bsf ax, bx
        CHECKF FL_ARITH, 0
        CHECK ax, 8
        mov ebx, 0x80000001
        bsr eax, ebx
        CHECKF FL_ARITH, 0
        CHECK eax, 31
        mov dx, 0
        mov cx, 0x1234
        bsf cx, dx
        CHECKF FL_ARITH, FL_ZF | FL_PF
        CHECK cx, 0x1234                ; unchanged
        mov word [M], 0x0006
        bsr ax, [M]
        CHECKF FL_ARITH, 0
        CHECK ax, 2
        mov ebx, 0x00600000
        bsf esi, ebx                    ; PF from the index: 21 is odd
        CHECKF FL_ARITH, 0
        CHECK esi, 21

        ; --- SETcc, CMOVcc ---
        SETF FL_CF | FL_OF
        setc al
        CHECK al, 1
        SETF FL_CF | FL_OF
        seto byte [M]
        SETF FL_CF | FL_OF
        setz byte [M + 1]
        CHECK word [M], 0x0001
        SETF FL_SF
        setl bl                         ; SF != OF
        CHECK bl, 1
        SETF FL_ZF
        mov ax, 1
        mov bx, 2
        cmovz ax, bx
        CHECK ax, 2
        mov dword [M], 0xdeadbeef
        mov eax, 0x11111111
        SETF FL_ZF
        cmovnz eax, [M]
        CHECK eax, 0x11111111
        SETF 0
        cmovnz eax, [M]
        CHECK eax, 0xdeadbeef

        ; --- BSWAP ---
        mov eax, 0x12345678
        bswap eax
        CHECK eax, 0x78563412

        ; --- XADD ---
        mov word [M], 5
        mov ax, 0xffff
        lock xadd [M], ax
        CHECKF FL_ARITH, FL_CF | FL_AF
        CHECK ax, 5
        CHECK word [M], 4
        mov cl, 0x7f
        mov dl, 1
        xadd cl, dl
        CHECKF FL_ARITH, FL_OF | FL_SF | FL_AF
        CHECK cl, 0x80
        CHECK dl, 0x7f

        ; --- CMPXCHG ---
        mov word [M], 0x1234
        mov ax, 0x1234
        mov bx, 0x5678
        lock cmpxchg [M], bx
        CHECKF FL_ZF, FL_ZF
        CHECK word [M], 0x5678
        mov ax, 0x1111
        cmpxchg [M], bx
        CHECKF FL_ARITH, FL_SF | FL_AF | FL_CF | FL_PF
        CHECK ax, 0x5678                ; loaded with the operand
        CHECK word [M], 0x5678
        mov eax, 3
        mov ecx, 3
        mov edx, 9
        cmpxchg ecx, edx
        CHECK ecx, 9

        ; --- CMPXCHG8B ---
        mov dword [M], 0x11111111
        mov dword [M + 4], 0x22222222
        mov eax, 0x11111111
        mov edx, 0x22222222
        mov ebx, 0xaaaaaaaa
        mov ecx, 0xbbbbbbbb
        lock cmpxchg8b [M]
        CHECKF FL_ZF, FL_ZF
        CHECK dword [M], 0xaaaaaaaa
        CHECK dword [M + 4], 0xbbbbbbbb
        mov eax, 0
        cmpxchg8b [M]
        CHECKF FL_ZF, 0
        CHECK eax, 0xaaaaaaaa
        CHECK edx, 0xbbbbbbbb
        EXC 6, db 0x0f, 0xc7, 0xc8      ; register operand

        PUTS "int_bit: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
