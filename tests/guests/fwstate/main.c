/* fwstate guest: the board a direct (-kernel) boot leaves, as SeaBIOS
 * leaves it (docs/platform.md): PIT channel 0 in mode 3 at 18.2 Hz, the
 * 8259s initialised (IRQ 0 at vector 8, IRQ 0-2 open, the slave closed)
 * so STI; HLT wakes on the timer, and the PIIX IDE decode bits on.
 * Time is read from the TSC (10 ns ticks of the virtual clock). */
#define GUEST_NAME "fwstate"
#include "guest_check.h"
#include "guest_cpu.h"

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];

static u32 pci_rd(u32 bdf, u32 reg)
{
    outl(0xCF8, 0x80000000u | bdf << 8 | (reg & 0xFC));
    return inl(0xCFC);
}

void isr_irq0(void);
void irq0_handler(void);

static volatile u32 ticks;
static volatile u64 tick_tsc[4];

void irq0_handler(void)
{
    if (ticks < 4)
        tick_tsc[ticks] = rdtsc();
    ticks++;
    outb(0x20, 0x20);   /* non-specific EOI */
}

u32 guest_main(u32 magic, u32 info);
u32 guest_main(u32 magic, u32 info)
{
    (void)info;
    idt[8] = idt_gate((u32)isr_irq0, 0);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    puts("fwstate guest\n");
    check(magic == 0x2BADB002u, 1, "multiboot magic", magic);

    /* 8259s: IMRs as SeaBIOS leaves them; nothing in service. */
    check(inb(0x21) == 0xF8, 2, "master IMR: IRQ 0, 1, 2 open", inb(0x21));
    check(inb(0xA1) == 0xFF, 3, "slave IMR: all closed", inb(0xA1));
    outb(0x20, 0x0B);                 /* OCW3: read ISR */
    check(inb(0x20) == 0, 4, "master ISR empty", inb(0x20));
    outb(0x20, 0x0A);                 /* back to IRR */
    puts("8259s: initialised, IRQ 0-2 open\n");

    /* 8254 read-back of counter 0's status: LSB/MSB access, mode 3,
     * binary (bits 5:0 = 11 011 0), output already driven. */
    outb(0x43, 0xE2);
    u8 st = inb(0x40);
    check((st & 0x3F) == 0x36, 5, "PIT counter 0 status: lo/hi, mode 3, binary", st);
    check(!(st & 0x40), 6, "PIT counter 0 has its count (null count clear)", st);
    puts("PIT: counter 0 in mode 3\n");

    /* STI; HLT wakes on the BIOS timer, through vector 8. */
    u32 loops = 0;
    while (ticks < 4 && loops++ < 8)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    check(ticks >= 4, 7, "STI; HLT woken by IRQ 0 four times", ticks);
    if (ticks >= 4) {
        /* 65536 / 1193182 Hz = 54.925 ms = 5492541 ticks of 10 ns. */
        u32 period = (u32)((tick_tsc[3] - tick_tsc[1]) / 2);
        check(period > 5480000u && period < 5505000u, 8, "IRQ 0 period 54.9 ms (18.2 Hz)", period);
    }
    puts("timer: STI; HLT woken at 18.2 Hz through vector 8\n");

    /* PIIX IDE (00:01.1) IDETIM: IDE decode enable on both channels. */
    u32 idetim = pci_rd(0x09, 0x40);
    check(pci_rd(0x09, 0x00) == 0x70108086u, 9, "00:01.1 is the PIIX3 IDE", pci_rd(0x09, 0));
    check((idetim & 0x8000u) != 0, 10, "primary IDETIM decode enable", idetim);
    check((idetim & 0x80000000u) != 0, 11, "secondary IDETIM decode enable", idetim);
    puts("IDE: both channels decode\n");

    if (!failures)
        puts("fwstate: all checks passed\n");
    return failures;
}
