/*
 * What a legacy ISA device needs from the board to exist.
 *
 * Promise: a device constructor takes an IsaEnv and uses only these: the
 * port bus to register its ranges (it then sees offsets), the virtual clock
 * for its timers, the device list for reset and snapshots, and the log.
 * The board fills one from its Machine; device tests build one from a bare
 * IoBus and a CLOCK_MANUAL clock, with no CPU and no Machine.
 */
#ifndef PCVM_HW_ISA_ENV_H
#define PCVM_HW_ISA_ENV_H

#include "core/clock.h"
#include "core/device.h"
#include "core/ioport.h"
#include "core/log.h"

typedef struct IsaEnv {
    IoBus *io;
    Clock *clock;
    DeviceList *devices;
    Log *log;
} IsaEnv;

#endif
