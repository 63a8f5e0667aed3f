/*
 * Devices: reset and versioned, migratable state.
 *
 * Promise: a device is built by a plain typed constructor (pit_new(...)) that
 * registers it here with its DeviceInfo. The machine resets every device in
 * registration order. A device keeps its migratable state in a pointer-free
 * struct described by a SnapField table and a version; device_save() writes
 * that struct as a self-describing, host-independent (little-endian) section,
 * device_load() checks name, version and layout before changing anything,
 * then calls post_load to re-derive the rest (re-arm timers, recompute irq
 * outputs). That stream is the basis of snapshots and migration.
 */
#ifndef PCVM_DEVICE_H
#define PCVM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

typedef enum ResetKind {
    RESET_COLD, /* power on */
    RESET_WARM, /* reset line: keeps what the hardware keeps (CMOS, ...) */
} ResetKind;

typedef struct SnapField {
    const char *name;
    uint32_t offset; /* within the state struct */
    uint32_t size;   /* of one element: 1, 2, 4 or 8 are converted to LE */
    uint32_t count;  /* elements */
} SnapField;

#define SNAP_FIELD(type, field)                                                \
    {#field, offsetof(type, field), sizeof(((type *)0)->field), 1}
#define SNAP_ARRAY(type, field)                                                \
    {#field, offsetof(type, field[0]), sizeof(((type *)0)->field[0]),          \
     sizeof(((type *)0)->field) / sizeof(((type *)0)->field[0])}
/* A byte blob (a struct of bytes, a buffer): copied as is. */
#define SNAP_BYTES(type, field)                                                \
    {#field, offsetof(type, field), 1, sizeof(((type *)0)->field)}
#define SNAP_END {0, 0, 0, 0}

typedef struct DeviceInfo {
    const char *name;
    uint32_t version;
    const SnapField *fields; /* NULL: nothing to migrate */
    void (*reset)(void *s, ResetKind kind);
    /* After a load; returns 0 or -1 if the loaded state is inconsistent. */
    int (*post_load)(void *s);
    void (*destroy)(void *s);
} DeviceInfo;

typedef struct Device {
    const DeviceInfo *info;
    void *s;     /* the device object, passed to the callbacks */
    void *state; /* its pointer-free migratable struct */
    struct Device *next;
} Device;

typedef struct DeviceList {
    Device *head;
    Device *tail;
} DeviceList;

Device *device_register(DeviceList *list, const DeviceInfo *info, void *s,
                        void *state);
Device *device_find(DeviceList *list, const char *name);
void devices_reset(DeviceList *list, ResetKind kind);
/* Destroy every device, last registered first. */
void devices_destroy(DeviceList *list);

/* A growable byte buffer for state streams. */
typedef struct SnapBuf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t pos; /* read position */
} SnapBuf;

void snapbuf_free(SnapBuf *b);
int device_save(const Device *d, SnapBuf *out);
/* Returns 0, or -1 with nothing changed on a name, version or layout
 * mismatch or a short buffer. */
int device_load(Device *d, SnapBuf *in);

#endif
