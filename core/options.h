/*
 * The command line, in QEMU's words.
 *
 * Promise: options_parse() turns argv into a flat MachineConfig, checking
 * every value (sizes, numbers, names, key=value lists) and that every file
 * named exists. On an error it fills @err with one line that names the
 * option, and returns -1; nothing is printed here. It does not decide what
 * the machine can do: the board refuses what it does not build yet.
 */
#ifndef PCVM_OPTIONS_H
#define PCVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_SERIAL 4
#define MAX_DRIVES 16
#define MAX_NETDEVS 8
#define MAX_DEVICES 32
#define MAX_GLOBALS 32
#define MAX_DATADIRS 8
#define MAX_OPTION_ROMS 8
#define MAX_HOSTFWD 16
#define MAX_PROPS 16
#define MAX_SMP_CPUS 255

typedef enum ChardevKind {
    CHR_NONE,   /* no device at all */
    CHR_NULL,   /* a device that discards output, never has input */
    CHR_STDIO,
    CHR_FILE,
    CHR_TCP,
    CHR_VC,     /* the display's virtual console (the default with a window) */
} ChardevKind;

typedef struct ChardevSpec {
    ChardevKind kind;
    bool mux_monitor;   /* "mon:stdio": the monitor shares the device */
    char *path;         /* CHR_FILE */
    char *host;         /* CHR_TCP */
    int port;
    bool server;
    bool wait;          /* tcp server: wait for a client before starting */
} ChardevSpec;

typedef enum DriveInterface {
    DRIVE_IF_IDE,
    DRIVE_IF_FLOPPY,
    DRIVE_IF_AHCI,
    DRIVE_IF_NONE,
} DriveInterface;

typedef enum DriveMedia {
    DRIVE_MEDIA_DISK,
    DRIVE_MEDIA_CDROM,
} DriveMedia;

typedef struct DriveSpec {
    char *file;
    char *format;        /* "raw", "qcow2" or NULL (probe) */
    char *id;
    DriveInterface iface;
    DriveMedia media;
    int index;           /* -1: next free */
    bool snapshot;
    bool readonly;
    const char *option;  /* which option made it (-hda, -drive, ...) */
} DriveSpec;

typedef struct NetdevSpec {
    char *id;
    char *type;          /* "user" */
    char *hostfwd[MAX_HOSTFWD];
    int nhostfwd;
    bool restrict_net;   /* restrict=on: no outbound access */
    char *net;           /* guest network, e.g. 10.0.2.0/24 */
} NetdevSpec;

typedef struct KeyVal {
    char *key;
    char *value;
} KeyVal;

typedef struct DeviceSpec {
    char *driver;
    KeyVal props[MAX_PROPS];
    int nprops;
} DeviceSpec;

typedef struct GlobalSpec {
    char *driver;
    char *prop;
    char *value;
} GlobalSpec;

typedef enum AccelKind {
    ACCEL_AUTO,
    ACCEL_TCG,
    ACCEL_KVM,
} AccelKind;

/* -accel kvm,kernel-irqchip=... (-machine kernel_irqchip=...) */
typedef enum KernelIrqchip {
    KERNEL_IRQCHIP_DEFAULT,
    KERNEL_IRQCHIP_OFF,             /* PIC (and APICs) in pcvm's devices */
    KERNEL_IRQCHIP_SPLIT,           /* LAPIC in the kernel, the rest ours */
    KERNEL_IRQCHIP_ON,              /* PIC, IOAPIC, PIT and LAPIC in KVM */
} KernelIrqchip;

/* -accel kvm,thread=... */
typedef enum AccelThreads {
    ACCEL_THREADS_DEFAULT,
    ACCEL_THREADS_SINGLE,           /* vCPUs take turns in the main thread */
    ACCEL_THREADS_MULTI,            /* one host thread per vCPU */
} AccelThreads;

typedef enum DisplayKind {
    DISPLAY_DEFAULT,     /* SDL when built and a display is there */
    DISPLAY_SDL,
    DISPLAY_NONE,
} DisplayKind;

typedef struct MachineConfig {
    uint64_t ram_size;
    int smp_cpus;
    char *cpu_model;
    char *machine_type;
    char *bios;                     /* path, or NULL for the default */
    char *datadirs[MAX_DATADIRS];   /* -L */
    int ndatadirs;
    char *kernel;
    char *initrd;
    char *append;
    char *option_roms[MAX_OPTION_ROMS];
    int noption_roms;

    DriveSpec drives[MAX_DRIVES];
    int ndrives;
    char *boot_order;               /* "cdn"; NULL: firmware default */
    char *boot_once;
    bool boot_menu;
    int boot_splash_time;
    bool boot_strict;
    bool snapshot;

    bool nographic;
    DisplayKind display;
    ChardevSpec serial[MAX_SERIAL];
    int nserial;                    /* -serial given this many times */
    ChardevSpec monitor;
    bool monitor_set;
    ChardevSpec debugcon;
    bool debugcon_set;

    AccelKind accel;
    bool accel_interp;              /* -accel tcg,interp=on */
    uint64_t accel_tb_size;         /* tcg,tb-size= in bytes; 0: default */
    bool accel_set;
    bool accel_help;                /* -accel help */
    KernelIrqchip kernel_irqchip;
    AccelThreads accel_threads;

    NetdevSpec netdevs[MAX_NETDEVS];
    int nnetdevs;
    DeviceSpec devices[MAX_DEVICES]; /* -device, and -nic's NIC */
    int ndevices;
    bool nic_none;                   /* -nic none / -net none */
    GlobalSpec globals[MAX_GLOBALS];
    int nglobals;

    uint64_t log_mask;
    char *logfile;
    bool icount;
    int icount_shift;
    bool no_reboot;
    bool no_shutdown;
    char *name;
    char *rtc_base;                 /* "utc", "localtime" or a date */
} MachineConfig;

typedef enum OptionsResult {
    OPTIONS_OK = 0,
    OPTIONS_EXIT = 1,   /* -help / -version done: exit 0 */
    OPTIONS_ERROR = -1,
} OptionsResult;

void options_init(MachineConfig *cfg);
OptionsResult options_parse(MachineConfig *cfg, int argc, char **argv,
                            char *err, size_t errlen);
void options_free(MachineConfig *cfg);

/* Helpers shared with the device code that reads -device/-global props. */
/* Parse "512", "512M", "2G", "64k" (default unit @default_shift bits, 20 for
 * MiB). Returns 0 or -1. */
int parse_size(const char *s, int default_shift, uint64_t *out);
/* Parse a decimal or 0x-hex unsigned number. */
int parse_uint(const char *s, uint64_t *out);
/* Parse "on|off|yes|no|true|false". */
int parse_bool(const char *s, bool *out);
/* Parse a chardev spec ("stdio", "file:F", "tcp:HOST:PORT,server,nowait",
 * "null", "none", "mon:stdio", "vc"). */
int parse_chardev(const char *s, ChardevSpec *out, char *err, size_t errlen);
/* Look up a -device property; NULL if absent. */
const char *device_prop(const DeviceSpec *d, const char *key);
/* Look up a -global DRIVER.PROP; NULL if absent. */
const char *config_global(const MachineConfig *cfg, const char *driver,
                          const char *prop);

void options_print_help(void);

#endif
