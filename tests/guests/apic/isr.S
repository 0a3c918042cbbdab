/* isr.S -- the apic guest's interrupt entry points: one stub per vector
 * it uses, each pushing its vector and calling irq_handler(vector). */
        .text
        .globl isr_table
.macro STUB vec
isr_\vec:
        pushl $\vec
        jmp common
.endm
        STUB 2
        STUB 0x31
        STUB 0x38
        STUB 0x40
        STUB 0x41
        STUB 0x42
        STUB 0x50
        STUB 0x52
        STUB 0x53
        STUB 0x60
        STUB 0x70
        STUB 0x80
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
        .long 2, isr_2, 0x31, isr_0x31, 0x38, isr_0x38, 0x40, isr_0x40
        .long 0x41, isr_0x41, 0x42, isr_0x42, 0x50, isr_0x50, 0x52, isr_0x52, 0x53, isr_0x53
        .long 0x60, isr_0x60, 0x70, isr_0x70, 0x80, isr_0x80, 0xFF, isr_0xFF
        .long 0, 0

        .section .note.GNU-stack, "", @progbits
