/* The translator's run loop: find (or translate) the block at CS:EIP, run
 * its micro-ops, follow chain links, and fall back to the interpreter for
 * the cases a block cannot express exactly (single-step, observation
 * hooks, interrupt shadows, a budget smaller than the block). */
#include <stdlib.h>
#include <string.h>

#include "cpu/except.h"
#include "cpu/exec.h"
#include "cpu/mem_fast.h"
#include "dbt/cache.h"
#include "dbt/native.h"
#include "dbt/translate.h"
#include "dbt/uops.h"

/* physmem calls this before a store to a watched page completes. */
static void dbt_code_write(void *opaque, uint32_t gpa, unsigned size)
{
    dbt_invalidate_phys(opaque, gpa, size);
}

struct dbt *dbt_create(struct cpu *cpu)
{
    struct dbt *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->cpu = cpu;
    physmem_set_code_hook(cpu->mem, dbt_code_write, d);
    d->block_limit = DBT_BLOCK_MAX;
    d->cache_limit = (uint64_t)DBT_CACHE_DEFAULT_MIB << 20;
    if (dbt_default_backend() == DBT_BACKEND_X86_64) {
        char err[128];
        if (dbt_set_backend(d, DBT_BACKEND_X86_64, 0, err, sizeof err) != 0) {
            dbt_destroy(d);
            return NULL;
        }
    }
    return d;
}

void dbt_set_cpu(struct dbt *d, struct cpu *cpu)
{
    d->cpu = cpu;
}

enum dbt_backend dbt_default_backend(void)
{
    return DBT_NATIVE_AVAILABLE ? DBT_BACKEND_X86_64 : DBT_BACKEND_PORTABLE;
}

const char *dbt_backend_name(enum dbt_backend b)
{
    return b == DBT_BACKEND_X86_64 ? "x86-64" : "portable";
}

int dbt_parse_backend(const char *s, enum dbt_backend *b)
{
    if (strcmp(s, "portable") == 0)
        *b = DBT_BACKEND_PORTABLE;
    else if (strcmp(s, "x86-64") == 0 || strcmp(s, "x86_64") == 0)
        *b = DBT_BACKEND_X86_64;
    else
        return -1;
    return 0;
}

int dbt_set_backend(struct dbt *d, enum dbt_backend b, size_t code_buffer, char *err,
                    size_t errsz)
{
    struct dbt_native *n = NULL;
    if (b == DBT_BACKEND_X86_64 &&
        !(n = dbt_native_create(code_buffer ? code_buffer : DBT_CODE_BUFFER_DEFAULT, err,
                                errsz)))
        return -1;
    if (d->all)
        dbt_flush(d);   /* blocks are bound for one backend */
    dbt_native_destroy(d->native);
    d->native = n;
    return 0;
}

enum dbt_backend dbt_get_backend(const struct dbt *d)
{
    return d->native ? DBT_BACKEND_X86_64 : DBT_BACKEND_PORTABLE;
}

void dbt_code_buffer_usage(const struct dbt *d, size_t *used, size_t *size)
{
    *used = d->native ? dbt_native_used(d->native) : 0;
    *size = d->native ? dbt_native_size(d->native) : 0;
}

void dbt_destroy(struct dbt *d)
{
    if (!d)
        return;
    dbt_flush(d);
    dbt_native_destroy(d->native);
    physmem_set_code_hook(d->cpu->mem, NULL, NULL);
    free(d);
}

void dbt_set_timer(struct dbt *d, uint64_t (*now_ns)(void))
{
    d->now_ns = now_ns;
}

/* The native backend's code for a new block b. When the code buffer is
 * full, everything is flushed (every pointer to a block dies: the caller
 * sees d->stats.flushes change) and b is translated again into the empty
 * buffer. NULL when even that fails (the interpreter runs the instruction). */
static struct dbt_block *emit_native(struct dbt *d, struct dbt_block *b, uint32_t phys,
                                     uint32_t mode)
{
    if (dbt_native_emit(d, b) == 0)
        return b;
    d->stats.blocks_translated--;
    d->stats.insns_translated -= b->n;
    free(b);
    dbt_flush(d);
    d->stats.code_buffer_flushes++;
    if (!(b = dbt_translate(d, phys, mode)))
        return NULL;
    if (dbt_native_emit(d, b) == 0)
        return b;
    free(b);   /* [dbt] cannot happen: any block fits an empty buffer */
    return NULL;
}

/* Translate and insert, timing it when a host clock was given. */
static struct dbt_block *translate_new(struct dbt *d, uint32_t phys, uint32_t mode)
{
    uint64_t t0 = d->now_ns ? d->now_ns() : 0;
    struct dbt_block *b = dbt_translate(d, phys, mode);
    if (b && d->native)
        b = emit_native(d, b, phys, mode);
    if (b) {
        dbt_cache_insert(d, b);
        d->stats.cache_misses++;
        dbt_block_event(d, DBT_BLOCK_TRANSLATE, DBT_BLOCK_CAUSE_NONE, b, NULL);
    }
    if (d->now_ns)
        d->stats.translate_ns += d->now_ns() - t0;
    return b;
}

void dbt_set_cache_limit(struct dbt *d, uint64_t bytes)
{
    d->cache_limit = bytes;
}

void dbt_set_block_limit(struct dbt *d, unsigned limit)
{
    if (limit < 1)
        limit = 1;
    if (limit > DBT_BLOCK_MAX)
        limit = DBT_BLOCK_MAX;
    if (limit != d->block_limit) {
        dbt_flush(d);
        d->block_limit = limit;
    }
}

const struct dbt_stats *dbt_get_stats(const struct dbt *d)
{
    return &d->stats;
}

/* Cases where one instruction must go through the interpreter: TF traps
 * after every instruction, hooks observe every instruction, and an
 * interrupt shadow must expire after exactly one. */
static int needs_interpreter(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_TF) || cpu->hooks.insn_retired || cpu->irq_shadow ||
           /* [system]: RF clearing and breakpoint checks live in step() */
           (cpu->eflags & EFLAGS_RF) || (cpu->dr[7] & 0xFF);
}

void dbt_mem_state(struct dbt *d)
{
    const struct cpu *cpu = d->cpu;
    /* cpu_access_hook() does something only for armed data breakpoints or
     * for alignment checks, which need CR0.AM, EFLAGS.AC and CPL 3 (SDM
     * vol. 3, 6.15 "#AC"). Linux sets CR0.AM everywhere and EFLAGS.AC
     * almost never, so CR0.AM alone must not send every access to the
     * slow path. EFLAGS.AC and the CPL change only by instructions that
     * end their block (POPF, IRET, far transfers, task switches) or by
     * exception delivery, after which the run loop decides again. */
    int ac_checks = (cpu->cr0 & CR0_AM) && (cpu->eflags & EFLAGS_AC) && cpu_cpl(cpu) == 3;
    d->mem_hooks_off = !(cpu->dr[7] & 0xFF) && !ac_checks && !cpu->hooks.mem_access;
    d->tlb_priv = (uint8_t)mem_fast_priv(cpu);
    d->flat_rd = d->flat_wr = 0;
    if (d->mem_hooks_off) {
        for (int s = 0; s < SEG_COUNT; s++) {
            d->flat_rd |= (uint8_t)(mem_fast_seg_flat(&cpu->seg[s], 0) << s);
            d->flat_wr |= (uint8_t)(mem_fast_seg_flat(&cpu->seg[s], 1) << s);
        }
    }
}

static uint32_t jc_index(uint32_t lin)
{
    return (lin ^ (lin >> DBT_JC_BITS)) & ((1u << DBT_JC_BITS) - 1);
}

/* The block to run at CS:EIP, or NULL if the interpreter must run the
 * instruction (it does not decode here). `prev` is the block that just
 * completed, if it may be chained from. */
/* A block whose last instruction runs onto a second page was found by its
 * first page only: it is current only while the second linear page still
 * maps where it did at translation (a remapping needs no code write). */
static int second_page_current(struct dbt *d, const struct dbt_block *b)
{
    uint32_t phys2;
    if (b->span <= b->first_len)
        return 1;
    return dbt_code_phys(d->cpu, b->cs_base + b->eip + b->first_len, &phys2) == 0 &&
           phys2 == b->phys_page[1];
}

static void learn_and_link(struct dbt *d, struct dbt_block *prev, struct dbt_block *caller,
                           struct dbt_block *b, uint32_t eip);

static struct dbt_block *find_block(struct dbt *d, struct dbt_block *prev,
                                    struct dbt_block *caller)
{
    struct cpu *cpu = d->cpu;
    uint32_t eip = cpu->eip;

    /* After a RET: the block the same call returned to last time. */
    if (caller) {
        struct dbt_block *n = caller->ret_succ;
        if (n && caller->ret_succ_eip == eip && caller->ret_succ_stamp == n->stamp &&
            second_page_current(d, n)) {
            d->stats.chain_hits++;
            return n;
        }
    }

    if (prev) {
        for (int s = 0; s < DBT_SLOT_COUNT; s++) {
            struct dbt_block *n = prev->succ[s];
            if (n && prev->succ_eip[s] == eip && prev->succ_stamp[s] == n->stamp &&
                second_page_current(d, n)) {
                d->stats.chain_hits++;
                return n;
            }
        }
    }

    const struct seg_cache *cs = &cpu->seg[SEG_CS];
    uint32_t lin = cs->base + eip;
    uint32_t phys;
    if (dbt_code_phys(cpu, lin, &phys) != 0)
        return NULL;   /* [mmu] paging refuses the page: the interpreter faults */
    uint32_t mode = dbt_mode_bits(cpu);
    struct dbt_jc_entry *jc = &d->jc[jc_index(lin)];
    struct dbt_block *b = jc->block;

    int jc_hit = b && jc->stamp == b->stamp && b->eip == eip && b->cs_base == cs->base &&
                 b->cs_limit == cs->limit && b->mode == mode && b->phys == phys;
    if (!jc_hit)
        b = dbt_cache_lookup(d, eip, cs->base, cs->limit, mode, phys);
    if (b && !second_page_current(d, b)) {
        dbt_cache_invalidate_block(d, b, DBT_BLOCK_CAUSE_REMAP);   /* its second page moved */
        b = NULL;
        jc_hit = 0;
    }
    if (b) {
        d->stats.cache_hits++;
    } else if (dbt_page_too_hot(d, phys)) {
        d->stats.hot_smc_interpreted++;
        return NULL;   /* self-modifying hot spot: interpret (DBT_HOT_SMC_LIMIT) */
    } else {
        if (d->cache_bytes >= d->cache_limit) {
            /* Full: start again from nothing. prev and caller die with
             * the rest, so nothing links to the new block yet. */
            dbt_flush_cause(d, DBT_BLOCK_CAUSE_CACHE_FULL);
            d->stats.cache_full_flushes++;
            prev = caller = NULL;
        }
        uint64_t flushes = d->stats.flushes;
        if (!(b = translate_new(d, phys, mode)))
            return NULL;
        if (d->stats.flushes != flushes)
            prev = caller = NULL;   /* the code buffer was full: they are gone */
    }
    if (!jc_hit) {
        jc->block = b;
        jc->stamp = b->stamp;
    }

    learn_and_link(d, prev, caller, b, eip);
    return b;
}

/* The x86-64 backend's way past a block that found no linked successor
 * (dbt/native.c, dbt_native_next): the jump-cache probe of find_block(),
 * from host code, with the same checks (stamp, EIP, CS, mode, physical
 * address of the first byte), the same learning and linking, and none of
 * its slow paths: a miss, a successor straddling a page, or one that does
 * not fit the run returns NULL, and the run loop decides. `prev` is the
 * completed block when it may be linked from, `caller` the return
 * prediction's block after a RET; `check`: the completed block ended in a
 * full form, after which the loop checks halt, stop and the interpreter
 * fallbacks, and decides the memory forms' state again. */
struct dbt_block *dbt_jc_probe(struct dbt *d, struct dbt_block *prev, struct dbt_block *caller,
                               int check)
{
    struct cpu *cpu = d->cpu;
    if (check && (cpu->halted || cpu->stop_requested || needs_interpreter(cpu)))
        return NULL;   /* the loop's checks after a full form */
    const struct seg_cache *cs = &cpu->seg[SEG_CS];
    uint32_t eip = cpu->eip, lin = cs->base + eip, phys;
    /* The entry and the budget first, the page last: the page lookup may
     * walk the guest's tables, and the probe must walk only where the
     * portable backend's run loop would (its links and budget test come
     * before its lookup), so that MMU statistics and traces stay the same
     * under both backends. A walk may set an accessed bit, and a store to
     * a page holding code invalidates blocks: the stamp is checked again
     * after it. */
    const struct dbt_jc_entry *jc = &d->jc[jc_index(lin)];
    struct dbt_block *b = jc->block;
    if (!b || jc->stamp != b->stamp || b->eip != eip || b->cs_base != cs->base ||
        b->cs_limit != cs->limit || b->straddles || !b->native ||
        d->icount0 + b->n > d->chain_end || b->mode != dbt_mode_bits(cpu))
        return NULL;
    if (dbt_code_phys(cpu, lin, &phys) != 0 || b->phys != phys || jc->stamp != b->stamp)
        return NULL;
    d->stats.block_runs++;
    d->stats.cache_hits++;
    learn_and_link(d, prev, caller, b, eip);
    if (check)
        dbt_mem_state(d);
    return b;
}

/* After a run reached b at `eip` from prev (a block that may be linked
 * from, or NULL) or, after a RET, from the return prediction's caller:
 * record what was learnt. */
static void learn_and_link(struct dbt *d, struct dbt_block *prev, struct dbt_block *caller,
                           struct dbt_block *b, uint32_t eip)
{
    if (caller && caller->phys_page[0] == b->phys_page[0]) {
        caller->ret_succ = b;
        caller->ret_succ_stamp = b->stamp;
        caller->ret_succ_eip = eip;
    }

    /* Link prev → b when both lie on the same page (links never cross a
     * page, so a remapped page cannot leave a stale link behind). */
    if (prev && prev->phys_page[0] == b->phys_page[0]) {
        const struct dbt_uop *last = &prev->uops[prev->n - 1];
        int s = (eip == last->next_eip) ? DBT_SLOT_FALLTHROUGH : DBT_SLOT_TAKEN;
        if (prev->succ[s] != b || prev->succ_stamp[s] != b->stamp)
            dbt_block_event(d, DBT_BLOCK_CHAIN, DBT_BLOCK_CAUSE_NONE, prev, b);
        prev->succ[s] = b;
        prev->succ_stamp[s] = b->stamp;
        prev->succ_eip[s] = eip;
        if (d->native)
            dbt_native_link(d, prev, s, b);   /* patch prev's exit jump */
    }
}

/* The end sentinels (dbt_end_sentinel() picks one per block at
 * translation). A completed block goes straight on into its successor,
 * without the run loop, when the loop would do nothing but find it through
 * a chain link and run it: the run allows it (d->chain_end: not one block
 * at a time), the block's last micro-op cannot have halted, stopped or
 * changed mode (ends_slow blocks get end_stop: those need the loop's
 * checks), a link or the return prediction names a current successor on
 * one page, and the budget holds the whole successor. Everything else
 * goes back to the loop, which takes the same decisions the slow way. */
static inline const struct dbt_uop *end_stop(struct cpu *cpu, const struct dbt_uop *u,
                                             struct dbt *d)
{
    if (!u[-1].sets_eip)
        cpu->eip = u[-1].next_eip;
    d->stop_at = u;
    return NULL;
}

/* The successor's stamp was checked by the caller. */
static inline int may_enter(const struct dbt *d, const struct dbt_block *b,
                            const struct dbt_block *n)
{
    /* A successor straddling into a second page needs the loop's check
     * that the page still maps where it did. */
    return d->icount0 + b->n + n->n <= d->chain_end && !n->straddles
#if DBT_STACK_GUARD
           && dbt_stack_pointer() > d->stack_floor
#endif
        ;
}

#if DBT_THREADED
#define ENTER(cpu, n, d) DBT_MUSTTAIL return (n)->uops[0].fn((cpu), (n)->uops, (d))
#else
#define ENTER(cpu, n, d) return (n)->uops
#endif

static const struct dbt_uop *dbt_end_stop(struct cpu *cpu, const struct dbt_uop *u, struct dbt *d)
{
    return end_stop(cpu, u, d);
}

/* The successor through a chain link of slot `s`, for blocks ending in a
 * direct transfer or a fall-through. */
static inline struct dbt_block *linked(struct dbt_block *b, unsigned s, uint32_t eip)
{
    struct dbt_block *n = b->succ[s];
    return n && b->succ_eip[s] == eip && b->succ_stamp[s] == n->stamp ? n : NULL;
}

/* The same for a slot whose EIP is fixed by the block (a direct exit): the
 * loop stored the link under the slot the EIP decides (find_block), so the
 * slot alone names it. */
static inline struct dbt_block *linked_fixed(struct dbt_block *b, unsigned s)
{
    struct dbt_block *n = b->succ[s];
    return n && b->succ_stamp[s] == n->stamp ? n : NULL;
}

/* Ends in a direct JMP or Jcc (or LOOP), which set EIP: the slot as the
 * run loop chooses it. */
static const struct dbt_uop *dbt_end_direct(struct cpu *cpu, const struct dbt_uop *u,
                                            struct dbt *d)
{
    struct dbt_block *b = d->running, *n;
    unsigned s = cpu->eip == u[-1].next_eip ? DBT_SLOT_FALLTHROUGH : DBT_SLOT_TAKEN;
    if (!(n = linked_fixed(b, s)) || !may_enter(d, b, n))
        return end_stop(cpu, u, d);
    d->icount0 += b->n;
    d->running = n;
    d->inline_runs++;
    ENTER(cpu, n, d);
}

/* Ends in an instruction that does not branch (a page end, the block size
 * limit): EIP is brought up to date here, and the exit is the
 * fall-through. */
static const struct dbt_uop *dbt_end_fall(struct cpu *cpu, const struct dbt_uop *u,
                                          struct dbt *d)
{
    struct dbt_block *b = d->running, *n;
    cpu->eip = u[-1].next_eip;
    if (!(n = linked_fixed(b, DBT_SLOT_FALLTHROUGH)) || !may_enter(d, b, n))
        return end_stop(cpu, u, d);
    d->icount0 += b->n;
    d->running = n;
    d->inline_runs++;
    ENTER(cpu, n, d);
}

/* A direct CALL: also pushes the return prediction, as the loop does. */
static const struct dbt_uop *dbt_end_call(struct cpu *cpu, const struct dbt_uop *u,
                                          struct dbt *d)
{
    struct dbt_block *b = d->running, *n;
    if (!(n = linked(b, DBT_SLOT_TAKEN, cpu->eip)) || !may_enter(d, b, n))
        return end_stop(cpu, u, d);
    d->rsb[d->rsb_top++ & 15u] = b;
    d->icount0 += b->n;
    d->running = n;
    d->inline_runs++;
    ENTER(cpu, n, d);
}

/* A near RET: the block the predicted caller's callee returned to. */
static const struct dbt_uop *dbt_end_ret(struct cpu *cpu, const struct dbt_uop *u,
                                         struct dbt *d)
{
    struct dbt_block *b = d->running, *n;
    const struct dbt_block *c = d->rsb[(d->rsb_top - 1) & 15u];
    if (!c || !(n = c->ret_succ) || c->ret_succ_eip != cpu->eip ||
        c->ret_succ_stamp != n->stamp || !may_enter(d, b, n))
        return end_stop(cpu, u, d);
    d->rsb_top--;
    d->icount0 += b->n;
    d->running = n;
    d->inline_runs++;
    ENTER(cpu, n, d);
}

dbt_uop_fn dbt_end_sentinel(const struct dbt_block *b)
{
    if (b->ends_slow)
        return dbt_end_stop;
    if (b->ends_ret)
        return dbt_end_ret;
    if (!b->chainable)
        return dbt_end_stop;
    /* A chainable block ending in CALL ends in a direct CALL, which sets
     * EIP (its return address is not the fall-through slot's successor
     * unless the callee is the next instruction). */
    if (b->ends_call)
        return dbt_end_call;
    return b->uops[b->n - 1].sets_eip ? dbt_end_direct : dbt_end_fall;
}

/* Run the interpreter for `n` instructions, keeping our budget intact
 * (cpu_run() manages cpu->run_end for itself). */
static enum cpu_exit interpret(struct dbt *d, uint64_t n)
{
    d->stats.interpreted += n;
    return cpu_run(d->cpu, n);
}

/* The hot loop, kept out of the function that calls setjmp so its locals
 * live in registers. The run's budget end and fault count are in *d (they
 * survive a longjmp). Returns an exit reason; CPU_EXIT_BUDGET also when
 * `single` ends the loop after one block. */
static enum cpu_exit run_loop(struct dbt *d, int single)
{
    struct cpu *cpu = d->cpu;
    struct dbt_block *prev = NULL, *caller = NULL;
    /* Whether halt, stop, single-step, hooks or an interrupt shadow may
     * have changed: only callouts and full micro-ops can change them, so
     * blocks ending in a register, branch or memory form skip the checks. */
    int check = 1;

    while (cpu->icount < d->run_end) {
        if (check) {
            if (cpu->halted)
                return CPU_EXIT_HLT;
            if (cpu->stop_requested) {
                cpu->stop_requested = 0;
                return CPU_EXIT_STOP;
            }
        }
        struct dbt_block *b = (check && needs_interpreter(cpu)) ? NULL : find_block(d, prev, caller);
        if (!b || b->n > d->run_end - cpu->icount) {
            /* One instruction (or the budget's tail) through the
             * interpreter keeps the count exact. */
            uint64_t n = b ? d->run_end - cpu->icount : 1;
            uint64_t before = cpu->icount;
            enum cpu_exit e = interpret(d, n);
            cpu->fault_jmp = d->run_jmp;
            prev = NULL;
            caller = NULL;
            check = 1;
            /* cpu_run() shortened its own end by one for each fault it
             * delivered; those units come off our budget too. */
            uint64_t f = (before + n) - cpu->run_end;
            d->run_faults += f;
            d->run_end -= f;
            if (e == CPU_EXIT_SHUTDOWN || e == CPU_EXIT_STOP)
                return e;
            if (single)
                return CPU_EXIT_BUDGET;
            continue;
        }

        d->stats.block_runs++;
        d->icount0 = cpu->icount;
        d->chain_end = single ? 0 : d->run_end;
        d->running = b;
        dbt_mem_state(d);
        if (d->native) {
            /* The native backend: the block's code and whatever it chains
             * into; it keeps the return prediction itself. */
            enum dbt_native_exit why = dbt_native_run(d, b);
            b = d->running;
            d->running = NULL;
            caller = NULL;
            if (why == DBT_NATIVE_DONE) {
                cpu->icount = d->icount0;
                prev = (b->valid && b->chainable) ? b : NULL;
                check = b->ends_slow;
                if (b->ends_ret)
                    caller = dbt_native_ret_caller(d);
            } else {
                const struct dbt_uop *s = d->stop_at;
                cpu->icount = d->icount0 + s->idx;
                if (!s[-1].sets_eip)
                    cpu->eip = s[-1].next_eip;
                prev = NULL;
                check = 1;
            }
            if (single)
                return CPU_EXIT_BUDGET;
            continue;
        }
        const struct dbt_uop *u = b->uops;
        /* Run the block, and the blocks its end sentinel goes on into (see
         * DBT_NEXT in dbt/uops.h and dbt_end_sentinel). The run ends at
         * d->stop_at, in the block d->running: the end sentinel of a
         * completed block, or right after a store that hit translated code
         * (possibly the running block's own), where the next instruction
         * is fetched anew. */
#if DBT_THREADED
#if DBT_STACK_GUARD
        d->stack_floor = dbt_stack_pointer() - DBT_STACK_BUDGET;
#endif
        u = u->fn(cpu, u, d);
#else
        while ((u = u->fn(cpu, u, d)) != NULL)
            ;
#endif
        u = d->stop_at;
        b = d->running;
        const struct dbt_uop *e = b->uops + b->n;
        cpu->icount = d->icount0 + u->idx;
        d->running = NULL;
        if (!u[-1].sets_eip)
            cpu->eip = u[-1].next_eip;
        caller = NULL;
        if (u == e) {
            prev = (b->valid && b->chainable) ? b : NULL;
            check = b->ends_slow;
            if (b->ends_call)
                d->rsb[d->rsb_top++ & 15u] = b;
            else if (b->ends_ret)
                caller = d->rsb[--d->rsb_top & 15u];
        } else {
            prev = NULL;
            check = 1;
        }
        if (single)
            return CPU_EXIT_BUDGET;
    }
    return CPU_EXIT_BUDGET;
}

/* The run: a fault longjmps back here, is delivered, and the loop goes on.
 * With `single`, return after one block (or one interpreted step, or one
 * fault): lockstep checking compares the engines at every such boundary.
 * *used receives the budget units consumed (instructions and faults). */
static enum cpu_exit run(struct dbt *d, uint64_t budget, int single, uint64_t *used)
{
    struct cpu *cpu = d->cpu;
    jmp_buf jb;
    jmp_buf *outer = cpu->fault_jmp;
    volatile enum cpu_exit why = CPU_EXIT_BUDGET;
    uint64_t start = cpu->icount;

    d->run_end = cpu->icount + budget;
    d->run_faults = 0;
    d->run_jmp = &jb;
    cpu->fault_jmp = &jb;
    if (setjmp(jb)) {
        cpu_handle_fault(cpu);
        /* A fault uses one unit of the budget, as in cpu_run(), also one
         * that ends in a shutdown: lockstep holds the interpreter to the
         * units reported here, and it must reach the fault too. */
        d->run_faults++;
        if (cpu->shutdown) {
            d->stats.block_runs += d->inline_runs;
            d->stats.chain_hits += d->inline_runs;
            d->inline_runs = 0;
            cpu->fault_jmp = outer;
            if (used)
                *used = (cpu->icount - start) + d->run_faults;
            return CPU_EXIT_SHUTDOWN;
        }
        if (d->run_end > cpu->icount)
            d->run_end--;
        if (single)
            goto out;
    }
    why = run_loop(d, single);
out:
    /* Blocks entered from end sentinels count as chained block runs. */
    d->stats.block_runs += d->inline_runs;
    d->stats.chain_hits += d->inline_runs;
    d->inline_runs = 0;
    /* The same end-of-run rules as cpu_run(), so both engines leave the
     * same state behind. */
    why = cpu_run_exit(cpu, why);
    cpu->fault_jmp = outer;
    if (used)
        *used = (cpu->icount - start) + d->run_faults;
    return why;
}

enum cpu_exit dbt_exec(struct dbt *d, uint64_t budget)
{
    return run(d, budget, 0, NULL);
}

enum cpu_exit dbt_exec_block(struct dbt *d, uint64_t budget, uint64_t *used)
{
    return run(d, budget, 1, used);
}
