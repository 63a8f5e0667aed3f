; CPUID of -cpu 486, a 486DX4 (0480): one basic leaf, FPU and VME. The
; 486 has BSWAP, XADD, CMPXCHG and CPUID (with EFLAGS.ID), but no RDTSC,
; CMPXCHG8B, CMOV or RDMSR: #UD.
; pcvm-args: -cpu 486
; expect: int_cpuid_486: ok
; kvm-needs: cpuid
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        mov eax, 0
        cpuid
        CHECK eax, 1
        CHECK ebx, 0x756e6547
        mov eax, 1
        cpuid
        CHECK eax, 0x00000480
        CHECK ebx, 0
        CHECK ecx, 0
        CHECK edx, 0x00000003

        mov eax, 0x11223344
        bswap eax
        CHECK eax, 0x44332211
        mov word [int_scratch], 1
        mov ax, 2
        xadd [int_scratch], ax
        CHECK word [int_scratch], 3
        EXC 6, rdtsc
        EXC 6, cmpxchg8b [int_scratch]
        EXC 6, cmovz ax, bx
        EXC 6, rdmsr

        PUTS "int_cpuid_486: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
