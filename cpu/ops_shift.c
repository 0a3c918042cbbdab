/* Shifts and rotates (group 2), SHLD and SHRD.
 *
 * The count is masked to 5 bits on every size (286 and later); a masked
 * count of 0 changes nothing, flags included. Rotates leave SF ZF AF PF
 * alone; shifts record their flags lazily. Where the SDM calls OF
 * undefined (counts other than 1) the value computed is the 1-bit formula
 * applied to the final result, as P6-family processors do.
 */
#include "cpu/ops.h"
#include "cpu/operand.h"

/* Rotate without touching the flags; *flags_out gets the new CF and OF. */
static uint32_t rotate(const struct cpu *cpu, unsigned op, unsigned size, uint32_t v,
                       unsigned count, uint32_t *flags_out)
{
    unsigned bits = size * 8;
    uint32_t mask = size_mask(size), sign = size_sign(size);
    uint32_t r = v, cf, of;

    switch (op) {
    case OP_ROL: {
        unsigned n = count % bits;
        r = n ? ((v << n) | (v >> (bits - n))) & mask : v;
        cf = r & 1;
        of = ((r & sign) != 0) ^ cf;
        break;
    }
    case OP_ROR: {
        unsigned n = count % bits;
        r = n ? ((v >> n) | (v << (bits - n))) & mask : v;
        cf = (r & sign) != 0;
        of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
        break;
    }
    case OP_RCL: {
        unsigned n = size == 4 ? count : count % (bits + 1);
        uint64_t wide = ((uint64_t)flags_cf(cpu) << bits) | v;   /* CF:value */
        for (unsigned i = 0; i < n; i++)
            wide = ((wide << 1) | (wide >> bits)) & ((2ull << bits) - 1);
        r = (uint32_t)wide & mask;
        cf = (uint32_t)(wide >> bits) & 1;
        if (n == 0)
            cf = (uint32_t)flags_cf(cpu);
        of = ((r & sign) != 0) ^ cf;
        break;
    }
    default: { /* RCR */
        unsigned n = size == 4 ? count : count % (bits + 1);
        uint64_t wide = ((uint64_t)flags_cf(cpu) << bits) | v;
        for (unsigned i = 0; i < n; i++)
            wide = ((wide >> 1) | ((wide & 1) << bits)) & ((2ull << bits) - 1);
        r = (uint32_t)wide & mask;
        cf = (uint32_t)(wide >> bits) & 1;
        if (n == 0)
            cf = (uint32_t)flags_cf(cpu);
        of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
        break;
    }
    }
    *flags_out = (cf ? EFLAGS_CF : 0) | (of ? EFLAGS_OF : 0);
    return r;
}

void op_shift(struct cpu *cpu, const struct insn *in)
{
    unsigned size = in->opnd[0].size;
    unsigned count = opnd_read(cpu, in, 1) & 0x1F;
    uint32_t v = opnd_read(cpu, in, 0);
    uint32_t r;
    enum lf_op kind;

    if (count == 0)
        return;
    switch (in->op) {
    case OP_ROL: case OP_ROR: case OP_RCL: case OP_RCR: {
        uint32_t f;
        r = rotate(cpu, in->op, size, v, count, &f);
        opnd_write(cpu, in, 0, r);
        flags_set_arith(cpu, EFLAGS_CF | EFLAGS_OF, f);
        return;
    }
    case OP_SHR:
        r = v >> count;
        kind = LF_SHR;
        break;
    case OP_SAR: {
        unsigned shift = 32 - size * 8;
        int32_t sv = (int32_t)(v << shift) >> shift;
        r = (uint32_t)(sv >> count);
        kind = LF_SAR;
        break;
    }
    default: /* SHL, SAL */
        r = v << count;
        kind = LF_SHL;
        break;
    }
    opnd_write(cpu, in, 0, r);
    flags_set_lazy(cpu, kind, size, v, count, r);
}

/* Double-precision shifts. For a 16-bit operand the hardware shifts the
 * 48-bit value dst:src:dst, which defines the (SDM: undefined) result of
 * counts 17-31 the way P6 processors produce it. */
static void double_shift(struct cpu *cpu, const struct insn *in, int left)
{
    unsigned size = in->opnd[0].size;
    unsigned count = opnd_read(cpu, in, 2) & 0x1F;
    uint32_t dst = opnd_read(cpu, in, 0);
    uint32_t src = opnd_read(cpu, in, 1);
    uint32_t r, cf, sign = size_sign(size);

    if (count == 0)
        return;
    if (size == 4) {
        if (left) {
            r = (dst << count) | (src >> (32 - count));
            cf = (dst >> (32 - count)) & 1;
        } else {
            r = (dst >> count) | (src << (32 - count));
            cf = (dst >> (count - 1)) & 1;
        }
    } else {
        uint64_t wide;
        if (left) {
            wide = ((uint64_t)dst << 32) | ((uint64_t)src << 16) | dst;
            r = (uint32_t)((wide << count) >> 32) & 0xFFFF;
            cf = (uint32_t)(wide >> (48 - count)) & 1;
        } else {
            /* Low 16 bits dst, then src entering from above, then dst. */
            wide = (uint64_t)dst | ((uint64_t)src << 16) | ((uint64_t)dst << 32);
            r = (uint32_t)(wide >> count) & 0xFFFF;
            cf = (uint32_t)(wide >> (count - 1)) & 1;
        }
    }
    opnd_write(cpu, in, 0, r);
    uint32_t f = flags_szp(r, size);
    if (cf)
        f |= EFLAGS_CF;
    if ((r ^ dst) & sign)
        f |= EFLAGS_OF;
    flags_set_arith(cpu, EFLAGS_ARITH, f);
}

void op_shld(struct cpu *cpu, const struct insn *in)
{
    double_shift(cpu, in, 1);
}

void op_shrd(struct cpu *cpu, const struct insn *in)
{
    double_shift(cpu, in, 0);
}
