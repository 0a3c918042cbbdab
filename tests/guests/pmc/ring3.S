/* ring3.S -- the pmc guest's fault and privilege plumbing: a #GP handler
 * that counts the fault and skips the 2-byte instruction (RDPMC, RDMSR,
 * WRMSR), a way into ring 3 and back (INT 0x80), and the ring-3 RDPMC. */
        .text
        .globl gp_handler, enter_user, back_to_kernel, user_rdpmc
gp_handler:
        incl gp_count
        addl $2, 4(%esp)        /* the saved EIP, above the error code */
        addl $4, %esp
        iret

/* void enter_user(void (*fn)(void)): run fn at CPL 3; it ends in INT 0x80. */
enter_user:
        pushal
        movl %esp, saved_esp
        movl 36(%esp), %eax
        pushl $0x23
        pushl $user_stack_top
        pushfl
        pushl $0x1B
        pushl %eax
        movw $0x23, %dx
        movw %dx, %ds
        movw %dx, %es
        iret

back_to_kernel:
        movw $0x10, %dx
        movw %dx, %ds
        movw %dx, %es
        movl saved_esp, %esp
        popal
        ret

user_rdpmc:
        movl user_ecx, %ecx
        xorl %eax, %eax
        xorl %edx, %edx
        rdpmc
        movl %eax, user_eax
        movl %edx, user_edx
        int $0x80

        .data
        .globl gp_count, user_ecx, user_eax, user_edx
gp_count:  .long 0
user_ecx:  .long 0
user_eax:  .long 0
user_edx:  .long 0
saved_esp: .long 0

        .bss
        .align 16
        .skip 4096
user_stack_top:

        .section .note.GNU-stack, "", @progbits
