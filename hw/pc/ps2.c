/*
 * PS/2 keyboard and mouse (see ps2.h), after the IBM PS/2 technical
 * reference and the scancode tables in Andries Brouwer's "Keyboard
 * scancodes".
 */
#include "hw/pc/ps2.h"

#include <stdlib.h>
#include <string.h>

#define PS2_QUEUE 64

#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa
#define PS2_ECHO 0xee

typedef struct Ps2Queue {
    uint8_t data[PS2_QUEUE];
    uint8_t head;
    uint8_t count;
} Ps2Queue;

/* --- scancodes --- */

typedef struct KeyCodes {
    uint8_t set2;
    uint8_t e0;         /* set 2 (and 1) code has the 0xe0 prefix */
    uint8_t set3;
    uint8_t set3_break; /* sends a break code in set 3 by default */
} KeyCodes;

#define K(s2, s3) {s2, 0, s3, 0}
#define KE(s2, s3) {s2, 1, s3, 0}
#define KB(s2, s3) {s2, 0, s3, 1}
#define KEB(s2, s3) {s2, 1, s3, 1}

static const KeyCodes key_codes[PS2_KEY_COUNT] = {
    [PS2_KEY_ESC] = K(0x76, 0x08),
    [PS2_KEY_F1] = K(0x05, 0x07),
    [PS2_KEY_F2] = K(0x06, 0x0f),
    [PS2_KEY_F3] = K(0x04, 0x17),
    [PS2_KEY_F4] = K(0x0c, 0x1f),
    [PS2_KEY_F5] = K(0x03, 0x27),
    [PS2_KEY_F6] = K(0x0b, 0x2f),
    [PS2_KEY_F7] = K(0x83, 0x37),
    [PS2_KEY_F8] = K(0x0a, 0x3f),
    [PS2_KEY_F9] = K(0x01, 0x47),
    [PS2_KEY_F10] = K(0x09, 0x4f),
    [PS2_KEY_F11] = K(0x78, 0x56),
    [PS2_KEY_F12] = K(0x07, 0x5e),
    [PS2_KEY_PRINT] = KE(0x7c, 0x57), /* special sequences in sets 1, 2 */
    [PS2_KEY_SCROLL_LOCK] = K(0x7e, 0x5f),
    [PS2_KEY_PAUSE] = K(0x00, 0x62),  /* special sequences in sets 1, 2 */
    [PS2_KEY_GRAVE] = K(0x0e, 0x0e),
    [PS2_KEY_1] = K(0x16, 0x16),
    [PS2_KEY_2] = K(0x1e, 0x1e),
    [PS2_KEY_3] = K(0x26, 0x26),
    [PS2_KEY_4] = K(0x25, 0x25),
    [PS2_KEY_5] = K(0x2e, 0x2e),
    [PS2_KEY_6] = K(0x36, 0x36),
    [PS2_KEY_7] = K(0x3d, 0x3d),
    [PS2_KEY_8] = K(0x3e, 0x3e),
    [PS2_KEY_9] = K(0x46, 0x46),
    [PS2_KEY_0] = K(0x45, 0x45),
    [PS2_KEY_MINUS] = K(0x4e, 0x4e),
    [PS2_KEY_EQUAL] = K(0x55, 0x55),
    [PS2_KEY_BACKSPACE] = K(0x66, 0x66),
    [PS2_KEY_TAB] = K(0x0d, 0x0d),
    [PS2_KEY_Q] = K(0x15, 0x15),
    [PS2_KEY_W] = K(0x1d, 0x1d),
    [PS2_KEY_E] = K(0x24, 0x24),
    [PS2_KEY_R] = K(0x2d, 0x2d),
    [PS2_KEY_T] = K(0x2c, 0x2c),
    [PS2_KEY_Y] = K(0x35, 0x35),
    [PS2_KEY_U] = K(0x3c, 0x3c),
    [PS2_KEY_I] = K(0x43, 0x43),
    [PS2_KEY_O] = K(0x44, 0x44),
    [PS2_KEY_P] = K(0x4d, 0x4d),
    [PS2_KEY_LEFTBRACE] = K(0x54, 0x54),
    [PS2_KEY_RIGHTBRACE] = K(0x5b, 0x5b),
    [PS2_KEY_BACKSLASH] = K(0x5d, 0x5c),
    [PS2_KEY_CAPS_LOCK] = KB(0x58, 0x14),
    [PS2_KEY_A] = K(0x1c, 0x1c),
    [PS2_KEY_S] = K(0x1b, 0x1b),
    [PS2_KEY_D] = K(0x23, 0x23),
    [PS2_KEY_F] = K(0x2b, 0x2b),
    [PS2_KEY_G] = K(0x34, 0x34),
    [PS2_KEY_H] = K(0x33, 0x33),
    [PS2_KEY_J] = K(0x3b, 0x3b),
    [PS2_KEY_K] = K(0x42, 0x42),
    [PS2_KEY_L] = K(0x4b, 0x4b),
    [PS2_KEY_SEMICOLON] = K(0x4c, 0x4c),
    [PS2_KEY_APOSTROPHE] = K(0x52, 0x52),
    [PS2_KEY_ENTER] = K(0x5a, 0x5a),
    [PS2_KEY_LSHIFT] = KB(0x12, 0x12),
    [PS2_KEY_102ND] = K(0x61, 0x13),
    [PS2_KEY_Z] = K(0x1a, 0x1a),
    [PS2_KEY_X] = K(0x22, 0x22),
    [PS2_KEY_C] = K(0x21, 0x21),
    [PS2_KEY_V] = K(0x2a, 0x2a),
    [PS2_KEY_B] = K(0x32, 0x32),
    [PS2_KEY_N] = K(0x31, 0x31),
    [PS2_KEY_M] = K(0x3a, 0x3a),
    [PS2_KEY_COMMA] = K(0x41, 0x41),
    [PS2_KEY_DOT] = K(0x49, 0x49),
    [PS2_KEY_SLASH] = K(0x4a, 0x4a),
    [PS2_KEY_RSHIFT] = KB(0x59, 0x59),
    [PS2_KEY_LCTRL] = KB(0x14, 0x11),
    [PS2_KEY_LMETA] = KEB(0x1f, 0x8b),
    [PS2_KEY_LALT] = KB(0x11, 0x19),
    [PS2_KEY_SPACE] = K(0x29, 0x29),
    [PS2_KEY_RALT] = KE(0x11, 0x39),
    [PS2_KEY_RMETA] = KEB(0x27, 0x8c),
    [PS2_KEY_MENU] = KEB(0x2f, 0x8d),
    [PS2_KEY_RCTRL] = KE(0x14, 0x58),
    [PS2_KEY_INSERT] = KE(0x70, 0x67),
    [PS2_KEY_HOME] = KE(0x6c, 0x6e),
    [PS2_KEY_PAGEUP] = KE(0x7d, 0x6f),
    [PS2_KEY_DELETE] = KE(0x71, 0x64),
    [PS2_KEY_END] = KE(0x69, 0x65),
    [PS2_KEY_PAGEDOWN] = KE(0x7a, 0x6d),
    [PS2_KEY_UP] = KE(0x75, 0x63),
    [PS2_KEY_LEFT] = KE(0x6b, 0x61),
    [PS2_KEY_DOWN] = KE(0x72, 0x60),
    [PS2_KEY_RIGHT] = KE(0x74, 0x6a),
    [PS2_KEY_NUM_LOCK] = K(0x77, 0x76),
    [PS2_KEY_KP_SLASH] = KE(0x4a, 0x77),
    [PS2_KEY_KP_ASTERISK] = K(0x7c, 0x7e),
    [PS2_KEY_KP_MINUS] = K(0x7b, 0x84),
    [PS2_KEY_KP_7] = K(0x6c, 0x6c),
    [PS2_KEY_KP_8] = K(0x75, 0x75),
    [PS2_KEY_KP_9] = K(0x7d, 0x7d),
    [PS2_KEY_KP_PLUS] = K(0x79, 0x7c),
    [PS2_KEY_KP_4] = K(0x6b, 0x6b),
    [PS2_KEY_KP_5] = K(0x73, 0x73),
    [PS2_KEY_KP_6] = K(0x74, 0x74),
    [PS2_KEY_KP_1] = K(0x69, 0x69),
    [PS2_KEY_KP_2] = K(0x72, 0x72),
    [PS2_KEY_KP_3] = K(0x7a, 0x7a),
    [PS2_KEY_KP_ENTER] = KE(0x5a, 0x79),
    [PS2_KEY_KP_0] = K(0x70, 0x70),
    [PS2_KEY_KP_DOT] = K(0x71, 0x71),
};

/* The 8042 translation table for 0x00-0x7f (0x80 and up pass unchanged,
 * except 0x83 and 0x84). */
static const uint8_t xlat_low[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
    0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
    0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
    0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,
    0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,
    0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2_translate(uint8_t code)
{
    if (code < 0x80) {
        return xlat_low[code];
    }
    if (code == 0x83) {
        return 0x41;
    }
    return code == 0x84 ? 0x54 : code;
}

/* --- queues --- */

static bool queue_put(Ps2Queue *q, const uint8_t *b, int n)
{
    if (q->count + n > PS2_QUEUE) {
        return false;
    }
    for (int i = 0; i < n; i++) {
        q->data[(q->head + q->count) % PS2_QUEUE] = b[i];
        q->count++;
    }
    return true;
}

static int queue_get(Ps2Queue *q)
{
    if (!q->count) {
        return -1;
    }
    uint8_t v = q->data[q->head];
    q->head = (q->head + 1) % PS2_QUEUE;
    q->count--;
    return v;
}

static void queue_clear(Ps2Queue *q)
{
    q->head = q->count = 0;
}

static void queue_sanitize(Ps2Queue *q)
{
    q->head %= PS2_QUEUE;
    if (q->count > PS2_QUEUE) {
        q->count = PS2_QUEUE;
    }
}

/* ================= keyboard ================= */

enum { SET3_DEFAULT, SET3_ALL_BREAK, SET3_NO_BREAK };

typedef struct KbdSnap {
    Ps2Queue q;
    uint8_t pending;    /* command waiting for its parameter, or 0 */
    uint8_t set;        /* scancode set 1, 2 or 3 */
    uint8_t scanning;   /* sends keys (F4 / F5) */
    uint8_t leds;
    uint8_t typematic;
    uint8_t set3_mode;
    uint8_t last;       /* last byte read by the controller (resend) */
    uint8_t ready;      /* level driven on the ready line */
} KbdSnap;

struct Ps2Kbd {
    KbdSnap st;
    IrqLine ready;
};

static const SnapField kbd_fields[] = {
    SNAP_ARRAY(KbdSnap, q.data),
    SNAP_FIELD(KbdSnap, q.head),
    SNAP_FIELD(KbdSnap, q.count),
    SNAP_FIELD(KbdSnap, pending),
    SNAP_FIELD(KbdSnap, set),
    SNAP_FIELD(KbdSnap, scanning),
    SNAP_FIELD(KbdSnap, leds),
    SNAP_FIELD(KbdSnap, typematic),
    SNAP_FIELD(KbdSnap, set3_mode),
    SNAP_FIELD(KbdSnap, last),
    SNAP_FIELD(KbdSnap, ready),
    SNAP_END,
};

static void kbd_update(Ps2Kbd *s)
{
    uint8_t ready = s->st.q.count != 0;
    if (ready != s->st.ready) {
        s->st.ready = ready;
        irq_set(s->ready, ready);
    }
}

static void kbd_send(Ps2Kbd *s, const uint8_t *b, int n)
{
    queue_put(&s->st.q, b, n);
    kbd_update(s);
}

static void kbd_send1(Ps2Kbd *s, uint8_t b) { kbd_send(s, &b, 1); }

static void kbd_defaults(KbdSnap *st)
{
    st->set = 2;
    st->typematic = 0x2b; /* 10.9 characters/s after 500 ms */
    st->set3_mode = SET3_DEFAULT;
    st->pending = 0;
}

static void kbd_command(Ps2Kbd *s, uint8_t cmd)
{
    KbdSnap *st = &s->st;
    switch (cmd) {
    case 0xed: /* LEDs */
    case 0xf3: /* typematic rate and delay */
    case 0xf0: /* scancode set */
    case 0xfb: /* set 3: keys typematic only */
    case 0xfc: /* set 3: keys make/break */
    case 0xfd: /* set 3: keys make only */
        st->pending = cmd;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xee:
        kbd_send1(s, PS2_ECHO);
        break;
    case 0xf2: {
        static const uint8_t id[] = {PS2_ACK, 0xab, 0x83};
        kbd_send(s, id, 3);
        break;
    }
    case 0xf4:
        queue_clear(&st->q);
        st->scanning = 1;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf5:
        queue_clear(&st->q);
        kbd_defaults(st);
        st->scanning = 0;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf6:
        queue_clear(&st->q);
        kbd_defaults(st);
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf7: /* set 3, all keys: typematic only */
    case 0xf9: /* make only */
        st->set3_mode = SET3_NO_BREAK;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf8: /* make/break */
    case 0xfa: /* typematic and make/break */
        st->set3_mode = SET3_ALL_BREAK;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xfe:
        kbd_send1(s, st->last);
        break;
    case 0xff: {
        static const uint8_t bat[] = {PS2_ACK, PS2_BAT_OK};
        queue_clear(&st->q);
        kbd_defaults(st);
        st->scanning = 1;
        st->leds = 0;
        kbd_send(s, bat, 2);
        break;
    }
    default:
        kbd_send1(s, PS2_RESEND);
        break;
    }
}

void ps2_kbd_write(Ps2Kbd *s, uint8_t byte)
{
    KbdSnap *st = &s->st;
    uint8_t cmd = st->pending;
    if (!cmd) {
        kbd_command(s, byte);
        return;
    }
    switch (cmd) {
    case 0xed:
        st->leds = byte & 7;
        st->pending = 0;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf3:
        st->typematic = byte & 0x7f;
        st->pending = 0;
        kbd_send1(s, PS2_ACK);
        break;
    case 0xf0:
        st->pending = 0;
        if (byte == 0) {
            uint8_t r[2] = {PS2_ACK, st->set};
            kbd_send(s, r, 2);
        } else if (byte <= 3) {
            st->set = byte;
            kbd_send1(s, PS2_ACK);
        } else {
            kbd_send1(s, PS2_RESEND);
        }
        break;
    default: /* 0xfb-0xfd: a list of set 3 keys, ended by a command */
        if (byte >= 0xed) {
            st->pending = 0;
            kbd_command(s, byte);
        } else {
            kbd_send1(s, PS2_ACK);
        }
        break;
    }
}

int ps2_kbd_read(Ps2Kbd *s)
{
    int v = queue_get(&s->st.q);
    if (v >= 0) {
        s->st.last = v;
    }
    kbd_update(s);
    return v;
}

void ps2_kbd_key(Ps2Kbd *s, Ps2Key key, bool down)
{
    KbdSnap *st = &s->st;
    uint8_t b[8];
    int n = 0;
    if ((unsigned)key >= PS2_KEY_COUNT || !st->scanning) {
        return;
    }
    const KeyCodes *k = &key_codes[key];
    if (st->set == 3) {
        bool brk = st->set3_mode == SET3_ALL_BREAK ||
                   (st->set3_mode == SET3_DEFAULT && k->set3_break);
        if (!down && !brk) {
            return;
        }
        if (!down) {
            b[n++] = 0xf0;
        }
        b[n++] = k->set3;
    } else if (key == PS2_KEY_PAUSE) {
        static const uint8_t pause1[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
        static const uint8_t pause2[] = {0xe1, 0x14, 0x77, 0xe1,
                                         0xf0, 0x14, 0xf0, 0x77};
        if (down) {
            if (st->set == 1) {
                kbd_send(s, pause1, sizeof(pause1));
            } else {
                kbd_send(s, pause2, sizeof(pause2));
            }
        }
        return;
    } else if (key == PS2_KEY_PRINT) {
        static const uint8_t make2[] = {0xe0, 0x12, 0xe0, 0x7c};
        static const uint8_t brk2[] = {0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12};
        static const uint8_t make1[] = {0xe0, 0x2a, 0xe0, 0x37};
        static const uint8_t brk1[] = {0xe0, 0xb7, 0xe0, 0xaa};
        if (st->set == 1) {
            kbd_send(s, down ? make1 : brk1, 4);
        } else {
            kbd_send(s, down ? make2 : brk2, down ? 4 : 6);
        }
        return;
    } else if (st->set == 1) {
        if (k->e0) {
            b[n++] = 0xe0;
        }
        b[n++] = ps2_translate(k->set2) | (down ? 0 : 0x80);
    } else {
        if (k->e0) {
            b[n++] = 0xe0;
        }
        if (!down) {
            b[n++] = 0xf0;
        }
        b[n++] = k->set2;
    }
    kbd_send(s, b, n);
}

static void kbd_reset(void *opaque, ResetKind kind)
{
    Ps2Kbd *s = opaque;
    KbdSnap *st = &s->st;
    queue_clear(&st->q);
    kbd_defaults(st);
    st->scanning = 1;
    st->leds = 0;
    kbd_update(s);
}

static int kbd_post_load(void *opaque)
{
    Ps2Kbd *s = opaque;
    KbdSnap *st = &s->st;
    queue_sanitize(&st->q);
    if (st->set < 1 || st->set > 3) {
        st->set = 2;
    }
    if (st->pending && st->pending < 0xed) {
        st->pending = 0;
    }
    /* Not driven: the controller loads after us and looks itself. */
    st->ready = st->q.count != 0;
    return 0;
}

static void ps2_destroy(void *opaque) { free(opaque); }

static const DeviceInfo kbd_info = {
    .name = "ps2-kbd",
    .version = 1,
    .fields = kbd_fields,
    .reset = kbd_reset,
    .post_load = kbd_post_load,
    .destroy = ps2_destroy,
};

Ps2Kbd *ps2_kbd_new(const IsaEnv *env, IrqLine ready)
{
    Ps2Kbd *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->ready = ready;
    kbd_reset(s, RESET_COLD);
    device_register(env->devices, &kbd_info, s, &s->st);
    return s;
}

/* ================= mouse ================= */

/* Movement the host reported and the guest has not been sent yet, kept
 * within what a few seconds of fast motion give. */
#define MOUSE_ACCUM_MAX 4096

typedef struct MouseSnap {
    Ps2Queue q;
    int32_t dx, dy, dz;   /* pending motion, PS/2 sense (dy up) */
    uint8_t buttons;      /* held now */
    uint8_t sent_buttons; /* as in the last packet */
    uint8_t pending;      /* command waiting for its parameter, or 0 */
    uint8_t rate;
    uint8_t resolution;
    uint8_t scaling21;
    uint8_t remote;
    uint8_t wrap;
    uint8_t reporting;
    uint8_t id;           /* 0, 3 (wheel) or 4 (wheel + 5 buttons) */
    uint8_t rates[3];     /* the last sample rates, for the ID knock */
    uint8_t last;
    uint8_t ready;
} MouseSnap;

struct Ps2Mouse {
    MouseSnap st;
    IrqLine ready;
};

static const SnapField mouse_fields[] = {
    SNAP_ARRAY(MouseSnap, q.data),
    SNAP_FIELD(MouseSnap, q.head),
    SNAP_FIELD(MouseSnap, q.count),
    SNAP_FIELD(MouseSnap, dx),
    SNAP_FIELD(MouseSnap, dy),
    SNAP_FIELD(MouseSnap, dz),
    SNAP_FIELD(MouseSnap, buttons),
    SNAP_FIELD(MouseSnap, sent_buttons),
    SNAP_FIELD(MouseSnap, pending),
    SNAP_FIELD(MouseSnap, rate),
    SNAP_FIELD(MouseSnap, resolution),
    SNAP_FIELD(MouseSnap, scaling21),
    SNAP_FIELD(MouseSnap, remote),
    SNAP_FIELD(MouseSnap, wrap),
    SNAP_FIELD(MouseSnap, reporting),
    SNAP_FIELD(MouseSnap, id),
    SNAP_ARRAY(MouseSnap, rates),
    SNAP_FIELD(MouseSnap, last),
    SNAP_FIELD(MouseSnap, ready),
    SNAP_END,
};

static void mouse_update(Ps2Mouse *s)
{
    uint8_t ready = s->st.q.count != 0;
    if (ready != s->st.ready) {
        s->st.ready = ready;
        irq_set(s->ready, ready);
    }
}

static void mouse_send(Ps2Mouse *s, const uint8_t *b, int n)
{
    queue_put(&s->st.q, b, n);
    mouse_update(s);
}

static void mouse_send1(Ps2Mouse *s, uint8_t b) { mouse_send(s, &b, 1); }

static void mouse_defaults(MouseSnap *st)
{
    st->rate = 100;
    st->resolution = 2; /* 4 counts/mm */
    st->scaling21 = 0;
    st->reporting = 0;
    st->pending = 0;
    st->dx = st->dy = st->dz = 0;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling, applied to each packet's motion in stream mode. */
static int scale21(int v)
{
    static const int small[6] = {0, 1, 1, 3, 6, 9};
    int a = v < 0 ? -v : v;
    int r = a < 6 ? small[a] : 2 * a;
    return v < 0 ? -r : r;
}

static int packet_size(const MouseSnap *st) { return st->id ? 4 : 3; }

/* Take one packet's worth of the pending motion and queue it. */
static bool mouse_packet(Ps2Mouse *s, bool stream)
{
    MouseSnap *st = &s->st;
    if (PS2_QUEUE - st->q.count < packet_size(st)) {
        return false;
    }
    int dx = clamp(st->dx, -255, 255);
    int dy = clamp(st->dy, -255, 255);
    int dz = clamp(st->dz, -8, 7);
    st->dx -= dx;
    st->dy -= dy;
    st->dz -= dz;
    if (stream && st->scaling21) {
        dx = clamp(scale21(dx), -255, 255);
        dy = clamp(scale21(dy), -255, 255);
    }
    uint8_t p[4];
    p[0] = 0x08 | (st->buttons & 7) | (dx < 0 ? 0x10 : 0) |
           (dy < 0 ? 0x20 : 0);
    p[1] = dx & 0xff;
    p[2] = dy & 0xff;
    if (st->id == 4) {
        p[3] = (dz & 0x0f) | ((st->buttons & PS2_BUTTON_SIDE) ? 0x10 : 0) |
               ((st->buttons & PS2_BUTTON_EXTRA) ? 0x20 : 0);
    } else {
        p[3] = dz & 0xff;
    }
    st->sent_buttons = st->buttons;
    mouse_send(s, p, packet_size(st));
    return true;
}

static void mouse_stream(Ps2Mouse *s)
{
    MouseSnap *st = &s->st;
    if (st->remote || st->wrap || !st->reporting) {
        return;
    }
    while (st->dx || st->dy || st->dz || st->buttons != st->sent_buttons) {
        if (!mouse_packet(s, true)) {
            break;
        }
    }
}

static void mouse_sample_rate(MouseSnap *st, uint8_t rate)
{
    st->rate = rate;
    st->rates[0] = st->rates[1];
    st->rates[1] = st->rates[2];
    st->rates[2] = rate;
    if (st->rates[0] == 200 && st->rates[2] == 80) {
        if (st->rates[1] == 100 && st->id == 0) {
            st->id = 3;
        } else if (st->rates[1] == 200 && st->id == 3) {
            st->id = 4;
        }
    }
}

static void mouse_command(Ps2Mouse *s, uint8_t cmd)
{
    MouseSnap *st = &s->st;
    switch (cmd) {
    case 0xe6:
    case 0xe7:
        st->scaling21 = cmd == 0xe7;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xe8:
    case 0xf3:
        st->pending = cmd;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xe9: {
        uint8_t b = st->buttons;
        uint8_t r[4] = {PS2_ACK,
                        (uint8_t)(st->remote << 6 | st->reporting << 5 |
                                  st->scaling21 << 4 |
                                  ((b & PS2_BUTTON_LEFT) ? 4 : 0) |
                                  ((b & PS2_BUTTON_MIDDLE) ? 2 : 0) |
                                  ((b & PS2_BUTTON_RIGHT) ? 1 : 0)),
                        st->resolution, st->rate};
        mouse_send(s, r, 4);
        break;
    }
    case 0xea:
        st->remote = 0;
        st->dx = st->dy = st->dz = 0;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xeb:
        mouse_send1(s, PS2_ACK);
        mouse_packet(s, false);
        break;
    case 0xec:
        st->wrap = 0;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xee:
        st->wrap = 1;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xf0:
        st->remote = 1;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xf2: {
        uint8_t r[2] = {PS2_ACK, st->id};
        mouse_send(s, r, 2);
        break;
    }
    case 0xf4:
        st->reporting = 1;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xf5:
        st->reporting = 0;
        mouse_send1(s, PS2_ACK);
        break;
    case 0xf6:
        mouse_defaults(st);
        mouse_send1(s, PS2_ACK);
        break;
    case 0xfe:
        mouse_send1(s, st->last);
        break;
    case 0xff: {
        static const uint8_t bat[] = {PS2_ACK, PS2_BAT_OK, 0x00};
        queue_clear(&st->q);
        mouse_defaults(st);
        st->remote = st->wrap = 0;
        st->id = 0;
        mouse_send(s, bat, 3);
        break;
    }
    default:
        mouse_send1(s, PS2_RESEND);
        break;
    }
}

void ps2_mouse_write(Ps2Mouse *s, uint8_t byte)
{
    MouseSnap *st = &s->st;
    if (st->wrap && byte != 0xec && byte != 0xff) {
        mouse_send1(s, byte);
        return;
    }
    switch (st->pending) {
    case 0xf3:
        st->pending = 0;
        mouse_sample_rate(st, byte);
        mouse_send1(s, PS2_ACK);
        break;
    case 0xe8:
        st->pending = 0;
        if (byte > 3) {
            mouse_send1(s, PS2_RESEND);
        } else {
            st->resolution = byte;
            mouse_send1(s, PS2_ACK);
        }
        break;
    default:
        mouse_command(s, byte);
        break;
    }
}

int ps2_mouse_read(Ps2Mouse *s)
{
    int v = queue_get(&s->st.q);
    if (v >= 0) {
        s->st.last = v;
    }
    mouse_update(s);
    return v;
}

void ps2_mouse_event(Ps2Mouse *s, int dx, int dy, int dz, unsigned buttons)
{
    MouseSnap *st = &s->st;
    st->buttons = buttons & (st->id == 4 ? 0x1f : 0x07);
    if (!st->remote && !st->reporting) {
        return; /* a disabled stream drops motion */
    }
    st->dx = clamp(st->dx + clamp(dx, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX),
                   -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    st->dy = clamp(st->dy - clamp(dy, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX),
                   -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    if (st->id) {
        st->dz = clamp(st->dz + clamp(dz, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX),
                       -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    }
    mouse_stream(s);
}

static void mouse_reset(void *opaque, ResetKind kind)
{
    Ps2Mouse *s = opaque;
    MouseSnap *st = &s->st;
    queue_clear(&st->q);
    mouse_defaults(st);
    st->remote = st->wrap = 0;
    st->id = 0;
    memset(st->rates, 0, sizeof(st->rates));
    mouse_update(s);
}

static int mouse_post_load(void *opaque)
{
    Ps2Mouse *s = opaque;
    MouseSnap *st = &s->st;
    queue_sanitize(&st->q);
    st->dx = clamp(st->dx, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    st->dy = clamp(st->dy, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    st->dz = clamp(st->dz, -MOUSE_ACCUM_MAX, MOUSE_ACCUM_MAX);
    if (st->id != 3 && st->id != 4) {
        st->id = 0;
    }
    st->resolution &= 3;
    st->ready = st->q.count != 0;
    return 0;
}

static const DeviceInfo mouse_info = {
    .name = "ps2-mouse",
    .version = 1,
    .fields = mouse_fields,
    .reset = mouse_reset,
    .post_load = mouse_post_load,
    .destroy = ps2_destroy,
};

Ps2Mouse *ps2_mouse_new(const IsaEnv *env, IrqLine ready)
{
    Ps2Mouse *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->ready = ready;
    mouse_reset(s, RESET_COLD);
    device_register(env->devices, &mouse_info, s, &s->st);
    return s;
}
