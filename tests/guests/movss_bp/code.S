/* code.S -- the movss_bp guest's #DB handler and the instruction runs
 * whose second instruction carries an instruction breakpoint (DR0). */
        .text
        .globl db_handler, after_movss, after_popss, after_movds, run_movss, run_popss, run_movds
/* #DB: count, keep DR6, resume with RF set (an instruction breakpoint is
 * a fault: the instruction runs again and must not hit it twice). */
db_handler:
        pushl %eax
        incl db_count
        movl %dr6, %eax
        movl %eax, db_dr6
        xorl %eax, %eax
        movl %eax, %dr6
        orl $0x10000, 12(%esp)  /* the saved EFLAGS: RF */
        popl %eax
        iret

run_movss:
        movw %ss, %ax
        movw %ax, %ss
after_movss:
        nop
        ret

run_popss:
        pushl %ss
        popl %ss
after_popss:
        nop
        ret

run_movds:
        movw %ds, %ax
        movw %ax, %ds
after_movds:
        nop
        ret

        .data
        .globl db_count, db_dr6
db_count: .long 0
db_dr6:   .long 0

        .section .note.GNU-stack, "", @progbits
