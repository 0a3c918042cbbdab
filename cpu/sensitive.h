/* Sensitive instructions: which ones a virtual machine monitor must see.
 *
 * The classes follow Popek & Goldberg (1974) as Robin & Irvine (USENIX
 * Security 2000) applied them to the Intel 386 family:
 * - privileged: trap (#GP(0)) when run above CPL 0 — they can be left to
 *   trap-and-emulate;
 * - IOPL-sensitive: trap when CPL > IOPL (or in V86 with IOPL < 3);
 * - sensitive but unprivileged: they read or change privileged state (or
 *   behave differently by privilege level) without trapping at CPL 3 —
 *   the seventeen that make the 386 not classically virtualizable, plus the
 *   later SYSENTER and RDTSC (privileged only under CR4.TSD).
 * The table is per decoded operation (struct insn.op). The interpreter
 * counts every execution per class and per operation (struct cpu_stats);
 * the translator ends blocks at, and calls out for, every class but NONE.
 */
#ifndef SHADOW86_CPU_SENSITIVE_H
#define SHADOW86_CPU_SENSITIVE_H

#include "cpu/insn.h"

enum cpu_sensitivity {
    CPU_SENS_NONE,           /* not sensitive */
    CPU_SENS_PRIVILEGED,     /* #GP(0) at CPL > 0 */
    CPU_SENS_IOPL,           /* #GP(0) when CPL > IOPL (IN/OUT: unless the I/O bitmap allows) */
    CPU_SENS_UNPRIVILEGED,   /* sensitive, yet runs at CPL 3 without trapping */
    CPU_SENS_COUNT
};

/* The class of a decoded instruction. */
enum cpu_sensitivity cpu_sensitive_class(const struct insn *in);

/* The class of an operation (enum insn_op); CPU_SENS_NONE when out of range. */
enum cpu_sensitivity cpu_sensitive_class_of_op(unsigned op);

/* Why the operation is sensitive (one short phrase), or NULL when it is not. */
const char *cpu_sensitive_reason(unsigned op);

/* "privileged", "iopl-sensitive", "sensitive-unprivileged", "none". */
const char *cpu_sensitive_class_name(enum cpu_sensitivity c);

#endif
