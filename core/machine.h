/*
 * The machine: address space, port bus, clock, devices and vCPUs, and the
 * main loop that runs them.
 *
 * Promise: everything a VM owns hangs off its Machine; there is no other
 * mutable global state, so two machines can live in one process (the unit
 * tests build many). Devices ask for a reset, a shutdown or an exit through
 * machine_request_*(); the main loop acts on it at the next boundary, after
 * the current instruction. machine_run() returns pcvm's exit status.
 */
#ifndef PCVM_MACHINE_H
#define PCVM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/accel.h"
#include "core/chardev.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/ioport.h"
#include "core/log.h"
#include "core/memory.h"
#include "core/options.h"

#define MACHINE_MAX_CHARDEVS 16
#define MACHINE_MAX_FDS 16

/* Called from the main loop when an fd is readable. */
typedef void MachineFdHandler(void *opaque);

struct Machine {
    const MachineConfig *cfg;
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    DeviceList devices;

    const AccelOps *accel;
    void *accel_state;
    int ncpus;
    /* The vCPU whose memory access is being dispatched (the accelerator
     * sets it while a vCPU runs); per-CPU MMIO (the local APIC) reads it. */
    int current_cpu;

    void *board;                     /* the board's own state */
    void (*board_free)(Machine *m);
    /* Called by machine_reset() after the devices and vCPUs are reset:
     * a board without firmware puts the kernel and the boot CPU's state
     * back here (optional). */
    void (*board_reset)(Machine *m, ResetKind kind);

    Chardev *chardevs[MACHINE_MAX_CHARDEVS];
    int nchardevs;
    struct {
        int fd;
        MachineFdHandler *handler;
        void *opaque;
    } fds[MACHINE_MAX_FDS];
    int nfds;
    int signal_fd;                   /* SIGINT/SIGTERM/SIGHUP, or -1 */

    /* requests, acted on by the main loop */
    bool exit_requested;
    int exit_status;
    bool reset_requested;
    bool shutdown_requested;
    bool paused;                     /* -no-shutdown after power-off */
};
typedef struct Machine Machine;

/* Build the empty machine for @cfg: log, address space, port bus, clock.
 * Returns NULL with @err filled. */
Machine *machine_new(const MachineConfig *cfg, char *err, size_t errlen);
void machine_free(Machine *m);

/* Open a chardev owned by the machine (freed with it, polled for input).
 * CHR_NONE gives NULL without an error. */
Chardev *machine_open_chardev(Machine *m, const ChardevSpec *spec,
                              const char *what, char *err, size_t errlen);
/* Poll @fd for input from the main loop. */
void machine_watch_fd(Machine *m, int fd, MachineFdHandler *h, void *opaque);

/* Guest-visible events. */
void machine_request_exit(Machine *m, int status);
void machine_request_reset(Machine *m);    /* -no-reboot: exit 0 instead */
void machine_request_shutdown(Machine *m); /* -no-shutdown: pause */
/* A triple fault: reset, or with -no-reboot an exit. */
void machine_triple_fault(Machine *m, int cpu);

/* Reset every device and vCPU. */
void machine_reset(Machine *m, ResetKind kind);
/* Run until the guest or the user ends it; returns the exit status. */
int machine_run(Machine *m);

#endif
