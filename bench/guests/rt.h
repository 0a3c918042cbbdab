/* bench/guests/rt.h -- the tiny runtime shared by the benchmark workloads.
 * Built twice: freestanding for the guest ROM, and hosted (-DBENCH_NATIVE)
 * for the native baseline. */
#ifndef BENCH_RT_H
#define BENCH_RT_H

#include <stdint.h>

void bench_puts(const char *s);
void bench_puthex(uint32_t v);
/* Print "<name> checksum XXXXXXXX" and end the run. */
void bench_finish(const char *name, uint32_t checksum);

/* The workload's entry. */
uint32_t bench_main(void);
extern const char bench_name[];

#endif
