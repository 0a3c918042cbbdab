/* Translated blocks and their micro-ops.
 *
 * A block is a straight run of guest instructions starting at one CS:EIP,
 * ending at a control transfer, an instruction that may change mode,
 * paging or interrupt state, a page boundary (an instruction may straddle
 * it and is then the last), or DBT_BLOCK_MAX instructions.
 *
 * Invariants:
 * - uops[i].eip is the EIP of instruction i; uops[i].next_eip the EIP after
 *   it (already wrapped to 16 bits in 16-bit code). Only the last uop may
 *   leave EIP anywhere but next_eip.
 * - A block is looked up by its key (linear EIP + CS base/limit + mode
 *   bits) and validated against the physical address of its first byte.
 * - `stamp` changes whenever the block is invalidated; a chain link or
 *   jump-cache entry is usable only while its recorded stamp matches, which
 *   breaks every link to a block in O(1).
 * - Invalidated blocks are not freed until the next full flush, so a stale
 *   pointer in a link or the jump cache always points at readable memory
 *   whose stamp no longer matches.
 */
#ifndef SHADOW86_DBT_BLOCK_H
#define SHADOW86_DBT_BLOCK_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/exec.h"

#define DBT_BLOCK_MAX 64

struct dbt;
struct dbt_uop;
/* A micro-op runs and then continues with the next one (dbt/uops.h,
 * DBT_NEXT): by a guaranteed tail call where the compiler offers one, else
 * by returning the next micro-op to the block loop. It returns NULL, with
 * the next micro-op in dbt->stop_at, to end the run of blocks (a store hit
 * translated code). Every block ends with a sentinel micro-op
 * (dbt_end_sentinel) that continues into the successor block when it may, or
 * returns NULL with dbt->stop_at = &uops[n] (the block completed). */
typedef const struct dbt_uop *(*dbt_uop_fn)(struct cpu *cpu, const struct dbt_uop *u,
                                            struct dbt *d);

/* Micro-ops come in two kinds:
 * - register forms (dbt/uop_reg.c, dbt/uop_branch.c): cannot fault, read
 *   no EIP and touch no memory or device, so they skip all bookkeeping:
 *   EIP and the instruction count are brought up to date by the next
 *   micro-op that needs them or at the end of the block;
 * - full forms (dbt/uop_full.c): bring the instruction count and EIP up to
 *   date, record the instruction start for a fault, and call the cpu/
 *   handler. Faults, devices (which read the clock) and RDTSC therefore
 *   always see exact state. */
struct dbt_uop {
    dbt_uop_fn fn;
    uint8_t r0, r1;         /* register operands of register forms */
    uint8_t sets_eip;       /* this micro-op leaves cpu->eip up to date */
    uint8_t flags_live;     /* its flag results may be read later */
    uint8_t fused;          /* also runs the next micro-op (CMP/TEST + Jcc) */
    uint16_t idx;           /* position in the block */
    uint32_t imm;           /* immediate, or a direct branch's target EIP */
    uint32_t eip;
    uint32_t next_eip;
    insn_handler handler;   /* cpu/ semantics, for full forms */
    uint64_t *callout_count;  /* callouts: the translator's per-class counter */
    struct insn in;         /* operands and address recipe, pre-decoded */
};

/* Which of the block's exits a chain slot stands for. */
enum dbt_exit_slot { DBT_SLOT_TAKEN, DBT_SLOT_FALLTHROUGH, DBT_SLOT_COUNT };

struct dbt_block {
    /* Key. */
    uint32_t eip;
    uint32_t cs_base;
    uint32_t cs_limit;
    uint32_t mode;
    /* Physical extent: the first page and, for a straddling last
     * instruction, the second (phys_page[1] == phys_page[0] otherwise). */
    uint32_t phys;
    uint32_t phys_page[2];
    uint16_t span;                /* bytes from the first to past the last */
    uint16_t first_len;           /* of those, bytes on the first page */
    uint32_t stamp;
    uint8_t valid;
    uint8_t chainable;            /* ends in a direct transfer or fall-through */
    uint8_t ends_slow;            /* its last micro-op may halt, stop or change mode */
    uint8_t ends_call;            /* ends in a near CALL (its return lands after it) */
    uint8_t ends_ret;             /* ends in a near RET */
    uint8_t straddles;            /* its last instruction runs onto a second page */
    uint16_t n;
    struct dbt_block *hash_next;
    struct dbt_block *all_next;   /* every block, for the full flush */
    /* Direct chaining: the successor for each exit, with its stamp and the
     * EIP it was reached with. */
    struct dbt_block *succ[DBT_SLOT_COUNT];
    uint32_t succ_stamp[DBT_SLOT_COUNT];
    uint32_t succ_eip[DBT_SLOT_COUNT];
    /* For a block ending in CALL: the block its callee returned to, as a
     * chain link (same stamp rule; same page as this block). */
    struct dbt_block *ret_succ;
    uint32_t ret_succ_stamp, ret_succ_eip;
    /* The native backend's code for this block (dbt/native.c), or NULL. */
    struct dbt_native_block *native;
    struct dbt_uop uops[];        /* n micro-ops and the end sentinel */
};

#endif
