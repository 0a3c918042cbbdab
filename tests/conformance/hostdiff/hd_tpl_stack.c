/* Instruction templates: stack and string instructions. */
#include "hd_tpl.h"

/* ---- stack -------------------------------------------------------------- */


void tpl_push(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    unsigned form = hd_below(g, 4);
    if (room_below(g) < 16)
        return;
    if (form == 3) {                            /* FF /6: address before ESP moves */
        struct hd_rm rm;
        hd_mem_at(g, hd_rand_target(g, size), 0, g->esp, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        hd_e8(g, 0xFF);
        hd_rm_emit(g, 6, &rm);
    } else {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        if (form == 0) {
            hd_e8(g, 0x50 + hd_below(g, 8));   /* PUSH ESP pushes the old value */
        } else if (form == 1) {
            hd_e8(g, 0x6A);
            hd_e8(g, hd_rand_value(g));
        } else {
            hd_e8(g, 0x68);
            hd_eimm(g, hd_rand_value(g), size);
        }
    }
    g->esp -= size;
}

void tpl_pop(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_above(g) < 16)
        return;
    if (hd_chance(g, 1, 3)) {
        /* 8F /0: "If the ESP register is used as a base register for
         * addressing a destination operand in memory, the POP instruction
         * computes the effective address of the operand after it
         * increments the ESP register." (SDM "POP") */
        struct hd_rm rm;
        hd_mem_at(g, hd_rand_target(g, size), 0, g->esp + size, &rm);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, rm.seg);
        hd_e8(g, 0x8F);
        hd_rm_emit(g, 0, &rm);
    } else {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x58 + hd_rand_wreg(g, size, 0));
    }
    g->esp += size;
}

void tpl_pushf(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16)
        return;
    hd_need_flags(g, HD_ARITH);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x9C);
    g->esp -= size;
}

/* PUSH imm; POPF. The popped value changes only the arithmetic flags and
 * DF and keeps IF set: natively (CPL 3, IOPL 0) POPF cannot change IF,
 * and the emulator runs at CPL 0 where it could. */
void tpl_popf(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16)
        return;
    uint32_t value = (hd_rng_u32(&g->rng) & (HD_ARITH | HD_DF)) | HD_IF | 0x2;
    hd_insn_begin(g, 1);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x68);
    hd_eimm(g, value, size);
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x9D);
    hd_insn_flags(g, HD_FC_POPF, 0, 0);
    g->df = (value & HD_DF) != 0;
}

void tpl_pusha_popa(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    int pop = hd_below(g, 2);
    if (pop ? room_above(g) < 8 * size + 16 : room_below(g) < 8 * size + 16)
        return;
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, pop ? 0x61 : 0x60);
    g->esp = pop ? g->esp + 8 * size : g->esp - 8 * size;
}

/* ENTER size, level, then LEAVE: ESP and EBP come back, the frame's bytes
 * stay written. Levels above 1 copy level-1 frame pointers from below the
 * old EBP, so EBP is first pointed into the stack window. */
void tpl_enter_leave(struct hd_gen *g)
{
    unsigned frame = hd_below(g, 64);
    unsigned level = hd_chance(g, 1, 2) ? hd_below(g, 2) : hd_below(g, 9);
    if (room_below(g) < frame + 4 * level + 4 + 16)
        return;
    if (level >= 2)
        hd_setup_mov(g, HD_EBP, HD_STACK_ADDR + 4 * level + hd_below(g, HD_STACK_SIZE - 4 * level));
    hd_insn_begin(g, 0);
    hd_e8(g, 0xC8);
    hd_e16(g, frame);
    hd_e8(g, level);
    hd_insn_begin(g, 0);
    hd_e8(g, 0xC9);
}

/* PUSH ESP; POP ESP (ESP comes back: POP increments ESP before it writes
 * the popped value, SDM "POP"), or PUSH imm; POP ESP moving ESP to a known
 * place in the window. 16-bit forms push and pop SP. */
void tpl_pop_esp(struct hd_gen *g)
{
    unsigned size = hd_chance(g, 1, 4) ? 2 : 4;
    if (room_below(g) < 16 || room_above(g) < 16)
        return;
    if (hd_chance(g, 1, 2)) {
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x54);
    } else {
        /* The new ESP keeps its high half, so a 16-bit POP SP works too. */
        uint32_t esp = HD_STACK_ADDR + 32 + 2 * hd_below(g, (HD_STACK_SIZE - 64) / 2);
        if (size == 2 && (esp >> 16) != (g->esp >> 16))
            esp = g->esp;
        hd_insn_begin(g, 1);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x68);
        hd_eimm(g, size == 2 ? esp & 0xFFFF : esp, size);
        hd_insn_begin(g, 0);
        hd_prefixes(g, size, 0, 0);
        hd_e8(g, 0x5C);
        g->esp = esp;
        return;
    }
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, 0);
    hd_e8(g, 0x5C);
}

/* ---- string instructions ------------------------------------------------ */

/* First address of an n-element walk of `size` elements in the direction
 * DF gives, all inside the buffer. */
static uint32_t string_start(struct hd_gen *g, unsigned n, unsigned size)
{
    uint32_t span = (n ? n : 1) * size;
    uint32_t first = HD_BUF_ADDR + hd_below(g, HD_BUF_SIZE - span + 1);
    return g->df ? first + span - size : first;
}

void tpl_string(struct hd_gen *g)
{
    /* MOVS CMPS STOS LODS SCAS */
    static const uint8_t ops[5] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE };
    unsigned op = hd_below(g, 5);
    unsigned size = hd_rand_size(g);
    int compare = op == 1 || op == 4;
    int uses_src = op == 0 || op == 1 || op == 3;
    int uses_dst = op != 3;
    unsigned rep = hd_below(g, 3);              /* none, F3, F2 */
    if (!compare && rep == 2)
        rep = 1;
    unsigned n = rep ? hd_below(g, 13) : 1;

    if (hd_chance(g, 1, 4))
        tpl_direction(g);
    if (rep)
        hd_setup_mov(g, HD_ECX, n);
    uint32_t src = string_start(g, n, size);
    if (uses_src)
        hd_setup_mov(g, HD_ESI, src);
    if (uses_dst) {
        /* REPE CMPS of a block with itself runs to the end. */
        uint32_t dst = op == 1 && hd_chance(g, 1, 3) ? src : string_start(g, n, size);
        hd_setup_mov(g, HD_EDI, dst);
    }
    static const uint8_t segs[3] = { 0x26, 0x36, 0x3E };   /* ES SS DS */
    uint8_t seg = uses_src && hd_chance(g, 1, 4) ? segs[hd_below(g, 3)] : 0;
    hd_insn_begin(g, 0);
    hd_prefixes(g, size, 0, seg);
    if (rep)
        hd_e8(g, rep == 1 ? 0xF3 : 0xF2);
    hd_e8(g, ops[op] + hd_wbit(size));
    if (compare && n)
        hd_insn_flags(g, HD_FC_ARITH, hd_width(size), 0);
}
