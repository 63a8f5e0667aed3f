; FXSAVE/FXRSTOR (P6, CR4.OSFXSR clear): the 512-byte layout with the
; abridged tag word, FOP and the pointers as offsets; MXCSR and the XMM
; area untouched; the round trip; #GP on a misaligned area, #NM with TS.
%include "guest.inc"
%include "fpu.inc"

%define FX 0x600
%define GP_COUNT 0x480
%define NM_COUNT 0x482

        TEST_START
        SET_VECTOR 13, gp_handler
        SET_VECTOR 7, nm_handler
        mov word [GP_COUNT], 0
        mov word [NM_COUNT], 0
        ; fill the area with a pattern
        xor ax, ax
        mov es, ax
        mov di, FX
        mov cx, 512
        mov al, 0xaa
        rep stosb

        fninit
        fldcw [cs:cw_test]
        fldz
        fld1
.last:  fldpi                           ; TOP 5
        fxsave [FX]
        cmp word [FX], 0x027f
        je .a1
        FAIL 1
.a1:    cmp word [FX + 2], 0x2800
        je .a2
        FAIL 2
.a2:    cmp word [FX + 4], 0x00e0       ; abridged tag R5-R7, reserved 0
        je .a3
        FAIL 3
.a3:    cmp word [FX + 6], 0x1eb        ; FOP of FLDPI
        je .a4
        FAIL 4
.a4:    cmp dword [FX + 8], .last       ; FIP is the offset
        je .a5
        FAIL 5
.a5:    cmp dword [FX + 12], 0xf000     ; FCS, reserved 0
        je .a6
        FAIL 6
.a6:    cmp dword [FX + 24], 0xaaaaaaaa ; MXCSR not saved without OSFXSR
        je .a7
        FAIL 7
.a7:    CHECK_BYTES FX + 32, x80_pi_pad, 16, 8
        CHECK_BYTES FX + 48, x80_one_pad, 16, 9
        cmp dword [FX + 160], 0xaaaaaaaa ; XMM area untouched
        je .a8
        FAIL 10
.a8:
        ; FXSAVE keeps the state; FXRSTOR after FNINIT restores it
        CHECK_SW SW_TOP, 0x2800, 11
        fninit
        fxrstor [FX]
        CHECK_SW 0xffff, 0x2800, 12
        fnstenv [RES]
        cmp word [RES + 4], 0x43ff      ; tags recomputed: R7 zero
        je .b1
        FAIL 13
.b1:    cmp word [RES], 0x027f
        je .b2
        FAIL 14
.b2:    fstp tword [RES]
        CHECK_BYTES RES, x80_pi_pad, 10, 15

        ; a misaligned area: #GP(0), nothing written
        fxsave [FX + 8]                 ; 5 bytes, skipped by the handler
        cmp word [GP_COUNT], 1
        je .c1
        FAIL 16
.c1:    ; CR0.TS: #NM
        mov eax, cr0
        or eax, 8
        mov cr0, eax
        fxsave [FX]
        cmp word [NM_COUNT], 1
        je .c2
        FAIL 17
.c2:    PASS

gp_handler:
        push bp
        mov bp, sp
        inc word [GP_COUNT]
        add word [bp + 2], 5
        pop bp
        iret

nm_handler:
        inc word [NM_COUNT]
        clts
        iret

cw_test:        dw 0x027f
x80_pi_pad:     dq 0xc90fdaa22168c235
                dw 0x4000
                times 6 db 0
x80_one_pad:    dq 0x8000000000000000
                dw 0x3fff
                times 6 db 0

        GUEST_LIB
        ROM_END
