/* Model-specific registers. Those that configure hardware shadow86 does
 * not model (MTRRs, PAT, APIC base) read back what was written so firmware
 * and kernels that program them see a consistent machine; reserved bits
 * and unknown MSRs give #GP(0), as on the real processor. */
#include "cpu/msr.h"

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining (SDM 11.11.1). */
#define MTRRCAP_VALUE 0x508u
/* A memory type field accepts UC(0) WC(1) WT(4) WP(5) WB(6). */
static int mem_type_ok(unsigned t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

static int bytes_are_mem_types(uint64_t v)
{
    for (int i = 0; i < 8; i++)
        if (!mem_type_ok((unsigned)(v >> (8 * i)) & 0xFF))
            return 0;
    return 1;
}

/* PAT entries also allow UC- (7). */
static int bytes_are_pat_types(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        unsigned t = (unsigned)(v >> (8 * i)) & 0xFF;
        if (!mem_type_ok(t) && t != 7)
            return 0;
    }
    return 1;
}

/* Fixed-range MTRR index for an MSR number, or -1. */
static int fixed_mtrr_index(uint32_t index)
{
    if (index == MSR_MTRR_FIX64K)
        return 0;
    if (index == MSR_MTRR_FIX16K_80)
        return 1;
    if (index == MSR_MTRR_FIX16K_A0)
        return 2;
    if (index >= MSR_MTRR_FIX4K_C0 && index < MSR_MTRR_FIX4K_C0 + 8)
        return 3 + (int)(index - MSR_MTRR_FIX4K_C0);
    return -1;
}

void cpu_msr_reset(struct cpu *cpu)
{
    struct cpu_msrs *m = &cpu->msr;
    *m = (struct cpu_msrs){ 0 };
    /* xAPIC at its default base, enabled; BSP flag on CPU 0 only. */
    m->apic_base = 0xFEE00000u | (1u << 11) | (cpu->apic_id == 0 ? 1u << 8 : 0);
    m->pat = 0x0007040600070406ull;
    m->misc_enable = MISC_ENABLE_RESET;
    cpu->efer = 0;
    /* The TSC restarts from 0 at reset (SDM 17.17); icount does not. */
    cpu->tsc_offset = 0 - cpu->icount;
}

uint64_t cpu_read_tsc(const struct cpu *cpu)
{
    return cpu->icount + cpu->tsc_offset;
}

int cpu_pmc_read(const struct cpu *cpu, uint32_t ecx, uint64_t *value)
{
    if (ecx > 1)
        return -1;
    *value = cpu->msr.perfctr[ecx];
    return 0;
}

int cpu_msr_read(const struct cpu *cpu, uint32_t index, uint64_t *value)
{
    const struct cpu_msrs *m = &cpu->msr;
    int fx = fixed_mtrr_index(index);
    if (fx >= 0) {
        *value = m->mtrr_fixed[fx];
        return 0;
    }
    if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 2 * CPU_MTRR_VAR_COUNT) {
        *value = m->mtrr_var[index - MSR_MTRR_PHYS_BASE0];
        return 0;
    }
    if (index >= MSR_X2APIC_FIRST && index <= MSR_X2APIC_LAST)
        return cpu->io.x2apic && cpu->io.apic_msr_read
                   ? cpu->io.apic_msr_read(cpu->io.opaque, index, value) : -1;
    switch (index) {
    case MSR_TSC:          *value = cpu_read_tsc(cpu); return 0;
    /* Platform ID 0 (bits 52:50); microcode revision 0 in BIOS_SIGN_ID's
     * high half: no update is ever loaded, so what the OS reads after
     * "write 0, CPUID" is 0 (SDM Vol. 3, 10.11.7). */
    case MSR_PLATFORM_ID:  *value = 0; return 0;
    case MSR_BIOS_SIGN_ID: *value = 0; return 0;
    case MSR_APIC_BASE:    *value = m->apic_base; return 0;
    case MSR_MTRRCAP:      *value = MTRRCAP_VALUE; return 0;
    case MSR_SYSENTER_CS:  *value = m->sysenter_cs; return 0;
    case MSR_SYSENTER_ESP: *value = m->sysenter_esp; return 0;
    case MSR_SYSENTER_EIP: *value = m->sysenter_eip; return 0;
    case MSR_PAT:          *value = m->pat; return 0;
    case MSR_MTRR_DEF_TYPE: *value = m->mtrr_def_type; return 0;
    case MSR_EFER:         *value = cpu->efer; return 0;
    case MSR_PERFCTR0:     *value = m->perfctr[0]; return 0;
    case MSR_PERFCTR1:     *value = m->perfctr[1]; return 0;
    case MSR_PERFEVTSEL0:  *value = m->perfevtsel[0]; return 0;
    case MSR_PERFEVTSEL1:  *value = m->perfevtsel[1]; return 0;
    case MSR_MISC_ENABLE:  *value = m->misc_enable; return 0;
    default:               return -1;
    }
}

int cpu_msr_write(struct cpu *cpu, uint32_t index, uint64_t v)
{
    struct cpu_msrs *m = &cpu->msr;
    int fx = fixed_mtrr_index(index);
    if (fx >= 0) {
        if (!bytes_are_mem_types(v))
            return -1;
        m->mtrr_fixed[fx] = v;
        return 0;
    }
    if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 2 * CPU_MTRR_VAR_COUNT) {
        unsigned i = index - MSR_MTRR_PHYS_BASE0;
        /* 36-bit physical addresses: bits 35:12 of base/mask; the type in a
         * base's bits 7:0, the valid bit 11 in a mask. */
        uint64_t allowed = (i & 1) ? 0xFFFFFF800ull : 0xFFFFFF0FFull;
        if ((v & ~allowed) || (!(i & 1) && !mem_type_ok((unsigned)v & 0xFF)))
            return -1;
        m->mtrr_var[i] = v;
        return 0;
    }
    if (index >= MSR_X2APIC_FIRST && index <= MSR_X2APIC_LAST)
        return cpu->io.x2apic && cpu->io.apic_msr_write
                   ? cpu->io.apic_msr_write(cpu->io.opaque, index, v) : -1;
    switch (index) {
    case MSR_TSC:
        cpu->tsc_offset = v - cpu->icount;
        return 0;
    case MSR_APIC_BASE: {
        /* BSP (bit 8) is read-only; base bits 35:12, enable (11) and,
         * with x2APIC offered, EXTD (10). */
        uint64_t en = 1u << 11, extd = 1u << 10;
        if (v & ~(0xFFFFFF900ull | (cpu->io.x2apic ? extd : 0)))
            return -1;
        /* SDM 10.12.5: EXTD needs EN; x2APIC is entered from xAPIC only
         * and left only through disabled. */
        int was_on = (m->apic_base & en) != 0, was_x2 = (m->apic_base & extd) != 0;
        if ((v & extd) && (!(v & en) || !was_on))
            return -1;
        if (was_x2 && (v & en) && !(v & extd))
            return -1;
        m->apic_base = (v & 0xFFFFFFC00ull) | (m->apic_base & (1u << 8));
        if (cpu->io.apic_base)
            cpu->io.apic_base(cpu->io.opaque, m->apic_base);
        return 0;
    }
    case MSR_BIOS_SIGN_ID:
        return 0;   /* the revision is the processor's to set: stays 0 */
    case MSR_BIOS_UPDT_TRIG:
        /* A microcode update is never accepted: the revision stays 0, which
         * is how software sees a rejected update (SDM 10.11.6). */
        return 0;
    case MSR_SYSENTER_CS:  m->sysenter_cs = (uint32_t)v; return 0;
    case MSR_SYSENTER_ESP: m->sysenter_esp = (uint32_t)v; return 0;
    case MSR_SYSENTER_EIP: m->sysenter_eip = (uint32_t)v; return 0;
    case MSR_PAT:
        if (!bytes_are_pat_types(v))
            return -1;
        m->pat = v;
        return 0;
    case MSR_MTRR_DEF_TYPE:
        /* E (11), FE (10), default type (7:0). */
        if ((v & ~0xCFFull) || !mem_type_ok((unsigned)v & 0xFF))
            return -1;
        m->mtrr_def_type = v;
        return 0;
    case MSR_PERFCTR0:
    case MSR_PERFCTR1:
        /* P6: the low 32 bits are written, bits 39:32 copy bit 31 (SDM
         * Vol. 3, 19.6.8.2); EDX is ignored. */
        m->perfctr[index - MSR_PERFCTR0] = (uint64_t)(int64_t)(int32_t)(uint32_t)v & PERFCTR_MASK;
        return 0;
    case MSR_PERFEVTSEL0:
    case MSR_PERFEVTSEL1:
        /* Event, unit mask, USR OS E PC INT, EN (22), INV, CMASK; bit 21
         * and the high half are reserved. */
        if (v & ~0xFFDFFFFFull)
            return -1;
        m->perfevtsel[index - MSR_PERFEVTSEL0] = (uint32_t)v;
        return 0;
    case MSR_MISC_ENABLE:
        /* Fast strings is kept (it changes nothing a program can see
         * here); the read-only and reserved bits must be written as read. */
        if ((v ^ m->misc_enable) & ~(uint64_t)MISC_ENABLE_WRITABLE)
            return -1;
        m->misc_enable = v;
        return 0;
    case MSR_EFER:
        /* Only NXE is writable on a 32-bit CPU (SCE/LME/LMA are 64-bit). */
        if (v & ~(uint64_t)EFER_NXE)
            return -1;
        if ((cpu->efer ^ v) & EFER_NXE)
            softtlb_flush_all(&cpu->tlb);   /* [mmu]: NX rights are cached */
        cpu->efer = v;
        return 0;
    default:
        return -1;
    }
}
