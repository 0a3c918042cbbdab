/* Random instruction-sequence generator shared by both runners.
 *
 * hd_generate() turns (seed, index) into one test: initial registers,
 * flags and memory, and a sequence of user-level instructions as bytes.
 * It is pure integer code, so the 32-bit native runner and the 64-bit
 * emulator runner build bit-identical tests from the same seed.
 */
#ifndef HOSTDIFF_HD_GEN_H
#define HOSTDIFF_HD_GEN_H

#include <stdint.h>

#include "hd_layout.h"

#define HD_MAX_INSNS 256

enum hd_reg { HD_EAX, HD_ECX, HD_EDX, HD_EBX, HD_ESP, HD_EBP, HD_ESI, HD_EDI };

/* One emitted instruction, for listings and counts. */
struct hd_insn_note {
    uint16_t offset;     /* from HD_SEQ_ADDR */
    uint8_t setup;       /* 1: harness set-up (operand loads, guards) */
    uint8_t fclass;      /* enum hd_fclass */
    uint16_t undefined;  /* flags this instruction left undefined */
};

/* Test families: the integer sequences, and the x87 ones (hd_x87.h). */
enum hd_family { HD_FAMILY_INT, HD_FAMILY_X87 };

struct hd_test {
    uint32_t index;
    uint32_t family;             /* enum hd_family */
    uint32_t regs[8];            /* initial; regs[HD_ESP] == HD_ESP0 */
    uint32_t eflags;             /* initial */
    uint8_t mem[HD_MEM_SIZE];    /* initial buffer, then stack window */
    uint8_t code[HD_SEQ_MAX];    /* the sequence, without terminator */
    uint32_t code_len;
    uint32_t undefined_flags;    /* mask: compare only the other flags */
    uint32_t ninsns;
    struct hd_insn_note insns[HD_MAX_INSNS];
};

/* Build test `index` of the run seeded with `seed`. */
void hd_generate(struct hd_test *t, uint32_t seed, uint32_t index);
/* The same for a family (hd_generate is HD_FAMILY_INT). */
void hd_generate_family(struct hd_test *t, unsigned family, uint32_t seed, uint32_t index);

/* Number of tested (non-set-up) instructions in `t`. */
uint32_t hd_tested_insns(const struct hd_test *t);

/* FNV-1a over everything the test consists of; chained over a whole run
 * it fingerprints the generator, so stale recorded expectations are
 * detected. */
uint32_t hd_test_hash(const struct hd_test *t, uint32_t h);

/* Flags compared after a run: arithmetic flags, DF and IF, minus the ones
 * the sequence left undefined. */
uint32_t hd_compared_flags(const struct hd_test *t);

#endif
