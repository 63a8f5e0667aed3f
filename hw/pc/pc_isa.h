/*
 * The PC board's legacy devices: the 8259 pair, the 8254 and port 0x61,
 * the RTC/CMOS, COM1-COM4, the 8042 with its PS/2 devices, port 0x92.
 *
 * Promise: pc_isa_init() creates and wires them for @m: the PIC's INTR to
 * CPU 0's INTR pin and its acknowledge as the CPU's interrupt controller;
 * the A20 outputs of the 8042 and port 0x92, ORed, to the CPU's A20 pin;
 * their reset outputs to machine_request_reset(). Every ISA interrupt
 * line n goes through an OR of its sources (COM1 and COM3 share IRQ4) into
 * a fan-out whose first output is PIC input n, so the IOAPIC can be added
 * to the same lines later (pc_isa_irq_fanout()). Serial ports come from
 * -serial (none: no port); without -serial, COM1 goes to the terminal with
 * -nographic, else to the display's console. A stdio serial port watches
 * for Ctrl-A x (exit pcvm). The CMOS gets the memory sizes, the CPU count
 * and the equipment byte. On error @err names the option at fault.
 */
#ifndef PCVM_HW_PC_ISA_H
#define PCVM_HW_PC_ISA_H

#include <stddef.h>

#include "core/irq.h"
#include "core/machine.h"
#include "hw/pc/i8042.h"
#include "hw/pc/i8259.h"
#include "hw/pc/mc146818.h"

#define PC_ISA_IRQS 16

typedef struct PcIsa PcIsa;

/* @pic_intr is where the 8259's INTR output goes (the BSP's LAPIC LINT0,
 * which passes it on as ExtINT in virtual-wire mode). */
int pc_isa_init(Machine *m, IrqLine pic_intr, PcIsa **out, char *err,
                size_t errlen);
void pc_isa_free(PcIsa *isa);

/* The fan-out behind ISA IRQ @n (0-15): add more controllers to it. */
IrqFanout *pc_isa_irq_fanout(PcIsa *isa, int n);
/* High while the HPET replaces the 8254 (IRQ0) and the RTC (IRQ8). */
IrqLine pc_isa_legacy_replacement(PcIsa *isa);
/* A new source line for ISA IRQ @n, ORed with the others (NULL handler
 * when @n is out of range or the line has too many sources). */
IrqLine pc_isa_irq_source(PcIsa *isa, int n);
PicState *pc_isa_pic(PcIsa *isa);
RtcState *pc_isa_rtc(PcIsa *isa);
KbcState *pc_isa_kbc(PcIsa *isa);

#endif
