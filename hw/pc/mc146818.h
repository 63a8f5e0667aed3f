/*
 * The MC146818 real-time clock and its CMOS RAM.
 *
 * Promise: rtc_new() claims four ports at @base: index and data for the
 * 128-byte bank (0x70/0x71; bit 7 of the index byte is the NMI mask, which
 * rtc_nmi_disabled() reports) and for the upper 128 bytes (0x72/0x73).
 * The clock holds @base_sec (seconds since 1970-01-01 00:00:00, no time
 * zone) at virtual time 0 and advances with virtual time; the guest sees
 * it in BCD or binary, 12 or 24 hours, with the century in CMOS 0x32.
 * Updates happen once a virtual second with UIP high for the 244 us
 * before; the SET bit and the divider-reset bits stop them, and leaving
 * divider reset starts the first update 500 ms later. The periodic,
 * alarm and update-ended flags in register C are set whether enabled or
 * not and cleared on read; IRQF and @irq follow the enabled flags. A timer
 * is armed only for the next event an enabled interrupt waits for.
 * Daylight saving (DSE) and the square-wave pin are not modelled.
 */
#ifndef PCVM_HW_MC146818_H
#define PCVM_HW_MC146818_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/irq.h"
#include "hw/pc/isa_env.h"

#define RTC_BASE 0x70
#define RTC_CMOS_SIZE 256

typedef struct RtcState RtcState;

/* NULL if the ports are taken. */
RtcState *rtc_new(const IsaEnv *env, uint16_t base, IrqLine irq,
                  int64_t base_sec);

/* The board's access to CMOS RAM (memory sizes, boot order, ...). A write
 * inside the AT checksummed range 0x10-0x2d updates the checksum at
 * 0x2e/0x2f. Indexes are taken modulo 256. */
void rtc_cmos_set(RtcState *s, int index, uint8_t value);
uint8_t rtc_cmos_get(RtcState *s, int index);
bool rtc_nmi_disabled(RtcState *s);

/* -rtc base=: NULL or "utc" is @host_now, "localtime" the host's local
 * time, else "YYYY-MM-DD[THH:MM:SS]". Returns 0, or -1 with @err filled. */
int rtc_parse_base(const char *opt, int64_t host_now, int64_t *out_sec,
                   char *err, size_t errlen);

#endif
