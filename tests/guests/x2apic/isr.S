/* isr.S -- the x2apic guest's entry points: one stub per interrupt vector
 * it uses, each calling irq_handler(vector), and a #GP handler that counts
 * the fault and skips the faulting RDMSR/WRMSR (two bytes, 0F 32 / 0F 30). */
        .text
        .globl isr_table, gp_count
.macro STUB vec
isr_\vec:
        pushl $\vec
        jmp common
.endm
        STUB 0x40
        STUB 0x41
        STUB 0x42
        STUB 0x50
        STUB 0x60
        STUB 0x61
        STUB 0x70
common:
        pusha
        pushl 32(%esp)
        call irq_handler
        addl $4, %esp
        popa
        addl $4, %esp
        iret

gp_stub:
        addl $4, %esp           /* the error code */
        addl $2, (%esp)         /* past the RDMSR/WRMSR */
        incl gp_count
        iret

        .data
gp_count:
        .long 0
isr_table:
        .long 13, gp_stub
        .long 0x40, isr_0x40, 0x41, isr_0x41, 0x42, isr_0x42, 0x50, isr_0x50
        .long 0x60, isr_0x60, 0x61, isr_0x61, 0x70, isr_0x70
        .long 0, 0

        .section .note.GNU-stack, "", @progbits
