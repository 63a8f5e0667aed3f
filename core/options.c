/*
 * The command line: see options.h.
 *
 * One table names every option, whether it takes an argument, its handler
 * and its help line. Handlers check their value completely and write a
 * one-line error; cross-option checks (-initrd needs -kernel, -bios found
 * through -L) run once everything is read.
 */
#include "core/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/version.h"

typedef struct OptCtx {
    MachineConfig *cfg;
    const char *opt;  /* the option as written, without leading dashes */
    char *err;
    size_t errlen;
} OptCtx;

typedef int OptHandler(OptCtx *c, const char *arg);

typedef struct OptionDef {
    const char *name;
    const char *argname;  /* NULL: takes no argument */
    OptHandler *handler;
    const char *help;
    bool ready;           /* built: -help lists it as working */
} OptionDef;

static int fail(OptCtx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(OptCtx *c, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "-%s: ", c->opt);
    if (n < 0 || (size_t)n >= c->errlen) {
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - n, fmt, ap);
    va_end(ap);
    return -1;
}

/* --- value parsers --- */

int parse_uint(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) {
        return -1;
    }
    *out = v;
    return 0;
}

int parse_size(const char *s, int default_shift, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
        return -1;
    }
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) {
        return -1;
    }
    int shift = default_shift;
    switch (*end) {
    case '\0': break;
    case 'b': case 'B': shift = 0; end++; break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: return -1;
    }
    if (*end == 'i' && end[1] == 'B') {
        end += 2;
    } else if (*end == 'B' && shift) {
        end++;
    }
    if (*end) {
        return -1;
    }
    double bytes = v * (double)(1ULL << shift);
    if (bytes >= 18446744073709551615.0) {
        return -1;
    }
    *out = (uint64_t)bytes;
    return 0;
}

int parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
        *out = true;
    } else if (!strcmp(s, "off") || !strcmp(s, "no") ||
               !strcmp(s, "false")) {
        *out = false;
    } else {
        return -1;
    }
    return 0;
}

static void free_keyvals(KeyVal *kv, int n)
{
    for (int i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
}

/*
 * Split "first,key=value,key=value" into pairs. A leading item without '='
 * gets the key @implied (NULL: not allowed). ",," stands for a literal
 * comma, as in QEMU. Returns the count or -1 (with @err filled).
 */
static int parse_keyvals(OptCtx *c, const char *arg, const char *implied,
                         KeyVal *kv, int max)
{
    int n = 0;
    const char *p = arg;
    while (*p) {
        char item[1024];
        size_t len = 0;
        while (*p) {
            if (*p == ',') {
                if (p[1] == ',') {
                    p++;
                } else {
                    break;
                }
            }
            if (len + 1 >= sizeof(item)) {
                free_keyvals(kv, n);
                return fail(c, "value too long");
            }
            item[len++] = *p++;
        }
        item[len] = '\0';
        if (*p == ',') {
            p++;
            if (!*p) {
                free_keyvals(kv, n);
                return fail(c, "'%s' ends with a comma", arg);
            }
        }
        if (n == max) {
            free_keyvals(kv, n);
            return fail(c, "too many parameters in '%s'", arg);
        }
        char *eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            if (!item[0]) {
                free_keyvals(kv, n);
                return fail(c, "missing parameter name in '%s'", arg);
            }
            kv[n].key = strdup(item);
            kv[n].value = strdup(eq + 1);
        } else if (n == 0 && implied) {
            kv[n].key = strdup(implied);
            kv[n].value = strdup(item);
        } else {
            /* "nowait", "server": a flag means key=on. */
            kv[n].key = strdup(item);
            kv[n].value = strdup("on");
        }
        n++;
    }
    return n;
}

static int file_must_exist(OptCtx *c, const char *path)
{
    struct stat st;
    if (!*path) {
        return fail(c, "empty file name");
    }
    if (stat(path, &st)) {
        return fail(c, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return fail(c, "%s: is a directory", path);
    }
    if (access(path, R_OK)) {
        return fail(c, "%s: %s", path, strerror(errno));
    }
    return 0;
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? strdup(src) : NULL;
}

int parse_chardev(const char *s, ChardevSpec *out, char *err, size_t errlen)
{
    ChardevSpec cs = {0};
    const char *spec = s;
    if (!strncmp(spec, "mon:", 4)) {
        cs.mux_monitor = true;
        spec += 4;
    }
    if (!strcmp(spec, "stdio")) {
        cs.kind = CHR_STDIO;
    } else if (!strcmp(spec, "null")) {
        cs.kind = CHR_NULL;
    } else if (!strcmp(spec, "none")) {
        cs.kind = CHR_NONE;
    } else if (!strcmp(spec, "vc") || !strncmp(spec, "vc:", 3)) {
        cs.kind = CHR_VC;
    } else if (!strncmp(spec, "file:", 5)) {
        if (!spec[5]) {
            snprintf(err, errlen, "'file:' needs a path");
            return -1;
        }
        cs.kind = CHR_FILE;
        cs.path = strdup(spec + 5);
    } else if (!strncmp(spec, "tcp:", 4)) {
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", spec + 4);
        char *opts = strchr(buf, ',');
        if (opts) {
            *opts++ = '\0';
        }
        char *colon = strrchr(buf, ':');
        uint64_t port;
        if (!colon || parse_uint(colon + 1, &port) || port == 0 ||
            port > 65535) {
            snprintf(err, errlen, "'%s': expected tcp:HOST:PORT", s);
            return -1;
        }
        *colon = '\0';
        cs.kind = CHR_TCP;
        cs.host = strdup(buf[0] ? buf : "127.0.0.1");
        cs.port = (int)port;
        cs.wait = true;
        while (opts && *opts) {
            char *next = strchr(opts, ',');
            if (next) {
                *next++ = '\0';
            }
            if (!strcmp(opts, "server") || !strcmp(opts, "server=on")) {
                cs.server = true;
            } else if (!strcmp(opts, "nowait") || !strcmp(opts, "wait=off")) {
                cs.wait = false;
            } else if (!strcmp(opts, "wait=on")) {
                cs.wait = true;
            } else if (!strcmp(opts, "server=off")) {
                cs.server = false;
            } else {
                free(cs.host);
                snprintf(err, errlen, "'%s': unknown tcp option '%s'", s,
                         opts);
                return -1;
            }
            opts = next;
        }
    } else {
        snprintf(err, errlen,
                 "'%s': unknown character device (use stdio, file:PATH, "
                 "tcp:HOST:PORT,server, null or none)",
                 s);
        return -1;
    }
    *out = cs;
    return 0;
}

static void free_chardev(ChardevSpec *cs)
{
    free(cs->path);
    free(cs->host);
    memset(cs, 0, sizeof(*cs));
}

static int opt_chardev(OptCtx *c, const char *arg, ChardevSpec *out)
{
    char msg[256];
    ChardevSpec cs;
    if (parse_chardev(arg, &cs, msg, sizeof(msg))) {
        return fail(c, "%s", msg);
    }
    free_chardev(out);
    *out = cs;
    return 0;
}

/* --- handlers --- */

static int opt_m(OptCtx *c, const char *arg)
{
    KeyVal kv[4];
    int n = parse_keyvals(c, arg, "size", kv, 4);
    if (n < 0) {
        return -1;
    }
    int rc = 0;
    uint64_t size = 0;
    bool have_size = false;
    for (int i = 0; i < n && !rc; i++) {
        if (!strcmp(kv[i].key, "size")) {
            if (parse_size(kv[i].value, 20, &size)) {
                rc = fail(c, "invalid size '%s' (use e.g. 512M or 2G)",
                          kv[i].value);
            }
            have_size = true;
        } else if (strcmp(kv[i].key, "slots") && strcmp(kv[i].key, "maxmem")) {
            rc = fail(c, "unknown parameter '%s'", kv[i].key);
        }
    }
    free_keyvals(kv, n);
    if (rc) {
        return rc;
    }
    if (!have_size) {
        return fail(c, "missing size");
    }
    if (size < (1ULL << 20)) {
        return fail(c, "'%s' is too small: at least 1M", arg);
    }
    if (size > (1ULL << 40)) {
        return fail(c, "'%s' is too large: at most 1T", arg);
    }
    /* Whole pages; the board maps RAM page by page. */
    c->cfg->ram_size = (size + 4095) & ~4095ULL;
    return 0;
}

static int opt_smp(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, "cpus", kv, 8);
    if (n < 0) {
        return -1;
    }
    uint64_t cpus = 0, sockets = 1, cores = 1, threads = 1, v;
    bool topo = false;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (parse_uint(kv[i].value, &v) || v == 0 || v > MAX_SMP_CPUS) {
            rc = fail(c, "invalid %s '%s' (1 to %d)", kv[i].key, kv[i].value,
                      MAX_SMP_CPUS);
        } else if (!strcmp(kv[i].key, "cpus")) {
            cpus = v;
        } else if (!strcmp(kv[i].key, "sockets")) {
            sockets = v, topo = true;
        } else if (!strcmp(kv[i].key, "cores")) {
            cores = v, topo = true;
        } else if (!strcmp(kv[i].key, "threads")) {
            threads = v, topo = true;
        } else if (strcmp(kv[i].key, "maxcpus") && strcmp(kv[i].key, "dies")) {
            rc = fail(c, "unknown parameter '%s'", kv[i].key);
        }
    }
    free_keyvals(kv, n);
    if (rc) {
        return rc;
    }
    if (!cpus) {
        cpus = sockets * cores * threads;
    }
    if (cpus > MAX_SMP_CPUS) {
        return fail(c, "at most %d CPUs", MAX_SMP_CPUS);
    }
    if (topo && sockets * cores * threads < cpus) {
        return fail(c, "topology %llu*%llu*%llu holds fewer than %llu CPUs",
                    (unsigned long long)sockets, (unsigned long long)cores,
                    (unsigned long long)threads, (unsigned long long)cpus);
    }
    c->cfg->smp_cpus = (int)cpus;
    return 0;
}

static int opt_cpu(OptCtx *c, const char *arg)
{
    if (!*arg) {
        return fail(c, "empty CPU model");
    }
    set_str(&c->cfg->cpu_model, arg);
    return 0;
}

static int parse_kernel_irqchip(OptCtx *c, const char *v)
{
    if (!strcmp(v, "off")) {
        c->cfg->kernel_irqchip = KERNEL_IRQCHIP_OFF;
    } else if (!strcmp(v, "split")) {
        c->cfg->kernel_irqchip = KERNEL_IRQCHIP_SPLIT;
    } else if (!strcmp(v, "on")) {
        c->cfg->kernel_irqchip = KERNEL_IRQCHIP_ON;
    } else {
        return fail(c, "kernel-irqchip=%s: expected off, split or on", v);
    }
    return 0;
}

static int opt_machine(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, "type", kv, 8);
    int rc = n < 0 ? -1 : 0;
    for (int i = 0; i < n && !rc; i++) {
        if (!strcmp(kv[i].key, "type")) {
            if (strcmp(kv[i].value, "pc") && strcmp(kv[i].value, "help") &&
                strncmp(kv[i].value, "pc-i440fx", 9)) {
                rc = fail(c, "unknown machine '%s' (pcvm builds 'pc', an "
                             "i440FX/PIIX board)", kv[i].value);
            } else {
                set_str(&c->cfg->machine_type, kv[i].value);
            }
        } else if (!strcmp(kv[i].key, "kernel_irqchip") ||
                   !strcmp(kv[i].key, "kernel-irqchip")) {
            rc = parse_kernel_irqchip(c, kv[i].value);
        } else if (!strcmp(kv[i].key, "accel")) {
            /* "kvm:tcg": the first that works; we keep auto semantics. */
            if (!strcmp(kv[i].value, "kvm")) {
                c->cfg->accel = ACCEL_KVM;
            } else if (!strcmp(kv[i].value, "tcg")) {
                c->cfg->accel = ACCEL_TCG;
            } else if (!strcmp(kv[i].value, "kvm:tcg")) {
                c->cfg->accel = ACCEL_AUTO;
            } else {
                rc = fail(c, "unknown accelerator '%s'", kv[i].value);
            }
            c->cfg->accel_set = true;
        } else if (strcmp(kv[i].key, "usb") && strcmp(kv[i].key, "vmport") &&
                   strcmp(kv[i].key, "smm")) {
            rc = fail(c, "unknown parameter '%s'", kv[i].key);
        }
    }
    free_keyvals(kv, n > 0 ? n : 0);
    return rc;
}

static int opt_bios(OptCtx *c, const char *arg)
{
    if (!*arg) {
        return fail(c, "empty file name");
    }
    set_str(&c->cfg->bios, arg);
    return 0;   /* resolved against -L once all options are read */
}

static int opt_L(OptCtx *c, const char *arg)
{
    struct stat st;
    if (stat(arg, &st) || !S_ISDIR(st.st_mode)) {
        return fail(c, "%s: not a directory", arg);
    }
    if (c->cfg->ndatadirs == MAX_DATADIRS) {
        return fail(c, "at most %d directories", MAX_DATADIRS);
    }
    c->cfg->datadirs[c->cfg->ndatadirs++] = strdup(arg);
    return 0;
}

static int opt_kernel(OptCtx *c, const char *arg)
{
    if (file_must_exist(c, arg)) {
        return -1;
    }
    set_str(&c->cfg->kernel, arg);
    return 0;
}

static int opt_initrd(OptCtx *c, const char *arg)
{
    /* QEMU accepts "file args,file args" as Multiboot modules: check
     * each file (the words after it are the module's command line). */
    char *copy = strdup(arg);
    int rc = 0;
    for (char *save, *f = strtok_r(copy, ",", &save); f && !rc;
         f = strtok_r(NULL, ",", &save)) {
        char *space = strchr(f, ' ');
        if (space) {
            *space = '\0';
        }
        rc = file_must_exist(c, f);
    }
    free(copy);
    if (!rc) {
        set_str(&c->cfg->initrd, arg);
    }
    return rc;
}

static int opt_append(OptCtx *c, const char *arg)
{
    set_str(&c->cfg->append, arg);
    return 0;
}

static int opt_option_rom(OptCtx *c, const char *arg)
{
    if (file_must_exist(c, arg)) {
        return -1;
    }
    if (c->cfg->noption_roms == MAX_OPTION_ROMS) {
        return fail(c, "at most %d option ROMs", MAX_OPTION_ROMS);
    }
    c->cfg->option_roms[c->cfg->noption_roms++] = strdup(arg);
    return 0;
}

static DriveSpec *new_drive(OptCtx *c)
{
    if (c->cfg->ndrives == MAX_DRIVES) {
        fail(c, "at most %d drives", MAX_DRIVES);
        return NULL;
    }
    DriveSpec *d = &c->cfg->drives[c->cfg->ndrives];
    memset(d, 0, sizeof(*d));
    d->index = -1;
    d->option = c->opt;
    return d;
}

static int add_simple_drive(OptCtx *c, const char *arg, DriveInterface iface,
                            int index, DriveMedia media)
{
    if (file_must_exist(c, arg)) {
        return -1;
    }
    for (int i = 0; i < c->cfg->ndrives; i++) {
        if (c->cfg->drives[i].iface == iface &&
            c->cfg->drives[i].index == index) {
            return fail(c, "that drive is already given by -%s",
                        c->cfg->drives[i].option);
        }
    }
    DriveSpec *d = new_drive(c);
    if (!d) {
        return -1;
    }
    d->file = strdup(arg);
    d->iface = iface;
    d->index = index;
    d->media = media;
    d->readonly = media == DRIVE_MEDIA_CDROM;
    c->cfg->ndrives++;
    return 0;
}

static int opt_hdx(OptCtx *c, const char *arg)
{
    return add_simple_drive(c, arg, DRIVE_IF_IDE, c->opt[2] - 'a',
                            DRIVE_MEDIA_DISK);
}

static int opt_cdrom(OptCtx *c, const char *arg)
{
    return add_simple_drive(c, arg, DRIVE_IF_IDE, 2, DRIVE_MEDIA_CDROM);
}

static int opt_fdx(OptCtx *c, const char *arg)
{
    return add_simple_drive(c, arg, DRIVE_IF_FLOPPY, c->opt[2] - 'a',
                            DRIVE_MEDIA_DISK);
}

static int opt_drive(OptCtx *c, const char *arg)
{
    KeyVal kv[MAX_PROPS];
    int n = parse_keyvals(c, arg, NULL, kv, MAX_PROPS);
    if (n < 0) {
        return -1;
    }
    DriveSpec *d = new_drive(c);
    int rc = d ? 0 : -1;
    uint64_t v;
    bool b;
    for (int i = 0; i < n && !rc; i++) {
        const char *k = kv[i].key, *val = kv[i].value;
        if (!strcmp(k, "file")) {
            set_str(&d->file, val);
        } else if (!strcmp(k, "if")) {
            if (!strcmp(val, "ide")) {
                d->iface = DRIVE_IF_IDE;
            } else if (!strcmp(val, "floppy")) {
                d->iface = DRIVE_IF_FLOPPY;
            } else if (!strcmp(val, "ahci") || !strcmp(val, "sata")) {
                d->iface = DRIVE_IF_AHCI;
            } else if (!strcmp(val, "none")) {
                d->iface = DRIVE_IF_NONE;
            } else {
                rc = fail(c, "unknown interface '%s' (ide, floppy, ahci, "
                             "none)", val);
            }
        } else if (!strcmp(k, "index")) {
            if (parse_uint(val, &v) || v > 31) {
                rc = fail(c, "invalid index '%s'", val);
            } else {
                d->index = (int)v;
            }
        } else if (!strcmp(k, "media")) {
            if (!strcmp(val, "disk")) {
                d->media = DRIVE_MEDIA_DISK;
            } else if (!strcmp(val, "cdrom")) {
                d->media = DRIVE_MEDIA_CDROM;
                d->readonly = true;
            } else {
                rc = fail(c, "unknown media '%s' (disk, cdrom)", val);
            }
        } else if (!strcmp(k, "format")) {
            if (strcmp(val, "raw") && strcmp(val, "qcow2")) {
                rc = fail(c, "unknown format '%s' (raw, qcow2)", val);
            } else {
                set_str(&d->format, val);
            }
        } else if (!strcmp(k, "id")) {
            set_str(&d->id, val);
        } else if (!strcmp(k, "snapshot")) {
            if (parse_bool(val, &b)) {
                rc = fail(c, "snapshot=%s: expected on or off", val);
            }
            d->snapshot = b;
        } else if (!strcmp(k, "readonly")) {
            if (parse_bool(val, &b)) {
                rc = fail(c, "readonly=%s: expected on or off", val);
            }
            d->readonly = b;
        } else if (strcmp(k, "cache") && strcmp(k, "aio") &&
                   strcmp(k, "discard")) {
            rc = fail(c, "unknown parameter '%s'", k);
        }
    }
    free_keyvals(kv, n);
    if (!rc && !d->file && d->media != DRIVE_MEDIA_CDROM) {
        rc = fail(c, "file= is required");
    }
    if (!rc && d->file) {
        char path[4096];
        snprintf(path, sizeof(path), "%s", d->file);
        rc = file_must_exist(c, path);
    }
    if (rc) {
        if (d) {
            free(d->file);
            free(d->format);
            free(d->id);
        }
        return -1;
    }
    c->cfg->ndrives++;
    return 0;
}

static int check_boot_order(OptCtx *c, const char *order)
{
    if (!*order) {
        return fail(c, "empty boot order");
    }
    for (const char *p = order; *p; p++) {
        if (!strchr("abcdn", *p)) {
            return fail(c, "invalid boot device '%c' (a, b: floppy; c: "
                           "disk; d: CD-ROM; n: network)", *p);
        }
    }
    return 0;
}

static int opt_boot(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, "order", kv, 8);
    if (n < 0) {
        return -1;
    }
    int rc = 0;
    uint64_t v;
    for (int i = 0; i < n && !rc; i++) {
        const char *k = kv[i].key, *val = kv[i].value;
        if (!strcmp(k, "order")) {
            rc = check_boot_order(c, val);
            set_str(&c->cfg->boot_order, val);
        } else if (!strcmp(k, "once")) {
            rc = check_boot_order(c, val);
            set_str(&c->cfg->boot_once, val);
        } else if (!strcmp(k, "menu")) {
            if (parse_bool(val, &c->cfg->boot_menu)) {
                rc = fail(c, "menu=%s: expected on or off", val);
            }
        } else if (!strcmp(k, "strict")) {
            if (parse_bool(val, &c->cfg->boot_strict)) {
                rc = fail(c, "strict=%s: expected on or off", val);
            }
        } else if (!strcmp(k, "splash-time")) {
            if (parse_uint(val, &v) || v > 0xffff) {
                rc = fail(c, "invalid splash-time '%s'", val);
            } else {
                c->cfg->boot_splash_time = (int)v;
            }
        } else if (strcmp(k, "splash") && strcmp(k, "reboot-timeout")) {
            rc = fail(c, "unknown parameter '%s'", k);
        }
    }
    free_keyvals(kv, n);
    return rc;
}

static int opt_snapshot(OptCtx *c, const char *arg)
{
    c->cfg->snapshot = true;
    return 0;
}

static int opt_nographic(OptCtx *c, const char *arg)
{
    c->cfg->nographic = true;
    return 0;
}

static int opt_display(OptCtx *c, const char *arg)
{
    char kind[64];
    snprintf(kind, sizeof(kind), "%s", arg);
    char *comma = strchr(kind, ',');
    if (comma) {
        *comma = '\0';
    }
    if (!strcmp(kind, "sdl")) {
        c->cfg->display = DISPLAY_SDL;
    } else if (!strcmp(kind, "none")) {
        c->cfg->display = DISPLAY_NONE;
    } else if (!strcmp(kind, "default")) {
        c->cfg->display = DISPLAY_DEFAULT;
    } else {
        return fail(c, "unknown display '%s' (sdl, none)", kind);
    }
    return 0;
}

static int opt_serial(OptCtx *c, const char *arg)
{
    if (c->cfg->nserial == MAX_SERIAL) {
        return fail(c, "at most %d serial ports", MAX_SERIAL);
    }
    if (opt_chardev(c, arg, &c->cfg->serial[c->cfg->nserial])) {
        return -1;
    }
    c->cfg->nserial++;
    return 0;
}

static int opt_monitor(OptCtx *c, const char *arg)
{
    c->cfg->monitor_set = true;
    return opt_chardev(c, arg, &c->cfg->monitor);
}

static int opt_debugcon(OptCtx *c, const char *arg)
{
    c->cfg->debugcon_set = true;
    return opt_chardev(c, arg, &c->cfg->debugcon);
}

static int opt_accel(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, "accel", kv, 8);
    if (n < 0) {
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const char *k = kv[i].key, *val = kv[i].value;
        if (!strcmp(k, "accel")) {
            if (!strcmp(val, "kvm")) {
                c->cfg->accel = ACCEL_KVM;
            } else if (!strcmp(val, "tcg")) {
                c->cfg->accel = ACCEL_TCG;
            } else if (!strcmp(val, "auto")) {
                c->cfg->accel = ACCEL_AUTO;
            } else if (!strcmp(val, "help")) {
                c->cfg->accel_help = true;
            } else {
                rc = fail(c, "unknown accelerator '%s' (kvm, tcg, auto)",
                          val);
            }
        } else if (!strcmp(k, "interp")) {
            if (parse_bool(val, &c->cfg->accel_interp)) {
                rc = fail(c, "interp=%s: expected on or off", val);
            }
        } else if (!strcmp(k, "kernel-irqchip") ||
                   !strcmp(k, "kernel_irqchip")) {
            rc = parse_kernel_irqchip(c, val);
        } else if (!strcmp(k, "thread")) {
            if (!strcmp(val, "single")) {
                c->cfg->accel_threads = ACCEL_THREADS_SINGLE;
            } else if (!strcmp(val, "multi")) {
                c->cfg->accel_threads = ACCEL_THREADS_MULTI;
            } else {
                rc = fail(c, "thread=%s: expected single or multi", val);
            }
        } else if (!strcmp(k, "tb-size")) {
            /* tcg-lite's block cache: MiB by default, as QEMU's. */
            uint64_t size;
            if (parse_size(val, 20, &size) || size < (64u << 10) ||
                size > (1ULL << 30)) {
                rc = fail(c, "tb-size=%s: expected 64K to 1G", val);
            } else {
                c->cfg->accel_tb_size = size;
            }
        } else {
            rc = fail(c, "unknown parameter '%s'", k);
        }
    }
    free_keyvals(kv, n);
    c->cfg->accel_set = true;
    return rc;
}

static int opt_enable_kvm(OptCtx *c, const char *arg)
{
    c->cfg->accel = ACCEL_KVM;
    c->cfg->accel_set = true;
    return 0;
}

static int opt_netdev(OptCtx *c, const char *arg)
{
    KeyVal kv[MAX_PROPS];
    int n = parse_keyvals(c, arg, "type", kv, MAX_PROPS);
    if (n < 0) {
        return -1;
    }
    if (c->cfg->nnetdevs == MAX_NETDEVS) {
        free_keyvals(kv, n);
        return fail(c, "at most %d network backends", MAX_NETDEVS);
    }
    NetdevSpec *nd = &c->cfg->netdevs[c->cfg->nnetdevs];
    memset(nd, 0, sizeof(*nd));
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const char *k = kv[i].key, *val = kv[i].value;
        if (!strcmp(k, "type")) {
            if (strcmp(val, "user")) {
                rc = fail(c, "unknown network backend '%s' (pcvm has "
                             "'user')", val);
            }
            set_str(&nd->type, val);
        } else if (!strcmp(k, "id")) {
            set_str(&nd->id, val);
        } else if (!strcmp(k, "hostfwd")) {
            if (nd->nhostfwd == MAX_HOSTFWD) {
                rc = fail(c, "too many hostfwd rules");
            } else if (strncmp(val, "tcp:", 4) && strncmp(val, "udp:", 4) &&
                       !strchr(val, '-')) {
                rc = fail(c, "hostfwd=%s: expected "
                             "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:"
                             "GUESTPORT", val);
            } else {
                nd->hostfwd[nd->nhostfwd++] = strdup(val);
            }
        } else if (!strcmp(k, "restrict")) {
            if (parse_bool(val, &nd->restrict_net)) {
                rc = fail(c, "restrict=%s: expected on or off", val);
            }
        } else if (!strcmp(k, "net")) {
            set_str(&nd->net, val);
        } else {
            rc = fail(c, "unknown parameter '%s'", k);
        }
    }
    free_keyvals(kv, n);
    if (!rc && !nd->id) {
        rc = fail(c, "id= is required");
    }
    for (int i = 0; !rc && i < c->cfg->nnetdevs; i++) {
        if (!strcmp(c->cfg->netdevs[i].id, nd->id)) {
            rc = fail(c, "duplicate id '%s'", nd->id);
        }
    }
    if (rc) {
        free(nd->type);
        free(nd->id);
        free(nd->net);
        for (int i = 0; i < nd->nhostfwd; i++) {
            free(nd->hostfwd[i]);
        }
        return -1;
    }
    c->cfg->nnetdevs++;
    return 0;
}

static int add_device(OptCtx *c, const char *driver, KeyVal *props, int n)
{
    if (c->cfg->ndevices == MAX_DEVICES) {
        return fail(c, "at most %d devices", MAX_DEVICES);
    }
    DeviceSpec *d = &c->cfg->devices[c->cfg->ndevices++];
    d->driver = strdup(driver);
    d->nprops = n;
    for (int i = 0; i < n; i++) {
        d->props[i] = props[i];
    }
    return 0;
}

static int opt_nic(OptCtx *c, const char *arg)
{
    if (!strcmp(arg, "none")) {
        c->cfg->nic_none = true;
        return 0;
    }
    KeyVal kv[MAX_PROPS];
    int n = parse_keyvals(c, arg, "type", kv, MAX_PROPS);
    if (n < 0) {
        return -1;
    }
    /* -nic user,model=e1000,hostfwd=...: a netdev plus its NIC. */
    char netdev[1024] = "";
    char id[32];
    const char *model = "e1000";
    const char *mac = NULL;
    size_t len = 0;
    snprintf(id, sizeof(id), "__nic%d", c->cfg->nnetdevs);
    for (int i = 0; i < n; i++) {
        if (!strcmp(kv[i].key, "model")) {
            model = kv[i].value;
        } else if (!strcmp(kv[i].key, "mac")) {
            mac = kv[i].value;
        } else if (!strcmp(kv[i].key, "type")) {
            len += snprintf(netdev + len, sizeof(netdev) - len, "%s,id=%s",
                            kv[i].value, id);
        } else if (len < sizeof(netdev)) {
            len += snprintf(netdev + len, sizeof(netdev) - len, ",%s=%s",
                            kv[i].key, kv[i].value);
        }
    }
    int rc = 0;
    if (strcmp(model, "e1000") && strcmp(model, "help")) {
        rc = fail(c, "unknown NIC model '%s' (pcvm has e1000)", model);
    } else if (len >= sizeof(netdev)) {
        rc = fail(c, "too long");
    } else {
        rc = opt_netdev(c, netdev);
    }
    if (!rc) {
        KeyVal props[2];
        int np = 0;
        props[np].key = strdup("netdev");
        props[np++].value = strdup(id);
        if (mac) {
            props[np].key = strdup("mac");
            props[np++].value = strdup(mac);
        }
        rc = add_device(c, model, props, np);
        if (rc) {
            free_keyvals(props, np);
        }
    }
    free_keyvals(kv, n);
    return rc;
}

static int opt_device(OptCtx *c, const char *arg)
{
    KeyVal kv[MAX_PROPS];
    int n = parse_keyvals(c, arg, "driver", kv, MAX_PROPS);
    if (n < 0) {
        return -1;
    }
    if (n == 0 || strcmp(kv[0].key, "driver") || !kv[0].value[0]) {
        free_keyvals(kv, n);
        return fail(c, "missing device name");
    }
    char *driver = kv[0].value;
    int rc = add_device(c, driver, kv + 1, n - 1);
    free(kv[0].key);
    free(driver);
    if (rc) {
        free_keyvals(kv + 1, n - 1);
    }
    return rc;
}

static int opt_global(OptCtx *c, const char *arg)
{
    const char *dot = strchr(arg, '.');
    const char *eq = dot ? strchr(dot, '=') : NULL;
    if (!dot || !eq || dot == arg || eq == dot + 1) {
        return fail(c, "'%s': expected DRIVER.PROPERTY=VALUE", arg);
    }
    if (c->cfg->nglobals == MAX_GLOBALS) {
        return fail(c, "at most %d globals", MAX_GLOBALS);
    }
    GlobalSpec *g = &c->cfg->globals[c->cfg->nglobals++];
    g->driver = strndup(arg, dot - arg);
    g->prop = strndup(dot + 1, eq - dot - 1);
    g->value = strdup(eq + 1);
    return 0;
}

static int opt_d(OptCtx *c, const char *arg)
{
    if (!strcmp(arg, "help")) {
        log_print_categories(stdout);
        return 1;
    }
    const char *bad;
    size_t bad_len;
    uint64_t mask;
    if (log_parse_mask(arg, &mask, &bad, &bad_len)) {
        return fail(c, "unknown log category '%.*s' (-d help lists them)",
                    (int)bad_len, bad);
    }
    c->cfg->log_mask |= mask;
    return 0;
}

static int opt_D(OptCtx *c, const char *arg)
{
    if (!*arg) {
        return fail(c, "empty file name");
    }
    set_str(&c->cfg->logfile, arg);
    return 0;
}

static int opt_icount(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, "shift", kv, 8);
    if (n < 0) {
        return -1;
    }
    int rc = 0;
    uint64_t v;
    for (int i = 0; i < n && !rc; i++) {
        const char *k = kv[i].key, *val = kv[i].value;
        if (!strcmp(k, "shift")) {
            if (!strcmp(val, "auto")) {
                c->cfg->icount_shift = 3;
            } else if (parse_uint(val, &v) || v > 10) {
                rc = fail(c, "invalid shift '%s' (0 to 10, or auto)", val);
            } else {
                c->cfg->icount_shift = (int)v;
            }
        } else if (strcmp(k, "sleep") && strcmp(k, "align")) {
            rc = fail(c, "unknown parameter '%s'", k);
        }
    }
    free_keyvals(kv, n);
    c->cfg->icount = true;
    return rc;
}

static int opt_no_reboot(OptCtx *c, const char *arg)
{
    c->cfg->no_reboot = true;
    return 0;
}

static int opt_no_shutdown(OptCtx *c, const char *arg)
{
    c->cfg->no_shutdown = true;
    return 0;
}

static int opt_name(OptCtx *c, const char *arg)
{
    const char *name = !strncmp(arg, "guest=", 6) ? arg + 6 : arg;
    char *copy = strdup(name);
    char *comma = strchr(copy, ',');
    if (comma) {
        *comma = '\0';
    }
    free(c->cfg->name);
    c->cfg->name = copy;
    return 0;
}

static int opt_rtc(OptCtx *c, const char *arg)
{
    KeyVal kv[8];
    int n = parse_keyvals(c, arg, NULL, kv, 8);
    if (n < 0) {
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (!strcmp(kv[i].key, "base")) {
            const char *v = kv[i].value;
            int y, mo, d, h = 0, mi = 0, s = 0;
            if (strcmp(v, "utc") && strcmp(v, "localtime") &&
                sscanf(v, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) < 3) {
                rc = fail(c, "base=%s: expected utc, localtime or "
                             "YYYY-MM-DDTHH:MM:SS", v);
            }
            set_str(&c->cfg->rtc_base, v);
        } else if (strcmp(kv[i].key, "clock") &&
                   strcmp(kv[i].key, "driftfix")) {
            rc = fail(c, "unknown parameter '%s'", kv[i].key);
        }
    }
    free_keyvals(kv, n);
    return rc;
}

static int opt_version(OptCtx *c, const char *arg)
{
    printf("pcvm version %s\n", PCVM_VERSION);
    return 1;
}

static int opt_help(OptCtx *c, const char *arg)
{
    options_print_help();
    return 1;
}

static const OptionDef option_table[] = {
    {"h", NULL, opt_help, "print this help", true},
    {"help", NULL, opt_help, "print this help", true},
    {"version", NULL, opt_version, "print the version", true},
    {"m", "SIZE", opt_m, "guest RAM (default 128M; e.g. 512M, 2G)", true},
    {"smp", "N", opt_smp, "number of virtual CPUs", true},
    {"cpu", "MODEL", opt_cpu, "CPU model (-cpu help lists them)", true},
    {"machine", "pc[,accel=A]", opt_machine, "board type (pc)", true},
    {"M", "pc", opt_machine, "same as -machine", true},
    {"bios", "FILE", opt_bios, "BIOS ROM image (top of 4 GiB + low alias)",
     true},
    {"L", "DIR", opt_L, "where to look for firmware", true},
    {"kernel", "FILE", opt_kernel, "boot a Linux or multiboot kernel", true},
    {"initrd", "FILE", opt_initrd, "initial ramdisk for -kernel", true},
    {"append", "CMDLINE", opt_append, "kernel command line", true},
    {"option-rom", "FILE", opt_option_rom, "add an option ROM", true},
    {"hda", "FILE", opt_hdx, "IDE disk 0", false},
    {"hdb", "FILE", opt_hdx, "IDE disk 1", false},
    {"hdc", "FILE", opt_hdx, "IDE disk 2", false},
    {"hdd", "FILE", opt_hdx, "IDE disk 3", false},
    {"cdrom", "FILE", opt_cdrom, "IDE CD-ROM (secondary master)", false},
    {"fda", "FILE", opt_fdx, "floppy A", false},
    {"fdb", "FILE", opt_fdx, "floppy B", false},
    {"drive", "file=F,if=I,...", opt_drive, "a drive, in full", false},
    {"boot", "[order=]DRIVES", opt_boot, "boot order (c disk, d CD, a floppy, "
     "n network)", true},
    {"snapshot", NULL, opt_snapshot, "write disk changes to a temporary "
     "overlay", false},
    {"nographic", NULL, opt_nographic, "no window; serial on the terminal",
     true},
    {"display", "sdl|none", opt_display, "how to show the screen", false},
    {"serial", "DEV", opt_serial, "serial port (stdio, file:F, tcp:H:P,"
     "server, null, none)", true},
    {"monitor", "DEV", opt_monitor, "monitor console", false},
    {"debugcon", "DEV", opt_debugcon, "debug console on port 0xe9 (stdio, "
     "file:F, null)", true},
    {"accel", "kvm|tcg|auto|help", opt_accel, "accelerator (tcg,interp=on: "
     "the bare interpreter; tcg,tb-size=MiB: tcg-lite's block cache; "
     "kvm,kernel-irqchip=off|split|on,thread=single|multi)", true},
    {"enable-kvm", NULL, opt_enable_kvm, "same as -accel kvm", true},
    {"netdev", "user,id=ID,...", opt_netdev, "network backend", false},
    {"nic", "user,...|none", opt_nic, "network card with its backend",
     false},
    {"device", "DRIVER[,PROP=V]", opt_device, "add a device "
     "(isa-debug-exit[,iobase=,iosize=], isa-debugcon)", true},
    {"global", "DRV.PROP=V", opt_global, "set a device property "
     "(isa-debugcon.iobase=0x402)", true},
    {"d", "CATS", opt_d, "trace categories (-d help lists them)", true},
    {"D", "FILE", opt_D, "write logs and traces to FILE", true},
    {"icount", "[shift=]N", opt_icount, "virtual time from instruction "
     "count: 2^N ns per instruction (deterministic)", true},
    {"no-reboot", NULL, opt_no_reboot, "exit instead of rebooting", true},
    {"no-shutdown", NULL, opt_no_shutdown, "stop instead of exiting on "
     "power-off", true},
    {"name", "NAME", opt_name, "name of the guest (window title)", true},
    {"rtc", "base=utc|localtime|DATE", opt_rtc, "real-time clock start",
     true},
    {NULL, NULL, NULL, NULL, false},
};

static const OptionDef *find_option(const char *name)
{
    for (const OptionDef *o = option_table; o->name; o++) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

void options_print_help(void)
{
    printf("Usage: pcvm [options] [disk-image]\n\n"
           "pcvm %s emulates a PC (i440FX/PIIX board, x86 CPU).\n\n"
           "Options that work now:\n",
           PCVM_VERSION);
    for (const OptionDef *o = option_table; o->name; o++) {
        if (o->ready) {
            char left[64];
            snprintf(left, sizeof(left), "-%s%s%s", o->name,
                     o->argname ? " " : "", o->argname ? o->argname : "");
            printf("  %-26s %s\n", left, o->help);
        }
    }
    printf("\nKnown, arriving in later milestones (each says so if "
           "used):\n ");
    int col = 1;
    for (const OptionDef *o = option_table; o->name; o++) {
        if (!o->ready) {
            int w = (int)strlen(o->name) + 2;
            if (col + w > 78) {
                printf("\n ");
                col = 1;
            }
            printf(" -%s", o->name);
            col += w;
        }
    }
    printf("\n");
}

void options_init(MachineConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_size = 128ULL << 20;
    cfg->smp_cpus = 1;
    cfg->accel = ACCEL_AUTO;
    cfg->icount_shift = 3;
}

/* Firmware names without a '/' are looked up in -L directories, then in
 * the usual firmware folders. */
static int resolve_bios(OptCtx *c)
{
    MachineConfig *cfg = c->cfg;
    if (!cfg->bios || !strcmp(cfg->bios, "none") || strchr(cfg->bios, '/')) {
        return cfg->bios && strcmp(cfg->bios, "none")
                   ? file_must_exist(c, cfg->bios)
                   : 0;
    }
    struct stat st;
    if (!stat(cfg->bios, &st) && S_ISREG(st.st_mode)) {
        return 0;
    }
    for (int i = 0; i < cfg->ndatadirs; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", cfg->datadirs[i], cfg->bios);
        if (!stat(path, &st) && S_ISREG(st.st_mode)) {
            set_str(&cfg->bios, path);
            return 0;
        }
    }
    return file_must_exist(c, cfg->bios);
}

OptionsResult options_parse(MachineConfig *cfg, int argc, char **argv,
                            char *err, size_t errlen)
{
    OptCtx c = {cfg, "", err, errlen};
    err[0] = '\0';
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            /* A bare argument is the first disk, as in QEMU. */
            c.opt = "hda";
            if (opt_hdx(&c, a)) {
                return OPTIONS_ERROR;
            }
            continue;
        }
        const char *name = a + 1;
        if (name[0] == '-') {
            name++;
        }
        const OptionDef *o = find_option(name);
        if (!o) {
            snprintf(err, errlen, "%s: unknown option (pcvm -help lists "
                                  "them)", a);
            return OPTIONS_ERROR;
        }
        c.opt = o->name;
        const char *arg = NULL;
        if (o->argname) {
            if (i + 1 >= argc) {
                fail(&c, "requires an argument (%s)", o->argname);
                return OPTIONS_ERROR;
            }
            arg = argv[++i];
        }
        int rc = o->handler(&c, arg);
        if (rc < 0) {
            return OPTIONS_ERROR;
        }
        if (rc > 0) {
            return OPTIONS_EXIT;
        }
    }
    if (cfg->initrd && !cfg->kernel) {
        c.opt = "initrd";
        fail(&c, "only allowed with -kernel");
        return OPTIONS_ERROR;
    }
    if (cfg->append && !cfg->kernel) {
        c.opt = "append";
        fail(&c, "only allowed with -kernel");
        return OPTIONS_ERROR;
    }
    c.opt = "bios";
    if (resolve_bios(&c)) {
        return OPTIONS_ERROR;
    }
    for (int i = 0; i < cfg->ndevices; i++) {
        const char *nd = device_prop(&cfg->devices[i], "netdev");
        bool found = !nd;
        for (int j = 0; nd && j < cfg->nnetdevs; j++) {
            found |= !strcmp(cfg->netdevs[j].id, nd);
        }
        if (!found) {
            c.opt = "device";
            fail(&c, "%s: no -netdev with id '%s'", cfg->devices[i].driver,
                 nd);
            return OPTIONS_ERROR;
        }
    }
    return OPTIONS_OK;
}

const char *device_prop(const DeviceSpec *d, const char *key)
{
    for (int i = 0; i < d->nprops; i++) {
        if (!strcmp(d->props[i].key, key)) {
            return d->props[i].value;
        }
    }
    return NULL;
}

const char *config_global(const MachineConfig *cfg, const char *driver,
                          const char *prop)
{
    const char *v = NULL;
    for (int i = 0; i < cfg->nglobals; i++) {
        if (!strcmp(cfg->globals[i].driver, driver) &&
            !strcmp(cfg->globals[i].prop, prop)) {
            v = cfg->globals[i].value; /* the last one wins */
        }
    }
    return v;
}

void options_free(MachineConfig *cfg)
{
    free(cfg->cpu_model);
    free(cfg->machine_type);
    free(cfg->bios);
    for (int i = 0; i < cfg->ndatadirs; i++) {
        free(cfg->datadirs[i]);
    }
    free(cfg->kernel);
    free(cfg->initrd);
    free(cfg->append);
    for (int i = 0; i < cfg->noption_roms; i++) {
        free(cfg->option_roms[i]);
    }
    for (int i = 0; i < cfg->ndrives; i++) {
        free(cfg->drives[i].file);
        free(cfg->drives[i].format);
        free(cfg->drives[i].id);
    }
    free(cfg->boot_order);
    free(cfg->boot_once);
    for (int i = 0; i < cfg->nserial; i++) {
        free_chardev(&cfg->serial[i]);
    }
    free_chardev(&cfg->monitor);
    free_chardev(&cfg->debugcon);
    for (int i = 0; i < cfg->nnetdevs; i++) {
        NetdevSpec *nd = &cfg->netdevs[i];
        free(nd->id);
        free(nd->type);
        free(nd->net);
        for (int j = 0; j < nd->nhostfwd; j++) {
            free(nd->hostfwd[j]);
        }
    }
    for (int i = 0; i < cfg->ndevices; i++) {
        free(cfg->devices[i].driver);
        free_keyvals(cfg->devices[i].props, cfg->devices[i].nprops);
    }
    for (int i = 0; i < cfg->nglobals; i++) {
        free(cfg->globals[i].driver);
        free(cfg->globals[i].prop);
        free(cfg->globals[i].value);
    }
    free(cfg->logfile);
    free(cfg->name);
    free(cfg->rtc_base);
    memset(cfg, 0, sizeof(*cfg));
}
