; The flags between one flag-setting instruction and the next that
; overwrites them all, where nothing reads them - as far as a translator
; can tell. Whatever can see them there must see them right: a flag
; reader in between (PUSHFD, LAHF, SETcc, CMOVcc, ADC, SBB, RCL, Jcc,
; INC/DEC, which keep CF), a fault in between or in the overwriting
; instruction itself (the handler's EFLAGS image), the end of the block
; (a branch, the 64-instruction limit), a store that rewrites the
; overwriting instruction into one that sets no flags. Then the values
; of the register forms of ADD OR AND SUB XOR CMP TEST INC DEC SHL SHR
; SAR in every size with their flags overwritten right after (the forms
; a translator may run without their flags), summed into a checksum.
; expect: readers ok
; expect: faults ok
; expect: smc ok
; expect: values 7093a5c2
; expect: flags live ok
%include "guest.inc"
%include "pm.inc"

%define ARITH           0x8d5           ; OF SF ZF AF PF CF
%define SMC_BASE        0x20000
%define SCRATCH         (test_scratch + 0)
%define SEL_FLAT_CODE   (SEL_FREE + 0x00)

; PRODUCE: EAX = 0, flags CF ZF AF PF (0x55) from ADD 0xffffffff + 1,
; after a TEST that leaves none of them (ZF = CF = 0).
%macro PRODUCE 0
        mov eax, 0xffffffff
        mov ebx, 1
        test esp, esp
        add eax, ebx
%endmacro

; CHECK8 reg8, value: CHECK for a byte register (through EDX).
%macro CHECK8 2
        movzx edx, %1
        CHECK edx, %2
%endmacro

; ARITH_OF reg: the arithmetic flags of now into @reg.
%macro ARITH_OF 1
        pushfd
        pop %1
        and %1, ARITH
%endmacro

        TEST_START
        PM_ENTER
        SET_DESC SEL_FLAT_CODE, 0, 0xfffff, ACC_CODE, FL_32G

; --- flag readers between the producer and an overwriting SUB ---------
        PRODUCE
        pushfd
        sub ecx, ecx
        pop edx
        and edx, ARITH
        CHECK edx, 0x55

        PRODUCE
        lahf
        sub ecx, ecx
        movzx edx, ah
        and edx, ARITH & 0xff
        CHECK edx, 0x55

        PRODUCE
        setc dl
        sub ecx, ecx
        CHECK8 dl, 1

        PRODUCE
        setz dl
        sub ecx, ecx
        CHECK8 dl, 1

        mov edx, 0
        mov esi, 7
        PRODUCE
        cmovc edx, esi
        sub ecx, ecx
        CHECK edx, 7

        mov edx, 0
        PRODUCE
        adc edx, 0
        sub ecx, ecx
        CHECK edx, 1

        PRODUCE
        sbb edx, edx
        sub ecx, ecx
        CHECK edx, -1

        mov edx, 0
        PRODUCE
        rcl edx, 1
        sub ecx, ecx
        CHECK edx, 1

        PRODUCE
        jc .jc_ok
        PM_FAIL
.jc_ok: sub ecx, ecx

        ; Quiet instructions in between change nothing.
        mov edx, 0x1234
        PRODUCE
        mov ecx, edx
        lea esi, [eax + ebx * 2 + 5]
        movzx edi, cl
        not ebp
        xchg ecx, edx
        bswap esi
        cwde
        pushfd
        sub ecx, ecx
        pop edx
        and edx, ARITH
        CHECK edx, 0x55

        ; INC and DEC keep CF: ADD, INC, JC.
        mov ecx, 5
        PRODUCE
        inc ecx
        jc .inc_jc
        PM_FAIL
.inc_jc:
        PRODUCE
        inc ecx
        dec edx
        setc dl
        sub ecx, ecx
        CHECK8 dl, 1

        mov ecx, 5
        PRODUCE
        inc ecx
        ARITH_OF edx
        CHECK edx, 0x05                 ; 6: PF, CF kept

        mov edx, 0
        PRODUCE
        dec ecx
        inc ecx
        adc edx, 0
        CHECK edx, 1

        ; After a logic operation CF is clear - unless something between
        ; it and the INC/DEC sets it.
        stc
        xor eax, eax
        inc ecx
        setc dl
        CHECK8 dl, 0

        stc
        or eax, eax
        dec ecx
        dec ecx
        setc dl
        CHECK8 dl, 0

        PRODUCE
        xor eax, eax
        inc ecx
        setc dl
        CHECK8 dl, 0

        mov ebx, 0x80000000
        xor eax, eax
        shl ebx, 1
        inc ecx
        setc dl
        CHECK8 dl, 1

        mov ebx, 0x80000000
        xor eax, eax
        add ebx, ebx
        dec ecx
        setc dl
        CHECK8 dl, 1

        mov ebx, 3
        xor eax, eax
        sar ebx, 1
        inc ecx
        setc dl
        CHECK8 dl, 1

        mov ebx, 3
        xor eax, eax
        bt ebx, 0
        inc ecx
        setc dl
        CHECK8 dl, 1

        xor eax, eax
        stc
        inc ecx
        setc dl
        CHECK8 dl, 1

        xor eax, eax
        cmc
        dec ecx
        setc dl
        CHECK8 dl, 1

        mov ah, 1
        xor ebx, ebx
        sahf
        inc ecx
        setc dl
        CHECK8 dl, 1

        push dword 0x2 | 1
        xor eax, eax
        popfd
        inc ecx
        setc dl
        CHECK8 dl, 1

        PRODUCE
        xor eax, eax
        mov [SCRATCH], eax
        mov ecx, [SCRATCH]
        inc ecx
        setc dl
        CHECK8 dl, 0

        mov edx, 0
        test eax, eax
        mov ecx, edx
        not ecx
        inc ecx
        inc ecx
        adc edx, 0
        CHECK edx, 0

        ; The block ends after the overwriting instruction.
        PRODUCE
        sub ecx, ecx
        jmp .next
.next:  ARITH_OF edx
        CHECK edx, 0x44

        ; The producer is the 64th instruction of a block, the last one.
        jmp .b64
.b64:   mov eax, 0xffffffff
        mov ebx, 1
%rep 61
        add esi, 1
%endrep
        add eax, ebx
        ARITH_OF edx
        CHECK edx, 0x55
        ; And the 63rd, overwritten by the 64th: the next block sees the
        ; 64th's.
        jmp .b63
.b63:   mov eax, 0xffffffff
        mov ebx, 1
%rep 60
        add esi, 1
%endrep
        add eax, ebx
        sub ecx, ecx
        ARITH_OF edx
        CHECK edx, 0x44
        PUTS32 "readers ok", 10

; --- faults between the producer and the overwriting instruction ------
        TRY
        PRODUCE
        mov [cs:0], ecx                 ; #GP(0): CS is not writable
        sub ecx, ecx
        CATCH EXC_GP, 0
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        ; The overwriting instruction stores before the fault.
        TRY
        PRODUCE
        sub ecx, ecx
        mov [cs:0], ecx
        CATCH EXC_GP, 0
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x44

        ; The overwriting instruction faults itself.
        TRY
        PRODUCE
        add [cs:0], ecx
        CATCH EXC_GP, 0
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        xor ecx, ecx
        mov gs, cx
        TRY
        PRODUCE
        mov ecx, [gs:0]                 ; #GP(0): null selector
        sub ecx, ecx
        CATCH EXC_GP, 0
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        TRY
        PRODUCE
        mov ecx, 0
        div ecx                         ; #DE
        sub ecx, ecx
        CATCH EXC_DE, NOERR
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        TRY
        PRODUCE
        int3
        sub ecx, ecx
        CATCH EXC_BP, NOERR
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        TRY
        PRODUCE
        ud2
        sub ecx, ecx
        CATCH EXC_UD, NOERR
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55

        ; A producer with a memory operand.
        mov dword [SCRATCH], 1
        TRY
        mov eax, 0xffffffff
        test esp, esp
        add eax, [SCRATCH]
        mov [cs:0], ecx
        sub ecx, ecx
        CATCH EXC_GP, 0
        mov edx, [exc_eflags]
        and edx, ARITH
        CHECK edx, 0x55
        PUTS32 "faults ok", 10

; --- the overwriting instruction rewritten before it runs ---------------
        call smc_copy
        mov eax, 0x80000000
        mov ebx, eax
        test esp, esp
        call SEL_FLAT_CODE:SMC_BASE
        and edx, ARITH
        CHECK edx, 0x845                ; ADD's: OF ZF PF CF
        CHECK ecx, 0x12345678           ; the MOV ran, not the SUB
        ; Again, rebuilt from the fresh copy.
        call smc_copy
        mov eax, 0x80000000
        mov ebx, eax
        test esp, esp
        call SEL_FLAT_CODE:SMC_BASE
        and edx, ARITH
        CHECK edx, 0x845
        PUTS32 "smc ok", 10

; --- values of the forms without flags ----------------------------------
        xor edi, edi
%macro V 1+
        mov eax, 0x89abcdef
        mov ebx, 0x76543210
        mov ecx, 0xf00f5aa5
        mov edx, 0x0ff0a55a
        %1
        cmp esi, esi
        call mix
%endmacro
%macro V_ALL 1
        V %1 eax, ebx
        V %1 ecx, edx
        V %1 ax, bx
        V %1 dx, cx
        V %1 al, bl
        V %1 ah, dl
        V %1 bh, ch
        V %1 ecx, 0x7fff8001
        V %1 edx, -3
        V %1 bx, 0x8001
        V %1 cx, 5
        V %1 dl, 0x81
        V %1 ch, 0x7f
        V %1 eax, 0x12345678
        V %1 ax, 0x8765
        V %1 al, 0xfe
%endmacro
        V_ALL add
        V_ALL or
        V_ALL and
        V_ALL sub
        V_ALL xor
        V_ALL cmp
        V_ALL test
        V_ALL adc
        V_ALL sbb
        ; ALU Gv, Ev (03 /r and friends)
%assign op 0
%rep 8
        V db (op << 3) | 3, 0xc3        ; op eax, ebx
        V db 0x66, (op << 3) | 3, 0xca  ; op cx, dx
        V db (op << 3) | 2, 0xc7        ; op al, bh
        V db (op << 3) | 2, 0xe1        ; op ah, cl
  %assign op op + 1
%endrep
%macro V_INCDEC 1
        V %1 eax
        V %1 edx
        V %1 cx
        V %1 bx
        V %1 al
        V %1 ah
        V %1 bl
        V %1 dh
%endmacro
        V_INCDEC inc
        V_INCDEC dec
        V db 0xff, 0xc3                 ; inc ebx (FF /0)
        V db 0xff, 0xc9                 ; dec ecx (FF /1)
        V db 0x66, 0xff, 0xc2           ; inc dx
        V db 0x66, 0xff, 0xc8           ; dec ax
%macro V_SHIFT 1
        V %1 eax, 1
        V %1 ebx, 7
        V %1 ecx, 31
        V %1 edx, 33                    ; (count masked to 1)
        V %1 ax, 1
        V %1 bx, 9
        V %1 cx, 16
        V %1 dx, 17
        V %1 al, 1
        V %1 bl, 3
        V %1 ch, 8
        V %1 dh, 9
        V %1 ah, 31
%endmacro
        V_SHIFT shl
        V_SHIFT shr
        V_SHIFT sar
        mov eax, edi
        PUTS32 "values "
        call pm_hex32
        mov al, 10
        out DEBUGCON, al

        PUTS32 "flags live ok", 10
        PASS

; EDI = EDI rotated, plus every register.
mix:
        rol edi, 7
        add edi, eax
        rol edi, 7
        add edi, ebx
        rol edi, 7
        add edi, ecx
        rol edi, 7
        add edi, edx
        ret

; Copy the SMC snippet to SMC_BASE.
smc_copy:
        push esi
        push edi
        push ecx
        mov esi, smc_snip
        mov edi, SMC_BASE
        mov ecx, smc_snip_end - smc_snip
.copy:  mov al, [cs:esi]
        mov [edi], al
        inc esi
        inc edi
        loop .copy
        pop ecx
        pop edi
        pop esi
        ret

; Run at SMC_BASE: the store turns SUB ECX, EDX (29 D1) into MOV ECX, EDX
; (89 D1), so the flags after it are ADD's. EDX: the flags.
smc_snip:
        mov edx, 0x12345678
        add eax, ebx
        mov byte [SMC_BASE + (smc_patch - smc_snip)], 0x89
smc_patch:
        sub ecx, edx
        pushfd
        pop edx
        retf
smc_snip_end:

        PM_LIB
        GUEST_LIB
        ROM_END
