/* Documented architectural differences between the reference 80286 and the
 * P6-class CPU shadow86 models, as they show in real-mode single-step
 * tests.
 *
 * Each entry names the forms it covers, what differs, and the manual
 * section that documents it. A failing test is counted apart under an
 * entry only if the entry's `explains` predicate accepts the *whole*
 * mismatch (for example: only FLAGS bits 12-14 differ, and the instruction
 * loads FLAGS from memory). A test of such a form that fails in any other
 * way is an ordinary failure, and one that passes is an ordinary pass.
 */
#ifndef SHADOW86_SST_KNOWN_DIFFS_H
#define SHADOW86_SST_KNOWN_DIFFS_H

#include "moo.h"
#include "sst_exec.h"

/* The instruction of a test, decoded just far enough to classify it. */
struct sst_form {
    int nprefix;
    int lock;          /* an F0 prefix was present */
    int rep;           /* F2/F3 prefix */
    int two_byte;      /* 0F-prefixed opcode */
    uint8_t opcode;
    int has_modrm;
    uint8_t modrm;     /* valid if has_modrm */
    int length;        /* prefixes + opcode + ModR/M + displacement + immediate */
};

void sst_form_decode(const struct moo_test *t, struct sst_form *f);

/* What a predicate sees: the failing test, its result, and the means to
 * re-run it (some differences are confirmed by a variant run). */
struct sst_known_ctx {
    const struct moo_test *t;
    const struct sst_form *f;
    const struct sst_result *r;
    struct sst_exec *x;
    uint16_t flags_mask;
    const struct moo_regs *file_rmsk;
};

struct sst_known_diff {
    const char *id;
    const char *forms;
    const char *what;
    const char *reference;
    int (*explains)(const struct sst_known_ctx *k);
};

extern const struct sst_known_diff sst_known_diffs[];
extern const int sst_known_diff_count;

/* Index of the first entry explaining the failure, or -1. */
int sst_known_diff_match(const struct sst_known_ctx *k);

#endif
