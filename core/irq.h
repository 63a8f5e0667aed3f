/*
 * Interrupt lines.
 *
 * Promise: a line is a (handler, opaque, n) triple held by value; a device
 * drives its output lines with irq_set() and never calls an interrupt
 * controller directly. Semantics are level: edge-triggered inputs see the
 * transitions. A line with no handler is a no-op, so an unconnected output is
 * always safe to drive. The board wires lines; tests plug in a recorder.
 */
#ifndef PCVM_IRQ_H
#define PCVM_IRQ_H

#include <stdbool.h>

typedef void IrqHandler(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler *handler;
    void *opaque;
    int n;
} IrqLine;

static inline IrqLine irq_line(IrqHandler *handler, void *opaque, int n)
{
    IrqLine l = {handler, opaque, n};
    return l;
}

static inline void irq_set(IrqLine line, int level)
{
    if (line.handler) {
        line.handler(line.opaque, line.n, level);
    }
}

static inline void irq_raise(IrqLine line) { irq_set(line, 1); }
static inline void irq_lower(IrqLine line) { irq_set(line, 0); }

/* A rising then falling edge, for devices that signal by pulse. */
static inline void irq_pulse(IrqLine line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

static inline bool irq_connected(IrqLine line) { return line.handler != 0; }

/*
 * Fan-out: one input driving several lines (an ISA interrupt goes to both
 * the 8259 and the IOAPIC). The IrqFanout must live as long as its users.
 */
#define IRQ_FANOUT_MAX 4
typedef struct IrqFanout {
    IrqLine out[IRQ_FANOUT_MAX];
    int count;
} IrqFanout;

/* Add @line to @f; returns the fan-out's input line. */
IrqLine irq_fanout_add(IrqFanout *f, IrqLine line);
IrqLine irq_fanout_input(IrqFanout *f);

/*
 * Recorder: remembers each line's level and counts rising edges; used by
 * unit tests and by the device tests without a CPU.
 */
#define IRQ_RECORDER_LINES 64
typedef struct IrqRecorder {
    int level[IRQ_RECORDER_LINES];
    unsigned raised[IRQ_RECORDER_LINES];
} IrqRecorder;

IrqLine irq_recorder_line(IrqRecorder *r, int n);

#endif
