/* Fuzz target: the decoder (cpu/decode.c) against Capstone.
 *
 * Input: one mode byte (bit 0: 32-bit code, else 16-bit), then up to 16
 * bytes of code, zero-padded to 16. Both decoders read the string; the
 * shared rule of tests/unit/decode_capstone_rules.c (the one the random
 * differential unit test applies) must find them agreeing or excuse the
 * difference by a documented entry. Anything else aborts with the bytes.
 *
 * Also: given only the first n bytes, the decoder must give the same
 * result when the instruction fits in them, and ask for more bytes (never
 * read past them: ASan would see it) when it does not.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "tests/unit/decode_capstone_rules.h"

static void fail(const struct capstone_sample *s, const char *what)
{
    fprintf(stderr, "fuzz_decode: %d-bit %s:", s->mode, what);
    for (unsigned i = 0; i < CAPSTONE_SAMPLE_LEN; i++)
        fprintf(stderr, " %02X", s->bytes[i]);
    fprintf(stderr, " | ours: status %d len %u opcode %03X | capstone: %s len %u \"%s\"\n",
            (int)s->st, s->in.len, s->in.opcode, s->cs_ok ? "ok" : "error", s->cs_len,
            s->cs_text);
    abort();
}

/* The decoder given exactly `n` bytes (a heap copy, so reading past them
 * is an ASan report) agrees with its 16-byte verdict. */
static void check_prefix_of(const struct capstone_sample *s, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    struct insn in;
    size_t need = 0;
    enum decode_status st;

    memcpy(copy, s->bytes, n);
    st = decode_insn(copy, n, s->mode == 32, &in, &need);
    free(copy);
    if (s->st == DECODE_OK && s->in.len <= n) {
        if (st != DECODE_OK || in.len != s->in.len || in.opcode != s->in.opcode)
            fail(s, "decodes differently from a shorter buffer");
    } else if (s->st == DECODE_OK && st != DECODE_NEED_MORE) {
        fail(s, "does not ask for more bytes when cut short");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t buf[CAPSTONE_SAMPLE_LEN] = { 0 };
    struct capstone_sample s;
    struct capstone_match m;
    char text[256];
    csh cs;
    cs_insn *ci;
    size_t n, need = 0, cs_size = CAPSTONE_SAMPLE_LEN;
    const uint8_t *code = buf;
    uint64_t addr = CAPSTONE_SAMPLE_ADDR;

    if (size < 1)
        return 0;
    n = size - 1 < CAPSTONE_SAMPLE_LEN ? size - 1 : CAPSTONE_SAMPLE_LEN;
    memcpy(buf, data + 1, n);
    memset(&s, 0, sizeof s);
    s.bytes = buf;
    s.mode = (data[0] & 1) ? 32 : 16;
    s.st = decode_insn(buf, CAPSTONE_SAMPLE_LEN, s.mode == 32, &s.in, &need);

    /* Capstone's handle is opened per input: it holds no state between
     * instructions that matters, and this keeps the target free of
     * process-wide state. */
    if (cs_open(CS_ARCH_X86, s.mode == 32 ? CS_MODE_32 : CS_MODE_16, &cs) != CS_ERR_OK)
        abort();
    ci = cs_malloc(cs);
    s.cs_ok = cs_disasm_iter(cs, &code, &cs_size, &addr, ci);
    s.cs_len = s.cs_ok ? ci->size : 0;
    s.cs_text = "";
    if (s.cs_ok) {
        snprintf(text, sizeof text, "%s %s", ci->mnemonic, ci->op_str);
        s.cs_text = text;
    }
    capstone_classify(&s, &m);
    if (m.verdict == CAPSTONE_UNEXPLAINED)
        fail(&s, m.what);
    cs_free(ci, 1);
    cs_close(&cs);

    check_prefix_of(&s, n);
    return 0;
}
