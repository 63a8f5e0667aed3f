; demo.asm: the default guest until pcvm boots a real OS (M3).
;
; A 64 KiB ROM that greets on the debug console (port 0xe9), reports the
; CPU it finds through CPUID, proves the CPU computes by listing the primes
; below 100, and ends pcvm through isa-debug-exit (status 1 = success).

        bits 16
        cpu 686
        org 0

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4

start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7c00
        mov ds, ax
        cld

        mov si, banner
        call puts

        ; CPUID vendor string (leaf 0: EBX, EDX, ECX).
        mov si, cpu_msg
        call puts
        xor eax, eax
        cpuid
        mov [0x500], ebx
        mov [0x504], edx
        mov [0x508], ecx
        mov byte [0x50c], 0
        mov si, 0x500
        call puts_ds
        mov si, family_msg
        call puts
        mov eax, 1
        cpuid
        shr eax, 8
        and ax, 0x0f
        call print_dec
        mov al, 10
        out DEBUGCON, al

        ; Primes below 100 by trial division.
        mov si, primes_msg
        call puts
        mov bx, 2
.candidate:
        mov cx, 2
.trial:
        mov ax, cx
        mul cx
        cmp ax, bx
        ja .prime                       ; no divisor up to sqrt(bx)
        mov ax, bx
        xor dx, dx
        div cx
        test dx, dx
        jz .next                        ; divisible: not prime
        inc cx
        jmp .trial
.prime:
        mov ax, bx
        call print_dec
        mov al, ' '
        out DEBUGCON, al
.next:
        inc bx
        cmp bx, 100
        jb .candidate
        mov al, 10
        out DEBUGCON, al

        mov si, bye_msg
        call puts
        xor al, al
        out DEBUG_EXIT, al              ; pcvm exits with status 1
.hang:  hlt
        jmp .hang

; Print the NUL-terminated string at CS:SI.
puts:
        cs lodsb
        test al, al
        jz .done
        out DEBUGCON, al
        jmp puts
.done:  ret

; Print the NUL-terminated string at DS:SI.
puts_ds:
        lodsb
        test al, al
        jz .done
        out DEBUGCON, al
        jmp puts_ds
.done:  ret

; Print AX in decimal.
print_dec:
        push bx
        push cx
        push dx
        mov bx, 10
        xor cx, cx
.div:   xor dx, dx
        div bx
        push dx
        inc cx
        test ax, ax
        jnz .div
.emit:  pop ax
        add al, '0'
        out DEBUGCON, al
        loop .emit
        pop dx
        pop cx
        pop bx
        ret

banner:     db 10, "Hello from pcvm!", 10
            db "This is the demo ROM, running on pcvm's software x86 CPU.", 10, 0
cpu_msg:    db "CPU vendor: ", 0
family_msg: db ", family ", 0
primes_msg: db "Primes below 100: ", 0
bye_msg:    db "The demo ends here; pcvm exits through isa-debug-exit.", 10, 0

        times 0xfff0 - ($ - $$) db 0xff
        jmp 0xf000:start
        times 0x10000 - ($ - $$) db 0xff
