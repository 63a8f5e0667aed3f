/*
 * The 16550A UART (see uart16550.h), after the National PC16550D
 * datasheet.
 *
 * Transmission is computed lazily: tx_run() retires every character whose
 * shift-out time has passed, moving the next one from the FIFO into the
 * shift register back to back, and one timer is armed for the next moment
 * something changes (the shift register empties, or the receive FIFO's
 * character timeout comes due).
 */
#include "hw/pc/uart16550.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UART_FIFO 16
#define UART_CLOCK_HZ 115200 /* 1.8432 MHz / 16 */

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_KEEP 0xc9 /* enable, DMA mode, trigger level */

#define LCR_STOP2 0x04
#define LCR_PARITY 0x08
#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRORS 0x1e /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DELTAS 0x0f
#define MSR_TERI 0x04
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

typedef struct UartSnap {
    int64_t tsr_end_ns;   /* when the character being sent is out */
    int64_t rx_last_ns;   /* last receive or read, for the timeout */
    uint8_t rx_fifo[UART_FIFO];
    uint8_t tx_fifo[UART_FIFO];
    uint8_t rx_head, rx_count;
    uint8_t tx_head, tx_count;
    uint8_t tsr;          /* the character in the shift register */
    uint8_t tsr_busy;
    uint8_t rbr;          /* last character read (an empty read repeats it) */
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    uint8_t lsr_err;      /* OE, PE, FE, BI: cleared by reading LSR */
    uint8_t msr;          /* status bits and deltas */
    uint8_t thr_ipending; /* the THRE interrupt is pending */
    uint8_t irq;          /* level driven on the IRQ line */
} UartSnap;

struct UartState {
    UartSnap st;
    IrqLine irq;
    Chardev *chr;
    Timer timer;
    Clock *clock;
    Log *log;
    char name[16];
    DeviceInfo info;
    unsigned overrun_log;
    bool paced;         /* characters take their time on the line */
};

static const SnapField uart_fields[] = {
    SNAP_FIELD(UartSnap, tsr_end_ns),
    SNAP_FIELD(UartSnap, rx_last_ns),
    SNAP_ARRAY(UartSnap, rx_fifo),
    SNAP_ARRAY(UartSnap, tx_fifo),
    SNAP_FIELD(UartSnap, rx_head),
    SNAP_FIELD(UartSnap, rx_count),
    SNAP_FIELD(UartSnap, tx_head),
    SNAP_FIELD(UartSnap, tx_count),
    SNAP_FIELD(UartSnap, tsr),
    SNAP_FIELD(UartSnap, tsr_busy),
    SNAP_FIELD(UartSnap, rbr),
    SNAP_FIELD(UartSnap, ier),
    SNAP_FIELD(UartSnap, lcr),
    SNAP_FIELD(UartSnap, mcr),
    SNAP_FIELD(UartSnap, scr),
    SNAP_FIELD(UartSnap, fcr),
    SNAP_FIELD(UartSnap, dll),
    SNAP_FIELD(UartSnap, dlm),
    SNAP_FIELD(UartSnap, lsr_err),
    SNAP_FIELD(UartSnap, msr),
    SNAP_FIELD(UartSnap, thr_ipending),
    SNAP_FIELD(UartSnap, irq),
    SNAP_END,
};

static bool fifo_on(const UartSnap *st) { return st->fcr & FCR_ENABLE; }

static int depth(const UartSnap *st) { return fifo_on(st) ? UART_FIFO : 1; }

static int rx_trigger(const UartSnap *st)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};
    return levels[st->fcr >> 6];
}

/* One character: start bit, data bits, parity, stop bits. */
static int64_t char_ns(const UartSnap *st)
{
    unsigned divisor = st->dll | st->dlm << 8;
    unsigned data = 5 + (st->lcr & 3);
    unsigned half_bits = 2 * (1 + data + ((st->lcr & LCR_PARITY) ? 1 : 0));
    if (!(st->lcr & LCR_STOP2)) {
        half_bits += 2;
    } else {
        half_bits += data == 5 ? 3 : 4;
    }
    if (divisor == 0) {
        divisor = 0x10000;
    }
    uint64_t num = (uint64_t)half_bits * divisor * NS_PER_SEC;
    uint64_t den = 2 * UART_CLOCK_HZ;
    return (int64_t)((num + den - 1) / den);
}

static void rx_push(UartState *s, uint8_t c, int64_t t)
{
    UartSnap *st = &s->st;
    st->rx_last_ns = t;
    if (st->rx_count < depth(st)) {
        st->rx_fifo[(st->rx_head + st->rx_count) % UART_FIFO] = c;
        st->rx_count++;
        return;
    }
    st->lsr_err |= LSR_OE;
    if (!fifo_on(st)) {
        st->rx_fifo[st->rx_head] = c; /* the 16450 overwrites RBR */
    }
}

static bool loopback(const UartSnap *st) { return st->mcr & MCR_LOOP; }

/* Retire every character sent by @now; start the next ones. */
static void tx_run(UartState *s, int64_t now)
{
    UartSnap *st = &s->st;
    for (;;) {
        int64_t free_at = now;
        if (st->tsr_busy) {
            if (st->tsr_end_ns > now) {
                return;
            }
            st->tsr_busy = 0;
            free_at = st->tsr_end_ns;
            if (loopback(st)) {
                rx_push(s, st->tsr, free_at);
            } else {
                chardev_write(s->chr, &st->tsr, 1);
            }
        }
        if (!st->tx_count) {
            return;
        }
        st->tsr = st->tx_fifo[st->tx_head];
        st->tx_head = (st->tx_head + 1) % UART_FIFO;
        st->tx_count--;
        st->tsr_busy = 1;
        st->tsr_end_ns = free_at + (s->paced ? char_ns(st) : 0);
        if (!st->tx_count) {
            st->thr_ipending = 1;
        }
    }
}

static bool rx_timed_out(UartState *s, int64_t now)
{
    const UartSnap *st = &s->st;
    return fifo_on(st) && st->rx_count &&
           now >= st->rx_last_ns + 4 * char_ns(st);
}

static uint8_t uart_iir(UartState *s, int64_t now)
{
    const UartSnap *st = &s->st;
    uint8_t iir = IIR_NONE;
    if ((st->ier & IER_RLSI) && (st->lsr_err & LSR_ERRORS)) {
        iir = IIR_RLSI;
    } else if ((st->ier & IER_RDI) && st->rx_count &&
               (!fifo_on(st) || st->rx_count >= rx_trigger(st))) {
        iir = IIR_RDI;
    } else if ((st->ier & IER_RDI) && rx_timed_out(s, now)) {
        iir = IIR_TIMEOUT;
    } else if ((st->ier & IER_THRI) && st->thr_ipending) {
        iir = IIR_THRI;
    } else if ((st->ier & IER_MSI) && (st->msr & MSR_DELTAS)) {
        iir = IIR_MSI;
    }
    return iir | (fifo_on(st) ? IIR_FIFO : 0);
}

/* Bring everything up to now: transmitter, IRQ line, timer. */
static void uart_update(UartState *s)
{
    UartSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    tx_run(s, now);
    bool pin = (st->mcr & MCR_OUT2) && !loopback(st);
    uint8_t level = pin && !(uart_iir(s, now) & IIR_NONE);
    if (level != st->irq) {
        st->irq = level;
        irq_set(s->irq, level);
    }
    int64_t next = CLOCK_NEVER;
    if (st->tsr_busy) {
        next = st->tsr_end_ns;
    }
    if ((st->ier & IER_RDI) && fifo_on(st) && st->rx_count &&
        !rx_timed_out(s, now)) {
        int64_t t = st->rx_last_ns + 4 * char_ns(st);
        if (t < next) {
            next = t;
        }
    }
    if (next == CLOCK_NEVER) {
        timer_del(&s->timer);
    } else {
        timer_mod(&s->timer, next);
    }
}

static void uart_timer_cb(void *opaque) { uart_update(opaque); }

/* The modem status inputs: a connected line, or the outputs in loopback. */
static uint8_t modem_inputs(const UartSnap *st)
{
    if (!loopback(st)) {
        return MSR_CTS | MSR_DSR | MSR_DCD;
    }
    uint8_t m = st->mcr, v = 0;
    v |= (m & MCR_RTS) ? MSR_CTS : 0;
    v |= (m & MCR_DTR) ? MSR_DSR : 0;
    v |= (m & MCR_OUT1) ? MSR_RI : 0;
    v |= (m & MCR_OUT2) ? MSR_DCD : 0;
    return v;
}

static void set_modem_inputs(UartSnap *st, uint8_t now)
{
    uint8_t was = st->msr & 0xf0;
    uint8_t changed = was ^ now;
    uint8_t delta = 0;
    delta |= (changed & MSR_CTS) ? 0x01 : 0;
    delta |= (changed & MSR_DSR) ? 0x02 : 0;
    delta |= ((was & MSR_RI) && !(now & MSR_RI)) ? MSR_TERI : 0;
    delta |= (changed & MSR_DCD) ? 0x08 : 0;
    st->msr = now | ((st->msr | delta) & MSR_DELTAS);
}

static void clear_rx(UartSnap *st)
{
    st->rx_count = 0;
    st->rx_head = 0;
}

static void clear_tx(UartSnap *st)
{
    if (st->tx_count) {
        st->thr_ipending = 1;
    }
    st->tx_count = 0;
    st->tx_head = 0;
}

static void write_fcr(UartSnap *st, uint8_t v)
{
    if ((v ^ st->fcr) & FCR_ENABLE) {
        clear_rx(st);
        clear_tx(st);
    }
    if (!(v & FCR_ENABLE)) {
        st->fcr = 0;
        return;
    }
    if (v & FCR_CLEAR_RX) {
        clear_rx(st);
    }
    if (v & FCR_CLEAR_TX) {
        clear_tx(st);
    }
    st->fcr = v & FCR_KEEP;
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value,
                       unsigned size)
{
    UartState *s = opaque;
    UartSnap *st = &s->st;
    uint8_t v = value;
    int64_t now = clock_now(s->clock);
    tx_run(s, now);
    switch (offset) {
    case 0:
        if (st->lcr & LCR_DLAB) {
            st->dll = v;
        } else if (st->tx_count < depth(st)) {
            st->tx_fifo[(st->tx_head + st->tx_count) % UART_FIFO] = v;
            st->tx_count++;
            st->thr_ipending = 0;
        } else {
            log_guest(s->log, LOG_GUEST_ERROR, &s->overrun_log,
                      "%s: transmit FIFO overrun", s->name);
        }
        break;
    case 1:
        if (st->lcr & LCR_DLAB) {
            st->dlm = v;
        } else {
            if ((v & IER_THRI) && !(st->ier & IER_THRI) && !st->tx_count) {
                st->thr_ipending = 1;
            }
            st->ier = v & 0x0f;
        }
        break;
    case 2:
        write_fcr(st, v);
        break;
    case 3:
        st->lcr = v;
        break;
    case 4:
        st->mcr = v & 0x1f;
        set_modem_inputs(st, modem_inputs(st));
        break;
    case 7:
        st->scr = v;
        break;
    default:
        break; /* LSR, MSR: read-only */
    }
    uart_update(s);
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
    UartState *s = opaque;
    UartSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    uint8_t v = 0xff;
    bool took = false;
    tx_run(s, now);
    switch (offset) {
    case 0:
        if (st->lcr & LCR_DLAB) {
            v = st->dll;
            break;
        }
        if (st->rx_count) {
            st->rbr = st->rx_fifo[st->rx_head];
            st->rx_head = (st->rx_head + 1) % UART_FIFO;
            st->rx_count--;
            took = true;
        }
        st->rx_last_ns = now;
        v = st->rbr;
        break;
    case 1:
        v = (st->lcr & LCR_DLAB) ? st->dlm : st->ier;
        break;
    case 2:
        v = uart_iir(s, now);
        if ((v & 0x0f) == IIR_THRI) {
            st->thr_ipending = 0;
        }
        break;
    case 3:
        v = st->lcr;
        break;
    case 4:
        v = st->mcr;
        break;
    case 5:
        v = st->lsr_err | (st->rx_count ? LSR_DR : 0);
        if (!st->tx_count) {
            v |= LSR_THRE;
            if (!st->tsr_busy) {
                v |= LSR_TEMT;
            }
        }
        st->lsr_err = 0;
        break;
    case 6:
        v = st->msr;
        st->msr &= ~MSR_DELTAS;
        break;
    default:
        v = st->scr;
        break;
    }
    uart_update(s);
    if (took && s->chr && !loopback(st)) {
        chardev_accept_input(s->chr);
    }
    return v;
}

static const MemOps uart_ops = {
    .read = uart_read, .write = uart_write, .min_size = 1, .max_size = 1,
};

static size_t uart_can_receive(void *opaque)
{
    UartState *s = opaque;
    const UartSnap *st = &s->st;
    if (loopback(st)) {
        return 0; /* the receiver listens to the transmitter */
    }
    return depth(st) - st->rx_count;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    UartState *s = opaque;
    int64_t now = clock_now(s->clock);
    for (size_t i = 0; i < len; i++) {
        rx_push(s, buf[i], now);
    }
    uart_update(s);
}

static void uart_reset(void *opaque, ResetKind kind)
{
    UartState *s = opaque;
    UartSnap *st = &s->st;
    uint8_t scr = st->scr, dll = st->dll, dlm = st->dlm, irq = st->irq;
    memset(st, 0, sizeof(*st));
    st->irq = irq;
    if (kind == RESET_WARM) {
        /* Master reset leaves the divisor latch and scratch alone. */
        st->scr = scr;
        st->dll = dll;
        st->dlm = dlm;
    } else {
        st->dll = 12; /* 9600 baud */
    }
    set_modem_inputs(st, modem_inputs(st));
    st->msr &= ~MSR_DELTAS;
    uart_update(s);
}

static int uart_post_load(void *opaque)
{
    UartState *s = opaque;
    UartSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    st->rx_head %= UART_FIFO;
    st->tx_head %= UART_FIFO;
    if (st->rx_count > UART_FIFO) {
        st->rx_count = UART_FIFO;
    }
    if (st->tx_count > UART_FIFO) {
        st->tx_count = UART_FIFO;
    }
    st->ier &= 0x0f;
    st->mcr &= 0x1f;
    st->fcr &= FCR_KEEP;
    if (st->tsr_busy && st->tsr_end_ns > now + 65 * char_ns(st)) {
        st->tsr_end_ns = now;
    }
    if (st->rx_last_ns > now) {
        st->rx_last_ns = now;
    }
    st->irq = !st->irq; /* force the line to be driven */
    uart_update(s);
    return 0;
}

static void uart_destroy(void *opaque)
{
    UartState *s = opaque;
    timer_del(&s->timer);
    free(s);
}

static const DeviceInfo uart_info = {
    .version = 1,
    .fields = uart_fields,
    .reset = uart_reset,
    .post_load = uart_post_load,
    .destroy = uart_destroy,
};

void uart_set_paced(UartState *s, bool paced)
{
    s->paced = paced;
    uart_update(s);
}

UartState *uart_new(const IsaEnv *env, int index, uint16_t base, IrqLine irq,
                    Chardev *chr)
{
    UartState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    snprintf(s->name, sizeof(s->name), "serial%d", index);
    s->paced = true;
    s->info = uart_info;
    s->info.name = s->name;
    s->irq = irq;
    s->chr = chr;
    s->clock = env->clock;
    s->log = env->log;
    timer_init(&s->timer, env->clock, uart_timer_cb, s, "uart");
    if (!iobus_register(env->io, s->name, base, 8, &uart_ops, s)) {
        free(s);
        return NULL;
    }
    uart_reset(s, RESET_COLD);
    if (chr) {
        chardev_set_receiver(chr, uart_can_receive, uart_receive, s);
    }
    device_register(env->devices, &s->info, s, &s->st);
    return s;
}
