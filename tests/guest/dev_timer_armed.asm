; A timer a device arms while the vCPU runs must fire on time, not at the
; end of the vCPU's slice: PIT counter 0 in mode 0 (one shot) for 1193
; counts (1.000 ms) while the CPU spins with interrupts on. Under -icount
; shift=0 (1 ns an instruction) the interrupt must come after about
; 1,000,000 instructions, 3 an iteration: 333,000 iterations. Before the
; fix the slice ran to its end (10 ms) first.
; expect: pit one-shot: on time
; kvm: no (timing: counts spin-loop iterations, which depend on the host)
%include "guest.inc"
%include "dev_isa.inc"

        TEST_START
        SET_VECTOR 0x08, irq_tick_master
        mov word [TICKS], 0
        call pic_init
        mov al, 0xfe            ; IRQ0 only
        out 0x21, al
        mov al, 0x30            ; counter 0, LSB then MSB, mode 0
        out 0x43, al
        mov ax, 1193            ; 1.000 ms
        out 0x40, al
        mov al, ah
        out 0x40, al            ; the count starts here
        xor ecx, ecx
        sti
.spin:  inc ecx
        cmp word [TICKS], 0
        je .spin
        cli
        cmp ecx, 320000
        jae .not_early
        FAIL 2
.not_early:
        cmp ecx, 340000
        jbe .on_time
        FAIL 3
.on_time:
        PUTS "pit one-shot: on time", 10
        PASS

        GUEST_LIB
        DEV_ISA_LIB
        ROM_END
