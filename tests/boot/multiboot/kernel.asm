; kernel.asm: a tiny Multiboot (v1) kernel for tests/boot/multiboot.sh.
;
; Loaded through the a.out-kludge addresses of its header (a flat binary
; at 1 MiB). It checks what the Multiboot specification promises at entry
; and prints the information structure on the debug console (port 0xE9):
; memory sizes, the command line, each module's string, length and byte
; sum, the memory map and the loader's name. It ends through
; isa-debug-exit: 0 when every check held, 1 otherwise.

        bits 32
        org 0x100000

MB_MAGIC        equ 0x1badb002
MB_FLAGS        equ (1 << 1) | (1 << 16)        ; meminfo, a.out kludge
DEBUGCON        equ 0xe9
EXIT_PORT       equ 0xf4

header:
        dd MB_MAGIC
        dd MB_FLAGS
        dd -(MB_MAGIC + MB_FLAGS)
        dd header                       ; header_addr
        dd header                       ; load_addr
        dd load_end                     ; load_end_addr
        dd bss_end                      ; bss_end_addr
        dd start                        ; entry_addr

start:
        mov esp, stack_top
        mov ebp, ebx                    ; the bss is checked before use
        cmp eax, 0x2badb002
        je .magic_ok
        mov esi, s_bad_magic
        call fail
.magic_ok:
        ; Protected mode, paging off.
        mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1
        je .cr0_ok
        mov esi, s_bad_cr0
        call fail
.cr0_ok:
        ; The A20 gate is on: 1 MiB does not wrap to 0.
        mov dword [0x100000 + a20_probe - header], 0x12345678
        mov dword [a20_probe - header], 0
        cmp dword [a20_probe], 0x12345678
        je .a20_ok
        mov esi, s_bad_a20
        call fail
.a20_ok:
        ; The bss is zero.
        mov edi, bss_start
.bss:
        cmp byte [edi], 0
        je .bss_next
        mov esi, s_bad_bss
        call fail
        jmp .bss_done
.bss_next:
        inc edi
        cmp edi, bss_end
        jb .bss
.bss_done:
        mov [mbi], ebp
        mov ebx, ebp
        mov esi, s_flags
        call puts
        mov eax, [ebx]
        call puthex
        call newline

        test dword [ebx], 1             ; mem_lower / mem_upper
        jz .no_mem
        mov esi, s_mem
        call puts
        mov eax, [ebx + 4]
        call putdec
        mov esi, s_kib_upper
        call puts
        mov eax, [ebx + 8]
        call putdec
        mov esi, s_kib
        call puts
.no_mem:
        test dword [ebx], 1 << 2        ; command line
        jz .no_cmdline
        mov esi, s_cmdline
        call puts
        mov esi, [ebx + 16]
        call puts
        mov esi, s_quote_nl
        call puts
.no_cmdline:
        test dword [ebx], 1 << 3        ; modules
        jz .no_mods
        mov esi, s_mods
        call puts
        mov eax, [ebx + 20]
        call putdec
        call newline
        mov ecx, [ebx + 20]
        mov edx, [ebx + 24]
.mod:
        test ecx, ecx
        jz .no_mods
        mov esi, s_mod
        call puts
        mov esi, [edx + 8]
        call puts
        mov esi, s_len
        call puts
        mov eax, [edx + 4]
        sub eax, [edx]
        call putdec
        mov esi, s_sum
        call puts
        push ecx
        mov esi, [edx]
        mov ecx, [edx + 4]
        xor eax, eax
.sum:
        cmp esi, ecx
        jae .sum_done
        movzx edi, byte [esi]
        add eax, edi
        inc esi
        jmp .sum
.sum_done:
        pop ecx
        call putdec
        test dword [edx], 0xfff         ; modules are page aligned
        jz .aligned
        mov esi, s_unaligned
        call puts
        mov byte [failed], 1
.aligned:
        call newline
        add edx, 16
        dec ecx
        jmp .mod
.no_mods:
        test dword [ebx], 1 << 6        ; memory map
        jz .no_mmap
        mov esi, [ebx + 48]             ; mmap_addr
        mov edi, esi
        add edi, [ebx + 44]             ; + mmap_length
.entry:
        cmp esi, edi
        jae .no_mmap
        push esi
        mov eax, [esi + 8]              ; base_addr_high, low
        mov edx, [esi + 4]
        mov esi, s_mmap
        call puts
        call puthex
        mov eax, edx
        call puthex
        pop esi
        push esi
        mov eax, [esi + 16]             ; length high, low
        mov edx, [esi + 12]
        mov esi, s_plus
        call puts
        call puthex
        mov eax, edx
        call puthex
        pop esi
        push esi
        mov eax, [esi + 20]             ; type
        mov esi, s_type
        call puts
        call putdec
        call newline
        pop esi
        add esi, [esi]                  ; size does not count itself
        add esi, 4
        jmp .entry
.no_mmap:
        test dword [ebx], 1 << 9        ; boot loader name
        jz .no_name
        mov esi, s_loader
        call puts
        mov esi, [ebx + 64]
        call puts
        call newline
.no_name:
        movzx eax, byte [failed]
        out EXIT_PORT, al
        hlt

; fail: print "FAIL: " and the string at ESI, remember the failure.
fail:
        push esi
        mov esi, s_fail
        call puts
        pop esi
        call puts
        call newline
        mov byte [failed], 1
        ret

; puts: the zero-terminated string at ESI.
puts:
        push eax
        push esi
.next:
        lodsb
        test al, al
        jz .done
        out DEBUGCON, al
        jmp .next
.done:
        pop esi
        pop eax
        ret

newline:
        push eax
        mov al, 10
        out DEBUGCON, al
        pop eax
        ret

; puthex: EAX as 8 hex digits.
puthex:
        push eax
        push ecx
        mov ecx, 8
.digit:
        rol eax, 4
        push eax
        and al, 15
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:
        out DEBUGCON, al
        pop eax
        loop .digit
        pop ecx
        pop eax
        ret

; putdec: EAX in decimal.
putdec:
        push eax
        push ecx
        push edx
        push ebx
        mov ebx, 10
        xor ecx, ecx
.div:
        xor edx, edx
        div ebx
        push edx
        inc ecx
        test eax, eax
        jnz .div
.put:
        pop eax
        add al, '0'
        out DEBUGCON, al
        loop .put
        pop ebx
        pop edx
        pop ecx
        pop eax
        ret

s_fail:         db "FAIL: ", 0
s_bad_magic:    db "EAX is not 0x2BADB002", 0
s_bad_cr0:      db "not in protected mode with paging off", 0
s_bad_a20:      db "A20 is off", 0
s_bad_bss:      db "the bss is not zero", 0
s_flags:        db "flags ", 0
s_mem:          db "mem lower ", 0
s_kib_upper:    db " KiB upper ", 0
s_kib:          db " KiB", 10, 0
s_cmdline:      db 'cmdline "', 0
s_quote_nl:     db '"', 10, 0
s_mods:         db "modules ", 0
s_mod:          db "module ", 0
s_len:          db " length ", 0
s_sum:          db " sum ", 0
s_unaligned:    db " NOT PAGE ALIGNED", 0
s_mmap:         db "mmap ", 0
s_plus:         db " + ", 0
s_type:         db " type ", 0
s_loader:       db "loader ", 0

a20_probe:      dd 0
failed:         db 0
load_end:

        section .bss align=16
bss_start:
mbi:            resd 1
                resb 4096
stack_top:
bss_end:
