/* Per-opcode metadata of a SingleStepTests suite (metadata.json).
 *
 * metadata.json maps an opcode key ("8F", or "0F01" for two-byte forms) to
 * either an entry {status, flags-mask} or, for ModR/M groups, {"reg": {"0":
 * entry, ...}}. An entry's status says how the reference CPU treats the
 * form; flags-mask (default 0xFFFF) clears the FLAGS bits it leaves
 * undefined.
 */
#ifndef SHADOW86_SST_META_H
#define SHADOW86_SST_META_H

#include <stddef.h>
#include <stdint.h>

enum sst_status {
    SST_STATUS_UNKNOWN,      /* not described in metadata.json */
    SST_STATUS_NORMAL,
    SST_STATUS_ALIAS,        /* an undocumented encoding of a documented form */
    SST_STATUS_UNDOCUMENTED,
    SST_STATUS_UNDEFINED,
    SST_STATUS_FPU,
    SST_STATUS_PREFIX,
    SST_STATUS_EXTENSION
};

struct sst_form_meta {
    enum sst_status status;
    uint16_t flags_mask;
};

/* Indexed [two_byte][opcode][reg + 1]: slot 0 is the opcode's own entry,
 * slots 1-8 its ModR/M reg members (absent members copy slot 0). */
struct sst_meta {
    struct sst_form_meta form[2][256][9];
    int has_reg[2][256];
};

/* Loads `path`. Returns 0, or -1 with a one-line message naming the file. */
int sst_meta_load(struct sst_meta *m, const char *path, char *err, size_t errlen);

/* The entry for an opcode (two_byte: 0F-prefixed) and ModR/M reg (-1 when
 * the opcode has no ModR/M byte). */
struct sst_form_meta sst_meta_lookup(const struct sst_meta *m, int two_byte, uint8_t opcode, int reg);

const char *sst_status_name(enum sst_status s);

#endif
