/* trampoline.S -- the x2apic guest (taken from the smp guest)'s application-processor start-up.
 *
 * tramp_start..tramp_end is copied to TRAMP_BASE (0x7000, SIPI vector 7);
 * an AP starts there in real mode (CS = 0x0700, IP = 0), loads a flat GDT,
 * enters protected mode and jumps to ap_entry32 in the guest image, which
 * takes a stack of its own (a LOCK XADD on ap_next_slot hands them out)
 * and calls ap_main(). */
#define TRAMP_BASE 0x7000

        .text
        .globl tramp_start, tramp_end, ap_next_slot
        .code16
tramp_start:
        cli
        xorw %ax, %ax
        movw %ax, %ds
        lgdtl TRAMP_BASE + (tramp_gdtr - tramp_start)
        movl %cr0, %eax
        orl $1, %eax
        movl %eax, %cr0
        ljmpl $0x08, $ap_entry32
        .align 8
tramp_gdt:
        .quad 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF
tramp_gdtr:
        .word 23
        .long TRAMP_BASE + (tramp_gdt - tramp_start)
tramp_end:

        .code32
ap_entry32:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movw %ax, %fs
        movw %ax, %gs
        movl $1, %eax
        lock xaddl %eax, ap_next_slot
        incl %eax
        shll $12, %eax
        leal ap_stacks(%eax), %esp
        call ap_main
1:      cli
        hlt
        jmp 1b

        .data
ap_next_slot:
        .long 0

        .bss
        .align 16
ap_stacks:
        .skip 4096 * 2

        .section .note.GNU-stack, "", @progbits
