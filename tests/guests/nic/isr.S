/* isr.S -- the network card guest's IRQ 11 entry: save the registers,
 * call nic_irq(), return with IRET. */
        .text
        .globl irq11_stub
irq11_stub:
        pusha
        call nic_irq
        popa
        iret

        .section .note.GNU-stack, "", @progbits
