#include "devices/pci_pc.h"
#include "machine/board_fwstate.h"
#include "machine/board_nic.h"
#include "machine/machine.h"

/* 8259A initialisation (ICW1-4, then OCW1) and 8254 control word, as
 * SeaBIOS's pic_setup()/timer_setup() write them. */
#define ICW1_INIT_ICW4 0x11u   /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01u
#define PIC_MASTER_VECTOR 0x08u
#define PIC_SLAVE_VECTOR 0x70u
#define PIC_MASTER_IMR 0xF8u   /* IRQ 0 (timer), 1 (keyboard), 2 (cascade) open */
#define PIC_SLAVE_IMR 0xFFu
#define PIT_CH0_LOHI_MODE3 0x36u   /* counter 0, LSB then MSB, mode 3, binary */

static void out8(struct machine *m, uint16_t port, uint8_t v)
{
    iobus_write(&m->bus, port, 1, v);
}

void board_firmware_state(struct machine *m)
{
    out8(m, 0x20, ICW1_INIT_ICW4);
    out8(m, 0xA0, ICW1_INIT_ICW4);
    out8(m, 0x21, PIC_MASTER_VECTOR);
    out8(m, 0xA1, PIC_SLAVE_VECTOR);
    out8(m, 0x21, 0x04);   /* ICW3: slave on IRQ 2 */
    out8(m, 0xA1, 0x02);   /* ICW3: slave identity 2 */
    out8(m, 0x21, ICW4_8086);
    out8(m, 0xA1, ICW4_8086);
    out8(m, 0x21, PIC_MASTER_IMR);
    out8(m, 0xA1, PIC_SLAVE_IMR);

    out8(m, 0x43, PIT_CH0_LOHI_MODE3);
    out8(m, 0x40, 0x00);   /* count 0 = 65536: 1193182 / 65536 = 18.2 Hz */
    out8(m, 0x40, 0x00);

    /* The IDE channels decoding, or the kernel's ata_piix never looks for
     * -hda; the PCI interrupts routed, the network card and the balloon
     * placed. */
    pci_pc_firmware_ide_setup(&m->chipset);
    board_nic_firmware_setup(m);
    board_balloon_firmware_setup(m);
}
