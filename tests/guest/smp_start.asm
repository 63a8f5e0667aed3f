; SMP start-up through the local APICs: the BSP sends INIT-SIPI-SIPI to
; all but itself; each AP counts itself in and halts with interrupts off;
; an NMI IPI to all but self must still reach each AP (a software-disabled
; LAPIC takes NMIs); then a reset through port 0x92 must stop the APs and
; the whole start-up works again. (It passes with 2 CPUs as well:
; nasm -DNCPUS=2 and -smp 2; and with every kernel-irqchip mode.)
; pcvm-args: -smp 4
; expect: smp: 4 cpus
; expect: nmi ok
; expect: smp: 4 cpus
; expect: nmi ok
%ifndef NCPUS
%define NCPUS 4
%endif
%include "guest.inc"
%include "pm.inc"

%define APIC 0xfee00000
%define COUNT 0x0600
%define NMIS 0x0604

        TEST_START
        mov dword [COUNT], 1
        mov dword [NMIS], 0
        mov word [2 * 4], ap_nmi - ap_tramp     ; NMI: 0800:ap_nmi
        mov word [2 * 4 + 2], 0x0800
        ; The AP trampoline at 0x8000 (SIPI vector 8): copy it down.
        mov si, ap_tramp
        mov di, 0x8000
        mov cx, ap_tramp_end - ap_tramp
        rep cs movsb
        PM_ENTER
        mov dword [APIC + 0xf0], 0x1ff         ; enable the LAPIC
        mov dword [APIC + 0x300], 0x000c4500   ; INIT, all but self
        mov ecx, 100000
.d1:    loop .d1
        mov dword [APIC + 0x300], 0x000c4608   ; SIPI vector 8
        mov ecx, 100000
.d2:    loop .d2
        mov dword [APIC + 0x300], 0x000c4608
        mov ecx, 0x10000000
.wait:  cmp dword [COUNT], NCPUS
        je .done
        loop .wait
        PUTS32 "timeout "
.done:  PUTS32 "smp: "
        mov eax, [COUNT]
        add al, '0'
        out DEBUGCON, al
        PUTS32 " cpus", 10
        mov dword [APIC + 0x300], 0x000c4400   ; NMI, all but self
        mov ecx, 0x10000000
.nwait: cmp dword [NMIS], NCPUS - 1
        je .ndone
        loop .nwait
        PUTS32 "nmi timeout", 10
        FAIL 3
.ndone: PUTS32 "nmi ok", 10
        ; Once more after a reset (port 0x92), which must stop the APs.
        cmp dword [0xb000], 0x600dbeef
        je .second
        mov dword [0xb000], 0x600dbeef
        mov al, 1
        out 0x92, al
        PUTS32 "no reset", 10
        FAIL 4
.second:
        mov dword [0xb000], 0
        PASS

        bits 16
ap_tramp:
        xor ax, ax
        mov ds, ax
        lock inc dword [COUNT]
.h:     cli
        hlt
        jmp .h
ap_nmi: lock inc dword [NMIS]
        iret
ap_tramp_end:

        PM_LIB
        GUEST_LIB
        ROM_END
