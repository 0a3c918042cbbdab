/* The decoder proper: prefixes, opcode maps (cpu/decode_table.c), ModRM/SIB
 * and immediates. Opcode tables say *what* an opcode is; this file only
 * knows how x86 encodes operands. */
#include <string.h>

#include "cpu/decode.h"
#include "cpu/decode_table.h"

static const char *const op_names[OP_COUNT] = {
#define INSN_OP_NAME(name) #name,
    INSN_OPS(INSN_OP_NAME)
#undef INSN_OP_NAME
};

const char *insn_op_name(unsigned op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

/* Byte cursor over the instruction bytes. `pos` may run past `avail` (and
 * past the 15th byte, which counts as missing too): such reads return 0 and
 * set `short_read`, and `pos` then says how far the decoder needed to look. */
struct cursor {
    const uint8_t *bytes;
    size_t avail;
    size_t pos;
    int short_read;
};

static uint8_t next_byte(struct cursor *c)
{
    uint8_t b = 0;
    if (c->pos < c->avail && c->pos < INSN_MAX_LEN)
        b = c->bytes[c->pos];
    else
        c->short_read = 1;
    c->pos++;
    return b;
}

static uint32_t next_le(struct cursor *c, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint32_t)next_byte(c) << (8 * i);
    return v;
}

static int is_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
        return 1;
    default:
        return 0;
    }
}

/* 16-bit ModRM forms: base, index and whether BP makes SS the default. */
static void decode_ea16(struct cursor *c, struct insn *in, uint8_t mod, uint8_t rm)
{
    static const uint8_t base16[8] = { REG_EBX, REG_EBX, REG_EBP, REG_EBP,
                                       REG_ESI, REG_EDI, REG_EBP, REG_EBX };
    static const uint8_t index16[8] = { REG_ESI, REG_EDI, REG_ESI, REG_EDI,
                                        EA_NONE, EA_NONE, EA_NONE, EA_NONE };
    in->ea_scale = 0;
    if (mod == 0 && rm == 6) {
        in->ea_base = EA_NONE;
        in->ea_index = EA_NONE;
        in->disp = (int32_t)(int16_t)next_le(c, 2);
        return;
    }
    /* rm 4-7 use one register ([SI], [DI], [BP], [BX]), recorded as the
     * base; rm 0-3 add an index. */
    in->ea_base = base16[rm];
    in->ea_index = index16[rm];
    if (in->ea_base == REG_EBP && !in->seg_override)
        in->seg = SEG_SS;
    if (mod == 1)
        in->disp = (int32_t)(int8_t)next_byte(c);
    else if (mod == 2)
        in->disp = (int32_t)(int16_t)next_le(c, 2);
    else
        in->disp = 0;
}

static void decode_ea32(struct cursor *c, struct insn *in, uint8_t mod, uint8_t rm)
{
    in->ea_scale = 0;
    in->ea_index = EA_NONE;
    if (rm == 4) {
        uint8_t sib = next_byte(c);
        uint8_t base = sib & 7, index = (sib >> 3) & 7;
        in->has_sib = 1;
        in->sib = sib;
        in->ea_scale = sib >> 6;
        if (index != 4)
            in->ea_index = index;
        if (base == 5 && mod == 0) {
            in->ea_base = EA_NONE;
            in->disp = (int32_t)next_le(c, 4);
            return;
        }
        in->ea_base = base;
    } else if (rm == 5 && mod == 0) {
        in->ea_base = EA_NONE;
        in->disp = (int32_t)next_le(c, 4);
        return;
    } else {
        in->ea_base = rm;
    }
    if ((in->ea_base == REG_ESP || in->ea_base == REG_EBP) && !in->seg_override)
        in->seg = SEG_SS;
    if (mod == 1)
        in->disp = (int32_t)(int8_t)next_byte(c);
    else if (mod == 2)
        in->disp = (int32_t)next_le(c, 4);
    else
        in->disp = 0;
}

static uint8_t spec_size(uint8_t spec_sz, const struct insn *in)
{
    switch (spec_sz) {
    case SZ_B: return 1;
    case SZ_W: return 2;
    case SZ_D: return 4;
    case SZ_Q: return 8;
    case SZ_V: return in->opsize;
    case SZ_P: return (uint8_t)(in->opsize + 2);
    case SZ_A: return (uint8_t)(in->opsize * 2);
    case SZ_S: return 6;
    default:   return 0;
    }
}

/* Fill operand `i` from its specification. The encoding has already passed
 * encoding_valid(), so nothing here can fail. */
static void decode_operand(struct cursor *c, struct insn *in, unsigned i, uint16_t spec)
{
    struct opnd *o = &in->opnd[i];
    uint8_t form = OPS_FORM(spec);
    uint8_t size = spec_size(OPS_SIZE(spec), in);
    uint8_t mod = in->modrm >> 6, reg = (in->modrm >> 3) & 7, rm = in->modrm & 7;

    o->size = size;
    switch (form) {
    case OF_E:      /* register or memory from ModRM.rm */
    case OF_M:      /* memory only */
    case OF_ESREG:  /* MOV r/m, Sreg: memory is 16-bit, register is opsize */
        if (mod == 3) {
            o->kind = OPK_REG;
            o->reg = rm;
        } else {
            o->kind = OPK_MEM;
            in->has_ea = 1;
            if (form == OF_ESREG)
                o->size = 2;
        }
        break;
    case OF_R:      /* MOV CR/DR: rm is a register whatever mod says */
        o->kind = OPK_REG;
        o->reg = rm;
        break;
    case OF_G:
        o->kind = OPK_REG;
        o->reg = reg;
        break;
    case OF_Z:      /* register in the opcode's low 3 bits */
        o->kind = OPK_REG;
        o->reg = in->opcode & 7;
        break;
    case OF_FIXREG:
        o->kind = OPK_REG;
        o->reg = OPS_REG(spec);
        break;
    case OF_S:
        o->kind = OPK_SREG;
        o->reg = reg;
        break;
    case OF_FIXSREG:
        o->kind = OPK_SREG;
        o->reg = OPS_REG(spec);
        break;
    case OF_C:
        o->kind = OPK_CREG;
        o->reg = reg;
        break;
    case OF_D:
        o->kind = OPK_DREG;
        o->reg = reg;
        break;
    case OF_I:
        o->kind = OPK_IMM;
        if (size == 1)
            in->imm = next_byte(c);
        else
            in->imm = next_le(c, size);
        break;
    case OF_IS:     /* imm8 sign-extended to the operand size */
        o->kind = OPK_IMM;
        in->imm = (uint32_t)(int32_t)(int8_t)next_byte(c);
        if (size == 2)
            in->imm &= 0xFFFF;
        break;
    case OF_I2:     /* second immediate (ENTER's level byte) */
        o->kind = OPK_IMM;
        in->imm2 = next_byte(c);
        break;
    case OF_J:
        o->kind = OPK_REL;
        if (size == 1)
            in->imm = (uint32_t)(int32_t)(int8_t)next_byte(c);
        else if (size == 2)
            in->imm = (uint32_t)(int32_t)(int16_t)next_le(c, 2);
        else
            in->imm = next_le(c, 4);
        break;
    case OF_A:      /* ptr16:16 / ptr16:32 */
        o->kind = OPK_FAR;
        in->imm = next_le(c, in->opsize);
        in->imm2 = next_le(c, 2);
        break;
    case OF_O:      /* moffs: an address-size offset, no ModRM */
        o->kind = OPK_MEM;
        in->has_ea = 1;
        in->disp = (int32_t)next_le(c, in->addrsize);
        in->ea_base = EA_NONE;
        in->ea_index = EA_NONE;
        in->ea_scale = 0;
        break;
    case OF_ONE:
        o->kind = OPK_CONST1;
        break;
    case OF_IMPL:   /* implicit operands (string ops): only the size */
        o->kind = OPK_NONE;
        break;
    default:
        o->kind = OPK_NONE;
        break;
    }
}

/* x87 escapes (D8-DF) on a P6: which encodings exist.
 *
 * Register forms (mod=3): bit `rm` of fpu_reg_valid[esc][reg] is set when
 * the encoding executes. The holes are #UD (SDM Vol. 2, Appendix A.5, the
 * blank cells of Tables ). The undocumented aliases that every
 * Intel x87 since the 387 executes are kept valid: D9 D8+i (FSTP), DC D0+i /
 * DC D8+i (FCOM/FCOMP), DD C8+i (FXCH), DE D0+i (FCOMP), DF C0+i (FFREEP),
 * DF C8+i (FXCH), DF D0+i / DF D8+i (FSTP); as are the 8087/287 leftovers
 * FENI, FDISI and FSETPM (DB E0, E1, E4), which a 387 or later executes as
 * no-ops. */
static const uint8_t fpu_reg_valid[8][8] = {
    { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, /* D8 */
    { 0xFF, 0xFF, 0x01, 0xFF, 0x33, 0x7F, 0xFF, 0xFF }, /* D9: FNOP; FCHS FABS FTST FXAM; FLD1..FLDZ */
    { 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0x00, 0x00 }, /* DA: FCMOVcc; FUCOMPP */
    { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00 }, /* DB: FCMOVNcc; FENI..FSETPM; FUCOMI; FCOMI */
    { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, /* DC */
    { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00 }, /* DD */
    { 0xFF, 0xFF, 0xFF, 0x02, 0xFF, 0xFF, 0xFF, 0xFF }, /* DE: FCOMPP */
    { 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xFF, 0x00 }, /* DF: FNSTSW AX; FUCOMIP; FCOMIP */
};

/* Memory forms: operand size in bytes by escape and ModRM.reg; 0 marks a
 * reserved form (#UD): D9 /1, DB /4, DB /6, DD /5, and DB /1, DD /1, DF /1,
 * which became FISTTP only with SSE3. ENV and SAVE mark the environment and
 * state images, whose size depends on the operand size (SDM Vol. 1, 8.1.10
 * and 8.1.11: 14/28 and 94/108 bytes). */
#define FPU_ENV  0xFE
#define FPU_SAVE 0xFF
static const uint8_t fpu_mem_sizes[8][8] = {
    { 4, 4, 4, 4, 4, 4, 4, 4 },                   /* D8 m32fp */
    { 4, 0, 4, 4, FPU_ENV, 2, FPU_ENV, 2 },       /* D9 FLD/FST/FSTP m32fp, FLDENV, FLDCW, FNSTENV, FNSTCW */
    { 4, 4, 4, 4, 4, 4, 4, 4 },                   /* DA m32int */
    { 4, 0, 4, 4, 0, 10, 0, 10 },                 /* DB FILD/FIST/FISTP m32int, FLD/FSTP m80fp */
    { 8, 8, 8, 8, 8, 8, 8, 8 },                   /* DC m64fp */
    { 8, 0, 8, 8, FPU_SAVE, 0, FPU_SAVE, 2 },     /* DD FLD/FST/FSTP m64fp, FRSTOR, FNSAVE, FNSTSW */
    { 2, 2, 2, 2, 2, 2, 2, 2 },                   /* DE m16int */
    { 2, 0, 2, 2, 10, 8, 10, 8 },                 /* DF m16int, FBLD, FILD m64int, FBSTP, FISTP m64int */
};

/* The x87 operand size of a memory form, or 0 if the form is #UD. */
static uint8_t fpu_mem_size(uint8_t esc, uint8_t reg, uint8_t opsize)
{
    uint8_t s = fpu_mem_sizes[esc & 7][reg];
    if (s == FPU_ENV)
        return opsize == 4 ? 28 : 14;
    if (s == FPU_SAVE)
        return opsize == 4 ? 108 : 94;
    return s;
}

/* Whether the encoding exists on the modelled CPU, judged from the
 * prefixes, the opcode and ModRM alone. */
static int encoding_valid(const struct opdesc *d, const struct insn *in)
{
    uint8_t mod = in->modrm >> 6, reg = (in->modrm >> 3) & 7;

    if ((d->flags & DF_INVALID) || d->op == OP_INVALID)
        return 0;
    if ((d->flags & DF_MEMONLY) && mod == 3)
        return 0;
    for (unsigned i = 0; i < 3 && d->opnd[i]; i++) {
        switch (OPS_FORM(d->opnd[i])) {
        case OF_M:      /* LEA, LDS, BOUND, LGDT... with mod=3 */
            if (mod == 3)
                return 0;
            break;
        case OF_S:      /* Sreg 6 and 7 do not exist; MOV CS, r/m is #UD
                         * (SDM Vol. 2, MOV: "If an attempt is made to load
                         * the CS register") */
            if (reg >= SEG_COUNT || (d->op == OP_MOV_TO_SREG && reg == SEG_CS))
                return 0;
            break;
        case OF_C:      /* CR0, CR2, CR3, CR4 exist; CR1, CR5-CR7 are #UD */
            if (reg == 1 || reg > 4)
                return 0;
            break;
        default:
            break;
        }
    }
    if (d->op == OP_FPU) {
        uint8_t esc = in->opcode & 7;
        if (mod == 3 ? !(fpu_reg_valid[esc][reg] & (1u << (in->modrm & 7)))
                     : fpu_mem_sizes[esc][reg] == 0)
            return 0;
    }
    /* LOCK is allowed only on the read-modify-write forms with a memory
     * destination (SDM Vol. 2, "LOCK—Assert LOCK# Signal Prefix"); a later
     * F2/F3 does not cancel it. */
    if (in->lock && (!(d->flags & DF_LOCKABLE) || !insn_has_mem(in)))
        return 0;
    return 1;
}

/* Reading left to right, the decoder reports the first problem it meets:
 * a byte past the 15th is DECODE_TOO_LONG, a byte past `avail` is
 * DECODE_NEED_MORE, and an encoding that encoding_valid() rejects is
 * DECODE_UD as soon as its opcode and ModRM are known, before any
 * displacement or immediate is read. */
enum decode_status decode_insn(const uint8_t *bytes, size_t avail, int default32,
                               struct insn *in, size_t *need)
{
    struct cursor c = { bytes, avail, 0, 0 };
    uint8_t b;
    int opsize_prefix = 0, addrsize_prefix = 0;
    const struct opdesc *d;

    memset(in, 0, sizeof(*in));
    in->seg = SEG_DS;
    in->ea_base = EA_NONE;
    in->ea_index = EA_NONE;

    /* Prefixes: any number, any order, repeats allowed; the last segment
     * override and the last of F2/F3 win. */
    for (;;) {
        b = next_byte(&c);
        if (c.short_read)
            goto short_read;
        if (!is_prefix(b))
            break;
        switch (b) {
        case 0x26: in->seg = SEG_ES; in->seg_override = 1; break;
        case 0x2E: in->seg = SEG_CS; in->seg_override = 1; break;
        case 0x36: in->seg = SEG_SS; in->seg_override = 1; break;
        case 0x3E: in->seg = SEG_DS; in->seg_override = 1; break;
        case 0x64: in->seg = SEG_FS; in->seg_override = 1; break;
        case 0x65: in->seg = SEG_GS; in->seg_override = 1; break;
        case 0x66: opsize_prefix = 1; break;
        case 0x67: addrsize_prefix = 1; break;
        case 0xF0: in->lock = 1; break;
        case 0xF2: in->rep = REP_NE; break;
        case 0xF3: in->rep = REP_E; break;
        }
    }

    in->opsize = (uint8_t)((default32 ^ opsize_prefix) ? 4 : 2);
    in->addrsize = (uint8_t)((default32 ^ addrsize_prefix) ? 4 : 2);

    if (b == 0x0F) {
        b = next_byte(&c);
        if (c.short_read)
            goto short_read;
        in->opcode = (uint16_t)(0x100 | b);
        d = &decode_map_0f[b];
    } else {
        in->opcode = b;
        d = &decode_map_1byte[b];
    }

    if (d->flags & DF_MODRM) {
        in->modrm = next_byte(&c);
        if (c.short_read)
            goto short_read;
        in->has_modrm = 1;
    }
    if (d->flags & DF_GROUP)
        d = &decode_groups[d->op][(in->modrm >> 3) & 7];

    if (!encoding_valid(d, in)) {
        in->len = (uint8_t)c.pos;
        return DECODE_UD;
    }

    in->op = d->op;
    if (d->flags & DF_COND)
        in->cond = in->opcode & 0x0F;

    /* Effective address bytes come right after ModRM, before immediates. */
    if (in->has_modrm && (in->modrm >> 6) != 3 && !(d->flags & DF_REGONLY)) {
        if (in->addrsize == 2)
            decode_ea16(&c, in, in->modrm >> 6, in->modrm & 7);
        else
            decode_ea32(&c, in, in->modrm >> 6, in->modrm & 7);
    }

    for (unsigned i = 0; i < 3 && d->opnd[i]; i++) {
        decode_operand(&c, in, i, d->opnd[i]);
        in->nopnd = (uint8_t)(i + 1);
    }

    if (in->op == OP_FPU && insn_has_mem(in)) {
        in->opnd[0].kind = OPK_MEM;
        in->opnd[0].size = fpu_mem_size((uint8_t)in->opcode, (in->modrm >> 3) & 7, in->opsize);
        in->has_ea = 1;
        in->nopnd = 1;
    }

    if (c.short_read)
        goto short_read;
    in->len = (uint8_t)c.pos;
    return DECODE_OK;

short_read:
    /* Bytes past the 15th read as missing too, so an instruction that does
     * not fit in 15 bytes always ends here. */
    if (c.pos > INSN_MAX_LEN) {
        in->len = INSN_MAX_LEN;
        return DECODE_TOO_LONG;
    }
    if (need)
        *need = c.pos;
    return DECODE_NEED_MORE;
}
