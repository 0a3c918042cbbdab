#include <stdio.h>
#include <string.h>

#include "debug/trace.h"

static const struct {
    const char *name;
    unsigned bit;
} trace_names[] = {
    { "insn", TRACE_INSN },
    { "io", TRACE_IO },
    { "unmapped", TRACE_UNMAPPED },
};

int trace_parse_categories(const char *spec, unsigned *mask, char *err, size_t errsz)
{
    const char *p = spec;
    if (!*p) {
        snprintf(err, errsz, "--trace: empty category list (known: %s)", TRACE_CATEGORY_NAMES);
        return -1;
    }
    for (;;) {
        size_t n = strcspn(p, ",");
        unsigned i, found = 0;
        for (i = 0; i < sizeof trace_names / sizeof trace_names[0]; i++) {
            if (strlen(trace_names[i].name) == n && strncmp(p, trace_names[i].name, n) == 0) {
                *mask |= trace_names[i].bit;
                found = 1;
                break;
            }
        }
        if (!found) {
            snprintf(err, errsz, "--trace: unknown category '%.*s' (known: %s)", (int)n, p,
                     TRACE_CATEGORY_NAMES);
            return -1;
        }
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* The instruction's bytes as the CPU fetched them: from the linear address
 * CS.base + EIP, read as physical because paging does not exist yet. When
 * it does, this is the one place that must translate through the MMU.
 * (Code that rewrote its own bytes shows the new ones.) */
static size_t trace_fetch_code(const struct cpu *before, uint8_t *buf, size_t len)
{
    uint32_t linear = before->seg[SEG_CS].base + before->eip;
    for (size_t i = 0; i < len; i++)
        buf[i] = physmem_read8(before->mem, linear + (uint32_t)i);
    return len;
}

/* 32-bit code only in protected mode outside VM86 with CS.D set; real and
 * VM86 mode always decode as 16-bit. */
static int code_is_32bit(const struct cpu *c)
{
    return (c->cr0 & CR0_PE) && !(c->eflags & EFLAGS_VM) && (c->seg[SEG_CS].attr & SEG_ATTR_DB);
}

static const char *const gp_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const seg_names[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* Append " name=value" for each register that differs between the two
 * states (EIP excluded: it always changes). */
static size_t format_changes(const struct cpu *after, const struct cpu *before, char *buf,
                             size_t bufsz)
{
    size_t n = 0;
#define APPEND(...)                                                              \
    do {                                                                         \
        if (n < bufsz) {                                                         \
            int w_ = snprintf(buf + n, bufsz - n, __VA_ARGS__);                  \
            n += w_ > 0 ? (size_t)w_ : 0;                                        \
        }                                                                        \
    } while (0)

    for (int r = 0; r < 8; r++)
        if (after->regs[r] != before->regs[r])
            APPEND(" %s=%08x", gp_names[r], after->regs[r]);
    uint32_t fa = cpu_get_eflags(after), fb = cpu_get_eflags(before);
    if (fa != fb)
        APPEND(" eflags=%08x", fa);
    for (int s = 0; s < SEG_COUNT; s++)
        if (after->seg[s].sel != before->seg[s].sel)
            APPEND(" %s=%04x", seg_names[s], after->seg[s].sel);
    if (after->cr0 != before->cr0)
        APPEND(" cr0=%08x", after->cr0);
    if (after->cr2 != before->cr2)
        APPEND(" cr2=%08x", after->cr2);
    if (after->cr3 != before->cr3)
        APPEND(" cr3=%08x", after->cr3);
    if (after->cr4 != before->cr4)
        APPEND(" cr4=%08x", after->cr4);
#undef APPEND
    return n < bufsz ? n : bufsz;
}

void trace_format_insn(struct trace *t, const struct cpu *cpu, const struct insn *in,
                       const struct cpu *before, char *buf, size_t bufsz)
{
    uint8_t bytes[INSN_MAX_LEN];
    char hex[2 * INSN_MAX_LEN + 1];
    char text[160];
    char changes[256];
    size_t len = in && in->len && in->len <= INSN_MAX_LEN ? in->len : INSN_MAX_LEN;

    trace_fetch_code(before, bytes, len);
    disasm_format(&t->dis, bytes, len, before->eip, code_is_32bit(before), text, sizeof text);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    hex[2 * len] = 0;
    changes[0] = 0;
    format_changes(cpu, before, changes, sizeof changes);
    /* Columns are padded only when something follows them, so lines carry
     * no trailing blanks. */
    if (changes[0])
        snprintf(buf, bufsz, "%llu %04x:%08x %-16s %-36s%s", (unsigned long long)before->icount,
                 before->seg[SEG_CS].sel, before->eip, hex, text, changes);
    else
        snprintf(buf, bufsz, "%llu %04x:%08x %-16s %s", (unsigned long long)before->icount,
                 before->seg[SEG_CS].sel, before->eip, hex, text);
}

static void trace_insn_hook(void *opaque, const struct cpu *cpu, const struct insn *in,
                            const struct cpu *before)
{
    struct trace *t = opaque;
    char line[512];
    trace_format_insn(t, cpu, in, before, line, sizeof line);
    fputs(line, t->out);
    fputc('\n', t->out);
    t->lines++;
}

static void trace_io_hook(void *opaque, const struct iobus_access *a)
{
    struct trace *t = opaque;
    const struct cpu *c = t->cpu;
    int w = 2 * a->size;

    if ((t->categories & TRACE_IO) ||
        ((t->categories & TRACE_UNMAPPED) && !a->device && a->first_unmapped)) {
        if (c)
            fprintf(t->out, "%llu %04x:%08x ", (unsigned long long)c->icount,
                    c->seg[SEG_CS].sel, c->insn_eip);
        fprintf(t->out, "%s port %04x size %u %s %0*x (%s)%s\n", a->is_write ? "out" : "in",
                a->port, a->size, a->is_write ? "<-" : "->", w, a->value,
                a->device ? a->device : "unmapped",
                !a->device && a->first_unmapped ? " first access" : "");
        t->lines++;
    }
}

int trace_open(struct trace *t, unsigned categories, FILE *out, char *err, size_t errsz)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
    t->categories = categories;
    if (categories & TRACE_INSN) {
        if (disasm_open(&t->dis) != 0) {
            snprintf(err, errsz, "cannot open the Capstone disassembler");
            return -1;
        }
        t->dis_open = 1;
    }
    return 0;
}

void trace_attach(struct trace *t, struct cpu *cpu, struct iobus *bus)
{
    if (cpu) {
        t->cpu = cpu;
        if (t->categories & TRACE_INSN) {
            cpu->hooks.opaque = t;
            cpu->hooks.insn_retired = trace_insn_hook;
        }
    }
    if (bus && (t->categories & (TRACE_IO | TRACE_UNMAPPED))) {
        bus->observer.opaque = t;
        bus->observer.access = trace_io_hook;
    }
}

void trace_close(struct trace *t)
{
    if (t->dis_open)
        disasm_close(&t->dis);
    t->dis_open = 0;
    if (t->out)
        fflush(t->out);
}
