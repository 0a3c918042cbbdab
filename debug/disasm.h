/* Disassembly through Capstone (Intel syntax, or AT&T on request), for
 * traces and tools.
 *
 * A disassembler holds one Capstone handle per code size, opened once per
 * session: opening a handle costs far more than disassembling one
 * instruction, and no handle lives in a global.
 */
#ifndef SHADOW86_DEBUG_DISASM_H
#define SHADOW86_DEBUG_DISASM_H

#include <stddef.h>
#include <stdint.h>

struct disasm {
    size_t handle16, handle32;   /* csh; 0 when not open */
    void *insn16, *insn32;       /* cs_insn buffers from cs_malloc */
};

/* Returns 0, or -1 if Capstone cannot be opened. */
int disasm_open(struct disasm *d);
void disasm_close(struct disasm *d);
/* Switch both handles to AT&T syntax (`att` = 1) or back to Intel. */
void disasm_set_att(struct disasm *d, int att);

/* Disassemble the instruction at `bytes` (`len` valid bytes) located at
 * offset `eip`, as 16-bit (`code32` = 0) or 32-bit code, into `out`
 * ("mnemonic operands"). Returns the instruction's length, or 0 if
 * Capstone does not decode it (`out` then holds "(bad)"). */
unsigned disasm_format(struct disasm *d, const uint8_t *bytes, size_t len, uint32_t eip,
                       int code32, char *out, size_t outsz);

#endif
