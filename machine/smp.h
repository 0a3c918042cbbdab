/* Several CPUs on one host thread (-smp N): see docs/platform.md, "SMP".
 *
 * The CPUs take turns: the running one (machine->cpu) runs until its
 * quantum of MACHINE_SMP_QUANTUM instructions is used, or it halts,
 * executes PAUSE, or sends an IPI (or an interrupt arrives for another
 * CPU): then the next CPU in index order that can run takes over. Every
 * switch happens at an instruction boundary chosen by instruction counts
 * alone, so two runs with the same inputs are identical; and since one
 * CPU runs at a time, every instruction, LOCK-prefixed or not, is atomic
 * with respect to the others.
 *
 * Virtual time counts the instructions of all CPUs together (as QEMU's
 * icount does with its round-robin CPUs), and every CPU's TSC follows
 * that count, so the TSCs agree. */
#ifndef SHADOW86_MACHINE_SMP_H
#define SHADOW86_MACHINE_SMP_H

#include <stddef.h>
#include <stdint.h>

/* Instructions a CPU runs before the next takes its turn. Spin-wait
 * loops that PAUSE hand over at once; this bounds those that do not. */
#define MACHINE_SMP_QUANTUM 20000u

enum machine_cpu_state {
    MACHINE_CPU_RUNNING,    /* runs (or halts in HLT until an interrupt) */
    MACHINE_CPU_WAIT_SIPI   /* after power-on (APs) or INIT: only a SIPI starts it */
};

struct machine_smp_cpu {
    uint8_t state;          /* enum machine_cpu_state */
    uint64_t out_total;     /* machine_insn_total when it last stopped running */
    uint64_t pdpte[4];      /* its PAE PDPTE registers while another CPU runs */
    uint64_t halts;         /* turns ended by HLT (--stats) */
    uint64_t turns;         /* turns taken (--stats) */
    uint64_t sipis;         /* start-up IPIs that started it (--stats) */
    uint8_t init_pending;   /* INIT it sent itself, taken at the end of its turn */
};

struct machine;
struct cpu;

/* Set up CPUs 1..ncpus-1 beside the bootstrap CPU (already initialised):
 * same I/O, MMU and observers, APIC ID = index, waiting for SIPI. */
void machine_smp_create(struct machine *m);
/* After a reset of the board: every CPU at its power-on state, the BSP
 * running and the APs waiting for SIPI. */
void machine_smp_reset(struct machine *m);

/* Make CPU k the running one. */
void machine_smp_switch(struct machine *m, unsigned k);
/* At the top of a pass: choose the CPU to run (the running one keeps its
 * turn unless it ended). Returns 0 with m->cpu chosen, or -1 when no CPU
 * can run now (all halted or waiting for SIPI). */
int machine_smp_pick(struct machine *m);
/* The running CPU's turn ends at the next pass top. */
void machine_smp_yield(struct machine *m);
/* Could CPU k run now (running and not halted, or halted with an
 * interrupt it takes)? */
int machine_smp_cpu_ready(struct machine *m, unsigned k);
/* Could anything still wake CPU k, halted (an interrupt path is open)? */
int machine_smp_cpu_can_wake(const struct machine *m, unsigned k);
/* Virtual time skipped while every CPU was idle: their TSCs count it. */
void machine_smp_idle_skipped(struct machine *m, uint64_t ticks);

/* INIT and SIPI delivered to CPU k by its local APIC. */
void machine_smp_init_ipi(struct machine *m, unsigned k);
void machine_smp_sipi(struct machine *m, unsigned k, uint8_t vector);

/* Saved states (machine/snapshot.c): the "SMP0" record and CPUs 1..N-1
 * (CPU 0 is saved first by the snapshot itself). Loading checks the CPU
 * count against this machine's (-1 with a one-line message) and makes the
 * saved running CPU the running one; machine_smp_state_loaded() then
 * rebuilds every CPU's TLB and PDPTE registers. */
struct state_writer;
struct state_reader;
void machine_smp_save(const struct machine *m, struct state_writer *w);
int machine_smp_load(struct machine *m, const uint8_t *buf, size_t len,
                     struct state_reader *r, char *err, size_t errsz);
void machine_smp_state_loaded(struct machine *m);

/* Instructions retired by every CPU. */
uint64_t machine_smp_icount_sum(const struct machine *m);

#endif
