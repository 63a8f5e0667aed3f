/*
 * The I/O port bus: a 64 KiB address space of port ranges.
 *
 * Promise: devices register a range with the same MemOps as MMIO and see
 * offsets from the start of their range, in the sizes they declared (the bus
 * splits wider accesses and widens narrower ones, little endian; an access
 * that straddles two ranges is split per byte). Ranges never overlap: a
 * registration that would overlap is refused. Unclaimed reads return all
 * ones; unclaimed writes are dropped; both are traced under LOG_UNASSIGNED,
 * and every access under LOG_IOPORT.
 */
#ifndef PCVM_IOPORT_H
#define PCVM_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/log.h"
#include "core/memory.h"

#define IOPORT_COUNT 0x10000

typedef struct IoBus IoBus;
typedef struct IoRegion IoRegion;

IoBus *iobus_new(Log *log);
void iobus_free(IoBus *bus);

/* Returns NULL (and logs) when the range is bad or overlaps another. */
IoRegion *iobus_register(IoBus *bus, const char *name, uint16_t base,
                         uint32_t len, const MemOps *ops, void *opaque);
void iobus_unregister(IoBus *bus, IoRegion *r);
/* Move a range (PCI I/O BARs); returns -1, leaving it where it was, if the
 * new place overlaps another range or leaves the port space. */
int iobus_move(IoBus *bus, IoRegion *r, uint32_t base);
void iobus_set_enabled(IoBus *bus, IoRegion *r, bool enabled);

/* @size is 1, 2 or 4. */
uint32_t iobus_read(IoBus *bus, uint16_t port, unsigned size);
void iobus_write(IoBus *bus, uint16_t port, uint32_t value, unsigned size);

/* Name of the range that claims @port, or NULL. */
const char *iobus_owner(IoBus *bus, uint16_t port);

#endif
