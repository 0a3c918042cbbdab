/* The network card on the board (-nic ...,model=rtl8139): the RTL8139 at
 * PCI 03.0 with its BARs on the port and memory buses, bus-master DMA into
 * guest RAM, INTA# through the PIIX3's PIRQ routing, and the door through
 * which frames from the network enter the machine.
 *
 * That door works like the serial ports' (docs/network.md): the frontend
 * owns the host end (user-mode networking, a pcap dump) and gives the
 * machine a `struct net_backend`; a clock timer polls it every
 * BOARD_NET_POLL_NS of machine time and right after each frame the guest
 * sends (its answer is often ready at once), and takes frames only while
 * the receive ring has room for a whole one, so frames arrive between
 * instructions at points of the virtual clock, and wait in the backend
 * rather than being lost when the guest is slow to empty its ring.
 * Frames the guest sends leave at once through `send`. Under -record the
 * replay module wraps the backend (machine/replay_net.c).
 */
#ifndef SHADOW86_MACHINE_BOARD_NIC_H
#define SHADOW86_MACHINE_BOARD_NIC_H

#include <stddef.h>
#include <stdint.h>

#include "devices/rtl8139.h"

struct machine;
struct state_writer;
struct state_reader;

#define BOARD_NIC_DEVFN (3 << 3)        /* 03.0, after the VGA, as QEMU's pc puts it */
#define BOARD_NET_POLL_NS 250000u       /* backend polled every 250 us of machine time */
#define BOARD_NET_BURST 64              /* frames taken in one poll at most */
#define BOARD_NIC_ROM_MAX 0x40000u      /* an option ROM BAR of at most 256 KiB */
/* Where board_nic_firmware_setup() places the BARs (a direct kernel boot;
 * SeaBIOS assigns its own): inside the ACPI root bridge's windows. */
#define BOARD_NIC_IO_BASE 0xC100u
#define BOARD_NIC_MMIO_BASE 0xFEBF1000u

/* The models -nic model= knows. */
enum board_nic_model { BOARD_NIC_NONE, BOARD_NIC_RTL8139 };

/* The host end of the network, from the frontend. */
struct net_backend {
    void *opaque;
    /* A frame from the guest (no FCS). NULL: discarded. */
    void (*send)(void *opaque, const uint8_t *frame, size_t len);
    /* The next frame for the guest into buf (at most cap bytes): its
     * length, or 0 when there is none now. NULL: nothing ever arrives. */
    size_t (*poll)(void *opaque, uint8_t *buf, size_t cap);
    /* A frame entered the card (from poll, or from a replay's log): for
     * -netdump. NULL: nobody looks. */
    void (*received)(void *opaque, const uint8_t *frame, size_t len);
    /* An idle guest waits for the network: block up to `ns` of host
     * time, returning as soon as the host end has something. NULL: the
     * clock sleeps the whole time. */
    void (*wait)(void *opaque, uint64_t ns);
};

struct board_nic {
    int present;                  /* a card was asked for */
    struct rtl8139 card;
    struct net_backend backend;
    int timer;                    /* the backend poll */
    uint8_t *rom;                 /* -nic ...,romfile= (iPXE), or NULL */
    uint32_t rom_size;
    uint64_t frames_in, frames_out;
};

/* Board table operations (machine/board_devices.h). */
int board_nic_wire(struct machine *m, void *nic, char *err, size_t errsz);
void board_nic_reset(void *nic);
void board_nic_save(const void *nic, struct state_writer *w, const char *tag);
int board_nic_load(void *nic, struct state_reader *r, const char *tag);
void board_nic_free(void *nic);

/* Give the card its host end (replacing any); starts the poll. */
void board_nic_attach(struct machine *m, const struct net_backend *b);

/* What firmware does before an OS runs, for a direct kernel boot: route
 * PIRQA-D to ISA IRQs 10, 10, 11, 11 as SeaBIOS does on the PIIX3 (level
 * triggered in the ELCR), give every PCI function with an interrupt pin
 * its line in config 0x3C, and place the card's BARs and enable them. */
void board_nic_firmware_setup(struct machine *m);

/* "rtl8139" to a model; 0, or -1 for an unknown name. */
int board_nic_parse_model(const char *name, enum board_nic_model *model);

#endif
