/* support.c -- output through port 0xE9, exit through port 0xF4, the
 * string functions gcc may call, and 64-bit division by shift-and-subtract. */
#include "guest.h"

void putc(char c) { outb(0xE9, (u8)c); }

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

void puthex32(u32 v)
{
    for (int i = 28; i >= 0; i -= 4)
        putc("0123456789ABCDEF"[(v >> i) & 15]);
}

void putdec64(u64 v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    while (n)
        putc(buf[--n]);
}

void putsdec64(s64 v)
{
    if (v < 0) {
        putc('-');
        putdec64((u64)0 - (u64)v);
    } else {
        putdec64((u64)v);
    }
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(u8)*a - (int)(u8)*b;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    u8 *d = dst;
    while (n--)
        *d++ = (u8)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return (int)*x - (int)*y;
    return 0;
}

const char *cmdline_args(const char *cmdline)
{
    while (*cmdline && *cmdline != ' ')
        cmdline++;
    while (*cmdline == ' ')
        cmdline++;
    return cmdline;
}

void guest_exit(u32 code)
{
    outb(0xF4, (u8)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Unsigned 64-bit division, one quotient bit per step. */
static u64 udivmod64(u64 n, u64 d, u64 *rem)
{
    u64 q = 0, r = 0;
    if (d == 0) {
        /* Divide by zero: raise #DE the way the hardware would. */
        volatile u32 zero = 0;
        q = 1 / zero;
        return q;
    }
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= (u64)1 << i;
        }
    }
    if (rem)
        *rem = r;
    return q;
}

u64 __udivdi3(u64 n, u64 d) { return udivmod64(n, d, 0); }

u64 __umoddi3(u64 n, u64 d)
{
    u64 r = 0;
    udivmod64(n, d, &r);
    return r;
}

/* Signed: truncate toward zero; the remainder takes the dividend's sign. */
s64 __divdi3(s64 n, s64 d)
{
    u64 un = n < 0 ? (u64)0 - (u64)n : (u64)n;
    u64 ud = d < 0 ? (u64)0 - (u64)d : (u64)d;
    u64 q = udivmod64(un, ud, 0);
    return (n < 0) != (d < 0) ? (s64)((u64)0 - q) : (s64)q;
}

s64 __moddi3(s64 n, s64 d)
{
    u64 un = n < 0 ? (u64)0 - (u64)n : (u64)n;
    u64 ud = d < 0 ? (u64)0 - (u64)d : (u64)d;
    u64 r = 0;
    udivmod64(un, ud, &r);
    return n < 0 ? (s64)((u64)0 - r) : (s64)r;
}
