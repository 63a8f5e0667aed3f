; Branches in real mode: the 16 conditions of Jcc (short and near), LOOP
; LOOPE LOOPNE and JCXZ with CX and (67) ECX, JMP/CALL through a register
; or memory, and a near target beyond the 64 KiB CS limit (#GP).
; expect: int_branch: ok
%include "guest.inc"
%include "int.inc"

; TAKEN jcc, flags / NOTTAKEN jcc, flags (short and near forms)
%macro TAKEN 2
%assign chk chk + 1
        SETF %2
        %1 short %%t1
        FAIL_CHECK
%%t1:   SETF %2
        %1 near %%t2
        FAIL_CHECK
%%t2:
%endmacro

%macro NOTTAKEN 2
%assign chk chk + 1
        SETF %2
        %1 short %%bad
        SETF %2
        %1 near %%bad
        jmp %%ok
%%bad:  FAIL_CHECK
%%ok:
%endmacro

        TEST_START
        INT_SETUP

        TAKEN jo, FL_OF
        NOTTAKEN jo, 0
        TAKEN jno, FL_CF
        NOTTAKEN jno, FL_OF
        TAKEN jb, FL_CF
        NOTTAKEN jb, FL_ZF
        TAKEN jae, FL_ZF
        NOTTAKEN jae, FL_CF
        TAKEN je, FL_ZF
        NOTTAKEN je, FL_CF
        TAKEN jne, FL_SF
        NOTTAKEN jne, FL_ZF
        TAKEN jbe, FL_ZF
        TAKEN jbe, FL_CF
        NOTTAKEN jbe, FL_SF | FL_OF
        TAKEN ja, FL_SF
        NOTTAKEN ja, FL_CF
        TAKEN js, FL_SF
        NOTTAKEN js, FL_OF
        TAKEN jns, 0
        NOTTAKEN jns, FL_SF
        TAKEN jp, FL_PF
        NOTTAKEN jp, FL_ZF
        TAKEN jnp, 0
        NOTTAKEN jnp, FL_PF
        TAKEN jl, FL_SF
        TAKEN jl, FL_OF
        NOTTAKEN jl, FL_SF | FL_OF
        TAKEN jge, FL_SF | FL_OF
        NOTTAKEN jge, FL_OF
        TAKEN jle, FL_ZF
        TAKEN jle, FL_SF
        NOTTAKEN jle, FL_SF | FL_OF
        TAKEN jg, 0
        NOTTAKEN jg, FL_ZF | FL_SF | FL_OF

        ; --- LOOP family ---
        mov cx, 3
        xor ax, ax
.l1:    inc ax
        loop .l1
        CHECK ax, 3
        CHECK cx, 0
        mov cx, 5
        xor bx, bx
.l2:    inc bx
        test bx, 0xfffc
        loope .l2                       ; stops when ZF clears (BX = 4)
        CHECK bx, 4
        CHECK cx, 1
        mov cx, 5
        xor bx, bx
.l3:    inc bx
        cmp bx, 4
        loopne .l3                      ; stops when ZF sets
        CHECK bx, 4
        CHECK cx, 1
        mov ecx, 0x00010001
        loop .l4                        ; CX only: 1 -> 0, not taken
        jmp .l5
.l4:    FAIL_CHECK
.l5:    CHECK ecx, 0x00010000
        a32 loop .l6                    ; ECX: 0x10000 -> 0xffff, taken
        FAIL_CHECK
.l6:    CHECK ecx, 0x0000ffff
        mov ecx, 0x00010000
        jcxz .l7                        ; CX = 0
        FAIL_CHECK
.l7:    jecxz .l8                       ; ECX != 0
        jmp .l9
.l8:    FAIL_CHECK
.l9:

        ; --- indirect JMP / CALL ---
        mov ax, .t1
        jmp ax
        FAIL_CHECK
.t1:    mov word [int_scratch], .t2
        jmp word [int_scratch]
        FAIL_CHECK
.t2:    mov bx, .sub
        mov dx, sp
        call bx
        CHECK ax, 0x5a5a
        CHECK sp, dx
        mov dword [int_scratch], .sub32
        call dword [int_scratch]        ; 32-bit operand: pushes EIP
        CHECK sp, dx
        jmp .t3
.sub:   mov ax, 0x5a5a
        ret
.sub32: o32 ret
.t3:

        ; --- beyond the CS limit: #GP with nothing changed ---
        mov dx, sp
        EXC 13, jmp dword 0x12345
        EXC 13, call dword 0x12345
        CHECK sp, dx

        PUTS "int_branch: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
