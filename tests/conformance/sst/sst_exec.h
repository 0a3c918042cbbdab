/* Running one SingleStepTests test on the interpreter and comparing the
 * final state with the reference.
 *
 * One physmem and one cpu are reused for every test. Guest RAM is all zero
 * between tests: after a test the runner zeroes every INIT and FINA byte.
 * A write by our CPU to any other address would survive that, so RAM is
 * audited by scanning: a test that already differs from the reference is
 * followed at once by a scan of the real-mode address range (charging any
 * stray byte to it); after each file the runner sweeps all of RAM and,
 * only if something is left over, runs that file again scanning after
 * every test to name the (passing) tests responsible. The common path
 * costs nothing per test, yet every nonzero stray write is caught (a
 * stray write of zero to a zero byte is unobservable).
 */
#ifndef SHADOW86_SST_EXEC_H
#define SHADOW86_SST_EXEC_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "moo.h"

#define SST_RAM_SIZE (16u << 20)
#define SST_SCAN_BLOCK (64u << 10)
#define SST_SCAN_BLOCKS (SST_RAM_SIZE / SST_SCAN_BLOCK)
/* Real-mode addresses reach 0xFFFF:0xFFFF = 0x10FFEF with A20 on. */
#define SST_REAL_LIMIT 0x110000u

enum sst_run_end {
    SST_END_HLT,          /* ran to the HLT: the normal end */
    SST_END_NO_HALT,      /* instruction cap reached */
    SST_END_SHUTDOWN,     /* triple fault */
    SST_END_STOP,         /* stopped: the watchdog fired (no return from cpu_run) */
};

#define SST_MAX_RAM_DIFFS 8
#define SST_MAX_STRAY 8

struct sst_ram_diff {
    uint32_t addr;
    uint8_t expected, got, mask;
};

struct sst_result {
    int pass;
    enum sst_run_end end;
    uint64_t insns;                    /* instructions run (approximate: budget slices) */
    uint16_t reg_diff;                 /* bit i: register i differs */
    uint16_t expected[MOO_REG_COUNT];  /* masked expected values */
    uint16_t got[MOO_REG_COUNT];       /* masked values we ended with */
    uint16_t cmp_mask[MOO_REG_COUNT];
    uint32_t ram_diffs;                /* total differing bytes */
    struct sst_ram_diff ram[SST_MAX_RAM_DIFFS];
    uint32_t stray;                    /* bytes written outside INIT/FINA (audit only) */
    struct sst_ram_diff stray_at[SST_MAX_STRAY];
    uint64_t exceptions[32];           /* exceptions our CPU delivered, per vector */
};

struct sst_exec {
    struct physmem pm;
    struct cpu cpu;
    uint8_t *mark;                     /* one byte per RAM byte: in FINA's list */
    uint8_t dirty_block[SST_SCAN_BLOCKS]; /* blocks the audit must scan */
};

int sst_exec_init(struct sst_exec *x);
void sst_exec_free(struct sst_exec *x);

/* Checks that every RAM address the test names lies in RAM; 0 or -1. */
int sst_exec_validate(const struct moo_test *t, const char **why);

/* Runs `t` and fills `r`. flags_mask clears FLAGS bits the reference left
 * undefined; file_rmsk is the file-level RMSK (mask 0 if none); `rep` says
 * the instruction has a REP prefix (raises the instruction cap). With
 * `audit`, or when the test already differs, RAM is scanned for stray
 * writes afterwards. */
void sst_exec_run(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask,
                  const struct moo_regs *file_rmsk, int rep, int audit, struct sst_result *r);

/* As sst_exec_run, with IVT entry `from_vec` made a copy of `to_vec`'s
 * for the run (a vector of -1: no aliasing). Lets a known difference
 * check that delivering from_vec where the reference delivered to_vec is
 * the whole mismatch. */
void sst_exec_run_aliased(struct sst_exec *x, const struct moo_test *t, uint16_t flags_mask,
                          const struct moo_regs *file_rmsk, int rep, int audit, int from_vec, int to_vec,
                          struct sst_result *r);

/* Scans all of RAM for nonzero bytes; marks the 64 KiB blocks holding any
 * in dirty_block, zeroes RAM and returns how many bytes were nonzero. */
uint32_t sst_exec_sweep(struct sst_exec *x);

#endif
