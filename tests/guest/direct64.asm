; direct64: direct boot (-bios none) of a relocatable 64-bit bzImage
; (XLF_KERNEL_64) on two CPUs. pcvm must load it at its pref_address and
; enter the 64-bit entry (load address + 0x200) in long mode: CS 0x10 a
; 64-bit code segment, DS/ES/SS 0x18, CR0.PE|PG, CR4.PAE, EFER.LME|LMA,
; interrupts off, RSI = boot_params, identity-mapped page tables for the
; first 4 GiB (the local APIC at 0xfee00000 is reachable). The ACPI
; tables (RSDP in boot_params, XSDT, FADT/MADT/HPET with right checksums,
; the MADT naming both CPUs) and the MP table (floating pointer in the
; EBDA the BIOS data area names) must be in memory; the PIIX4 PM block
; must answer at 0x600 as the FADT says.
; pcvm-args: -bios none -kernel @BIN@ -initrd @BIN@ -append direct64=1 -smp 2
; expect: cmdline: direct64=1
; expect: boot_params: 0000000000007000
; expect: acpi: FACP APIC HPET
; expect: madt: 2 cpus
; expect: mp: 2 cpus
; expect: ok

%include "direct.inc"

        BZIMAGE_HEADER 1, 1, 0x1000000, 0x100000, 0x1000000
        bits 32
startup_32:
        FAIL 1                          ; the 32-bit entry: wrong one
        times 0x200 - ($ - $$) db 0xcc

        bits 64
startup_64:
        lea rax, [rel startup_64]
        mov rbx, startup_64
        cmp rax, rbx                    ; at pref_address + 0x200
        jne fail_addr
        CHECK_ENTRY_SELECTORS
        pushfq
        pop rax
        test eax, 0x200
        jnz fail_if
        mov rax, cr0
        and eax, 0x80000001
        cmp eax, 0x80000001
        jne fail_cr
        mov rax, cr4
        test al, 0x20
        jz fail_cr
        mov ecx, 0xc0000080
        rdmsr
        and eax, 0x500
        cmp eax, 0x500
        jne fail_cr
        mov r15, rsi

        PUTS "cmdline: "
        mov esi, [r15 + BP_CMD_LINE_PTR]
        call direct_puts
        call direct_nl
        PUTS "boot_params: "
        mov rax, r15
        call direct_hex64
        call direct_nl
        cmp dword [r15 + 0x202], 'HdrS'
        jne fail_bp
        cmp byte [r15 + BP_TYPE_OF_LOADER], 0xff
        jne fail_bp

        ; the initrd is this file, above the kernel's init_size
        mov edi, [r15 + BP_RAMDISK_IMAGE]
        cmp edi, 0x1000000 + 0x100000
        jb fail_initrd
        cmp dword [r15 + BP_RAMDISK_SIZE], BZIMAGE_FILE_SIZE
        jne fail_initrd
        cmp dword [rdi + 0x202], 'HdrS'
        jne fail_initrd

        ; ACPI: RSDP (both checksums), then the XSDT's tables
        mov rsi, [r15 + BP_ACPI_RSDP]
        mov rax, 'RSD PTR '
        cmp [rsi], rax
        jne fail_acpi
        mov ecx, 20
        call sum
        jnz fail_acpi
        mov ecx, 36
        call sum
        jnz fail_acpi
        mov rbx, [rsi + 24]             ; XSDT
        cmp dword [rbx], 'XSDT'
        jne fail_acpi
        mov rsi, rbx
        mov ecx, [rbx + 4]
        call sum
        jnz fail_acpi
        PUTS "acpi:"
        mov r12d, [rbx + 4]
        sub r12d, 36
        shr r12d, 3                     ; entries
        lea r13, [rbx + 36]
.table: mov rsi, [r13]
        mov ecx, [rsi + 4]
        call sum
        jnz fail_acpi
        mov al, ' '
        out DEBUGCON, al
        mov ecx, 4
.sig:   lodsb
        out DEBUGCON, al
        loop .sig
        mov rsi, [r13]
        cmp dword [rsi], 'APIC'
        jne .nomadt
        mov r14, rsi
.nomadt:
        add r13, 8
        dec r12d
        jnz .table
        call direct_nl

        ; the MADT's local APIC entries (type 0, enabled)
        PUTS "madt: "
        mov ecx, [r14 + 4]
        lea rsi, [r14 + 44]
        lea rdx, [r14 + rcx]
        xor eax, eax
.madt:  cmp rsi, rdx
        jae .madt_done
        cmp byte [rsi], 0
        jne .madt_next
        test byte [rsi + 4], 1
        jz .madt_next
        inc eax
.madt_next:
        movzx ecx, byte [rsi + 1]
        test ecx, ecx
        jz fail_acpi
        add rsi, rcx
        jmp .madt
.madt_done:
        call direct_dec64
        PUTS " cpus", 10

        ; MP: the EBDA from the BIOS data area, "_MP_" in its first KiB
        movzx eax, word [0x40e]
        shl eax, 4
        mov ecx, 1024 / 16
.scan:  cmp dword [rax], '_MP_'
        je .found
        add eax, 16
        loop .scan
        jmp fail_mp
.found: mov rsi, rax
        mov ecx, 16
        call sum
        jnz fail_mp
        mov esi, [rsi + 4]
        cmp dword [rsi], 'PCMP'
        jne fail_mp
        movzx ecx, word [rsi + 4]
        call sum
        jnz fail_mp
        PUTS "mp: "
        movzx ecx, word [rsi + 34]      ; entries, processors first
        add rsi, 44
        xor eax, eax
.mp:    cmp byte [rsi], 0
        jne .mp_done
        inc eax
        add rsi, 20
        loop .mp
.mp_done:
        call direct_dec64
        PUTS " cpus", 10

        ; the identity map reaches the local APIC (version register)
        mov ebx, 0xfee00030
        mov eax, [rbx]
        cmp al, 0x14
        jne fail_map
        ; the PIIX4 PM timer answers at 0x608
        mov dx, 0x608
        in eax, dx
        cmp eax, 0xffffffff
        je fail_pm
        PUTS "ok", 10
        PASS

; ZF set when the RCX bytes at RSI sum to zero (clobbers RAX).
sum:    push rsi
        push rcx
        xor eax, eax
.add:   add al, [rsi]
        inc rsi
        loop .add
        test al, al
        pop rcx
        pop rsi
        ret

fail_addr:  FAIL 2
fail_seg:   FAIL 3
fail_if:    FAIL 4
fail_cr:    FAIL 5
fail_bp:    FAIL 6
fail_initrd: FAIL 7
fail_acpi:  FAIL 8
fail_mp:    FAIL 9
fail_map:   FAIL 10
fail_pm:    FAIL 11

        DIRECT_LIB64

        BZIMAGE_END
