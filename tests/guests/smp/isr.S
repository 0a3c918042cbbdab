/* isr.S -- the smp guest's interrupt entry points: one stub per vector,
 * each pushing its vector and calling irq_handler(vector). */
        .text
        .globl isr_table
.macro STUB vec
isr_\vec:
        pushl $\vec
        jmp common
.endm
        STUB 0x40
        STUB 0x41
        STUB 0x42
        STUB 0x43
        STUB 0x44
        STUB 0x45
        STUB 0xFF
common:
        pusha
        pushl 32(%esp)
        call irq_handler
        addl $4, %esp
        popa
        addl $4, %esp
        iret

        .data
isr_table:
        .long 0x40, isr_0x40, 0x41, isr_0x41, 0x42, isr_0x42, 0x43, isr_0x43
        .long 0x44, isr_0x44, 0x45, isr_0x45, 0xFF, isr_0xFF
        .long 0, 0

        .section .note.GNU-stack, "", @progbits
