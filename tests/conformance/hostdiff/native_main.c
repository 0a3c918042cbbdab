/* hostdiff-native: run the generated sequences on the host CPU.
 *
 * Built with -m32 for an x86 host only. It maps the code, buffer, stack
 * and scratch pages at the fixed addresses of hd_layout.h, and for each
 * test writes a byte trampoline that saves the C state, loads the test's
 * EFLAGS and registers, jumps to the sequence; the sequence ends in a
 * JMP to an epilogue that stores the registers and EFLAGS and returns to
 * C. The results go to an expectations file (hd_results.h).
 *
 *   hostdiff-native [--x87] [--seed S] [--count N] --out FILE
 *
 * --x87 runs the x87 family (hd_x87.h) instead of the integer one.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "hd_gen.h"
#include "hd_layout.h"
#include "hd_results.h"
#include "hd_x87.h"

#if !defined(__i386__)
#error "hostdiff-native must be built for 32-bit x86 (-m32)"
#endif

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Scratch page: the trampoline's save slot, the results, its stack. */
#define SAVE_ESP   (HD_SCRATCH_ADDR + 0x00)
#define OUT_REGS   (HD_SCRATCH_ADDR + 0x10)   /* 8 x u32 */
#define OUT_FLAGS  (HD_SCRATCH_ADDR + 0x30)
#define SCRATCH_SP (HD_SCRATCH_ADDR + HD_SCRATCH_SIZE - 64)
#define EPILOGUE   (HD_TRAMP_ADDR + 0x800)

static volatile sig_atomic_t current_test = -1;
static struct hd_test test;
static struct hd_result result;

static void fault_handler(int sig, siginfo_t *info, void *uctx)
{
    ucontext_t *uc = uctx;
    char msg[160];
    int n = snprintf(msg, sizeof msg,
                     "hostdiff-native: test %d: signal %d at EIP %08x (address %p): generator bug\n",
                     (int)current_test, sig, (unsigned)uc->uc_mcontext.gregs[REG_EIP],
                     info->si_addr);
    if (n > 0)
        (void)!write(2, msg, (size_t)n);
    _exit(2);
}

static void install_handlers(void)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void map_fixed(uint32_t addr, uint32_t size, int prot)
{
    void *want = (void *)(uintptr_t)addr;
    void *p = mmap(want, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != want) {
        fprintf(stderr, "hostdiff-native: cannot map %u bytes at %08x: %s\n", size, addr,
                p == MAP_FAILED ? strerror(errno) : "address taken");
        exit(1);
    }
}

static uint8_t *at(uint32_t addr) { return (uint8_t *)(uintptr_t)addr; }

struct emitter {
    uint32_t addr;
};

static void b(struct emitter *e, uint32_t v) { *at(e->addr++) = (uint8_t)v; }
static void d(struct emitter *e, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b(e, v >> (8 * i));
}
static void jmp(struct emitter *e, uint32_t target)
{
    b(e, 0xE9);
    d(e, target - (e->addr + 4));
}

/* The epilogue never changes: written once. */
static void write_epilogue(void)
{
    struct emitter e = { EPILOGUE };
    b(&e, 0x89); b(&e, 0x25); d(&e, OUT_REGS + 4 * 4);   /* mov [out.esp], esp */
    b(&e, 0xBC); d(&e, SCRATCH_SP);                      /* mov esp, scratch */
    b(&e, 0x9C);                                         /* pushfd */
    b(&e, 0x8F); b(&e, 0x05); d(&e, OUT_FLAGS);          /* pop dword [out.flags] */
    for (unsigned r = 0; r < 8; r++) {
        if (r == HD_ESP)
            continue;
        b(&e, 0x89); b(&e, 0x05 | r << 3); d(&e, OUT_REGS + 4 * r);   /* mov [out.r], r */
    }
    b(&e, 0x8B); b(&e, 0x25); d(&e, SAVE_ESP);           /* mov esp, [save] */
    b(&e, 0x9D);                                         /* popfd */
    b(&e, 0x61);                                         /* popad */
    b(&e, 0xC3);                                         /* ret */
}

static void write_prologue(const struct hd_test *t)
{
    struct emitter e = { HD_TRAMP_ADDR };
    b(&e, 0x60);                                         /* pushad */
    b(&e, 0x9C);                                         /* pushfd */
    b(&e, 0x89); b(&e, 0x25); d(&e, SAVE_ESP);           /* mov [save], esp */
    b(&e, 0xBC); d(&e, SCRATCH_SP);                      /* mov esp, scratch */
    b(&e, 0x68); d(&e, t->eflags);                       /* push flags */
    b(&e, 0x9D);                                         /* popfd */
    for (unsigned r = 0; r < 8; r++) {                   /* mov r, imm32 */
        b(&e, 0xB8 + r);
        d(&e, t->regs[r]);
    }
    jmp(&e, HD_SEQ_ADDR);
}

static void run_test(const struct hd_test *t, struct hd_result *r)
{
    write_prologue(t);
    memcpy(at(HD_SEQ_ADDR), t->code, t->code_len);
    struct emitter e = { HD_SEQ_ADDR + t->code_len };
    jmp(&e, EPILOGUE);
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        *at(hd_mem_addr(i)) = t->mem[i];

    void (*enter)(void) = (void (*)(void))(uintptr_t)HD_TRAMP_ADDR;
    enter();

    memcpy(r->regs, at(OUT_REGS), sizeof r->regs);
    memcpy(&r->eflags, at(OUT_FLAGS), sizeof r->eflags);
    for (unsigned i = 0; i < HD_MEM_SIZE; i++)
        r->mem[i] = *at(hd_mem_addr(i));
}

static uint32_t parse_u32(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *s == '\0' || *end != '\0' || v > 0xFFFFFFFFul) {
        fprintf(stderr, "hostdiff-native: bad value for %s: '%s'\n", opt, s);
        exit(1);
    }
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    uint32_t seed = 1, count = 3000;
    unsigned family = HD_FAMILY_INT;
    long trace = -1;   /* --trace N: the x87 state after each instruction of test N */
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = parse_u32("--seed", argv[++i]);
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = parse_u32("--count", argv[++i]);
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--x87"))
            family = HD_FAMILY_X87;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace = (long)parse_u32("--trace", argv[++i]);
        else {
            fprintf(stderr, "usage: hostdiff-native [--x87] [--seed S] [--count N] --out FILE\n");
            return 1;
        }
    }
    if (!out && trace < 0) {
        fprintf(stderr, "usage: hostdiff-native [--x87] [--seed S] [--count N] --out FILE\n");
        return 1;
    }

    map_fixed(HD_TRAMP_ADDR, HD_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    map_fixed(HD_BUF_PAGES, HD_BUF_PAGES_SIZE, PROT_READ | PROT_WRITE);
    map_fixed(HD_STACK_PAGES, HD_STACK_PAGES_SIZE, PROT_READ | PROT_WRITE);
    map_fixed(HD_SCRATCH_ADDR, HD_SCRATCH_SIZE, PROT_READ | PROT_WRITE);
    install_handlers();
    write_epilogue();

    if (trace >= 0) {
        hd_generate_family(&test, HD_FAMILY_X87, seed, (uint32_t)trace);
        uint32_t n = test.ninsns;
        for (uint32_t k = 1; k <= n; k++) {
            hd_generate_family(&test, HD_FAMILY_X87, seed, (uint32_t)trace);
            if (test.insns[k - 1].setup)
                continue;
            hd_x87_prefix(&test, k);
            run_test(&test, &result);
            hd_x87_print_state(result.mem, k);
        }
        return 0;
    }

    /* Write to a temporary name and rename: a failed run leaves no
     * half-written expectations behind. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "hostdiff-native: %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    struct hd_results_header h = { seed, count, hd_fingerprint_family(family, seed, count) };
    int bad = hd_results_write_header(f, &h);
    uint64_t insns = 0;
    for (uint32_t i = 0; i < count && !bad; i++) {
        hd_generate_family(&test, family, seed, i);
        current_test = (int)i;
        run_test(&test, &result);
        insns += hd_tested_insns(&test);
        bad = hd_results_write(f, &test, &result);
    }
    if (fclose(f) != 0 || bad || rename(tmp, out) != 0) {
        fprintf(stderr, "hostdiff-native: %s: write failed: %s\n", out, strerror(errno));
        remove(tmp);
        return 1;
    }
    printf("hostdiff-native: %u sequences (%llu instructions under test) -> %s\n", count,
           (unsigned long long)insns, out);
    return 0;
}
