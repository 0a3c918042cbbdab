/* isr.S -- the paging guest's exception entry points and fault probes.
 *
 * pf_stub/gp_stub save the registers and call fault_handler(frame, cr2,
 * vector), which may redirect the saved EIP to a probe's recovery label
 * (recover_eip), or map the page and retry (demand paging).
 * The probes perform one access that may fault; on a fault they return
 * FAULT_MARK (0xFA17FA17) instead of the value. */

        .text
        .globl pf_stub, gp_stub, probe_read, probe_write, probe_call, probe_load_cr3

pf_stub:
        pusha
        pushl $14
        jmp common
gp_stub:
        pusha
        pushl $13
common:
        movl %cr2, %eax
        pushl %eax
        leal 8(%esp), %eax       /* the pusha frame */
        pushl %eax
        call fault_handler       /* (frame, cr2, vector) */
        addl $12, %esp
        popa
        addl $4, %esp            /* the error code */
        iret

/* u32 probe_read(u32 addr) */
probe_read:
        movl 4(%esp), %ecx
        movl $1f, recover_eip
        movl (%ecx), %eax
        movl $0, recover_eip
1:      ret

/* u32 probe_write(u32 addr, u32 value): returns 0 or FAULT_MARK */
probe_write:
        movl 4(%esp), %ecx
        movl 8(%esp), %edx
        movl $1f, recover_eip
        movl %edx, (%ecx)
        movl $0, recover_eip
        xorl %eax, %eax
1:      ret

/* u32 probe_call(u32 addr): calls addr (which returns a value in EAX) */
probe_call:
        movl 4(%esp), %eax
        movl %esp, saved_esp
        movl $1f, recover_eip
        call *%eax
        movl $0, recover_eip
        ret
1:      movl saved_esp, %esp
        ret

/* u32 probe_load_cr3(u32 value): 0, or FAULT_MARK if MOV to CR3 faulted */
probe_load_cr3:
        movl 4(%esp), %ecx
        movl $1f, recover_eip
        movl %ecx, %cr3
        movl $0, recover_eip
        xorl %eax, %eax
1:      ret

        .data
saved_esp: .long 0

        .section .note.GNU-stack, "", @progbits

/* void run_user(u32 fn, u32 user_esp): IRET to ring 3 at fn with the user
 * stack; returns here when the user code executes INT 0x80. */
        .text
        .globl run_user, syscall_stub
run_user:
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        movl %esp, kernel_esp
        movl 20(%esp), %eax
        movl 24(%esp), %ecx
        pushl $0x23              /* SS: user data, RPL 3 */
        pushl %ecx               /* ESP */
        pushfl
        pushl $0x1B              /* CS: user code, RPL 3 */
        pushl %eax               /* EIP */
        movw $0x23, %dx
        movw %dx, %ds
        movw %dx, %es
        iret
syscall_stub:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movl kernel_esp, %esp    /* drop the ring-3 frame */
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        ret

        .data
kernel_esp: .long 0
