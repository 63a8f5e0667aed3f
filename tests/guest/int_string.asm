; String instructions in real mode: MOVS CMPS STOS LODS SCAS with REP,
; REPE, REPNE (F2 on MOVS repeats too), both directions, SI/DI wrapping at
; 64 KiB, 32-bit ESI/EDI/ECX with the 67 prefix, a segment override on the
; source, a zero count, and a repeated instruction single-stepped (TF)
; through the IVT: one #DB after every iteration, IP still on the
; instruction until the last.
; expect: int_string: ok
; kvm-needs: native
%include "guest.inc"
%include "int.inc"

%define SRC 0x0800
%define DST 0x0900
%define steps 0x050a

        TEST_START
        INT_SETUP
        cld

        ; --- REP MOVSB / STD REP MOVSW ---
        mov dword [SRC], 0x44434241     ; "ABCD"
        mov byte [SRC + 4], 0x45
        mov si, SRC
        mov di, DST
        mov cx, 5
        rep movsb
        CHECK cx, 0
        CHECK si, SRC + 5
        CHECK di, DST + 5
        CHECK dword [DST], 0x44434241
        CHECK byte [DST + 4], 0x45
        std
        mov si, SRC + 2
        mov di, DST + 0x12
        mov cx, 2
        rep movsw
        cld
        CHECK si, SRC - 2
        CHECK di, DST + 0x0e
        CHECK dword [DST + 0x10], 0x44434241
        mov si, SRC
        mov di, DST + 0x20
        mov cx, 2
        db 0xf2, 0xa4                   ; REPNE MOVSB: a plain REP
        CHECK cx, 0
        CHECK word [DST + 0x20], 0x4241

        ; --- zero count: nothing, flags kept ---
        mov cx, 0
        mov si, SRC
        SETF FL_ARITH
        repe cmpsb
        CHECKF FL_ARITH, FL_ARITH
        CHECK si, SRC

        ; --- REPE CMPSB / REPNE SCASB ---
        mov dword [DST], 0x58434241     ; "ABCX"
        mov byte [DST + 4], 0x45
        mov si, SRC
        mov di, DST
        mov cx, 5
        repe cmpsb
        CHECKF FL_ZF | FL_CF, FL_CF     ; 'D' < 'X'
        CHECK cx, 1
        CHECK si, SRC + 4
        mov di, SRC
        mov al, 0x43                    ; 'C'
        mov cx, 10
        repne scasb
        CHECKF FL_ZF, FL_ZF
        CHECK cx, 7
        CHECK di, SRC + 3

        ; --- STOS / LODS, override, 32-bit registers (67) ---
        mov eax, 0x11223344
        mov edi, DST
        mov ecx, 3
        a32 rep stosd
        CHECK ecx, 0
        CHECK edi, DST + 12
        CHECK dword [DST + 8], 0x11223344
        mov ax, 0x0080
        mov es, ax                      ; ES:0 = 0:0800
        xor si, si
        es lodsw
        CHECK ax, 0x4241
        CHECK si, 2
        xor ax, ax
        mov es, ax
        mov si, SRC
        mov cx, 3
        rep lodsb
        CHECK al, 0x43
        CHECK si, SRC + 3

        ; --- 16-bit SI/DI wrap inside the segment ---
        mov ax, 0x1000
        mov ds, ax
        mov es, ax
        mov byte [0xffff], 0x5a
        mov byte [0x0000], 0xa5
        mov si, 0xffff
        mov di, 0x4000
        mov cx, 2
        rep movsb
        CHECK si, 0x0001
        CHECK word [0x4000], 0xa55a
        xor ax, ax
        mov ds, ax
        mov es, ax

        ; --- single-stepping REP MOVSB: #DB after each iteration ---
        mov word [1 * 4], step_handler
        mov word [steps], 0
        mov si, SRC
        mov di, DST
        mov cx, 4
        pushf
        pop ax
        or ax, 0x100
        push ax
        popf
rep_insn:
        rep movsb
        pushf
        pop ax
        and ax, ~0x100
        push ax
        popf
        mov word [1 * 4], exc_stub_1
        CHECK word [steps], 3           ; the fourth leaves IP past it
        CHECK cx, 0

        PUTS "int_string: ok", 10
        PASS

step_handler:
        push bp
        mov bp, sp
        cmp word [ss:bp + 2], rep_insn
        jne .done
        inc word [ss:steps]
.done:  pop bp
        iret

        GUEST_LIB
        INT_LIB
        ROM_END
