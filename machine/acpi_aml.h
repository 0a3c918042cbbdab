/* A small builder for ACPI Machine Language (ACPI 6.4 chapter 20, "ACPI
 * Machine Language Specification"): just what the board's DSDT needs —
 * names, integers, EISA IDs, packages, buffers of resource descriptors,
 * scopes and devices.
 *
 * Objects that carry a PkgLength (scope, device, package, buffer) are
 * opened with aml_open() and closed with aml_close(), which inserts the
 * PkgLength once the length is known (20.2.4). Output goes to a fixed
 * buffer; running out of room sets `overflow` and later calls do nothing,
 * so the caller checks once at the end.
 */
#ifndef SHADOW86_MACHINE_ACPI_AML_H
#define SHADOW86_MACHINE_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_MAX 2048
#define AML_DEPTH 8

struct aml {
    uint8_t b[AML_MAX];
    size_t len;
    int overflow;
    size_t open[AML_DEPTH];   /* where each open object's PkgLength goes */
    int depth;
};

void aml_init(struct aml *a);
void aml_byte(struct aml *a, uint8_t v);
void aml_bytes(struct aml *a, const void *p, size_t n);
/* A NameString of one or more dot-separated segments, each padded with
 * '_' to four characters; a leading '\' is the root (20.2.2). */
void aml_namestring(struct aml *a, const char *path);
/* An integer in its shortest encoding: ZeroOp, OneOp, Byte/Word/DWordPrefix. */
void aml_integer(struct aml *a, uint32_t v);
/* EISAID("PNP0303"): the 32-bit compressed ID as a DWordConst (6.1.5). */
void aml_eisaid(struct aml *a, const char *id);

/* Name(path, <the data object emitted next>) */
void aml_name(struct aml *a, const char *path);
/* Scope(path) { ... } and Device(path) { ... }, closed by aml_close(). */
void aml_scope(struct aml *a, const char *path);
void aml_device(struct aml *a, const char *path);
/* Package(n) { <n data objects> }, closed by aml_close(). */
void aml_package(struct aml *a, uint8_t n);
/* Buffer() { bytes }: a complete buffer object (e.g. a ResourceTemplate). */
void aml_buffer(struct aml *a, const uint8_t *data, uint8_t n);
void aml_close(struct aml *a);

/* Resource descriptors (ACPI 6.4 section 6.4), appended to a plain byte
 * array that becomes a _CRS buffer: returns the new length. */
size_t aml_res_io(uint8_t *r, size_t len, uint16_t port, uint8_t count);
size_t aml_res_irq(uint8_t *r, size_t len, unsigned irq);
size_t aml_res_end(uint8_t *r, size_t len);

#endif
