/* guest.h -- tiny freestanding support for the multiboot guest. */
#ifndef GUEST_H
#define GUEST_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int size_t;

static inline void outb(u16 port, u8 value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

void putc(char c);
void puts(const char *s);
void puthex32(u32 v);
void putdec64(u64 v);
void putsdec64(s64 v);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* The arguments of a multiboot command line: what follows word 0, the
 * kernel's path ("path args", as GRUB and QEMU pass it). */
const char *cmdline_args(const char *cmdline);
void guest_exit(u32 code) __attribute__((noreturn));

/* libgcc's 64-bit division helpers, provided by support.c (we link with
 * -nostdlib, so gcc's calls to them must be satisfied here). */
u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

#endif
