/* The x87 family of hostdiff tests (hostdiff-native/-run --x87).
 *
 * A test is FNINIT, FLDCW with a random precision and rounding mode, then
 * random x87 instructions on operands the generator placed in the buffer,
 * then an epilogue that FNSAVEs the whole x87 state into the buffer, so
 * that the compared memory holds the control, status and tag words and
 * ST0-ST7 bit for bit (with the instruction/data pointers zeroed: their
 * selectors differ between a Linux process and the emulator, and they are
 * the unit tests' business) next to every value the sequence stored.
 * EFLAGS (FCOMI family) and EAX (FNSTSW AX) are compared as registers.
 *
 * Buffer layout (offsets into the test's memory image):
 *   0-107    the FNSAVE image
 *   112-191  HD_X87_TOL_SLOTS results of transcendental instructions,
 *            compared within HD_X87_TOL_ULPS units in the last place
 *            (their registers are then overwritten with +0.0, since
 *            FNSAVE shows empty registers' contents too)
 *   192-351  load operands, 10-byte slots
 *   352-501  store destinations
 *   504-507  control words for FLDCW
 */
#ifndef HOSTDIFF_HD_X87_H
#define HOSTDIFF_HD_X87_H

#include <stdint.h>

#include "hd_gen.h"

#define HD_X87_SAVE_OFF   0u
#define HD_X87_TOL_OFF    112u
#define HD_X87_TOL_SLOTS  8u
#define HD_X87_POOL_OFF   192u
#define HD_X87_POOL_SLOTS 16u
#define HD_X87_STORE_OFF  352u
#define HD_X87_STORE_END  502u
#define HD_X87_CW_OFF     504u
/* The real x87 is not correctly rounded in its transcendentals (and
 * shadow86's are within one ulp of correct): results may differ by this
 * many units of the 64-bit significand. In the recorded run 51 of the
 * 4,000 sequences hold a result 1 ulp away from the host's, none more.
 * Exactness belongs to the fp80 tests. */
#define HD_X87_TOL_ULPS   2u

/* Fill `t` with x87 test `index` of `seed` (t->family = HD_FAMILY_X87). */
void hd_generate_x87(struct hd_test *t, uint32_t seed, uint32_t index);

/* For tracing a failing test (hostdiff-native/-run --trace N): cut `t`
 * after its first `k` instructions and append FNSAVE to the save area, so
 * both runners can show the x87 state instruction by instruction. */
void hd_x87_prefix(struct hd_test *t, uint32_t k);
/* Print the FNSAVE image of `mem` on one line. */
void hd_x87_print_state(const uint8_t *mem, uint32_t k);

/* Whether two 10-byte values are within the tolerance (equal bits, or
 * finite with the same sign and at most HD_X87_TOL_ULPS apart). */
int hd_x87_close(const uint8_t *a, const uint8_t *b);

/* Whether memory-image byte `i` of an x87 test lies in a tolerant slot. */
static inline int hd_x87_tolerant(unsigned i)
{
    return i >= HD_X87_TOL_OFF && i < HD_X87_TOL_OFF + 10 * HD_X87_TOL_SLOTS;
}

#endif
