/* isr.S -- the x87 guest's exception and interrupt entry points.
 *
 * Each stub saves the registers and calls its C handler with a pointer to
 * the interrupt frame (EIP, CS, EFLAGS), then returns with IRET: #NM and
 * #MF are faults, so the instruction that raised them runs again. */

        .text
        .globl nm_stub, mf_stub, irq13_stub

nm_stub:
        pusha
        leal 32(%esp), %eax
        pushl %eax
        call nm_handler
        addl $4, %esp
        popa
        iret

mf_stub:
        pusha
        leal 32(%esp), %eax
        pushl %eax
        call mf_handler
        addl $4, %esp
        popa
        iret

irq13_stub:
        pusha
        leal 32(%esp), %eax
        pushl %eax
        call irq13_handler
        addl $4, %esp
        popa
        iret

        .section .note.GNU-stack, "", @progbits
