/* trampoline.S -- the x2apic guest's AP start-up (with -smp 2): the
 * smp guest's, with 2 stacks (multiboot/ap_trampoline.inc). */
#define AP_STACK_PAGES 2
#include "ap_trampoline.inc"
