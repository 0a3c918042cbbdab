/* Model-specific registers (RDMSR/WRMSR, SDM Vol. 4 for the P6 family). */
#ifndef SHADOW86_CPU_MSR_H
#define SHADOW86_CPU_MSR_H

#include "cpu/cpu.h"

#define MSR_TSC            0x010u
#define MSR_PLATFORM_ID    0x017u
#define MSR_APIC_BASE      0x01Bu
#define MSR_X2APIC_FIRST   0x800u    /* x2APIC registers (the APIC answers) */
#define MSR_X2APIC_LAST    0x8FFu
#define MSR_BIOS_UPDT_TRIG 0x079u
#define MSR_BIOS_SIGN_ID   0x08Bu
#define MSR_PERFCTR0       0x0C1u
#define MSR_PERFCTR1       0x0C2u
#define MSR_MTRRCAP        0x0FEu
#define MSR_SYSENTER_CS    0x174u
#define MSR_SYSENTER_ESP   0x175u
#define MSR_SYSENTER_EIP   0x176u
#define MSR_PERFEVTSEL0    0x186u
#define MSR_PERFEVTSEL1    0x187u
#define MSR_MISC_ENABLE    0x1A0u
#define MSR_MTRR_PHYS_BASE0 0x200u
#define MSR_MTRR_FIX64K    0x250u
#define MSR_MTRR_FIX16K_80 0x258u
#define MSR_MTRR_FIX16K_A0 0x259u
#define MSR_MTRR_FIX4K_C0  0x268u
#define MSR_PAT            0x277u
#define MSR_MTRR_DEF_TYPE  0x2FFu
#define MSR_EFER           0xC0000080u

#define EFER_NXE (1u << 11)

/* IA32_MISC_ENABLE on a P6: fast strings on (bit 0, read/write); the
 * read-only "performance monitoring available" (7), "branch trace
 * storage unavailable" (11) and "PEBS unavailable" (12). */
#define MISC_ENABLE_FAST_STRINGS 0x1u
#define MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | 0x80u | 0x800u | 0x1000u)
#define MISC_ENABLE_WRITABLE MISC_ENABLE_FAST_STRINGS
#define PERFCTR_MASK 0xFFFFFFFFFFull   /* 40 bits */

/* RDPMC's counter: ECX 0 or 1 selects PerfCtr0/1 (SDM "RDPMC", P6);
 * returns 0, or -1 for any other ECX (the caller raises #GP(0)). */
int cpu_pmc_read(const struct cpu *cpu, uint32_t ecx, uint64_t *value);

/* Power-on values (SDM Vol. 3, Table 9-1). */
void cpu_msr_reset(struct cpu *cpu);

/* The time-stamp counter: icount + tsc_offset. */
uint64_t cpu_read_tsc(const struct cpu *cpu);

/* Read/write an MSR. Return 0, or -1 when the MSR does not exist or the
 * value sets reserved bits (the caller raises #GP(0)). */
int cpu_msr_read(const struct cpu *cpu, uint32_t index, uint64_t *value);
int cpu_msr_write(struct cpu *cpu, uint32_t index, uint64_t value);

#endif
