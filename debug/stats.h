/* --stats: the counters a run leaves behind, as text or JSON.
 *
 * Figures are emitted through struct stats_out, which renders the same
 * calls either as text lines ("stats: cpu.exceptions.#GP 3") or as one
 * JSON document (--stats-format=json) through debug/json.c, so both forms
 * always carry the same figures.
 *
 * The sections are built in: run (instructions, host time, MIPS,
 * resets), cpu (exceptions and interrupts per vector, #UD, unimplemented),
 * sensitive instructions, io (port accesses per device, unmapped ports),
 * dbt (blocks, cache and chain hit rates, invalidations by cause) and
 * callouts per sensitive kind, physmem, devices, and in debug/stats_mmu.c
 * softtlb (hit rates per access type) and mmu (walks, references per
 * walk, shadow tables). Code outside debug/ may add a section with
 * stats_register() (nothing does yet). A section function only calls the
 * stats_* emitters below.
 */
#ifndef SHADOW86_DEBUG_STATS_H
#define SHADOW86_DEBUG_STATS_H

#include <stdio.h>

#include "debug/json.h"
#include "machine/machine.h"

enum stats_format { STATS_TEXT, STATS_JSON };

struct stats_out {
    enum stats_format format;
    FILE *out;
    struct json_writer json;
    char path[256];            /* text: dotted prefix of the open groups */
    size_t path_len[JSON_MAX_DEPTH];
    int depth;
};

void stats_group_begin(struct stats_out *o, const char *name);
void stats_group_end(struct stats_out *o);
void stats_u64(struct stats_out *o, const char *name, uint64_t v);
void stats_double(struct stats_out *o, const char *name, double v);
void stats_str(struct stats_out *o, const char *name, const char *v);

typedef void (*stats_section_fn)(void *opaque, struct stats_out *o);

#define STATS_MAX_SECTIONS 16
struct stats_registry {
    struct {
        const char *name;
        stats_section_fn fn;
        void *opaque;
    } v[STATS_MAX_SECTIONS];
    unsigned n;
};

/* Counters debug/ keeps itself while --stats is on (through the CPU's
 * interrupt hook and the bus observer: both are off the hot path). */
#define STATS_MAX_DEVICES 32
struct stats_counters {
    uint64_t vectors[256][4];    /* deliveries per vector and enum int_source */
    struct {
        const char *name;        /* device name from the bus (static string) */
        uint64_t reads, writes;
    } dev[STATS_MAX_DEVICES];
    unsigned ndev;
    uint64_t host_start_ns;      /* clock_host_monotonic_ns() at the start */
};

void stats_registry_init(struct stats_registry *r);
/* Add a section printed after the built-in ones, as a group named `name`.
 * Returns 0, or -1 when the registry is full. */
int stats_register(struct stats_registry *r, const char *name, stats_section_fn fn,
                   void *opaque);

void stats_counters_init(struct stats_counters *c);
void stats_count_interrupt(struct stats_counters *c, int vec, int src);
void stats_count_io(struct stats_counters *c, const char *device, int is_write);

/* Print every section (at exit, or mid-run on SIGUSR1). `c` and `r` may
 * be NULL. */
/* [mmu]'s sections (debug/stats_mmu.c). */
void stats_section_softtlb(struct stats_out *o, const struct machine *m);
void stats_section_mmu(struct stats_out *o, const struct machine *m);

void stats_print(FILE *out, enum stats_format format, const struct machine *m,
                 const struct stats_counters *c, const struct stats_registry *r);
/* The same with everything under `group` (one of several guests: "vm2"). */
void stats_print_group(FILE *out, enum stats_format format, const char *group,
                       const struct machine *m, const struct stats_counters *c,
                       const struct stats_registry *r);

/* Mnemonic of an exception vector ("GP"), or NULL for unnamed ones. */
const char *stats_vector_name(unsigned vector);

#endif
