/* Test construction: initial state and the sequence.
 *
 * Undefined flags. The generator tracks, instruction by instruction, the
 * set of arithmetic flags whose current value is undefined: an
 * instruction removes from it the flags it writes and adds the ones it
 * leaves undefined (hd_flagtab.c); a flag it does not touch keeps its
 * state. So at the end the set holds exactly the flags whose last writer
 * left them undefined, and only those are masked in the comparison.
 * Before an instruction that reads a flag in the set (ADC, SETcc, Jcc,
 * PUSHF, LAHF, DAA, RCL, ...), a CMP/ADD/SUB is emitted that defines all
 * six, so no undefined value ever flows into a register or memory.
 *
 * Flags out. The final EFLAGS only shows each flag's last writer, so after
 * a third of the instructions a checkpoint (hd_flag_checkpoint) stores
 * EFLAGS with the currently undefined bits cleared in the flag log, which
 * is compared with the rest of memory.
 */
#include "hd_gen.h"

#include <string.h>

#include "hd_emit.h"
#include "hd_templates.h"
#include "hd_x87.h"

static uint64_t test_seed(uint32_t seed, uint32_t index)
{
    return ((uint64_t)seed << 32 | index) * 0xD1B54A32D192ED03ull + 0x8BB84B93962EACC9ull;
}

void hd_generate(struct hd_test *t, uint32_t seed, uint32_t index)
{
    struct hd_gen g;
    memset(t, 0, sizeof *t);
    memset(&g, 0, sizeof g);
    g.rng.state = test_seed(seed, index);
    g.t = t;
    t->index = index;

    for (unsigned r = 0; r < 8; r++)
        t->regs[r] = hd_rand_value(&g);
    t->regs[HD_ESP] = HD_ESP0;
    g.esp = HD_ESP0;
    g.df = hd_chance(&g, 1, 4);
    t->eflags = (hd_rng_u32(&g.rng) & HD_ARITH) | (g.df ? HD_DF : 0) | HD_IF | 0x2;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        t->mem[i] = (uint8_t)hd_rng_u32(&g.rng);

    unsigned n = 4 + hd_below(&g, 13);
    for (unsigned i = 0; i < n; i++) {
        /* Leave room for the largest template and its set-up. */
        if (t->code_len > HD_SEQ_MAX - 1024 || t->ninsns > HD_MAX_INSNS - 32)
            break;
        hd_emit_random_insn(&g);
        if (hd_chance(&g, 1, 3) && g.esp - HD_STACK_ADDR >= 16)
            hd_flag_checkpoint(&g);
    }
    t->undefined_flags = g.undef;
}

void hd_generate_family(struct hd_test *t, unsigned family, uint32_t seed, uint32_t index)
{
    if (family == HD_FAMILY_X87)
        hd_generate_x87(t, seed, index);
    else
        hd_generate(t, seed, index);
}

uint32_t hd_tested_insns(const struct hd_test *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->ninsns; i++)
        n += !t->insns[i].setup;
    return n;
}

static uint32_t fnv(uint32_t h, const void *data, uint32_t len)
{
    const uint8_t *p = data;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint32_t fnv32(uint32_t h, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return fnv(h, b, 4);
}

uint32_t hd_test_hash(const struct hd_test *t, uint32_t h)
{
    for (unsigned r = 0; r < 8; r++)
        h = fnv32(h, t->regs[r]);
    h = fnv32(h, t->eflags);
    if (t->family)
        h = fnv32(h, 0x87000000u | t->family);   /* family 0 hashes as before */
    h = fnv32(h, t->undefined_flags);
    h = fnv(h, t->mem, HD_MEM_SIZE);
    h = fnv32(h, t->code_len);
    return fnv(h, t->code, t->code_len);
}

uint32_t hd_compared_flags(const struct hd_test *t)
{
    return (HD_ARITH | HD_DF | HD_IF) & ~t->undefined_flags;
}
