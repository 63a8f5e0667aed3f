/* Interrupt lines: fan-out and recorder (the rest is inline in irq.h). */
#include "core/irq.h"

#include <assert.h>

static void fanout_handler(void *opaque, int n, int level)
{
    IrqFanout *f = opaque;
    (void)n;
    for (int i = 0; i < f->count; i++) {
        irq_set(f->out[i], level);
    }
}

IrqLine irq_fanout_add(IrqFanout *f, IrqLine line)
{
    assert(f->count < IRQ_FANOUT_MAX);
    f->out[f->count++] = line;
    return irq_fanout_input(f);
}

IrqLine irq_fanout_input(IrqFanout *f)
{
    return irq_line(fanout_handler, f, 0);
}

static void recorder_handler(void *opaque, int n, int level)
{
    IrqRecorder *r = opaque;
    if (level && !r->level[n]) {
        r->raised[n]++;
    }
    r->level[n] = level;
}

IrqLine irq_recorder_line(IrqRecorder *r, int n)
{
    assert(n >= 0 && n < IRQ_RECORDER_LINES);
    return irq_line(recorder_handler, r, n);
}
