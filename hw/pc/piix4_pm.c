/* The PIIX4 power-management function: see piix4_pm.h. */
#include "hw/pc/piix4_pm.h"

#include <stdlib.h>
#include <string.h>

#define TMR_BITS 24
#define TMR_CARRY_BIT (TMR_BITS - 1)
#define PM1_EVENTS (ACPI_BITMASK_TIMER_STATUS |                              \
                    ACPI_BITMASK_GLOBAL_LOCK_STATUS |                        \
                    ACPI_BITMASK_POWER_BUTTON_STATUS |                       \
                    ACPI_BITMASK_RT_CLOCK_STATUS)
#define PM1_STS_BITS (PM1_EVENTS | 0x0010 | ACPI_BITMASK_WAKE_STATUS)
#define PM1_CNT_BITS 0x1c07 /* SCI_EN, BM_RLD, GBL_RLS, SLP_TYP */
#define SLP_TYP_SHIFT 10
#define SLP_TYP_S5 0

#define SMB_IO_SIZE 16
#define SMB_HST_STS 0
#define SMB_HST_CNT 2
#define SMB_START 0x40
#define SMB_STS_DEV_ERR 0x04
#define SMB_STS_INTR 0x02
#define SMB_STS_BUSY 0x01

/* Migratable registers; the I/O block addresses live in config space. */
typedef struct Piix4PmState {
    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint16_t gpe_sts;
    uint16_t gpe_en;
    uint8_t apm_cnt;
    uint8_t apm_sts;
    uint8_t smb[SMB_IO_SIZE];
} Piix4PmState;

/* A block of ports the guest moves and switches (PM, SMBus). */
typedef struct MovableIo {
    IoRegion *r;
    uint32_t base; /* where it is claimed, or 0 */
    const char *name;
    uint32_t len;
    const MemOps *ops;
} MovableIo;

struct Piix4Pm {
    Machine *m;
    PciDevice *pci;
    IrqLine sci;
    Timer tmr_carry;
    MovableIo pm_io;
    MovableIo smb_io;
    unsigned guest_errors;
    Piix4PmState st;
};

PciDevice *piix4_pm_pci(Piix4Pm *s) { return s->pci; }

/* --- the timer --- */

static uint64_t pm_ticks(Piix4Pm *s, int64_t ns)
{
    return (uint64_t)((unsigned __int128)(uint64_t)ns * PIIX4_PM_TIMER_HZ /
                      NS_PER_SEC);
}

uint32_t piix4_pm_timer(Piix4Pm *s)
{
    return pm_ticks(s, clock_now(s->m->clock)) & ((1u << TMR_BITS) - 1);
}

static void pm_update_sci(Piix4Pm *s)
{
    bool level = (s->st.pm1_cnt & ACPI_BITMASK_SCI_ENABLE) &&
                 ((s->st.pm1_sts & s->st.pm1_en & PM1_EVENTS) ||
                  (s->st.gpe_sts & s->st.gpe_en));
    irq_set(s->sci, level);
}

/* Arm the timer for the next toggle of the carry bit. */
static void pm_arm_carry(Piix4Pm *s)
{
    uint64_t t = pm_ticks(s, clock_now(s->m->clock));
    uint64_t next = ((t >> TMR_CARRY_BIT) + 1) << TMR_CARRY_BIT;
    unsigned __int128 ns = (unsigned __int128)next * NS_PER_SEC;
    int64_t when = (int64_t)((ns + PIIX4_PM_TIMER_HZ - 1) /
                             PIIX4_PM_TIMER_HZ);
    timer_mod(&s->tmr_carry, when);
}

static void pm_carry_cb(void *opaque)
{
    Piix4Pm *s = opaque;
    s->st.pm1_sts |= ACPI_BITMASK_TIMER_STATUS;
    pm_update_sci(s);
    pm_arm_carry(s);
}

/* --- PM registers --- */

static uint8_t pm_read_byte(Piix4Pm *s, unsigned off)
{
    uint32_t tmr;
    switch (off) {
    case ACPI_PM1_STS: case ACPI_PM1_STS + 1:
        return s->st.pm1_sts >> (8 * (off & 1));
    case ACPI_PM1_EN: case ACPI_PM1_EN + 1:
        return s->st.pm1_en >> (8 * (off & 1));
    case ACPI_PM1_CNT: case ACPI_PM1_CNT + 1:
        return s->st.pm1_cnt >> (8 * (off & 1));
    case ACPI_PM_TMR: case ACPI_PM_TMR + 1: case ACPI_PM_TMR + 2:
    case ACPI_PM_TMR + 3:
        tmr = piix4_pm_timer(s);
        return tmr >> (8 * (off - ACPI_PM_TMR));
    case ACPI_GPE0_STS: case ACPI_GPE0_STS + 1:
        return s->st.gpe_sts >> (8 * (off & 1));
    case ACPI_GPE0_EN: case ACPI_GPE0_EN + 1:
        return s->st.gpe_en >> (8 * (off & 1));
    default:
        return 0;
    }
}

static void pm_sleep(Piix4Pm *s, unsigned typ)
{
    if (typ == SLP_TYP_S5) {
        TRACE(&s->m->log, LOG_RESET, "piix4-pm: S5 soft-off");
        machine_request_shutdown(s->m);
        return;
    }
    log_guest(&s->m->log, LOG_UNIMP, &s->guest_errors,
              "piix4-pm: sleep type %u is not supported", typ);
}

static void pm_write_byte(Piix4Pm *s, unsigned off, uint8_t v)
{
    unsigned shift = 8 * (off & 1);
    uint16_t wide = (uint16_t)v << shift;
    uint16_t lane = (uint16_t)(0xff << shift);
    switch (off) {
    case ACPI_PM1_STS: case ACPI_PM1_STS + 1:
        s->st.pm1_sts &= ~(wide & PM1_STS_BITS);
        break;
    case ACPI_PM1_EN: case ACPI_PM1_EN + 1:
        s->st.pm1_en = (s->st.pm1_en & ~lane) | (wide & lane & PM1_EVENTS);
        break;
    case ACPI_PM1_CNT: case ACPI_PM1_CNT + 1:
        s->st.pm1_cnt = (s->st.pm1_cnt & ~(lane & PM1_CNT_BITS)) |
                        (wide & lane & PM1_CNT_BITS);
        if (wide & ACPI_BITMASK_SLEEP_ENABLE) {
            pm_sleep(s, (s->st.pm1_cnt >> SLP_TYP_SHIFT) & 7);
        }
        break;
    case ACPI_GPE0_STS: case ACPI_GPE0_STS + 1:
        s->st.gpe_sts &= ~wide;
        break;
    case ACPI_GPE0_EN: case ACPI_GPE0_EN + 1:
        s->st.gpe_en = (s->st.gpe_en & ~lane) | (wide & lane);
        break;
    default:
        break;
    }
}

static uint64_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix4Pm *s = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)pm_read_byte(s, offset + i) << (8 * i);
    }
    return v;
}

static void pm_io_write(void *opaque, uint64_t offset, uint64_t value,
                        unsigned size)
{
    Piix4Pm *s = opaque;
    for (unsigned i = 0; i < size; i++) {
        pm_write_byte(s, offset + i, value >> (8 * i));
    }
    pm_update_sci(s);
}

static const MemOps pm_io_ops = {
    .read = pm_io_read,
    .write = pm_io_write,
    .min_size = 1,
    .max_size = 4,
};

/* --- SMBus host: no devices behind it --- */

static uint64_t smb_io_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix4Pm *s = opaque;
    return s->st.smb[offset];
}

static void smb_io_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    Piix4Pm *s = opaque;
    if (offset == SMB_HST_STS) {
        s->st.smb[SMB_HST_STS] &= ~value;
        return;
    }
    s->st.smb[offset] = value;
    if (offset == SMB_HST_CNT && (value & SMB_START)) {
        s->st.smb[SMB_HST_CNT] &= ~SMB_START;
        s->st.smb[SMB_HST_STS] = (s->st.smb[SMB_HST_STS] & ~SMB_STS_BUSY) |
                                 SMB_STS_DEV_ERR;
    }
}

static const MemOps smb_io_ops = {
    .read = smb_io_read,
    .write = smb_io_write,
    .min_size = 1,
    .max_size = 1,
};

/* --- APM --- */

static uint64_t apm_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix4Pm *s = opaque;
    return offset == 0 ? s->st.apm_cnt : s->st.apm_sts;
}

static void apm_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    Piix4Pm *s = opaque;
    if (offset == 1) {
        s->st.apm_sts = value;
        return;
    }
    s->st.apm_cnt = value;
    if (value == ACPI_ENABLE_VALUE) {
        s->st.pm1_cnt |= ACPI_BITMASK_SCI_ENABLE;
    } else if (value == ACPI_DISABLE_VALUE) {
        s->st.pm1_cnt &= ~ACPI_BITMASK_SCI_ENABLE;
    }
    pm_update_sci(s);
}

static const MemOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .min_size = 1,
    .max_size = 1,
};

/* --- config space --- */

/* Claim @base (0: release) for a movable block, if the ports are free. */
static void movable_io_set(Piix4Pm *s, MovableIo *io, uint32_t base)
{
    IoBus *bus = s->m->io;
    if (base + io->len > IOPORT_COUNT) {
        base = 0;
    }
    if (base == io->base) {
        return;
    }
    if (io->r) {
        iobus_unregister(bus, io->r);
        io->r = NULL;
        io->base = 0;
    }
    if (!base) {
        return;
    }
    for (uint32_t p = base; p < base + io->len; p++) {
        if (iobus_owner(bus, (uint16_t)p)) {
            log_guest(&s->m->log, LOG_GUEST_ERROR, &s->guest_errors,
                      "piix4-pm: %s at %#x overlaps other ports", io->name,
                      base);
            return;
        }
    }
    io->r = iobus_register(bus, io->name, (uint16_t)base, io->len, io->ops,
                           s);
    io->base = io->r ? base : 0;
}

static void pm_update_io(Piix4Pm *s)
{
    const uint8_t *c = pci_config(s->pci);
    uint32_t pmba = pci_get_long(c + PIIX4_PMBA) & 0xffc0;
    uint32_t smbba = pci_get_long(c + PIIX4_SMBBA) & 0xfff0;
    movable_io_set(s, &s->pm_io, (c[PIIX4_PMREGMISC] & 1) ? pmba : 0);
    movable_io_set(s, &s->smb_io, (c[PIIX4_SMBHSTCFG] & 1) ? smbba : 0);
}

static void pm_config_write(void *opaque, PciDevice *d, uint32_t addr,
                            uint32_t value, unsigned size)
{
    pm_update_io(opaque);
}

static void pm_refresh(void *opaque, PciDevice *d)
{
    pm_update_io(opaque);
}

static const PciDeviceOps pm_pci_ops = {
    .config_write = pm_config_write,
    .refresh = pm_refresh,
};

/* --- device --- */

static void pm_reset(void *opaque, ResetKind kind)
{
    Piix4Pm *s = opaque;
    memset(&s->st, 0, sizeof(s->st));
    pm_update_sci(s);
    pm_arm_carry(s);
}

static int pm_post_load(void *opaque)
{
    Piix4Pm *s = opaque;
    s->st.pm1_sts &= PM1_STS_BITS;
    s->st.pm1_en &= PM1_EVENTS;
    s->st.pm1_cnt &= PM1_CNT_BITS;
    pm_update_sci(s);
    pm_arm_carry(s);
    return 0;
}

static void pm_destroy(void *opaque)
{
    Piix4Pm *s = opaque;
    timer_del(&s->tmr_carry);
    free(s);
}

static const SnapField pm_fields[] = {
    SNAP_FIELD(Piix4PmState, pm1_sts),
    SNAP_FIELD(Piix4PmState, pm1_en),
    SNAP_FIELD(Piix4PmState, pm1_cnt),
    SNAP_FIELD(Piix4PmState, gpe_sts),
    SNAP_FIELD(Piix4PmState, gpe_en),
    SNAP_FIELD(Piix4PmState, apm_cnt),
    SNAP_FIELD(Piix4PmState, apm_sts),
    SNAP_BYTES(Piix4PmState, smb),
    SNAP_END,
};

static const DeviceInfo pm_info = {
    .name = "piix4-pm",
    .version = 1,
    .fields = pm_fields,
    .reset = pm_reset,
    .post_load = pm_post_load,
    .destroy = pm_destroy,
};

void piix4_pm_power_button(Piix4Pm *s)
{
    s->st.pm1_sts |= ACPI_BITMASK_POWER_BUTTON_STATUS;
    pm_update_sci(s);
}

void piix4_pm_gpe(Piix4Pm *s, int bit)
{
    if (bit >= 0 && bit < 16) {
        s->st.gpe_sts |= 1u << bit;
        pm_update_sci(s);
    }
}

Piix4Pm *piix4_pm_new(Machine *m, PciBus *bus, int devfn, IrqLine sci)
{
    Piix4Pm *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->m = m;
    s->sci = sci;
    s->pm_io = (MovableIo){NULL, 0, "piix4-pm", PIIX4_PM_IO_SIZE,
                           &pm_io_ops};
    s->smb_io = (MovableIo){NULL, 0, "piix4-smbus", SMB_IO_SIZE,
                            &smb_io_ops};
    timer_init(&s->tmr_carry, m->clock, pm_carry_cb, s, "pm-timer");
    s->pci = pci_register(bus, devfn, "piix4-pm", &pm_pci_ops, s);
    if (!s->pci) {
        free(s);
        return NULL;
    }
    device_register(&m->devices, &pm_info, s, &s->st);
    if (!iobus_register(m->io, "apm", APM_CNT_PORT, 2, &apm_ops, s)) {
        return NULL;
    }
    PciDevice *d = s->pci;
    uint8_t *c = pci_config(d);
    uint8_t *wm = pci_wmask(d);
    pci_set_ids(d, 0x8086, 0x7113, 0x03, 0x068000);
    pci_set_subsystem(d, 0x1af4, 0x1100);
    pci_set_intx_pin(d, 1);
    pci_set_word(c + PCI_STATUS, 0x0280);
    pci_set_long(c + PIIX4_PMBA, 1);
    pci_set_long(wm + PIIX4_PMBA, 0xffc0);
    pci_set_long(c + PIIX4_SMBBA, 1);
    pci_set_long(wm + PIIX4_SMBBA, 0xfff0);
    /* No SMM: tell firmware its SMI handler is already installed. */
    c[PIIX4_DEVACTB + 3] = 0x02;
    wm[PIIX4_DEVACTB + 3] &= ~0x02;
    pci_device_init_done(d);
    return s;
}
