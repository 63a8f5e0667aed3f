; direct32: direct boot (-bios none) of a 32-bit, non-relocatable bzImage.
; pcvm must load the protected-mode part at 1 MiB and enter it there in
; flat 32-bit protected mode with paging off, CS 0x10, DS/ES/SS 0x18,
; interrupts off, ESI = boot_params and EBX = EBP = EDI = 0
; (boot.rst, "32-bit boot protocol"); boot_params must carry the setup
; header with the loader's fields, the command line, the initrd (this
; file again) and the memory map; the ACPI RSDP must be where
; acpi_rsdp_addr says. The test first reboots the machine once (PIIX
; reset control at 0xcf9, with a mark in RAM, which a reset keeps): pcvm
; must load the kernel and enter it again, as after power-on.
; pcvm-args: -bios none -kernel @BIN@ -initrd @BIN@ -append direct32=1 -m 64
; expect: reboot
; expect: cmdline: direct32=1
; expect: e820: 8 entries
; expect: 00000000 0009fc00 1
; expect: 0009fc00 00060400 2
; expect: 00100000 ram to the tables
; expect: fec00000 00001000 2
; expect: fed00000 00000400 2
; expect: fee00000 00001000 2
; expect: feffc000 00004000 2
; expect: acpi: RSD PTR
; expect: ok

%include "direct.inc"

%define REBOOT_MARK 0x8000
%define REBOOT_MAGIC 0x7eb007ed

        BZIMAGE_HEADER 0, 0, 0x100000, 0x100000, 0x100000
        bits 32
        cpu 686

startup_32:
        test ebx, ebx
        jnz fail_regs
        test ebp, ebp
        jnz fail_regs
        test edi, edi
        jnz fail_regs
        CHECK_ENTRY_SELECTORS
        pushfd
        pop eax
        test eax, 0x200
        jnz fail_if
        mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1
        jne fail_cr0
        ; running where the header says, at 1 MiB
        call .here
.here:  pop eax
        cmp eax, .here
        jne fail_addr
        cmp esi, 0x7000
        jne fail_esi
        mov ebp, esi

        cmp dword [REBOOT_MARK], REBOOT_MAGIC
        je .rebooted
        mov dword [REBOOT_MARK], REBOOT_MAGIC
        PUTS "reboot", 10
        mov dx, 0xcf9
        mov al, 0x06                    ; hard reset
        out dx, al
        FAIL 11
.rebooted:
        cmp dword [ebp + 0x202], 'HdrS'
        jne fail_bp
        cmp byte [ebp + BP_TYPE_OF_LOADER], 0xff
        jne fail_bp
        mov al, [ebp + BP_LOADFLAGS]
        and al, 0x81
        cmp al, 0x81
        jne fail_bp
        cmp dword [ebp + BP_CODE32_START], 0x100000
        jne fail_bp

        PUTS "cmdline: "
        mov esi, [ebp + BP_CMD_LINE_PTR]
        call direct_puts
        call direct_nl

        ; the initrd is this file, page-aligned, whole
        mov edi, [ebp + BP_RAMDISK_IMAGE]
        test edi, 0xfff
        jnz fail_initrd
        cmp dword [ebp + BP_RAMDISK_SIZE], BZIMAGE_FILE_SIZE
        jne fail_initrd
        cmp dword [edi + 0x202], 'HdrS'
        jne fail_initrd
        cmp edi, 0x100000 + 0x100000   ; above the kernel's init_size
        jb fail_initrd

        ; the memory map
        PUTS "e820: "
        movzx eax, byte [ebp + BP_E820_ENTRIES]
        call direct_dec32
        PUTS " entries", 10
        lea ebx, [ebp + BP_E820_TABLE]
        movzx ecx, byte [ebp + BP_E820_ENTRIES]
        xor edx, edx
.entry: cmp edx, 2
        je .ram
        cmp edx, 3
        je .tables
        mov eax, [ebx]
        call direct_hex32
        PUTS " "
        mov eax, [ebx + 8]
        call direct_hex32
        PUTS " "
        mov eax, [ebx + 16]
        call direct_dec32
        call direct_nl
        jmp .next
.ram:   ; RAM from 1 MiB up to the reserved block of tables
        cmp dword [ebx], 0x100000
        jne fail_e820
        cmp dword [ebx + 16], 1
        jne fail_e820
        mov eax, [ebx]
        add eax, [ebx + 8]
        cmp eax, [ebx + 20]
        jne fail_e820
        PUTS "00100000 ram to the tables", 10
        jmp .next
.tables: ; reserved, ending at 64 MiB
        mov eax, [ebx]
        add eax, [ebx + 8]
        cmp eax, 64 << 20
        jne fail_e820
        cmp dword [ebx + 16], 2
        jne fail_e820
.next:  add ebx, 20
        inc edx
        cmp edx, ecx
        jb .entry

        ; ACPI
        cmp dword [ebp + BP_ACPI_RSDP + 4], 0
        jne fail_acpi
        mov esi, [ebp + BP_ACPI_RSDP]
        cmp dword [esi], 'RSD '
        jne fail_acpi
        cmp dword [esi + 4], 'PTR '
        jne fail_acpi
        PUTS "acpi: RSD PTR", 10
        PUTS "ok", 10
        PASS

fail_regs:  FAIL 1
fail_seg:   FAIL 2
fail_if:    FAIL 3
fail_cr0:   FAIL 4
fail_addr:  FAIL 5
fail_esi:   FAIL 6
fail_bp:    FAIL 7
fail_initrd: FAIL 8
fail_e820:  FAIL 9
fail_acpi:  FAIL 10

        DIRECT_LIB32

        BZIMAGE_END
