/*
 * Logging and runtime tracing.
 *
 * Promise: messages go to one sink (stderr, or the file given with -D);
 * trace categories are switched on at run time (-d cat,cat) and cost one
 * bit test when off. A Log belongs to its machine; nothing here is global.
 * Guest misbehaviour is logged under LOG_GUEST_ERROR or LOG_UNIMP and rate
 * limited per call site, so a hostile guest cannot flood the host.
 */
#ifndef PCVM_LOG_H
#define PCVM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum LogCategory {
    LOG_GUEST_ERROR, /* the guest did something a real PC would not like */
    LOG_UNIMP,       /* the guest used something pcvm does not model */
    LOG_IOPORT,      /* every port access */
    LOG_UNASSIGNED,  /* accesses to ports and memory nobody claims */
    LOG_MMIO,        /* every MMIO access */
    LOG_INT,         /* interrupts and exceptions taken by the CPU */
    LOG_EXEC,        /* each block/instruction executed (address) */
    LOG_IN_ASM,      /* disassembly of code as it is decoded */
    LOG_CPU,         /* register dump before each instruction/block */
    LOG_MMU,         /* page walks and TLB flushes */
    LOG_PIT,
    LOG_PIC,
    LOG_DEV,         /* other device events */
    LOG_RESET,       /* machine resets and shutdowns */
    LOG_NOCHAIN,     /* tcg-lite: do not chain blocks (a behaviour switch) */
    LOG_CATEGORY_COUNT
} LogCategory;

typedef struct Log {
    uint64_t mask;   /* bit per LogCategory */
    FILE *out;       /* NULL means stderr */
    bool owns_out;
} Log;

/* Errors and warnings for the user; always printed, prefixed "pcvm: ". */
void log_error(Log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_warn(Log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_info(Log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A trace line under category @cat (no check: callers test log_enabled). */
void log_trace(Log *log, LogCategory cat, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vtrace(Log *log, LogCategory cat, const char *fmt, va_list ap);

static inline bool log_enabled(const Log *log, LogCategory cat)
{
    return log && (log->mask >> cat) & 1;
}

/* Trace only if the category is on. */
#define TRACE(log, cat, ...)                                                   \
    do {                                                                       \
        if (log_enabled((log), (cat))) {                                       \
            log_trace((log), (cat), __VA_ARGS__);                              \
        }                                                                      \
    } while (0)

/*
 * Rate-limited guest-error/unimp messages: each call site prints at most
 * LOG_RATELIMIT_BURST lines unless the category is on (then all of them).
 * The counter lives in the caller's object (a device struct), not in a
 * static, so two machines do not share it.
 */
#define LOG_RATELIMIT_BURST 10
void log_guest(Log *log, LogCategory cat, unsigned *counter, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Parse "-d" categories ("int,cpu" or "help"); returns 0 or -1 with *bad
 * set to the offending word. */
int log_parse_mask(const char *spec, uint64_t *mask, const char **bad,
                   size_t *bad_len);
/* Print the category list ("-d help"). */
void log_print_categories(FILE *f);
const char *log_category_name(LogCategory cat);

/* Redirect output to a file (-D); returns 0 or -errno. */
int log_open_file(Log *log, const char *path);
void log_close(Log *log);
FILE *log_file(Log *log);

#endif
