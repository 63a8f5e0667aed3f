/*
 * The 8042 keyboard controller, with a PS/2 keyboard and mouse on its two
 * ports.
 *
 * Promise: i8042_new() claims ports 0x60 (data) and 0x64 (status and
 * command) and creates the keyboard and mouse (ps2.h), which the UI reaches
 * through i8042_keyboard() and i8042_mouse(). The controller commands the
 * BIOSes and OSes use are there: command byte (0x20/0x60) and the rest of
 * its RAM, port disable/enable (0xa7/0xa8/0xad/0xae), self and interface
 * tests (0xaa/0xa9/0xab), input and output port (0xc0/0xd0/0xd1), writes
 * to either output buffer (0xd2/0xd3), to the mouse (0xd4), A20 (0xdd/0xdf)
 * and the output pulses (0xf0-0xff, 0xfe resetting the machine). Keyboard
 * bytes are translated to set 1 while the command byte asks for it. Output
 * port bit 1 drives @a20 (a level), bit 0 low pulses @reset. @irq1 and
 * @irq12 are levels: high while the output buffer holds a byte from that
 * port and the command byte enables its interrupt.
 */
#ifndef PCVM_HW_I8042_H
#define PCVM_HW_I8042_H

#include "core/irq.h"
#include "hw/pc/isa_env.h"
#include "hw/pc/ps2.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

typedef struct KbcState KbcState;

/* NULL if the ports are taken. */
KbcState *i8042_new(const IsaEnv *env, IrqLine irq1, IrqLine irq12,
                    IrqLine a20, IrqLine reset);
Ps2Kbd *i8042_keyboard(KbcState *s);
Ps2Mouse *i8042_mouse(KbcState *s);

#endif
