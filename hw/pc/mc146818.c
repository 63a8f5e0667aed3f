/*
 * The MC146818 RTC (see mc146818.h), after the Motorola datasheet.
 *
 * While the clock updates, the time is base_sec + whole seconds since
 * base_ns, an update boundary; base_ns also sets the phase of the divider
 * chain, so the periodic interrupt edges fall at base_ns + j * period. The
 * time registers are encoded from that when read. While updates are
 * stopped (SET, divider off) the registers hold whatever the guest wrote,
 * verbatim, and are decoded into base_sec when updates start again.
 *
 * The flags in register C are accounted lazily: account_flags() looks at
 * the periodic edges and update boundaries in (flags_ns, now]. Every change
 * of the registers that matter accounts up to now first, so each interval
 * is seen under one configuration.
 */
#include "hw/pc/mc146818.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REG_SEC 0x00
#define REG_SEC_ALARM 0x01
#define REG_MIN 0x02
#define REG_MIN_ALARM 0x03
#define REG_HOUR 0x04
#define REG_HOUR_ALARM 0x05
#define REG_DOW 0x06
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32

#define A_UIP 0x80
#define A_DV_SHIFT 4
#define A_RS_MASK 0x0f
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_SQWE 0x08
#define B_DM_BINARY 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80

#define RTC_XTAL_HZ 32768
#define UIP_NS 244000
#define CHECKSUM_FIRST 0x10
#define CHECKSUM_LAST 0x2d
#define CHECKSUM_HI 0x2e
#define CHECKSUM_LO 0x2f
#define SECS_PER_DAY 86400

typedef struct RtcSnap {
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;        /* port 0x70, without the NMI bit */
    uint8_t ext_index;    /* port 0x72 */
    uint8_t nmi_disabled;
    uint8_t irq;          /* level driven on the IRQ line */
    uint8_t dow_adjust;   /* day of week register minus the true one, mod 7 */
    int64_t base_sec;     /* the time at base_ns (seconds since 1970) */
    int64_t base_ns;      /* an update boundary: the divider's phase */
    int64_t flags_ns;     /* register C accounted up to here */
} RtcSnap;

struct RtcState {
    RtcSnap st;
    IrqLine irq;
    Timer timer;
    Clock *clock;
    Log *log;
};

static const SnapField rtc_fields[] = {
    SNAP_ARRAY(RtcSnap, cmos),
    SNAP_FIELD(RtcSnap, index),
    SNAP_FIELD(RtcSnap, ext_index),
    SNAP_FIELD(RtcSnap, nmi_disabled),
    SNAP_FIELD(RtcSnap, irq),
    SNAP_FIELD(RtcSnap, dow_adjust),
    SNAP_FIELD(RtcSnap, base_sec),
    SNAP_FIELD(RtcSnap, base_ns),
    SNAP_FIELD(RtcSnap, flags_ns),
    SNAP_END,
};

/* --- the calendar (proleptic Gregorian, days since 1970-01-01) --- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* 1970-01-01 was a Thursday; the register counts Sunday as 1. */
static int true_dow(int64_t days)
{
    return (int)((days % 7 + 7 + 4) % 7);
}

/* --- register formats --- */

static bool binary(const RtcSnap *st)
{
    return st->cmos[REG_B] & B_DM_BINARY;
}

static uint8_t enc(const RtcSnap *st, int v)
{
    v %= 100;
    return binary(st) ? v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* BCD digits keep their face value, so bad digits give big numbers. */
static int dec(const RtcSnap *st, uint8_t v)
{
    return binary(st) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t enc_hour(const RtcSnap *st, int h)
{
    if (st->cmos[REG_B] & B_24H) {
        return enc(st, h);
    }
    int h12 = h % 12 ? h % 12 : 12;
    return enc(st, h12) | (h >= 12 ? 0x80 : 0);
}

static int dec_hour(const RtcSnap *st, uint8_t v)
{
    if (st->cmos[REG_B] & B_24H) {
        return dec(st, v);
    }
    return dec(st, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

static void encode_time(RtcSnap *st, int64_t t)
{
    int64_t days = floor_div(t, SECS_PER_DAY);
    int64_t sod = t - days * SECS_PER_DAY;
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    st->cmos[REG_SEC] = enc(st, (int)(sod % 60));
    st->cmos[REG_MIN] = enc(st, (int)(sod / 60 % 60));
    st->cmos[REG_HOUR] = enc_hour(st, (int)(sod / 3600));
    st->cmos[REG_DOW] = (true_dow(days) + st->dow_adjust) % 7 + 1;
    st->cmos[REG_DAY] = enc(st, day);
    st->cmos[REG_MONTH] = enc(st, month);
    int64_t yy = year % 100, cc = year / 100 % 100;
    st->cmos[REG_YEAR] = enc(st, (int)(yy < 0 ? yy + 100 : yy));
    st->cmos[REG_CENTURY] = enc(st, (int)(cc < 0 ? cc + 100 : cc));
}

static int64_t decode_time(RtcSnap *st)
{
    int month = dec(st, st->cmos[REG_MONTH]);
    int day = dec(st, st->cmos[REG_DAY]);
    int64_t year = dec(st, st->cmos[REG_CENTURY]) * 100LL +
                   dec(st, st->cmos[REG_YEAR]);
    if (month < 1 || month > 12) {
        month = 1;
    }
    if (day < 1) {
        day = 1;
    }
    /* An impossible date (Feb 31) rolls into the next month. */
    int64_t days = days_from_civil(year, month, 1) + day - 1;
    int dow = (st->cmos[REG_DOW] + 6) % 7; /* 0 = Sunday */
    st->dow_adjust = (uint8_t)((dow - true_dow(days) + 7) % 7);
    return days * SECS_PER_DAY + dec_hour(st, st->cmos[REG_HOUR]) * 3600LL +
           dec(st, st->cmos[REG_MIN]) * 60LL + dec(st, st->cmos[REG_SEC]);
}

/* --- time --- */

static bool divider_on(const RtcSnap *st)
{
    return ((st->cmos[REG_A] >> A_DV_SHIFT) & 7) <= 2;
}

static bool updating(const RtcSnap *st)
{
    return divider_on(st) && !(st->cmos[REG_B] & B_SET);
}

/* Update boundaries in (base_ns, t]. */
static int64_t updates_until(const RtcSnap *st, int64_t t)
{
    return floor_div(t - st->base_ns, NS_PER_SEC);
}

static int64_t last_boundary(const RtcSnap *st, int64_t now)
{
    return st->base_ns + updates_until(st, now) * NS_PER_SEC;
}

static uint32_t periodic_cycles(const RtcSnap *st)
{
    int rs = st->cmos[REG_A] & A_RS_MASK;
    if (rs == 0) {
        return 0;
    }
    return rs <= 2 ? 1u << (rs + 6) : 1u << (rs - 1);
}

/* Periodic edges in (base_ns, t]. */
static int64_t periodic_until(const RtcSnap *st, int64_t t, uint32_t cycles)
{
    __int128 num = (__int128)(t - st->base_ns) * RTC_XTAL_HZ;
    __int128 den = (__int128)cycles * NS_PER_SEC;
    __int128 q = num / den;
    if (num % den != 0 && num < 0) {
        q--;
    }
    return (int64_t)q;
}

static int64_t periodic_edge_ns(const RtcSnap *st, int64_t j, uint32_t cycles)
{
    __int128 num = (__int128)j * cycles * NS_PER_SEC;
    return st->base_ns + (int64_t)((num + RTC_XTAL_HZ - 1) / RTC_XTAL_HZ);
}

static void sync_regs(RtcSnap *st, int64_t now)
{
    if (updating(st)) {
        encode_time(st, st->base_sec + updates_until(st, now));
    }
}

static bool alarm_field(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xc0) == 0xc0 || alarm == now;
}

static bool alarm_matches(const RtcSnap *st, int64_t t)
{
    int64_t sod = t - floor_div(t, SECS_PER_DAY) * SECS_PER_DAY;
    return alarm_field(st->cmos[REG_SEC_ALARM], enc(st, (int)(sod % 60))) &&
           alarm_field(st->cmos[REG_MIN_ALARM],
                       enc(st, (int)(sod / 60 % 60))) &&
           alarm_field(st->cmos[REG_HOUR_ALARM],
                       enc_hour(st, (int)(sod / 3600)));
}

static void account_flags(RtcSnap *st, int64_t now)
{
    int64_t from = st->flags_ns;
    if (now <= from) {
        return;
    }
    if (from < st->base_ns) {
        from = st->base_ns;
    }
    uint32_t cycles = periodic_cycles(st);
    if (divider_on(st) && cycles &&
        periodic_until(st, now, cycles) > periodic_until(st, from, cycles)) {
        st->cmos[REG_C] |= C_PF;
    }
    if (updating(st)) {
        int64_t first = updates_until(st, from) + 1;
        int64_t n = updates_until(st, now) - first + 1;
        if (n > 0) {
            st->cmos[REG_C] |= C_UF;
            /* A day of updates meets every time of day. */
            if (n > SECS_PER_DAY) {
                n = SECS_PER_DAY;
            }
            for (int64_t k = 0; k < n && !(st->cmos[REG_C] & C_AF); k++) {
                if (alarm_matches(st, st->base_sec + first + k)) {
                    st->cmos[REG_C] |= C_AF;
                }
            }
        }
    }
    st->flags_ns = now;
}

static void rtc_update_irq(RtcState *s)
{
    RtcSnap *st = &s->st;
    uint8_t c = st->cmos[REG_C], b = st->cmos[REG_B];
    bool irqf = ((c & C_PF) && (b & B_PIE)) || ((c & C_AF) && (b & B_AIE)) ||
                ((c & C_UF) && (b & B_UIE));
    if (irqf) {
        st->cmos[REG_C] |= C_IRQF;
    } else {
        st->cmos[REG_C] &= ~C_IRQF;
    }
    if (irqf != st->irq) {
        st->irq = irqf;
        irq_set(s->irq, irqf);
    }
}

/* Arm the timer for the next event an enabled interrupt waits for. */
static void rtc_arm(RtcState *s)
{
    RtcSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    int64_t next = CLOCK_NEVER;
    uint8_t c = st->cmos[REG_C], b = st->cmos[REG_B];
    uint32_t cycles = periodic_cycles(st);
    if (divider_on(st) && cycles && (b & B_PIE) && !(c & C_PF)) {
        next = periodic_edge_ns(st, periodic_until(st, now, cycles) + 1,
                                cycles);
    }
    if (updating(st) && (((b & B_UIE) && !(c & C_UF)) ||
                         ((b & B_AIE) && !(c & C_AF)))) {
        int64_t u = last_boundary(st, now) + NS_PER_SEC;
        if (u < next) {
            next = u;
        }
    }
    if (next == CLOCK_NEVER) {
        timer_del(&s->timer);
    } else {
        timer_mod(&s->timer, next);
    }
}

static void rtc_timer_cb(void *opaque)
{
    RtcState *s = opaque;
    account_flags(&s->st, clock_now(s->clock));
    rtc_update_irq(s);
    rtc_arm(s);
}

/* --- registers --- */

static bool is_time_reg(int index)
{
    return index == REG_SEC || index == REG_MIN || index == REG_HOUR ||
           (index >= REG_DOW && index <= REG_YEAR) || index == REG_CENTURY;
}

static void write_time_reg(RtcState *s, int index, uint8_t v)
{
    RtcSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    account_flags(st, now);
    if (updating(st)) {
        sync_regs(st, now);
        st->cmos[index] = v;
        st->base_sec = decode_time(st);
        st->base_ns = last_boundary(st, now);
    } else {
        st->cmos[index] = v;
    }
}

static void write_control(RtcState *s, int index, uint8_t v)
{
    RtcSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    account_flags(st, now);
    bool was_updating = updating(st), was_on = divider_on(st);
    sync_regs(st, now); /* freeze the registers if they were running */
    if (index == REG_A) {
        st->cmos[REG_A] = v & ~A_UIP;
    } else {
        if (v & B_SET) {
            v &= ~B_UIE;
        }
        st->cmos[REG_B] = v;
    }
    if (divider_on(st) && !was_on) {
        /* Out of divider reset: the first update comes 500 ms later. */
        st->base_ns = now - NS_PER_SEC / 2;
        st->flags_ns = now;
    }
    if (updating(st) && !was_updating) {
        st->base_sec = decode_time(st);
        if (was_on) {
            st->base_ns = last_boundary(st, now);
        }
    }
    rtc_update_irq(s);
    rtc_arm(s);
}

static uint8_t rtc_reg_read(RtcState *s, int index)
{
    RtcSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    switch (index) {
    case REG_A: {
        uint8_t v = st->cmos[REG_A] & ~A_UIP;
        if (updating(st) &&
            last_boundary(st, now) + NS_PER_SEC - now <= UIP_NS) {
            v |= A_UIP;
        }
        return v;
    }
    case REG_C: {
        account_flags(st, now);
        rtc_update_irq(s);
        uint8_t v = st->cmos[REG_C];
        st->cmos[REG_C] = 0;
        rtc_update_irq(s);
        rtc_arm(s);
        return v;
    }
    case REG_D:
        return D_VRT;
    default:
        if (is_time_reg(index)) {
            sync_regs(st, now);
        }
        return st->cmos[index];
    }
}

static void rtc_reg_write(RtcState *s, int index, uint8_t v)
{
    TRACE(s->log, LOG_DEV, "rtc: cmos[%#x] <- %#x", index, v);
    switch (index) {
    case REG_A:
    case REG_B:
        write_control(s, index, v);
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        if (is_time_reg(index)) {
            write_time_reg(s, index, v);
        } else {
            s->st.cmos[index] = v;
        }
        break;
    }
}

static uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
    RtcState *s = opaque;
    switch (offset) {
    case 1:
        return rtc_reg_read(s, s->st.index);
    case 3:
        return rtc_reg_read(s, 0x80 | s->st.ext_index);
    default:
        return 0xff; /* the index ports are write-only */
    }
}

static void rtc_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    RtcState *s = opaque;
    switch (offset) {
    case 0:
        s->st.index = value & 0x7f;
        s->st.nmi_disabled = (value >> 7) & 1;
        break;
    case 1:
        rtc_reg_write(s, s->st.index, value);
        break;
    case 2:
        s->st.ext_index = value & 0x7f;
        break;
    default:
        rtc_reg_write(s, 0x80 | s->st.ext_index, value);
        break;
    }
}

static const MemOps rtc_ops = {
    .read = rtc_read, .write = rtc_write, .min_size = 1, .max_size = 1,
};

/* --- the board's side --- */

static void update_checksum(RtcSnap *st)
{
    unsigned sum = 0;
    for (int i = CHECKSUM_FIRST; i <= CHECKSUM_LAST; i++) {
        sum += st->cmos[i];
    }
    st->cmos[CHECKSUM_HI] = sum >> 8;
    st->cmos[CHECKSUM_LO] = sum & 0xff;
}

void rtc_cmos_set(RtcState *s, int index, uint8_t value)
{
    index &= 0xff;
    rtc_reg_write(s, index, value);
    if (index >= CHECKSUM_FIRST && index <= CHECKSUM_LAST) {
        update_checksum(&s->st);
    }
}

uint8_t rtc_cmos_get(RtcState *s, int index)
{
    index &= 0xff;
    if (is_time_reg(index)) {
        sync_regs(&s->st, clock_now(s->clock));
    }
    return index == REG_D ? D_VRT : s->st.cmos[index];
}

bool rtc_nmi_disabled(RtcState *s)
{
    return s->st.nmi_disabled;
}

int rtc_parse_base(const char *opt, int64_t host_now, int64_t *out_sec,
                   char *err, size_t errlen)
{
    if (!opt || !strcmp(opt, "utc")) {
        *out_sec = host_now;
        return 0;
    }
    if (!strcmp(opt, "localtime")) {
        time_t t = (time_t)host_now;
        struct tm tm;
        if (!localtime_r(&t, &tm)) {
            snprintf(err, errlen, "-rtc base=localtime: no local time");
            return -1;
        }
        *out_sec = host_now + tm.tm_gmtoff;
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0;
    char tail;
    int n = sscanf(opt, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec,
                   &tail);
    if ((n != 3 && n != 6) || y < 0 || y > 9999 || mo < 1 || mo > 12 ||
        d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 59) {
        snprintf(err, errlen, "-rtc base=%s: expected utc, localtime or "
                              "YYYY-MM-DDTHH:MM:SS", opt);
        return -1;
    }
    *out_sec = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 +
               sec;
    return 0;
}

/* --- lifecycle --- */

static void rtc_reset(void *opaque, ResetKind kind)
{
    RtcState *s = opaque;
    RtcSnap *st = &s->st;
    /* RESET clears the interrupt enables and flags; time, format and the
     * battery-backed RAM stay. */
    account_flags(st, clock_now(s->clock));
    st->cmos[REG_B] &= ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    st->cmos[REG_C] = 0;
    rtc_update_irq(s);
    rtc_arm(s);
}

static int rtc_post_load(void *opaque)
{
    RtcState *s = opaque;
    RtcSnap *st = &s->st;
    int64_t now = clock_now(s->clock);
    st->index &= 0x7f;
    st->ext_index &= 0x7f;
    st->nmi_disabled &= 1;
    st->dow_adjust %= 7;
    if (st->base_ns > now) {
        st->base_ns = now;
    }
    if (st->flags_ns > now || st->flags_ns < st->base_ns) {
        st->flags_ns = now;
    }
    st->irq = !st->irq; /* force the line to be driven */
    rtc_update_irq(s);
    rtc_arm(s);
    return 0;
}

static void rtc_destroy(void *opaque)
{
    RtcState *s = opaque;
    timer_del(&s->timer);
    free(s);
}

static const DeviceInfo rtc_info = {
    .name = "mc146818",
    .version = 1,
    .fields = rtc_fields,
    .reset = rtc_reset,
    .post_load = rtc_post_load,
    .destroy = rtc_destroy,
};

RtcState *rtc_new(const IsaEnv *env, uint16_t base, IrqLine irq,
                  int64_t base_sec)
{
    RtcState *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->irq = irq;
    s->clock = env->clock;
    s->log = env->log;
    timer_init(&s->timer, env->clock, rtc_timer_cb, s, "rtc");
    if (!iobus_register(env->io, "rtc", base, 4, &rtc_ops, s)) {
        free(s);
        return NULL;
    }
    RtcSnap *st = &s->st;
    st->cmos[REG_A] = 0x26; /* 32.768 kHz divider, 1024 Hz periodic rate */
    st->cmos[REG_B] = B_24H;
    st->base_sec = base_sec;
    st->base_ns = clock_now(env->clock);
    st->flags_ns = st->base_ns;
    encode_time(st, base_sec);
    rtc_reset(s, RESET_COLD);
    device_register(env->devices, &rtc_info, s, &s->st);
    return s;
}
