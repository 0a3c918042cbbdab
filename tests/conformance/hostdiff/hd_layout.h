/* Fixed guest addresses shared by the native runner and the emulator runner.
 *
 * The same absolute addresses must work in a 32-bit Linux process (where the
 * native runner maps them with MAP_FIXED_NOREPLACE) and in the emulator's
 * guest RAM. The 16-20 MiB range is free in a 32-bit process (the
 * executable sits at 0x08048000 or 0x56555000, mmap grows down from below
 * the stack at 0xFFxxxxxx) and is above vm.mmap_min_addr, so it is used.
 */
#ifndef HOSTDIFF_HD_LAYOUT_H
#define HOSTDIFF_HD_LAYOUT_H

/* Native only: trampoline page that enters and leaves a sequence. */
#define HD_TRAMP_ADDR   0x01000000u
/* The sequence itself, at the same address on both sides. It is followed
 * by HLT in the emulator and by a JMP back to the trampoline natively. */
#define HD_SEQ_ADDR     0x01001000u
#define HD_SEQ_MAX      0x3000u      /* bytes, including the terminator */
#define HD_CODE_SIZE    0x4000u      /* trampoline page + sequence */

/* Data buffer the memory operands and string instructions point into. It
 * straddles a page boundary, so unaligned accesses and string walks cross
 * pages too. */
#define HD_BUF_ADDR     0x010FFF00u
#define HD_BUF_SIZE     512u
#define HD_BUF_PAGES    0x010FF000u   /* the two pages holding the buffer */
#define HD_BUF_PAGES_SIZE 0x2000u

/* Stack window: ESP starts in its middle, on a page boundary; PUSH/POP
 * stay inside it. */
#define HD_STACK_ADDR   0x011FFF00u
#define HD_STACK_SIZE   512u
#define HD_ESP0         (HD_STACK_ADDR + 256u)
#define HD_STACK_PAGES  0x011FF000u   /* the two pages holding the window */
#define HD_STACK_PAGES_SIZE 0x2000u

/* Flag log: checkpoints store the defined flags here (hd_gen.c). It
 * shares the stack's second page, outside the stack window. */
#define HD_LOG_ADDR     (HD_STACK_PAGES + 0x1800u)
#define HD_LOG_SIZE     64u

/* Native only: save area and scratch stack of the trampoline. */
#define HD_SCRATCH_ADDR 0x01300000u
#define HD_SCRATCH_SIZE 0x1000u

/* The compared memory image: buffer bytes, stack window bytes, flag log. */
#define HD_MEM_SIZE     (HD_BUF_SIZE + HD_STACK_SIZE + HD_LOG_SIZE)

/* Guest address of byte `i` of the memory image. */
static inline unsigned hd_mem_addr(unsigned i)
{
    if (i < HD_BUF_SIZE)
        return HD_BUF_ADDR + i;
    if (i < HD_BUF_SIZE + HD_STACK_SIZE)
        return HD_STACK_ADDR + (i - HD_BUF_SIZE);
    return HD_LOG_ADDR + (i - HD_BUF_SIZE - HD_STACK_SIZE);
}

/* Guest RAM the emulator runner allocates (covers every address above). */
#define HD_GUEST_RAM    0x01400000u

#endif
