/* The 16550A UART, driven through its ports with no CPU, its backend a
 * temporary file (output) and chardev_feed() (input). */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/pc/uart16550.h"
#include "tests/unit/isa_fixture.h"

#define COM1 0x3f8
/* 115200 baud, 8N1: ten bits of 8.68 us. */
#define CHAR_NS 86806

typedef struct UartBench {
    IsaFixture f;
    UartState *uart;
    Chardev *chr;
    char path[64];
} UartBench;

static void bench_init(UartBench *b)
{
    char err[128];
    isa_fixture_init(&b->f);
    snprintf(b->path, sizeof(b->path), "/tmp/pcvm-uart-XXXXXX");
    int fd = mkstemp(b->path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ChardevSpec spec = {.kind = CHR_FILE, .path = b->path};
    b->chr = chardev_new(&spec, &b->f.log, err, sizeof(err));
    ck_assert_ptr_nonnull(b->chr);
    b->uart = uart_new(&b->f.env, 0, COM1, fx_irq(&b->f, 4), b->chr);
    ck_assert_ptr_nonnull(b->uart);
    devices_reset(&b->f.devices, RESET_COLD);
    fx_step_to(&b->f, 1000);
}

static void bench_free(UartBench *b)
{
    isa_fixture_free(&b->f);
    chardev_free(b->chr);
    unlink(b->path);
}

/* What the UART has sent so far. */
static const char *sent(UartBench *b)
{
    static char buf[256];
    FILE *f = fopen(b->path, "rb");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f) {
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static void out(UartBench *b, int reg, uint8_t v)
{
    fx_outb(&b->f, COM1 + reg, v);
}

static uint8_t in(UartBench *b, int reg) { return fx_inb(&b->f, COM1 + reg); }

static int irq(UartBench *b) { return b->f.rec.level[4]; }

/* 115200 baud, 8N1. */
static void setup_line(UartBench *b)
{
    out(b, 3, 0x80);
    out(b, 0, 0x01);
    out(b, 1, 0x00);
    out(b, 3, 0x03);
}

START_TEST(test_registers)
{
    UartBench b;
    bench_init(&b);
    ck_assert_int_eq(in(&b, 2), 0x01);
    ck_assert_int_eq(in(&b, 5), 0x60);
    ck_assert_int_eq(in(&b, 6), 0xb0);
    out(&b, 3, 0x80);
    ck_assert_int_eq(in(&b, 0), 12); /* 9600 after power-on */
    out(&b, 0, 0x34);
    out(&b, 1, 0x12);
    ck_assert_int_eq(in(&b, 0), 0x34);
    ck_assert_int_eq(in(&b, 1), 0x12);
    out(&b, 3, 0x1b);
    ck_assert_int_eq(in(&b, 3), 0x1b);
    out(&b, 1, 0xff);
    ck_assert_int_eq(in(&b, 1), 0x0f);
    out(&b, 7, 0xa5);
    ck_assert_int_eq(in(&b, 7), 0xa5);
    out(&b, 4, 0xff);
    ck_assert_int_eq(in(&b, 4), 0x1f);
    out(&b, 2, 0x01);
    ck_assert_int_eq(in(&b, 2) & 0xc0, 0xc0);
    out(&b, 2, 0x00);
    ck_assert_int_eq(in(&b, 2) & 0xc0, 0x00);
    bench_free(&b);
}
END_TEST

START_TEST(test_transmit_timing)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    int64_t t0 = fx_now(&b.f);
    out(&b, 0, 'A');
    /* The character goes straight to the shift register. */
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x20);
    out(&b, 0, 'B');
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x00);
    fx_step_to(&b.f, t0 + CHAR_NS - 1);
    ck_assert_str_eq(sent(&b), "");
    fx_step_to(&b.f, t0 + CHAR_NS);
    ck_assert_str_eq(sent(&b), "A");
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x20);
    fx_step_to(&b.f, t0 + 2 * CHAR_NS);
    ck_assert_str_eq(sent(&b), "AB");
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x60);
    /* 7 data bits, parity, 2 stop bits, 9600 baud: 11 bits per char. */
    out(&b, 3, 0x80);
    out(&b, 0, 12);
    out(&b, 3, 0x0e);
    int64_t t1 = fx_now(&b.f);
    out(&b, 0, 'C');
    fx_step_to(&b.f, t1 + 1145834 - 1);
    ck_assert_int_eq(in(&b, 5) & 0x40, 0x00);
    fx_step_to(&b.f, t1 + 1145834);
    ck_assert_int_eq(in(&b, 5) & 0x40, 0x40);
    bench_free(&b);
}
END_TEST

START_TEST(test_fifo_transmit_and_thre_interrupt)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    out(&b, 2, 0x07);
    out(&b, 4, 0x08); /* OUT2: the IRQ reaches the bus */
    out(&b, 1, 0x02); /* THRE interrupt: pending at once, THR is empty */
    ck_assert_int_eq(irq(&b), 1);
    ck_assert_int_eq(in(&b, 2), 0xc2);
    ck_assert_int_eq(irq(&b), 0); /* reading IIR acknowledged it */
    ck_assert_int_eq(in(&b, 2), 0xc1);
    int64_t t0 = fx_now(&b.f);
    for (int i = 0; i < 17; i++) {
        out(&b, 0, 'a' + i);
    }
    ck_assert_int_eq(irq(&b), 0);
    /* 'a' went to the shift register; 16 fit in the FIFO; none lost. */
    fx_step_to(&b.f, t0 + 16 * CHAR_NS - 1);
    ck_assert_int_eq(irq(&b), 0);
    ck_assert_int_eq(in(&b, 5) & 0x20, 0x00);
    fx_step_to(&b.f, t0 + 16 * CHAR_NS);
    ck_assert_int_eq(irq(&b), 1);
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x20);
    fx_step_to(&b.f, t0 + 17 * CHAR_NS);
    ck_assert_str_eq(sent(&b), "abcdefghijklmnopq");
    ck_assert_int_eq(in(&b, 5) & 0x60, 0x60);
    /* An 18th character into a full FIFO is lost. */
    for (int i = 0; i < 18; i++) {
        out(&b, 0, 'A' + i);
    }
    fx_step_to(&b.f, fx_now(&b.f) + 20 * CHAR_NS);
    ck_assert_str_eq(sent(&b), "abcdefghijklmnopqABCDEFGHIJKLMNOPQ");
    /* Writing THR also acknowledges; without OUT2 nothing reaches the
     * bus. */
    out(&b, 4, 0x00);
    out(&b, 1, 0x00);
    out(&b, 1, 0x02);
    ck_assert_int_eq(irq(&b), 0);
    ck_assert_int_eq(in(&b, 2), 0xc2);
    bench_free(&b);
}
END_TEST

START_TEST(test_loopback_and_modem_status)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    out(&b, 4, 0x10);
    ck_assert_int_eq(in(&b, 6), 0x0b); /* CTS, DSR, DCD fell */
    out(&b, 4, 0x1f);
    ck_assert_int_eq(in(&b, 6), 0xfb);
    ck_assert_int_eq(in(&b, 6), 0xf0);
    out(&b, 4, 0x10);
    ck_assert_int_eq(in(&b, 6), 0x0f); /* RI fell: trailing edge */
    int64_t t0 = fx_now(&b.f);
    out(&b, 0, 'H');
    out(&b, 0, 'i');
    ck_assert_int_eq(in(&b, 5) & 0x01, 0);
    fx_step_to(&b.f, t0 + CHAR_NS);
    ck_assert_int_eq(in(&b, 5) & 0x01, 0x01);
    ck_assert_int_eq(in(&b, 0), 'H');
    ck_assert_int_eq(in(&b, 5) & 0x01, 0);
    fx_step_to(&b.f, t0 + 2 * CHAR_NS);
    ck_assert_int_eq(in(&b, 0), 'i');
    ck_assert_str_eq(sent(&b), ""); /* nothing left the chip */
    /* Interrupts work inside the chip, but OUT2 is forced inactive. */
    out(&b, 4, 0x18);
    out(&b, 1, 0x01);
    out(&b, 0, '!');
    fx_step_to(&b.f, fx_now(&b.f) + CHAR_NS);
    ck_assert_int_eq(in(&b, 2), 0x04);
    ck_assert_int_eq(irq(&b), 0);
    /* Overrun without FIFOs: the new character replaces the old. */
    out(&b, 1, 0x05);
    out(&b, 0, 'x');
    out(&b, 0, 'y');
    fx_step_to(&b.f, fx_now(&b.f) + 2 * CHAR_NS);
    ck_assert_int_eq(in(&b, 2), 0x06); /* line status beats data */
    ck_assert_int_eq(in(&b, 5) & 0x03, 0x03);
    ck_assert_int_eq(in(&b, 5) & 0x02, 0x00);
    ck_assert_int_eq(in(&b, 0), 'y');
    bench_free(&b);
}
END_TEST

START_TEST(test_receive_fifo_trigger_and_timeout)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    out(&b, 2, 0xc7); /* FIFO, trigger level 14 */
    out(&b, 1, 0x01);
    out(&b, 4, 0x08);
    int64_t t0 = fx_now(&b.f);
    chardev_feed(b.chr, (const uint8_t *)"0123456789abc", 13);
    ck_assert_int_eq(irq(&b), 0);
    ck_assert_int_eq(in(&b, 2), 0xc1);
    ck_assert_int_eq(in(&b, 5) & 0x01, 0x01);
    fx_step_to(&b.f, t0 + 4 * CHAR_NS - 1);
    ck_assert_int_eq(irq(&b), 0);
    fx_step_to(&b.f, t0 + 4 * CHAR_NS);
    ck_assert_int_eq(irq(&b), 1);
    ck_assert_int_eq(in(&b, 2), 0xcc);
    /* Reading a character restarts the timeout. */
    ck_assert_int_eq(in(&b, 0), '0');
    ck_assert_int_eq(irq(&b), 0);
    chardev_feed(b.chr, (const uint8_t *)"defgh", 5);
    ck_assert_int_eq(irq(&b), 1);
    ck_assert_int_eq(in(&b, 2), 0xc4);
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(in(&b, 0), "123456789abcdefg"[i]);
    }
    /* One left, below the trigger, just read from: no interrupt. */
    ck_assert_int_eq(in(&b, 2), 0xc1);
    ck_assert_int_eq(in(&b, 0), 'h');
    bench_free(&b);
}
END_TEST

START_TEST(test_receive_flow_control)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    /* No FIFO: one character at a time; the rest waits in the backend. */
    chardev_feed(b.chr, (const uint8_t *)"abc", 3);
    ck_assert_int_eq(in(&b, 0), 'a');
    ck_assert_int_eq(in(&b, 0), 'b');
    ck_assert_int_eq(in(&b, 0), 'c');
    ck_assert_int_eq(in(&b, 5) & 0x03, 0x00); /* no overrun */
    ck_assert_int_eq(in(&b, 0), 'c'); /* an empty RBR repeats */
    bench_free(&b);
}
END_TEST

static int escape_key;

static void test_escape(void *opaque, int key) { escape_key = key; }

START_TEST(test_ctrl_a_escape)
{
    UartBench b;
    bench_init(&b);
    setup_line(&b);
    out(&b, 2, 0x01);
    chardev_set_escape(b.chr, test_escape, NULL);
    escape_key = 0;
    chardev_feed(b.chr, (const uint8_t *)"a\001x b\001\001c", 8);
    ck_assert_int_eq(escape_key, 'x');
    const char *want = "a b\001c";
    for (int i = 0; want[i]; i++) {
        ck_assert_int_eq(in(&b, 0), want[i]);
    }
    ck_assert_int_eq(in(&b, 5) & 0x01, 0);
    /* The escape may straddle two reads. */
    chardev_feed(b.chr, (const uint8_t *)"\001", 1);
    chardev_feed(b.chr, (const uint8_t *)"q", 1);
    ck_assert_int_eq(escape_key, 'q');
    ck_assert_int_eq(in(&b, 5) & 0x01, 0);
    bench_free(&b);
}
END_TEST

START_TEST(test_random_writes_do_not_crash)
{
    UartBench b;
    bench_init(&b);
    uint64_t seed = 0x16550;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = fx_rand(&seed);
        switch (r % 6) {
        case 0:
        case 1:
            out(&b, (r >> 8) & 7, r >> 16);
            break;
        case 2:
            in(&b, (r >> 8) & 7);
            break;
        case 3: {
            uint8_t c = r >> 8;
            chardev_feed(b.chr, &c, 1);
            break;
        }
        case 4:
            /* Keep the divisor sane now and then so time matters. */
            out(&b, 3, 0x83);
            out(&b, 0, (r >> 8) & 3);
            out(&b, 1, 0);
            out(&b, 3, 0x03);
            break;
        default:
            clock_step(b.f.clock, (r >> 8) & 0x3ffff);
            break;
        }
    }
    bench_free(&b);
}
END_TEST

START_TEST(test_snapshot_roundtrip)
{
    UartBench a, b;
    bench_init(&a);
    bench_init(&b);
    setup_line(&a);
    out(&a, 2, 0x87);
    out(&a, 1, 0x03);
    out(&a, 4, 0x0b);
    out(&a, 7, 0x5a);
    chardev_feed(a.chr, (const uint8_t *)"xyz", 3);
    for (int i = 0; i < 10; i++) {
        out(&a, 0, '0' + i);
    }
    fx_step_to(&a.f, fx_now(&a.f) + 3 * CHAR_NS + 5);
    fx_step_to(&b.f, fx_now(&a.f));
    ck_assert_int_eq(fx_snap_copy(&a.f, &b.f, "serial0"), 0);
    ck_assert_int_eq(irq(&b), irq(&a));
    for (int i = 0; i < 16; i++) {
        int64_t t = fx_now(&a.f) + CHAR_NS / 2;
        fx_step_to(&a.f, t);
        fx_step_to(&b.f, t);
        ck_assert_int_eq(in(&b, 5), in(&a, 5));
        ck_assert_int_eq(in(&b, 2), in(&a, 2));
        ck_assert_int_eq(irq(&b), irq(&a));
    }
    ck_assert_int_eq(in(&b, 0), in(&a, 0));
    ck_assert_int_eq(in(&b, 7), 0x5a);
    /* b sent what was still to send when it was copied. */
    ck_assert_str_eq(sent(&a), "0123456789");
    ck_assert_str_eq(sent(&b), "3456789");
    bench_free(&a);
    bench_free(&b);
}
END_TEST

Suite *suite_uart(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("uart");
    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_transmit_timing);
    tcase_add_test(tc, test_fifo_transmit_and_thre_interrupt);
    tcase_add_test(tc, test_loopback_and_modem_status);
    tcase_add_test(tc, test_receive_fifo_trigger_and_timeout);
    tcase_add_test(tc, test_receive_flow_control);
    tcase_add_test(tc, test_ctrl_a_escape);
    tcase_add_test(tc, test_random_writes_do_not_crash);
    tcase_add_test(tc, test_snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
