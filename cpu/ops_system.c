/* System instructions: descriptor-table registers, control and debug
 * registers, HLT, CPUID, RDTSC, MSRs, cache control (the x87 escapes
 * and WAIT are in cpu/ops_fpu.c). Each is a separate function: these are
 * the translator's callout targets. Privilege checks follow the SDM's
 * per-instruction pages. */
#include "cpu/control_regs.h"
#include "cpu/debug.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/msr.h"
#include "cpu/ops.h"
#include "cpu/operand.h"
#include "cpu/seg.h"

/* #GP(0) unless at CPL 0 (real mode is CPL 0). */
static void require_cpl0(struct cpu *cpu)
{
    if (cpu_cpl(cpu) != 0)
        cpu_raise(cpu, VEC_GP, 0);
}

void op_unimplemented(struct cpu *cpu, const struct insn *in)
{
    cpu_raise_unimplemented(cpu, insn_op_name(in->op));
}

void op_hlt(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu->halted = 1;
}

/* RSM outside system-management mode is #UD (SDM "RSM"); shadow86 has no
 * SMM, so that is every RSM. */
void op_rsm(struct cpu *cpu, const struct insn *in)
{
    cpu_raise(cpu, VEC_UD, 0);
}

void op_ud2(struct cpu *cpu, const struct insn *in)
{
    cpu_raise(cpu, VEC_UD, 0);
}

void op_lgdt_lidt(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint32_t limit = cpu_read(cpu, in->seg, cpu->ea, 2);
    uint32_t base = cpu_read(cpu, in->seg, (cpu->ea + 2) & addr_mask(in), 4);
    if (in->opsize == 2)
        base &= 0x00FFFFFFu;   /* 24-bit base with a 16-bit operand size */
    struct dtr *t = in->op == OP_LGDT ? &cpu->gdtr : &cpu->idtr;
    t->limit = (uint16_t)limit;
    t->base = base;
}

void op_sgdt_sidt(struct cpu *cpu, const struct insn *in)
{
    const struct dtr *t = in->op == OP_SGDT ? &cpu->gdtr : &cpu->idtr;
    uint32_t base = in->opsize == 2 ? (t->base & 0x00FFFFFFu) : t->base;
    cpu_check_access(cpu, in->seg, cpu->ea, 6, 1);
    cpu_write(cpu, in->seg, cpu->ea, 2, t->limit);
    cpu_write(cpu, in->seg, (cpu->ea + 2) & addr_mask(in), 4, base);
}

void op_smsw(struct cpu *cpu, const struct insn *in)
{
    opnd_write(cpu, in, 0, cpu->cr0);
}

void op_lmsw(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint32_t v = opnd_read(cpu, in, 0) & 0xF;
    /* LMSW sets PE but never clears it. */
    cpu_write_cr0(cpu, (cpu->cr0 & ~0xEu) | v | (cpu->cr0 & CR0_PE));
}

void op_clts(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu->cr0 &= ~CR0_TS;
}

void op_mov_to_cr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint32_t v = cpu->regs[in->opnd[1].reg];
    switch (in->opnd[0].reg) {
    case 0: cpu_write_cr0(cpu, v); break;
    case 2: cpu->cr2 = v; break;
    case 3: cpu_write_cr3(cpu, v); break;
    default: cpu_write_cr4(cpu, v); break;
    }
}

void op_mov_from_cr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint32_t v;
    switch (in->opnd[1].reg) {
    case 0: v = cpu->cr0; break;
    case 2: v = cpu->cr2; break;
    case 3: v = cpu->cr3; break;
    default: v = cpu->cr4; break;
    }
    cpu->regs[in->opnd[0].reg] = v;
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD. */
static unsigned debug_reg_index(struct cpu *cpu, unsigned r)
{
    if (r == 4 || r == 5) {
        if (cpu->cr4 & 0x8)
            cpu_raise(cpu, VEC_UD, 0);
        return r + 2;
    }
    return r;
}

void op_mov_to_dr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu_debug_general_detect(cpu);
    unsigned r = debug_reg_index(cpu, in->opnd[0].reg);
    uint32_t v = cpu->regs[in->opnd[1].reg];
    if (r == 6)
        v = (v & 0x0000E00Fu) | 0xFFFF0FF0u;
    else if (r == 7)
        v = (v & 0xFFFF2BFFu) | 0x400u;
    cpu->dr[r] = v;
}

void op_mov_from_dr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu_debug_general_detect(cpu);
    cpu->regs[in->opnd[0].reg] = cpu->dr[debug_reg_index(cpu, in->opnd[1].reg)];
}

void op_cache_ctl(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);   /* INVD/WBINVD: no cache is modelled */
}

void op_invlpg(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu_invlpg(cpu, cpu->seg[in->seg].base + cpu->ea);
}

/* CPUID leaf 1 EDX: exactly the features implemented. */
#define CPUID_FPU  (1u << 0)    /* x87 on chip (cpu/ops_fpu*.c) */
#define CPUID_VME  (1u << 1)    /* CR4.VME and CR4.PVI (cpu/v86.c) */
#define CPUID_DE   (1u << 2)    /* CR4.DE: I/O breakpoints, DR4/DR5 #UD (cpu/debug.c) */
#define CPUID_TSC  (1u << 4)
#define CPUID_MSR  (1u << 5)
#define CPUID_CX8  (1u << 8)
#define CPUID_APIC (1u << 9)    /* on-chip local APIC, when the board has one */
#define CPUID_SEP  (1u << 11)   /* SYSENTER/SYSEXIT (model 3: not the PPro erratum) */
#define CPUID_MTRR (1u << 12)
#define CPUID_ECX_X2APIC (1u << 21)   /* leaf 1 ECX: x2APIC mode, with -machine x2apic=on */
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT  (1u << 16)
#define CPUID_FXSR (1u << 24)   /* FXSAVE/FXRSTOR, CR4.OSFXSR (cpu/ops_fpu.c) */
#define CPUID_PAGING ((1u << 3) | (1u << 6) | (1u << 13))   /* [mmu]: PSE, PAE, PGE */
#define CPUID_EXT_NX (1u << 20)                               /* [mmu]: 80000001h EDX */

void cpu_cpuid(const struct cpu *cpu, uint32_t leaf, uint32_t out[4])
{
    uint32_t a = 0, b = 0, c = 0, d = 0;
    switch (leaf) {
    case 0:
        a = 1;
        /* "GenuineIntel" as little-endian bytes in EBX, EDX, ECX. */
        b = (uint32_t)'G' | (uint32_t)'e' << 8 | (uint32_t)'n' << 16 | (uint32_t)'u' << 24;
        d = (uint32_t)'i' | (uint32_t)'n' << 8 | (uint32_t)'e' << 16 | (uint32_t)'I' << 24;
        c = (uint32_t)'n' | (uint32_t)'t' << 8 | (uint32_t)'e' << 16 | (uint32_t)'l' << 24;
        break;
    case 1:
        a = 0x00000633;   /* family 6, model 3, stepping 3 */
        /* EBX[31:24]: the initial APIC ID. Each CPU of -smp is a package
         * of its own (as the MP table and MADT list them), so HTT stays
         * clear and EBX[23:16] (logical processors per package) is 0. */
        b = (uint32_t)cpu->apic_id << 24;
        d = CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_TSC | CPUID_MSR | CPUID_CX8 | CPUID_SEP |
            CPUID_MTRR | CPUID_CMOV | CPUID_PAT | CPUID_FXSR | CPUID_PAGING;
        if (cpu->io.apic)
            d |= CPUID_APIC;
        if (cpu->io.apic && cpu->io.x2apic)
            c |= CPUID_ECX_X2APIC;
        break;
    case 0x80000000u:
        a = 0x80000001u;   /* [mmu]: highest extended leaf, for NX */
        break;
    case 0x80000001u:
        d = CPUID_EXT_NX;
        break;
    default:
        break;   /* leaves above the maximum return zeros here */
    }
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

void op_cpuid(struct cpu *cpu, const struct insn *in)
{
    uint32_t r[4];
    (void)in;
    cpu_cpuid(cpu, cpu->regs[REG_EAX], r);
    cpu->regs[REG_EAX] = r[0];
    cpu->regs[REG_EBX] = r[1];
    cpu->regs[REG_ECX] = r[2];
    cpu->regs[REG_EDX] = r[3];
}

void op_rdtsc(struct cpu *cpu, const struct insn *in)
{
    /* CR4.TSD makes RDTSC privileged (SDM "RDTSC"). */
    if ((cpu->cr4 & 0x4) && cpu_cpl(cpu) != 0)
        cpu_raise(cpu, VEC_GP, 0);
    uint64_t t = cpu_read_tsc(cpu);
    cpu->regs[REG_EAX] = (uint32_t)t;
    cpu->regs[REG_EDX] = (uint32_t)(t >> 32);
}

void op_rdpmc(struct cpu *cpu, const struct insn *in)
{
    /* CR4.PCE lets CPL > 0 (and V86) read the counters (SDM "RDPMC"). */
    if (!(cpu->cr4 & CR4_PCE) && (cpu->cr0 & CR0_PE) && cpu_cpl(cpu) != 0)
        cpu_raise(cpu, VEC_GP, 0);
    uint64_t v;
    if (cpu_pmc_read(cpu, cpu->regs[REG_ECX], &v) != 0)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->regs[REG_EAX] = (uint32_t)v;
    cpu->regs[REG_EDX] = (uint32_t)(v >> 32);
}

void op_rdmsr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint64_t v;
    if (cpu_msr_read(cpu, cpu->regs[REG_ECX], &v) != 0)
        cpu_raise(cpu, VEC_GP, 0);
    cpu->regs[REG_EAX] = (uint32_t)v;
    cpu->regs[REG_EDX] = (uint32_t)(v >> 32);
}

void op_wrmsr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint64_t v = ((uint64_t)cpu->regs[REG_EDX] << 32) | cpu->regs[REG_EAX];
    if (cpu_msr_write(cpu, cpu->regs[REG_ECX], v) != 0)
        cpu_raise(cpu, VEC_GP, 0);
}
