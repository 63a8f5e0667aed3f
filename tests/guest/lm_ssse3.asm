; SSSE3 in 64-bit mode (-cpu qemu64,+ssse3): the 0F 38 and 0F 3A maps
; with REX (XMM8-15; on MMX registers REX.R/B are ignored), PALIGNR with
; a RIP-relative operand followed by its count byte, PSHUFB, PHADDW,
; PABSD, and CPUID showing the added feature.
; pcvm-args: -no-reboot -cpu qemu64,+ssse3
; kvm-needs: paging cpuid
; expect: ok
%include "guest.inc"
%include "lm.inc"


        TEST_START
        LM_ENTER
        mov rax, cr0
        and eax, ~((1 << 2) | (1 << 3))
        or eax, 1 << 1
        mov cr0, rax
        mov rax, cr4
        or eax, (1 << 9) | (1 << 10)
        mov cr4, rax

        mov eax, 1
        cpuid
        and ecx, 1 << 9
        CHECK rcx, 1 << 9

        movdqu xmm9, [rel vecs + 16 * 9]
        palignr xmm9, [rel vecs + 16 * 2], 5
        XCHK xmm9, 0x2c2b2a2928272625, 0x94939291902f2e2d
        movdqu xmm12, [rel vecs + 16 * 12]
        movdqu xmm13, [rel pshufb_ctl]
        pshufb xmm12, xmm13
        XCHK xmm12, 0xc8c9ca00cccdce00, 0xc0c1c200c4c5c600
        pabsd xmm15, [rel dw_abs]
        mov rax, 0x8000000000000001
        XCHK xmm15, rax, 0x0000000700000005
        movq mm1, [rel w_a]
        movq mm2, [rel w_b]
        db 0x45, 0x0f, 0x38, 0x01, 0xca ; phaddw mm1, mm2 (REX.R, REX.B)
        movq rax, mm1
        mov rcx, 0x0001000000700030
        CHECK rax, rcx
        movq mm1, [rel w_a]
        lea r9, [rel w_b]
        phaddw mm1, [r9]                ; REX.B: the base register
        movq rax, mm1
        CHECK rax, rcx
        emms

        PUTS64 "ok", 10
        PASS

        align 16
vecs:   BYTES_0_TO_255
pshufb_ctl:
        db 0x80, 14, 13, 12, 0x80, 10, 9, 8, 0x80, 6, 5, 4, 0x80, 2, 1, 0
dw_abs: dd -1, 0x80000000, 5, -7
w_a:    dw 0x10, 0x20, 0x30, 0x40
w_b:    dw 0xffff, 1, 0xfffe, 3

        LM_LIB
        GUEST_LIB
        ROM_END
