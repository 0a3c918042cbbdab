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

static int explains_iopl_nt(const struct moo_test *t, const struct sst_form *f, const struct sst_result *r)
{
    (void)t;
    if (f->two_byte || (f->opcode != 0x9D && f->opcode != 0xCF))
        return 0;
    return only_flags_differ(r, 0x7000);
}

static int explains_lock_ud(const struct moo_test *t, const struct sst_form *f, const struct sst_result *r)
{
    if (!f->lock || lockable_on_386(f) || !r->exceptions[VEC_UD])
        return 0;
    return !(t->has_excp && t->excp_vector == VEC_UD);
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
};

const int sst_known_diff_count = (int)(sizeof(sst_known_diffs) / sizeof(sst_known_diffs[0]));

int sst_known_diff_match(const struct moo_test *t, const struct sst_form *f, const struct sst_result *r)
{
    for (int i = 0; i < sst_known_diff_count; i++)
        if (sst_known_diffs[i].explains(t, f, r))
            return i;
    return -1;
}
