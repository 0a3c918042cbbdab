/* Translation: decode a guest basic block once and bind each instruction
 * to its cpu/ handler. */
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/operand.h"
#include "dbt/cache.h"
#include "dbt/translate.h"
#include "dbt/uops.h"

/* Instructions after which the block must end: control transfers (the
 * next EIP is not known at translation time), and instructions that may
 * change mode, paging, interrupt or debug state, or that restart
 * themselves (REP string slices). */
static int ends_block(const struct insn *in)
{
    switch (in->op) {
    case OP_JMP: case OP_JMP_IND: case OP_JMP_FAR: case OP_JMP_FAR_IND:
    case OP_CALL: case OP_CALL_IND: case OP_CALL_FAR: case OP_CALL_FAR_IND:
    case OP_RET: case OP_RETF: case OP_IRET: case OP_JCC: case OP_JCXZ:
    case OP_LOOP: case OP_LOOPE: case OP_LOOPNE:
    case OP_INT: case OP_INT3: case OP_INTO: case OP_INT1:
    case OP_HLT: case OP_UD2: case OP_INVALID:
    case OP_POPF: case OP_CLI: case OP_STI:
    case OP_MOV_TO_CR: case OP_MOV_TO_DR: case OP_LMSW: case OP_CLTS:
    case OP_LGDT: case OP_LIDT: case OP_LLDT: case OP_LTR: case OP_INVLPG:
    case OP_WRMSR: case OP_SYSENTER: case OP_SYSEXIT: case OP_RSM:
    case OP_INVD: case OP_WBINVD:
    case OP_OUT:   /* a device may stop the machine or raise an interrupt */
        return 1;
    case OP_MOV_TO_SREG: case OP_POP_SREG:
        return in->opnd[0].reg == SEG_SS;   /* interrupt shadow */
    case OP_MOVS: case OP_CMPS: case OP_STOS: case OP_LODS: case OP_SCAS:
    case OP_INS:
        return in->rep != REP_NONE;
    case OP_OUTS:
        return 1;
    case OP_NOP:   /* PAUSE (F3 90) may end the CPU's turn (cpu_io.pause) */
        return in->rep == REP_E && in->nopnd == 0;
    default:
        return 0;
    }
}

/* Direct transfers and fall-throughs may be chained to their successor. */
static int direct_exit(const struct insn *in)
{
    switch (in->op) {
    case OP_JMP: case OP_JCC: case OP_JCXZ: case OP_CALL:
    case OP_LOOP: case OP_LOOPE: case OP_LOOPNE:
        return in->opnd[0].kind == OPK_REL;
    default:
        return !ends_block(in);
    }
}

struct dbt_block *dbt_translate(struct dbt *d, uint32_t phys, uint32_t mode)
{
    struct cpu *cpu = d->cpu;
    const struct seg_cache *cs = &cpu->seg[SEG_CS];
    int code32 = (cs->attr & SEG_ATTR_DB) != 0;
    struct dbt_uop tmp[DBT_BLOCK_MAX];
    uint32_t eip = cpu->eip, start_lin = cs->base + eip;
    uint32_t page_end = (start_lin & ~0xFFFu) + 0x1000;   /* linear end of the first page */
    uint32_t second_page_phys = phys & ~0xFFFu;
    unsigned n = 0;
    int chainable = 0;

    while (n < d->block_limit) {
        uint8_t bytes[INSN_MAX_LEN];
        struct insn in;
        unsigned got = cpu_fetch(cpu, eip, bytes, INSN_MAX_LEN);
        if (decode_insn(bytes, got, code32, &in, NULL) != DECODE_OK)
            break;   /* the interpreter raises the fault when it gets there */
        uint32_t lin = cs->base + eip;
        uint32_t next = eip + in.len;
        if (!code32 && next > 0xFFFF)
            break;   /* bytes wrap the 16-bit IP: leave it to the interpreter */
        int straddles = lin + in.len > page_end;
        if (lin >= page_end)
            break;
        if (straddles && dbt_code_phys(cpu, page_end, &second_page_phys) != 0)
            break;   /* [mmu] cannot happen: the bytes were just fetched */
        struct dbt_uop *u = &tmp[n];
        u->idx = (uint16_t)n++;
        u->eip = eip;
        u->next_eip = code32 ? next : (next & 0xFFFF);
        u->in = in;
        if (ends_block(&in) || straddles) {
            chainable = direct_exit(&in) && !straddles;
            break;
        }
        eip = u->next_eip;
        chainable = 1;
        if (cs->base + eip >= page_end)
            break;   /* never chain across pages: the next block looks itself up */
    }
    if (n == 0)
        return NULL;

    /* Flag liveness, backward: a flag result matters unless a later
     * instruction overwrites all flags before anything reads them. The
     * block's successor may read them, so they are live at its end. */
    int live = 1;
    for (unsigned i = n; i-- > 0;) {
        tmp[i].flags_live = (uint8_t)live;
        if (dbt_insn_kills_flags(&tmp[i].in))
            live = 0;
        else if (!dbt_insn_flag_transparent(&tmp[i].in))
            live = 1;
    }
    /* The native backend calls each micro-op (the call variant); the
     * portable one threads them. */
    for (unsigned i = 0; i < n; i++) {
        tmp[i].fused = 0;
        if (d->native)
            dbt_bind_uop_call(d, &tmp[i], cs->limit);
        else
            dbt_bind_uop(d, &tmp[i], cs->limit);
    }
    /* Fuse a compare with the conditional branch that ends the block. */
    if (n >= 2) {
        dbt_uop_fn f = d->native ? dbt_fused_form_call(&tmp[n - 2], &tmp[n - 1])
                                 : dbt_fused_form(&tmp[n - 2], &tmp[n - 1]);
        if (f) {
            tmp[n - 2].fn = f;
            tmp[n - 2].fused = 1;
        }
    }
    dbt_uop_fn lastfn = tmp[n - 1].fn;
    int ends_slow = lastfn == dbt_uop_full || lastfn == dbt_uop_callout ||
                    lastfn == dbt_uop_full_x87 || lastfn == dbt_uop_full_call ||
                    lastfn == dbt_uop_callout_call || lastfn == dbt_uop_full_x87_call;

    struct dbt_block *b = calloc(1, sizeof *b + (n + 1) * sizeof(struct dbt_uop));
    if (!b)
        abort();   /* host out of memory */
    memcpy(b->uops, tmp, n * sizeof(struct dbt_uop));
    b->uops[n].idx = (uint16_t)n;
    b->n = (uint16_t)n;
    b->eip = cpu->eip;
    b->cs_base = cs->base;
    b->cs_limit = cs->limit;
    b->mode = mode;
    b->phys = phys;
    b->phys_page[0] = phys & ~0xFFFu;
    b->phys_page[1] = second_page_phys;
    b->span = (uint16_t)((tmp[n - 1].eip - b->eip) + tmp[n - 1].in.len);
    b->first_len = (uint16_t)(b->span < 0x1000 - (phys & 0xFFF) ? b->span : 0x1000 - (phys & 0xFFF));
    b->valid = 1;
    b->chainable = (uint8_t)chainable;
    b->ends_slow = (uint8_t)ends_slow;
    b->ends_call = (uint8_t)(tmp[n - 1].in.op == OP_CALL || tmp[n - 1].in.op == OP_CALL_IND);
    b->ends_ret = (uint8_t)(tmp[n - 1].in.op == OP_RET);
    b->straddles = (uint8_t)(b->span > b->first_len);
    b->uops[n].fn = dbt_end_sentinel(b);
    b->stamp = ++d->next_stamp;
    d->stats.blocks_translated++;
    d->stats.insns_translated += n;
    return b;
}
