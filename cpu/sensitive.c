/* The sensitive-instruction table (see sensitive.h for the classes). */
#include <stddef.h>

#include "cpu/sensitive.h"

struct sensitive_entry {
    uint8_t cls;
    const char *reason;
};

#define P(op, why) [OP_##op] = { CPU_SENS_PRIVILEGED, why },
#define I(op, why) [OP_##op] = { CPU_SENS_IOPL, why },
#define U(op, why) [OP_##op] = { CPU_SENS_UNPRIVILEGED, why },

static const struct sensitive_entry table[OP_COUNT] = {
    /* Privileged: SDM Vol. 3, 2.8 "System Instruction Summary" and 5.9. */
    P(LGDT, "loads GDTR") P(LIDT, "loads IDTR") P(LLDT, "loads LDTR") P(LTR, "loads TR")
    P(LMSW, "writes CR0 (MSW)") P(CLTS, "clears CR0.TS")
    P(MOV_TO_CR, "writes a control register") P(MOV_FROM_CR, "reads a control register")
    P(MOV_TO_DR, "writes a debug register") P(MOV_FROM_DR, "reads a debug register")
    P(HLT, "halts the processor") P(INVD, "invalidates caches") P(WBINVD, "writes back caches")
    P(INVLPG, "invalidates a TLB entry") P(RDMSR, "reads an MSR") P(WRMSR, "writes an MSR")
    P(SYSEXIT, "returns to CPL 3 from SYSENTER") P(RDPMC, "reads a performance counter (CR4.PCE)")
    /* Not listed: RSM (#UD outside SMM, at any CPL; no SMM is modelled),
     * CPUID (unprivileged and harmless on the 386 family, where it did not
     * exist; a modern VMM traps it for other reasons). */
    /* IOPL-sensitive (SDM Vol. 1, 18.2.1; Vol. 3, 20.2.7 for V86). */
    I(CLI, "clears IF") I(STI, "sets IF")
    I(IN, "port input") I(OUT, "port output") I(INS, "port input string")
    I(OUTS, "port output string")
    /* Sensitive but unprivileged (Robin & Irvine 2000, section 4). */
    U(SGDT, "reveals GDTR") U(SIDT, "reveals IDTR") U(SLDT, "reveals LDTR")
    U(SMSW, "reveals CR0 (MSW)") U(STR, "reveals TR")
    U(PUSHF, "reveals IF and IOPL") U(POPF, "silently ignores IF/IOPL changes")
    U(LAR, "reveals descriptor rights") U(LSL, "reveals segment limits")
    U(VERR, "tests descriptor rights") U(VERW, "tests descriptor rights")
    U(PUSH_SREG, "reveals a selector's RPL") U(POP_SREG, "loads a descriptor")
    U(MOV_FROM_SREG, "reveals a selector's RPL") U(MOV_TO_SREG, "loads a descriptor")
    U(LDS, "loads a descriptor") U(LES, "loads a descriptor") U(LFS, "loads a descriptor")
    U(LGS, "loads a descriptor") U(LSS, "loads a descriptor")
    U(CALL_FAR, "far call checks CPL") U(CALL_FAR_IND, "far call checks CPL")
    U(JMP_FAR, "far jump checks CPL") U(JMP_FAR_IND, "far jump checks CPL")
    U(RETF, "far return checks CPL") U(INT, "interrupt through the IDT")
    U(INT3, "interrupt through the IDT") U(INTO, "interrupt through the IDT")
    U(INT1, "interrupt through the IDT") U(IRET, "pops EFLAGS, may change CPL")
    U(SYSENTER, "enters CPL 0") U(RDTSC, "reveals time (privileged under CR4.TSD)")
};

#undef P
#undef I
#undef U

enum cpu_sensitivity cpu_sensitive_class_of_op(unsigned op)
{
    return op < OP_COUNT ? (enum cpu_sensitivity)table[op].cls : CPU_SENS_NONE;
}

enum cpu_sensitivity cpu_sensitive_class(const struct insn *in)
{
    return cpu_sensitive_class_of_op(in->op);
}

const char *cpu_sensitive_reason(unsigned op)
{
    return op < OP_COUNT ? table[op].reason : NULL;
}

const char *cpu_sensitive_class_name(enum cpu_sensitivity c)
{
    switch (c) {
    case CPU_SENS_PRIVILEGED:   return "privileged";
    case CPU_SENS_IOPL:         return "iopl-sensitive";
    case CPU_SENS_UNPRIVILEGED: return "sensitive-unprivileged";
    default:                    return "none";
    }
}
