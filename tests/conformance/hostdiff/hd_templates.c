/* Instruction templates: forward branches and the template table. */
#include "hd_templates.h"

#include "hd_tpl.h"

/* ---- forward branches --------------------------------------------------- */

/* A branch over a body of one random instruction (with its set-up). The
 * body's flag effect may or may not happen: a flag is undefined after the
 * join if it is undefined on either path. */
static int emit_body(struct hd_gen *g, uint32_t max_len, uint32_t undef_before);

static void tpl_jcc(struct hd_gen *g)
{
    unsigned cc = hd_below(g, 16);
    int near = hd_chance(g, 1, 4);
    hd_need_flags(g, hd_cond_reads(cc));
    hd_insn_begin(g, 0);
    if (hd_chance(g, 1, 8))
        hd_e8(g, hd_chance(g, 1, 2) ? 0x2E : 0x3E);   /* branch hints */
    if (near) {
        hd_e8(g, 0x0F);
        hd_e8(g, 0x80 + cc);
        hd_e32(g, 0);
    } else {
        hd_e8(g, 0x70 + cc);
        hd_e8(g, 0);
    }
    uint32_t at = g->t->code_len;
    int len = emit_body(g, near ? 1024 : 127, g->undef);
    if (near) {
        for (int i = 0; i < 4; i++)
            g->t->code[at - 4 + i] = (uint8_t)((uint32_t)len >> (8 * i));
    } else {
        g->t->code[at - 1] = (uint8_t)len;
    }
}

/* LOOP/LOOPE/LOOPNE/JECXZ forward, with ECX or (67h) CX as the counter. */
static void tpl_loop(struct hd_gen *g)
{
    unsigned op = hd_below(g, 4);               /* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JECXZ */
    if (op < 2)
        hd_need_flags(g, HD_ZF);
    if (hd_chance(g, 1, 2))
        hd_setup_mov(g, HD_ECX, hd_chance(g, 1, 2) ? hd_below(g, 3) : hd_rand_value(g));
    hd_insn_begin(g, 0);
    if (hd_chance(g, 1, 4))
        hd_e8(g, 0x67);
    hd_e8(g, 0xE0 + op);
    hd_e8(g, 0);
    uint32_t at = g->t->code_len;
    g->t->code[at - 1] = (uint8_t)emit_body(g, 127, g->undef);
}

/* A body that is never executed: its flag effect does not happen. */
static uint32_t skipped_body(struct hd_gen *g, uint32_t max_len)
{
    uint32_t undef = g->undef;
    uint32_t len = (uint32_t)emit_body(g, max_len, undef);
    g->undef = undef;
    return len;
}

static void patch32(struct hd_gen *g, uint32_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        g->t->code[at + i] = (uint8_t)(v >> (8 * i));
}

/* JMP short/near forward over a body. */
static void tpl_jmp(struct hd_gen *g)
{
    int near = hd_chance(g, 1, 2);
    hd_insn_begin(g, 0);
    hd_e8(g, near ? 0xE9 : 0xEB);
    if (near)
        hd_e32(g, 0);
    else
        hd_e8(g, 0);
    uint32_t at = g->t->code_len;
    uint32_t len = skipped_body(g, near ? 1024 : 127);
    if (near)
        patch32(g, at - 4, len);
    else
        g->t->code[at - 1] = (uint8_t)len;
}

/* Forward CALL (direct, through a register or memory) or PUSH target; RET
 * [imm16], over a body. The pushed return address is an absolute address,
 * the same natively and in the emulator since the sequence sits at the
 * same place. After a CALL, half the time the return address is popped. */
static void tpl_call_ret(struct hd_gen *g)
{
    unsigned form = hd_below(g, 4);             /* E8, FF /2 reg, FF /2 mem, RET */
    if (room_below(g) < 32 || room_above(g) < 48)
        return;
    struct hd_test *t = g->t;
    uint32_t at, len;
    if (form == 0) {
        hd_insn_begin(g, 0);
        hd_e8(g, 0xE8);
        hd_e32(g, 0);
        at = t->code_len;
        len = skipped_body(g, 1024);
        patch32(g, at - 4, len);
    } else {
        /* The target is only known after the body: emit a MOV/PUSH with a
         * placeholder and patch it. */
        unsigned reg = hd_rand_wreg(g, 4, 0);
        uint32_t slot = HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - 3);
        uint32_t imm_at;
        hd_insn_begin(g, 1);
        if (form == 1) {
            hd_e8(g, 0xB8 + reg);               /* MOV reg, target */
        } else if (form == 2) {
            hd_e8(g, 0xC7);                     /* MOV dword [slot], target */
            hd_e8(g, 0x05);
            hd_e32(g, slot);
        } else {
            hd_e8(g, 0x68);                     /* PUSH target */
        }
        imm_at = t->code_len;
        hd_e32(g, 0);
        unsigned ret_pop = form == 3 && hd_chance(g, 1, 2) ? 2 * hd_below(g, 9) : 0;
        hd_insn_begin(g, 0);
        if (form == 1) {
            hd_e8(g, 0xFF);
            hd_e8(g, 0xD0 | reg);
        } else if (form == 2) {
            hd_e8(g, 0xFF);
            hd_e8(g, 0x15);
            hd_e32(g, slot);
        } else if (ret_pop) {
            hd_e8(g, 0xC2);
            hd_e16(g, ret_pop);
        } else {
            hd_e8(g, 0xC3);
        }
        skipped_body(g, 1024);
        patch32(g, imm_at, HD_SEQ_ADDR + t->code_len);
        if (form == 3) {
            g->esp += ret_pop;                  /* PUSH and RET cancel out */
            return;
        }
    }
    g->esp -= 4;
    if (hd_chance(g, 1, 2)) {
        hd_insn_begin(g, 0);
        hd_e8(g, 0x58 + hd_rand_wreg(g, 4, 0));
        g->esp += 4;
    }
}

/* ---- the template table ------------------------------------------------- */

struct hd_template {
    void (*emit)(struct hd_gen *g);
    unsigned weight;
    int body_ok;     /* keeps ESP and DF, no branch: may sit in a branch body */
};

static const struct hd_template templates[] = {
    { tpl_alu, 16, 1 },       { tpl_test, 3, 1 },     { tpl_incdec, 4, 1 },
    { tpl_notneg, 3, 1 },     { tpl_shift, 12, 1 },   { tpl_shxd, 5, 1 },
    { tpl_mul1, 4, 1 },       { tpl_imul, 4, 1 },     { tpl_div, 5, 1 },
    { tpl_bt, 6, 1 },         { tpl_bsf, 4, 1 },      { tpl_bswap, 1, 1 },
    { tpl_xadd, 3, 1 },       { tpl_cmpxchg, 3, 1 },  { tpl_cmpxchg8b, 1, 1 },
    { tpl_xchg, 2, 1 },       { tpl_cmov, 4, 1 },     { tpl_setcc, 4, 1 },
    { tpl_mov, 3, 1 },        { tpl_movx, 3, 1 },     { tpl_lea, 3, 1 },
    { tpl_convert, 2, 1 },    { tpl_lahf_sahf, 2, 1 }, { tpl_carry, 2, 1 },
    { tpl_direction, 1, 0 },  { tpl_bcd, 6, 1 },      { tpl_nop, 1, 1 },
    { tpl_xlat, 1, 1 },       { tpl_push, 3, 0 },     { tpl_pop, 3, 0 },
    { tpl_pushf, 1, 0 },      { tpl_popf, 2, 0 },     { tpl_pusha_popa, 1, 0 },
    { tpl_enter_leave, 1, 0 }, { tpl_string, 6, 0 },  { tpl_jcc, 4, 0 },
    { tpl_loop, 2, 0 },       { tpl_pop_esp, 1, 0 },  { tpl_jmp, 1, 0 },
    { tpl_call_ret, 2, 0 },   { tpl_smc, 1, 1 },
};

#define HD_NTEMPLATES (sizeof templates / sizeof templates[0])

static const struct hd_template *pick_template(struct hd_gen *g)
{
    unsigned total = 0;
    for (unsigned i = 0; i < HD_NTEMPLATES; i++)
        if (!g->in_body || templates[i].body_ok)
            total += templates[i].weight;
    unsigned x = hd_below(g, total);
    for (unsigned i = 0; i < HD_NTEMPLATES; i++) {
        if (g->in_body && !templates[i].body_ok)
            continue;
        if (x < templates[i].weight)
            return &templates[i];
        x -= templates[i].weight;
    }
    return &templates[0];
}

/* Emits the body and returns its length. A body too long for the branch's
 * displacement is discarded and drawn again. */
static int emit_body(struct hd_gen *g, uint32_t max_len, uint32_t undef_before)
{
    struct hd_test *t = g->t;
    uint32_t start = t->code_len, ninsns = t->ninsns;
    for (;;) {
        g->in_body = 1;
        g->undef = undef_before;
        pick_template(g)->emit(g);
        g->in_body = 0;
        uint32_t len = t->code_len - start;
        if (len <= max_len) {
            g->undef |= undef_before;
            return (int)len;
        }
        t->code_len = start;
        t->ninsns = ninsns;
    }
}

void hd_emit_random_insn(struct hd_gen *g)
{
    pick_template(g)->emit(g);
}
