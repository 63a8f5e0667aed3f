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

        bits 16
        cpu 686
        org 0

%define FW_CFG_CTL 0x510
%define FW_CFG_DATA 0x511
%define FW_CFG_DMA_HI 0x514
%define FW_CFG_DMA_LO 0x518

%define FW_CFG_ID 0x01
%define FW_CFG_INITRD_ADDR 0x0a
%define FW_CFG_INITRD_SIZE 0x0b
%define FW_CFG_KERNEL_DATA 0x11
%define FW_CFG_INITRD_DATA 0x12
%define FW_CFG_CMDLINE_ADDR 0x13
%define FW_CFG_CMDLINE_SIZE 0x14
%define FW_CFG_CMDLINE_DATA 0x15
%define FW_CFG_SETUP_ADDR 0x16
%define FW_CFG_SETUP_SIZE 0x17
%define FW_CFG_SETUP_DATA 0x18
%define FW_CFG_KERNEL_ADDR 0x07
%define FW_CFG_KERNEL_SIZE 0x08

%define DMA_CTL_ERROR 0x01
%define DMA_CTL_READ 0x02
%define DMA_CTL_SELECT 0x08

; The DMA descriptor lives in low RAM the loaded pieces never touch.
%define DESC_SEG 0x0000
%define DESC_OFF 0x7e00

rom_start:
        db 0x55, 0xaa
        db rom_blocks                   ; size in 512-byte blocks
        jmp init                        ; offset 3: initialisation entry
        times 0x18 - ($ - $$) db 0
        dw 0                            ; no PCI data structure
        dw pnp_header                   ; offset 0x1a

        align 16
pnp_header:
        db "$PnP"
        db 1                            ; revision
        db 2                            ; length in 16-byte units
        dw 0                            ; next header
        db 0                            ; reserved
        db 0                            ; checksum (pcvm fixes the ROM's)
        dd 0                            ; device identifier
        dw manufacturer
        dw product
        db 0, 0, 0                      ; device type
        db 0x14                         ; indicators: IPL device, boot
        dw 0                            ; boot connection vector
        dw 0                            ; disconnect vector
        dw boot                         ; bootstrap entry vector
        dw 0                            ; reserved
        dw 0                            ; static resource information

manufacturer: db "pcvm", 0
product:      db "Linux loader (pcvm -kernel)", 0

init:
        ; Nothing to set up: the PnP header announces the boot entry.
        retf

; Select fw_cfg item AX and read its first 32 bits (little endian) in EAX.
cfg_read32:
        mov dx, FW_CFG_CTL
        out dx, ax
        mov dx, FW_CFG_DATA
        xor eax, eax
        mov cx, 4
.byte:  in al, dx
        ror eax, 8
        loop .byte
        ret

; DMA item AX into physical address EDI, ECX bytes. CF set on error.
cfg_dma_read:
        push es
        push bx
        mov bx, DESC_SEG
        mov es, bx
        mov bx, DESC_OFF
        ; control = (item << 16) | SELECT | READ, big endian
        movzx eax, ax
        shl eax, 16
        or eax, DMA_CTL_SELECT | DMA_CTL_READ
        bswap eax
        mov [es:bx], eax
        mov eax, ecx
        bswap eax
        mov [es:bx + 4], eax            ; length
        mov dword [es:bx + 8], 0        ; address, high half
        mov eax, edi
        bswap eax
        mov [es:bx + 12], eax           ; address, low half
        ; Kick: descriptor address, high half then low half (big endian).
        xor eax, eax
        mov dx, FW_CFG_DMA_HI
        out dx, eax
        mov eax, DESC_SEG * 16 + DESC_OFF
        bswap eax
        mov dx, FW_CFG_DMA_LO
        out dx, eax
.wait:  mov eax, [es:bx]
        bswap eax
        test eax, DMA_CTL_ERROR
        jnz .error
        test eax, eax
        jnz .wait
        clc
        jmp .done
.error: stc
.done:  pop bx
        pop es
        ret

; Copy one piece: AX = address item, BX = size item, SI = data item.
copy_piece:
        push si
        push bx
        call cfg_read32
        mov edi, eax
        pop ax
        call cfg_read32
        mov ecx, eax
        pop ax
        jecxz .empty
        call cfg_dma_read
        ret
.empty: clc
        ret

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
        jz fail

        mov ax, FW_CFG_SETUP_ADDR
        mov bx, FW_CFG_SETUP_SIZE
        mov si, FW_CFG_SETUP_DATA
        call copy_piece
        jc fail
        mov ax, FW_CFG_KERNEL_ADDR
        mov bx, FW_CFG_KERNEL_SIZE
        mov si, FW_CFG_KERNEL_DATA
        call copy_piece
        jc fail
        mov ax, FW_CFG_INITRD_ADDR
        mov bx, FW_CFG_INITRD_SIZE
        mov si, FW_CFG_INITRD_DATA
        call copy_piece
        jc fail
        mov ax, FW_CFG_CMDLINE_ADDR
        mov bx, FW_CFG_CMDLINE_SIZE
        mov si, FW_CFG_CMDLINE_DATA
        call copy_piece
        jc fail

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

fail:
        ; Give control back to the firmware, which tries the next device.
        int 0x18
.hang:  hlt
        jmp .hang

        align 512, db 0
rom_end:
rom_blocks equ (rom_end - rom_start) / 512
