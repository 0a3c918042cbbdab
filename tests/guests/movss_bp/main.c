/* movss_bp guest: an instruction breakpoint (DR0) on the instruction
 * right after MOV SS or POP SS is not taken, as on Intel processors (the
 * interrupt shadow holds off the breakpoint for that one instruction);
 * after MOV DS, which starts no shadow, it is. */
#define GUEST_NAME "movss_bp"
#include "guest_check.h"
#include "guest_cpu.h"

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];

extern volatile u32 db_count, db_dr6;
void db_handler(void);
void run_movss(void);
void run_popss(void);
void run_movds(void);
extern char after_movss[], after_popss[], after_movds[];

/* DR0 = `at`, execute breakpoint, enabled locally; run `fn`; DR7 off.
 * Returns the #DBs taken. */
static u32 with_bp(void *at, void (*fn)(void))
{
    db_count = 0;
    db_dr6 = 0;
    __asm__ volatile("mov %0, %%dr0" : : "r"(at));
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x401u) : "memory");   /* L0, R/W0 = 00, LEN0 = 00 */
    fn();
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x400u) : "memory");
    return db_count;
}

u32 guest_main(u32 magic, u32 info);
u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    idt[1] = idt_gate((u32)db_handler, 0);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    puts("movss_bp guest\n");

    u32 n = with_bp(after_movds, run_movds);
    check(n == 1 && (db_dr6 & 0xF) == 1, 1, "breakpoint after MOV DS taken (B0)", n);
    puts("after MOV DS: breakpoint taken\n");
    n = with_bp(after_movss, run_movss);
    check(n == 0, 2, "breakpoint after MOV SS suppressed", n);
    puts("after MOV SS: breakpoint suppressed\n");
    n = with_bp(after_popss, run_popss);
    check(n == 0, 3, "breakpoint after POP SS suppressed", n);
    puts("after POP SS: breakpoint suppressed\n");
    /* The same instruction reached another way still breaks. */
    n = with_bp(after_movss, (void (*)(void))after_movss);
    check(n == 1, 4, "the same breakpoint without MOV SS before it", n);
    puts("same instruction without MOV SS: breakpoint taken\n");

    if (!failures)
        puts("movss_bp: all checks passed\n");
    return failures;
}
