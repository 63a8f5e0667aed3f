; -cpu MODEL,+FEATURE,-FEATURE: a Pentium II given SSE, SSE2 and NX and
; without SYSENTER and PSE-36 reports exactly that in CPUID leaf 1 and in
; the extended leaves the NX bit brings (0x80000001 becomes the highest);
; the rest of the model stays. Under KVM the same -cpu value must give
; the same CPUID (every x86-64 host's KVM has SSE, SSE2 and NX).
; pcvm-args: -cpu pentium2,+sse,+sse2,+nx,-sep,-pse36
; expect: int_cpuid_features: ok
; kvm-needs: cpuid
%include "guest.inc"
%include "int.inc"

        TEST_START
        INT_SETUP

        CPUID_LEAF 0, 2, 0x756e6547, 0x6c65746e, 0x49656e69
        ; 0x0183fbff - SEP (11) - PSE36 (17) + SSE (25) + SSE2 (26)
        CPUID_LEAF 1, 0x00000652, 0, 0, 0x0781f3ff
        mov eax, 0x80000000
        cpuid
        CHECK eax, 0x80000001
        ; Intel: EAX 0 (no signature repeated), NX alone in EDX
        CPUID_LEAF 0x80000001, 0, 0, 0, 0x00100000

        PUTS "int_cpuid_features: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
