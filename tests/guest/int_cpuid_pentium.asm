; CPUID of -cpu pentium, a Pentium MMX (P55C, 0543): one basic leaf,
; FPU VME DE PSE TSC MSR MCE CX8 APIC MMX. RDTSC and CMPXCHG8B work; CMOV
; and the hint NOPs are P6 instructions: #UD.
; pcvm-args: -cpu pentium
; expect: int_cpuid_pentium: ok
; kvm-needs: cpuid
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        CPUID_LEAF 0, 1, 0x756e6547, 0x6c65746e, 0x49656e69
        CPUID_LEAF 1, 0x00000543, 0, 0, 0x008003bf
        CPUID_LEAF 2, 0x00000543, 0, 0, 0x008003bf

        rdtsc
        mov dword [int_scratch], 0
        mov dword [int_scratch + 4], 0
        xor eax, eax
        xor edx, edx
        cmpxchg8b [int_scratch]
        EXC 6, cmovz ax, bx
        EXC 6, db 0x0f, 0x1f, 0x00      ; nop [bx + si]

        PUTS "int_cpuid_pentium: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
