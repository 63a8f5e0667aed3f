/* The AML builder: see aml.h. Encodings follow the ACPI spec, section 20
 * (AML grammar) and 6.4 (resource descriptors). */
#include "hw/pc/aml.h"

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"

#define AML_OP_NAME 0x08
#define AML_OP_BYTE 0x0a
#define AML_OP_WORD 0x0b
#define AML_OP_DWORD 0x0c
#define AML_OP_STRING 0x0d
#define AML_OP_QWORD 0x0e
#define AML_OP_SCOPE 0x10
#define AML_OP_BUFFER 0x11
#define AML_OP_PACKAGE 0x12
#define AML_OP_METHOD 0x14
#define AML_OP_DUAL_NAME 0x2e
#define AML_OP_MULTI_NAME 0x2f
#define AML_OP_EXT 0x5b
#define AML_EXT_OPREGION 0x80
#define AML_EXT_FIELD 0x81
#define AML_EXT_DEVICE 0x82
#define AML_OP_ONES 0xff
#define AML_OP_IF 0xa0
#define AML_OP_ELSE 0xa1

void aml_free(Aml *a)
{
    free(a->data);
    memset(a, 0, sizeof(*a));
}

void aml_bytes(Aml *a, const void *p, size_t n)
{
    if (a->error) {
        return;
    }
    if (a->len + n > a->cap) {
        size_t cap = a->cap ? a->cap : 1024;
        while (cap < a->len + n) {
            cap *= 2;
        }
        uint8_t *d = realloc(a->data, cap);
        if (!d) {
            a->error = true;
            return;
        }
        a->data = d;
        a->cap = cap;
    }
    memcpy(a->data + a->len, p, n);
    a->len += n;
}

void aml_byte(Aml *a, uint8_t b) { aml_bytes(a, &b, 1); }

static void aml_le(Aml *a, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        aml_byte(a, v >> (8 * i));
    }
}

static bool seg_char_ok(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' &&
                                                  c <= '9');
}

void aml_name(Aml *a, const char *path)
{
    char segs[16][4];
    int n = 0;
    const char *p = path;
    while (*p == '\\' || *p == '^') {
        aml_byte(a, (uint8_t)*p++);
    }
    while (*p) {
        int len = 0;
        if (n == 16) {
            a->error = true;
            return;
        }
        while (*p && *p != '.') {
            if (len == 4 || !seg_char_ok(*p, len == 0)) {
                a->error = true;
                return;
            }
            segs[n][len++] = *p++;
        }
        if (len == 0) {
            a->error = true;
            return;
        }
        while (len < 4) {
            segs[n][len++] = '_';
        }
        n++;
        if (*p == '.') {
            p++;
        }
    }
    if (n == 0) {
        aml_byte(a, AML_NULL_NAME);
    } else if (n == 2) {
        aml_byte(a, AML_OP_DUAL_NAME);
    } else if (n > 2) {
        aml_byte(a, AML_OP_MULTI_NAME);
        aml_byte(a, (uint8_t)n);
    }
    for (int i = 0; i < n; i++) {
        aml_bytes(a, segs[i], 4);
    }
}

void aml_int(Aml *a, uint64_t v)
{
    if (v == 0) {
        aml_byte(a, AML_OP_ZERO);
    } else if (v == 1) {
        aml_byte(a, AML_OP_ONE);
    } else if (v <= 0xff) {
        aml_byte(a, AML_OP_BYTE);
        aml_le(a, v, 1);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_OP_WORD);
        aml_le(a, v, 2);
    } else if (v <= 0xffffffffULL) {
        aml_byte(a, AML_OP_DWORD);
        aml_le(a, v, 4);
    } else {
        aml_byte(a, AML_OP_QWORD);
        aml_le(a, v, 8);
    }
}

void aml_string(Aml *a, const char *s)
{
    aml_byte(a, AML_OP_STRING);
    aml_bytes(a, s, strlen(s) + 1);
}

uint32_t aml_eisaid_value(const char *id)
{
    static const char hex[] = "0123456789ABCDEF";
    if (strlen(id) != 7) {
        return 0;
    }
    uint32_t digits = 0;
    for (int i = 3; i < 7; i++) {
        const char *h = strchr(hex, id[i]);
        if (!h || !id[i]) {
            return 0;
        }
        digits = digits << 4 | (uint32_t)(h - hex);
    }
    uint16_t letters = (uint16_t)((id[0] & 0x1f) << 10 |
                                  (id[1] & 0x1f) << 5 | (id[2] & 0x1f));
    /* Stored big endian: letters, then the four hex digits. */
    return (uint32_t)(letters >> 8) | (uint32_t)(letters & 0xff) << 8 |
           (digits >> 8 & 0xff) << 16 | (digits & 0xff) << 24;
}

void aml_eisaid(Aml *a, const char *id)
{
    uint32_t v = aml_eisaid_value(id);
    if (!v) {
        a->error = true;
    }
    aml_byte(a, AML_OP_DWORD);
    aml_le(a, v, 4);
}

static void aml_pkg_begin(Aml *a)
{
    if (a->depth == AML_MAX_DEPTH) {
        a->error = true;
        return;
    }
    a->open[a->depth++] = a->len;
    aml_le(a, 0, 4); /* room for the longest PkgLength */
}

void aml_end(Aml *a)
{
    if (a->error) {
        return;
    }
    if (a->depth == 0) {
        a->error = true;
        return;
    }
    size_t pos = a->open[--a->depth];
    size_t body = a->len - (pos + 4);
    uint8_t enc[4];
    unsigned n;
    size_t total;
    if (body + 1 <= 0x3f) {
        n = 1;
        total = body + 1;
        enc[0] = (uint8_t)total;
    } else {
        n = body + 2 <= 0xfff ? 2 : body + 3 <= 0xfffff ? 3 : 4;
        total = body + n;
        if (total > 0xfffffff) {
            a->error = true;
            return;
        }
        enc[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
        for (unsigned i = 1; i < n; i++) {
            enc[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
        }
    }
    memmove(a->data + pos + n, a->data + pos + 4, body);
    memcpy(a->data + pos, enc, n);
    a->len = pos + n + body;
}

void aml_name_decl(Aml *a, const char *name)
{
    aml_byte(a, AML_OP_NAME);
    aml_name(a, name);
}

void aml_scope_begin(Aml *a, const char *name)
{
    aml_byte(a, AML_OP_SCOPE);
    aml_pkg_begin(a);
    aml_name(a, name);
}

void aml_device_begin(Aml *a, const char *name)
{
    aml_byte(a, AML_OP_EXT);
    aml_byte(a, AML_EXT_DEVICE);
    aml_pkg_begin(a);
    aml_name(a, name);
}

void aml_method_begin(Aml *a, const char *name, int nargs, bool serialized)
{
    aml_byte(a, AML_OP_METHOD);
    aml_pkg_begin(a);
    aml_name(a, name);
    aml_byte(a, (uint8_t)((nargs & 7) | (serialized ? 8 : 0)));
}

void aml_package_begin(Aml *a, uint8_t nelems)
{
    aml_byte(a, AML_OP_PACKAGE);
    aml_pkg_begin(a);
    aml_byte(a, nelems);
}

void aml_if_begin(Aml *a)
{
    aml_byte(a, AML_OP_IF);
    aml_pkg_begin(a);
}

void aml_else_begin(Aml *a)
{
    aml_byte(a, AML_OP_ELSE);
    aml_pkg_begin(a);
}

void aml_buffer(Aml *a, const void *data, size_t n)
{
    aml_byte(a, AML_OP_BUFFER);
    aml_pkg_begin(a);
    aml_int(a, n);
    aml_bytes(a, data, n);
    aml_end(a);
}

void aml_opregion(Aml *a, const char *name, uint8_t space, uint64_t offset,
                  uint64_t len)
{
    aml_byte(a, AML_OP_EXT);
    aml_byte(a, AML_EXT_OPREGION);
    aml_name(a, name);
    aml_byte(a, space);
    aml_int(a, offset);
    aml_int(a, len);
}

void aml_field_begin(Aml *a, const char *region, uint8_t flags)
{
    aml_byte(a, AML_OP_EXT);
    aml_byte(a, AML_EXT_FIELD);
    aml_pkg_begin(a);
    aml_name(a, region);
    aml_byte(a, flags);
}

void aml_field_entry(Aml *a, const char *name, unsigned bits)
{
    size_t n = strlen(name);
    if (n == 0 || n > 4 || bits == 0 || bits > 0x3f) {
        a->error = true;
        return;
    }
    char seg[4] = {'_', '_', '_', '_'};
    memcpy(seg, name, n);
    aml_bytes(a, seg, 4);
    aml_byte(a, (uint8_t)bits); /* a one-byte PkgLength of the bit width */
}

/* --- resource descriptors --- */

static void res_put(AmlRes *r, const uint8_t *p, size_t n)
{
    if (r->len + n > sizeof(r->data)) {
        r->overflow = true;
        return;
    }
    memcpy(r->data + r->len, p, n);
    r->len += n;
}

void aml_res_io(AmlRes *r, uint16_t base, uint8_t align, uint8_t len)
{
    uint8_t d[8] = {0x47, 0x01};
    le_store(d + 2, base, 2);
    le_store(d + 4, base, 2);
    d[6] = align;
    d[7] = len;
    res_put(r, d, sizeof(d));
}

void aml_res_irq_noflags(AmlRes *r, uint16_t mask)
{
    uint8_t d[3] = {0x22, (uint8_t)mask, (uint8_t)(mask >> 8)};
    res_put(r, d, sizeof(d));
}

void aml_res_mem32_fixed(AmlRes *r, bool rw, uint32_t base, uint32_t len)
{
    uint8_t d[12] = {0x86, 9, 0, rw ? 1 : 0};
    le_store(d + 4, base, 4);
    le_store(d + 8, len, 4);
    res_put(r, d, sizeof(d));
}

/* Word address space: @type 1 = I/O, 2 = bus numbers. Min and max are
 * fixed; the bridge produces the range. */
static void res_word(AmlRes *r, uint8_t type, uint8_t tflags, uint16_t min,
                     uint16_t max)
{
    uint8_t d[16] = {0x88, 13, 0, type, 0x0c, tflags};
    le_store(d + 6, 0, 2);
    le_store(d + 8, min, 2);
    le_store(d + 10, max, 2);
    le_store(d + 12, 0, 2);
    le_store(d + 14, (uint16_t)(max - min + 1), 2);
    res_put(r, d, sizeof(d));
}

void aml_res_word_bus(AmlRes *r, uint16_t min, uint16_t max)
{
    res_word(r, 2, 0, min, max);
}

void aml_res_word_io(AmlRes *r, uint16_t min, uint16_t max)
{
    res_word(r, 1, 3, min, max);
}

void aml_res_dword_mem(AmlRes *r, uint32_t min, uint32_t max)
{
    uint8_t d[26] = {0x87, 23, 0, 0, 0x0c, 0x03};
    le_store(d + 6, 0, 4);
    le_store(d + 10, min, 4);
    le_store(d + 14, max, 4);
    le_store(d + 18, 0, 4);
    le_store(d + 22, (uint64_t)max - min + 1, 4);
    res_put(r, d, sizeof(d));
}

void aml_res_qword_mem(AmlRes *r, uint64_t min, uint64_t max)
{
    uint8_t d[46] = {0x8a, 43, 0, 0, 0x0c, 0x03};
    le_store(d + 6, 0, 8);
    le_store(d + 14, min, 8);
    le_store(d + 22, max, 8);
    le_store(d + 30, 0, 8);
    le_store(d + 38, max - min + 1, 8);
    res_put(r, d, sizeof(d));
}

void aml_res_interrupt(AmlRes *r, bool level, bool active_low, bool shared,
                       const uint32_t *irqs, int n)
{
    uint8_t d[5 + 4 * 16];
    if (n < 1 || n > 16) {
        r->overflow = true;
        return;
    }
    size_t len = 2 + 4 * (size_t)n;
    d[0] = 0x89;
    le_store(d + 1, len, 2);
    d[3] = 0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) |
           (shared ? 0x08 : 0);
    d[4] = (uint8_t)n;
    for (int i = 0; i < n; i++) {
        le_store(d + 5 + 4 * i, irqs[i], 4);
    }
    res_put(r, d, 3 + len);
}

void aml_res_end(AmlRes *r)
{
    uint8_t d[2] = {0x79, 0};
    res_put(r, d, sizeof(d));
}
