; A Pentium MMX (-cpu pentium): MMX works; the P6 x87 additions (FCOMI,
; FCMOVcc) and FXSAVE raise #UD; FISTTP (SSE3) raises #UD.
; pcvm-args: -cpu pentium
%include "guest.inc"
%include "fpu.inc"

%define UD_COUNT 0x480

; UD_EXPECT n, insn...: insn must raise #UD (handler skips n bytes).
%macro UD_EXPECT 2+
        mov word [UD_LEN], %1
        mov ax, [UD_COUNT]
        %2
        inc ax
        cmp ax, [UD_COUNT]
        je %%ok
        FAIL 1
%%ok:
%endmacro
%define UD_LEN 0x482

        TEST_START
        SET_VECTOR 6, ud_handler
        mov word [UD_COUNT], 0
        fninit
        fld1
        fld1
        UD_EXPECT 2, fcomi st0, st1
        UD_EXPECT 2, fucomip st0, st1
        UD_EXPECT 2, fcmovb st0, st1
        UD_EXPECT 2, fcmovnu st0, st1
        UD_EXPECT 4, fxsave [0x600]
        UD_EXPECT 4, db 0xdf, 0x0e, 0x00, 0x06  ; fisttp word [0x600]
        ; MMX is there
        movq mm0, [cs:val]
        paddb mm0, mm0
        movq [RES], mm0
        CHECK_BYTES RES, val2, 8, 2
        emms
        PASS

ud_handler:
        push bp
        mov bp, sp
        push ax
        inc word [UD_COUNT]
        mov ax, [UD_LEN]
        add [bp + 2], ax
        pop ax
        pop bp
        iret

val:    db 1, 2, 3, 4, 5, 6, 7, 8
val2:   db 2, 4, 6, 8, 10, 12, 14, 16

        GUEST_LIB
        ROM_END
