/* Call/return heavy: recursion and many small calls. */
#include "rt.h"

const char bench_name[] = "calls";

__attribute__((noinline)) static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static uint32_t leaf(uint32_t a, uint32_t b)
{
    return (a << 3) ^ (b >> 2) ^ 0x9E3779B9u;
}

uint32_t bench_main(void)
{
    uint32_t sum = fib(27);
    sum += ack(2, 2000);
    for (uint32_t i = 0; i < 2000000; i++)
        sum = leaf(sum, i);
    return sum;
}
