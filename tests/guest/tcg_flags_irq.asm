; Interrupts between instructions whose flags a later instruction
; overwrites before anything reads them: the interrupt handler's EFLAGS
; image must hold the flags of the instruction just before it all the
; same. First the interrupt held by STI's shadow, taken after the one
; instruction that follows STI (the first of its block, with an event
; already pending as the block starts). Then a timer interrupt every few
; thousand instructions into a loop of register arithmetic: under -icount
; it arrives exactly where the instruction budget ends, anywhere inside
; the loop's block; the handler recomputes the flags the interrupted
; instruction left from the registers and compares, and every boundary in
; the loop must have been hit.
; expect: sti shadow ok
; expect: boundaries hit 13 of 13
; expect: irq flags ok
; kvm: no (which boundaries the timer hits is up to the host's timing; the test wants all)
%include "guest.inc"
%include "pm.inc"

%define ARITH           0x8d5           ; OF SF ZF AF PF CF
%define VARS            0x800
%define IRQ_EIP         (VARS + 0x00)
%define IRQ_EFLAGS      (VARS + 0x04)
%define STUB_PTR        (VARS + 0x08)
%define COUNT           (VARS + 0x0c)
%define JITTER          (VARS + 0x60)
%define HITS            (VARS + 0x10)   ; a dword per boundary
%define K               0x01234567
%define ITERATIONS      300000
%define NBOUNDS         13              ; instructions in the loop

        TEST_START
        PM_ENTER
        call pic_init32

; --- STI; ADD (interrupt here); SUB -----------------------------------
        SET_GATE IDT_SLOT(0x20), SEL_CODE32, irq_once, 0x8e, 0
        mov al, 0x34                    ; counter 0, LSB then MSB, mode 2
        out 0x43, al
        mov al, 50                      ; every 42 us
        out 0x40, al
        xor al, al
        out 0x40, al
        ; (pcvm's run loop learns of a timer armed in the middle of a run
        ; slice at the slice's end, or when the CPU idles: wait for the
        ; first tick in HLT.)
        sti
        hlt
        cli
        ; The next tick, pending with IF clear.
.wait:  mov al, 0x0a                    ; OCW3: read IRR
        out 0x20, al
        in al, 0x20
        test al, 1
        jz .wait
        mov eax, 0xffffffff
        mov ebx, 1
        test esp, esp
        sti
        add eax, ebx
.after: sub ecx, ecx
        xor edx, edx
        add esi, edi
        cli
        mov eax, [IRQ_EIP]
        CHECK eax, .after
        mov edx, [IRQ_EFLAGS]
        and edx, ARITH
        CHECK edx, 0x55                 ; ADD's: ZF AF PF CF
        PUTS32 "sti shadow ok", 10

; --- a timer interrupt anywhere in the loop ------------------------------
        SET_GATE IDT_SLOT(0x20), SEL_CODE32, irq_check, 0x8e, 0
        mov edi, HITS
        mov ecx, NBOUNDS
        xor eax, eax
        rep stosd
        mov al, 0x34                    ; counter 0, LSB then MSB, mode 2
        out 0x43, al
        mov al, 9                       ; every 7.5 us
        out 0x40, al
        xor al, al
        out 0x40, al
        sti
        hlt
        mov eax, 0x89abcdef
        mov ebx, 0x76543210
        mov ecx, 0xf00f5aa5
        mov edx, 0x0ff0a55a
        mov esi, 0x13579bdf
        mov edi, 0x2468ace0
        mov ebp, 0x55555555
        mov dword [COUNT], ITERATIONS + 1
        or ebp, edx                     ; (as at the loop's end: b13)
        dec dword [COUNT]
        sti
        jmp b1
        ; Each instruction's flags but ADD ESI's (INC reads its CF) and
        ; OR's (before a memory operand) are overwritten before use.
b1:     add eax, ebx
b2:     sub ecx, eax
b3:     xor edx, ecx
b4:     mov esi, edx
b5:     add esi, K
b6:     inc edi
b7:     mov ebp, esi
b8:     shl ebp, 3
b9:     add bx, cx
b10:    sub dl, bh
b11:    or ebp, edx
b12:    dec dword [COUNT]
b13:    jnz b1
        cli
        mov al, 0x30                    ; stop the rate generator
        out 0x43, al

        xor ebx, ebx
        xor ecx, ecx
.count: cmp dword [HITS + ecx * 4], 0
        je .unhit
        inc ebx
.unhit: inc ecx
        cmp ecx, NBOUNDS
        jb .count
        PUTS32 "boundaries hit "
        mov eax, ebx
        call pm_dec
        PUTS32 " of "
        mov eax, NBOUNDS
        call pm_dec
        mov al, 10
        out DEBUGCON, al
        PUTS32 "irq flags ok", 10
        PASS

; Master PIC at vectors 20h-27h, only IRQ0 open; slave masked.
pic_init32:
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xa1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xa1, al
        mov al, 0x01
        out 0x21, al
        out 0xa1, al
        mov al, 0xfe
        out 0x21, al
        mov al, 0xff
        out 0xa1, al
        ret

irq_once:
        push eax
        mov eax, [esp + 4]
        mov [IRQ_EIP], eax
        mov eax, [esp + 12]
        mov [IRQ_EFLAGS], eax
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

; At boundary i (the interrupted EIP is bounds[i]), stubs[i] recomputes,
; from the registers as they are there, the flags the instruction before
; left, and returns them in EAX.
irq_check:
        pushad
        mov eax, [esp + 32]
        mov ecx, NBOUNDS
.find:  cmp eax, [cs:bounds + ecx * 4 - 4]
        je .found
        loop .find
        jmp .done                       ; not in the loop
.found: inc dword [HITS + ecx * 4 - 4]
        mov eax, [cs:stubs + ecx * 4 - 4]
        mov [STUB_PTR], eax
        mov eax, [esp + 28]
        mov ecx, [esp + 24]
        mov edx, [esp + 20]
        mov ebx, [esp + 16]
        mov ebp, [esp + 8]
        mov esi, [esp + 4]
        mov edi, [esp + 0]
        call [STUB_PTR]
        and eax, ARITH
        mov edx, [esp + 40]
        and edx, ARITH
        cmp eax, edx
        jne .bad
.done:  ; A delay of 0 to 15 loop turns, so that under -icount, where
        ; time is instructions, the next tick lands elsewhere in the loop.
        mov ecx, [JITTER]
        inc dword [JITTER]
        and ecx, 15
        jecxz .eoi
.delay: loop .delay
.eoi:   mov al, 0x20
        out 0x20, al
        popad
        iretd
.bad:   PUTS32 "interrupted at "
        push eax
        mov eax, [esp + 4 + 32]
        call pm_hex32
        PUTS32 ": flags "
        mov eax, edx
        call pm_hex32
        PUTS32 ", expected "
        pop eax
        call pm_hex32
        mov al, 10
        out DEBUGCON, al
        FAIL 1

%macro FLAGS_RET 0
        pushfd
        pop eax
        ret
%endmacro
s_add_eax:                              ; after ADD EAX, EBX
        sub eax, ebx
        add eax, ebx
        FLAGS_RET
s_sub_ecx:
        add ecx, eax
        sub ecx, eax
        FLAGS_RET
s_xor_edx:
        xor edx, ecx
        xor edx, ecx
        FLAGS_RET
s_add_esi:
        sub esi, K
        add esi, K
        FLAGS_RET
s_inc_edi:                              ; CF from ADD ESI
        sub esi, K
        add esi, K
        dec edi
        inc edi
        FLAGS_RET
s_shl_ebp:
        mov ebp, esi
        shl ebp, 3
        FLAGS_RET
s_add_bx:
        sub bx, cx
        add bx, cx
        FLAGS_RET
s_sub_dl:
        add dl, bh
        sub dl, bh
        FLAGS_RET
s_or_ebp:
        or ebp, edx
        FLAGS_RET
s_dec_count:                            ; CF from OR: clear
        or ebp, edx
        inc dword [COUNT]
        dec dword [COUNT]
        FLAGS_RET

        align 4
bounds: dd b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13
stubs:  dd s_dec_count, s_add_eax, s_sub_ecx, s_xor_edx, s_xor_edx
        dd s_add_esi, s_inc_edi, s_inc_edi, s_shl_ebp, s_add_bx
        dd s_sub_dl, s_or_ebp, s_dec_count

        PM_LIB
        GUEST_LIB
        ROM_END
