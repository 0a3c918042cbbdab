/* The expectations file: what the native run of each test left behind.
 *
 * Layout, all integers little-endian:
 *   header:  "S86HDIFF" u32 version u32 seed u32 count u32 fingerprint
 *   per test, in order:
 *            u32 regs[8] (EAX..EDI) u32 eflags
 *            u16 n, then n x (u16 offset, u8 value): the bytes of the
 *            memory image (buffer, then stack window) that differ from the
 *            test's initial memory.
 * The fingerprint chains hd_test_hash() over all tests, so a file made by
 * a different generator is refused instead of compared.
 */
#ifndef HOSTDIFF_HD_RESULTS_H
#define HOSTDIFF_HD_RESULTS_H

#include <stdint.h>
#include <stdio.h>

#include "hd_gen.h"

#define HD_RESULTS_VERSION 1u
#define HD_FINGERPRINT_INIT 2166136261u

struct hd_results_header {
    uint32_t seed;
    uint32_t count;
    uint32_t fingerprint;
};

struct hd_result {
    uint32_t regs[8];
    uint32_t eflags;
    uint8_t mem[HD_MEM_SIZE];
};

/* Fingerprint of the `count` tests of `seed`. */
uint32_t hd_fingerprint(uint32_t seed, uint32_t count);
uint32_t hd_fingerprint_family(unsigned family, uint32_t seed, uint32_t count);

/* 0 on success; -1 with a message in `err` (naming nothing: the caller
 * adds the file name). */
int hd_results_write_header(FILE *f, const struct hd_results_header *h);
int hd_results_read_header(FILE *f, struct hd_results_header *h, char *err, unsigned errsize);
int hd_results_write(FILE *f, const struct hd_test *t, const struct hd_result *r);
int hd_results_read(FILE *f, const struct hd_test *t, struct hd_result *r, char *err, unsigned errsize);

#endif
