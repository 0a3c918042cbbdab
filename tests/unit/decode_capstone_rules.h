/* The rule that says whether cpu/decode.c and Capstone agree on one byte
 * string, shared by the random differential test (test_decode_capstone.c)
 * and the fuzz target (tests/fuzz/fuzz_decode.c), so both excuse exactly
 * the same, documented disagreements.
 *
 * A sample is decoded from CAPSTONE_SAMPLE_LEN bytes by both decoders and
 * lands in one verdict:
 *
 *   agree        both decode, same length (and a relative branch's target
 *                as Capstone prints it);
 *   both reject  both refuse it; too long: we refuse it for the 15-byte
 *                limit, and so does Capstone;
 *   foreign      we say #UD for an extension the modelled CPU (a Pentium
 *                Pro) lacks, Capstone decodes it (capstone_foreign[]);
 *   known        a genuine Capstone error, with the SDM text that says what
 *                the hardware does (capstone_errors[]): class B (lengths
 *                differ), C (we #UD, Capstone decodes), D (we decode,
 *                Capstone refuses);
 *   unexplained  anything else: a bug on one side.
 */
#ifndef SHADOW86_TESTS_DECODE_CAPSTONE_RULES_H
#define SHADOW86_TESTS_DECODE_CAPSTONE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"

#define CAPSTONE_SAMPLE_LEN 16     /* one byte more than the longest insn */
#define CAPSTONE_SAMPLE_ADDR 0x1000u  /* the address Capstone is told */

struct capstone_sample {
    const uint8_t *bytes;
    int mode;                  /* 16 or 32 */
    enum decode_status st;
    struct insn in;
    int cs_ok;
    unsigned cs_len;
    const char *cs_text;       /* mnemonic and operands, or "" */
};


struct foreign_range {
    uint16_t lo, hi;           /* insn.opcode range: 0x0xx or 0x1xx (0F) */
    uint8_t regs;              /* ModRM.reg values (REGS_ANY if no ModRM) */
    uint8_t mods;              /* ModRM.mod values */
    int16_t modrm;             /* an exact ModRM byte, or -1 */
    const char *what;
    unsigned long hits[2];     /* [0] 16-bit, [1] 32-bit */
};

enum diff_class { CLASS_B, CLASS_C, CLASS_D };

struct capstone_error {
    enum diff_class cls;
    int (*match)(const struct capstone_sample *s);
    const char *what;
    const char *why;           /* what the hardware does, and where the SDM says it */
    unsigned long hits[2];
};

enum capstone_verdict {
    CAPSTONE_AGREE,
    CAPSTONE_BOTH_REJECT,
    CAPSTONE_TOO_LONG,
    CAPSTONE_FOREIGN,
    CAPSTONE_KNOWN,
    CAPSTONE_UNEXPLAINED
};

struct capstone_match {
    enum capstone_verdict verdict;
    struct foreign_range *foreign;     /* CAPSTONE_FOREIGN: the entry (hits counted) */
    struct capstone_error *error;      /* CAPSTONE_KNOWN: the entry (hits counted) */
    const char *what;                  /* CAPSTONE_UNEXPLAINED: which kind */
};

extern struct foreign_range capstone_foreign[];
extern const size_t capstone_nforeign;
extern struct capstone_error capstone_errors[];
extern const size_t capstone_nerrors;

/* Classify one sample (bytes has CAPSTONE_SAMPLE_LEN bytes), counting the
 * hit of the entry that explains it. */
void capstone_classify(const struct capstone_sample *s, struct capstone_match *m);

#endif
