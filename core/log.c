/* Logging and runtime tracing: see log.h. */
#include "core/log.h"

#include <errno.h>
#include <string.h>

static const char *const category_names[LOG_CATEGORY_COUNT] = {
    [LOG_GUEST_ERROR] = "guest_errors",
    [LOG_UNIMP] = "unimp",
    [LOG_IOPORT] = "ioport",
    [LOG_UNASSIGNED] = "unassigned",
    [LOG_MMIO] = "mmio",
    [LOG_INT] = "int",
    [LOG_EXEC] = "exec",
    [LOG_IN_ASM] = "in_asm",
    [LOG_CPU] = "cpu",
    [LOG_MMU] = "mmu",
    [LOG_PIT] = "pit",
    [LOG_PIC] = "pic",
    [LOG_DEV] = "dev",
    [LOG_RESET] = "cpu_reset",
    [LOG_NOCHAIN] = "nochain",
};

static const char *const category_help[LOG_CATEGORY_COUNT] = {
    [LOG_GUEST_ERROR] = "guest behaviour real hardware would not accept",
    [LOG_UNIMP] = "features the guest uses that pcvm does not model",
    [LOG_IOPORT] = "every I/O port access",
    [LOG_UNASSIGNED] = "accesses to unclaimed ports and memory",
    [LOG_MMIO] = "every MMIO access",
    [LOG_INT] = "interrupts and exceptions",
    [LOG_EXEC] = "each translated block or instruction as it runs",
    [LOG_IN_ASM] = "disassembly of guest code as it is decoded",
    [LOG_CPU] = "CPU registers before each block or instruction",
    [LOG_MMU] = "page walks and TLB flushes",
    [LOG_PIT] = "8254 timer events",
    [LOG_PIC] = "8259 interrupt controller events",
    [LOG_DEV] = "other device events",
    [LOG_RESET] = "CPU and machine resets",
    [LOG_NOCHAIN] = "tcg-lite: do not chain translated blocks",
};

const char *log_category_name(LogCategory cat)
{
    return cat < LOG_CATEGORY_COUNT ? category_names[cat] : "?";
}

FILE *log_file(Log *log)
{
    return log && log->out ? log->out : stderr;
}

static void log_vprint(Log *log, const char *prefix, const char *fmt,
                       va_list ap)
{
    FILE *f = log_file(log);
    fputs(prefix, f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
}

void log_error(Log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* User-facing errors always reach the terminal, even with -D. */
    fputs("pcvm: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (log && log->out && log->out != stderr) {
        va_start(ap, fmt);
        log_vprint(log, "pcvm: ", fmt, ap);
        va_end(ap);
    }
}

void log_warn(Log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprint(log, "pcvm: warning: ", fmt, ap);
    va_end(ap);
}

void log_info(Log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprint(log, "pcvm: ", fmt, ap);
    va_end(ap);
}

void log_vtrace(Log *log, LogCategory cat, const char *fmt, va_list ap)
{
    (void)cat;
    FILE *f = log_file(log);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

void log_trace(Log *log, LogCategory cat, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vtrace(log, cat, fmt, ap);
    va_end(ap);
}

void log_guest(Log *log, LogCategory cat, unsigned *counter, const char *fmt,
               ...)
{
    bool always = log_enabled(log, cat);
    if (!always) {
        if (*counter >= LOG_RATELIMIT_BURST) {
            return;
        }
        (*counter)++;
    }
    va_list ap;
    va_start(ap, fmt);
    log_vprint(log, cat == LOG_UNIMP ? "pcvm: unimplemented: "
                                     : "pcvm: guest error: ",
               fmt, ap);
    va_end(ap);
    if (!always && *counter == LOG_RATELIMIT_BURST) {
        log_info(log, "(further messages like this are suppressed; "
                      "-d %s shows them all)",
                 log_category_name(cat));
    }
}

int log_parse_mask(const char *spec, uint64_t *mask, const char **bad,
                   size_t *bad_len)
{
    uint64_t m = 0;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        bool found = false;
        if (n == 3 && !strncmp(p, "all", 3)) {
            m |= (1ULL << LOG_CATEGORY_COUNT) - 1;
            m &= ~(1ULL << LOG_NOCHAIN);
            found = true;
        }
        for (int i = 0; i < LOG_CATEGORY_COUNT && !found; i++) {
            if (strlen(category_names[i]) == n &&
                !strncmp(p, category_names[i], n)) {
                m |= 1ULL << i;
                found = true;
            }
        }
        if (!found) {
            *bad = p;
            *bad_len = n;
            return -1;
        }
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    *mask = m;
    return 0;
}

void log_print_categories(FILE *f)
{
    fprintf(f, "Log categories for -d (comma separated; 'all' for every "
               "trace):\n");
    for (int i = 0; i < LOG_CATEGORY_COUNT; i++) {
        fprintf(f, "  %-13s %s\n", category_names[i], category_help[i]);
    }
}

int log_open_file(Log *log, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -errno;
    }
    log_close(log);
    log->out = f;
    log->owns_out = true;
    return 0;
}

void log_close(Log *log)
{
    if (log->owns_out && log->out) {
        fclose(log->out);
    }
    log->out = NULL;
    log->owns_out = false;
}
