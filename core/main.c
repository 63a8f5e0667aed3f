/* pcvm: parse the command line, build the machine, run it. */
#include <stdio.h>
#include <string.h>

#include "core/accel.h"
#include "core/machine.h"
#include "core/options.h"
#include "cpu/models.h"
#include "hw/pc/pc.h"

static bool wants_help(const MachineConfig *cfg)
{
    bool shown = false;
    if (cfg->cpu_model && !strcmp(cfg->cpu_model, "help")) {
        x86_cpu_model_list(stdout);
        shown = true;
    }
    if (cfg->machine_type && !strcmp(cfg->machine_type, "help")) {
        printf("Supported machines:\n  pc    Standard PC (i440FX + PIIX)\n");
        shown = true;
    }
    if (cfg->accel_help) {
        printf("Accelerators (-accel NAME[,PROP=VALUE...]):\n"
               "  tcg    the software CPU (interp=on: without the "
               "translation cache)\n"
               "  kvm    the host CPU through /dev/kvm "
               "(kernel-irqchip=off|split|on,\n"
               "         thread=single|multi)\n"
               "  auto   kvm when /dev/kvm passes the self-test, else tcg "
               "(the default)\n");
        if (kvm_accel_ops.help) {
            kvm_accel_ops.help(stdout);
        }
        shown = true;
    }
    for (int i = 0; i < cfg->ndevices; i++) {
        if (!strcmp(cfg->devices[i].driver, "help")) {
            pc_list_devices(stdout);
            shown = true;
        }
    }
    return shown;
}

/* -accel auto: KVM when it passes its self-test, else the software CPU;
 * @note gets the one line that says which and why (printed once the
 * machine is built, so an error stays the only line). NULL with @err
 * filled when nothing fits. */
static const AccelOps *choose_accel(Machine *m, char *note, size_t notelen,
                                    char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    bool cpu_host = cfg->cpu_model && strcspn(cfg->cpu_model, ",") == 4 &&
                    !strncmp(cfg->cpu_model, "host", 4);
    char why[400];

    note[0] = 0;
    switch (cfg->accel) {
    case ACCEL_KVM:
        if (cfg->icount) {
            snprintf(err, errlen, "-icount: not available with -accel kvm "
                                  "(the guest runs on the host CPU's own "
                                  "clock)");
            return NULL;
        }
        return &kvm_accel_ops;
    case ACCEL_TCG:
        if (cpu_host) {
            snprintf(err, errlen, "-cpu %s: only with -accel kvm (the "
                                  "software CPU has no host model)",
                     cfg->cpu_model);
            return NULL;
        }
        return &tcg_accel_ops;
    default:
        break;
    }
    if (kvm_accel_ops.probe(cfg, why, sizeof(why)) == 0) {
        snprintf(note, notelen, "accelerator: kvm (-accel auto: %s)", why);
        return &kvm_accel_ops;
    }
    if (cpu_host) {
        snprintf(err, errlen, "-cpu %s: needs KVM, which -accel auto did "
                              "not choose: %s", cfg->cpu_model, why);
        return NULL;
    }
    snprintf(note, notelen, "accelerator: tcg (-accel auto: %s)", why);
    return &tcg_accel_ops;
}

int main(int argc, char **argv)
{
    MachineConfig cfg;
    char err[512];

    options_init(&cfg);
    switch (options_parse(&cfg, argc, argv, err, sizeof(err))) {
    case OPTIONS_ERROR:
        fprintf(stderr, "pcvm: %s\n", err);
        options_free(&cfg);
        return 1;
    case OPTIONS_EXIT:
        options_free(&cfg);
        return 0;
    default:
        break;
    }
    if (wants_help(&cfg)) {
        options_free(&cfg);
        return 0;
    }

    /* Until pcvm has its window (SDL), the default display is the
     * terminal, as with -nographic: the serial console on stdio. */
    if (cfg.display == DISPLAY_DEFAULT) {
        cfg.nographic = true;
    }

    Machine *m = machine_new(&cfg, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "pcvm: %s\n", err);
        options_free(&cfg);
        return 1;
    }
    char note[600];
    m->accel = choose_accel(m, note, sizeof(note), err, sizeof(err));
    int rc = m->accel ? m->accel->init(m, err, sizeof(err)) : -1;
    if (rc && m->accel == &kvm_accel_ops && cfg.accel == ACCEL_AUTO) {
        /* KVM passed its self-test but would not start this machine. */
        snprintf(note, sizeof(note), "accelerator: tcg (-accel auto: %s)",
                 err);
        m->accel = &tcg_accel_ops;
        rc = m->accel->init(m, err, sizeof(err));
    }
    if (rc || pc_machine_init(m, err, sizeof(err))) {
        fprintf(stderr, "pcvm: %s\n", err);
        if (m->accel && m->accel->destroy == NULL) {
            m->accel = NULL;
        }
        machine_free(m);
        options_free(&cfg);
        return 1;
    }
    if (note[0]) {
        log_info(&m->log, "%s", note);
    }
    machine_reset(m, RESET_COLD);
    int status = machine_run(m);
    machine_free(m);
    options_free(&cfg);
    return status;
}
