/* isr.S -- the fwstate guest's IRQ 0 entry: vector 8, where a direct
 * boot leaves the master 8259's base (as SeaBIOS does). */
        .text
        .globl isr_irq0
isr_irq0:
        pusha
        call irq0_handler
        popa
        iret

        .section .note.GNU-stack, "", @progbits
