/*
 * The 8259A pair (see i8259.h), after the Intel 8259A datasheet.
 *
 * Priorities rotate: prio_base is the line with the highest priority (0
 * after init), and line n has priority (n - prio_base) & 7, 0 the highest.
 */
#include "hw/pc/i8259.h"

#include <stdlib.h>

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW1_INIT 0x10
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40

#define PIC_MASTER 0
#define PIC_SLAVE 1
#define PIC_CASCADE_IRQ 2

/* Lines whose trigger mode the ELCR may change (PIIX: not the timer,
 * keyboard, cascade, RTC or FPU lines). */
static const uint8_t elcr_writable[2] = {0xf8, 0xde};

typedef struct PicChip {
    uint8_t irr;         /* requests */
    uint8_t isr;         /* in service */
    uint8_t imr;         /* masked */
    uint8_t level;       /* input pin levels, for edge detection */
    uint8_t elcr;        /* level-triggered lines (ELCR) */
    uint8_t vector;      /* ICW2: vector base, low 3 bits clear */
    uint8_t icw1;
    uint8_t icw3;
    uint8_t icw4;
    uint8_t init_step;   /* 0: operational, else the ICW expected next */
    uint8_t prio_base;   /* the line with the highest priority */
    uint8_t read_isr;    /* OCW3: port 0 reads ISR (else IRR) */
    uint8_t poll;        /* OCW3: the next read is a poll */
    uint8_t special_mask;
    uint8_t rotate_aeoi;
} PicChip;

typedef struct PicSnap {
    PicChip chip[2];
    uint8_t intr;        /* level driven on the INTR output */
} PicSnap;

struct PicState {
    PicSnap st;
    IrqLine intr;
    Log *log;
};

#define CHIP_FIELD(i, f)                                                       \
    {#f "." #i, offsetof(PicSnap, chip[i].f), 1, 1}
#define CHIP_FIELDS(i)                                                         \
    CHIP_FIELD(i, irr), CHIP_FIELD(i, isr), CHIP_FIELD(i, imr),                \
    CHIP_FIELD(i, level), CHIP_FIELD(i, elcr), CHIP_FIELD(i, vector),          \
    CHIP_FIELD(i, icw1), CHIP_FIELD(i, icw3), CHIP_FIELD(i, icw4),             \
    CHIP_FIELD(i, init_step), CHIP_FIELD(i, prio_base),                        \
    CHIP_FIELD(i, read_isr), CHIP_FIELD(i, poll),                              \
    CHIP_FIELD(i, special_mask), CHIP_FIELD(i, rotate_aeoi)

static const SnapField pic_fields[] = {
    CHIP_FIELDS(0),
    CHIP_FIELDS(1),
    SNAP_FIELD(PicSnap, intr),
    SNAP_END,
};

static uint8_t level_mask(const PicChip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xff : c->elcr;
}

/* Priority (0 highest) of the best line in @mask, or 8 if none. */
static int best_priority(const PicChip *c, uint8_t mask)
{
    for (int p = 0; p < 8; p++) {
        if (mask & (1u << ((p + c->prio_base) & 7))) {
            return p;
        }
    }
    return 8;
}

static int line_of(const PicChip *c, int prio)
{
    return (prio + c->prio_base) & 7;
}

static bool is_cascade(const PicSnap *st, int chip, int line)
{
    const PicChip *m = &st->chip[PIC_MASTER];
    return chip == PIC_MASTER && line == PIC_CASCADE_IRQ &&
           !(m->icw1 & ICW1_SNGL) && (m->icw3 & (1u << PIC_CASCADE_IRQ));
}

/* The line this chip would interrupt for now, or -1. */
static int chip_pending(const PicSnap *st, int chip)
{
    const PicChip *c = &st->chip[chip];
    int p = best_priority(c, c->irr & ~c->imr);
    if (p == 8) {
        return -1;
    }
    uint8_t inserv = c->isr;
    if (c->special_mask) {
        /* Masked in-service levels do not hold off anything. */
        inserv &= ~c->imr;
    }
    int cur = best_priority(c, inserv);
    if (p < cur) {
        return line_of(c, p);
    }
    /* Special fully nested: a slave in service may still interrupt the
     * master again for its own higher-priority requests. */
    if (p == cur && (c->icw4 & ICW4_SFNM) &&
        is_cascade(st, chip, line_of(c, p))) {
        return line_of(c, p);
    }
    return -1;
}

static void chip_set_input(PicChip *c, int line, int level)
{
    uint8_t bit = 1u << line;
    if (level_mask(c) & bit) {
        if (level) {
            c->irr |= bit;
        } else {
            c->irr &= ~bit;
        }
    } else if (level && !(c->level & bit)) {
        c->irr |= bit;
    }
    if (level) {
        c->level |= bit;
    } else {
        c->level &= ~bit;
    }
}

/* Recompute the cascade and the INTR output. */
static void pic_update(PicState *s)
{
    PicSnap *st = &s->st;
    chip_set_input(&st->chip[PIC_MASTER], PIC_CASCADE_IRQ,
                   chip_pending(st, PIC_SLAVE) >= 0);
    uint8_t intr = chip_pending(st, PIC_MASTER) >= 0;
    if (intr != st->intr) {
        st->intr = intr;
        irq_set(s->intr, intr);
    }
}

/* The chip takes the acknowledge for @line. */
static void chip_ack(PicChip *c, int line)
{
    uint8_t bit = 1u << line;
    if (!(level_mask(c) & bit)) {
        c->irr &= ~bit;
    }
    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi) {
            c->prio_base = (line + 1) & 7;
        }
    } else {
        c->isr |= bit;
    }
}

int pic_ack(void *opaque)
{
    PicState *s = opaque;
    PicSnap *st = &s->st;
    PicChip *m = &st->chip[PIC_MASTER];
    PicChip *sl = &st->chip[PIC_SLAVE];
    int vec;
    int line = chip_pending(st, PIC_MASTER);
    if (line < 0) {
        vec = m->vector | 7; /* spurious IRQ7: nothing goes in service */
    } else {
        chip_ack(m, line);
        if (is_cascade(st, PIC_MASTER, line)) {
            int sline = chip_pending(st, PIC_SLAVE);
            if (sline < 0) {
                vec = sl->vector | 7; /* spurious IRQ15 */
            } else {
                chip_ack(sl, sline);
                vec = sl->vector + sline;
            }
        } else {
            vec = m->vector + line;
        }
    }
    TRACE(s->log, LOG_PIC, "pic: ack -> vector %#x", vec);
    pic_update(s);
    return vec;
}

VcpuIntc pic_intc(PicState *s)
{
    VcpuIntc intc = {.ack = pic_ack, .opaque = s};
    return intc;
}

static void pic_input(void *opaque, int n, int level)
{
    PicState *s = opaque;
    chip_set_input(&s->st.chip[n >> 3], n & 7, level);
    pic_update(s);
}

IrqLine pic_irq_in(PicState *s, int n)
{
    if (n == PIC_CASCADE_IRQ) {
        n = 9;
    }
    return irq_line(pic_input, s, n & 15);
}

static void chip_eoi(PicChip *c, int line, bool rotate)
{
    if (line < 0) {
        return;
    }
    c->isr &= ~(1u << line);
    if (rotate) {
        c->prio_base = (line + 1) & 7;
    }
}

static void write_ocw2(PicChip *c, uint8_t v)
{
    int specific = v & 7;
    int highest = -1;
    int p = best_priority(c, c->isr);
    if (p < 8) {
        highest = line_of(c, p);
    }
    switch (v >> 5) {
    case 0: /* rotate in auto-EOI mode: clear */
        c->rotate_aeoi = 0;
        break;
    case 4: /* rotate in auto-EOI mode: set */
        c->rotate_aeoi = 1;
        break;
    case 1: /* non-specific EOI */
        chip_eoi(c, highest, false);
        break;
    case 5: /* rotate on non-specific EOI */
        chip_eoi(c, highest, true);
        break;
    case 3: /* specific EOI */
        chip_eoi(c, specific, false);
        break;
    case 7: /* rotate on specific EOI */
        chip_eoi(c, specific, true);
        break;
    case 6: /* set priority: the named line becomes the lowest */
        c->prio_base = (specific + 1) & 7;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void write_icw1(PicChip *c, uint8_t v)
{
    c->icw1 = v;
    c->init_step = 2;
    c->imr = 0;
    c->isr = 0;
    c->prio_base = 0;
    c->special_mask = 0;
    c->read_isr = 0;
    c->poll = 0;
    c->rotate_aeoi = 0;
    if (!(v & ICW1_IC4)) {
        c->icw4 = 0;
    }
    /* The edge sense latches reset: an edge input must rise again. */
    c->irr &= level_mask(c);
    c->irr |= c->level & level_mask(c);
}

static void chip_write(PicState *s, int chip, unsigned offset, uint8_t v)
{
    PicChip *c = &s->st.chip[chip];
    if (offset == 0) {
        if (v & ICW1_INIT) {
            write_icw1(c, v);
        } else if (v & 0x08) {
            if (v & OCW3_ESMM) {
                c->special_mask = (v & OCW3_SMM) != 0;
            }
            if (v & OCW3_POLL) {
                c->poll = 1;
            }
            if (v & OCW3_RR) {
                c->read_isr = v & OCW3_RIS;
            }
        } else {
            write_ocw2(c, v);
        }
    } else {
        switch (c->init_step) {
        case 2:
            c->vector = v & 0xf8;
            if (!(c->icw1 & ICW1_SNGL)) {
                c->init_step = 3;
            } else {
                c->init_step = (c->icw1 & ICW1_IC4) ? 4 : 0;
            }
            break;
        case 3:
            c->icw3 = v;
            c->init_step = (c->icw1 & ICW1_IC4) ? 4 : 0;
            break;
        case 4:
            c->icw4 = v;
            c->init_step = 0;
            break;
        default:
            c->imr = v;
            break;
        }
    }
    TRACE(s->log, LOG_PIC, "pic%d: write %u <- %#x (irr %#x isr %#x imr %#x)",
          chip, offset, v, c->irr, c->isr, c->imr);
    pic_update(s);
}

static uint8_t chip_read(PicState *s, int chip, unsigned offset)
{
    PicChip *c = &s->st.chip[chip];
    uint8_t v;
    if (c->poll) {
        /* A poll is an acknowledge without the vector. */
        c->poll = 0;
        int line = chip_pending(&s->st, chip);
        if (line >= 0) {
            chip_ack(c, line);
            v = 0x80 | line;
        } else {
            v = 0;
        }
        pic_update(s);
    } else if (offset == 0) {
        v = c->read_isr ? c->isr : c->irr;
    } else {
        v = c->imr;
    }
    return v;
}

static uint64_t master_read(void *opaque, uint64_t offset, unsigned size)
{
    return chip_read(opaque, PIC_MASTER, offset & 1);
}

static void master_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    chip_write(opaque, PIC_MASTER, offset & 1, value);
}

static uint64_t slave_read(void *opaque, uint64_t offset, unsigned size)
{
    return chip_read(opaque, PIC_SLAVE, offset & 1);
}

static void slave_write(void *opaque, uint64_t offset, uint64_t value,
                        unsigned size)
{
    chip_write(opaque, PIC_SLAVE, offset & 1, value);
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    PicState *s = opaque;
    return s->st.chip[offset & 1].elcr;
}

static void elcr_write(void *opaque, uint64_t offset, uint64_t value,
                       unsigned size)
{
    PicState *s = opaque;
    PicChip *c = &s->st.chip[offset & 1];
    uint8_t was = level_mask(c);
    c->elcr = value & elcr_writable[offset & 1];
    /* Lines now level triggered request exactly while high. */
    uint8_t now_level = level_mask(c) & ~was;
    c->irr = (c->irr & ~now_level) | (c->level & now_level);
    pic_update(s);
}

static const MemOps master_ops = {
    .read = master_read, .write = master_write, .min_size = 1, .max_size = 1,
};
static const MemOps slave_ops = {
    .read = slave_read, .write = slave_write, .min_size = 1, .max_size = 1,
};
static const MemOps elcr_ops = {
    .read = elcr_read, .write = elcr_write, .min_size = 1, .max_size = 1,
};

static void pic_reset(void *opaque, ResetKind kind)
{
    PicState *s = opaque;
    for (int i = 0; i < 2; i++) {
        PicChip *c = &s->st.chip[i];
        uint8_t level = c->level;
        *c = (PicChip){0};
        c->level = level; /* the wires keep their levels */
        c->imr = 0xff;
        c->icw1 = ICW1_INIT | ICW1_IC4;
        c->icw4 = 0x01;
    }
    s->st.chip[PIC_MASTER].vector = 0x08;
    s->st.chip[PIC_MASTER].icw3 = 1u << PIC_CASCADE_IRQ;
    s->st.chip[PIC_SLAVE].vector = 0x70;
    s->st.chip[PIC_SLAVE].icw3 = PIC_CASCADE_IRQ;
    pic_update(s);
}

static int pic_post_load(void *opaque)
{
    PicState *s = opaque;
    for (int i = 0; i < 2; i++) {
        PicChip *c = &s->st.chip[i];
        c->vector &= 0xf8;
        c->prio_base &= 7;
        c->elcr &= elcr_writable[i];
        if (c->init_step > 4 || c->init_step == 1) {
            c->init_step = 0;
        }
    }
    s->st.intr = chip_pending(&s->st, PIC_MASTER) >= 0;
    irq_set(s->intr, s->st.intr);
    return 0;
}

static void pic_destroy(void *opaque) { free(opaque); }

static const DeviceInfo pic_info = {
    .name = "i8259",
    .version = 1,
    .fields = pic_fields,
    .reset = pic_reset,
    .post_load = pic_post_load,
    .destroy = pic_destroy,
};

PicState *pic_new(const IsaEnv *env, IrqLine intr)
{
    PicState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->intr = intr;
    s->log = env->log;
    IoRegion *m = iobus_register(env->io, "pic-master", PIC_MASTER_BASE, 2,
                                 &master_ops, s);
    IoRegion *sl = m ? iobus_register(env->io, "pic-slave", PIC_SLAVE_BASE, 2,
                                      &slave_ops, s)
                     : NULL;
    IoRegion *e = sl ? iobus_register(env->io, "elcr", PIC_ELCR_BASE, 2,
                                      &elcr_ops, s)
                     : NULL;
    if (!e) {
        if (sl) {
            iobus_unregister(env->io, sl);
        }
        if (m) {
            iobus_unregister(env->io, m);
        }
        free(s);
        return NULL;
    }
    pic_reset(s, RESET_COLD);
    device_register(env->devices, &pic_info, s, &s->st);
    return s;
}
