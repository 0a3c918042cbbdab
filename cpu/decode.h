/* x86 instruction decoder: a pure function of the bytes and the default
 * operand/address size. It touches no CPU state and no memory; the caller
 * fetches the bytes (up to INSN_MAX_LEN) and turns the result into a fault.
 */
#ifndef SHADOW86_CPU_DECODE_H
#define SHADOW86_CPU_DECODE_H

#include <stddef.h>
#include "cpu/insn.h"

enum decode_status {
    DECODE_OK,
    DECODE_UD,        /* invalid or unsupported encoding: #UD */
    DECODE_TOO_LONG,  /* longer than 15 bytes: #GP(0) */
    DECODE_NEED_MORE  /* ran past `avail` bytes; *need says how many */
};

/* Decode one instruction from `bytes` (`avail` valid bytes). `default32`
 * selects 32-bit default operand and address size (CS.D). On DECODE_OK
 * `out` is filled; on DECODE_NEED_MORE `*need` (if non-NULL) holds the byte
 * count that would have been read. On DECODE_UD, out->len holds the length
 * consumed so far (prefixes and opcode) and out->opcode the opcode seen. */
enum decode_status decode_insn(const uint8_t *bytes, size_t avail, int default32,
                               struct insn *out, size_t *need);

#endif
