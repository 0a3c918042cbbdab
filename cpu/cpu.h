/* CPU state and the interpreter's public interface.
 *
 * struct cpu holds the whole architectural state of one x86 CPU plus the
 * interpreter's bookkeeping. It knows nothing of devices or blocks: port
 * I/O, interrupt acknowledge and observation go through callbacks set at
 * wiring time (struct cpu_io, struct cpu_hooks).
 */
#ifndef SHADOW86_CPU_CPU_H
#define SHADOW86_CPU_CPU_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/insn.h"
#include "cpu/flags.h"
#include "cpu/fpu.h"
#include "base/irq.h"
#include "cpu/sensitive.h"
#include "mmu/event.h"
#include "mmu/physmem.h"
#include "softtlb/softtlb.h"

struct mmu;

/* EFLAGS bits. */
#define EFLAGS_CF   0x00000001u
#define EFLAGS_FIXED1 0x00000002u  /* bit 1 always reads as 1 */
#define EFLAGS_PF   0x00000004u
#define EFLAGS_AF   0x00000010u
#define EFLAGS_ZF   0x00000040u
#define EFLAGS_SF   0x00000080u
#define EFLAGS_TF   0x00000100u
#define EFLAGS_IF   0x00000200u
#define EFLAGS_DF   0x00000400u
#define EFLAGS_OF   0x00000800u
#define EFLAGS_IOPL 0x00003000u
#define EFLAGS_NT   0x00004000u
#define EFLAGS_RF   0x00010000u
#define EFLAGS_VM   0x00020000u
#define EFLAGS_AC   0x00040000u
#define EFLAGS_VIF  0x00080000u
#define EFLAGS_VIP  0x00100000u
#define EFLAGS_ID   0x00200000u
#define EFLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)

/* CR0 bits. */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

/* Exception vectors. */
enum cpu_vector {
    VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5,
    VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12,
    VEC_GP = 13, VEC_PF = 14, VEC_MF = 16, VEC_AC = 17, VEC_MC = 18
};

/* Hidden part of a segment register (the descriptor cache).
 * `attr` holds descriptor bits 40-47 (type, S, DPL, P) in bits 0-7 and
 * bits 52-55 (AVL, L, D/B, G) in bits 12-15, as in the descriptor. */
struct seg_cache {
    uint16_t sel;
    uint16_t attr;
    uint32_t base;
    uint32_t limit;   /* byte-granular, already scaled by G */
};

#define SEG_ATTR_ACCESSED 0x0001u
#define SEG_ATTR_RW       0x0002u  /* readable code / writable data */
#define SEG_ATTR_DC       0x0004u  /* conforming code / expand-down data */
#define SEG_ATTR_CODE     0x0008u
#define SEG_ATTR_S        0x0010u
#define SEG_ATTR_DPL      0x0060u
#define SEG_ATTR_P        0x0080u
#define SEG_ATTR_DB       0x4000u
#define SEG_ATTR_G        0x8000u

struct dtr {
    uint32_t base;
    uint16_t limit;
};

/* Port I/O as seen by the CPU; wired by machine/ to the device bus. */
struct cpu_io {
    void *opaque;
    uint32_t (*in)(void *opaque, uint16_t port, unsigned size);
    void (*out)(void *opaque, uint16_t port, unsigned size, uint32_t val);
    /* The x87's FERR# output pin (cpu/fpu.h), a signal line the board
     * wires to its port F0h logic (IRQ 13); unwired: not connected. */
    struct irq_line ferr;
    /* The on-chip local APIC, which the board models beside the CPU
     * (devices/lapic.c): `apic` says it is there (CPUID.1:EDX.APIC), and
     * apic_base is told every write of IA32_APIC_BASE (relocation, global
     * enable). Interrupts from it reach the CPU through the run loop. */
    int apic;
    void (*apic_base)(void *opaque, uint64_t value);
    /* x2APIC offered (CPUID.1:ECX bit 21; IA32_APIC_BASE bit 10 writable)
     * and the x2APIC register MSRs 0x800-0x8FF, which the APIC answers
     * (return -1: #GP). */
    int x2apic;
    int (*apic_msr_read)(void *opaque, uint32_t index, uint64_t *value);
    int (*apic_msr_write)(void *opaque, uint32_t index, uint64_t value);
    /* PAUSE executed (a spin-wait loop): the platform may end this CPU's
     * turn (cpu_request_stop) to run another. NULL: PAUSE is a NOP. */
    void (*pause)(void *opaque);
};

/* Observation hooks (debug/ registers these); NULL when unused.
 *
 * Each hook is called from one guarded line at its event's source, so with
 * no observer the cost is one well-predicted branch. Hooks observe: they
 * must not change guest state (the gdb stub changes it only between
 * instructions, through the same functions the CPU uses). Their printers
 * and the event structures' meaning are documented in docs/debug.md. */
struct cpu;

/* A data access through segmentation (cpu_read/cpu_write): `lin` is the
 * linear address, `value` the value read or written. Called after the
 * access succeeded. Instruction fetches and descriptor-table reads are not
 * reported. */
enum cpu_mem_kind { CPU_MEM_READ, CPU_MEM_WRITE };

/* MMU events (struct mmu_event, mmu/event.h): raised by mmu/, plus the TLB
 * miss that cpu/ raises itself; forwarded to hooks.mmu with the CPU. */

/* Sensitive-instruction callouts (dbt/, and the interpreter's sensitive
 * path): `sens` is the class (enum cpu_sensitivity of cpu/sensitive.h),
 * `outcome` says what happened. */
enum cpu_callout_outcome {
    CPU_CALLOUT_REACHED,    /* about to execute; `in` and the CPU are the
                               instruction's state before it runs */
    CPU_CALLOUT_EMULATED,   /* then: it completed (the translator ends its
                               block after every callout, so every completed
                               callout also ended a block) */
    CPU_CALLOUT_FAULTED     /* then: it raised an exception (e.g. #GP at
                               CPL > 0); reported before the exception's
                               interrupt event. `in` is NULL and the CPU is
                               the faulting state: observers pair the
                               outcome with the REACHED call before it */
};

struct cpu_hooks {
    void *opaque;
    /* Called after an instruction retired, with its decoded form and the
     * state before it ran (`before`). `before` holds the fields of struct
     * cpu that precede `tlb` (registers, segments, control registers,
     * icount, the memory and MMU pointers); the TLB, io, hooks and stats
     * after it are not copied and must not be read through `before`. */
    void (*insn_retired)(void *opaque, const struct cpu *cpu, const struct insn *in,
                         const struct cpu *before);
    /* cpu/mem.c, after each segmented data access. */
    void (*mem_access)(void *opaque, const struct cpu *cpu, enum cpu_mem_kind kind,
                       uint32_t lin, unsigned size, uint32_t value);
    /* cpu/except.c, when delivery of an interrupt or exception begins
     * (`src` is enum int_source of cpu/except.h); cpu->eip is the return
     * address. The gate is read from the IDT/IVT by the observer. */
    void (*interrupt)(void *opaque, const struct cpu *cpu, int vec, int src, int has_error,
                      uint32_t error);
    /* mmu/ and cpu/mem.c: see struct mmu_event (mmu/event.h). */
    void (*mmu)(void *opaque, const struct cpu *cpu, const struct mmu_event *ev);
    /* dbt/ (and the interpreter): a sensitive instruction reached its
     * callout. */
    void (*callout)(void *opaque, const struct cpu *cpu, const struct insn *in, int sens,
                    enum cpu_callout_outcome outcome);
};

/* Why cpu_run() returned. */
enum cpu_exit {
    CPU_EXIT_BUDGET,    /* the instruction budget ran out */
    CPU_EXIT_HLT,       /* HLT executed; cpu->halted is set */
    CPU_EXIT_SHUTDOWN,  /* triple fault; cpu_format_fault_chain() says how */
    CPU_EXIT_STOP       /* cpu_request_stop() was called (e.g. port 0xF4) */
};

/* Counters the interpreter keeps (printed with --stats). */
struct cpu_stats {
    uint64_t ud_count;          /* #UD raised for invalid encodings */
    uint64_t unimplemented;     /* #UD raised for valid but unimplemented features */
    uint64_t exceptions[32];    /* exceptions delivered, per vector */
    uint64_t interrupts;        /* INT n and external interrupts delivered */
    /* Sensitive instructions executed (cpu/sensitive.h), per class and per
     * operation; counted when the instruction starts, so one that faults
     * (e.g. a privileged one trapping at CPL 3) counts too. */
    uint64_t sensitive[CPU_SENS_COUNT];
    uint64_t sensitive_op[OP_COUNT];
    uint64_t task_switches;     /* by JMP, CALL, INT, IRET or exception */
    uint64_t v86_exits;         /* interrupts/exceptions leaving V86 mode */
};

/* Model-specific registers kept as written (cpu/msr.c). Variable MTRRs
 * are base/mask pairs at 200h-20Fh, fixed ones 250h, 258h, 259h,
 * 268h-26Fh in that order. */
#define CPU_MTRR_VAR_COUNT 8
#define CPU_MTRR_FIXED_COUNT 11
struct cpu_msrs {
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;
    uint64_t pat;
    uint64_t mtrr_def_type;
    uint64_t mtrr_var[2 * CPU_MTRR_VAR_COUNT];
    uint64_t mtrr_fixed[CPU_MTRR_FIXED_COUNT];
    /* P6 performance monitoring (SDM Vol. 3, 19.6.8 "P6 family"): two
     * 40-bit counters and their event selects. Nothing is counted: the
     * counters hold what was written (RDMSR, RDPMC). */
    uint64_t perfctr[2];
    uint32_t perfevtsel[2];
    uint64_t misc_enable;     /* IA32_MISC_ENABLE (0x1A0) */
};

/* Interrupt shadows (SDM Vol. 3, 6.8.3): after STI that set IF, and after
 * MOV SS / POP SS, which also hold off debug traps for one instruction. */
enum irq_shadow { IRQ_SHADOW_NONE, IRQ_SHADOW_STI, IRQ_SHADOW_MOV_SS };

struct cpu {
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;          /* arithmetic flags valid only per `lf` */
    struct lazy_flags lf;
    struct seg_cache seg[SEG_COUNT];
    struct dtr gdtr, idtr;
    struct seg_cache ldtr, tr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    uint64_t tsc_offset;      /* TSC = icount + tsc_offset (WRMSR 10h sets it;
                                 the platform may drive it from its clock) */
    uint64_t efer;            /* IA32_EFER: only NXE (bit 11) is writable */
    struct cpu_msrs msr;
    struct fpu fpu;           /* x87 state (cpu/fpu.h) */

    uint64_t icount;          /* instructions retired since power-on (kept across reset) */
    uint64_t run_end;         /* cpu_run() stops when icount reaches this */

    /* Interpreter bookkeeping for the instruction in flight. */
    uint32_t insn_eip;        /* EIP of its first byte */
    uint32_t insn_esp;        /* ESP before it ran (restored on a fault) */
    uint32_t ea;              /* effective address offset of its memory operand */
    const struct insn *cur;

    /* Pending-fault record filled by cpu_raise() before it longjmps. */
    int fault_vector;
    int fault_has_error;
    uint32_t fault_error;
    jmp_buf *fault_jmp;
    int delivering;           /* vector being delivered, or -1 */
    /* EFLAGS.RF before the first fault of a chain: a fault sets RF for its
     * pushed image only, so a delivery that fails puts this back. */
    uint32_t fault_rf;
    /* Faults raised while delivering one another, in order, since the last
     * fault that began outside a delivery (a triple fault ends the chain:
     * e.g. #UD #GP #GP #DF #GP). */
    uint8_t fault_chain[8];
    uint8_t fault_chain_len;

    /* Debug bookkeeping (cpu/debug.c): DR6 bits of traps the instruction
     * in flight caused (B0-B3 data hits, BT), and whether the fault being
     * raised is an instruction breakpoint (which pushes RF = 0). */
    uint32_t dbg_pending;
    uint8_t dbg_code_fault;

    /* A callout reported REACHED to hooks.callout whose outcome is not yet
     * reported (set only while that hook is set). */
    uint8_t callout_open;

    uint8_t nmi_pending;      /* NMI raised, not yet delivered */
    uint8_t nmi_blocked;      /* an NMI handler runs: until the next IRET */

    int halted;
    int shutdown;
    uint8_t apic_id;          /* this CPU's initial APIC ID (CPUID.1:EBX[31:24]; 0 is
                                 the bootstrap CPU); kept across reset */
    uint8_t irq_shadow;       /* enum irq_shadow: no interrupt before the next insn */
    int stop_requested;
    /* Set by the run loop while INTR waits for IF = 0 to end: the
     * instruction that sets IF then ends the run (stop_requested), so the
     * interrupt is taken at its first boundary without stepping the CPU
     * one instruction at a time until then. Not state: set every pass. */
    uint8_t intr_waiting;

    struct physmem *mem;
    /* Paging ([mmu]): the MMU is owned by the machine (NULL: paging
     * cannot be enabled); the software TLB is this CPU's and zeroing it
     * is a full flush, so cpu_reset's memset flushes it. */
    struct mmu *mmu;
    struct softtlb tlb;
    struct cpu_io io;
    struct cpu_hooks hooks;
    struct cpu_stats stats;
};

void cpu_init(struct cpu *cpu, struct physmem *mem, const struct cpu_io *io);
/* Power-on/reset state: real mode, CS=F000 with base FFFF0000, EIP=FFF0. */
void cpu_reset(struct cpu *cpu);

/* Real-mode segment load: selector, base = sel << 4; limit and attributes
 * are kept (so unreal mode survives), as on a 386. */
void cpu_load_real_seg(struct cpu *cpu, int seg, uint16_t sel);

/* Enter flat 32-bit protected mode as a multiboot loader leaves it:
 * CR0.PE=1, every segment base 0, limit 4 GiB, 32-bit code and stack,
 * CPL 0, IF=0, paging off. */
void cpu_enter_flat32(struct cpu *cpu);

uint32_t cpu_get_eflags(const struct cpu *cpu);
void cpu_set_eflags(struct cpu *cpu, uint32_t value);

/* Run up to `budget` instructions (each fault delivered uses one unit too). */
enum cpu_exit cpu_run(struct cpu *cpu, uint64_t budget);

/* Write the fault chain as text ("#UD #GP #DF #GP") into buf. */
void cpu_format_fault_chain(const struct cpu *cpu, char *buf, size_t size);

/* What CPUID returns for `leaf`: EAX, EBX, ECX, EDX (also for the
 * board's MP table, which repeats the signature and features). */
void cpu_cpuid(const struct cpu *cpu, uint32_t leaf, uint32_t out[4]);

/* Ask cpu_run() to return after the current instruction. */
void cpu_request_stop(struct cpu *cpu);

#endif
