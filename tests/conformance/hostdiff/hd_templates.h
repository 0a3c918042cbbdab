/* Instruction templates of the generator. */
#ifndef HOSTDIFF_HD_TEMPLATES_H
#define HOSTDIFF_HD_TEMPLATES_H

struct hd_gen;

/* Emit one randomly chosen instruction (with any set-up it needs). */
void hd_emit_random_insn(struct hd_gen *g);

#endif
