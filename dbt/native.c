/* The native backend (dbt/native.h): lowering a block to x86-64 code,
 * entering it, and patching its exits. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dbt/native.h"

#if DBT_NATIVE_AVAILABLE

#include <errno.h>

#include "dbt/code_buffer.h"
#include "dbt/native_inline.h"
#include "dbt/native_mem.h"
#include "dbt/uops.h"
#include "dbt/x64_emit.h"

/* A link into a block: the block whose exit slot jumps to it. */
struct dbt_native_in {
    struct dbt_block *from;
    int slot;
};

struct dbt_native_block {
    uintptr_t chain_entry;          /* checks the budget, then body */
    uintptr_t body;                 /* the first micro-op's call */
    uintptr_t slot_rel[DBT_SLOT_COUNT];   /* each exit slot's JMP rel32 field, or 0 */
    struct dbt_block *slot_to[DBT_SLOT_COUNT];   /* what it is linked to, or NULL */
    uintptr_t done;                 /* the exit that returns DBT_NATIVE_DONE */
    struct dbt_native_in *in;       /* links into this block (some may be stale) */
    unsigned nin, capin;
};

struct dbt_native {
    struct dbt_code_buffer cb;
    uintptr_t enter;                /* int enter(cpu, d, body) */
    uintptr_t exit;                 /* EAX: the exit code */
    size_t shared_end;              /* bytes of shared code at the start */
    struct dbt_block *ret_caller;
};

typedef int (*enter_fn)(struct cpu *cpu, struct dbt *d, uintptr_t body);

/* Host registers held across a run of blocks (callee-saved, so the
 * micro-ops' calls keep them). */
#define R_CPU X64_RBX
#define R_DBT X64_R12
#define D_OFF(field) ((int32_t)offsetof(struct dbt, field))
#define CPU_EIP ((int32_t)offsetof(struct cpu, eip))

/* The entry and exit shared by every block, at the buffer's start. The
 * entry saves the callee-saved registers (six pushes and 8 bytes more keep
 * RSP 16-byte aligned at every call the blocks make, as the SysV ABI
 * wants), loads RBX and R12 and jumps to the block; the exit undoes it
 * and returns EAX. A fault longjmps from a micro-op straight to
 * dbt_exec()'s setjmp, which restores the same registers. */
static void emit_shared(struct dbt_native *n)
{
    struct x64_emit e;
    x64_init(&e, n->cb.rw, (uintptr_t)n->cb.rx, n->cb.size);
    n->enter = e.x;
    x64_push(&e, X64_RBX);
    x64_push(&e, X64_RBP);
    x64_push(&e, X64_R12);
    x64_push(&e, X64_R13);
    x64_push(&e, X64_R14);
    x64_push(&e, X64_R15);
    x64_sub_rsp_i8(&e, 8);
    x64_mov_rr(&e, R_CPU, X64_RDI);
    x64_mov_rr(&e, R_DBT, X64_RSI);
    x64_jmp_r(&e, X64_RDX);
    n->exit = e.x;
    x64_add_rsp_i8(&e, 8);
    x64_pop(&e, X64_R15);
    x64_pop(&e, X64_R14);
    x64_pop(&e, X64_R13);
    x64_pop(&e, X64_R12);
    x64_pop(&e, X64_RBP);
    x64_pop(&e, X64_RBX);
    x64_ret(&e);
    n->shared_end = (e.x - (uintptr_t)n->cb.rx + 63) & ~(size_t)63;
    n->cb.used = n->shared_end;
}

struct dbt_native *dbt_native_create(size_t bytes, char *err, size_t errsz)
{
    struct dbt_native *n = calloc(1, sizeof *n);
    if (!n) {
        snprintf(err, errsz, "out of memory for the native backend");
        return NULL;
    }
    if (bytes < DBT_NATIVE_MIN_BUFFER)
        bytes = DBT_NATIVE_MIN_BUFFER;
    if (dbt_code_buffer_init(&n->cb, bytes, (const void *)(uintptr_t)&dbt_uop_full_call) != 0) {
        snprintf(err, errsz, "cannot map a %zu-byte code buffer: %s", bytes, strerror(errno));
        free(n);
        return NULL;
    }
    emit_shared(n);
    return n;
}

void dbt_native_destroy(struct dbt_native *n)
{
    if (!n)
        return;
    dbt_code_buffer_free(&n->cb);
    free(n);
}

size_t dbt_native_used(const struct dbt_native *n)
{
    return n->cb.used;
}

size_t dbt_native_size(const struct dbt_native *n)
{
    return n->cb.size;
}

/* Point the rel32 field at executable address `site` to `target`. */
static void patch(struct dbt_native *n, uintptr_t site, uintptr_t target)
{
    x64_patch_rel32(dbt_code_rw(&n->cb, site), site, target);
}

/* Forward references to one label, fixed once it is placed. */
struct fixups {
    uintptr_t site[DBT_BLOCK_MAX + 4];
    unsigned n;
};

static void fix_add(struct fixups *f, uintptr_t site)
{
    if (site && f->n < sizeof f->site / sizeof f->site[0])
        f->site[f->n++] = site;
}

static void fix_all(struct dbt_native *n, const struct fixups *f, uintptr_t target)
{
    for (unsigned i = 0; i < f->n; i++)
        patch(n, f->site[i], target);
}

/* Push block b on the return prediction stack, as the portable run loop
 * does when a CALL block completes: d->rsb[d->rsb_top++ & 15] = b. */
static void emit_rsb_push(struct x64_emit *e, const struct dbt_block *b)
{
    x64_mov_rm32(e, X64_RAX, R_DBT, D_OFF(rsb_top));
    x64_lea_r32_disp8(e, X64_RCX, X64_RAX, 1);
    x64_mov_mr32(e, R_DBT, D_OFF(rsb_top), X64_RCX);
    x64_and_ri8_32(e, X64_RAX, 15);
    x64_mov_ri64(e, X64_RCX, (uintptr_t)b);
    x64_mov_mr_idx8(e, R_DBT, X64_RAX, D_OFF(rsb), X64_RCX);
}

uintptr_t dbt_native_next(struct dbt *d);

/* After a completed RET block (d->icount0 already counts it), the return
 * prediction inline, as dbt_end_ret does for the portable backend: pop
 * the caller block, remember it for the jump cache (ret_caller), and
 * enter the caller's recorded successor when its EIP and stamp match, it
 * lies on one page, has code and fits the budget; else the done exit,
 * which probes the jump cache. */
#define B_OFF(field) ((int32_t)offsetof(struct dbt_block, field))
static void emit_ret_next(struct x64_emit *e, struct dbt_native *n, struct fixups *to_done)
{
    x64_mov_rm32(e, X64_RAX, R_DBT, D_OFF(rsb_top));
    x64_alu_ri32(e, X64_SUB, X64_RAX, 1);
    x64_mov_mr32(e, R_DBT, D_OFF(rsb_top), X64_RAX);
    x64_and_ri8_32(e, X64_RAX, 15);
    x64_mov_rm_idx8(e, X64_RCX, R_DBT, X64_RAX, D_OFF(rsb));          /* c */
    x64_mov_ri64(e, X64_RDX, (uintptr_t)&n->ret_caller);
    x64_mov_mr(e, X64_RDX, 0, X64_RCX);                                /* ret_caller = c */
    x64_test_rr(e, X64_RCX, X64_RCX);
    fix_add(to_done, x64_jcc(e, X64_CC_E, 0));
    x64_mov_rm(e, X64_RSI, X64_RCX, B_OFF(ret_succ));                  /* its successor */
    x64_test_rr(e, X64_RSI, X64_RSI);
    fix_add(to_done, x64_jcc(e, X64_CC_E, 0));
    x64_mov_rm32(e, X64_RAX, X64_RCX, B_OFF(ret_succ_eip));
    x64_cmp_rm32(e, X64_RAX, R_CPU, CPU_EIP);
    fix_add(to_done, x64_jcc(e, X64_CC_NE, 0));
    x64_mov_rm32(e, X64_RAX, X64_RCX, B_OFF(ret_succ_stamp));
    x64_cmp_rm32(e, X64_RAX, X64_RSI, B_OFF(stamp));
    fix_add(to_done, x64_jcc(e, X64_CC_NE, 0));
    x64_cmp_m8_i8(e, X64_RSI, B_OFF(straddles), 0);
    fix_add(to_done, x64_jcc(e, X64_CC_NE, 0));
    x64_mov_rm(e, X64_RDI, X64_RSI, B_OFF(native));
    x64_test_rr(e, X64_RDI, X64_RDI);
    fix_add(to_done, x64_jcc(e, X64_CC_E, 0));
    _Static_assert(sizeof(((struct dbt_block *)0)->n) == 2, "dbt_block.n: 16 bits");
    x64_load32(e, X64_RAX, X64_RSI, B_OFF(n), 2, 0);
    x64_mov_rm(e, X64_R8, R_DBT, D_OFF(icount0));
    x64_add_rr(e, X64_R8, X64_RAX);
    x64_cmp_rm(e, X64_R8, R_DBT, D_OFF(chain_end));
    fix_add(to_done, x64_jcc(e, X64_CC_A, 0));
    x64_mov_ri32(e, X64_RAX, 0);
    x64_mov_mr(e, X64_RDX, 0, X64_RAX);                                /* ret_caller = NULL */
    x64_mov_mr(e, R_DBT, D_OFF(running), X64_RSI);
    x64_inc_m64(e, R_DBT, D_OFF(inline_runs));
    x64_mov_rm(e, X64_RAX, X64_RDI, (int32_t)offsetof(struct dbt_native_block, body));
    x64_jmp_r(e, X64_RAX);
}

/* A call of micro-op u: it returns NULL to stop the run (to_stop). */
static void emit_call(struct x64_emit *e, const struct dbt_uop *u, struct fixups *to_stop)
{
    x64_mov_rr(e, X64_RDI, R_CPU);
    x64_mov_ri64(e, X64_RSI, (uintptr_t)u);
    x64_mov_rr(e, X64_RDX, R_DBT);
    x64_call(e, (uintptr_t)u->fn);
    x64_test_rr(e, X64_RAX, X64_RAX);
    fix_add(to_stop, x64_jcc(e, X64_CC_E, 0));
}

/* An inline fast half's way out: the call of its micro-op, placed out of
 * line after the block's exits, then back to `resume`. */
_Static_assert(DBT_INLINE_MISS == DBT_INLINE_MEM_MISS, "one miss list for both kinds");

struct cold {
    const struct dbt_uop *u;
    uintptr_t miss[DBT_INLINE_MEM_MISS];
    unsigned nmiss;
    uintptr_t resume;
    /* Inline softtlb hits not yet added to the statistics where the miss
     * leaves the inline code and where it resumes (struct hits). */
    unsigned before[SOFTTLB_ACCESS_TYPES], after[SOFTTLB_ACCESS_TYPES];
};

/* The softtlb hits of inline memory forms are counted at translation
 * time: `pending` holds those the code since the last addition has made
 * on its hit path, and the code adds them to cpu->tlb.stats.hit in one
 * instruction per access type before anything that could end the run
 * or look (a call, a block exit). A miss's out-of-line call first adds
 * the hits before its instruction (the call may fault, and the fault
 * leaves by longjmp), and after the call takes back those up to and with
 * its instruction (the micro-op counted its own access), since the code
 * it resumes adds them again: the statistics stay the portable
 * backend's to the last hit, with one addition per stretch instead of
 * one increment per access. */
static void add_hits(struct x64_emit *e, const unsigned h[SOFTTLB_ACCESS_TYPES], int sign)
{
    for (int t = 0; t < SOFTTLB_ACCESS_TYPES; t++)
        if (h[t])
            x64_add_m64_i32(e, R_CPU, (int32_t)offsetof(struct cpu, tlb.stats.hit[t]),
                            sign * (int32_t)h[t]);
}

static void flush_hits(struct x64_emit *e, unsigned pending[SOFTTLB_ACCESS_TYPES])
{
    add_hits(e, pending, 1);
    for (int t = 0; t < SOFTTLB_ACCESS_TYPES; t++)
        pending[t] = 0;
}

/* The target of a direct JMP/Jcc that dbt_branch_form() bound as a
 * branch form (within the CS limit): 1 with *target, else 0 (a full
 * form raises the #GP). */
static int branch_target(const struct dbt_uop *u, uint32_t cs_limit, unsigned op,
                         uint32_t *target)
{
    const struct insn *in = &u->in;
    if (in->op != op || in->opnd[0].kind != OPK_REL)
        return 0;
    uint32_t t = u->next_eip + in->imm;
    if (in->opsize == 2)
        t &= 0xFFFF;
    if (t > cs_limit)
        return 0;
    *target = t;
    return 1;
}

/* Leave by exit slot `s`: a patchable jump when the block is chainable,
 * else the done exit. Stores the site in *slot_rel. */
static void emit_slot(struct x64_emit *e, const struct dbt_block *b, uintptr_t *slot_rel,
                      struct fixups *to_done)
{
    if (b->chainable)
        *slot_rel = x64_jmp(e, 0);
    else
        fix_add(to_done, x64_jmp(e, 0));
}

int dbt_native_emit(struct dbt *d, struct dbt_block *b)
{
    struct dbt_native *n = d->native;
    struct dbt_code_buffer *cb = &n->cb;
    size_t start = (cb->used + 15) & ~(size_t)15;
    if (start >= cb->size)
        return -1;
    struct x64_emit e;
    x64_init(&e, cb->rw + start, (uintptr_t)cb->rx + start, cb->size - start);
    struct dbt_native_block nb = { 0 };
    struct fixups to_done = { .n = 0 }, to_stop = { .n = 0 };

    /* Chain entry: reached from a linked exit, with d->icount0 already
     * past the block before. Enter only if the whole block fits in what
     * the run may still do (d->chain_end); else leave, the block before
     * counted as done. */
    nb.chain_entry = e.x;
    x64_mov_rm(&e, X64_RAX, R_DBT, D_OFF(icount0));
    x64_add_ri32(&e, X64_RAX, b->n);
    x64_cmp_rm(&e, X64_RAX, R_DBT, D_OFF(chain_end));
    uintptr_t not_entered = x64_jcc(&e, X64_CC_A, 0);
    x64_mov_ri64(&e, X64_RAX, (uintptr_t)b);
    x64_mov_mr(&e, R_DBT, D_OFF(running), X64_RAX);
    x64_inc_m64(&e, R_DBT, D_OFF(inline_runs));

    /* The micro-ops: inline where a register form has a host form, else a
     * call. A fused CMP/TEST+Jcc runs both instructions; the inline one
     * is the block's end (below). */
    nb.body = e.x;
    struct cold cold[DBT_BLOCK_MAX];
    unsigned ncold = 0;
    unsigned priv = ((b->mode >> 2) & 3) == 3 ? SOFTTLB_USER : SOFTTLB_SUPERVISOR;
    const struct dbt_uop *last = &b->uops[b->n - 1];
    uint32_t target = 0;
    /* Block ends the exit code does itself: a Jcc after an instruction
     * whose host form leaves the guest's flags in the host's (CMP/TEST,
     * fused or not, and the ALU register forms), and a direct JMP. */
    const struct dbt_uop *flagger = b->n >= 2 ? &b->uops[b->n - 2] : NULL;
    int jcc_end = flagger && branch_target(last, b->cs_limit, OP_JCC, &target) &&
                  (dbt_inline_sets_jcc_flags(flagger, last->in.cond) ||
                   dbt_inline_mem_sets_flags(flagger));
    int jmp_end = !jcc_end && branch_target(last, b->cs_limit, OP_JMP, &target);
    /* Any other Jcc ending the block: on host flags rebuilt from the lazy
     * record (dbt_inline_record_flags). */
    int rec_end = !jcc_end && !(flagger && flagger->fused) &&
                  branch_target(last, b->cs_limit, OP_JCC, &target);
    unsigned body_end = jcc_end ? b->n - 2 : (jmp_end || rec_end) ? b->n - 1 : b->n;
    unsigned pending[SOFTTLB_ACCESS_TYPES] = { 0 };
    for (unsigned i = 0; i < body_end; i++) {
        const struct dbt_uop *u = &b->uops[i];
        struct cold *c = &cold[ncold];
        memcpy(c->before, pending, sizeof pending);
        if (dbt_inline_uop(&e, u, c->miss, &c->nmiss) ||
            dbt_inline_mem(&e, u, priv, b->cs_limit, c->miss, &c->nmiss, pending)) {
            if (!c->nmiss)
                continue;
            c->u = u;
            c->resume = e.x;
            memcpy(c->after, pending, sizeof pending);
            ncold++;
            continue;
        }
        flush_hits(&e, pending);
        emit_call(&e, u, &to_stop);
        if (u->fused)
            i++;
    }

    /* Completed: the softtlb hits, EIP (register and memory forms leave
     * it behind) and the count, as the portable end sentinels do. */
    flush_hits(&e, pending);
    if (!last->sets_eip)
        x64_mov_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
    if (!jcc_end)   /* there each way counts (a memory form's miss needs the count before) */
        x64_add_m64_i32(&e, R_DBT, D_OFF(icount0), b->n);
    if (b->ends_call)
        emit_rsb_push(&e, b);

    if (jcc_end) {
        /* The flag-setting instruction and the Jcc on the host's flags
         * (the guest's condition numbering is the host's): each way
         * stores its EIP and leaves by the slot find_block() would link,
         * by whether EIP is the next instruction's. Nothing between the
         * flag-setting instruction and the Jcc changes the host flags
         * (the count was added above). */
        struct cold fc = { .u = flagger, .nmiss = 0 };
        if (dbt_inline_sets_jcc_flags(flagger, last->in.cond))
            dbt_inline_flags_for_jcc(&e, flagger, fc.miss, &fc.nmiss);
        else
            dbt_inline_mem(&e, flagger, priv, b->cs_limit, fc.miss, &fc.nmiss, pending);
        /* Each way adds the flagger's hits after its Jcc (pending); its
         * miss call takes them back (nothing was pending before it). */
        int fmem = fc.nmiss != 0;
        uintptr_t to_taken = target != last->next_eip ? x64_jcc(&e, last->in.cond & 15, 0) : 0;
        uintptr_t fall_at = e.x, taken_at = 0;
        x64_mov_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
        x64_add_m64_i32(&e, R_DBT, D_OFF(icount0), b->n);
        add_hits(&e, pending, 1);
        emit_slot(&e, b, &nb.slot_rel[DBT_SLOT_FALLTHROUGH], &to_done);
        if (target != last->next_eip) {
            taken_at = e.x;
            if (to_taken)
                patch(n, to_taken, e.x);
            x64_mov_m32_i32(&e, R_CPU, CPU_EIP, target);
            x64_add_m64_i32(&e, R_DBT, D_OFF(icount0), b->n);
            add_hits(&e, pending, 1);
            emit_slot(&e, b, &nb.slot_rel[DBT_SLOT_TAKEN], &to_done);
        }
        if (fmem) {
            /* The inline form missed (a memory form's softtlb, an INC/DEC
             * record whose CF only flags_cf() can tell): its call (the
             * exact slow half when needed), the Jcc's call on the record
             * it wrote, and the way by EIP. */
            for (unsigned k = 0; k < fc.nmiss; k++)
                if (!e.overflow)
                    patch(n, fc.miss[k], e.x);
            emit_call(&e, flagger, &to_stop);
            emit_call(&e, last, &to_stop);
            add_hits(&e, pending, -1);
            if (taken_at) {
                x64_cmp_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
                x64_jcc(&e, X64_CC_E, fall_at);
                x64_jmp(&e, taken_at);
            } else {
                x64_jmp(&e, fall_at);
            }
        }
    } else if (rec_end) {
        uintptr_t miss[DBT_INLINE_MISS], taken_at = 0;
        unsigned nmiss = 0;
        uintptr_t to_taken = 0;
        if (target != last->next_eip) {
            dbt_inline_record_flags(&e, miss, &nmiss);
            to_taken = x64_jcc(&e, last->in.cond & 15, 0);
        }
        uintptr_t fall_at = e.x;
        x64_mov_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
        emit_slot(&e, b, &nb.slot_rel[DBT_SLOT_FALLTHROUGH], &to_done);
        if (target != last->next_eip) {
            taken_at = e.x;
            if (to_taken)
                patch(n, to_taken, e.x);
            x64_mov_m32_i32(&e, R_CPU, CPU_EIP, target);
            emit_slot(&e, b, &nb.slot_rel[DBT_SLOT_TAKEN], &to_done);
        }
        if (nmiss) {
            /* A record only flags_cond() can read: the Jcc's call. */
            for (unsigned k = 0; k < nmiss; k++)
                if (!e.overflow)
                    patch(n, miss[k], e.x);
            emit_call(&e, last, &to_stop);
            x64_cmp_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
            x64_jcc(&e, X64_CC_E, fall_at);
            x64_jmp(&e, taken_at);
        }
    } else if (jmp_end) {
        x64_mov_m32_i32(&e, R_CPU, CPU_EIP, target);
        emit_slot(&e, b, &nb.slot_rel[target == last->next_eip ? DBT_SLOT_FALLTHROUGH
                                                                  : DBT_SLOT_TAKEN], &to_done);
    } else if (b->ends_slow || (!b->chainable && !b->ends_ret)) {
        fix_add(&to_done, x64_jmp(&e, 0));
    } else if (b->ends_ret) {
        emit_ret_next(&e, n, &to_done);
    } else if (last->sets_eip) {
        /* A direct transfer: the slot the run loop's find_block() picks,
         * by whether EIP is the next instruction's. */
        x64_cmp_m32_i32(&e, R_CPU, CPU_EIP, last->next_eip);
        uintptr_t to_fall = x64_jcc(&e, X64_CC_E, 0);
        nb.slot_rel[DBT_SLOT_TAKEN] = x64_jmp(&e, 0);
        if (to_fall)
            patch(n, to_fall, e.x);
        nb.slot_rel[DBT_SLOT_FALLTHROUGH] = x64_jmp(&e, 0);
    } else {
        nb.slot_rel[DBT_SLOT_FALLTHROUGH] = x64_jmp(&e, 0);
    }
    for (int s = 0; s < DBT_SLOT_COUNT; s++)
        fix_add(&to_done, nb.slot_rel[s]);

    for (unsigned i = 0; i < ncold; i++) {
        for (unsigned k = 0; k < cold[i].nmiss; k++)
            if (!e.overflow)
                patch(n, cold[i].miss[k], e.x);
        add_hits(&e, cold[i].before, 1);
        emit_call(&e, cold[i].u, &to_stop);
        add_hits(&e, cold[i].after, -1);
        x64_jmp(&e, cold[i].resume);
    }

    /* Done, with no linked successor: the jump-cache probe from here
     * (dbt_native_next), else back to the run loop. The chain entry's
     * budget check leaves for the loop directly. */
    nb.done = e.x;
    x64_mov_rr(&e, X64_RDI, R_DBT);
    x64_call(&e, (uintptr_t)&dbt_native_next);
    x64_test_rr(&e, X64_RAX, X64_RAX);
    uintptr_t to_loop = x64_jcc(&e, X64_CC_E, 0);
    x64_jmp_r(&e, X64_RAX);
    uintptr_t loop_exit = e.x;
    if (to_loop)
        patch(n, to_loop, e.x);
    x64_mov_ri32(&e, X64_RAX, DBT_NATIVE_DONE);
    x64_jmp(&e, n->exit);
    uintptr_t stop = e.x;
    x64_mov_ri32(&e, X64_RAX, DBT_NATIVE_STOP);
    x64_jmp(&e, n->exit);
    if (e.overflow)
        return -1;   /* nothing committed: the buffer's end is unchanged */
    fix_all(n, &to_done, nb.done);
    fix_all(n, &to_stop, stop);
    if (not_entered)
        patch(n, not_entered, loop_exit);

    struct dbt_native_block *p = malloc(sizeof *p);
    if (!p)
        abort();   /* host out of memory */
    *p = nb;
    b->native = p;
    d->stats.code_bytes += (e.x - ((uintptr_t)cb->rx + start));
    cb->used = e.x - (uintptr_t)cb->rx;
    return 0;
}

enum dbt_native_exit dbt_native_run(struct dbt *d, struct dbt_block *b)
{
    enter_fn enter = (enter_fn)d->native->enter;
    return (enum dbt_native_exit)enter(d->cpu, d, b->native->body);
}

void dbt_native_link(struct dbt *d, struct dbt_block *from, int slot, struct dbt_block *to)
{
    struct dbt_native_block *f = from->native, *t = to->native;
    if (!f || !t || !f->slot_rel[slot] || to->straddles || !to->valid || !from->valid)
        return;
    if (f->slot_to[slot] == to)
        return;
    if (t->nin == t->capin) {
        unsigned cap = t->capin ? t->capin * 2 : 4;
        struct dbt_native_in *in = realloc(t->in, cap * sizeof *in);
        if (!in)
            abort();   /* host out of memory */
        t->in = in;
        t->capin = cap;
    }
    t->in[t->nin++] = (struct dbt_native_in){ from, slot };
    patch(d->native, f->slot_rel[slot], t->chain_entry);
    f->slot_to[slot] = to;
    d->stats.native_links++;
}

void dbt_native_unlink(struct dbt *d, struct dbt_block *b)
{
    struct dbt_native_block *t = b->native;
    if (!t)
        return;
    for (unsigned i = 0; i < t->nin; i++) {
        struct dbt_native_block *f = t->in[i].from->native;
        int s = t->in[i].slot;
        if (f && f->slot_to[s] == b) {   /* not relinked elsewhere since */
            patch(d->native, f->slot_rel[s], f->done);
            f->slot_to[s] = NULL;
            d->stats.native_unlinks++;
        }
    }
    t->nin = 0;
}

void dbt_native_flush(struct dbt *d)
{
    struct dbt_native *n = d->native;
    for (struct dbt_block *b = d->all; b; b = b->all_next) {
        if (b->native) {
            free(b->native->in);
            free(b->native);
            b->native = NULL;
        }
    }
    if (n) {
        n->cb.used = n->shared_end;
        n->ret_caller = NULL;
    }
}

/* The successor of a completed block (d->running, counted in d->icount0)
 * with no linked successor, when the run loop would only have found it
 * in the jump cache: its code's address, or 0 to return to the loop.
 * Blocks whose last instruction may halt, stop or change mode (ends_slow)
 * leave it to the loop, but for a near indirect JMP or CALL (full forms
 * that change none of that: the probe makes the loop's checks). */
uintptr_t dbt_native_next(struct dbt *d)
{
    struct dbt_block *b = d->running, *n;
    unsigned op = b->uops[b->n - 1].in.op;
    if (b->ends_slow && op != OP_JMP_IND && op != OP_CALL_IND)
        return 0;
    struct dbt_block *caller = b->ends_ret ? d->native->ret_caller : NULL;
    if (!(n = dbt_jc_probe(d, b->valid && b->chainable ? b : NULL, caller, b->ends_slow)))
        return 0;
    d->native->ret_caller = NULL;
    d->running = n;
    return n->native->body;
}

struct dbt_block *dbt_native_ret_caller(struct dbt *d)
{
    struct dbt_block *c = d->native->ret_caller;
    d->native->ret_caller = NULL;
    return c;
}

#else /* !DBT_NATIVE_AVAILABLE */

struct dbt_native *dbt_native_create(size_t bytes, char *err, size_t errsz)
{
    (void)bytes;
    snprintf(err, errsz, "the x86-64 backend needs an x86-64 Linux host");
    return NULL;
}

void dbt_native_destroy(struct dbt_native *n) { (void)n; }
int dbt_native_emit(struct dbt *d, struct dbt_block *b) { (void)d; (void)b; return -1; }
enum dbt_native_exit dbt_native_run(struct dbt *d, struct dbt_block *b)
{
    (void)d; (void)b;
    abort();   /* never created on this host */
}
void dbt_native_link(struct dbt *d, struct dbt_block *f, int s, struct dbt_block *t)
{
    (void)d; (void)f; (void)s; (void)t;
}
void dbt_native_unlink(struct dbt *d, struct dbt_block *b) { (void)d; (void)b; }
void dbt_native_flush(struct dbt *d) { (void)d; }
struct dbt_block *dbt_native_ret_caller(struct dbt *d) { (void)d; return NULL; }
size_t dbt_native_used(const struct dbt_native *n) { (void)n; return 0; }
size_t dbt_native_size(const struct dbt_native *n) { (void)n; return 0; }

#endif
