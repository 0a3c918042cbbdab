/* The documented disagreements between cpu/decode.c and Capstone, and the
 * rule that applies them: see decode_capstone_rules.h. */
#include "decode_capstone_rules.h"

#include <stdlib.h>
#include <string.h>

/* ---- One decoded sample, as both decoders see it ---- */


static int is_prefix_byte(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
        return 1;
    default:
        return 0;
    }
}

/* Index of the first non-prefix byte. */
static unsigned prefix_count(const uint8_t *b)
{
    unsigned n = 0;
    while (n < CAPSTONE_SAMPLE_LEN && is_prefix_byte(b[n]))
        n++;
    return n;
}

/* Whether the prefixes hold an F2 or F3 after the last F0. */
static int rep_after_lock(const uint8_t *b)
{
    unsigned n = prefix_count(b);
    int seen_lock = 0, rep_after = 0;
    for (unsigned i = 0; i < n; i++) {
        if (b[i] == 0xF0) {
            seen_lock = 1;
            rep_after = 0;
        } else if (seen_lock && (b[i] == 0xF2 || b[i] == 0xF3)) {
            rep_after = 1;
        }
    }
    return rep_after;
}

static int match_call16_with_rep(const struct capstone_sample *s);

/* Whether our #UD is due to the LOCK prefix alone: without its F0 bytes
 * the string decodes, to Capstone's length less the bytes removed. */
static int ud_only_for_lock(const struct capstone_sample *s)
{
    uint8_t stripped[CAPSTONE_SAMPLE_LEN];
    unsigned n = prefix_count(s->bytes), out = 0, removed = 0;
    struct insn in;
    struct capstone_sample t;

    if (s->st != DECODE_UD || !s->in.lock)
        return 0;
    for (unsigned i = 0; i < CAPSTONE_SAMPLE_LEN; i++) {
        if (i < n && s->bytes[i] == 0xF0)
            removed++;
        else
            stripped[out++] = s->bytes[i];
    }
    if (decode_insn(stripped, out, s->mode == 32, &in, NULL) != DECODE_OK)
        return 0;
    if (in.len + removed == s->cs_len)
        return 1;
    /* Capstone may also misjudge the rest: compare as if we agreed on the
     * prefixes, against the other known length errors. */
    t = *s;
    t.st = DECODE_OK;
    t.in = in;
    t.cs_len = s->cs_len - removed;
    return match_call16_with_rep(&t);
}

static unsigned modrm_reg(const struct capstone_sample *s)
{
    return (s->in.modrm >> 3) & 7;
}

static int modrm_is_reg(const struct capstone_sample *s)
{
    return s->in.has_modrm && (s->in.modrm >> 6) == 3;
}

/* ---- Class C, foreign: extensions the modelled CPU does not have ---- */

#define MODS_ANY 0x0F           /* bit n: ModRM.mod == n */
#define MODS_MEM 0x07
#define MODS_REG 0x08
#define REGS_ANY 0xFF           /* bit n: ModRM.reg == n */



struct foreign_range capstone_foreign[] = {
    { 0x062, 0x062, REGS_ANY, MODS_REG, -1, "P6 lacks EVEX (AVX-512): BOUND with mod=3", {0, 0} },
    { 0x08F, 0x08F, 0xFE, MODS_ANY, -1, "P6 lacks XOP (AMD): 8F with ModRM.reg != 0", {0, 0} },
    { 0x0C4, 0x0C5, REGS_ANY, MODS_REG, -1, "P6 lacks VEX (AVX): LES/LDS with mod=3", {0, 0} },
    { 0x0C6, 0x0C6, REGS_ANY, MODS_REG, 0xF8, "P6 lacks TSX: XABORT (C6 F8)", {0, 0} },
    { 0x0C7, 0x0C7, REGS_ANY, MODS_REG, 0xF8, "P6 lacks TSX: XBEGIN (C7 F8)", {0, 0} },
    { 0x0DB, 0x0DB, 0x02, MODS_MEM, -1, "P6 lacks SSE3: FISTTP m32int (DB /1)", {0, 0} },
    { 0x0DD, 0x0DD, 0x02, MODS_MEM, -1, "P6 lacks SSE3: FISTTP m64int (DD /1)", {0, 0} },
    { 0x0DF, 0x0DF, 0x02, MODS_MEM, -1, "P6 lacks SSE3: FISTTP m16int (DF /1)", {0, 0} },
    { 0x101, 0x101, 0xAF, MODS_REG, -1,
      "P6 lacks the 0F 01 register forms of /0-/3, /5, /7 (VMX, MONITOR/MWAIT, XGETBV/XSETBV, SVM, SWAPGS, RDTSCP...)", {0, 0} },
    { 0x105, 0x105, REGS_ANY, MODS_ANY, -1, "P6 lacks SYSCALL (AMD K6, x86-64)", {0, 0} },
    { 0x107, 0x107, REGS_ANY, MODS_ANY, -1, "P6 lacks SYSRET (AMD K6, x86-64)", {0, 0} },
    { 0x10D, 0x10F, REGS_ANY, MODS_ANY, -1, "P6 lacks 3DNow!: PREFETCH/PREFETCHW, FEMMS, 0F 0F", {0, 0} },
    { 0x110, 0x117, REGS_ANY, MODS_ANY, -1, "P6 lacks SSE: MOVUPS..MOVHPS", {0, 0} },
    { 0x128, 0x12F, REGS_ANY, MODS_ANY, -1, "P6 lacks SSE: MOVAPS..COMISS", {0, 0} },
    { 0x137, 0x137, REGS_ANY, MODS_ANY, -1, "P6 lacks SMX: GETSEC", {0, 0} },
    { 0x138, 0x138, REGS_ANY, MODS_ANY, -1, "P6 lacks SSSE3/SSE4: the 0F 38 map", {0, 0} },
    { 0x13A, 0x13A, REGS_ANY, MODS_ANY, -1, "P6 lacks SSSE3/SSE4: the 0F 3A map", {0, 0} },
    { 0x150, 0x177, REGS_ANY, MODS_ANY, -1, "P6 lacks MMX/SSE: 0F 50-0F 77", {0, 0} },
    { 0x178, 0x179, REGS_ANY, MODS_ANY, -1, "P6 lacks VMX: VMREAD/VMWRITE", {0, 0} },
    { 0x17C, 0x17F, REGS_ANY, MODS_ANY, -1, "P6 lacks MMX/SSE/SSE3: 0F 7C-0F 7F", {0, 0} },
    { 0x1A6, 0x1A7, REGS_ANY, MODS_ANY, -1, "P6 lacks VIA PadLock (0F A6/A7; XBTS/IBTS on early 386s)", {0, 0} },
    { 0x1AE, 0x1AE, 0xFC, MODS_ANY, -1, "P6 lacks SSE/SSE2/CLFLUSH: group 15 beyond FXSAVE/FXRSTOR", {0, 0} },
    { 0x1AE, 0x1AE, 0x03, MODS_REG, -1, "FXSAVE/FXRSTOR have no register form (RDFSBASE/RDGSBASE are 64-bit)", {0, 0} },
    { 0x1B8, 0x1B8, REGS_ANY, MODS_ANY, -1, "P6 lacks POPCNT / IA-64 JMPE", {0, 0} },
    { 0x1C2, 0x1C6, REGS_ANY, MODS_ANY, -1, "P6 lacks SSE/MMX: CMPPS, MOVNTI, PINSRW, PEXTRW, SHUFPS", {0, 0} },
    { 0x1C7, 0x1C7, 0xFC, MODS_ANY, -1,
      "P6 lacks 0F C7 /2-/7: XRSTORS, XSAVEC, XSAVES, VMPTRLD, VMPTRST, VMCLEAR, RDRAND, RDSEED", {0, 0} },
    { 0x1D0, 0x1FE, REGS_ANY, MODS_ANY, -1, "P6 lacks MMX/SSE/SSE2/SSE3: 0F D0-0F FE", {0, 0} },
    /* Not extensions but opcodes that every CPU rejects: Capstone names
     * them, the hardware raises #UD (SDM Vol. 2B, UD: "UD0, UD1, UD2"). */
    { 0x1B9, 0x1B9, REGS_ANY, MODS_ANY, -1, "#UD on every CPU: UD1", {0, 0} },
    { 0x1FF, 0x1FF, REGS_ANY, MODS_ANY, -1, "#UD on every CPU: UD0", {0, 0} },
};

static struct foreign_range *match_foreign(const struct capstone_sample *s)
{
    for (size_t i = 0; i < capstone_nforeign; i++) {
        const struct foreign_range *f = &capstone_foreign[i];
        if (s->in.opcode < f->lo || s->in.opcode > f->hi)
            continue;
        if (s->in.has_modrm) {
            if (!(f->regs & (1u << modrm_reg(s))) || !(f->mods & (1u << (s->in.modrm >> 6))))
                continue;
            if (f->modrm >= 0 && s->in.modrm != f->modrm)
                continue;
        } else if (f->modrm >= 0) {
            continue;
        }
        return &capstone_foreign[i];
    }
    return NULL;
}

const size_t capstone_nforeign = sizeof capstone_foreign / sizeof capstone_foreign[0];

/* ---- Known Capstone errors (classes B, C and D) ---- */



/* B, D: 66 E8 in 32-bit code with an F2/F3 prefix: Capstone reads a rel32,
 * so its length is ours plus 2, or past 15 bytes and refused. */
static int match_call16_with_rep(const struct capstone_sample *s)
{
    if (s->mode != 32 || s->in.opcode != 0xE8 || s->in.opsize != 2 || !s->in.rep)
        return 0;
    return s->cs_ok ? s->cs_len == s->in.len + 2u : s->in.len + 2u > INSN_MAX_LEN;
}

/* Capstone does not see a LOCK that an F2/F3 follows (see below): so an
 * instruction we refuse for another reason may also carry one. */
static int lock_hidden_from_capstone(const struct capstone_sample *s)
{
    return !s->in.lock || rep_after_lock(s->bytes);
}

/* C: LOCK followed by F2/F3: Capstone keeps only the last group-1 prefix. */
static int match_lock_then_rep(const struct capstone_sample *s)
{
    return rep_after_lock(s->bytes) && ud_only_for_lock(s);
}

/* C: LOCK on ADD..XOR r, r/m (opcodes x2, x3 below 40): register destination. */
static int match_lock_reg_dest(const struct capstone_sample *s)
{
    unsigned op = s->in.opcode;
    return op < 0x38 && ((op & 7) == 2 || (op & 7) == 3) && ud_only_for_lock(s);
}

/* C: LOCK on NOP r/m (0F 1F). */
static int match_lock_nop(const struct capstone_sample *s)
{
    return s->in.opcode == 0x11F && ud_only_for_lock(s);
}

/* C: MOV to/from CR1, CR5, CR6, CR7. */
static int match_mov_bad_cr(const struct capstone_sample *s)
{
    unsigned reg = modrm_reg(s);
    return (s->in.opcode == 0x120 || s->in.opcode == 0x122) && lock_hidden_from_capstone(s) &&
           (reg == 1 || reg >= 5) && s->cs_len == s->in.len;
}

/* C: MOV CS, r/m16 (8E /1). */
static int match_mov_to_cs(const struct capstone_sample *s)
{
    return s->in.opcode == 0x08E && modrm_reg(s) == SEG_CS && lock_hidden_from_capstone(s);
}

/* D: F2/F3 on MOV AL/eAX <-> moffs (A0-A3). */
static int match_moffs_with_rep(const struct capstone_sample *s)
{
    return s->in.opcode >= 0x0A0 && s->in.opcode <= 0x0A3 && s->in.rep;
}

/* D: the register forms of the hint NOPs 0F 18-0F 1F. */
static int match_hint_nop_reg(const struct capstone_sample *s)
{
    return s->in.opcode >= 0x118 && s->in.opcode <= 0x11F && modrm_is_reg(s);
}

struct capstone_error capstone_errors[] = {
    { CLASS_B, match_call16_with_rep,
      "66 E8 cw (CALL rel16) in 32-bit code with an F2 or F3 prefix",
      "Capstone takes the F2/F3 as a BND/XACQUIRE hint and drops the 66, reading a "
      "rel32; the operand size alone selects rel16 (SDM Vol. 2A, CALL: \"E8 cw CALL "
      "rel16\"; 2.1.1: REP prefixes on other instructions are ignored on this CPU)", {0, 0} },
    { CLASS_D, match_call16_with_rep,
      "66 E8 cw (CALL rel16) in 32-bit code with an F2 or F3 prefix, 14 or 15 bytes long",
      "as above; the rel32 Capstone reads takes it past 15 bytes", {0, 0} },
    { CLASS_C, match_lock_then_rep,
      "LOCK followed later by F2/F3, on an instruction that does not allow LOCK",
      "Capstone keeps only the last of the group-1 prefixes (F0, F2, F3), so it never "
      "sees the LOCK; the CPU raises #UD (SDM Vol. 2A, LOCK: \"#UD If the LOCK prefix "
      "is used with an instruction not listed\"; 2.1.1: any of the group-1 prefixes)", {0, 0} },
    { CLASS_C, match_lock_reg_dest,
      "LOCK on ADD/OR/ADC/SBB/AND/SUB/XOR r, r/m (opcodes x2, x3)",
      "the destination is a register; LOCK is allowed only \"to those forms of the "
      "instructions where the destination operand is a memory operand\", else #UD "
      "(SDM Vol. 2A, LOCK)", {0, 0} },
    { CLASS_C, match_lock_nop,
      "LOCK on NOP r/m (0F 1F)",
      "NOP is not in the LOCK list: #UD (SDM Vol. 2A, LOCK)", {0, 0} },
    { CLASS_C, match_mov_bad_cr,
      "MOV to or from CR1, CR5, CR6, CR7 (0F 20, 0F 22)",
      "reserved control registers: \"#UD If an attempt is made to access CR1, CR5, "
      "CR6, or CR7\" (SDM Vol. 2B, MOV—Move to/from Control Registers)", {0, 0} },
    { CLASS_C, match_mov_to_cs,
      "MOV CS, r/m16 (8E /1)",
      "\"#UD If attempt is made to load the CS register\" (SDM Vol. 2B, MOV); CS "
      "changes only by far transfers", {0, 0} },
    { CLASS_D, match_moffs_with_rep,
      "F2/F3 on MOV AL/eAX, moffs and MOV moffs, AL/eAX (A0-A3)",
      "Capstone refuses these (it reserves F2/F3 on them for XACQUIRE/XRELEASE); a "
      "P6 ignores a REP prefix on an instruction that is not a string operation "
      "(SDM Vol. 2A, 2.1.1, Group 1 prefixes)", {0, 0} },
    { CLASS_D, match_hint_nop_reg,
      "0F 18-0F 1F with a register operand (mod=3)",
      "Capstone refuses the register forms of the hint NOPs; they are NOPs like the "
      "memory forms (SDM Vol. 2B, NOP: \"0F 1F /0 NOP r/m16, NOP r/m32\"; Vol. 2D, "
      "Table A-3, 0F 18-0F 1F: prefetch hints and NOP Ev)", {0, 0} },
};


const size_t capstone_nerrors = sizeof capstone_errors / sizeof capstone_errors[0];

static struct capstone_error *match_error(enum diff_class cls, const struct capstone_sample *s)
{
    for (size_t i = 0; i < capstone_nerrors; i++)
        if (capstone_errors[i].cls == cls && capstone_errors[i].match(s))
            return &capstone_errors[i];
    return NULL;
}

/* ---- The verdict ---- */

/* For a relative branch both decode, whether Capstone prints the target we
 * compute (next EIP + displacement), which checks the displacement's value
 * and sign extension beyond the length. Only the low 16 bits are compared:
 * Capstone cuts targets to 16 bits in 16-bit code or under a 67 prefix,
 * whatever the operand size, and zero-extends a rel16 under 66 in 32-bit
 * code; the CPU cuts EIP to the operand size (SDM Vol. 2A, Jcc, JMP). */
static int branch_target_agrees(const struct capstone_sample *s)
{
    uint32_t target, mask = 0xFFFFu;
    const char *p;
    char *end;
    unsigned long printed;

    if (s->in.nopnd == 0 || s->in.opnd[0].kind != OPK_REL)
        return 1;
    target = (CAPSTONE_SAMPLE_ADDR + s->in.len + s->in.imm) & mask;
    p = strrchr(s->cs_text, ' ');
    if (p == NULL)
        return 0;
    printed = strtoul(p + 1, &end, 0);
    return *end == '\0' && ((uint32_t)printed & mask) == target;
}

void capstone_classify(const struct capstone_sample *s, struct capstone_match *m)
{
    int mi = s->mode == 32;
    struct capstone_error *e;
    struct foreign_range *f;

    memset(m, 0, sizeof *m);
    m->verdict = CAPSTONE_UNEXPLAINED;
    switch (s->st) {
    case DECODE_OK:
        if (s->cs_ok && s->cs_len == s->in.len && !branch_target_agrees(s)) {
            m->what = "branch target differs";
        } else if (s->cs_ok && s->cs_len == s->in.len) {
            m->verdict = CAPSTONE_AGREE;
        } else if ((e = match_error(s->cs_ok ? CLASS_B : CLASS_D, s)) != NULL) {
            e->hits[mi]++;
            m->verdict = CAPSTONE_KNOWN;
            m->error = e;
        } else {
            m->what = s->cs_ok ? "B (length differs)" : "D (Capstone refuses)";
        }
        break;
    case DECODE_UD:
        if (!s->cs_ok) {
            m->verdict = CAPSTONE_BOTH_REJECT;
        } else if ((f = match_foreign(s)) != NULL) {
            f->hits[mi]++;
            m->verdict = CAPSTONE_FOREIGN;
            m->foreign = f;
        } else if ((e = match_error(CLASS_C, s)) != NULL) {
            e->hits[mi]++;
            m->verdict = CAPSTONE_KNOWN;
            m->error = e;
        } else {
            m->what = "C (we #UD)";
        }
        break;
    case DECODE_TOO_LONG:
        /* Capstone enforces the 15-byte limit too. */
        if (!s->cs_ok || s->cs_len > INSN_MAX_LEN)
            m->verdict = CAPSTONE_TOO_LONG;
        else
            m->what = "too long for us only";
        break;
    case DECODE_NEED_MORE:     /* impossible with 16 bytes available */
        m->what = "need more";
        break;
    }
}
