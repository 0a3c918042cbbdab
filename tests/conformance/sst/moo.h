/* Reader for MOO files, the SingleStepTests container (see
 * ../shared/sst/README.md for the layout).
 *
 * moo_open() decompresses a whole file (gzip'd or plain: zlib's gzread
 * passes plain files through) into memory and checks its header; tests are
 * then decoded one at a time, in place, without further allocation. Every
 * length is checked against its enclosing chunk, so a truncated or corrupt
 * file yields a one-line error naming the file, the test and the problem,
 * never a read out of bounds.
 */
#ifndef SHADOW86_SST_MOO_H
#define SHADOW86_SST_MOO_H

#include <stddef.h>
#include <stdint.h>

/* Register order of REGS masks: bit i is register i. */
enum moo_reg {
    MOO_AX, MOO_BX, MOO_CX, MOO_DX, MOO_CS, MOO_SS, MOO_DS, MOO_ES,
    MOO_SP, MOO_BP, MOO_SI, MOO_DI, MOO_IP, MOO_FLAGS, MOO_REG_COUNT
};
#define MOO_ALL_REGS ((1u << MOO_REG_COUNT) - 1)

extern const char *const moo_reg_names[MOO_REG_COUNT];

struct moo_regs {
    uint16_t mask;                /* which of v[] are present */
    uint16_t v[MOO_REG_COUNT];
};

/* A RAM list points into the file image: `count` packed 5-byte entries
 * (address u32, value u8); read them with moo_ram_addr/moo_ram_value. */
struct moo_ram {
    const uint8_t *entries;
    uint32_t count;
};

struct moo_state {
    struct moo_regs regs;
    struct moo_ram ram;
    struct moo_regs rmsk;         /* AND-masks for undefined register bits; mask 0 if none */
};

#define MOO_NAME_MAX 128
#define MOO_BYTES_MAX 32

struct moo_test {
    size_t offset;                /* of its TEST chunk: moo_test_at() decodes it again */
    uint32_t ordinal;             /* position in the file, from 0 */
    uint32_t index;               /* the test's own index */
    char name[MOO_NAME_MAX];      /* disassembly (truncated if longer) */
    uint8_t bytes[MOO_BYTES_MAX];
    uint32_t nbytes;
    struct moo_state init, fina;
    int has_excp;
    uint8_t excp_vector;
    uint32_t excp_flags_addr;
    int has_hash;
    uint8_t hash[20];
};

struct moo_file {
    const char *path;             /* as given; not copied */
    uint8_t *data;
    size_t len;
    size_t pos;                   /* next top-level chunk */
    uint32_t ordinal;
    uint8_t major, minor;
    uint32_t header_test_count;
    char cpu_id[5];
    int has_meta;
    uint32_t meta_opcode;
    char meta_mnemonic[9];
    uint8_t meta_cpu_mode;
    struct moo_regs rmsk;         /* file-level RMSK; mask 0 if none */
};

/* Decompresses and checks the header. Returns 0, or -1 with a one-line
 * "PATH: problem" in err. */
int moo_open(struct moo_file *f, const char *path, char *err, size_t errlen);
void moo_close(struct moo_file *f);

/* Decodes the next test. Returns 1 (got one), 0 (end of file) or -1 with
 * a one-line error in err. */
int moo_next(struct moo_file *f, struct moo_test *t, char *err, size_t errlen);
/* Decodes the test whose TEST chunk starts at `offset` (from t->offset). */
int moo_test_at(struct moo_file *f, size_t offset, uint32_t ordinal, struct moo_test *t, char *err, size_t errlen);

static inline uint32_t moo_ram_addr(const struct moo_ram *r, uint32_t i)
{
    const uint8_t *e = r->entries + (size_t)i * 5;
    return (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
}

static inline uint8_t moo_ram_value(const struct moo_ram *r, uint32_t i)
{
    return r->entries[(size_t)i * 5 + 4];
}

#endif
