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

/* Decode one instruction from `bytes` (`avail` valid bytes; bytes past the
 * 15th are never read). `default32` selects 32-bit default operand and
 * address size (CS.D).
 *
 * Reading left to right, the first problem met decides the result: a byte
 * past the 15th gives DECODE_TOO_LONG; a byte past `avail` gives
 * DECODE_NEED_MORE; an invalid opcode/ModRM combination (or a LOCK where it
 * is not allowed) gives DECODE_UD as soon as the ModRM byte is known, before
 * any displacement or immediate. So an invalid encoding that would also be
 * too long is DECODE_UD, and an invalid one cut short after its ModRM byte
 * is DECODE_UD rather than DECODE_NEED_MORE.
 *
 * On DECODE_OK `out` is filled. On DECODE_NEED_MORE `*need` (if non-NULL)
 * holds the length reached with the missing bytes read as zero: more than
 * `avail`, exact when only displacement or immediate bytes are missing, a
 * lower bound when a SIB byte is (retry with more bytes). On DECODE_UD,
 * out->len holds the bytes consumed (prefixes, opcode, ModRM if any), and
 * out->opcode, has_modrm/modrm, opsize, addrsize and the prefix fields are
 * valid. On DECODE_TOO_LONG, out->len is 15. */
enum decode_status decode_insn(const uint8_t *bytes, size_t avail, int default32,
                               struct insn *out, size_t *need);

#endif
