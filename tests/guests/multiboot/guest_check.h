/* guest_check.h -- numbered checks for a test guest. Define GUEST_NAME
 * (a string literal) before including: a failed check prints
 * "FAIL <GUEST_NAME>: <what> (got 0x<got>)" and the number of the first
 * failed check stays in `failures`, which the guest returns as its exit
 * status. */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include "guest.h"

#ifndef GUEST_NAME
#error "define GUEST_NAME before including guest_check.h"
#endif

static u32 failures;

static inline void check(int ok, u32 n, const char *what, u32 got)
{
    if (ok)
        return;
    puts("FAIL " GUEST_NAME ": ");
    puts(what);
    puts(" (got 0x");
    puthex32(got);
    puts(")\n");
    if (!failures)
        failures = n;
}

#endif
