/*
 * A 16550A UART (COM port).
 *
 * Promise: uart_new() claims eight ports at @base and registers a device
 * named "serial<index>". The registers, the divisor latch, the 16-byte
 * FIFOs with their trigger levels, the interrupt priorities (line status,
 * received data or character timeout, THR empty, modem status), the line
 * status bits, loopback and the scratch register behave as the datasheet
 * says. A character leaves the transmit shift register one character time
 * (start, data, parity and stop bits at the programmed baud rate) after it
 * entered it, in virtual time, so THRE and TEMT pace like the real part;
 * the byte goes to @chr then (or back to the receiver in loopback), and
 * nothing ever blocks. Input comes from @chr as fast as the FIFO takes it
 * (flow control through can_receive). Line errors and breaks are never
 * received from a backend. The modem inputs read as a connected line (CTS,
 * DSR, DCD high). As on the PC, @irq is driven only while MCR.OUT2 is set,
 * and not in loopback, where the OUT2 pin is forced inactive. @chr may be
 * NULL: output is dropped and nothing arrives.
 *
 * uart_set_paced(s, false) takes the transmit time away: a character
 * reaches @chr (or the receiver) the moment it is written, as QEMU does.
 * The board does that for ports wired to the host, so a fast guest's
 * console is not slowed to 9600 baud, and firmware that polls LSR with a
 * timeout (SeaBIOS's serial console) never sees the line busy.
 */
#ifndef PCVM_HW_UART16550_H
#define PCVM_HW_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "core/chardev.h"
#include "core/irq.h"
#include "hw/pc/isa_env.h"

typedef struct UartState UartState;

/* NULL if the ports are taken. */
UartState *uart_new(const IsaEnv *env, int index, uint16_t base, IrqLine irq,
                    Chardev *chr);
void uart_set_paced(UartState *s, bool paced);

#endif
