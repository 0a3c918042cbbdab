#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu/except.h"
#include "cpu/mem.h"
#include "cpu/seg.h"
#include "debug/guestmem.h"
#include "debug/trace.h"
#include "mmu/event.h"
#include "mmu/physmem.h"

static const struct {
    const char *name;
    unsigned bit;
} trace_names[] = {
    { "insn", TRACE_INSN },
    { "io", TRACE_IO },
    { "unmapped", TRACE_UNMAPPED },
    { "int", TRACE_INT },
    { "mmu", TRACE_MMU },
    { "callout", TRACE_CALLOUT },
    { "block", TRACE_BLOCK },
    { "all", TRACE_INSN | TRACE_IO | TRACE_INT | TRACE_MMU | TRACE_CALLOUT | TRACE_BLOCK },
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

const char *trace_vector_name(unsigned vec)
{
    return cpu_vector_name(vec);
}

/* 32-bit code only in protected mode outside VM86 with CS.D set; real and
 * VM86 mode always decode as 16-bit. */
static int code_is_32bit(const struct cpu *c)
{
    return (c->cr0 & CR0_PE) && !(c->eflags & EFLAGS_VM) && (c->seg[SEG_CS].attr & SEG_ATTR_DB);
}

static const char *const gp_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const seg_names[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

void trace_regs_capture(struct trace_regs *r, const struct cpu *cpu)
{
    memcpy(r->gp, cpu->regs, sizeof r->gp);
    r->eflags = cpu_get_eflags(cpu);
    for (int s = 0; s < SEG_COUNT; s++)
        r->sel[s] = cpu->seg[s].sel;
    r->cr0 = cpu->cr0;
    r->cr2 = cpu->cr2;
    r->cr3 = cpu->cr3;
    r->cr4 = cpu->cr4;
}

void trace_record_insn(struct trace_insn_record *r, const struct cpu *cpu,
                       const struct insn *in, const struct cpu *before)
{
    r->icount = before->icount;
    r->cpl = (uint8_t)cpu_cpl(before);
    r->code32 = (uint8_t)code_is_32bit(before);
    r->cs = before->seg[SEG_CS].sel;
    r->eip = before->eip;
    r->lin = before->seg[SEG_CS].base + before->eip;
    r->len = (uint8_t)(in && in->len && in->len <= INSN_MAX_LEN ? in->len : INSN_MAX_LEN);
    /* The bytes as they are now (code that rewrote itself shows the new
     * ones); unreadable bytes show as zero. */
    if (debug_read_linear(before, r->lin, r->bytes, r->len) != 0)
        memset(r->bytes, 0, sizeof r->bytes);
    trace_regs_capture(&r->before, before);
    trace_regs_capture(&r->after, cpu);
}

#define APPEND(buf, n, bufsz, ...)                                               \
    do {                                                                         \
        if ((n) < (bufsz)) {                                                     \
            int w_ = snprintf((buf) + (n), (bufsz) - (n), __VA_ARGS__);          \
            (n) += w_ > 0 ? (size_t)w_ : 0;                                      \
            if ((n) > (bufsz))                                                   \
                (n) = (bufsz);                                                   \
        }                                                                        \
    } while (0)

/* Arithmetic and control flags by name: "ZF+ CF-" reads faster than two
 * EFLAGS images. */
static size_t format_flag_changes(uint32_t fb, uint32_t fa, char *buf, size_t bufsz)
{
    static const struct { uint32_t bit; const char *name; } flags[] = {
        { EFLAGS_CF, "cf" }, { EFLAGS_PF, "pf" }, { EFLAGS_AF, "af" }, { EFLAGS_ZF, "zf" },
        { EFLAGS_SF, "sf" }, { EFLAGS_TF, "tf" }, { EFLAGS_IF, "if" }, { EFLAGS_DF, "df" },
        { EFLAGS_OF, "of" }, { EFLAGS_NT, "nt" }, { EFLAGS_RF, "rf" }, { EFLAGS_VM, "vm" },
        { EFLAGS_AC, "ac" },
    };
    size_t n = 0;
    APPEND(buf, n, bufsz, " eflags=%08x(", fa);
    int first = 1;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if ((fa ^ fb) & flags[i].bit) {
            APPEND(buf, n, bufsz, "%s%s%c", first ? "" : " ", flags[i].name,
                   (fa & flags[i].bit) ? '+' : '-');
            first = 0;
        }
    }
    if ((fa ^ fb) & EFLAGS_IOPL) {
        APPEND(buf, n, bufsz, "%siopl=%u", first ? "" : " ", (fa >> 12) & 3u);
        first = 0;
    }
    APPEND(buf, n, bufsz, ")");
    return n;
}

/* Append " name=value" for each register that differs between the two
 * states (EIP excluded: it always changes). */
static size_t format_changes(const struct trace_regs *b, const struct trace_regs *a, char *buf,
                             size_t bufsz)
{
    size_t n = 0;
    for (int r = 0; r < 8; r++)
        if (a->gp[r] != b->gp[r])
            APPEND(buf, n, bufsz, " %s=%08x", gp_names[r], a->gp[r]);
    if (a->eflags != b->eflags && n < bufsz)
        n += format_flag_changes(b->eflags, a->eflags, buf + n, bufsz - n);
    for (int s = 0; s < SEG_COUNT; s++)
        if (a->sel[s] != b->sel[s])
            APPEND(buf, n, bufsz, " %s=%04x", seg_names[s], a->sel[s]);
    if (a->cr0 != b->cr0)
        APPEND(buf, n, bufsz, " cr0=%08x", a->cr0);
    if (a->cr2 != b->cr2)
        APPEND(buf, n, bufsz, " cr2=%08x", a->cr2);
    if (a->cr3 != b->cr3)
        APPEND(buf, n, bufsz, " cr3=%08x", a->cr3);
    if (a->cr4 != b->cr4)
        APPEND(buf, n, bufsz, " cr4=%08x", a->cr4);
    return n < bufsz ? n : bufsz;
}

void trace_format_record(struct disasm *dis, struct symbols *syms,
                         const struct trace_insn_record *r, const struct trace_mem *mem,
                         unsigned nmem, char *buf, size_t bufsz)
{
    char hex[2 * INSN_MAX_LEN + 1];
    char text[160];
    char sym[160];
    char tail[768];
    size_t n = 0;

    disasm_format(dis, r->bytes, r->len, r->eip, r->code32, text, sizeof text);
    for (size_t i = 0; i < r->len; i++)
        snprintf(hex + 2 * i, 3, "%02x", r->bytes[i]);
    hex[2 * r->len] = 0;

    tail[0] = 0;
    if (syms && symbols_format(syms, r->lin, sym, sizeof sym) == 0)
        APPEND(tail, n, sizeof tail, " <%s>", sym);
    if (n < sizeof tail)
        n += format_changes(&r->before, &r->after, tail + n, sizeof tail - n);
    unsigned shown = nmem < TRACE_MEM_MAX ? nmem : TRACE_MEM_MAX;
    for (unsigned i = 0; i < shown; i++)
        APPEND(tail, n, sizeof tail, " %c%u[%08x]=%0*x", mem[i].write ? 'w' : 'r', mem[i].size,
               mem[i].lin, 2 * mem[i].size, mem[i].value);
    if (nmem > shown)
        APPEND(tail, n, sizeof tail, " (+%u more accesses)", nmem - shown);

    /* Columns are padded only when something follows them, so lines carry
     * no trailing blanks. */
    if (tail[0])
        snprintf(buf, bufsz, "%llu r%u %04x:%08x @%08x %-16s %-36s%s",
                 (unsigned long long)r->icount, r->cpl, r->cs, r->eip, r->lin, hex, text, tail);
    else
        snprintf(buf, bufsz, "%llu r%u %04x:%08x @%08x %-16s %s", (unsigned long long)r->icount,
                 r->cpl, r->cs, r->eip, r->lin, hex, text);
}

void trace_format_insn(struct trace *t, const struct cpu *cpu, const struct insn *in,
                       const struct cpu *before, char *buf, size_t bufsz)
{
    struct trace_insn_record r;
    trace_record_insn(&r, cpu, in, before);
    trace_format_record(&t->dis, t->syms, &r, t->mem, t->nmem, buf, bufsz);
}

/* Whether an event at this point passes the filters. */
static int filter_pass(const struct trace *t, uint64_t icount, uint32_t lin, unsigned cpl)
{
    const struct trace_filter *f = &t->filter;
    if (icount < f->insn_from || icount > f->insn_to)
        return 0;
    if (lin < f->lin_lo || lin > f->lin_hi)
        return 0;
    return f->cpl < 0 || (unsigned)f->cpl == cpl;
}

static int filter_pass_cpu(const struct trace *t, const struct cpu *c)
{
    return filter_pass(t, c->icount, c->seg[SEG_CS].base + c->insn_eip, cpu_cpl(c));
}

/* Every line of the trace goes through these two, which count the bytes
 * written: with --trace-max, the first line that would start past the
 * limit is replaced by one closing line, and nothing is written after it
 * (an unattended instruction trace grows at ~80 MB/s). */
static int trace_line_allowed(struct trace *t)
{
    if (t->cut)
        return 0;
    if (t->mid_line || !t->max_bytes || t->bytes < t->max_bytes)
        return 1;
    fprintf(t->out, "trace cut: --trace-max of %llu MiB reached; nothing more is written\n",
            (unsigned long long)(t->max_bytes >> 20));
    t->cut = 1;
    return 0;
}

static void trace_count(struct trace *t, const char *text, int n)
{
    if (n > 0) {
        t->bytes += (uint64_t)n;
        t->mid_line = text[strlen(text) - 1] != '\n';
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void tprintf(struct trace *t, const char *fmt, ...)
{
    if (!trace_line_allowed(t))
        return;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;
    fputs(buf, t->out);
    trace_count(t, buf, n);
}

static void tputs(struct trace *t, const char *text)
{
    if (!trace_line_allowed(t) || !*text)
        return;
    fputs(text, t->out);
    trace_count(t, text, (int)strlen(text));
}

void trace_set_max_bytes(struct trace *t, uint64_t max)
{
    t->max_bytes = max;
}

void trace_on_insn(void *opaque, const struct cpu *cpu, const struct insn *in,
                   const struct cpu *before)
{
    struct trace *t = opaque;
    if (t->cut)
        return;   /* --trace-max reached: skip the formatting too */
    if (filter_pass(t, before->icount, before->seg[SEG_CS].base + before->eip,
                    cpu_cpl(before))) {
        char line[1024];
        trace_format_insn(t, cpu, in, before, line, sizeof line);
        tputs(t, line);
        tputs(t, "\n");
        t->lines++;
    }
    t->nmem = 0;
}

void trace_on_mem(void *opaque, const struct cpu *cpu, enum cpu_mem_kind kind, uint32_t lin,
                  unsigned size, uint32_t value)
{
    struct trace *t = opaque;
    /* Frames pushed while delivering an exception or external interrupt
     * belong to no instruction (the int line stands for them); a software
     * INT's pushes are its own and stay on its line. */
    if (cpu->delivering >= 0)
        return;
    if (t->nmem < TRACE_MEM_MAX) {
        struct trace_mem *m = &t->mem[t->nmem];
        m->write = kind == CPU_MEM_WRITE;
        m->size = (uint8_t)size;
        m->lin = lin;
        m->value = value;
    }
    t->nmem++;
}

static const char *int_source_name(int src)
{
    switch (src) {
    case INT_SRC_EXCEPTION: return "exception";
    case INT_SRC_SOFTWARE: return "software";
    case INT_SRC_ICEBP: return "icebp";
    case INT_SRC_EXTERNAL: return "external";
    }
    return "?";
}

/* The gate the CPU is about to use, read from the IVT/IDT without side
 * effects. Delivery itself may still fault on it (the next int line then
 * says so). */
static void format_gate(const struct cpu *c, int vec, char *buf, size_t bufsz)
{
    if (!(c->cr0 & CR0_PE)) {
        uint8_t e[4];
        if ((uint32_t)vec * 4 + 3 > c->idtr.limit ||
            debug_read_linear(c, c->idtr.base + (uint32_t)vec * 4, e, 4) != 0) {
            snprintf(buf, bufsz, "ivt entry beyond IDTR limit");
            return;
        }
        snprintf(buf, bufsz, "ivt -> %04x:%04x", e[2] | e[3] << 8, e[0] | e[1] << 8);
        return;
    }
    uint8_t e[8];
    if ((uint32_t)vec * 8 + 7 > c->idtr.limit ||
        debug_read_linear(c, c->idtr.base + (uint32_t)vec * 8, e, 8) != 0) {
        snprintf(buf, bufsz, "idt entry beyond IDTR limit");
        return;
    }
    unsigned type = e[5] & 0x1F, dpl = (e[5] >> 5) & 3u, present = e[5] >> 7;
    unsigned sel = e[2] | e[3] << 8;
    uint32_t off = (uint32_t)(e[0] | e[1] << 8);
    const char *kind;
    switch (type) {
    case 0x0E: kind = "int32"; off |= (uint32_t)(e[6] | e[7] << 8) << 16; break;
    case 0x0F: kind = "trap32"; off |= (uint32_t)(e[6] | e[7] << 8) << 16; break;
    case 0x06: kind = "int16"; break;
    case 0x07: kind = "trap16"; break;
    case 0x05: kind = "task"; break;
    default: kind = "invalid"; break;
    }
    if (type == 0x05)
        snprintf(buf, bufsz, "idt %s gate dpl%u%s -> tss %04x", kind, dpl,
                 present ? "" : " not-present", sel);
    else
        snprintf(buf, bufsz, "idt %s gate dpl%u%s -> %04x:%08x", kind, dpl,
                 present ? "" : " not-present", sel, off);
}

void trace_on_interrupt(void *opaque, const struct cpu *c, int vec, int src, int has_error,
                        uint32_t error)
{
    struct trace *t = opaque;
    /* The instruction that faulted does not retire: its accesses belong
     * to no line. */
    t->nmem = 0;
    if (!(t->categories & TRACE_INT) || !filter_pass_cpu(t, c))
        return;
    char gate[96], err[24] = "";
    const char *name = trace_vector_name((unsigned)vec);
    format_gate(c, vec, gate, sizeof gate);
    if (has_error)
        snprintf(err, sizeof err, " error=%04x", error);
    tprintf(t, "%llu r%u %04x:%08x int %02x%s%s %s%s return=%04x:%08x %s\n",
            (unsigned long long)c->icount, cpu_cpl(c), c->seg[SEG_CS].sel, c->insn_eip,
            (unsigned)vec & 0xFF, name ? " " : "", name ? name : "", int_source_name(src), err,
            c->seg[SEG_CS].sel, c->eip, gate);
    t->lines++;
}

void trace_on_io(void *opaque, const struct iobus_access *a)
{
    struct trace *t = opaque;
    const struct cpu *c = t->cpu;
    int w = 2 * a->size;

    if ((t->categories & TRACE_IO) ||
        ((t->categories & TRACE_UNMAPPED) && !a->device && a->first_unmapped)) {
        if (c)
            tprintf(t, "%llu %04x:%08x ", (unsigned long long)c->icount,
                    c->seg[SEG_CS].sel, c->insn_eip);
        tprintf(t, "%s port %04x size %u %s %0*x (%s)%s\n", a->is_write ? "out" : "in",
                a->port, a->size, a->is_write ? "<-" : "->", w, a->value,
                a->device ? a->device : "unmapped",
                !a->device && a->first_unmapped ? " first access" : "");
        t->lines++;
    }
}

static const char *const mmu_event_names[MMU_EV_COUNT] = {
    [MMU_EV_TLB_MISS] = "tlb-miss", [MMU_EV_WALK_REF] = "ref",
    [MMU_EV_AD_UPDATE] = "ad-update", [MMU_EV_WALK_DONE] = "walk-done",
    [MMU_EV_WALK_FAULT] = "walk-fault", [MMU_EV_SHADOW_HIT] = "shadow-hit",
    [MMU_EV_SHADOW_BUILD] = "shadow-build", [MMU_EV_SHADOW_WRTRAP] = "shadow-wrtrap",
    [MMU_EV_SHADOW_RESYNC] = "shadow-resync", [MMU_EV_SHADOW_REUSE] = "shadow-reuse",
    [MMU_EV_SHADOW_FILL] = "shadow-fill", [MMU_EV_SHADOW_UNTRACK] = "shadow-untrack",
};

/* A second-stage reference: the p2m slot read and what it holds (the
 * encoding is mmu/event.h's MMU_S2_*). Host addresses change from run to
 * run, so the slot is named by its index, not its host address. */
static void print_stage2(struct trace *out, const struct mmu_event *ev)
{
    static const char *const kinds[] = { "none", "ram", "rom", "mmio" };
    if (ev->level == 1) {
        tprintf(out, "p2m.top[%03llx] %s\n", (unsigned long long)ev->addr,
                (ev->entry & MMU_S2_LEAF) ? "leaf" : "no-leaf");
        return;
    }
    unsigned kind = ev->entry & 0xFF, acc = (ev->entry >> 8) & 0xFF, watch = (ev->entry >> 16) & 0xFF;
    tprintf(out, "p2m.leaf[%03llx] %s", (unsigned long long)ev->addr, kind < 4 ? kinds[kind] : "?");
    if (kind == P2M_RAM) {
        tprintf(out, " %s%s", (acc & PHYSMEM_PAM_READ_RAM) ? "r" : "-",
                (acc & PHYSMEM_PAM_WRITE_RAM) ? "w" : "-");
        if (!(ev->entry & MMU_S2_RAM_ALLOCATED))
            tputs(out, " zero-page");
    }
    if (watch)
        tprintf(out, " watch=%s%s%s", (watch & PHYSMEM_WATCH_CODE) ? "code" : "",
                watch == (PHYSMEM_WATCH_CODE | PHYSMEM_WATCH_PT) ? "," : "",
                (watch & PHYSMEM_WATCH_PT) ? "pt" : "");
    tputs(out, "\n");
}

void trace_on_mmu(void *opaque, const struct cpu *c, const struct mmu_event *ev)
{
    struct trace *t = opaque;
    static const char *const access[] = { "read", "write", "fetch", "?" };
    static const char *const causes[] = { "write", "invlpg", "cr3", "?" };
    if (!(t->categories & TRACE_MMU) || !filter_pass_cpu(t, c))
        return;
    const char *name = ev->kind < MMU_EV_COUNT ? mmu_event_names[ev->kind] : "?";
    const char *acc = access[ev->access & 3];
    unsigned long long addr = ev->addr, entry = ev->entry;
    struct trace *out = t;
    tprintf(out, "%llu mmu ", (unsigned long long)c->icount);
    switch (ev->kind) {
    case MMU_EV_TLB_MISS:
        tprintf(out, "%s lin=%08x %s\n", name, ev->lin, acc);
        break;
    case MMU_EV_WALK_REF:
        if (ev->stage == 2) {
            /* Indented under the stage-1 reference whose address it translates. */
            tprintf(out, "  %s stage2 level%u gpa=%08x ", name, ev->level, ev->lin);
            print_stage2(out, ev);
            break;
        }
        /* fall through */
    case MMU_EV_AD_UPDATE:
        tprintf(out, "%s stage%u level%u gpa=%09llx entry=%016llx\n", name, ev->stage, ev->level,
                addr, entry);
        break;
    case MMU_EV_WALK_DONE:
        tprintf(out, "%s lin=%08x %s gpa=%09llx level%u entry=%016llx\n", name, ev->lin, acc,
                addr, ev->level, entry);
        break;
    case MMU_EV_WALK_FAULT:
        tprintf(out, "%s lin=%08x %s level%u #PF error=%04llx\n", name, ev->lin, acc, ev->level,
                entry);
        break;
    case MMU_EV_SHADOW_HIT:
        tprintf(out, "%s lin=%08x %s gpa=%09llx\n", name, ev->lin, acc, addr);
        break;
    case MMU_EV_SHADOW_FILL:
        tprintf(out, "%s lin=%08x gpa=%09llx\n", name, ev->lin, addr);
        break;
    case MMU_EV_SHADOW_BUILD:
    case MMU_EV_SHADOW_REUSE:
        tprintf(out, "%s cr3=%08llx\n", name, addr);
        break;
    case MMU_EV_SHADOW_WRTRAP:
        tprintf(out, "%s gpa=%09llx size=%llu\n", name, addr, entry);
        break;
    case MMU_EV_SHADOW_UNTRACK:
        tprintf(out, "%s table=%09llx\n", name, addr);
        break;
    case MMU_EV_SHADOW_RESYNC:
        tprintf(out, "%s cause=%s", name, causes[entry < 3 ? entry : 3]);
        if (entry == MMU_RESYNC_WRITE)
            tprintf(out, " level%u lin=%08x table=%09llx\n", ev->level, ev->lin, addr);
        else if (entry == MMU_RESYNC_INVLPG)
            tprintf(out, " lin=%08x cr3=%08llx\n", ev->lin, addr);
        else
            tprintf(out, " cr3=%08llx\n", addr);
        break;
    default:
        tprintf(out, "%s lin=%08x addr=%09llx value=%016llx\n", name, ev->lin, addr, entry);
        break;
    }
    t->lines++;
}

void trace_on_callout(void *opaque, const struct cpu *c, const struct insn *in, int sens,
                      enum cpu_callout_outcome outcome)
{
    struct trace *t = opaque;
    static const char *const classes[] = { "none", "privileged", "iopl-sensitive",
                                           "sensitive-unprivileged" };
    if (outcome != CPU_CALLOUT_REACHED) {
        /* The line was formatted from the state before the instruction
         * ran (CS:EIP, CPL, count); the outcome completes it. Between the
         * two, an INT or a fault's delivery prints its own events. */
        if (t->callout_held)
            tprintf(t, "%s %s: %s\n", t->callout_line,
                    outcome == CPU_CALLOUT_FAULTED ? "faulted" : "emulated", t->callout_text);
        t->callout_held = 0;
        return;
    }
    t->callout_held = 0;
    if (!(t->categories & TRACE_CALLOUT) || !filter_pass_cpu(t, c))
        return;
    char text[160] = "?";
    uint8_t bytes[INSN_MAX_LEN];
    unsigned len = in && in->len && in->len <= INSN_MAX_LEN ? in->len : 1;
    uint32_t lin = c->seg[SEG_CS].base + c->insn_eip;
    if (t->dis_open && debug_read_linear(c, lin, bytes, len) == 0)
        disasm_format(&t->dis, bytes, len, c->insn_eip, code_is_32bit(c), text, sizeof text);
    snprintf(t->callout_line, sizeof t->callout_line, "%llu r%u %04x:%08x callout %s",
             (unsigned long long)c->icount, cpu_cpl(c), c->seg[SEG_CS].sel, c->insn_eip,
             sens >= 0 && sens < 4 ? classes[sens] : "?");
    memcpy(t->callout_text, text, sizeof text);
    t->callout_held = 1;
    t->lines++;
}

void trace_on_block(void *opaque, const struct cpu *c, const struct dbt_block_event *ev)
{
    struct trace *t = opaque;
    static const char *const kinds[DBT_BLOCK_EVENT_COUNT] = { "translate", "chain",
                                                             "invalidate", "flush" };
    static const char *const causes[DBT_BLOCK_CAUSE_COUNT] = {
        "-", "code-write", "self-modify", "cr3", "mode", "cache-full", "debugger", "remap" };
    if (!(t->categories & TRACE_BLOCK) || !filter_pass_cpu(t, c))
        return;
    const char *kind = ev->kind < DBT_BLOCK_EVENT_COUNT ? kinds[ev->kind] : "?";
    const char *cause = ev->cause < DBT_BLOCK_CAUSE_COUNT ? causes[ev->cause] : "?";
    switch (ev->kind) {
    case DBT_BLOCK_TRANSLATE:
        tprintf(t, "%llu block %s pa=%08x lin=%08x bytes=%u insns=%u\n",
                (unsigned long long)c->icount, kind, ev->pa, ev->lin, ev->len, ev->ninsn);
        break;
    case DBT_BLOCK_CHAIN:
        tprintf(t, "%llu block %s pa=%08x -> pa=%08x\n", (unsigned long long)c->icount,
                kind, ev->pa, ev->to_pa);
        break;
    default:
        tprintf(t, "%llu block %s pa=%08x cause=%s\n", (unsigned long long)c->icount,
                kind, ev->pa, cause);
        break;
    }
    t->lines++;
}

int trace_open(struct trace *t, unsigned categories, FILE *out, char *err, size_t errsz)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
    t->categories = categories;
    t->filter.insn_to = UINT64_MAX;
    t->filter.lin_hi = UINT32_MAX;
    t->filter.cpl = -1;
    if (categories & (TRACE_INSN | TRACE_CALLOUT)) {
        if (disasm_open(&t->dis) != 0) {
            snprintf(err, errsz, "cannot open the Capstone disassembler");
            return -1;
        }
        t->dis_open = 1;
    }
    return 0;
}

void trace_set_att(struct trace *t, int att)
{
    if (t->dis_open)
        disasm_set_att(&t->dis, att);
}

void trace_set_symbols(struct trace *t, struct symbols *syms)
{
    t->syms = syms;
}

void trace_attach(struct trace *t, struct cpu *cpu, struct iobus *bus)
{
    if (cpu) {
        t->cpu = cpu;
        cpu->hooks.opaque = t;
        if (t->categories & TRACE_INSN) {
            cpu->hooks.insn_retired = trace_on_insn;
            cpu->hooks.mem_access = trace_on_mem;
        }
        if (t->categories & (TRACE_INT | TRACE_INSN))
            cpu->hooks.interrupt = trace_on_interrupt;
        if (t->categories & TRACE_MMU)
            cpu->hooks.mmu = trace_on_mmu;
        if (t->categories & TRACE_CALLOUT)
            cpu->hooks.callout = trace_on_callout;
        cpu_hooks_changed(cpu);
    }
    if (bus && (t->categories & (TRACE_IO | TRACE_UNMAPPED))) {
        bus->observer.opaque = t;
        bus->observer.access = trace_on_io;
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
