#include <string.h>

#include "machine/acpi_aml.h"

/* Opcodes (ACPI 6.4 section 20.3). */
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_PREFIX 0x5B
#define AML_DEVICE_OP 0x82        /* after the ExtOpPrefix */
#define AML_ROOT_CHAR '\\'
#define AML_DUAL_NAME_PREFIX 0x2E
#define AML_MULTI_NAME_PREFIX 0x2F

void aml_init(struct aml *a)
{
    memset(a, 0, sizeof *a);
}

void aml_byte(struct aml *a, uint8_t v)
{
    if (a->overflow || a->len >= AML_MAX) {
        a->overflow = 1;
        return;
    }
    a->b[a->len++] = v;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
    const uint8_t *s = p;
    for (size_t i = 0; i < n; i++)
        aml_byte(a, s[i]);
}

static void nameseg(struct aml *a, const char *s, size_t n)
{
    for (size_t i = 0; i < 4; i++)
        aml_byte(a, (uint8_t)(i < n ? s[i] : '_'));
}

void aml_namestring(struct aml *a, const char *path)
{
    if (*path == AML_ROOT_CHAR) {
        aml_byte(a, AML_ROOT_CHAR);
        path++;
    }
    size_t segs = 1;
    for (const char *p = path; *p; p++)
        segs += *p == '.';
    if (segs == 2)
        aml_byte(a, AML_DUAL_NAME_PREFIX);
    else if (segs > 2) {
        aml_byte(a, AML_MULTI_NAME_PREFIX);
        aml_byte(a, (uint8_t)segs);
    }
    while (*path) {
        size_t n = strcspn(path, ".");
        if (n > 4)
            a->overflow = 1;   /* not a name segment: a builder bug, reported as failure */
        nameseg(a, path, n);
        path += n;
        if (*path == '.')
            path++;
    }
}

void aml_integer(struct aml *a, uint32_t v)
{
    /* ZeroOp and OneOp are 0x00 and 0x01 (20.2.3). */
    if (v <= 1) {
        aml_byte(a, (uint8_t)v);
    } else if (v <= 0xFF) {
        aml_byte(a, AML_BYTE_PREFIX);
        aml_byte(a, (uint8_t)v);
    } else if (v <= 0xFFFF) {
        aml_byte(a, AML_WORD_PREFIX);
        aml_byte(a, (uint8_t)v);
        aml_byte(a, (uint8_t)(v >> 8));
    } else {
        aml_byte(a, AML_DWORD_PREFIX);
        for (int i = 0; i < 4; i++)
            aml_byte(a, (uint8_t)(v >> (8 * i)));
    }
}

static unsigned hexval(char c)
{
    return (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10) & 0xF;
}

void aml_eisaid(struct aml *a, const char *id)
{
    /* Three letters of five bits each ('A' = 1), then four hex digits,
     * stored most significant byte first (6.1.5 _HID). */
    unsigned c1 = (unsigned)(id[0] - '@') & 0x1F, c2 = (unsigned)(id[1] - '@') & 0x1F,
             c3 = (unsigned)(id[2] - '@') & 0x1F;
    aml_byte(a, AML_DWORD_PREFIX);
    aml_byte(a, (uint8_t)((c1 << 2) | (c2 >> 3)));
    aml_byte(a, (uint8_t)(((c2 & 7) << 5) | c3));
    aml_byte(a, (uint8_t)((hexval(id[3]) << 4) | hexval(id[4])));
    aml_byte(a, (uint8_t)((hexval(id[5]) << 4) | hexval(id[6])));
}

void aml_name(struct aml *a, const char *path)
{
    aml_byte(a, AML_NAME_OP);
    aml_namestring(a, path);
}

/* Remember where the PkgLength of the object being opened goes. */
static void open_pkg(struct aml *a)
{
    if (a->depth >= AML_DEPTH) {
        a->overflow = 1;
        return;
    }
    a->open[a->depth++] = a->len;
}

void aml_close(struct aml *a)
{
    if (a->overflow || a->depth == 0) {
        a->overflow = 1;
        return;
    }
    size_t at = a->open[--a->depth];
    size_t body = a->len - at;
    /* PkgLength counts itself (20.2.4): one byte holds up to 63; longer
     * ones take 1-3 more bytes, the lead byte keeping the low nibble. */
    unsigned extra = body + 1 <= 0x3F ? 0 : body + 2 <= 0xFFF ? 1 : body + 3 <= 0xFFFFF ? 2 : 3;
    size_t total = body + 1 + extra;
    if (a->len + 1 + extra > AML_MAX) {
        a->overflow = 1;
        return;
    }
    memmove(a->b + at + 1 + extra, a->b + at, body);
    if (extra == 0) {
        a->b[at] = (uint8_t)total;
    } else {
        a->b[at] = (uint8_t)((extra << 6) | (total & 0xF));
        for (unsigned i = 0; i < extra; i++)
            a->b[at + 1 + i] = (uint8_t)(total >> (4 + 8 * i));
    }
    a->len += 1 + extra;
}

void aml_scope(struct aml *a, const char *path)
{
    aml_byte(a, AML_SCOPE_OP);
    open_pkg(a);
    aml_namestring(a, path);
}

void aml_device(struct aml *a, const char *path)
{
    aml_byte(a, AML_EXT_PREFIX);
    aml_byte(a, AML_DEVICE_OP);
    open_pkg(a);
    aml_namestring(a, path);
}

void aml_package(struct aml *a, uint8_t n)
{
    aml_byte(a, AML_PACKAGE_OP);
    open_pkg(a);
    aml_byte(a, n);   /* NumElements */
}

void aml_buffer(struct aml *a, const uint8_t *data, uint8_t n)
{
    aml_byte(a, AML_BUFFER_OP);
    open_pkg(a);
    aml_integer(a, n);   /* BufferSize */
    aml_bytes(a, data, n);
    aml_close(a);
}

void aml_res_init(struct aml_res *r)
{
    memset(r, 0, sizeof *r);
}

static void res_byte(struct aml_res *r, uint8_t v)
{
    if (r->len >= AML_RES_MAX) {
        r->overflow = 1;
        return;
    }
    r->b[r->len++] = v;
}

static void res_le(struct aml_res *r, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        res_byte(r, (uint8_t)(v >> (8 * i)));
}

void aml_res_io(struct aml_res *r, uint16_t port, uint8_t count)
{
    /* I/O port descriptor (6.4.2.5): small item 0x47, 16-bit decode,
     * minimum = maximum = port, alignment 1, length. */
    res_byte(r, 0x47);
    res_byte(r, 0x01);
    res_le(r, port, 2);
    res_le(r, port, 2);
    res_byte(r, 0x01);
    res_byte(r, count);
}

void aml_res_irq(struct aml_res *r, unsigned irq)
{
    /* IRQ descriptor without the flags byte (6.4.2.1): small item 0x22
     * and the 16-bit mask. */
    res_byte(r, 0x22);
    res_le(r, 1u << (irq & 15), 2);
}

/* General flags of a producer's window: _MAF and _MIF set (fixed),
 * positive decode (6.4.3.5.1). */
#define RES_FIXED_WINDOW 0x0C

void aml_res_word(struct aml_res *r, unsigned type, uint16_t min, uint16_t max)
{
    /* Large item 0x88 of 13 bytes: type, general flags, type-specific
     * flags (I/O: EntireRange 3), granularity, min, max, translation,
     * length. */
    res_byte(r, 0x88);
    res_le(r, 13, 2);
    res_byte(r, (uint8_t)type);
    res_byte(r, RES_FIXED_WINDOW);
    res_byte(r, type == AML_RES_IO ? 0x03 : 0x00);
    res_le(r, 0, 2);
    res_le(r, min, 2);
    res_le(r, max, 2);
    res_le(r, 0, 2);
    res_le(r, (uint32_t)max - min + 1, 2);
}

void aml_res_dword_memory(struct aml_res *r, uint32_t min, uint32_t max)
{
    /* Large item 0x87 of 23 bytes; type-specific flags: read/write,
     * cacheable (bits 2:1 = 01). */
    res_byte(r, 0x87);
    res_le(r, 23, 2);
    res_byte(r, AML_RES_MEMORY);
    res_byte(r, RES_FIXED_WINDOW);
    res_byte(r, 0x03);
    res_le(r, 0, 4);
    res_le(r, min, 4);
    res_le(r, max, 4);
    res_le(r, 0, 4);
    res_le(r, max - min + 1, 4);
}

void aml_res_end(struct aml_res *r)
{
    /* End tag (6.4.2.9); a zero checksum means "treat as valid". */
    res_byte(r, 0x79);
    res_byte(r, 0x00);
}

void aml_resources(struct aml *a, const struct aml_res *r)
{
    if (r->overflow || r->len > 0xFF) {
        a->overflow = 1;
        return;
    }
    aml_buffer(a, r->b, (uint8_t)r->len);
}
