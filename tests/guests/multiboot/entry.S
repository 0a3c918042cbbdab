/* entry.S -- multiboot v1 header and entry point.
 *
 * The loader starts us in flat 32-bit protected mode, paging off, IF=0,
 * with EAX = 0x2BADB002 and EBX = the multiboot information structure.
 * We only set up a stack and call guest_main(magic, info); its return value
 * is the exit code written to port 0xF4 (0 = pass). */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003     /* 4 KiB-aligned modules, memory info wanted */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        movl $stack_top, %esp
        pushl %ebx
        pushl %eax
        call guest_main
        pushl %eax
        call guest_exit
1:      cli
        hlt
        jmp 1b

        .bss
        .align 16
stack:  .skip 16384
stack_top:

        .section .note.GNU-stack, "", @progbits
