/*
 * The 8042 keyboard controller (see i8042.h), after the IBM PC AT and PS/2
 * technical references.
 *
 * The output buffer holds one byte. When it is empty the controller fills
 * it from, in order: its own replies, the keyboard (unless that port is
 * disabled), the mouse (likewise). The devices raise their ready lines when
 * they have bytes, which makes the controller look again.
 */
#include "hw/pc/i8042.h"

#include <stdlib.h>
#include <string.h>

#define CMD_INT1 0x01
#define CMD_INT12 0x02
#define CMD_SYS 0x04
#define CMD_KBD_OFF 0x10
#define CMD_AUX_OFF 0x20
#define CMD_XLAT 0x40

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_A2 0x08
#define ST_UNLOCKED 0x10
#define ST_AUX 0x20

#define OUT_RESET 0x01
#define OUT_A20 0x02
#define OUT_IRQ1 0x10
#define OUT_IRQ12 0x20
#define OUT_POWER_ON 0xcf

#define KBC_REPLIES 8

typedef struct KbcSnap {
    uint8_t ram[32];      /* ram[0] is the command byte */
    uint8_t outport;
    uint8_t out;          /* the output buffer */
    uint8_t out_full;
    uint8_t out_aux;      /* the byte came from (or for) the mouse port */
    uint8_t sys;
    uint8_t a2;           /* the last write went to the command port */
    uint8_t pending;      /* a command waiting for its data byte, or 0 */
    uint8_t reply[KBC_REPLIES];
    uint8_t reply_aux[KBC_REPLIES];
    uint8_t reply_head;
    uint8_t reply_count;
    uint8_t xlat_f0;      /* translation: the keyboard sent 0xf0 */
    uint8_t irq1, irq12, a20;
} KbcSnap;

struct KbcState {
    KbcSnap st;
    IrqLine irq1, irq12, a20, reset;
    Ps2Kbd *kbd;
    Ps2Mouse *mouse;
    Log *log;
    bool updating;
    unsigned unimp_log;
};

static const SnapField kbc_fields[] = {
    SNAP_ARRAY(KbcSnap, ram),
    SNAP_FIELD(KbcSnap, outport),
    SNAP_FIELD(KbcSnap, out),
    SNAP_FIELD(KbcSnap, out_full),
    SNAP_FIELD(KbcSnap, out_aux),
    SNAP_FIELD(KbcSnap, sys),
    SNAP_FIELD(KbcSnap, a2),
    SNAP_FIELD(KbcSnap, pending),
    SNAP_ARRAY(KbcSnap, reply),
    SNAP_ARRAY(KbcSnap, reply_aux),
    SNAP_FIELD(KbcSnap, reply_head),
    SNAP_FIELD(KbcSnap, reply_count),
    SNAP_FIELD(KbcSnap, xlat_f0),
    SNAP_FIELD(KbcSnap, irq1),
    SNAP_FIELD(KbcSnap, irq12),
    SNAP_FIELD(KbcSnap, a20),
    SNAP_END,
};

static void set_line(IrqLine line, uint8_t *level, uint8_t v)
{
    if (*level != v) {
        *level = v;
        irq_set(line, v);
    }
}

/* A byte from the keyboard, through the set 2 -> set 1 translation. */
static int kbd_byte(KbcState *s)
{
    KbcSnap *st = &s->st;
    for (;;) {
        int b = ps2_kbd_read(s->kbd);
        if (b < 0 || !(st->ram[0] & CMD_XLAT)) {
            return b;
        }
        if (b == 0xf0) {
            st->xlat_f0 = 1;
            continue;
        }
        b = ps2_translate(b) | (st->xlat_f0 ? 0x80 : 0);
        st->xlat_f0 = 0;
        return b;
    }
}

static void kbc_update(KbcState *s)
{
    KbcSnap *st = &s->st;
    if (s->updating) {
        return;
    }
    s->updating = true;
    if (!st->out_full && st->reply_count) {
        st->out = st->reply[st->reply_head];
        st->out_aux = st->reply_aux[st->reply_head];
        st->reply_head = (st->reply_head + 1) % KBC_REPLIES;
        st->reply_count--;
        st->out_full = 1;
    }
    if (!st->out_full && !(st->ram[0] & CMD_KBD_OFF)) {
        int b = kbd_byte(s);
        if (b >= 0) {
            st->out = b;
            st->out_aux = 0;
            st->out_full = 1;
        }
    }
    if (!st->out_full && !(st->ram[0] & CMD_AUX_OFF)) {
        int b = ps2_mouse_read(s->mouse);
        if (b >= 0) {
            st->out = b;
            st->out_aux = 1;
            st->out_full = 1;
        }
    }
    set_line(s->irq1, &st->irq1,
             st->out_full && !st->out_aux && (st->ram[0] & CMD_INT1));
    set_line(s->irq12, &st->irq12,
             st->out_full && st->out_aux && (st->ram[0] & CMD_INT12));
    s->updating = false;
}

static void kbc_ready(void *opaque, int n, int level)
{
    if (level) {
        kbc_update(opaque);
    }
}

static void kbc_reply(KbcState *s, uint8_t v, bool aux)
{
    KbcSnap *st = &s->st;
    if (st->reply_count < KBC_REPLIES) {
        int i = (st->reply_head + st->reply_count) % KBC_REPLIES;
        st->reply[i] = v;
        st->reply_aux[i] = aux;
        st->reply_count++;
    }
    kbc_update(s);
}

static void write_outport(KbcState *s, uint8_t v)
{
    KbcSnap *st = &s->st;
    st->outport = v;
    set_line(s->a20, &st->a20, (v & OUT_A20) != 0);
    if (!(v & OUT_RESET)) {
        TRACE(s->log, LOG_RESET, "i8042: system reset");
        irq_pulse(s->reset);
    }
}

static void kbc_command(KbcState *s, uint8_t cmd)
{
    KbcSnap *st = &s->st;
    if (cmd >= 0x20 && cmd < 0x40) {
        kbc_reply(s, st->ram[cmd & 0x1f], false);
        return;
    }
    if ((cmd >= 0x60 && cmd < 0x80) || (cmd >= 0xd1 && cmd <= 0xd4)) {
        st->pending = cmd;
        return;
    }
    if (cmd >= 0xf0) {
        /* Pulse the output port bits that are 0 in the command. */
        if (!(cmd & OUT_RESET)) {
            TRACE(s->log, LOG_RESET, "i8042: reset pulse");
            irq_pulse(s->reset);
        }
        return;
    }
    switch (cmd) {
    case 0xa4: /* password installed? */
        kbc_reply(s, 0xf1, false);
        break;
    case 0xa7:
        st->ram[0] |= CMD_AUX_OFF;
        break;
    case 0xa8:
        st->ram[0] &= ~CMD_AUX_OFF;
        break;
    case 0xa9: /* mouse interface test */
    case 0xab: /* keyboard interface test */
        kbc_reply(s, 0x00, false);
        break;
    case 0xaa: /* self test */
        st->sys = 1;
        kbc_reply(s, 0x55, false);
        break;
    case 0xad:
        st->ram[0] |= CMD_KBD_OFF;
        break;
    case 0xae:
        st->ram[0] &= ~CMD_KBD_OFF;
        break;
    case 0xc0: /* input port: keyboard not inhibited */
        kbc_reply(s, 0x80, false);
        break;
    case 0xd0: {
        uint8_t v = st->outport & ~(OUT_IRQ1 | OUT_IRQ12);
        v |= st->irq1 ? OUT_IRQ1 : 0;
        v |= st->irq12 ? OUT_IRQ12 : 0;
        kbc_reply(s, v, false);
        break;
    }
    case 0xdd:
        write_outport(s, st->outport & ~OUT_A20);
        break;
    case 0xdf:
        write_outport(s, st->outport | OUT_A20);
        break;
    case 0xe0: /* test inputs */
        kbc_reply(s, 0x00, false);
        break;
    default:
        log_guest(s->log, LOG_UNIMP, &s->unimp_log,
                  "i8042: command %#x ignored", cmd);
        break;
    }
    kbc_update(s);
}

static void kbc_data(KbcState *s, uint8_t v)
{
    KbcSnap *st = &s->st;
    uint8_t cmd = st->pending;
    st->pending = 0;
    if (cmd >= 0x60 && cmd < 0x80) {
        st->ram[cmd & 0x1f] = v;
        if (cmd == 0x60) {
            st->sys = (v & CMD_SYS) != 0;
        }
        kbc_update(s);
        return;
    }
    switch (cmd) {
    case 0xd1:
        write_outport(s, v);
        break;
    case 0xd2:
        kbc_reply(s, v, false);
        break;
    case 0xd3:
        kbc_reply(s, v, true);
        break;
    case 0xd4:
        ps2_mouse_write(s->mouse, v);
        break;
    default:
        /* To the keyboard, whose port this re-enables. */
        st->ram[0] &= ~CMD_KBD_OFF;
        ps2_kbd_write(s->kbd, v);
        kbc_update(s);
        break;
    }
}

static uint64_t data_read(void *opaque, uint64_t offset, unsigned size)
{
    KbcState *s = opaque;
    KbcSnap *st = &s->st;
    uint8_t v = st->out;
    if (st->out_full) {
        /* The interrupt falls with the read, so the next byte, which
         * follows at once, makes a new edge. */
        st->out_full = 0;
        set_line(s->irq1, &st->irq1, 0);
        set_line(s->irq12, &st->irq12, 0);
        kbc_update(s);
    }
    return v;
}

static void data_write(void *opaque, uint64_t offset, uint64_t value,
                       unsigned size)
{
    KbcState *s = opaque;
    s->st.a2 = 0;
    kbc_data(s, value);
}

static uint64_t status_read(void *opaque, uint64_t offset, unsigned size)
{
    KbcState *s = opaque;
    KbcSnap *st = &s->st;
    return (st->out_full ? ST_OBF : 0) | (st->sys ? ST_SYS : 0) |
           (st->a2 ? ST_A2 : 0) | ST_UNLOCKED |
           (st->out_full && st->out_aux ? ST_AUX : 0);
}

static void cmd_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    KbcState *s = opaque;
    s->st.a2 = 1;
    s->st.pending = 0;
    kbc_command(s, value);
}

static const MemOps data_ops = {
    .read = data_read, .write = data_write, .min_size = 1, .max_size = 1,
};
static const MemOps cmd_ops = {
    .read = status_read, .write = cmd_write, .min_size = 1, .max_size = 1,
};

static void kbc_reset(void *opaque, ResetKind kind)
{
    KbcState *s = opaque;
    KbcSnap *st = &s->st;
    uint8_t ram[32], sys = st->sys;
    memcpy(ram, st->ram, sizeof(ram));
    uint8_t irq1 = st->irq1, irq12 = st->irq12, a20 = st->a20;
    memset(st, 0, sizeof(*st));
    st->irq1 = irq1;
    st->irq12 = irq12;
    st->a20 = a20;
    if (kind == RESET_WARM) {
        /* The 8042 is not reset with the CPU: it keeps its RAM and SYS. */
        memcpy(st->ram, ram, sizeof(ram));
        st->sys = sys;
    } else {
        st->ram[0] = CMD_XLAT | CMD_INT12 | CMD_INT1;
    }
    /* A20 comes back enabled, as the CPU's own reset assumes. */
    st->outport = OUT_POWER_ON;
    set_line(s->a20, &st->a20, 1);
    kbc_update(s);
}

static int kbc_post_load(void *opaque)
{
    KbcState *s = opaque;
    KbcSnap *st = &s->st;
    st->reply_head %= KBC_REPLIES;
    if (st->reply_count > KBC_REPLIES) {
        st->reply_count = KBC_REPLIES;
    }
    st->irq1 = !st->irq1;
    st->irq12 = !st->irq12;
    st->a20 = !st->a20;
    set_line(s->a20, &st->a20, (st->outport & OUT_A20) != 0);
    set_line(s->irq1, &st->irq1,
             st->out_full && !st->out_aux && (st->ram[0] & CMD_INT1));
    set_line(s->irq12, &st->irq12,
             st->out_full && st->out_aux && (st->ram[0] & CMD_INT12));
    kbc_update(s);
    return 0;
}

static void kbc_destroy(void *opaque) { free(opaque); }

static const DeviceInfo kbc_info = {
    .name = "i8042",
    .version = 1,
    .fields = kbc_fields,
    .reset = kbc_reset,
    .post_load = kbc_post_load,
    .destroy = kbc_destroy,
};

KbcState *i8042_new(const IsaEnv *env, IrqLine irq1, IrqLine irq12,
                    IrqLine a20, IrqLine reset)
{
    KbcState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->irq1 = irq1;
    s->irq12 = irq12;
    s->a20 = a20;
    s->reset = reset;
    s->log = env->log;
    IoRegion *data = iobus_register(env->io, "i8042-data", I8042_DATA_PORT,
                                    1, &data_ops, s);
    IoRegion *cmd = data ? iobus_register(env->io, "i8042-cmd",
                                          I8042_CMD_PORT, 1, &cmd_ops, s)
                         : NULL;
    if (!cmd) {
        if (data) {
            iobus_unregister(env->io, data);
        }
        free(s);
        return NULL;
    }
    s->kbd = ps2_kbd_new(env, irq_line(kbc_ready, s, 0));
    s->mouse = ps2_mouse_new(env, irq_line(kbc_ready, s, 1));
    kbc_reset(s, RESET_COLD);
    device_register(env->devices, &kbc_info, s, &s->st);
    return s;
}

Ps2Kbd *i8042_keyboard(KbcState *s) { return s->kbd; }
Ps2Mouse *i8042_mouse(KbcState *s) { return s->mouse; }
