/* Model-specific registers (RDMSR/WRMSR, SDM Vol. 4 for the P6 family). */
#ifndef SHADOW86_CPU_MSR_H
#define SHADOW86_CPU_MSR_H

#include "cpu/cpu.h"

#define MSR_TSC            0x010u
#define MSR_PLATFORM_ID    0x017u
#define MSR_APIC_BASE      0x01Bu
#define MSR_BIOS_UPDT_TRIG 0x079u
#define MSR_BIOS_SIGN_ID   0x08Bu
#define MSR_MTRRCAP        0x0FEu
#define MSR_SYSENTER_CS    0x174u
#define MSR_SYSENTER_ESP   0x175u
#define MSR_SYSENTER_EIP   0x176u
#define MSR_MTRR_PHYS_BASE0 0x200u
#define MSR_MTRR_FIX64K    0x250u
#define MSR_MTRR_FIX16K_80 0x258u
#define MSR_MTRR_FIX16K_A0 0x259u
#define MSR_MTRR_FIX4K_C0  0x268u
#define MSR_PAT            0x277u
#define MSR_MTRR_DEF_TYPE  0x2FFu
#define MSR_EFER           0xC0000080u

#define EFER_NXE (1u << 11)

/* Power-on values (SDM Vol. 3, Table 9-1). */
void cpu_msr_reset(struct cpu *cpu);

/* The time-stamp counter: icount + tsc_offset. */
uint64_t cpu_read_tsc(const struct cpu *cpu);

/* Read/write an MSR. Return 0, or -1 when the MSR does not exist or the
 * value sets reserved bits (the caller raises #GP(0)). */
int cpu_msr_read(const struct cpu *cpu, uint32_t index, uint64_t *value);
int cpu_msr_write(struct cpu *cpu, uint32_t index, uint64_t value);

#endif
