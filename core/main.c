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
    for (int i = 0; i < cfg->ndevices; i++) {
        if (!strcmp(cfg->devices[i].driver, "help")) {
            pc_list_devices(stdout);
            shown = true;
        }
    }
    return shown;
}

static const AccelOps *choose_accel(const MachineConfig *cfg)
{
    switch (cfg->accel) {
    case ACCEL_KVM: return &kvm_accel_ops;
    case ACCEL_TCG: return &tcg_accel_ops;
    default:
        /* auto: KVM once it is built (M6), else the software CPU. */
        return &tcg_accel_ops;
    }
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
    m->accel = choose_accel(&cfg);
    if (m->accel->init(m, err, sizeof(err)) ||
        pc_machine_init(m, err, sizeof(err))) {
        fprintf(stderr, "pcvm: %s\n", err);
        if (m->accel->destroy == NULL) {
            m->accel = NULL;
        }
        machine_free(m);
        options_free(&cfg);
        return 1;
    }
    machine_reset(m, RESET_COLD);
    int status = machine_run(m);
    machine_free(m);
    options_free(&cfg);
    return status;
}
