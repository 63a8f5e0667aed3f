/* The board's legacy devices and their wiring: see pc_isa.h. */
#include "hw/pc/pc_isa.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/error.h"
#include "hw/pc/cmos_layout.h"
#include "hw/pc/ferr.h"
#include "hw/pc/i8254.h"
#include "hw/pc/pc.h"
#include "hw/pc/port61.h"
#include "hw/pc/port92.h"
#include "hw/pc/uart16550.h"

#define PC_SERIAL_PORTS 4
#define OR_GATE_INPUTS 32

/* Several sources on one wire: high while any of them is. */
typedef struct OrGate {
    uint32_t levels;
    uint32_t masked;   /* inputs cut off (HPET legacy replacement) */
    int count;     /* sources handed out */
    int out_level;
    IrqLine out;
} OrGate;

struct PcIsa {
    Machine *m;
    IsaEnv env;
    PicState *pic;
    PitState *pit;
    RtcState *rtc;
    KbcState *kbc;
    UartState *uart[PC_SERIAL_PORTS];
    IrqFanout fanout[PC_ISA_IRQS];
    OrGate irq_or[PC_ISA_IRQS];
    OrGate a20;
};

static const struct {
    uint16_t base;
    int irq;
} serial_ports[PC_SERIAL_PORTS] = {
    {0x3f8, 4}, {0x2f8, 3}, {0x3e8, 4}, {0x2e8, 3},
};

static void or_gate_input(void *opaque, int n, int level)
{
    OrGate *g = opaque;
    if (level) {
        g->levels |= 1u << n;
    } else {
        g->levels &= ~(1u << n);
    }
    int out = (g->levels & ~g->masked) != 0;
    if (out != g->out_level) {
        g->out_level = out;
        irq_set(g->out, out);
    }
}

static IrqLine or_gate_source(OrGate *g)
{
    if (g->count >= OR_GATE_INPUTS) {
        return irq_line(NULL, NULL, 0);
    }
    return irq_line(or_gate_input, g, g->count++);
}

IrqLine pc_isa_irq_source(PcIsa *isa, int n)
{
    if (n < 0 || n >= PC_ISA_IRQS) {
        return irq_line(NULL, NULL, 0);
    }
    return or_gate_source(&isa->irq_or[n]);
}

/* HPET legacy replacement: while high, the 8254 no longer drives IRQ0 nor
 * the RTC IRQ8 (each is input 0 of its line, created first). */
static void legacy_replacement(void *opaque, int n, int level)
{
    PcIsa *isa = opaque;
    static const int lines[] = {0, 8};
    for (int i = 0; i < 2; i++) {
        OrGate *g = &isa->irq_or[lines[i]];
        g->masked = level ? 1u : 0u;
        or_gate_input(g, 0, (g->levels & 1) != 0);
    }
}

IrqLine pc_isa_legacy_replacement(PcIsa *isa)
{
    return irq_line(legacy_replacement, isa, 0);
}

IrqFanout *pc_isa_irq_fanout(PcIsa *isa, int n)
{
    return n >= 0 && n < PC_ISA_IRQS ? &isa->fanout[n] : NULL;
}

PicState *pc_isa_pic(PcIsa *isa) { return isa->pic; }
RtcState *pc_isa_rtc(PcIsa *isa) { return isa->rtc; }
KbcState *pc_isa_kbc(PcIsa *isa) { return isa->kbc; }

void pc_isa_free(PcIsa *isa) { free(isa); }

static void reset_request(void *opaque, int n, int level)
{
    if (level) {
        machine_request_reset(opaque);
    }
}

static void serial_escape(void *opaque, int key)
{
    Machine *m = opaque;
    switch (key) {
    case 'x':
        fprintf(stderr, "\r\npcvm: terminated\r\n");
        machine_request_exit(m, 0);
        break;
    case 'c':
        fprintf(stderr, "\r\npcvm: no monitor yet\r\n");
        break;
    default:
        break;
    }
}

static IrqLine cpu_pin(Machine *m, VcpuPin pin)
{
    if (m->accel && m->accel->cpu_pin) {
        return m->accel->cpu_pin(m, 0, pin);
    }
    return irq_line(NULL, NULL, 0);
}

static int create_serial(PcIsa *isa, char *err, size_t errlen)
{
    Machine *m = isa->m;
    const MachineConfig *cfg = m->cfg;
    ChardevSpec dflt = {.kind = cfg->nographic ? CHR_STDIO : CHR_VC};
    int n = cfg->nserial ? cfg->nserial : 1;
    for (int i = 0; i < n && i < PC_SERIAL_PORTS; i++) {
        const ChardevSpec *spec = cfg->nserial ? &cfg->serial[i] : &dflt;
        if (spec->kind == CHR_NONE) {
            continue;
        }
        Chardev *chr = machine_open_chardev(m, spec, "-serial", err, errlen);
        if (!chr) {
            return -1;
        }
        if (spec->kind == CHR_STDIO) {
            chardev_set_escape(chr, serial_escape, m);
        }
        IrqLine irq = pc_isa_irq_source(isa, serial_ports[i].irq);
        isa->uart[i] = uart_new(&isa->env, i, serial_ports[i].base, irq, chr);
        if (isa->uart[i]) {
            uart_set_paced(isa->uart[i], false);
        }
        if (!isa->uart[i]) {
            return error_set(err, errlen, "-serial: COM%d's ports %#x-%#x are "
                                     "taken", i + 1, serial_ports[i].base,
                        serial_ports[i].base + 7);
        }
    }
    return 0;
}

/* Memory sizes and equipment where the BIOS looks for them. */
static void cmos_store(void *opaque, int index, uint8_t value)
{
    rtc_cmos_set(opaque, index, value);
}

/* What the firmware reads from CMOS (see cmos_layout.h), and the
 * equipment byte: FPU and PS/2 mouse present, no floppy. */
static int cmos_init(PcIsa *isa, char *err, size_t errlen)
{
    const MachineConfig *cfg = isa->m->cfg;
    uint64_t ram = cfg->ram_size;
    uint64_t below4g = ram < PC_LOWMEM_MAX ? ram : PC_LOWMEM_MAX;
    if (pc_cmos_layout(below4g, ram - below4g, isa->m->ncpus,
                       cfg->boot_order, cmos_store, isa->rtc)) {
        return error_set(err, errlen, "-boot %s: unknown boot device",
                    cfg->boot_order);
    }
    rtc_cmos_set(isa->rtc, 0x14, 0x06);
    return 0;
}

int pc_isa_init(Machine *m, IrqLine pic_intr, PcIsa **out, char *err,
                size_t errlen)
{
    PcIsa *isa = calloc(1, sizeof(*isa));
    if (!isa) {
        return error_set(err, errlen, "out of memory");
    }
    *out = isa;
    isa->m = m;
    isa->env = (IsaEnv){m->io, m->clock, &m->devices, &m->log};

    isa->pic = pic_new(&isa->env, pic_intr);
    if (!isa->pic) {
        return error_set(err, errlen, "the PIC's ports are taken");
    }
    for (int i = 0; i < PC_ISA_IRQS; i++) {
        irq_fanout_add(&isa->fanout[i], pic_irq_in(isa->pic, i));
        isa->irq_or[i].out = irq_fanout_input(&isa->fanout[i]);
    }

    /* x87 errors in legacy mode: FERR# -> IRQ13, port 0xF0 -> IGNNE#. */
    FerrState *ferr = ferr_new(&isa->env, pc_isa_irq_source(isa, 13),
                               cpu_pin(m, VCPU_PIN_IGNNE));
    if (!ferr) {
        return error_set(err, errlen, "port 0xf0 is taken");
    }
    if (m->accel && m->accel->cpu_output) {
        m->accel->cpu_output(m, 0, VCPU_OUT_FERR, ferr_input(ferr));
    }

    isa->pit = pit_new(&isa->env, PIT_BASE, pc_isa_irq_source(isa, 0));
    if (!isa->pit ||
        !port61_new(&isa->env, PORT61_BASE, isa->pit)) {
        return error_set(err, errlen, "the PIT's ports are taken");
    }

    int64_t base_sec;
    if (rtc_parse_base(m->cfg->rtc_base, (int64_t)time(NULL), &base_sec, err,
                       errlen)) {
        return -1;
    }
    isa->rtc = rtc_new(&isa->env, RTC_BASE, pc_isa_irq_source(isa, 8),
                       base_sec);
    if (!isa->rtc) {
        return error_set(err, errlen, "the RTC's ports are taken");
    }
    if (cmos_init(isa, err, errlen)) {
        return -1;
    }

    IrqLine reset = irq_line(reset_request, m, 0);
    isa->a20.out = cpu_pin(m, VCPU_PIN_A20);
    isa->kbc = i8042_new(&isa->env, pc_isa_irq_source(isa, 1),
                         pc_isa_irq_source(isa, 12),
                         or_gate_source(&isa->a20), reset);
    if (!isa->kbc ||
        !port92_new(&isa->env, PORT92_BASE, or_gate_source(&isa->a20),
                    reset)) {
        return error_set(err, errlen, "the keyboard controller's ports are "
                                 "taken");
    }
    return create_serial(isa, err, errlen);
}
