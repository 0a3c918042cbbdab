/* isr.S -- the smp guest's interrupt entry points, one per vector it
 * uses (multiboot/isr_table.inc). */
#include "isr_table.inc"
        ISR_TABLE 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0xFF
