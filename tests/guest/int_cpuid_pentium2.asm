; CPUID of the default model, a Pentium II (Deschutes, 0652): vendor,
; signature, the feature flags of the real part, the P6 cache
; descriptors, leaves above the maximum answering as the highest basic
; leaf; the EFLAGS.ID bit toggles; CMOV, the hint NOPs and CMPXCHG8B work.
; pcvm-args: -cpu pentium2
; expect: int_cpuid_pentium2: ok
; kvm-needs: cpuid
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        CPUID_LEAF 0, 2, 0x756e6547, 0x6c65746e, 0x49656e69
        CPUID_LEAF 1, 0x00000652, 0, 0, 0x0183fbff
        CPUID_LEAF 2, 0x03020101, 0, 0, 0x0c040843
        CPUID_LEAF 3, 0x03020101, 0, 0, 0x0c040843
        CPUID_LEAF 0x80000000, 0x03020101, 0, 0, 0x0c040843

        pushfd
        pop eax
        xor eax, 0x00200000
        push eax
        popfd
        pushfd
        pop ebx
        CHECK eax, ebx                  ; ID changed

        SETF FL_ZF
        mov ax, 1
        mov bx, 2
        cmovz ax, bx
        CHECK ax, 2
        db 0x0f, 0x1f, 0x00             ; nop [bx + si]
        mov dword [int_scratch], 0
        mov dword [int_scratch + 4], 0
        xor eax, eax
        xor edx, edx
        cmpxchg8b [int_scratch]

        PUTS "int_cpuid_pentium2: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
