#include "cpu/control_regs.h"
#include "cpu/except.h"

void cpu_write_cr0(struct cpu *cpu, uint32_t v)
{
    v |= CR0_ET;   /* hard-wired to 1 on P6 */
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_raise(cpu, VEC_GP, 0);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_raise(cpu, VEC_GP, 0);
    if (v & CR0_PG)
        cpu_raise_unimplemented(cpu, "paging (CR0.PG)");
    cpu->cr0 = v & (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE |
                    CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG);
}

void cpu_write_cr3(struct cpu *cpu, uint32_t v)
{
    cpu->cr3 = v & 0xFFFFF018u;   /* page-directory base, PCD, PWT */
}

/* CR4 bits of the architecture up to P6: VME PVI TSD DE PSE PAE MCE PGE
 * PCE. Those whose feature is not built yet are refused as unimplemented
 * (CPUID does not report them either). */
#define CR4_KNOWN 0x000001FFu
#define CR4_IMPLEMENTED 0x0000000Fu   /* VME PVI ([system]: cpu/v86.c) TSD DE (cpu/debug.c) */

void cpu_write_cr4(struct cpu *cpu, uint32_t v)
{
    if (v & ~CR4_KNOWN)
        cpu_raise(cpu, VEC_GP, 0);
    if (v & ~CR4_IMPLEMENTED)
        cpu_raise_unimplemented(cpu, "CR4 feature bit");
    cpu->cr4 = v;
}

void cpu_invlpg(struct cpu *cpu, uint32_t lin)
{
    (void)cpu;
    (void)lin;   /* no translations are cached until paging exists */
}
