/*
 * A PCI bus (bus 0, type-0 functions) and the device registration API.
 *
 * Promise: each function has a 256-byte configuration space with a
 * writable mask and a write-1-to-clear mask; guest writes change only the
 * writable bits. Bytes 0x40-0xff are writable unless the device narrows
 * them. BARs are sized the PCI way (writing all ones reads back the size
 * mask) and are mapped into the port bus or the address space only while
 * the command register enables that space and the BAR holds a usable
 * address; moving a BAR moves its region. The expansion ROM BAR works the
 * same with its enable bit. A device raises its INTx pin with
 * pci_set_irq(); the bus ORs the pins of all functions onto four PIRQ
 * outputs through the board's swizzle (PIIX: (slot + pin) & 3), honouring
 * the command register's interrupt-disable bit, and keeps the status
 * register's interrupt bit. All configuration bytes are migratable state
 * (one section for the whole bus); after a reset or a load the bus remaps
 * the BARs and calls each function's refresh hook so devices re-derive
 * what they keep outside config space (PAM, PIRQ routes, PM base).
 */
#ifndef PCVM_HW_PCI_H
#define PCVM_HW_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "core/machine.h"

#define PCI_CONFIG_SIZE 256
#define PCI_DEVFN_COUNT 256
#define PCI_DEVFN(slot, fn) (((slot) << 3) | (fn))
#define PCI_NUM_PIRQS 4

/* Configuration header offsets (type 0). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_HEADER_TYPE_MULTI 0x80

/* BAR kinds for registration. */
#define PCI_BAR_IO 0x01
#define PCI_BAR_MEM32 0x00
#define PCI_BAR_MEM64 0x04
#define PCI_BAR_PREFETCH 0x08
#define PCI_ROM_SLOT 6
#define PCI_NUM_BARS 7 /* six BARs and the expansion ROM */
#define PCI_BAR_UNMAPPED UINT64_MAX

/* Priority of memory BARs in the address space: above RAM and the ROM
 * windows, below the chipset's own MMIO (LAPIC, IOAPIC, HPET). */
#define PCI_BAR_PRIO 1

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

typedef struct PciDeviceOps {
    /* After the bus stored a guest write (masked); @addr/@size as the
     * guest wrote them (size 1, 2 or 4, within one dword). Optional. */
    void (*config_write)(void *opaque, PciDevice *d, uint32_t addr,
                         uint32_t value, unsigned size);
    /* Give the value of a read; @value is what config space holds.
     * Optional. */
    uint32_t (*config_read)(void *opaque, PciDevice *d, uint32_t addr,
                            uint32_t value, unsigned size);
    /* Config space was reset or loaded: re-derive state kept elsewhere.
     * Optional. */
    void (*refresh)(void *opaque, PciDevice *d);
} PciDeviceOps;

/* The board's INTx swizzle: PIRQ (0..3) for @pin (0 = INTA) of @devfn. */
typedef int PciMapIrq(void *opaque, int devfn, int pin);

PciBus *pci_bus_new(Machine *m);
/* Wire the PIRQ outputs and the swizzle. */
void pci_bus_set_irq_route(PciBus *bus, PciMapIrq *map, void *opaque,
                           const IrqLine pirq[PCI_NUM_PIRQS]);
/* The bus's own Device (reset, snapshot), registered by pci_bus_new. */

/* Configuration cycles (from the host bridge). A function that is not
 * there reads all ones and ignores writes. @addr + @size stays within one
 * dword. */
uint32_t pci_bus_config_read(PciBus *bus, uint8_t busnr, uint8_t devfn,
                             uint8_t addr, unsigned size);
void pci_bus_config_write(PciBus *bus, uint8_t busnr, uint8_t devfn,
                          uint8_t addr, uint32_t value, unsigned size);

/* Register a function at @devfn; NULL if taken. The caller fills the
 * header with the pci_set_* helpers and registers BARs; the values at the
 * first reset (or load) are the power-on values, so call
 * pci_device_init_done() when the device is complete. */
PciDevice *pci_register(PciBus *bus, int devfn, const char *name,
                        const PciDeviceOps *ops, void *opaque);
void pci_set_ids(PciDevice *d, uint16_t vendor, uint16_t device,
                 uint8_t revision, uint32_t class_code);
void pci_set_subsystem(PciDevice *d, uint16_t vendor, uint16_t id);
void pci_set_header_type(PciDevice *d, uint8_t type);
/* INTx pin: 1 = INTA ... 4 = INTD, 0 = none. */
void pci_set_intx_pin(PciDevice *d, uint8_t pin);
/* Remember the current config bytes as the power-on values. */
void pci_device_init_done(PciDevice *d);

/* BARs. The bus owns the regions; @n is 0..5 (a 64-bit BAR takes n and
 * n+1); @size a power of two (>= 16 for memory, >= 4 for I/O). */
int pci_register_bar_io(PciDevice *d, int n, uint32_t size,
                        const MemOps *ops, void *opaque);
int pci_register_bar_mem(PciDevice *d, int n, uint8_t kind, uint64_t size,
                         const MemOps *ops, void *opaque);
/* A memory BAR that shows an existing region (VRAM, a ROM). */
int pci_register_bar_alias(PciDevice *d, int n, uint8_t kind,
                           MemRegion *target);
/* The expansion ROM: @len bytes of @data in a ROM of the next power of
 * two (at least 2 KiB). */
int pci_register_rom(PciDevice *d, const void *data, uint64_t len);
/* Where BAR @n is mapped now, or PCI_BAR_UNMAPPED. */
uint64_t pci_bar_addr(PciDevice *d, int n);

/* Capabilities: link a @size-byte capability with @id at @offset (0x40 or
 * above, dword aligned) into the list; returns @offset or -1. The bytes
 * are read-only to the guest unless the device widens pci_wmask(). */
int pci_add_capability(PciDevice *d, uint8_t id, uint8_t offset,
                       uint8_t size);

/* Raw access for the device itself (no masks, no hooks). */
uint8_t *pci_config(PciDevice *d);
uint8_t *pci_wmask(PciDevice *d);
uint8_t *pci_w1cmask(PciDevice *d);
int pci_devfn(const PciDevice *d);
PciBus *pci_device_bus(PciDevice *d);
uint16_t pci_get_word(const uint8_t *p);
uint32_t pci_get_long(const uint8_t *p);
void pci_set_byte(uint8_t *p, uint8_t v);
void pci_set_word(uint8_t *p, uint16_t v);
void pci_set_long(uint8_t *p, uint32_t v);

/* INTx level of the device's pin. */
void pci_set_irq(PciDevice *d, int level);
/* May the device master the bus (DMA, MSI)? */
bool pci_bus_master_enabled(PciDevice *d);

#endif
