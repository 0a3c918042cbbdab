/* guest_cpu.h -- the x86 helpers the C test guests share: port I/O, the
 * TSC, MSRs, CR0/CR4, interrupt gates and a flat GDT loaded with an IDT. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include "guest.h"

static inline u8 inb(u16 p) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void outw(u16 p, u16 v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline u16 inw(u16 p) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void outl(u16 p, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline u32 inl(u16 p) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64)hi << 32 | lo;
}

/* EDX:EAX start at 0, so an RDMSR a #GP handler skips reads as 0. */
static inline u64 rdmsr(u32 i)
{
    u32 lo = 0, hi = 0;
    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(i));
    return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 i, u64 v)
{
    __asm__ volatile("wrmsr" : : "c"(i), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline u32 read_cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u32 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

/* Flat 4 GiB ring-0 code (selector 0x08) and data (0x10) descriptors. */
#define GDT_FLAT_CODE 0x00CF9A000000FFFFull
#define GDT_FLAT_DATA 0x00CF92000000FFFFull
#define GDT_FLAT { 0, GDT_FLAT_CODE, GDT_FLAT_DATA }

/* A 32-bit interrupt gate to fn through selector 0x08, callable from
 * privilege level dpl by INT n. */
static inline u64 idt_gate(u32 fn, u32 dpl)
{
    return (fn & 0xFFFFu) | (0x08ull << 16) | ((u64)(0x8E00u | dpl << 13) << 32) |
           ((u64)(fn >> 16) << 48);
}

/* Gates from a table of (vector, handler) pairs ending with vector 0. */
static inline void idt_gates(u64 *idt, const u32 *table)
{
    for (const u32 *p = table; p[0]; p += 2)
        idt[p[0]] = idt_gate(p[1], 0);
}

/* Loads the GDT and IDT (sizes in bytes) and reloads CS with 0x08 and
 * DS, ES, SS with 0x10. */
static inline void load_tables(const u64 *gdt, u32 gdt_size, const u64 *idt, u32 idt_size)
{
    struct { u16 limit; u32 base; } __attribute__((packed))
        gdtr = { (u16)(gdt_size - 1), (u32)gdt }, idtr = { (u16)(idt_size - 1), (u32)idt };
    __asm__ volatile("lgdt %0\n\tlidt %1\n\t"
                     "ljmp $0x08, $1f\n1:\n\t"
                     "mov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%ss"
                     : : "m"(gdtr), "m"(idtr) : "eax", "memory");
}

#endif
