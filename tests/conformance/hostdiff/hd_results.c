/* Reading and writing the expectations file (format in hd_results.h). */
#include "hd_results.h"

#include <string.h>

static const char hd_magic[8] = { 'S', '8', '6', 'H', 'D', 'I', 'F', 'F' };

static struct hd_test fp_test;   /* big; not on the stack */

uint32_t hd_fingerprint_family(unsigned family, uint32_t seed, uint32_t count)
{
    uint32_t h = HD_FINGERPRINT_INIT;
    for (uint32_t i = 0; i < count; i++) {
        hd_generate_family(&fp_test, family, seed, i);
        h = hd_test_hash(&fp_test, h);
    }
    return h;
}

uint32_t hd_fingerprint(uint32_t seed, uint32_t count)
{
    return hd_fingerprint_family(HD_FAMILY_INT, seed, count);
}

static int put(FILE *f, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        if (fputc((int)((v >> (8 * i)) & 0xFF), f) == EOF)
            return -1;
    return 0;
}

static int get(FILE *f, uint32_t *v, unsigned size)
{
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        int c = fgetc(f);
        if (c == EOF)
            return -1;
        *v |= (uint32_t)c << (8 * i);
    }
    return 0;
}

int hd_results_write_header(FILE *f, const struct hd_results_header *h)
{
    if (fwrite(hd_magic, 1, sizeof hd_magic, f) != sizeof hd_magic)
        return -1;
    return put(f, HD_RESULTS_VERSION, 4) || put(f, h->seed, 4) || put(f, h->count, 4) ||
           put(f, h->fingerprint, 4) ? -1 : 0;
}

int hd_results_read_header(FILE *f, struct hd_results_header *h, char *err, unsigned errsize)
{
    char magic[8];
    uint32_t version;
    if (fread(magic, 1, sizeof magic, f) != sizeof magic || memcmp(magic, hd_magic, sizeof magic)) {
        snprintf(err, errsize, "not a hostdiff expectations file (bad magic)");
        return -1;
    }
    if (get(f, &version, 4) || get(f, &h->seed, 4) || get(f, &h->count, 4) ||
        get(f, &h->fingerprint, 4)) {
        snprintf(err, errsize, "truncated header");
        return -1;
    }
    if (version != HD_RESULTS_VERSION) {
        snprintf(err, errsize, "format version %u, expected %u", version, HD_RESULTS_VERSION);
        return -1;
    }
    return 0;
}

int hd_results_write(FILE *f, const struct hd_test *t, const struct hd_result *r)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        n += r->mem[i] != t->mem[i];
    for (unsigned i = 0; i < 8; i++)
        if (put(f, r->regs[i], 4))
            return -1;
    if (put(f, r->eflags, 4) || put(f, n, 2))
        return -1;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        if (r->mem[i] != t->mem[i] && (put(f, i, 2) || put(f, r->mem[i], 1)))
            return -1;
    return 0;
}

int hd_results_read(FILE *f, const struct hd_test *t, struct hd_result *r, char *err, unsigned errsize)
{
    uint32_t n, off, val;
    for (unsigned i = 0; i < 8; i++)
        if (get(f, &r->regs[i], 4))
            goto truncated;
    if (get(f, &r->eflags, 4) || get(f, &n, 2))
        goto truncated;
    memcpy(r->mem, t->mem, HD_MEM_SIZE);
    for (uint32_t i = 0; i < n; i++) {
        if (get(f, &off, 2) || get(f, &val, 1))
            goto truncated;
        if (off >= HD_MEM_SIZE) {
            snprintf(err, errsize, "test %u: memory offset %u out of range", t->index, off);
            return -1;
        }
        r->mem[off] = (uint8_t)val;
    }
    return 0;
truncated:
    snprintf(err, errsize, "truncated at test %u", t->index);
    return -1;
}
