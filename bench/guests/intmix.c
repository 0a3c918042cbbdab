/* Integer mix: sieve, CRC-32, sort and string operations. */
#include "rt.h"

const char bench_name[] = "intmix";

#define SIEVE_N 200000
#define SORT_N 20000
#define BUF_N 16384

static uint8_t composite[SIEVE_N];
static uint32_t keys[SORT_N];
static uint8_t buf_a[BUF_N], buf_b[BUF_N];

static uint32_t sieve(void)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < SIEVE_N; i++)
        composite[i] = 0;
    for (uint32_t i = 2; i < SIEVE_N; i++) {
        if (composite[i])
            continue;
        count++;
        for (uint32_t j = i + i; j < SIEVE_N; j += i)
            composite[j] = 1;
    }
    return count;
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void shell_sort(uint32_t *a, uint32_t n)
{
    for (uint32_t gap = n / 2; gap > 0; gap /= 2)
        for (uint32_t i = gap; i < n; i++) {
            uint32_t t = a[i], j = i;
            while (j >= gap && a[j - gap] > t) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = t;
        }
}

static void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
#ifdef BENCH_NATIVE
    while (n--)
        *d++ = *s++;
#else
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
#endif
}

/* One pass of every kernel; seed varies the data from pass to pass. */
static uint32_t intmix_pass(uint32_t seed)
{
    uint32_t sum = 0, x = seed;
    for (int round = 0; round < 3; round++)
        sum += sieve();
    for (uint32_t i = 0; i < BUF_N; i++) {
        x = x * 1103515245u + 12345u;
        buf_a[i] = (uint8_t)(x >> 16);
    }
    for (int round = 0; round < 8; round++) {
        copy_bytes(buf_b, buf_a, BUF_N);
        buf_b[round] ^= 0x5A;
        sum ^= crc32(buf_b, BUF_N);
    }
    for (uint32_t i = 0; i < SORT_N; i++) {
        x = x * 1103515245u + 12345u;
        keys[i] = x;
    }
    shell_sort(keys, SORT_N);
    for (uint32_t i = 1; i < SORT_N; i++)
        if (keys[i - 1] > keys[i])
            sum = 0xBAD;
    sum += keys[SORT_N / 2];
    return sum;
}

/* Sized for about a second on shadow86's translator (docs/performance.md). */
#define PASSES 4

uint32_t bench_main(void)
{
    uint32_t sum = 0;
    for (uint32_t pass = 0; pass < PASSES; pass++)
        sum = (sum << 7 | sum >> 25) ^ intmix_pass(12345u + pass * 7919u);
    return sum;
}
