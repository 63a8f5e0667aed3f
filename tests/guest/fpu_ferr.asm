; Legacy x87 error reporting (CR0.NE = 0), as DOS-era software relies on:
; an unmasked x87 exception asserts FERR#, which the board turns into
; IRQ13 (slave 8259 input 5); the handler writes port 0xF0 (clearing the
; interrupt and asserting IGNNE#) and FNCLEX, then the program goes on.
; expect: irq13 ok
%include "guest.inc"

%define VEC_IRQ13 0x75

        TEST_START
        ; 8259 pair: master at 0x08, slave at 0x70 (BIOS layout).
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x08
        out 0x21, al
        mov al, 0x70
        out 0xa1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xa1, al
        mov al, 0x01
        out 0x21, al
        out 0xa1, al
        mov al, 0xfb                    ; master: only the cascade
        out 0x21, al
        mov al, 0xdf                    ; slave: only IRQ13
        out 0xa1, al
        mov word [VEC_IRQ13 * 4], irq13_handler
        mov word [VEC_IRQ13 * 4 + 2], 0xf000
        mov word [0x600], 0             ; interrupt count

        mov eax, cr0
        and eax, ~0x20                  ; NE = 0: FERR#, not #MF
        mov cr0, eax
        fninit
        fldcw [cs:control]              ; zero-divide unmasked
        sti
        fld1
        fldz
        fdivp st1, st0                  ; 1/0: ZE pending, FERR# up
        fwait                           ; waits for the handler to run
        nop
        cli
        CHECK_EQ word [0x600], 1, 1
        fnstsw ax
        test ax, 0x8084                 ; B, ES, ZE cleared by FNCLEX
        jz .clear
        FAIL 2
.clear:
        PUTS "irq13 ok", 10
        PASS

irq13_handler:
        push ax
        inc word [0x600]
        xor al, al
        out 0xf0, al                    ; clear IRQ13, IGNNE# on
        fnclex
        mov al, 0x20
        out 0xa0, al
        out 0x20, al
        pop ax
        iret

control: dw 0x037b

        GUEST_LIB
        ROM_END
