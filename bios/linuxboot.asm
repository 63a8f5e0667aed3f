; linuxboot.asm: pcvm's option ROM for -kernel (Linux boot protocol).
;
; The firmware (SeaBIOS) finds this ROM in fw_cfg ("genroms/linuxboot.bin"),
; runs its init entry at option-ROM scan, and calls its boot entry vector
; (BEV, from the PnP header) when it boots. The boot entry copies the four
; pieces pcvm prepared (hw/pc/linux_boot.c) from fw_cfg to guest memory with
; the fw_cfg DMA interface - real-mode setup code, protected-mode kernel,
; initrd, command line - and jumps to the setup code as the boot protocol
; says: DS = ES = FS = GS = SS = setup segment, SP at the heap's end, CS:IP
; = setup segment + 0x20 : 0.
;
; pcvm fixes the image's checksum when it loads it, so nothing here needs to
; add up.

%include "optionrom.inc"

        OPTION_ROM_HEADER "Linux loader (pcvm -kernel)"

boot:
        cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7c00
        ; The DMA interface is required (fw_cfg ID bit 1).
        mov ax, FW_CFG_ID
        call cfg_read32
        test al, 2
        jz rom_fail

        mov ax, FW_CFG_SETUP_ADDR
        mov bx, FW_CFG_SETUP_SIZE
        mov si, FW_CFG_SETUP_DATA
        call copy_piece
        jc rom_fail
        mov ax, FW_CFG_KERNEL_ADDR
        mov bx, FW_CFG_KERNEL_SIZE
        mov si, FW_CFG_KERNEL_DATA
        call copy_piece
        jc rom_fail
        mov ax, FW_CFG_INITRD_ADDR
        mov bx, FW_CFG_INITRD_SIZE
        mov si, FW_CFG_INITRD_DATA
        call copy_piece
        jc rom_fail
        mov ax, FW_CFG_CMDLINE_ADDR
        mov bx, FW_CFG_CMDLINE_SIZE
        mov si, FW_CFG_CMDLINE_DATA
        call copy_piece
        jc rom_fail

        ; Enter the setup code: segment = setup address / 16.
        mov ax, FW_CFG_SETUP_ADDR
        call cfg_read32
        mov ebx, eax                    ; setup base
        mov ax, FW_CFG_CMDLINE_ADDR
        call cfg_read32
        sub eax, ebx                    ; the stack tops out at the heap end
        sub eax, 16
        shr ebx, 4
        mov ds, bx
        mov es, bx
        mov fs, bx
        mov gs, bx
        mov ss, bx
        mov sp, ax
        add bx, 0x20
        push bx
        push word 0
        retf

        OPTION_ROM_END
