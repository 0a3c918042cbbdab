/* Generator internals: bytes, notes, operands and flag tracking. */
#include "hd_emit.h"

#include <assert.h>

void hd_e8(struct hd_gen *g, uint32_t v)
{
    struct hd_test *t = g->t;
    /* hd_generate() stops adding instructions well before the end. */
    assert(t->code_len < HD_SEQ_MAX - 16);
    t->code[t->code_len++] = (uint8_t)v;
}

void hd_e16(struct hd_gen *g, uint32_t v)
{
    hd_e8(g, v);
    hd_e8(g, v >> 8);
}

void hd_e32(struct hd_gen *g, uint32_t v)
{
    hd_e16(g, v);
    hd_e16(g, v >> 16);
}

void hd_eimm(struct hd_gen *g, uint32_t v, unsigned size)
{
    if (size == 1)
        hd_e8(g, v);
    else if (size == 2)
        hd_e16(g, v);
    else
        hd_e32(g, v);
}

void hd_insn_begin(struct hd_gen *g, int setup)
{
    struct hd_test *t = g->t;
    assert(t->ninsns < HD_MAX_INSNS);
    struct hd_insn_note *n = &t->insns[t->ninsns++];
    n->offset = (uint16_t)t->code_len;
    n->setup = (uint8_t)setup;
    n->fclass = HD_FC_NONE;
    n->undefined = 0;
}

void hd_insn_flags(struct hd_gen *g, enum hd_fclass fc, unsigned width, unsigned count)
{
    struct hd_flag_effect e = hd_flag_effect(fc, width, count);
    struct hd_insn_note *n = &g->t->insns[g->t->ninsns - 1];
    n->fclass = (uint8_t)fc;
    n->undefined = (uint16_t)e.undefined;
    g->undef = (g->undef & ~e.written) | e.undefined;
}

/* CMP/ADD/SUB of two registers or a register and an immediate: defines
 * all six arithmetic flags. */
void hd_need_flags(struct hd_gen *g, uint32_t reads)
{
    if (!(g->undef & reads))
        return;
    static const uint8_t ops[3] = { 0, 5, 7 };   /* ADD SUB CMP */
    unsigned op = ops[hd_below(g, 3)];
    unsigned dst = op == 7 ? hd_below(g, 8) : hd_rand_wreg(g, 4, 0);
    hd_insn_begin(g, 1);
    if (hd_chance(g, 1, 2)) {
        hd_e8(g, op * 8 + 1);
        hd_e8(g, 0xC0 | hd_below(g, 8) << 3 | dst);
    } else {
        hd_e8(g, 0x81);
        hd_e8(g, 0xC0 | op << 3 | dst);
        hd_e32(g, hd_rand_value(g));
    }
    hd_insn_flags(g, HD_FC_ARITH, 32, 0);
}

/* PUSHFD; AND dword [ESP], ~undefined; POP dword [slot]; PUSH dword [slot];
 * POPFD. The undefined bits are cleared before anything else reads the
 * pushed word, so the log and the flags after it are both defined. */
void hd_flag_checkpoint(struct hd_gen *g)
{
    uint32_t slot = HD_LOG_ADDR + 4 * (g->checkpoints++ % (HD_LOG_SIZE / 4));
    hd_insn_begin(g, 1);
    hd_e8(g, 0x9C);
    hd_insn_begin(g, 1);
    hd_e8(g, 0x81);
    hd_e8(g, 0x24);                             /* /4, SIB */
    hd_e8(g, 0x24);                             /* [esp] */
    hd_e32(g, ~g->undef);
    hd_insn_begin(g, 1);
    hd_e8(g, 0x8F);
    hd_e8(g, 0x05);
    hd_e32(g, slot);
    hd_insn_begin(g, 1);
    hd_e8(g, 0xFF);
    hd_e8(g, 0x35);
    hd_e32(g, slot);
    hd_insn_begin(g, 1);
    hd_e8(g, 0x9D);
    hd_insn_flags(g, HD_FC_POPF, 0, 0);
}

uint32_t hd_rand_value(struct hd_gen *g)
{
    static const uint32_t edges[] = {
        0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFF80, 0xFFFF8000, 0x99, 0x09, 0x0F,
    };
    switch (hd_below(g, 16)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return edges[hd_below(g, 16)];
    case 3: return hd_below(g, 256);
    case 4: return (uint32_t)-(int32_t)hd_below(g, 256);
    case 5: return hd_rng_u32(&g->rng) & 0x0000FFFF;
    default: return hd_rng_u32(&g->rng);
    }
}

unsigned hd_rand_size(struct hd_gen *g)
{
    static const uint8_t sizes[4] = { 1, 2, 4, 4 };
    return sizes[hd_below(g, 4)];
}

unsigned hd_rand_wreg(struct hd_gen *g, unsigned size, uint32_t avoid)
{
    if (size != 1)
        avoid |= HD_BIT(HD_ESP);
    assert((avoid & 0xFF) != 0xFF);
    for (;;) {
        unsigned r = hd_below(g, 8);
        if (!(avoid & HD_BIT(r)))
            return r;
    }
}

void hd_setup_mov(struct hd_gen *g, unsigned reg, uint32_t value)
{
    assert(reg != HD_ESP);
    hd_insn_begin(g, 1);
    hd_e8(g, 0xB8 + reg);
    hd_e32(g, value);
}

void hd_setup_mov8(struct hd_gen *g, unsigned reg8, uint8_t value)
{
    hd_insn_begin(g, 1);
    hd_e8(g, 0xB0 + reg8);
    hd_e8(g, value);
}

/* MOV [disp32], imm: no registers involved. */
void hd_setup_store(struct hd_gen *g, uint32_t addr, unsigned size, uint32_t value)
{
    hd_insn_begin(g, 1);
    if (size == 2)
        hd_e8(g, 0x66);
    hd_e8(g, size == 1 ? 0xC6 : 0xC7);
    hd_e8(g, 0x05);
    hd_e32(g, addr);
    hd_eimm(g, value, size);
}

uint32_t hd_rand_target(struct hd_gen *g, unsigned size)
{
    /* Both windows are centred on a page boundary; straddle it often. */
    if (hd_chance(g, 1, 6))
        return HD_BUF_ADDR + HD_BUF_SIZE / 2 - hd_below(g, size);
    if (hd_chance(g, 1, 8))
        return HD_STACK_ADDR + hd_below(g, HD_STACK_SIZE - size + 1);
    return HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - size + 1);
}

/* A register free to hold an address component. */
static unsigned addr_reg(struct hd_gen *g, uint32_t avoid)
{
    return hd_rand_wreg(g, 4, avoid);
}

static void put_disp8(struct hd_rm *rm, uint32_t d)
{
    rm->enc[rm->enc_len++] = (uint8_t)d;
}

static void put_disp32(struct hd_rm *rm, uint32_t d)
{
    for (int i = 0; i < 4; i++)
        rm->enc[rm->enc_len++] = (uint8_t)(d >> (8 * i));
}

static uint32_t rand_disp32(struct hd_gen *g)
{
    return hd_chance(g, 1, 2) ? (uint32_t)(int32_t)(int16_t)hd_rng_u32(&g->rng)
                              : hd_rng_u32(&g->rng);
}

/* Every address is computed modulo 2^32, so any register values work as
 * long as one component absorbs the difference to `target`. */
void hd_mem_at(struct hd_gen *g, uint32_t target, uint32_t avoid, uint32_t esp, struct hd_rm *rm)
{
    rm->mem = 1;
    rm->ea = target;
    rm->enc_len = 0;
    rm->seg = 0;
    if (hd_chance(g, 1, 6)) {
        static const uint8_t segs[3] = { 0x26, 0x36, 0x3E };  /* ES SS DS */
        rm->seg = segs[hd_below(g, 3)];
    }

    unsigned form = hd_below(g, 10);
    if (form == 0) {                        /* [disp32] */
        rm->enc[rm->enc_len++] = 0x05;
        put_disp32(rm, target);
        return;
    }
    if (form <= 3) {                        /* [base], [base+d8], [base+d32] */
        unsigned base = addr_reg(g, avoid);
        unsigned mod = form == 1 ? 0 : form - 1;
        if (mod == 0 && base == HD_EBP)
            mod = 1;
        uint32_t disp = mod == 1 ? (uint32_t)(int32_t)(int8_t)hd_rng_u32(&g->rng)
                      : mod == 2 ? rand_disp32(g) : 0;
        hd_setup_mov(g, base, target - disp);
        rm->enc[rm->enc_len++] = (uint8_t)(mod << 6 | base);
        if (mod == 1)
            put_disp8(rm, disp);
        else if (mod == 2)
            put_disp32(rm, disp);
        return;
    }

    /* SIB forms. Base: ESP (value known), none (mod 0, base 101) or a
     * loaded register; index: none (100), a loaded register, or the base
     * register itself. */
    unsigned scale = hd_below(g, 4);
    unsigned mod = hd_below(g, 3);
    unsigned kind = hd_below(g, 6);
    int base_esp = kind == 0;
    int no_base = kind == 1;
    int same = kind == 2;
    int has_index = kind == 3 || kind == 4 || same || ((base_esp || no_base) && hd_chance(g, 2, 3));
    unsigned base = base_esp ? HD_ESP : no_base ? HD_EBP : addr_reg(g, avoid);
    unsigned index = same ? base : has_index ? addr_reg(g, avoid | HD_BIT(base)) : 4;
    if (no_base)
        mod = 0;
    else if (mod == 0 && base == HD_EBP)
        mod = 1;

    uint32_t disp = 0;
    if (no_base || mod == 2)
        disp = rand_disp32(g);
    else if (mod == 1)
        disp = (uint32_t)(int32_t)(int8_t)hd_rng_u32(&g->rng);

    uint32_t rest = target - disp;      /* base + index * 2^scale */
    if (same) {
        /* v * (1 + 2^scale) = rest has a solution for odd multipliers
         * only in general; let disp32 absorb it instead. */
        uint32_t v = hd_rand_value(g);
        mod = 2;
        disp = target - (v + (v << scale));
        hd_setup_mov(g, base, v);
    } else if (base_esp || no_base) {
        uint32_t known = no_base ? 0 : esp;
        if (!has_index) {
            if (!no_base)
                mod = 2;                /* only a disp32 can reach target */
            disp = target - known;
        } else if (mod == 2 || no_base) {
            uint32_t v = hd_rand_value(g);
            disp = target - known - (v << scale);
            hd_setup_mov(g, index, v);
        } else {
            scale = 0;                  /* index absorbs it exactly */
            hd_setup_mov(g, index, rest - known);
        }
    } else {
        uint32_t v = has_index ? hd_rand_value(g) : 0;
        if (has_index)
            hd_setup_mov(g, index, v);
        hd_setup_mov(g, base, rest - (v << scale));
    }

    rm->enc[rm->enc_len++] = (uint8_t)(mod << 6 | 4);
    rm->enc[rm->enc_len++] = (uint8_t)(scale << 6 | index << 3 | base);
    if (mod == 1)
        put_disp8(rm, disp);
    else if (mod == 2 || no_base)
        put_disp32(rm, disp);
}

void hd_rm_reg(struct hd_rm *rm, unsigned reg)
{
    rm->mem = 0;
    rm->reg = reg;
    rm->enc[0] = (uint8_t)(0xC0 | reg);
    rm->enc_len = 1;
    rm->seg = 0;
    rm->ea = 0;
}

void hd_rm_pick(struct hd_gen *g, unsigned size, int write, uint32_t avoid, struct hd_rm *rm)
{
    if (hd_chance(g, 1, 2)) {
        hd_rm_reg(rm, write ? hd_rand_wreg(g, size, 0) : hd_below(g, 8));
        return;
    }
    hd_mem_at(g, hd_rand_target(g, size), avoid, g->esp, rm);
}

void hd_rm_emit(struct hd_gen *g, unsigned regfield, const struct hd_rm *rm)
{
    hd_e8(g, rm->enc[0] | (regfield & 7) << 3);
    for (unsigned i = 1; i < rm->enc_len; i++)
        hd_e8(g, rm->enc[i]);
}

void hd_prefixes(struct hd_gen *g, unsigned size, int lock, uint8_t seg)
{
    uint8_t p[4];
    unsigned n = 0;
    if (size == 2)
        p[n++] = 0x66;
    if (lock)
        p[n++] = 0xF0;
    if (seg)
        p[n++] = seg;
    /* Now and then a redundant copy of one of them (no instruction here
     * gets longer than 15 bytes with it). */
    if (n && hd_chance(g, 1, 16)) {
        p[n] = p[hd_below(g, n)];
        n++;
    }
    for (unsigned i = n; i > 1; i--) {
        unsigned j = hd_below(g, i);
        uint8_t x = p[i - 1];
        p[i - 1] = p[j];
        p[j] = x;
    }
    for (unsigned i = 0; i < n; i++)
        hd_e8(g, p[i]);
}
