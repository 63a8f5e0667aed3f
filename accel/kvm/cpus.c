/*
 * How KVM vCPUs share the host's threads, and how the main loop keeps its
 * deadlines while they run.
 *
 * thread=single (the default for one CPU): run() itself calls KVM_RUN,
 * vCPUs taking turns, with a POSIX timer aimed at this thread that sends
 * KVM_KICK_SIGNAL at the deadline. The signal is blocked everywhere but
 * inside KVM_RUN (KVM_SET_SIGNAL_MASK), so it either interrupts KVM_RUN or
 * waits, pending, to make the next one return at once: a guest that never
 * exits cannot hold the main loop past its deadline.
 *
 * thread=multi (the default for -smp > 1): one host thread per vCPU, which
 * takes the machine lock for everything but KVM_RUN. The main thread holds
 * the lock except while it sleeps in run() until the deadline; timers,
 * devices and the UI run there as with the software CPU. A pin raised for
 * a vCPU in KVM_RUN kicks it with the signal; a halted vCPU waits on its
 * condition variable; run() answers ACCEL_IDLE when every vCPU waits.
 * kvm_cpus_pause() gathers every vCPU (settled, no half-done I/O) for a
 * reset, a dump or the end.
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void kick_handler(int sig)
{
    (void)sig;   /* only there to make KVM_RUN return -EINTR */
}

void kvm_signals_init(sigset_t *run_mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(KVM_KICK_SIGNAL, &sa, NULL);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, KVM_KICK_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &block, NULL);

    /* Inside KVM_RUN only the kick gets through; everything else waits
     * for the thread's own mask (the main loop's signalfd). */
    sigfillset(run_mask);
    sigdelset(run_mask, KVM_KICK_SIGNAL);
}

int kvm_timer_create(timer_t *t)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = KVM_KICK_SIGNAL;
#ifdef sigev_notify_thread_id
    sev.sigev_notify_thread_id = gettid();
#else
    sev._sigev_un._tid = gettid();
#endif
    return timer_create(CLOCK_MONOTONIC, &sev, t) < 0 ? -errno : 0;
}

void kvm_timer_arm(timer_t t, int64_t ns)
{
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    if (ns > 0) {
        its.it_value.tv_sec = ns / NS_PER_SEC;
        its.it_value.tv_nsec = ns % NS_PER_SEC;
    }
    timer_settime(t, 0, &its, NULL);
}

/* --- thread=single --- */

static AccelRunResult single_run(KvmState *s, int64_t deadline)
{
    Machine *m = s->m;
    AccelRunResult result = ACCEL_RAN;
    int64_t left = deadline - clock_now(m->clock);
    if (left <= 0) {
        return ACCEL_RAN;
    }
    if (!s->have_timer) {
        if (kvm_timer_create(&s->timer)) {
            log_error(&m->log, "kvm: cannot create the deadline timer: %s",
                      strerror(errno));
            machine_request_exit(m, KVM_EXIT_STATUS_ERROR);
            return ACCEL_EVENT;
        }
        s->have_timer = true;
    }
    kvm_timer_arm(s->timer, left);
    for (;;) {
        if (kvm_machine_wants_attention(m)) {
            result = ACCEL_EVENT;
            break;
        }
        if (clock_now(m->clock) >= deadline) {
            result = ACCEL_RAN;
            break;
        }
        KvmVcpu *v = NULL;
        for (int n = 0; n < s->ncpus; n++) {
            KvmVcpu *c = &s->vcpus[(s->next + n) % s->ncpus];
            if (kvm_vcpu_runnable(c)) {
                v = c;
                break;
            }
        }
        if (!v) {
            result = ACCEL_IDLE;
            break;
        }
        s->next = (v->index + 1) % s->ncpus;
        kvm_vcpu_pre_run(v);
        int rc = kvm_vcpu_enter(v);
        if (kvm_vcpu_handle_exit(v, rc) == KVM_RUN_EVENT) {
            result = ACCEL_EVENT;
            break;
        }
        /* The exit may have armed a device timer before the deadline. */
        int64_t next = clock_next_deadline(m->clock);
        if (next < deadline) {
            deadline = next;
            kvm_timer_arm(s->timer, deadline - clock_now(m->clock));
        }
    }
    kvm_timer_arm(s->timer, 0);
    kvm_drain_kick_signal();
    return result;
}

/* --- thread=multi --- */

static bool machine_stopped(const Machine *m)
{
    return kvm_machine_wants_attention(m) || m->paused;
}

static void *vcpu_thread(void *opaque)
{
    KvmVcpu *v = opaque;
    KvmState *s = v->s;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);

    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        if (s->pause_count > 0 || machine_stopped(s->m) ||
            !kvm_vcpu_runnable(v)) {
            kvm_vcpu_settle(v);
            v->parked = true;
            pthread_cond_broadcast(&s->main_cond);
            pthread_cond_wait(&v->cond, &s->lock);
            continue;
        }
        kvm_vcpu_pre_run(v);
        v->in_kvm_run = true;
        pthread_mutex_unlock(&s->lock);
        int rc = kvm_vcpu_enter(v);
        pthread_mutex_lock(&s->lock);
        v->in_kvm_run = false;
        KvmRunResult r = kvm_vcpu_handle_exit(v, rc);
        /* Wake run() for a machine event, an idle vCPU, or a device timer
         * the exit armed before the deadline it sleeps towards. */
        if (r == KVM_RUN_EVENT || r == KVM_RUN_HALTED ||
            clock_next_deadline(s->m->clock) < s->main_deadline) {
            pthread_cond_broadcast(&s->main_cond);
        }
    }
    kvm_vcpu_settle(v);
    v->parked = true;
    pthread_cond_broadcast(&s->main_cond);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static int start_threads(KvmState *s)
{
    for (int i = 0; i < s->ncpus; i++) {
        KvmVcpu *v = &s->vcpus[i];
        if (v->thread_started) {
            continue;
        }
        int e = pthread_create(&v->thread, NULL, vcpu_thread, v);
        if (e) {
            log_error(&s->m->log, "kvm: cannot start vCPU %d's thread: %s",
                      i, strerror(e));
            return -1;
        }
        v->thread_started = true;
    }
    return 0;
}

static struct timespec host_deadline(KvmState *s, int64_t deadline)
{
    int64_t left = deadline - clock_now(s->m->clock);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (left < 0) {
        left = 0;
    }
    int64_t ns = (int64_t)ts.tv_nsec + left % NS_PER_SEC;
    ts.tv_sec += (time_t)(left / NS_PER_SEC + ns / NS_PER_SEC);
    ts.tv_nsec = (long)(ns % NS_PER_SEC);
    return ts;
}

/* Every vCPU thread but @except waits (parked, or @pausing too: inside
 * kvm_cpus_pause() itself, stopped but not idle). */
static bool all_parked(KvmState *s, const KvmVcpu *except, bool pausing)
{
    for (int i = 0; i < s->ncpus; i++) {
        const KvmVcpu *v = &s->vcpus[i];
        if (v != except && v->thread_started && !v->parked &&
            !(pausing && v->in_pause)) {
            return false;
        }
    }
    return true;
}

static AccelRunResult multi_run(KvmState *s, int64_t deadline)
{
    Machine *m = s->m;
    if (start_threads(s)) {
        machine_request_exit(m, KVM_EXIT_STATUS_ERROR);
        return ACCEL_EVENT;
    }
    s->attention = false;
    for (int i = 0; i < s->ncpus; i++) {
        kvm_cpus_wake(s, &s->vcpus[i]);
    }
    AccelRunResult result;
    for (;;) {
        if (kvm_machine_wants_attention(m) || s->attention) {
            result = ACCEL_EVENT;
            break;
        }
        if (all_parked(s, NULL, false)) {
            result = ACCEL_IDLE;
            break;
        }
        int64_t next = clock_next_deadline(m->clock);
        if (next < deadline) {
            deadline = next;
        }
        if (clock_now(m->clock) >= deadline) {
            result = ACCEL_RAN;
            break;
        }
        struct timespec until = host_deadline(s, deadline);
        s->main_deadline = deadline;
        s->locked_by_main = false;
        int e = pthread_cond_timedwait(&s->main_cond, &s->lock, &until);
        s->locked_by_main = true;
        if (e == ETIMEDOUT) {
            result = ACCEL_RAN;
            break;
        }
    }
    s->main_deadline = INT64_MIN;
    return result;
}

KvmVcpu *kvm_cpus_self(KvmState *s)
{
    if (!s->threaded) {
        return NULL;
    }
    pthread_t me = pthread_self();
    for (int i = 0; i < s->ncpus; i++) {
        KvmVcpu *v = &s->vcpus[i];
        if (v->thread_started && pthread_equal(v->thread, me)) {
            return v;
        }
    }
    return NULL;
}

void kvm_cpus_wake(KvmState *s, KvmVcpu *v)
{
    if (!s->threaded) {
        return;   /* run() looks at every vCPU before each KVM_RUN */
    }
    if (v->parked) {
        v->parked = false;
        pthread_cond_signal(&v->cond);
    } else if (v->in_kvm_run) {
        pthread_kill(v->thread, KVM_KICK_SIGNAL);
    }
}

void kvm_cpus_kick_all(KvmState *s)
{
    if (!s->threaded) {
        return;
    }
    s->attention = true;
    pthread_cond_broadcast(&s->main_cond);
    for (int i = 0; i < s->ncpus; i++) {
        KvmVcpu *v = &s->vcpus[i];
        if (v->in_kvm_run) {
            pthread_kill(v->thread, KVM_KICK_SIGNAL);
        }
    }
}

void kvm_cpus_pause(KvmState *s)
{
    if (!s->threaded) {
        return;
    }
    KvmVcpu *self = kvm_cpus_self(s);
    s->pause_count++;
    for (int i = 0; i < s->ncpus; i++) {
        KvmVcpu *v = &s->vcpus[i];
        if (v != self && v->in_kvm_run) {
            pthread_kill(v->thread, KVM_KICK_SIGNAL);
        }
    }
    if (self) {
        /* Another vCPU may be pausing too: count as stopped meanwhile. */
        kvm_vcpu_settle(self);
        self->in_pause = true;
    }
    while (!all_parked(s, self, true)) {
        pthread_cond_wait(&s->main_cond, &s->lock);
    }
    if (self) {
        self->in_pause = false;
    }
}

void kvm_cpus_resume(KvmState *s)
{
    if (!s->threaded) {
        return;
    }
    if (--s->pause_count == 0) {
        for (int i = 0; i < s->ncpus; i++) {
            if (&s->vcpus[i] != kvm_cpus_self(s)) {
                kvm_cpus_wake(s, &s->vcpus[i]);
            }
        }
    }
}

/* run() waits for a host-clock deadline. */
static int cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t a;
    if (pthread_condattr_init(&a)) {
        return -1;
    }
    int e = pthread_condattr_setclock(&a, CLOCK_MONOTONIC) ||
            pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return e ? -1 : 0;
}

int kvm_cpus_init(KvmState *s, char *err, size_t errlen)
{
    if (pthread_mutex_init(&s->lock, NULL) ||
        cond_init_monotonic(&s->main_cond)) {
        snprintf(err, errlen, "cannot create the machine lock");
        return -1;
    }
    s->lock_ready = true;
    if (s->threaded) {
        /* The main thread owns the machine but while it waits in run(). */
        pthread_mutex_lock(&s->lock);
        s->locked_by_main = true;
    }
    return 0;
}

void kvm_cpus_destroy(KvmState *s)
{
    if (!s->lock_ready) {
        return;
    }
    if (s->threaded) {
        s->stop = true;
        for (int i = 0; i < s->ncpus; i++) {
            KvmVcpu *v = &s->vcpus[i];
            pthread_cond_signal(&v->cond);
            if (v->in_kvm_run) {
                pthread_kill(v->thread, KVM_KICK_SIGNAL);
            }
        }
        if (s->locked_by_main) {
            pthread_mutex_unlock(&s->lock);
            s->locked_by_main = false;
        }
        for (int i = 0; i < s->ncpus; i++) {
            if (s->vcpus[i].thread_started) {
                pthread_join(s->vcpus[i].thread, NULL);
                s->vcpus[i].thread_started = false;
            }
        }
    }
    if (s->have_timer) {
        timer_delete(s->timer);
        s->have_timer = false;
    }
    pthread_cond_destroy(&s->main_cond);
    pthread_mutex_destroy(&s->lock);
    s->lock_ready = false;
}

AccelRunResult kvm_cpus_run(KvmState *s, int64_t deadline)
{
    return s->threaded ? multi_run(s, deadline) : single_run(s, deadline);
}
