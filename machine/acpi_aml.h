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

/* Resource descriptors (ACPI 6.4 section 6.4) for a _CRS buffer, appended
 * to a bounded byte array; running out of room sets `overflow`. */
#define AML_RES_MAX 128
struct aml_res {
    uint8_t b[AML_RES_MAX];
    size_t len;
    int overflow;
};
void aml_res_init(struct aml_res *r);
/* I/O port descriptor: 16-bit decode, fixed at `port`, `count` ports. */
void aml_res_io(struct aml_res *r, uint16_t port, uint8_t count);
/* IRQ descriptor without flags: edge, active high. */
void aml_res_irq(struct aml_res *r, unsigned irq);
/* Address space descriptors a bridge produces (6.4.3.5.2-3), with fixed
 * minimum and maximum: WordBusNumber / WordIO, and DWordMemory. */
#define AML_RES_MEMORY 0
#define AML_RES_IO 1
#define AML_RES_BUS 2
void aml_res_word(struct aml_res *r, unsigned type, uint16_t min, uint16_t max);
void aml_res_dword_memory(struct aml_res *r, uint32_t min, uint32_t max);
/* The end tag; then r->b[0..len) is the buffer's contents. */
void aml_res_end(struct aml_res *r);
/* Buffer() { the descriptors }: a ResourceTemplate (an overflowed `r`
 * makes `a` overflow too). */
void aml_resources(struct aml *a, const struct aml_res *r);

#endif
