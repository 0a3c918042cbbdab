/* main.c -- the multiboot guest: checks the state the loader hands over,
 * then runs ordinary 32-bit integer code (sorting, CRC-32, 64-bit
 * arithmetic through gcc's helper calls, recursion, a switch-table
 * interpreter) and compares every result with values computed on the host.
 * Each check has its own number: a failure prints "FAIL multiboot: what"
 * and exits through port 0xF4 with that number. */
#include "guest.h"

#ifndef EXPECTED_CMDLINE
#error "build with -DEXPECTED_CMDLINE=\"...\" (the -append string the test passes)"
#endif

struct multiboot_info {
    u32 flags;
    u32 mem_lower;      /* KiB below 1 MiB (flags bit 0) */
    u32 mem_upper;      /* KiB from 1 MiB to the first hole (flags bit 0) */
    u32 boot_device;
    u32 cmdline;        /* physical address of a C string (flags bit 2) */
};

static u32 checks;

static void check(int ok, const char *what)
{
    checks++;
    if (!ok) {
        puts("FAIL multiboot: ");
        puts(what);
        putc('\n');
        guest_exit(checks);
    }
}

/* ------------------------------------------------------------ helpers */

static u32 lcg_state;
static u32 lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static u32 crc32(const u8 *p, u32 n)
{
    u32 crc = 0xFFFFFFFFu;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void heap_sift(u32 *a, int start, int end)
{
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        u32 t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(u32 *a, int n)
{
    for (int start = (n - 2) / 2; start >= 0; start--)
        heap_sift(a, start, n - 1);
    for (int end = n - 1; end > 0; end--) {
        u32 t = a[0];
        a[0] = a[end];
        a[end] = t;
        heap_sift(a, 0, end - 1);
    }
}

static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static u32 popcount(u32 v)
{
    u32 n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* A stack machine whose dispatch gcc compiles to an indirect jump. */
enum { OP_PUSH, OP_DUP, OP_MUL, OP_ADD, OP_SWAP, OP_DEC, OP_JNZ, OP_DROP,
       OP_ROT, OP_HALT };

static u32 run_vm(const int *code)
{
    u32 stack[16];
    int sp = 0, pc = 0;
    for (;;) {
        switch (code[pc++]) {
        case OP_PUSH: stack[sp++] = (u32)code[pc++]; break;
        case OP_DUP:  stack[sp] = stack[sp - 1]; sp++; break;
        case OP_MUL:  sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_ADD:  sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SWAP: { u32 t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2];
                        stack[sp - 2] = t; break; }
        case OP_DEC:  stack[sp - 1]--; break;
        case OP_JNZ:  { int to = code[pc++]; if (stack[sp - 1]) pc = to; break; }
        case OP_DROP: sp--; break;
        case OP_ROT:  { u32 t = stack[sp - 3]; stack[sp - 3] = stack[sp - 2];
                        stack[sp - 2] = stack[sp - 1]; stack[sp - 1] = t; break; }
        case OP_HALT: return stack[sp - 1];
        default:      return 0xDEADDEADu;
        }
    }
}

static u8 big[65536];
static u32 values[256];

/* ------------------------------------------------------------ main */

u32 guest_main(u32 magic, const struct multiboot_info *mbi)
{
    u32 eflags, cr0;

    puts("multiboot guest: hello from 32-bit protected mode\n");
    check(magic == 0x2BADB002u, "EAX holds the multiboot magic 2BADB002h");
    __asm__ volatile("pushfl; popl %0" : "=r"(eflags));
    check((eflags & 0x200) == 0, "entered with IF=0");
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    check((cr0 & 1) == 1, "CR0.PE=1");
    check((cr0 & 0x80000000u) == 0, "CR0.PG=0");

    /* FS and GS must be flat as well: a store through them lands at the
     * same linear address as through DS. */
    static volatile u32 probe;
    probe = 0;
    __asm__ volatile("movl $0x600DF00D, %%fs:(%0)" : : "r"(&probe) : "memory");
    check(probe == 0x600DF00Du, "FS has base 0");
    __asm__ volatile("movl $0x0BADCAFE, %%gs:(%0)" : : "r"(&probe) : "memory");
    check(probe == 0x0BADCAFEu, "GS has base 0");
    puts("entry state: EAX magic, IF=0, PE=1, PG=0, flat FS/GS: ok\n");

    check(mbi->flags & 1, "multiboot info flags bit 0 (mem_lower/mem_upper)");
    check(mbi->mem_lower >= 512 && mbi->mem_lower <= 640,
          "mem_lower is 512..640 KiB");
    /* Run with -m 128: upper memory runs from 1 MiB to at most 128 MiB. */
    check(mbi->mem_upper >= 120 * 1024 && mbi->mem_upper <= 127 * 1024,
          "mem_upper fits 128 MiB of RAM");
    puts("memory: mem_lower and mem_upper plausible for -m 128\n");

    check(mbi->flags & 4, "multiboot info flags bit 2 (cmdline)");
    const char *cmd = (const char *)mbi->cmdline;
    const char *want = EXPECTED_CMDLINE;
    /* Word 0 is the kernel's path (as GRUB and QEMU pass it), then one
     * space and exactly the -append string. */
    const char *args = cmdline_args(cmd);
    size_t w0 = 0;
    while (cmd[w0] && cmd[w0] != ' ')
        w0++;
    int cmd_ok = w0 >= 13 && memcmp(cmd + w0 - 13, "multiboot.elf", 13) == 0 &&
                 args == cmd + w0 + 1 && strcmp(args, want) == 0;
    check(cmd_ok, "command line is the kernel path, a space, the -append string");
    puts("command line: \"");
    puts(want);
    puts("\"\n");

    /* Sorting 256 pseudo-random 24-bit values. */
    lcg_state = 0x12345678u;
    for (int i = 0; i < 256; i++)
        values[i] = lcg() >> 8;
    heap_sort(values, 256);
    int sorted = 1;
    u32 ck = 0;
    for (int i = 0; i < 256; i++) {
        if (i && values[i - 1] > values[i])
            sorted = 0;
        ck += values[i] * (u32)(i + 1);
    }
    check(sorted, "heap sort result is ordered");
    check(values[0] == 0x03345Bu && values[255] == 0xFFD153u, "heap sort min and max");
    check(ck == 0x1FF626F5u, "heap sort weighted checksum");
    puts("heap sort: 256 values, checksum ");
    puthex32(ck);
    putc('\n');

    /* CRC-32. */
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    u32 c1 = crc32((const u8 *)fox, sizeof fox - 1);
    check(c1 == 0x414FA339u, "CRC-32 of the fox sentence");
    lcg_state = 1;
    for (u32 i = 0; i < sizeof big; i++)
        big[i] = (u8)(lcg() >> 24);
    u32 c2 = crc32(big, sizeof big);
    check(c2 == 0x52C975FAu, "CRC-32 of 64 KiB of LCG bytes");
    puts("crc32: fox ");
    puthex32(c1);
    puts(", 64 KiB ");
    puthex32(c2);
    putc('\n');

    /* memmove with overlap, both directions. */
    u8 lost = big[1000];                    /* the first move overwrites it */
    memmove(big + 1, big, 1000);
    memmove(big, big + 1, 1000);
    big[1000] = lost;
    check(crc32(big, sizeof big) == c2, "overlapping memmove round trip");

    /* 64-bit arithmetic: gcc calls __udivdi3 and friends for these. */
    volatile u64 n = 0xFEDCBA9876543210ull, d = 12345;
    u64 q = n / d, r = n % d;
    check(q == 1487627261603326ull && r == 5250, "u64 division and remainder");
    volatile s64 sn = -9000000000000000000ll, sd = 7;
    s64 sq = sn / sd, sr = sn % sd;
    check(sq == -1285714285714285714ll && sr == -2, "s64 division truncates toward zero");
    u64 f = 1;
    for (volatile u32 i = 2; i <= 20; i++)
        f *= i;
    check(f == 2432902008176640000ull, "20! in 64 bits");
    volatile u64 m1 = 0x0123456789ABCDEFull, m2 = 0xFEDCBA9876543210ull;
    check(m1 * m2 == 0x2236D88FE5618CF0ull, "u64 multiplication (low 64 bits)");
    volatile u32 sh = 40;
    check(((u64)1 << sh) == 0x10000000000ull && (m1 >> sh) == 0x12345ull,
          "u64 shifts by 40");
    puts("64-bit: 20! = ");
    putdec64(f);
    puts(", FEDCBA9876543210h / 12345 = ");
    putdec64(q);
    puts(" r ");
    putdec64(r);
    puts(", -9e18 / 7 = ");
    putsdec64(sq);
    puts(" r ");
    putsdec64(sr);
    putc('\n');

    /* Recursion, bit tricks, a switch-dispatched interpreter. */
    u32 fb = fib(25);
    check(fb == 75025, "recursive fib(25)");
    check(popcount(0xF0F0F0F1u) == 17, "popcount");
    volatile u32 bs = 0x12345678u;
    check(__builtin_bswap32(bs) == 0x78563412u, "bswap");
    /* 10! on the stack machine: [acc n] -> [acc*n n-1] until n == 0. */
    static const int fact10[] = {
        OP_PUSH, 1, OP_PUSH, 10,            /* 0: acc n */
        OP_DUP, OP_ROT, OP_MUL,             /* 4: n n*acc */
        OP_SWAP, OP_DEC,                    /* 7: acc' n-1 */
        OP_JNZ, 4,                          /* 9: loop while n-1 != 0 */
        OP_DROP, OP_HALT,                   /* 11: acc' */
    };
    u32 vm = run_vm(fact10);
    check(vm == 3628800, "switch-dispatched interpreter: 10!");
    puts("misc: fib(25) = ");
    putdec64(fb);
    puts(", popcount, bswap, interpreter 10! = ");
    putdec64(vm);
    putc('\n');

    puts("DONE multiboot: all ");
    putdec64(checks);
    puts(" checks passed\n");
    return 0;
}
