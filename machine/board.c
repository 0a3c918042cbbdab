#include "machine/board.h"
#include "machine/machine.h"

struct irq_line board_isa_irq(struct machine *m, int irq)
{
    return i8259_irq_line(&m->pic, irq);
}

int board_wire_pc(struct machine *m, char *err, size_t errsz)
{
    (void)m;
    (void)err;
    (void)errsz;
    return 0;
}

void board_reset(struct machine *m)
{
    i8259_reset(&m->pic);
    m->intr_level = 0;
}
