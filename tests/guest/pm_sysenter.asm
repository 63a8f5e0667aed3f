; SYSENTER and SYSEXIT: the #GP(0) checks, the flat CS/SS caches and
; selectors derived from IA32_SYSENTER_CS, ESP/EIP from the MSRs (and
; ECX/EDX on the way back), IF and VM cleared on entry.
; pcvm-args: -no-reboot
%include "guest.inc"
%include "pm.inc"

%define SEL_SYS         (SEL_FREE + 0x00)   ; ring-0 code; then data, ring-3
                                            ; code, ring-3 data
%define LIN(x)          ((x) + 0xf0000)
%define r_cs            (test_scratch + 0)
%define r_ss            (test_scratch + 4)
%define r_esp           (test_scratch + 8)
%define r_eflags        (test_scratch + 12)
%define r_cs3           (test_scratch + 16)
%define r_ss3           (test_scratch + 20)
%define r_esp3          (test_scratch + 24)

%macro WRMSR 2
        mov ecx, %1
        mov eax, %2
        xor edx, edx
        wrmsr
%endmacro

        TEST_START
        PM_ENTER
        SET_DESC SEL_SYS, 0, 0xfffff, 0x9b, FL_32G
        SET_DESC SEL_SYS + 8, 0, 0xfffff, 0x93, FL_32G
        SET_DESC SEL_SYS + 16, 0, 0xfffff, 0xfb, FL_32G
        SET_DESC SEL_SYS + 24, 0, 0xfffff, 0xf3, FL_32G

        ; IA32_SYSENTER_CS = 0: both fault.
        TRY
        sysenter
        CATCH EXC_GP, 0
        TRY
        sysexit
        CATCH EXC_GP, 0
        WRMSR 0x174, SEL_SYS | 3        ; the RPL bits are ignored
        WRMSR 0x175, STACK0_TOP - 0x100
        WRMSR 0x176, LIN(sys_entry)

        sti                             ; ring 3 runs with IF set
        TO_RING3 ring3
ring3:
        TRY
        sysexit                         ; CPL 3
        CATCH EXC_GP, 0
        sysenter
        ; (not reached: SYSEXIT returns to ring3_flat)
        PM_FAIL

; Flat ring-0 code (CS base 0): record and return.
sys_entry:
        mov [r_cs], cs
        mov [r_ss], ss
        mov [r_esp], esp
        pushfd
        pop dword [r_eflags]
        mov edx, LIN(ring3_flat)
        mov ecx, STACK3_TOP - 0x10
        sysexit

; Flat ring-3 code.
ring3_flat:
        mov [r_cs3], cs
        mov [r_ss3], ss
        mov [r_esp3], esp
        jmp SEL_CODE3:ring3_based

ring3_based:
        movzx eax, word [r_cs]
        CHECK eax, SEL_SYS
        movzx eax, word [r_ss]
        CHECK eax, SEL_SYS + 8
        CHECK {dword [r_esp]}, STACK0_TOP - 0x100
        mov eax, [r_eflags]
        and eax, 0x20200                ; VM, IF
        CHECK eax, 0
        movzx eax, word [r_cs3]
        CHECK eax, (SEL_SYS + 16) | 3
        movzx eax, word [r_ss3]
        CHECK eax, (SEL_SYS + 24) | 3
        CHECK {dword [r_esp3]}, STACK3_TOP - 0x10
        mov eax, ss
        CHECK eax, (SEL_SYS + 24) | 3
        PASS

        PM_LIB
        GUEST_LIB
        ROM_END
