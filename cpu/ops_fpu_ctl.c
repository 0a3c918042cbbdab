/* x87 control instructions (SDM Vol. 1, Table 5-14): FNINIT, FNCLEX,
 * FLDCW, FNSTCW, FNSTSW, FNSTENV/FLDENV, FNSAVE/FRSTOR, FFREE(P),
 * FDECSTP, FINCSTP, FNOP and the 8087/287 leftovers. None of them
 * records the last-instruction pointers. */
#include "cpu/operand.h"
#include "cpu/ops_fpu.h"

#define SAVE_MAX (28 + 80)

void fpu_ctl_mem(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg)
{
    struct fpu *f = &cpu->fpu;
    unsigned env = fpu_env_size(in->opsize);
    uint8_t img[SAVE_MAX];

    if (esc == 1 && reg == 4) {            /* FLDENV */
        fpu_mem_read(cpu, in, 0, img, env);
        fpu_load_env(cpu, in->opsize, img);
    } else if (esc == 1 && reg == 5) {     /* FLDCW */
        fpu_mem_read(cpu, in, 0, img, 2);
        f->cw = (uint16_t)((fpu_get16(img) & 0x1F3F) | 0x0040);
        fpu_update_es(f);
    } else if (esc == 1 && reg == 6) {     /* FNSTENV, then every exception masked */
        fpu_store_env(cpu, in->opsize, img);
        fpu_mem_write(cpu, in, 0, img, env);
        f->cw |= FPU_EXC_MASK;
        fpu_update_es(f);
    } else if (esc == 1 && reg == 7) {     /* FNSTCW */
        fpu_put16(img, f->cw);
        fpu_mem_write(cpu, in, 0, img, 2);
    } else if (esc == 5 && reg == 4) {     /* FRSTOR */
        fpu_mem_read(cpu, in, 0, img, env + 80);
        fpu_load_env(cpu, in->opsize, img);
        fpu_load_regs(f, img + env);
    } else if (esc == 5 && reg == 6) {     /* FNSAVE, then FNINIT */
        fpu_store_env(cpu, in->opsize, img);
        fpu_store_regs(f, img + env);
        fpu_mem_write(cpu, in, 0, img, env + 80);
        fpu_init(cpu);
    } else {                               /* DD /7: FNSTSW m16 */
        fpu_put16(img, f->sw);
        fpu_mem_write(cpu, in, 0, img, 2);
    }
}

void fpu_ctl_reg(struct cpu *cpu, const struct insn *in, unsigned esc, unsigned reg, unsigned rm)
{
    struct fpu *f = &cpu->fpu;
    (void)in;
    switch (esc) {
    case 1:
        if (reg == 6) {                    /* FDECSTP (F6), FINCSTP (F7): C1 = 0 */
            fpu_set_top(f, fpu_top(f) + (rm == 7 ? 1 : 7));
            f->sw &= (uint16_t)~FPU_SW_C1;
        }
        break;                             /* FNOP */
    case 3:
        if (rm == 2) {                     /* FNCLEX: flags, SF, ES, B */
            f->sw &= (uint16_t)~(FPU_EXC_MASK | FPU_SW_SF | FPU_SW_ES | FPU_SW_B);
        } else if (rm == 3) {              /* FNINIT */
            fpu_init(cpu);
        }
        /* DB E0, E1, E4 (FNENI, FNDISI, FNSETPM): no-ops since the 387. */
        break;
    case 5:                                /* FFREE ST(i) */
        fpu_set_tag_phys(f, fpu_phys(f, rm), FPU_TAG_EMPTY);
        break;
    default:
        if (reg == 0) {                    /* DF C0+i: FFREEP ST(i) */
            fpu_set_tag_phys(f, fpu_phys(f, rm), FPU_TAG_EMPTY);
            fpu_pop(f);
        } else {                           /* DF E0: FNSTSW AX */
            reg_write(cpu, REG_EAX, 2, f->sw);
        }
        break;
    }
}
