/* Comparing two final states and printing a failing test. */
#include "hd_report.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hd_flagtab.h"
#include "hd_x87.h"

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

unsigned hd_diff_count(const struct hd_test *t, const struct hd_result *exp,
                       const struct hd_result *got)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 8; i++)
        n += exp->regs[i] != got->regs[i];
    n += ((exp->eflags ^ got->eflags) & hd_compared_flags(t)) != 0;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++) {
        if (t->family == HD_FAMILY_X87 && hd_x87_tolerant(i)) {
            if ((i - HD_X87_TOL_OFF) % 10 == 0)
                n += !hd_x87_close(&exp->mem[i], &got->mem[i]);
            continue;
        }
        n += exp->mem[i] != got->mem[i];
    }
    return n;
}

static void print_listing(FILE *out, const struct hd_test *t)
{
    csh cs;
    int have_cs = cs_open(CS_ARCH_X86, CS_MODE_32, &cs) == CS_ERR_OK;
    for (uint32_t i = 0; i < t->ninsns; i++) {
        const struct hd_insn_note *n = &t->insns[i];
        uint32_t end = i + 1 < t->ninsns ? t->insns[i + 1].offset : t->code_len;
        uint32_t addr = HD_SEQ_ADDR + n->offset;
        char bytes[64] = "", text[256] = "(undecodable)";
        unsigned used = 0;
        for (uint32_t o = n->offset; o < end && used + 3 < sizeof bytes; o++)
            used += (unsigned)snprintf(bytes + used, sizeof bytes - used, "%02x", t->code[o]);
        cs_insn *insn = NULL;
        if (have_cs && cs_disasm(cs, t->code + n->offset, end - n->offset, addr, 1, &insn) == 1) {
            snprintf(text, sizeof text, "%.31s %.200s", insn->mnemonic, insn->op_str);
            cs_free(insn, 1);
        }
        char undef[40] = "";
        if (n->undefined) {
            char names[40];
            snprintf(undef, sizeof undef, "  ; undefined: %s",
                     hd_flag_names(n->undefined, names, sizeof names));
        }
        fprintf(out, "    %08" PRIx32 "  %c %-26s %s%s\n", addr, n->setup ? '.' : ' ', bytes,
                text, undef);
    }
    if (have_cs)
        cs_close(&cs);
}

void hd_print_failure(FILE *out, uint32_t seed, const struct hd_test *t,
                      const struct hd_result *exp, const struct hd_result *got,
                      const char *got_name, const char *why)
{
    char names[40], unames[40];
    fprintf(out, "FAIL test %" PRIu32 " (seed %" PRIu32 ")\n", t->index, seed);
    if (why)
        fprintf(out, "  %s: %s\n", got_name, why);
    fprintf(out, "  initial:");
    for (unsigned i = 0; i < 8; i++)
        fprintf(out, " %s=%08" PRIx32, reg_names[i], t->regs[i]);
    fprintf(out, " eflags=%08" PRIx32 "\n", t->eflags);
    fprintf(out, "  sequence at %08x ('.' = harness set-up):\n", HD_SEQ_ADDR);
    print_listing(out, t);
    for (unsigned i = 0; i < 8; i++)
        if (exp->regs[i] != got->regs[i])
            fprintf(out, "  %s: native %08" PRIx32 ", %s %08" PRIx32 "\n", reg_names[i],
                    exp->regs[i], got_name, got->regs[i]);
    uint32_t cmp = hd_compared_flags(t);
    uint32_t diff = (exp->eflags ^ got->eflags) & cmp;
    if (diff)
        fprintf(out, "  eflags: native %08" PRIx32 ", %s %08" PRIx32 ", differ in %s (masked as undefined: %s)\n",
                exp->eflags, got_name, got->eflags, hd_flag_names(diff, names, sizeof names),
                t->undefined_flags ? hd_flag_names(t->undefined_flags, unames, sizeof unames) : "-");
    unsigned shown = 0;
    for (unsigned i = 0; i < HD_MEM_SIZE; i++) {
        if (exp->mem[i] == got->mem[i])
            continue;
        if (shown++ < 32)
            fprintf(out, "  mem %08" PRIx32 ": initial %02x, native %02x, %s %02x\n", (uint32_t)hd_mem_addr(i),
                    t->mem[i], exp->mem[i], got_name, got->mem[i]);
    }
    if (shown > 32)
        fprintf(out, "  ... and %u more differing bytes\n", shown - 32);
}

/* Mnemonic histogram (a tool for reading coverage, not part of a test). */
struct hd_hist_entry {
    char name[32];
    unsigned long count;
};

static struct hd_hist_entry hist[512];
static unsigned hist_len;

void hd_histogram_add(const struct hd_test *t)
{
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
        return;
    for (uint32_t i = 0; i < t->ninsns; i++) {
        const struct hd_insn_note *n = &t->insns[i];
        if (n->setup)
            continue;
        uint32_t end = i + 1 < t->ninsns ? t->insns[i + 1].offset : t->code_len;
        cs_insn *insn = NULL;
        const char *name = "(undecodable)";
        if (cs_disasm(cs, t->code + n->offset, end - n->offset, HD_SEQ_ADDR + n->offset, 1, &insn) == 1)
            name = insn->mnemonic;
        unsigned k = 0;
        while (k < hist_len && strcmp(hist[k].name, name))
            k++;
        if (k == hist_len && hist_len < sizeof hist / sizeof hist[0])
            snprintf(hist[hist_len++].name, sizeof hist[0].name, "%s", name);
        if (k < hist_len)
            hist[k].count++;
        if (insn)
            cs_free(insn, 1);
    }
    cs_close(&cs);
}

static int by_count(const void *a, const void *b)
{
    const struct hd_hist_entry *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->name, y->name);
}

void hd_histogram_print(FILE *out)
{
    qsort(hist, hist_len, sizeof hist[0], by_count);
    for (unsigned k = 0; k < hist_len; k++)
        fprintf(out, "%8lu %s\n", hist[k].count, hist[k].name);
}
