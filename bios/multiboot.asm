; multiboot.asm: pcvm's option ROM for Multiboot (v1) kernels given to
; -kernel.
;
; Like linuxboot.asm, the firmware runs the init entry at option-ROM scan
; and calls the boot entry vector when it boots. The boot entry copies the
; blob pcvm prepared (hw/pc/multiboot.c: kernel, modules, Multiboot
; information) from fw_cfg by DMA, then enters 32-bit protected mode with
; flat segments and jumps to the kernel with EAX = 0x2BADB002 and EBX = the
; information structure, as the Multiboot specification requires (A20 on,
; paging off, interrupts off).
;
; fw_cfg items: KERNEL_ADDR/SIZE/DATA carry the blob, KERNEL_ENTRY the entry
; point, and INITRD_ADDR the information structure's address (a pcvm
; convention: a Multiboot boot has no Linux initrd).

%include "optionrom.inc"

; A GDT descriptor in low RAM, written at boot.
%define GDTR_ADDR 0x7e40

        OPTION_ROM_HEADER "Multiboot loader (pcvm -kernel)"

boot:
        cli
        cld
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        mov ax, FW_CFG_ID
        call cfg_read32
        test al, 2
        jz rom_fail

        mov ax, FW_CFG_KERNEL_ADDR
        mov bx, FW_CFG_KERNEL_SIZE
        mov si, FW_CFG_KERNEL_DATA
        call copy_piece
        jc rom_fail
        mov ax, FW_CFG_KERNEL_ENTRY
        call cfg_read32
        mov esi, eax
        mov ax, FW_CFG_INITRD_ADDR
        call cfg_read32
        mov edi, eax

        ; A GDT descriptor in low RAM pointing at the ROM's GDT, wherever
        ; the firmware placed the ROM.
        xor ebx, ebx
        mov bx, cs
        shl ebx, 4
        lea eax, [ebx + gdt]
        mov word [GDTR_ADDR], gdt_end - gdt - 1
        mov [GDTR_ADDR + 2], eax
        lgdt [GDTR_ADDR]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        push dword 0x08
        lea eax, [ebx + pm32]
        push eax
        o32 retf

        bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov eax, 0x2badb002
        mov ebx, edi
        jmp esi

        bits 16
        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
        dq 0x00cf92000000ffff           ; 0x10: flat 32-bit data
gdt_end:

        OPTION_ROM_END
