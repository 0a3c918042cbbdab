/* pf.S -- the crtoggle guest's #PF handler: counts the fault and skips
 * the faulting 2-byte store (movl %eax, (%ebx)). */
        .text
        .globl pf_handler
pf_handler:
        incl pf_count
        addl $2, 4(%esp)        /* the saved EIP, above the error code */
        addl $4, %esp
        iret

        .data
        .globl pf_count
pf_count: .long 0

        .section .note.GNU-stack, "", @progbits
