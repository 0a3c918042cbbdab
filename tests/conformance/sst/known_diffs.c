/* The table of documented 286-vs-P6 differences; see known_diffs.h.
 *
 * Keep this list short and honest: an entry belongs here only if the
 * manuals document that a 386-class CPU architecturally behaves differently
 * from the 80286 for that form, and its predicate must accept nothing but
 * the mismatch that difference produces.
 */
#include "known_diffs.h"

#include <string.h>

/* One-byte opcodes of the 8086/186/286 map that take a ModR/M byte. */
static int has_modrm_286(uint8_t op)
{
    if (op < 0x40)
        return (op & 0x04) == 0;          /* ALU r/m forms xx0-xx3 */
    switch (op) {
    case 0x62: case 0x63: case 0x69: case 0x6B:
    case 0xC0: case 0xC1: case 0xC4: case 0xC5: case 0xC6: case 0xC7:
    case 0xD0: case 0xD1: case 0xD2: case 0xD3:
    case 0xF6: case 0xF7: case 0xFE: case 0xFF:
        return 1;
    default:
        return (op >= 0x80 && op <= 0x8F) || (op >= 0xD8 && op <= 0xDF);
    }
}

/* Immediate bytes of a one-byte 286 opcode (ModR/M reg picks F6/F7's). */
static int imm_size_286(uint8_t op, uint8_t reg)
{
    if (op < 0x40 && (op & 7) == 4)
        return 1;                         /* ALU AL,imm8 */
    if (op < 0x40 && (op & 7) == 5)
        return 2;                         /* ALU AX,imm16 */
    if ((op >= 0x70 && op <= 0x7F) || (op >= 0xB0 && op <= 0xB7) || (op >= 0xE0 && op <= 0xE7))
        return 1;
    if (op >= 0xB8 && op <= 0xBF)
        return 2;
    switch (op) {
    case 0x6A: case 0x6B: case 0x80: case 0x82: case 0x83: case 0xA8: case 0xC0: case 0xC1:
    case 0xC6: case 0xCD: case 0xD4: case 0xD5: case 0xEB:
        return 1;
    case 0x68: case 0x69: case 0x81: case 0xA0: case 0xA1: case 0xA2: case 0xA3: case 0xA9:
    case 0xC2: case 0xC7: case 0xCA: case 0xE8: case 0xE9:
        return 2;
    case 0xC8:
        return 3;
    case 0x9A: case 0xEA:
        return 4;
    case 0xF6:
        return reg <= 1 ? 1 : 0;
    case 0xF7:
        return reg <= 1 ? 2 : 0;
    default:
        return 0;
    }
}

/* 16-bit addressing displacement size for a ModR/M byte. */
static int disp_size16(uint8_t modrm)
{
    switch (modrm >> 6) {
    case 0: return (modrm & 7) == 6 ? 2 : 0;
    case 1: return 1;
    case 2: return 2;
    default: return 0;
    }
}

void sst_form_decode(const struct moo_test *t, struct sst_form *f)
{
    memset(f, 0, sizeof(*f));
    uint32_t i = 0;
    /* The 286's prefixes; 64-67 are undefined opcodes on it, not prefixes. */
    while (i < t->nbytes) {
        uint8_t b = t->bytes[i];
        if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E)
            ;
        else if (b == 0xF0)
            f->lock = 1;
        else if (b == 0xF2 || b == 0xF3)
            f->rep = 1;
        else
            break;
        i++;
    }
    f->nprefix = (int)i;
    if (i >= t->nbytes)
        return;
    f->opcode = t->bytes[i++];
    if (f->opcode == 0x0F && i < t->nbytes) {
        f->two_byte = 1;
        f->opcode = t->bytes[i++];
        f->has_modrm = f->opcode <= 0x03;
    } else {
        f->has_modrm = has_modrm_286(f->opcode);
    }
    if (f->has_modrm && i < t->nbytes)
        f->modrm = t->bytes[i];
    else
        f->has_modrm = 0;
    f->length = (int)i + (f->has_modrm ? 1 + disp_size16(f->modrm) : 0);
    if (!f->two_byte)
        f->length += imm_size_286(f->opcode, (f->modrm >> 3) & 7);
}

/* Forms a 386+ accepts LOCK on: read-modify-write with a memory
 * destination (Intel SDM Vol. 2A, LOCK). */
static int lockable_on_386(const struct sst_form *f)
{
    if (f->two_byte || !f->has_modrm || (f->modrm >> 6) == 3)
        return 0;
    uint8_t op = f->opcode, reg = (f->modrm >> 3) & 7;
    if (op < 0x40)
        return (op & 0x07) <= 1 && (op >> 3) != 7;   /* ALU r/m,reg except CMP */
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83:
        return reg != 7;                              /* not CMP */
    case 0x86: case 0x87:
        return 1;                                     /* XCHG */
    case 0xF6: case 0xF7:
        return reg == 2 || reg == 3;                  /* NOT, NEG */
    case 0xFE: case 0xFF:
        return reg <= 1;                              /* INC, DEC */
    default:
        return 0;
    }
}

/* The run ended normally and the only mismatch is in FLAGS bits `bits`. */
static int only_flags_differ(const struct sst_result *r, uint16_t bits)
{
    if (r->end != SST_END_HLT || r->ram_diffs || r->stray)
        return 0;
    if (r->reg_diff != (1u << MOO_FLAGS))
        return 0;
    return ((r->expected[MOO_FLAGS] ^ r->got[MOO_FLAGS]) & ~bits) == 0;
}

/* The reference raised `vector` where our CPU raised nothing of the kind. */
static int reference_only_raised(const struct moo_test *t, const struct sst_result *r, int vector)
{
    return t->has_excp && t->excp_vector == vector && !r->exceptions[vector];
}

/* Both raised `vector`, and it was the only exception our CPU delivered. */
static int both_raised_only(const struct moo_test *t, const struct sst_result *r, int vector)
{
    if (!t->has_excp || t->excp_vector != vector || r->exceptions[vector] != 1)
        return 0;
    for (int v = 0; v < 32; v++)
        if (v != vector && r->exceptions[v])
            return 0;
    return r->end == SST_END_HLT;
}

static int explains_iopl_nt(const struct sst_known_ctx *k)
{
    if (k->f->two_byte || (k->f->opcode != 0x9D && k->f->opcode != 0xCF))
        return 0;
    return only_flags_differ(k->r, 0x7000);
}

static int explains_lock_ud(const struct sst_known_ctx *k)
{
    const struct sst_form *f = k->f;
    if (!f->lock || lockable_on_386(f) || !k->r->exceptions[VEC_UD])
        return 0;
    /* If the 286 itself raised #UD, both CPUs agree on the fault and any
     * mismatch is something else. (INT 6 is not a #UD.) */
    int ref_ud = k->t->has_excp && k->t->excp_vector == VEC_UD && !(f->opcode == 0xCD && !f->two_byte);
    return !ref_ud;
}

static int explains_length_limit(const struct sst_known_ctx *k)
{
    return k->f->length > 10 && reference_only_raised(k->t, k->r, VEC_GP);
}

static int explains_fs_gs(const struct sst_known_ctx *k)
{
    const struct sst_form *f = k->f;
    if (f->two_byte || (f->opcode != 0x8C && f->opcode != 0x8E) || !f->has_modrm)
        return 0;
    uint8_t reg = (f->modrm >> 3) & 7;
    return (reg == 4 || reg == 5) && reference_only_raised(k->t, k->r, VEC_UD);
}

/* Confirmed by a second run in which IVT entry 12 points where entry 13
 * does: if that run matches the reference exactly, delivering #SS instead
 * of interrupt 13 was the only difference. */
static int explains_ss_overrun(const struct sst_known_ctx *k)
{
    if (!k->t->has_excp || k->t->excp_vector != VEC_GP || !k->r->exceptions[VEC_SS])
        return 0;
    struct sst_result again;
    sst_exec_run_aliased(k->x, k->t, k->flags_mask, k->file_rmsk, k->f->rep, 1, VEC_SS, VEC_GP, &again);
    return again.pass;
}

static int is_string_op(const struct sst_form *f)
{
    uint8_t op = f->opcode;
    return !f->two_byte && ((op >= 0x6C && op <= 0x6F) || (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF));
}

/* Every differing or stray RAM byte lies in the 8 bytes at SS:sp. */
static int ram_diffs_in_frame(const struct sst_known_ctx *k, uint16_t sp)
{
    const struct sst_result *r = k->r;
    uint16_t ss = (k->t->fina.regs.mask >> MOO_SS & 1) ? k->t->fina.regs.v[MOO_SS] : k->t->init.regs.v[MOO_SS];
    uint32_t base = (uint32_t)ss << 4;
    if (r->ram_diffs > SST_MAX_RAM_DIFFS || r->stray > SST_MAX_STRAY)
        return 0;
    for (uint32_t i = 0; i < r->ram_diffs + r->stray; i++) {
        uint32_t a = i < r->ram_diffs ? r->ram[i].addr : r->stray_at[i - r->ram_diffs].addr;
        if (a < base || a - base > 0xFFFF || (uint16_t)(a - base - sp) >= 8)
            return 0;
    }
    return 1;
}

static int explains_fault_partial(const struct sst_known_ctx *k)
{
    const struct sst_form *f = k->f;
    const struct sst_result *r = k->r;
    if (is_string_op(f) && both_raised_only(k->t, r, VEC_GP))
        return !(r->reg_diff & ~((1u << MOO_SI) | (1u << MOO_DI) | (1u << MOO_CX))) && !r->ram_diffs && !r->stray;
    if (!f->two_byte && f->opcode == 0x8F && both_raised_only(k->t, r, VEC_GP))
        return r->reg_diff == (1u << MOO_SP) && r->expected[MOO_SP] == (uint16_t)(r->got[MOO_SP] + 2) &&
               ram_diffs_in_frame(k, r->got[MOO_SP]);
    if (!f->two_byte && f->opcode == 0xD4 && both_raised_only(k->t, r, VEC_DE)) {
        /* SF, ZF, PF in FLAGS and in the pushed image's low byte. */
        const uint16_t szp = 0x00C4;
        if (r->reg_diff != (1u << MOO_FLAGS) || ((r->expected[MOO_FLAGS] ^ r->got[MOO_FLAGS]) & ~szp) || r->stray)
            return 0;
        for (uint32_t i = 0; i < r->ram_diffs && i < SST_MAX_RAM_DIFFS; i++)
            if (r->ram[i].mask == 0xFF || ((r->ram[i].expected ^ r->ram[i].got) & ~szp))
                return 0;
        return r->ram_diffs <= SST_MAX_RAM_DIFFS;
    }
    return 0;
}

/* IDIV (F6 /7, F7 /7) where the reference returned a quotient and
 * remainder without interrupt 0, but no divisor in the operand's signed
 * range gives that pair: the true quotient was out of range, so the
 * architecture requires #DE, which our CPU raised. */
static int explains_idiv_no_de(const struct sst_known_ctx *k)
{
    const struct sst_form *f = k->f;
    const struct moo_test *t = k->t;
    if (f->two_byte || (f->opcode != 0xF6 && f->opcode != 0xF7) || ((f->modrm >> 3) & 7) != 7)
        return 0;
    if (t->has_excp || !k->r->exceptions[VEC_DE])
        return 0;
    int word = f->opcode == 0xF7;
    const uint16_t *iv = t->init.regs.v;
    uint16_t fax = (t->fina.regs.mask >> MOO_AX & 1) ? t->fina.regs.v[MOO_AX] : iv[MOO_AX];
    uint16_t fdx = (t->fina.regs.mask >> MOO_DX & 1) ? t->fina.regs.v[MOO_DX] : iv[MOO_DX];
    int64_t dividend = word ? (int32_t)((uint32_t)iv[MOO_DX] << 16 | iv[MOO_AX]) : (int16_t)iv[MOO_AX];
    int64_t q = word ? (int16_t)fax : (int8_t)(fax & 0xFF);
    int64_t rem = word ? (int16_t)fdx : (int8_t)(fax >> 8);
    int64_t lo = word ? -32768 : -128, hi = word ? 32767 : 127;
    if (q == 0)
        return 0;
    if ((dividend - rem) % q != 0)
        return 1;
    int64_t d = (dividend - rem) / q;
    return d < lo || d > hi || d == 0;
}

const struct sst_known_diff sst_known_diffs[] = {
    {
        "flags-iopl-nt",
        "POPF (9D), IRET (CF)",
        "in real mode the 286 keeps FLAGS bits 12-15 clear; a 386+ loads IOPL and NT (bits 12-14) from the popped image",
        "Intel SDM Vol. 1, ch. 'Processor Identification and Feature Determination', "
        "'Identification of Earlier IA-32 Processors' (bits 12-15 always clear on the 286 in real mode); "
        "Intel SDM Vol. 2B POPF (real mode loads all non-reserved bits)",
        explains_iopl_nt,
    },
    {
        "lock-ud",
        "LOCK (F0) before any form other than a memory-destination ADD/ADC/AND/OR/SBB/SUB/XOR/XCHG/INC/DEC/NOT/NEG",
        "the 286 asserts LOCK# for any instruction; a 386+ raises #UD (vector 6)",
        "Intel386 Programmer's Reference Manual §14.8.1 'Bus Lock'; Intel SDM Vol. 2A LOCK; "
        "Intel SDM Vol. 3 ch. 'Architecture Compatibility'",
        explains_lock_ud,
    },
    {
        "length-10",
        "any instruction longer than 10 bytes (redundant prefixes)",
        "the 286 raises interrupt 13 past 10 bytes; a 386+ accepts up to 15",
        "Intel 80286 Programmer's Reference Manual (10-byte instruction limit, interrupt 13); "
        "Intel SDM Vol. 2A §2.1 (15-byte limit)",
        explains_length_limit,
    },
    {
        "sreg-fs-gs",
        "MOV r/m16,Sreg (8C) and MOV Sreg,r/m16 (8E) with reg = 4 or 5",
        "undefined on the 286 (#UD, vector 6); a 386+ encodes FS and GS there",
        "Intel386 Programmer's Reference Manual §14.7 item 3 and §14.2 (FS, GS added); "
        "Intel SDM Vol. 3 ch. 'Architecture Compatibility' (new registers and instructions)",
        explains_fs_gs,
    },
    {
        "ss-overrun-13",
        "stack-segment accesses (PUSH/POP/CALL/RET/LEAVE/POPA, [BP+...] operands) that cross offset FFFF",
        "the 286 reports every real-mode segment overrun as interrupt 13; a 386+ raises #SS (vector 12) when the "
        "segment is SS (confirmed per test by a re-run with IVT entry 12 aliased to entry 13)",
        "Intel386 Programmer's Reference Manual Table 14-1 (real-mode interrupt 12 for SS overrun); "
        "Intel SDM Vol. 3A §6.15 'Interrupt 12-Stack Fault Exception'; 80286 PRM real-mode exceptions (interrupt 13)",
        explains_ss_overrun,
    },
    {
        "fault-partial",
        "string forms (6C-6F, A4-A7, AA-AF) and POP m16 (8F) faulting at offset FFFF; AAM 0 (D4 00)",
        "the 286 keeps register effects of the faulting instruction (SI/DI/CX advanced, SP popped, SF/ZF/PF "
        "set); a 386+ fault leaves the state as it was before the instruction",
        "Intel SDM Vol. 3A §6.5 'Exception Classifications' (faults are restartable: state before the "
        "instruction); Intel SDM Vol. 3A §6.15 'Interrupt 0' and 'Interrupt 13'",
        explains_fault_partial,
    },
    {
        "ref-idiv-no-de",
        "IDIV (F6 /7, F7 /7) whose reference result no in-range divisor can produce",
        "a reference-CPU anomaly rather than a 286-vs-386 difference: the 286 returned a quotient for a division "
        "whose true quotient is out of range; the architecture (286 and 386+ manuals alike) requires #DE",
        "Intel SDM Vol. 2A IDIV ('#DE: the signed result (quotient) is too large for the destination')",
        explains_idiv_no_de,
    },
};

const int sst_known_diff_count = (int)(sizeof(sst_known_diffs) / sizeof(sst_known_diffs[0]));

int sst_known_diff_match(const struct sst_known_ctx *k)
{
    for (int i = 0; i < sst_known_diff_count; i++)
        if (sst_known_diffs[i].explains(k))
            return i;
    return -1;
}
