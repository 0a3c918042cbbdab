/* Generator internals: the byte emitter, operand builders and the
 * undefined-flag tracker the instruction templates are written with.
 */
#ifndef HOSTDIFF_HD_EMIT_H
#define HOSTDIFF_HD_EMIT_H

#include <stdint.h>

#include "hd_flagtab.h"
#include "hd_gen.h"
#include "hd_rng.h"

struct hd_gen {
    struct hd_rng rng;
    struct hd_test *t;
    /* Flags whose current value is undefined: the last instruction that
     * wrote each of them left it undefined. Instructions that read a flag
     * in this set get a defining instruction emitted before them. */
    uint32_t undef;
    /* ESP and DF are known statically at every point of the sequence:
     * the generator keeps PUSH/POP inside the stack window and knows every
     * value CLD/STD/POPF put in DF. */
    uint32_t esp;
    int df;
    /* Inside the body a forward branch may skip: no stack, DF or branch
     * instructions, so ESP and DF stay statically known after the join. */
    int in_body;
    unsigned checkpoints;   /* flag-log slots used */
};

/* A ModRM operand: a register or a memory operand whose address registers
 * were loaded by set-up instructions already emitted. */
struct hd_rm {
    int mem;
    unsigned reg;        /* register number when !mem */
    uint32_t ea;         /* effective address when mem */
    uint8_t enc[7];      /* modrm [sib] [disp] with reg field 0 */
    unsigned enc_len;
    uint8_t seg;         /* segment-override prefix, or 0 */
};

#define HD_BIT(r) (1u << (r))

static inline uint32_t hd_below(struct hd_gen *g, uint32_t n) { return hd_rng_below(&g->rng, n); }
static inline int hd_chance(struct hd_gen *g, uint32_t num, uint32_t den)
{
    return hd_rng_chance(&g->rng, num, den);
}

void hd_e8(struct hd_gen *g, uint32_t v);
void hd_e16(struct hd_gen *g, uint32_t v);
void hd_e32(struct hd_gen *g, uint32_t v);
void hd_eimm(struct hd_gen *g, uint32_t v, unsigned size);

/* Start an instruction note at the current offset. */
void hd_insn_begin(struct hd_gen *g, int setup);
/* Record the flag effect of the instruction just begun and update the
 * undefined-flag state. */
void hd_insn_flags(struct hd_gen *g, enum hd_fclass fc, unsigned width, unsigned count);
/* Make every flag in `reads` defined before an instruction reads it. */
void hd_need_flags(struct hd_gen *g, uint32_t reads);

/* Store the defined flags in the next flag-log slot and clear the
 * undefined ones, leaving every flag defined (see hd_gen.c). */
void hd_flag_checkpoint(struct hd_gen *g);

/* Biased random values: edges (0, 1, -1, sign bits) often, else uniform. */
uint32_t hd_rand_value(struct hd_gen *g);
unsigned hd_rand_size(struct hd_gen *g);          /* 1, 2 or 4 */
/* A register the sequence may write at `size`: never ESP/SP, and none in
 * `avoid` (8-bit registers 4-7 are AH..BH and always fine). */
unsigned hd_rand_wreg(struct hd_gen *g, unsigned size, uint32_t avoid);

/* Set-up instructions (notes marked setup). */
void hd_setup_mov(struct hd_gen *g, unsigned reg, uint32_t value);
void hd_setup_mov8(struct hd_gen *g, unsigned reg8, uint8_t value);
void hd_setup_store(struct hd_gen *g, uint32_t addr, unsigned size, uint32_t value);

/* Random address for a `size`-byte access in the buffer or stack window. */
uint32_t hd_rand_target(struct hd_gen *g, unsigned size);
/* Memory operand addressing `target`, in a random 32-bit ModRM/SIB form;
 * loads the address registers it uses (never one in `avoid`). `esp` is
 * the value ESP will have when the address is computed. */
void hd_mem_at(struct hd_gen *g, uint32_t target, uint32_t avoid, uint32_t esp, struct hd_rm *rm);
/* Register operand. */
void hd_rm_reg(struct hd_rm *rm, unsigned reg);
/* Register or (half the time) memory operand of `size`. */
void hd_rm_pick(struct hd_gen *g, unsigned size, int write, uint32_t avoid, struct hd_rm *rm);
/* Emit the ModRM bytes with `regfield`. */
void hd_rm_emit(struct hd_gen *g, unsigned regfield, const struct hd_rm *rm);

/* Emit prefixes in random order: 66 when size == 2, F0 when lock, and the
 * operand's segment override. */
void hd_prefixes(struct hd_gen *g, unsigned size, int lock, uint8_t seg);

#endif
