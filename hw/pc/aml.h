/*
 * A small AML (ACPI Machine Language) byte builder for the DSDT.
 *
 * Promise: functions append encoded AML to a growable buffer. Objects with
 * a PkgLength (Scope, Device, Method, If, Else, Buffer, Package, Field)
 * are opened with a *_begin call and closed with aml_end(), which encodes
 * the PkgLength in the fewest bytes. Names are ACPI paths ("\\_SB.PCI0",
 * "LNKA", "_HID"); segments shorter than four characters are padded with
 * '_'. Integers use the smallest constant encoding. Misuse (bad names,
 * unbalanced ends, allocation failure) sets a sticky error flag checked
 * once at the end, so building code stays linear.
 */
#ifndef PCVM_HW_AML_H
#define PCVM_HW_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 16

typedef struct Aml {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t open[AML_MAX_DEPTH]; /* where each open PkgLength starts */
    int depth;
    bool error;
} Aml;

void aml_free(Aml *a);
void aml_byte(Aml *a, uint8_t b);
void aml_bytes(Aml *a, const void *p, size_t n);

/* Data */
void aml_name(Aml *a, const char *path);   /* a NameString */
void aml_int(Aml *a, uint64_t v);
void aml_string(Aml *a, const char *s);
void aml_eisaid(Aml *a, const char *id);   /* "PNP0A03" as a DWordConst */
uint32_t aml_eisaid_value(const char *id);
void aml_buffer(Aml *a, const void *data, size_t n);

/* Named objects and blocks */
void aml_name_decl(Aml *a, const char *name); /* Name(name, <next term>) */
void aml_scope_begin(Aml *a, const char *name);
void aml_device_begin(Aml *a, const char *name);
void aml_method_begin(Aml *a, const char *name, int nargs, bool serialized);
void aml_package_begin(Aml *a, uint8_t nelems);
void aml_if_begin(Aml *a);   /* the predicate is the next term */
void aml_else_begin(Aml *a);
/* OperationRegion(name, space, offset, len) */
void aml_opregion(Aml *a, const char *name, uint8_t space, uint64_t offset,
                  uint64_t len);
/* Field(region, flags) { ...aml_field_entry... } */
void aml_field_begin(Aml *a, const char *region, uint8_t flags);
void aml_field_entry(Aml *a, const char *name, unsigned bits);
void aml_end(Aml *a);

/* Operators (operands are the terms that follow) */
#define AML_OP_ZERO 0x00
#define AML_OP_ONE 0x01
#define AML_OP_STORE 0x70
#define AML_OP_AND 0x7b
#define AML_OP_OR 0x7d
#define AML_OP_RETURN 0xa4
#define AML_OP_CREATE_DWORD_FIELD 0x8a
#define AML_OP_LLESS 0x95
#define AML_ARG0 0x68
#define AML_NULL_NAME 0x00
#define AML_SPACE_SYSTEM_IO 0x01
#define AML_SPACE_PCI_CONFIG 0x02

/* Resource template pieces (raw bytes, put into aml_buffer). */
typedef struct AmlRes {
    uint8_t data[512];
    size_t len;
    bool overflow;
} AmlRes;

void aml_res_io(AmlRes *r, uint16_t base, uint8_t align, uint8_t len);
void aml_res_irq_noflags(AmlRes *r, uint16_t mask);
void aml_res_mem32_fixed(AmlRes *r, bool rw, uint32_t base, uint32_t len);
void aml_res_word_bus(AmlRes *r, uint16_t min, uint16_t max);
void aml_res_word_io(AmlRes *r, uint16_t min, uint16_t max);
void aml_res_dword_mem(AmlRes *r, uint32_t min, uint32_t max);
void aml_res_qword_mem(AmlRes *r, uint64_t min, uint64_t max);
/* Extended interrupt: consumer; level/edge, high/low, shared. */
void aml_res_interrupt(AmlRes *r, bool level, bool active_low, bool shared,
                       const uint32_t *irqs, int n);
void aml_res_end(AmlRes *r);

#endif
