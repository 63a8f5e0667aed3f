; 64-bit integer instructions with exact results and flags: ADD ADC SUB
; SBB NEG INC DEC AND, MUL IMUL (all forms) DIV IDIV (#DE), shifts and
; rotates (6-bit counts), SHLD SHRD, BT BTS with 64-bit offsets, BSF BSR,
; BSWAP, XADD, CMPXCHG, CMPXCHG16B (success, failure, #GP misaligned),
; MOVSXD MOVSX MOVZX CDQE CQO, CMOV (32-bit forms zero-extend either way),
; LEA with 32-bit addressing and 16-bit operands, XLAT, LAHF/SAHF, and
; RIP-relative operands (loads, stores, LEA, with 67: EIP-relative).
; pcvm-args: -no-reboot
; kvm-needs: paging
; expect: ok
%include "guest.inc"
%include "lm.inc"

%define FL_CF 0x001
%define FL_PF 0x004
%define FL_AF 0x010
%define FL_ZF 0x040
%define FL_SF 0x080
%define FL_OF 0x800
%define ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

; FLAGS expected: the arithmetic flags now must equal @expected.
%macro FLAGS 1
        pushfq
        pop r14
        and r14, ARITH
        CHECK r14, %1
%endmacro

; Q reg, value: load a 64-bit constant.
%macro Q 2
        mov %1, %2
%endmacro

        TEST_START
        LM_ENTER

        ; --- ADD ADC SUB SBB NEG INC DEC ---
        Q rax, 0x7fffffffffffffff
        add rax, 1
        FLAGS FL_OF | FL_SF | FL_AF | FL_PF
        Q rcx, 0x8000000000000000
        CHECK rax, rcx
        Q rax, -1
        Q rbx, 1
        add rax, rbx
        FLAGS FL_CF | FL_ZF | FL_AF | FL_PF
        CHECK rax, 0
        stc
        Q rax, 0x00000000ffffffff
        adc rax, 0                      ; carries into bit 32
        FLAGS FL_AF | FL_PF
        Q rcx, 0x100000000
        CHECK rax, rcx
        xor eax, eax
        sub rax, 1
        FLAGS FL_CF | FL_SF | FL_AF | FL_PF
        CHECK rax, -1
        stc
        Q rax, 0x8000000000000000
        sbb rax, 0                      ; 0x8000.. - 1: overflow
        FLAGS FL_OF | FL_AF | FL_PF
        Q rcx, 0x7fffffffffffffff
        CHECK rax, rcx
        Q rax, 0x8000000000000000
        neg rax
        FLAGS FL_CF | FL_OF | FL_SF | FL_PF
        stc
        Q rax, 0x7fffffffffffffff
        inc rax                         ; keeps CF
        FLAGS FL_CF | FL_OF | FL_SF | FL_AF | FL_PF
        Q rax, 1
        dec rax
        FLAGS FL_ZF | FL_PF
        ; 32-bit ALU results zero-extend; 16- and 8-bit ones merge.
        Q rax, -1
        add eax, 1
        CHECK rax, 0
        Q rax, -1
        add ax, 1
        Q rcx, 0xffffffffffff0000
        CHECK rax, rcx
        Q rax, -1
        Q r9, 0x1122334455667788
        and r9d, eax
        CHECK r9, 0x55667788
        Q rsi, 0
        mov sil, 0x80
        add sil, 0x80
        FLAGS FL_CF | FL_OF | FL_ZF | FL_PF
        CHECK rsi, 0

        ; --- MUL IMUL ---
        Q rax, -1
        Q rbx, 2
        mul rbx
        FLAGS FL_CF | FL_OF | FL_SF     ; SF/PF from the low half (fe)
        CHECK rdx, 1
        CHECK rax, -2
        Q rax, 0x100000000
        mul rax
        FLAGS FL_CF | FL_OF | FL_PF
        CHECK rdx, 1
        CHECK rax, 0
        Q rax, -1
        Q rbx, -1
        imul rbx
        FLAGS 0
        CHECK rdx, 0
        CHECK rax, 1
        Q rax, 0x4000000000000000
        imul rax, rax, 2                ; overflows into the sign
        FLAGS FL_CF | FL_OF | FL_SF | FL_PF
        Q rcx, 0x8000000000000000
        CHECK rax, rcx
        Q rbx, 3
        imul rax, rbx, -5               ; imm8 sign-extended
        CHECK rax, -15
        imul rax, rbx, 0x7fffffff
        CHECK rax, 0x17ffffffd
        Q r12, -3
        imul r12, [rel data_m7]
        CHECK r12, 21

        ; --- DIV IDIV ---
        Q rdx, 1
        Q rax, 0
        Q rbx, 3
        div rbx                         ; 2^64 / 3
        Q rcx, 0x5555555555555555
        CHECK rax, rcx
        CHECK rdx, 1
        Q rdx, -1
        Q rax, -7
        Q rbx, 2
        idiv rbx
        CHECK rax, -3
        CHECK rdx, -1
        Q rdx, 1
        Q rax, 0
        Q rbx, 1
        TRY
        div rbx                         ; quotient needs 65 bits
        CATCH EXC_DE, NOERR
        Q rdx, -1
        Q rax, 0x8000000000000000
        Q rbx, -1
        TRY
        idiv rbx                        ; -2^63 / -1
        CATCH EXC_DE, NOERR

        ; --- shifts and rotates: 6-bit counts ---
        Q rax, 1
        shl rax, 63
        FLAGS FL_SF | FL_PF             ; OF from the operand (P6, host)
        Q rcx, 0x8000000000000000
        CHECK rax, rcx
        Q rax, 0x8000000000000000
        mov cl, 64                      ; masked to 0: nothing changes
        sar rax, cl
        Q rcx, 0x8000000000000000
        CHECK rax, rcx
        Q rax, 0x8000000000000000
        mov cl, 0x43                    ; masked to 3
        sar rax, cl
        Q rcx, 0xf000000000000000
        CHECK rax, rcx
        Q rax, 0x8000000000000001
        rol rax, 4
        CHECK rax, 0x18
        Q rax, 0x8000000000000001
        ror rax, 1                      ; after an equal CMP: ZF PF set
        FLAGS FL_CF | FL_ZF | FL_PF     ; CF = new top; OF = 1 xor 1 = 0
        Q rcx, 0xc000000000000000
        CHECK rax, rcx
        Q rax, 0x00ff000000000000
        Q rbx, 0xab00000000000000
        shld rax, rbx, 8
        Q rcx, 0xff000000000000ab
        CHECK rax, rcx
        Q rax, 0xff
        Q rbx, 0xff
        shrd rax, rbx, 4
        Q rcx, 0xf00000000000000f
        CHECK rax, rcx

        ; --- bits ---
        Q rax, 0x8000000000000000
        bt rax, 63                      ; only CF changes (ZF PF stay)
        FLAGS FL_CF | FL_ZF | FL_PF
        mov qword [test_scratch], 0
        mov qword [test_scratch + 8], 0
        mov rbx, 64 + 5                 ; the next quadword, bit 5
        bts qword [test_scratch], rbx
        CHECK qword [test_scratch + 8], 0x20
        mov rbx, -1                     ; the bit just below
        mov qword [test_scratch + 8], 0
        bts qword [test_scratch + 8], rbx
        Q rcx, 0x8000000000000000
        CHECK qword [test_scratch], rcx
        Q rax, 0x0000100000000000
        bsf rbx, rax
        CHECK rbx, 44
        Q rax, 0x0000100000000001
        bsr rbx, rax
        CHECK rbx, 44
        Q rax, 0x1122334455667788
        bswap rax
        Q rcx, 0x8877665544332211
        CHECK rax, rcx
        Q rax, 0x1122334455667788
        bswap eax                       ; 32-bit: zero-extends
        CHECK rax, 0x88776655

        ; --- XADD CMPXCHG CMPXCHG16B ---
        Q rax, 0x100000000
        mov [test_scratch], rax
        Q rbx, 5
        lock xadd [test_scratch], rbx
        Q rcx, 0x100000000
        CHECK rbx, rcx
        Q rcx, 0x100000005
        CHECK qword [test_scratch], rcx
        Q rax, 0x100000005
        Q rbx, 7
        lock cmpxchg [test_scratch], rbx
        FLAGS FL_ZF | FL_PF
        CHECK qword [test_scratch], 7
        Q rax, 8
        cmpxchg [test_scratch], rbx     ; fails: RAX = 7
        CHECK rax, 7
        ; CMPXCHG16B on a 16-byte aligned operand.
        mov qword [test_scratch + 16], 1
        mov qword [test_scratch + 24], 2
        Q rax, 1
        Q rdx, 2
        Q rbx, 3
        Q rcx, 4
        lock cmpxchg16b [test_scratch + 16]
        FLAGS FL_ZF | FL_PF             ; ZF set, the rest as before
        CHECK qword [test_scratch + 16], 3
        CHECK qword [test_scratch + 24], 4
        Q rax, 0
        cmpxchg16b [test_scratch + 16]  ; fails: RDX:RAX = the operand
        CHECK rax, 3
        CHECK rdx, 4
        TRY
        cmpxchg16b [test_scratch + 8]   ; not 16-byte aligned
        CATCH EXC_GP, 0

        ; --- moves and extensions ---
        Q rbx, 0x80000000
        movsxd rax, ebx
        Q rcx, 0xffffffff80000000
        CHECK rax, rcx
        db 0x63, 0xc3                   ; MOVSXD EAX, EBX (no REX.W)
        CHECK rax, 0x80000000
        Q rbx, 0x80
        movsx rax, bl
        CHECK rax, -128
        Q rax, -1
        movzx rax, bl
        CHECK rax, 0x80
        Q rsi, 0x7f
        movzx eax, sil                  ; REX: SIL, not DH
        CHECK rax, 0x7f
        Q rax, 0x80000000
        cdqe
        Q rcx, 0xffffffff80000000
        CHECK rax, rcx
        cqo
        CHECK rdx, -1
        ; CMOV with a 32-bit operand writes (zero-extends) either way.
        Q rax, -1
        Q rbx, 5
        cmp eax, eax                    ; ZF = 1
        cmovne eax, ebx                 ; not taken
        CHECK rax, 0xffffffff
        Q rax, -1
        cmovne rax, rbx                 ; 64-bit, not taken: unchanged
        CHECK rax, -1

        ; --- LEA with 32-bit addressing, 16-bit operands ---
        Q rbx, 0x1ffffffff
        lea rax, [ebx + 2]              ; 67: wraps at 4 GiB
        CHECK rax, 1
        Q rax, -1
        lea ax, [rbx + 0x12345]
        Q rcx, 0xffffffffffff2344
        CHECK rax, rcx

        ; --- XLAT, LAHF, SAHF ---
        mov byte [test_scratch + 0x42], 0x99
        mov rbx, test_scratch
        mov eax, 0x42
        xlatb
        CHECK rax, 0x99
        mov ah, FL_SF | FL_ZF | FL_CF | 2
        sahf
        FLAGS FL_SF | FL_ZF | FL_CF
        mov eax, 0
        stc                             ; (after CHECK's equal CMP)
        lahf
        shr eax, 8
        and eax, 0xd5
        CHECK rax, FL_CF | FL_ZF | FL_PF

        ; --- RIP-relative operands ---
        lea rax, [rel data_m7]
        CHECK rax, LIN(data_m7)
        mov rax, [rel data_m7]
        CHECK rax, -7
        ; RAM through RIP: the displacement reaches 0x580 from the ROM.
        mov qword [rel $$ + test_scratch - ROM_BASE], 0x4242
        CHECK qword [test_scratch], 0x4242
        ; With 67: EIP-relative (the address wraps at 4 GiB).
        db 0x67, 0x48, 0x8d, 0x05       ; lea rax, [eip + disp32]
        dd data_m7 - .eip_end
.eip_end:
        CHECK rax, LIN(data_m7)
        ; A RIP-relative operand followed by an immediate: the
        ; displacement counts from the end of the instruction.
        mov dword [rel $$ + test_scratch - ROM_BASE], 0x11111111
        CHECK qword [test_scratch], 0x11111111
        cmp dword [rel data_m7], -7
        FLAGS FL_ZF | FL_PF

        PUTS64 "ok", 10
        PASS

        align 8
data_m7:
        dq -7

        LM_LIB
        GUEST_LIB
        ROM_END
