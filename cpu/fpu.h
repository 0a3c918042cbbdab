/* The x87 FPU as the instruction layer sees it: its state in struct cpu,
 * the register stack and tag word, exception signalling (#MF, FERR#), and
 * the memory images of FSTENV/FSAVE/FXSAVE. The arithmetic is cpu/fp80.h;
 * the instruction handlers are cpu/ops_fpu*.c. docs/fpu.md describes the
 * whole layer.
 */
#ifndef SHADOW86_CPU_FPU_H
#define SHADOW86_CPU_FPU_H

#include <stdint.h>

#include "base/endian.h"
#include "cpu/fp80.h"

/* Status word (SDM Vol. 1, 8.1.3). */
#define FPU_SW_IE  0x0001u
#define FPU_SW_DE  0x0002u
#define FPU_SW_ZE  0x0004u
#define FPU_SW_OE  0x0008u
#define FPU_SW_UE  0x0010u
#define FPU_SW_PE  0x0020u
#define FPU_SW_SF  0x0040u
#define FPU_SW_ES  0x0080u
#define FPU_SW_C0  0x0100u
#define FPU_SW_C1  0x0200u
#define FPU_SW_C2  0x0400u
#define FPU_SW_TOP 0x3800u
#define FPU_SW_C3  0x4000u
#define FPU_SW_B   0x8000u
#define FPU_SW_CC  (FPU_SW_C0 | FPU_SW_C1 | FPU_SW_C2 | FPU_SW_C3)
#define FPU_EXC_MASK 0x003Fu   /* IE DE ZE OE UE PE, in SW and CW alike */

/* Control word (8.1.5): masks in bits 0-5, PC in 8-9, RC in 10-11, X
 * (infinity control, ignored since the 387) in bit 12. Bit 6 reads as 1. */
#define FPU_CW_INIT 0x037Fu

/* Tags (8.1.7), two bits per physical register. */
enum fpu_tag { FPU_TAG_VALID = 0, FPU_TAG_ZERO = 1, FPU_TAG_SPECIAL = 2, FPU_TAG_EMPTY = 3 };

struct fpu {
    struct fp80 r[8];   /* physical registers R0-R7; ST(i) is R((TOP + i) & 7) */
    uint16_t cw;
    uint16_t sw;        /* TOP in bits 11-13; ES and B follow the flags and masks */
    uint16_t tw;        /* full tag word: tag of Ri in bits 2i+1:2i */
    uint16_t fop;       /* last non-control instruction: opcode bits 10:8 and ModRM */
    uint16_t fcs, fds;  /* its CS selector, and its memory operand's selector */
    uint32_t fip, fdp;  /* its offset (prefixes included), and its operand's offset */
    /* Real-address-mode images store linear pointers; after FLDENV or
     * FRSTOR of such an image fip/fdp hold those and fcs/fds are 0. */
    uint8_t ferr;       /* FERR# as last signalled through cpu_io.ferr */
    uint8_t ignne;      /* IGNNE# input (the board asserts it after OUT F0h) */
};

struct cpu;
struct insn;

/* Power-on/RESET state (SDM Vol. 3, Table 9-1: CW 0040h, SW 0, TW 5555h,
 * registers +0.0, pointers 0) and FNINIT's (CW 037Fh, SW 0, TW FFFFh). */
void fpu_reset(struct cpu *cpu);
void fpu_init(struct cpu *cpu);

/* --- Stack --------------------------------------------------------- */
static inline unsigned fpu_top(const struct fpu *f)
{
    return (f->sw >> 11) & 7;
}
static inline void fpu_set_top(struct fpu *f, unsigned top)
{
    f->sw = (uint16_t)((f->sw & ~FPU_SW_TOP) | ((top & 7) << 11));
}
static inline unsigned fpu_phys(const struct fpu *f, unsigned i)
{
    return (fpu_top(f) + i) & 7;
}
static inline enum fpu_tag fpu_tag_phys(const struct fpu *f, unsigned p)
{
    return (enum fpu_tag)((f->tw >> (2 * p)) & 3);
}
static inline int fpu_empty(const struct fpu *f, unsigned i)
{
    return fpu_tag_phys(f, fpu_phys(f, i)) == FPU_TAG_EMPTY;
}
static inline struct fp80 fpu_st(const struct fpu *f, unsigned i)
{
    return f->r[fpu_phys(f, i)];
}
/* The tag a value gets when written to a register. */
enum fpu_tag fpu_tag_of(struct fp80 v);
/* Write ST(i) and tag it from its contents. */
void fpu_set_st(struct fpu *f, unsigned i, struct fp80 v);
void fpu_set_tag_phys(struct fpu *f, unsigned p, enum fpu_tag t);
/* Decrement TOP and write the new ST(0) / mark ST(0) empty and increment TOP. */
void fpu_push(struct fpu *f, struct fp80 v);
void fpu_pop(struct fpu *f);
/* The tag word as FSTENV/FSAVE report it: empty registers stay empty,
 * the others are recomputed from their contents (8.1.7). */
uint16_t fpu_tag_word(const struct fpu *f);
/* Load a tag word (FLDENV, FRSTOR): only empty / not empty is taken. */
void fpu_load_tag_word(struct fpu *f, uint16_t tw);
/* FXSAVE's abridged tag: bit i = 1 when Ri is not empty. */
uint8_t fpu_abridged_tag(const struct fpu *f);
void fpu_load_abridged_tag(struct fpu *f, uint8_t atw);

/* --- Exceptions ---------------------------------------------------- */
/* The fp80 context of the current control word. */
struct fp80_ctx fpu_ctx(const struct fpu *f);
/* Recompute ES and B from the flags and masks. */
void fpu_update_es(struct fpu *f);
/* Raise x87 exceptions `flags` (FPU_SW_* bits 0-5, plus FPU_SW_SF for
 * stack faults): set them in the status word, and ES/B when one is
 * unmasked. Returns 1 when an unmasked IE, DE or ZE forbids the
 * instruction to store its result (SDM Vol. 1, 8.5). */
int fpu_signal(struct fpu *f, unsigned flags);
/* Stack faults (8.5.1.1): IE and SF, C1 = 1 for overflow, 0 for
 * underflow. Return 1 when masked (the caller delivers the masked
 * response: the indefinite). */
int fpu_stack_overflow(struct fpu *f);
int fpu_stack_underflow(struct fpu *f);

/* Before a waiting x87 instruction or WAIT runs (after the #NM checks of
 * CR0.EM/MP/TS, SDM Vol. 3, Table 2-2, which the callers make): a pending
 * unmasked exception
 * becomes #MF (CR0.NE=1) or, with NE=0 and IGNNE# deasserted, freezes the
 * processor before the instruction until an interrupt (FERR# already
 * raised IRQ 13): returns 1 in that case and the caller must do nothing
 * more (EIP points at the instruction again, cpu->halted is set). */
int fpu_check_pending(struct cpu *cpu, int waiting);
/* After an x87 instruction: FERR# follows ES while CR0.NE=0. */
void fpu_update_ferr(struct cpu *cpu);
/* The board's IGNNE# line (port F0h logic). */
void fpu_set_ignne(struct cpu *cpu, int level);
/* Record FIP/FCS/FOP (and FDP/FDS with a memory operand) for a
 * non-control instruction (8.1.8, 8.1.9). */
void fpu_note_insn(struct cpu *cpu, const struct insn *in);

/* --- Memory images ------------------------------------------------- */
/* FNSTENV/FLDENV (14 or 28 bytes by operand size) and FNSAVE/FRSTOR (the
 * environment followed by ST0-ST7, 94 or 108 bytes), real-mode or
 * protected-mode layout by the current mode (8.1.10, Figures 8-9 to
 * 8-12). The store functions fill `img`, the load functions read it and
 * change the state; the handlers do the memory accesses. */
unsigned fpu_env_size(unsigned opsize);
void fpu_store_env(const struct cpu *cpu, unsigned opsize, uint8_t *img);
void fpu_load_env(struct cpu *cpu, unsigned opsize, const uint8_t *img);
void fpu_store_regs(const struct fpu *f, uint8_t *img80x8);
void fpu_load_regs(struct fpu *f, const uint8_t *img80x8);
/* FXSAVE/FXRSTOR legacy 512-byte image; only bytes 0-159 are defined by
 * a CPU without SSE (the rest is not written, and ignored on load). */
#define FPU_FXSAVE_X87_BYTES 160
void fpu_store_fxsave(const struct fpu *f, uint8_t *img);
void fpu_load_fxsave(struct fpu *f, const uint8_t *img);

/* Little-endian helpers for the images and 80-bit memory operands. */
static inline void fpu_put16(uint8_t *p, uint16_t v) { le16_store(p, v); }
static inline void fpu_put32(uint8_t *p, uint32_t v) { le32_store(p, v); }
static inline uint16_t fpu_get16(const uint8_t *p) { return le16_load(p); }
static inline uint32_t fpu_get32(const uint8_t *p) { return le32_load(p); }
static inline void fpu_put80(uint8_t *p, struct fp80 v)
{
    fpu_put32(p, (uint32_t)v.mant);
    fpu_put32(p + 4, (uint32_t)(v.mant >> 32));
    fpu_put16(p + 8, v.se);
}
static inline struct fp80 fpu_get80(const uint8_t *p)
{
    struct fp80 v;
    v.mant = fpu_get32(p) | ((uint64_t)fpu_get32(p + 4) << 32);
    v.se = fpu_get16(p + 8);
    return v;
}

#endif
