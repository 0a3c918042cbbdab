/* Loading metadata.json into a flat lookup table. */
#include "sst_meta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const struct {
    const char *name;
    enum sst_status status;
} status_names[] = {
    { "normal", SST_STATUS_NORMAL },         { "alias", SST_STATUS_ALIAS },
    { "undocumented", SST_STATUS_UNDOCUMENTED }, { "undefined", SST_STATUS_UNDEFINED },
    { "fpu", SST_STATUS_FPU },               { "prefix", SST_STATUS_PREFIX },
    { "extension", SST_STATUS_EXTENSION },
};

const char *sst_status_name(enum sst_status s)
{
    for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
        if (status_names[i].status == s)
            return status_names[i].name;
    return "unknown";
}

/* Reads a whole (small) text file; NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= (64u << 20)) { /* metadata is a few hundred KiB */
            free(buf);
            buf = NULL;
            errno = EFBIG;
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
        errno = EIO;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int parse_hex_key(const char *k, int *two_byte, uint8_t *opcode)
{
    size_t n = strlen(k);
    unsigned v = 0;
    if (n != 2 && n != 4)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (unsigned)d;
    }
    if (n == 4 && (v >> 8) != 0x0F)
        return -1;
    *two_byte = n == 4;
    *opcode = (uint8_t)v;
    return 0;
}

static int read_entry(const struct json_node *e, struct sst_form_meta *out, const char *where, char *err, size_t errlen)
{
    const char *st = json_string(json_get(e, "status"));
    out->status = SST_STATUS_UNKNOWN;
    if (st) {
        for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
            if (strcmp(st, status_names[i].name) == 0)
                out->status = status_names[i].status;
        if (out->status == SST_STATUS_UNKNOWN) {
            snprintf(err, errlen, "opcode %s: unknown status \"%s\"", where, st);
            return -1;
        }
    }
    double mask;
    out->flags_mask = 0xFFFF;
    if (json_number(json_get(e, "flags-mask"), &mask)) {
        if (mask < 0 || mask > 0xFFFF || mask != (double)(uint16_t)mask) {
            snprintf(err, errlen, "opcode %s: flags-mask out of range", where);
            return -1;
        }
        out->flags_mask = (uint16_t)mask;
    }
    return 0;
}

int sst_meta_load(struct sst_meta *m, const char *path, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    for (int t = 0; t < 2; t++)
        for (int o = 0; o < 256; o++)
            for (int r = 0; r < 9; r++)
                m->form[t][o][r] = (struct sst_form_meta){ SST_STATUS_UNKNOWN, 0xFFFF };
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct json_doc doc;
    char jerr[200];
    int rc = json_parse(&doc, text, len, jerr, sizeof(jerr));
    free(text);
    if (rc) {
        snprintf(err, errlen, "%s: %s", path, jerr);
        return -1;
    }
    const struct json_node *ops = json_get(doc.root, "opcodes");
    if (!ops || ops->type != JSON_OBJECT) {
        snprintf(err, errlen, "%s: no \"opcodes\" object", path);
        json_free(&doc);
        return -1;
    }
    char eerr[160];
    for (const struct json_node *op = ops->child; op; op = op->next) {
        int tb;
        uint8_t code;
        if (parse_hex_key(op->key, &tb, &code) || op->type != JSON_OBJECT) {
            snprintf(err, errlen, "%s: bad opcode entry \"%s\"", path, op->key);
            json_free(&doc);
            return -1;
        }
        struct sst_form_meta *f = m->form[tb][code];
        if (read_entry(op, &f[0], op->key, eerr, sizeof(eerr)))
            goto bad;
        for (int r = 1; r < 9; r++)
            f[r] = f[0];
        const struct json_node *regs = json_get(op, "reg");
        if (!regs)
            continue;
        m->has_reg[tb][code] = 1;
        for (const struct json_node *re = regs->child; regs->type == JSON_OBJECT && re; re = re->next) {
            if (strlen(re->key) != 1 || re->key[0] < '0' || re->key[0] > '7' || re->type != JSON_OBJECT) {
                snprintf(eerr, sizeof(eerr), "opcode %s: bad reg member \"%s\"", op->key, re->key);
                goto bad;
            }
            if (read_entry(re, &f[1 + re->key[0] - '0'], op->key, eerr, sizeof(eerr)))
                goto bad;
        }
    }
    json_free(&doc);
    return 0;
bad:
    snprintf(err, errlen, "%s: %s", path, eerr);
    json_free(&doc);
    return -1;
}

struct sst_form_meta sst_meta_lookup(const struct sst_meta *m, int two_byte, uint8_t opcode, int reg)
{
    const struct sst_form_meta *f = m->form[two_byte ? 1 : 0][opcode];
    if (reg >= 0 && reg < 8 && m->has_reg[two_byte ? 1 : 0][opcode])
        return f[1 + reg];
    return f[0];
}
