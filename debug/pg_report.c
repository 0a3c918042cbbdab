#include <stdlib.h>
#include <string.h>

#include "cpu/sensitive.h"
#include "cpu/seg.h"
#include "debug/pg_report.h"

void pg_report_init(struct pg_report *r)
{
    memset(r, 0, sizeof(*r));
}

/* Robin & Irvine (2000), section 4, and the SDM's descriptions of each
 * instruction: what the de-privileged (ring 1) guest kernel would see or
 * do without any trap for the monitor to catch. */
const char *pg_report_consequence(unsigned op)
{
    switch (op) {
    case OP_SGDT: return "returns the monitor's GDTR, not the guest's: the guest sees where the "
                         "real GDT is and how big it is";
    case OP_SIDT: return "returns the monitor's IDTR, not the guest's (the 'red pill' check)";
    case OP_SLDT: return "returns the monitor's LDT selector";
    case OP_STR: return "returns the monitor's TSS selector";
    case OP_SMSW: return "reveals the real CR0 low bits (PE, TS, ...) the monitor set, not the "
                         "guest's virtual CR0";
    case OP_PUSHF: return "pushes the real IF and IOPL: the guest sees IF the monitor keeps on "
                          "and an IOPL below its own ring";
    case OP_POPF: return "silently keeps IF (CPL > IOPL): a guest 'popf' that should "
                         "enable or disable interrupts does nothing, and no trap tells the monitor";
    case OP_LAR: return "reports descriptor rights with the monitor's DPL changes (DPL 1 where "
                        "the guest wrote 0), or fails where the guest expects success";
    case OP_LSL: return "reports the limits of the monitor's descriptors (e.g. truncated segments "
                        "that protect the monitor)";
    case OP_VERR: case OP_VERW:
        return "answers for ring 1 rather than ring 0: a segment the guest believes accessible "
               "tests as inaccessible";
    case OP_PUSH_SREG: case OP_MOV_FROM_SREG:
        return "reveals the real RPL in CS/SS (1, not the 0 the guest kernel believes it runs "
               "at)";
    case OP_POP_SREG: case OP_MOV_TO_SREG: case OP_LDS: case OP_LES: case OP_LFS:
    case OP_LGS: case OP_LSS:
        return "checks DPL/RPL against ring 1: loading a DPL-0 selector faults where the guest "
               "expects it to work, or the RPL the guest reads back is wrong";
    case OP_CALL_FAR: case OP_CALL_FAR_IND: case OP_JMP_FAR: case OP_JMP_FAR_IND:
        return "is checked against CPL 1: a transfer to a DPL-0 (guest-kernel) segment faults "
               "or lands with RPL 1";
    case OP_RETF: return "returning to 'ring 0' RPL 0 is a privilege raise from ring 1: #GP, "
                         "or a return to the wrong ring when the guest used RPL 1";
    case OP_INT: case OP_INT3: case OP_INTO: case OP_INT1:
        return "goes through the monitor's IDT: gate DPL checks use the real CPL, so the guest's "
               "own gates and their semantics are not what it set up";
    case OP_IRET: return "silently keeps IF and IOPL from the popped EFLAGS, and a "
                         "return to RPL 0 faults";
    case OP_SYSENTER: return "enters ring 0 through the MSRs the monitor owns, bypassing the "
                             "guest's kernel entry";
    case OP_RDTSC: return "reads the host TSC: the guest sees time pass while the monitor runs "
                          "(trappable only with CR4.TSD)";
    }
    return NULL;
}

void pg_report_on_insn(struct pg_report *r, const struct insn *in, const struct cpu *before)
{
    unsigned op = in->op;
    if (op >= OP_COUNT || cpu_sensitive_class_of_op(op) != CPU_SENS_UNPRIVILEGED)
        return;
    unsigned cpl = cpu_cpl(before);
    r->per_op[op]++;
    r->per_op_cpl[op][cpl & 3]++;
    uint32_t lin = before->seg[SEG_CS].base + before->eip;
    /* Open addressing on (op, address); a full table counts the rest as
     * untracked rather than growing without bound. */
    uint32_t h = (lin * 2654435761u) ^ (op * 40503u);
    for (unsigned probe = 0; probe < 16; probe++) {
        struct pg_site *s = &r->sites[(h + probe) % PG_REPORT_SITES];
        if (s->op == op && s->lin == lin) {
            s->count++;
            return;
        }
        if (s->op == 0) {
            s->op = (uint16_t)op;
            s->lin = lin;
            s->cs = before->seg[SEG_CS].sel;
            s->eip = before->eip;
            s->cpl = (uint8_t)cpl;
            s->count = 1;
            return;
        }
    }
    r->untracked++;
}

void pg_report_print(const struct pg_report *r, FILE *out, struct symbols *syms)
{
    uint64_t total = 0;
    unsigned kinds = 0;
    for (unsigned op = 0; op < OP_COUNT; op++)
        if (r->per_op[op]) {
            total += r->per_op[op];
            kinds++;
        }
    fprintf(out, "Popek-Goldberg report: %llu sensitive-unprivileged instructions executed, "
                 "%u kinds\n", (unsigned long long)total, kinds);
    if (!total) {
        fprintf(out, "  none: this run would behave the same under classic trap-and-emulate\n");
        return;
    }
    fprintf(out, "  Under trap-and-emulate the guest kernel runs de-privileged (ring 1); these\n"
                 "  instructions do not trap there, so the monitor never sees them. Binary\n"
                 "  translation must catch each one (a callout) instead.\n");
    for (unsigned op = 0; op < OP_COUNT; op++) {
        if (!r->per_op[op])
            continue;
        fprintf(out, "\n  %s: %llu (ring 0: %llu, ring 1: %llu, ring 2: %llu, ring 3: %llu)\n",
                insn_op_name(op), (unsigned long long)r->per_op[op],
                (unsigned long long)r->per_op_cpl[op][0], (unsigned long long)r->per_op_cpl[op][1],
                (unsigned long long)r->per_op_cpl[op][2], (unsigned long long)r->per_op_cpl[op][3]);
        const char *why = cpu_sensitive_reason(op);
        if (why)
            fprintf(out, "    sensitive: %s\n", why);
        const char *wrong = pg_report_consequence(op);
        if (wrong)
            fprintf(out, "    de-privileged to ring 1, it %s\n", wrong);
        /* Top call sites: selection of the PG_REPORT_TOP largest counts
         * (ties: lower address first), so the listing is deterministic. */
        const struct pg_site *shown[PG_REPORT_TOP];
        unsigned nshown = 0;
        for (unsigned k = 0; k < PG_REPORT_TOP; k++) {
            const struct pg_site *best = NULL;
            for (unsigned i = 0; i < PG_REPORT_SITES; i++) {
                const struct pg_site *s = &r->sites[i];
                if (s->op != op)
                    continue;
                int taken = 0;
                for (unsigned j = 0; j < nshown; j++)
                    taken |= shown[j] == s;
                if (taken)
                    continue;
                if (!best || s->count > best->count ||
                    (s->count == best->count && s->lin < best->lin))
                    best = s;
            }
            if (!best)
                break;
            shown[nshown++] = best;
        }
        fprintf(out, "    top call sites:\n");
        for (unsigned k = 0; k < nshown; k++) {
            char sym[160] = "";
            if (syms && symbols_format(syms, shown[k]->lin, sym + 2, sizeof sym - 3) == 0) {
                sym[0] = ' ';
                sym[1] = '<';
                strcat(sym, ">");
            }
            fprintf(out, "      %8llu  %04x:%08x (linear %08x, ring %u)%s\n",
                    (unsigned long long)shown[k]->count, shown[k]->cs, shown[k]->eip,
                    shown[k]->lin, shown[k]->cpl, sym);
        }
    }
    if (r->untracked)
        fprintf(out, "\n  (%llu executions at sites beyond the table's %u are counted above "
                     "but not listed)\n", (unsigned long long)r->untracked, PG_REPORT_SITES);
}
