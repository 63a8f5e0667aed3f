/* The machine and its main loop: see machine.h. */
#include "core/machine.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* The longest the vCPUs run before the loop looks at host input again. */
#define MACHINE_SLICE_NS (10 * 1000 * 1000)

Machine *machine_new(const MachineConfig *cfg, char *err, size_t errlen)
{
    Machine *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = cfg;
    m->signal_fd = -1;
    m->log.mask = cfg->log_mask;
    if (cfg->logfile) {
        int rc = log_open_file(&m->log, cfg->logfile);
        if (rc) {
            snprintf(err, errlen, "-D %s: %s", cfg->logfile, strerror(-rc));
            free(m);
            return NULL;
        }
    }
    m->as = as_new(&m->log, "memory");
    m->io = iobus_new(&m->log);
    m->clock = clock_new(cfg->icount ? CLOCK_ICOUNT : CLOCK_HOST,
                         cfg->icount_shift);
    if (!m->as || !m->io || !m->clock) {
        snprintf(err, errlen, "out of memory");
        machine_free(m);
        return NULL;
    }
    m->ncpus = cfg->smp_cpus > 0 ? cfg->smp_cpus : 1;
    return m;
}

void machine_free(Machine *m)
{
    if (!m) {
        return;
    }
    if (m->accel && m->accel->destroy) {
        m->accel->destroy(m);
    }
    devices_destroy(&m->devices);
    if (m->board_free) {
        m->board_free(m);
    }
    for (int i = 0; i < m->nchardevs; i++) {
        chardev_free(m->chardevs[i]);
    }
    if (m->signal_fd >= 0) {
        close(m->signal_fd);
    }
    clock_free(m->clock);
    iobus_free(m->io);
    as_free(m->as);
    log_close(&m->log);
    free(m);
}

Chardev *machine_open_chardev(Machine *m, const ChardevSpec *spec,
                              const char *what, char *err, size_t errlen)
{
    char msg[256];
    if (spec->kind == CHR_NONE) {
        return NULL;
    }
    if (m->nchardevs == MACHINE_MAX_CHARDEVS) {
        snprintf(err, errlen, "%s: too many character devices", what);
        return NULL;
    }
    Chardev *c = chardev_new(spec, &m->log, msg, sizeof(msg));
    if (!c) {
        snprintf(err, errlen, "%s: %s", what, msg);
        return NULL;
    }
    m->chardevs[m->nchardevs++] = c;
    return c;
}

void machine_watch_fd(Machine *m, int fd, MachineFdHandler *h, void *opaque)
{
    if (m->nfds < MACHINE_MAX_FDS) {
        m->fds[m->nfds].fd = fd;
        m->fds[m->nfds].handler = h;
        m->fds[m->nfds].opaque = opaque;
        m->nfds++;
    }
}

static void machine_kick(Machine *m)
{
    if (m->accel && m->accel->kick) {
        m->accel->kick(m);
    }
}

void machine_request_exit(Machine *m, int status)
{
    if (!m->exit_requested) {
        m->exit_requested = true;
        m->exit_status = status;
    }
    machine_kick(m);
}

void machine_request_reset(Machine *m)
{
    TRACE(&m->log, LOG_RESET, "machine reset requested");
    if (m->cfg->no_reboot) {
        machine_request_exit(m, 0);
        return;
    }
    m->reset_requested = true;
    machine_kick(m);
}

void machine_request_shutdown(Machine *m)
{
    TRACE(&m->log, LOG_RESET, "machine power-off requested");
    m->shutdown_requested = true;
    machine_kick(m);
}

void machine_triple_fault(Machine *m, int cpu)
{
    if (m->cfg->no_reboot || log_enabled(&m->log, LOG_RESET) ||
        log_enabled(&m->log, LOG_INT)) {
        log_info(&m->log, "CPU %d: triple fault%s", cpu,
                 m->cfg->no_reboot ? "; exiting (-no-reboot)" : "");
        if (m->accel && m->accel->dump) {
            m->accel->dump(m, log_file(&m->log));
        }
    }
    machine_request_reset(m);
}

void machine_reset(Machine *m, ResetKind kind)
{
    TRACE(&m->log, LOG_RESET, "machine reset (%s)",
          kind == RESET_COLD ? "cold" : "warm");
    devices_reset(&m->devices, kind);
    if (m->accel && m->accel->reset) {
        m->accel->reset(m);
    }
    if (m->board_reset) {
        m->board_reset(m, kind);
    }
}

static void setup_signals(Machine *m)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == 0) {
        m->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    }
}

static void handle_signal(Machine *m)
{
    struct signalfd_siginfo si;
    if (read(m->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        log_info(&m->log, "terminating on signal %u", si.ssi_signo);
        machine_request_exit(m, 128 + (int)si.ssi_signo);
    }
}

/* Wait up to @timeout_ms (-1: forever) for host input, and deliver it. */
static void poll_host(Machine *m, int timeout_ms)
{
    struct pollfd pfd[MACHINE_MAX_CHARDEVS + MACHINE_MAX_FDS + 1];
    void *who[MACHINE_MAX_CHARDEVS + MACHINE_MAX_FDS + 1];
    int kind[MACHINE_MAX_CHARDEVS + MACHINE_MAX_FDS + 1];
    int n = 0;

    if (m->signal_fd >= 0) {
        pfd[n] = (struct pollfd){m->signal_fd, POLLIN, 0};
        kind[n++] = 0;
    }
    for (int i = 0; i < m->nchardevs; i++) {
        chardev_accept_input(m->chardevs[i]);
        int fd = chardev_poll_fd(m->chardevs[i]);
        if (fd >= 0) {
            pfd[n] = (struct pollfd){fd, POLLIN, 0};
            who[n] = m->chardevs[i];
            kind[n++] = 1;
        }
    }
    for (int i = 0; i < m->nfds; i++) {
        pfd[n] = (struct pollfd){m->fds[i].fd, POLLIN, 0};
        who[n] = &m->fds[i];
        kind[n++] = 2;
    }
    if (n == 0 && timeout_ms < 0) {
        /* Nothing can ever wake the guest: say so once and wait for the
         * user, like a powered machine with a hung CPU. */
        pause();
        return;
    }
    int rc = poll(pfd, n, timeout_ms);
    if (rc <= 0) {
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        if (kind[i] == 0) {
            handle_signal(m);
        } else if (kind[i] == 1) {
            chardev_poll_ready(who[i]);
        } else {
            typeof(&m->fds[0]) w = who[i];
            w->handler(w->opaque);
        }
    }
}

static int ns_to_ms_ceil(int64_t ns)
{
    if (ns <= 0) {
        return 0;
    }
    int64_t ms = (ns + 999999) / 1000000;
    return ms > 1000 ? 1000 : (int)ms;
}

int machine_run(Machine *m)
{
    setup_signals(m);
    bool deterministic = clock_source(m->clock) != CLOCK_HOST;
    while (!m->exit_requested) {
        if (m->reset_requested) {
            m->reset_requested = false;
            machine_reset(m, RESET_WARM);
        }
        if (m->shutdown_requested) {
            m->shutdown_requested = false;
            if (!m->cfg->no_shutdown) {
                m->exit_requested = true;
                m->exit_status = 0;
                break;
            }
            m->paused = true;
            clock_pause(m->clock);
            log_info(&m->log, "guest powered off; paused (-no-shutdown)");
        }

        AccelRunResult r = ACCEL_IDLE;
        if (!m->paused) {
            int64_t now = clock_now(m->clock);
            int64_t deadline = clock_next_deadline(m->clock);
            if (deadline > now + MACHINE_SLICE_NS) {
                deadline = now + MACHINE_SLICE_NS;
            }
            r = m->accel->run(m, deadline);
            /* A timer that fires now may wake a halted vCPU: then it is
             * not idle any more, and the loop must not sleep. */
            if (clock_run_expired(m->clock) > 0 && r == ACCEL_IDLE) {
                r = ACCEL_RAN;
            }
        }
        if (m->exit_requested || m->reset_requested ||
            m->shutdown_requested) {
            /* Still read signals: a guest in a reset loop must not make
             * pcvm deaf to SIGTERM. */
            poll_host(m, 0);
            continue;
        }

        int timeout = 0;
        if (r == ACCEL_IDLE) {
            int64_t deadline = clock_next_deadline(m->clock);
            if (m->paused || deadline == CLOCK_NEVER) {
                timeout = -1;
            } else if (deterministic) {
                /* Idle vCPUs in virtual time: jump to the next event. */
                poll_host(m, 0);
                clock_warp_to(m->clock, deadline);
                clock_run_expired(m->clock);
                continue;
            } else {
                timeout = ns_to_ms_ceil(deadline - clock_now(m->clock));
            }
        }
        poll_host(m, timeout);
        if (!deterministic) {
            clock_run_expired(m->clock);
        }
    }
    return m->exit_status;
}
