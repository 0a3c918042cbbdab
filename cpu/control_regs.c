/* CR0/CR3/CR4 writes and INVLPG: validation per the SDM and what each
 * does to cached translations (SDM Vol. 3, 4.10.4: a CR3 load flushes
 * non-global translations; toggling CR0.PG flushes everything, and so
 * does toggling CR4.PGE, PAE or PSE while paging is on (Linux toggles PGE
 * to flush global entries; it must take the others too); INVLPG flushes
 * one page, global or not). With paging off nothing is translated, so
 * the CR4 paging bits change no cached entry. CR0.WP is not part of a
 * translation: the software TLB's supervisor write tags are the only
 * rights it decides, so setting WP revokes those alone and clearing it
 * nothing (a write it now allows misses and is filled by a walk). */
#include "cpu/control_regs.h"
#include "cpu/except.h"
#include "mmu/mmu.h"

#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_PGE 0x00000080u
#define CR4_PAGING (CR4_PSE | CR4_PAE | CR4_PGE)

static void regs_with(const struct cpu *cpu, uint32_t cr0, uint32_t cr3, uint32_t cr4,
                      struct mmu_regs *r)
{
    r->cr0 = cr0;
    r->cr3 = cr3;
    r->cr4 = cr4;
    r->efer = cpu->efer;
    r->pdpte = cpu->mmu ? cpu->mmu->pdpte : NULL;
}

/* PAE paging about to be in use with these values: load the PDPTEs from
 * CR3 (SDM 4.4.1), #GP(0) if one has reserved bits set. */
static void load_pdptes(struct cpu *cpu, uint32_t cr0, uint32_t cr3, uint32_t cr4)
{
    struct mmu_regs r;
    if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE))
        return;
    regs_with(cpu, cr0, cr3, cr4, &r);
    if (mmu_load_cr3(cpu->mmu, &r) != 0)
        cpu_raise(cpu, VEC_GP, 0);
}

void cpu_write_cr0(struct cpu *cpu, uint32_t v)
{
    v |= CR0_ET;   /* hard-wired to 1 on P6 */
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_raise(cpu, VEC_GP, 0);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_raise(cpu, VEC_GP, 0);
    if ((v & CR0_PG) && !cpu->mmu)
        cpu_raise_unimplemented(cpu, "paging on a CPU with no MMU attached");
    uint32_t old = cpu->cr0;
    if ((v & CR0_PG) && !(old & CR0_PG))
        load_pdptes(cpu, v, cpu->cr3, cpu->cr4);
    cpu->cr0 = v & (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE |
                    CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG);
    uint32_t changed = old ^ cpu->cr0;
    if (changed & CR0_PG)
        softtlb_flush_all(&cpu->tlb);
    else if ((changed & CR0_WP) && (cpu->cr0 & (CR0_WP | CR0_PG)) == (CR0_WP | CR0_PG))
        softtlb_revoke_supervisor_writes(&cpu->tlb);
    if ((old ^ cpu->cr0) & CR0_NE)
        fpu_update_ferr(cpu);   /* FERR# is driven only while NE = 0 (docs/fpu.md) */
}

void cpu_write_cr3(struct cpu *cpu, uint32_t v)
{
    /* Kept whole: bits 31:12 (2-level) or 31:5 (PAE) locate the tables,
     * PWT/PCD are cache hints, the rest is ignored. */
    load_pdptes(cpu, cpu->cr0, v, cpu->cr4);
    cpu->cr3 = v;
    softtlb_flush_nonglobal(&cpu->tlb);
}

/* CR4 bits of the architecture up to P6: VME PVI TSD DE PSE PAE MCE PGE
 * PCE, and OSFXSR (bit 9), which came with FXSAVE. Those whose feature is
 * not built yet are refused as unimplemented (CPUID does not report them
 * either). */
#define CR4_OSFXSR 0x00000200u
#define CR4_KNOWN (0x000001FFu | CR4_OSFXSR)
#define CR4_IMPLEMENTED (0x0000000Fu | CR4_PAGING | CR4_PCE | CR4_OSFXSR)   /* VME PVI ([system]: cpu/v86.c) TSD DE (cpu/debug.c); PSE PAE PGE ([mmu]); PCE (RDPMC, cpu/ops_system.c); OSFXSR (cpu/ops_fpu.c: no XMM state) */

void cpu_write_cr4(struct cpu *cpu, uint32_t v)
{
    if (v & ~CR4_KNOWN)
        cpu_raise(cpu, VEC_GP, 0);
    if (v & ~CR4_IMPLEMENTED)
        cpu_raise_unimplemented(cpu, "CR4 feature bit");
    uint32_t old = cpu->cr4;
    if ((old ^ v) & CR4_PAGING)
        load_pdptes(cpu, cpu->cr0, cpu->cr3, v);
    cpu->cr4 = v;
    if (((old ^ v) & CR4_PAGING) && (cpu->cr0 & CR0_PG))
        softtlb_flush_all(&cpu->tlb);
}

void cpu_invlpg(struct cpu *cpu, uint32_t lin)
{
    softtlb_flush_page(&cpu->tlb, lin);
    if (cpu->mmu)
        mmu_invlpg(cpu->mmu, lin);
}
