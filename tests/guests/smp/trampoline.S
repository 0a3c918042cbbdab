/* trampoline.S -- the smp guest's AP start-up: up to 8 CPUs, a stack
 * each for the 7 APs and spares (multiboot/ap_trampoline.inc). */
#define AP_STACK_PAGES 9
#include "ap_trampoline.inc"
