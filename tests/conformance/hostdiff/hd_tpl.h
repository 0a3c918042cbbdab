/* Shared by the template files: the instruction templates (one function
 * per instruction family, each emitting its set-up, the instruction and its
 * flag effect) and small helpers. The table that picks among them is in
 * hd_templates.c. */
#ifndef HOSTDIFF_HD_TPL_H
#define HOSTDIFF_HD_TPL_H

#include "hd_emit.h"

static inline unsigned hd_width(unsigned size) { return size * 8; }
/* The w bit of byte/full-size opcode pairs. */
static inline unsigned hd_wbit(unsigned size) { return size == 1 ? 0 : 1; }

/* Room in the stack window below and above ESP. */
static inline uint32_t room_below(const struct hd_gen *g) { return g->esp - HD_STACK_ADDR; }
static inline uint32_t room_above(const struct hd_gen *g) { return HD_STACK_ADDR + HD_STACK_SIZE - g->esp; }

/* hd_tpl_arith.c */
void tpl_alu(struct hd_gen *g);
void tpl_test(struct hd_gen *g);
void tpl_incdec(struct hd_gen *g);
void tpl_notneg(struct hd_gen *g);
void tpl_shift(struct hd_gen *g);
void tpl_shxd(struct hd_gen *g);
void tpl_mul1(struct hd_gen *g);
void tpl_imul(struct hd_gen *g);
void tpl_div(struct hd_gen *g);
void tpl_bt(struct hd_gen *g);
void tpl_bsf(struct hd_gen *g);
void tpl_bswap(struct hd_gen *g);

/* hd_tpl_data.c */
void tpl_xadd(struct hd_gen *g);
void tpl_cmpxchg(struct hd_gen *g);
void tpl_cmpxchg8b(struct hd_gen *g);
void tpl_xchg(struct hd_gen *g);
void tpl_cmov(struct hd_gen *g);
void tpl_setcc(struct hd_gen *g);
void tpl_mov(struct hd_gen *g);
void tpl_movx(struct hd_gen *g);
void tpl_lea(struct hd_gen *g);
void tpl_convert(struct hd_gen *g);
void tpl_lahf_sahf(struct hd_gen *g);
void tpl_carry(struct hd_gen *g);
void tpl_direction(struct hd_gen *g);
void tpl_bcd(struct hd_gen *g);
void tpl_nop(struct hd_gen *g);
void tpl_xlat(struct hd_gen *g);
void tpl_smc(struct hd_gen *g);

/* hd_tpl_stack.c */
void tpl_push(struct hd_gen *g);
void tpl_pop(struct hd_gen *g);
void tpl_pushf(struct hd_gen *g);
void tpl_popf(struct hd_gen *g);
void tpl_pusha_popa(struct hd_gen *g);
void tpl_enter_leave(struct hd_gen *g);
void tpl_pop_esp(struct hd_gen *g);
void tpl_string(struct hd_gen *g);

#endif
