/* Task switches (SDM Vol. 3, 7.3) and TSS stack lookups (6.12.1, 5.8.5).
 *
 * The switch reads the whole new state before it writes anything, so a
 * fault before the commit point leaves the old task intact and the
 * instruction restartable; after the commit, segment checks run in the
 * context of the new task (the rollback point is moved to the new task's
 * EIP and ESP), which is how the SDM describes faults in step 13. */
#include "cpu/task.h"
#include "cpu/control_regs.h"
#include "cpu/debug.h"
#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"

/* Register images in a TSS: 32-bit at 20h..5Ch, 16-bit at 0Eh..2Ah. */
struct tss_image {
    uint32_t eip, eflags, regs[8], cr3;
    uint16_t seg[SEG_COUNT], ldt;
    uint16_t trap;   /* 32-bit TSS: the T (debug trap) bit at 64h */
};

static void tss_read(struct cpu *cpu, uint32_t base, int is32, struct tss_image *t)
{
    if (is32) {
        t->cr3 = cpu_lin_read(cpu, base + 0x1C, 4);
        t->eip = cpu_lin_read(cpu, base + 0x20, 4);
        t->eflags = cpu_lin_read(cpu, base + 0x24, 4);
        for (int r = 0; r < 8; r++)
            t->regs[r] = cpu_lin_read(cpu, base + 0x28 + 4 * (uint32_t)r, 4);
        for (int s = 0; s < SEG_COUNT; s++)
            t->seg[s] = (uint16_t)cpu_lin_read(cpu, base + 0x48 + 4 * (uint32_t)s, 2);
        t->ldt = (uint16_t)cpu_lin_read(cpu, base + 0x60, 2);
        t->trap = (uint16_t)cpu_lin_read(cpu, base + 0x64, 2) & 1;
    } else {
        /* A 16-bit TSS has no CR3, FS or GS. The upper halves of the
         * general registers are set to FFFFh, as the 386 does (and Bochs);
         * EFLAGS' upper half is cleared (below). */
        t->cr3 = cpu->cr3;
        t->eip = cpu_lin_read(cpu, base + 0x0E, 2);
        t->eflags = cpu_lin_read(cpu, base + 0x10, 2);
        for (int r = 0; r < 8; r++)
            t->regs[r] = 0xFFFF0000u | cpu_lin_read(cpu, base + 0x12 + 2 * (uint32_t)r, 2);
        for (int s = 0; s < 4; s++)
            t->seg[s] = (uint16_t)cpu_lin_read(cpu, base + 0x22 + 2 * (uint32_t)s, 2);
        t->seg[SEG_FS] = 0;
        t->seg[SEG_GS] = 0;
        t->ldt = (uint16_t)cpu_lin_read(cpu, base + 0x2A, 2);
        t->trap = 0;
    }
}

/* Save the dynamic fields of the current task (SDM 7.2.1: the LDT
 * selector, CR3 and stack pointers for rings 0-2 are static). */
static void tss_save(struct cpu *cpu, uint32_t base, int is32, uint32_t eflags)
{
    if (is32) {
        cpu_lin_write(cpu, base + 0x20, 4, cpu->eip);
        cpu_lin_write(cpu, base + 0x24, 4, eflags);
        for (int r = 0; r < 8; r++)
            cpu_lin_write(cpu, base + 0x28 + 4 * (uint32_t)r, 4, cpu->regs[r]);
        for (int s = 0; s < SEG_COUNT; s++)
            cpu_lin_write(cpu, base + 0x48 + 4 * (uint32_t)s, 2, cpu->seg[s].sel);
    } else {
        cpu_lin_write(cpu, base + 0x0E, 2, cpu->eip);
        cpu_lin_write(cpu, base + 0x10, 2, eflags);
        for (int r = 0; r < 8; r++)
            cpu_lin_write(cpu, base + 0x12 + 2 * (uint32_t)r, 2, cpu->regs[r]);
        for (int s = 0; s < 4; s++)
            cpu_lin_write(cpu, base + 0x22 + 2 * (uint32_t)s, 2, cpu->seg[s].sel);
    }
}

/* Set or clear the busy bit (type bit 1) of the TSS descriptor in the GDT. */
static void set_busy(struct cpu *cpu, uint16_t sel, int busy)
{
    uint32_t at = cpu->gdtr.base + (sel & ~7u) + 5;
    uint32_t access = cpu_lin_read(cpu, at, 1);
    cpu_lin_write(cpu, at, 1, busy ? (access | 2u) : (access & ~2u));
}

void task_lookup(struct cpu *cpu, uint16_t tsel, enum task_reason why, unsigned ext,
                 struct desc *out)
{
    int vec = why == TASK_IRET ? VEC_TS : VEC_GP;
    uint32_t code = (tsel & ~3u) | ext;
    if (tsel & 4)
        cpu_raise(cpu, vec, code);
    seg_read_desc(cpu, tsel, out, vec, ext);
    if (!desc_is_tss(*out))
        cpu_raise(cpu, vec, code);
    int busy = (desc_type(*out) & 2) != 0;
    if (why == TASK_IRET ? !busy : busy)
        cpu_raise(cpu, vec, code);
    if (!desc_present(*out))
        cpu_raise(cpu, VEC_NP, code);
}

void task_stack_for_cpl(struct cpu *cpu, unsigned cpl, uint16_t *ss, uint32_t *esp, unsigned ext)
{
    int is32 = (cpu->tr.attr & 0x8) != 0;
    uint32_t at = is32 ? 4 + 8 * cpl : 2 + 4 * cpl;
    uint32_t size = is32 ? 8 : 4;
    if (at + size - 1 > cpu->tr.limit)
        cpu_raise(cpu, VEC_TS, (cpu->tr.sel & ~3u) | ext);
    if (is32) {
        *esp = cpu_lin_read(cpu, cpu->tr.base + at, 4);
        *ss = (uint16_t)cpu_lin_read(cpu, cpu->tr.base + at + 4, 2);
    } else {
        *esp = cpu_lin_read(cpu, cpu->tr.base + at, 2);
        *ss = (uint16_t)cpu_lin_read(cpu, cpu->tr.base + at + 2, 2);
    }
}

static void load_ldt_for_task(struct cpu *cpu, uint16_t sel)
{
    struct desc d;
    if ((sel & ~3u) == 0) {
        seg_set_null(&cpu->ldtr, sel);
        return;
    }
    if (sel & 4)
        cpu_raise(cpu, VEC_TS, sel & ~3u);
    seg_read_desc(cpu, sel, &d, VEC_TS, 0);
    if (!desc_is_system(d) || desc_type(d) != DESC_LDT || !desc_present(d))
        cpu_raise(cpu, VEC_TS, sel & ~3u);
    seg_cache_from_descriptor(&cpu->ldtr, sel, d.lo, d.hi);
}

static void load_cs_for_task(struct cpu *cpu, uint16_t sel)
{
    struct desc d;
    unsigned rpl = sel & 3u;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, VEC_TS, 0);
    seg_read_desc(cpu, sel, &d, VEC_TS, 0);
    if (!desc_is_code(d))
        cpu_raise(cpu, VEC_TS, sel & ~3u);
    if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)
        cpu_raise(cpu, VEC_TS, sel & ~3u);
    if (!desc_present(d))
        cpu_raise(cpu, VEC_NP, sel & ~3u);
    seg_mark_accessed(cpu, sel, d.hi);
    seg_cache_from_descriptor(&cpu->seg[SEG_CS], sel, d.lo, d.hi | 0x100);
}

void task_switch(struct cpu *cpu, uint16_t tsel, struct desc nd, enum task_reason why,
                 int has_err, uint32_t err, unsigned ext)
{
    int n32 = (desc_type(nd) & 8) != 0;
    int o32 = (cpu->tr.attr & 0x8) != 0;
    uint32_t nbase = desc_base(nd);
    struct tss_image t;

    /* Step 2: the new TSS must be big enough for its format. */
    if (desc_limit(nd) < (n32 ? 0x67u : 0x2Bu))
        cpu_raise(cpu, VEC_TS, (tsel & ~3u) | ext);
    tss_read(cpu, nbase, n32, &t);

    /* Steps 5-8: save the old task, fix busy bits, link the new one. */
    uint32_t old_flags = cpu_get_eflags(cpu);
    if (why == TASK_IRET)
        old_flags &= ~EFLAGS_NT;
    tss_save(cpu, cpu->tr.base, o32, old_flags);
    if (why == TASK_JMP || why == TASK_IRET)
        set_busy(cpu, cpu->tr.sel, 0);
    if (why == TASK_CALL || why == TASK_INT) {
        cpu_lin_write(cpu, nbase, 2, cpu->tr.sel);
        t.eflags |= EFLAGS_NT;
    }
    if (why != TASK_IRET)
        set_busy(cpu, tsel, 1);
    nd.hi |= 0x200;
    seg_cache_from_descriptor(&cpu->tr, tsel, nd.lo, nd.hi);
    cpu->cr0 |= CR0_TS;
    cpu->stats.task_switches++;

    /* Step 12: load the new state. From here faults are the new task's. */
    if (n32 && (cpu->cr0 & CR0_PG))
        cpu_write_cr3(cpu, t.cr3);
    for (int r = 0; r < 8; r++)
        cpu->regs[r] = t.regs[r];
    cpu->eip = t.eip;
    cpu_set_eflags(cpu, t.eflags);   /* a 16-bit image: upper half 0 */
    cpu->insn_eip = cpu->eip;
    cpu->insn_esp = cpu->regs[REG_ESP];
    for (int s = 0; s < SEG_COUNT; s++)
        seg_set_null(&cpu->seg[s], t.seg[s]);
    if (cpu->eflags & EFLAGS_VM) {
        /* A 32-bit TSS may resume a virtual-8086 task (SDM 20.2.5). Its
         * segments cannot fault, so they are loaded before the LDT, which
         * can: a #TS then finds a well-formed V86 state. */
        for (int s = 0; s < SEG_COUNT; s++)
            seg_load_v86(&cpu->seg[s], t.seg[s]);
        cpu->seg[SEG_CS].attr |= SEG_ATTR_CODE;
        load_ldt_for_task(cpu, t.ldt);
    } else {
        /* Step 13: LDTR, CS, SS, then the data segments. */
        load_ldt_for_task(cpu, t.ldt);
        load_cs_for_task(cpu, t.seg[SEG_CS]);
        unsigned cpl = t.seg[SEG_CS] & 3u;
        /* The new task's CPL is CS.RPL; SS (still unloaded) carries it
         * for cpu_cpl() should its load fault. */
        cpu->seg[SEG_SS].attr = (uint16_t)(cpl << 5);
        seg_load_for_task(cpu, SEG_SS, t.seg[SEG_SS], cpl);
        static const int data[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };
        for (unsigned i = 0; i < 4; i++)
            seg_load_for_task(cpu, data[i], t.seg[data[i]], cpl);
    }
    if (cpu->eip > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, VEC_GP, 0);
    if (has_err) {
        unsigned size = n32 ? 4 : 2;
        uint32_t m = (cpu->seg[SEG_SS].attr & SEG_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        uint32_t sp = (cpu->regs[REG_ESP] - size) & m;
        uint32_t lin = cpu_check_access(cpu, SEG_SS, sp, size, 1);
        cpu_lin_write(cpu, lin, size, err);
        cpu->regs[REG_ESP] = (cpu->regs[REG_ESP] & ~m) | sp;
    }
    /* The T bit asks for a debug trap once the switch completes, before
     * the new task's first instruction (SDM 17.3.1.5). The switch is the
     * last thing its instruction or event does, so the trap is delivered
     * here: every engine (interpreter or translator callout) gets it. */
    if (t.trap) {
        cpu->dr[6] |= DR6_BT;
        cpu_deliver_interrupt(cpu, VEC_DB, INT_SRC_EXCEPTION, 0, 0);
    }
}
