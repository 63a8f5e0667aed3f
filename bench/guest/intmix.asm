; intmix: a CPU-bound mix of integer instructions for timing the
; interpreter (run without -icount; bench/README-style use:
;   time build/pcvm -bios build/bench/intmix.bin -nographic \
;        -debugcon stdio -device isa-debug-exit
; and divide ITERATIONS * INSNS_PER_ITERATION by the time).
; It prints "intmix: N iterations of M instructions, checksum X" and
; passes (exit status 1).
%include "guest.inc"

%define ITERATIONS 10000000
%define INSNS_PER_ITERATION 24

        TEST_START
        mov ecx, ITERATIONS
        xor eax, eax
        mov ebx, 0x12345678
        xor edx, edx
        mov si, 0x1000
        mov di, 0x2000
        mov dword [di], 0x9e3779b9
        align 16
.loop:
        add eax, ebx                    ;  1 ALU
        xor ebx, eax                    ;  2
        rol ebx, 5                      ;  3 shift
        mov [si], eax                   ;  4 store
        add si, 4                       ;  5
        and si, 0x0ffc                  ;  6
        mov edx, [di]                   ;  7 load
        imul edx, eax                   ;  8 multiply
        shr edx, 3                      ;  9
        adc eax, edx                    ; 10
        cmp eax, ebx                    ; 11
        cmovb eax, ebx                  ; 12
        push ax                         ; 13 stack
        pop bp                          ; 14
        test bp, 1                      ; 15
        setnz dl                        ; 16
        movzx edx, dl                   ; 17
        lea ebx, [ebx + edx * 4 + 1]    ; 18
        bt ebx, 3                       ; 19
        sbb edx, edx                    ; 20
        and edx, 0x55                   ; 21
        add [di], edx                   ; 22 read-modify-write
        dec ecx                         ; 23
        jnz .loop                       ; 24 branch

        push eax
        PUTS "intmix: "
        mov ax, ITERATIONS / 10000
        call guest_print_dec16
        PUTS "0000 iterations of "
        mov ax, INSNS_PER_ITERATION
        call guest_print_dec16
        PUTS " instructions, checksum "
        pop eax
        push ax
        shr eax, 16
        call guest_print_hex16
        pop ax
        call guest_print_hex16
        PUTS 10
        PASS

        GUEST_LIB
        ROM_END
