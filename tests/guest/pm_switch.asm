; Mode switches: real -> 32-bit protected -> 16-bit protected -> real,
; unreal (big real) mode, and the segment caches each step leaves behind.
; expect: pm32
; expect: pm16
; expect: real
; expect: unreal
%include "guest.inc"
%include "pm.inc"

        TEST_START
        PM_ENTER
        PUTS32 "pm32", 10

        ; CPL 0, 32-bit code: a 32-bit push moves ESP by 4.
        mov ebx, esp
        push ax
        sub ebx, esp
        pop ax
        CHECK ebx, 2
        ; The far jump set CS's accessed bit, the DS load DATA's.
        CHECK {dword [GDT_SLOT(SEL_CODE32) + 4]}, 0x00409b0f
        CHECK {dword [GDT_SLOT(SEL_DATA) + 4]}, 0x00cf9300
        ; The TSS is busy after LTR.
        movzx eax, byte [GDT_SLOT(SEL_TSS) + 5]
        CHECK eax, 0x8b
        str eax
        CHECK eax, SEL_TSS

        ; A 4 GiB data segment for unreal mode; write beyond 1 MiB here.
        mov dword [0x200000], 0x12345678

        ; Into 16-bit protected mode, then real mode (SDM vol. 3, 9.9.2).
        jmp SEL_CODE16:pm16
        bits 16
pm16:
        mov ax, SEL_DATA16
        mov ss, ax
        ; Operand size now defaults to 16 bits.
        mov bx, sp
        push ax
        sub bx, sp
        pop ax
        cmp bx, 2
        je .push_ok
        FAIL 1
.push_ok:
        PUTS "pm16", 10
        ; ES keeps the flat 4 GiB descriptor; DS gets a 64 KiB one.
        mov ax, SEL_DATA16
        mov ds, ax
        mov eax, cr0
        and al, ~1
        mov cr0, eax
        jmp 0xf000:real
real:
        xor ax, ax
        mov ss, ax
        mov ds, ax
        mov sp, 0x7c00
        PUTS "real", 10
        ; Real mode: a segment load sets the base only. DS's limit is
        ; 64 KiB, so a 32-bit offset past it faults (#GP, vector 13 via
        ; the IVT); ES (loaded with 0 below) kept 4 GiB.
        mov ax, 0
        mov es, ax
        mov eax, [es:dword 0x200000]
        cmp eax, 0x12345678
        je .unreal_ok
        FAIL 2
.unreal_ok:
        mov dword [es:dword 0x200004], 0xcafef00d
        PUTS "unreal", 10

        ; Back to protected mode: the descriptor tables are still there.
        o32 lgdt [cs:pm_gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword SEL_CODE32:pm_again
        bits 32
pm_again:
        mov ax, SEL_DATA
        mov ds, ax
        mov ss, ax
        CHECK {dword [0x200004]}, 0xcafef00d
        ; CS base F0000: EIP is the label's offset.
        call .here
.here:  pop eax
        CHECK eax, .here
        PASS

        PM_LIB
        GUEST_LIB
        ROM_END
