/* Realtek RTL8139C 10/100 Ethernet controller, as a PCI function
 * (10EC:8139, revision 0x10: Linux's 8139too drives it; 0x20 and up would
 * be the C+ part that 8139too hands to 8139cp).
 *
 * What is modelled, from the RTL8139C(L) datasheet (rev. 1.4):
 *  - the register file in I/O space (BAR0, 256 ports) and memory space
 *    (BAR1, 256 bytes), with byte, word and dword access to any register;
 *  - the 93C46 serial EEPROM behind 9346CR (ID words, the MAC at words
 *    7-9, auto-loaded into IDR0-5 at reset) and the config-write lock;
 *  - transmit: four descriptors (TSD0-3 / TSAD0-3), sent when the driver
 *    clears OWN, completed at once with OWN and TOK set, TSAD summary;
 *  - receive: the ring at RBSTART (8/16/32/64 KiB + 16), packet headers
 *    (status, length with FCS), the FCS itself, 4-byte alignment, WRAP=1
 *    (run past the end) and WRAP=0 (wrap to the start), CAPR's -16 offset,
 *    BUFE, overflow (RXOVW, the missed-packet counter);
 *  - the address filter: all (AAP), own address (APM), broadcast (AB),
 *    multicast through the 64-bit hash in MAR0-7 (AM);
 *  - loopback (TCR LBK = 11): transmitted frames come back to the receiver;
 *  - ISR/IMR (write 1 to clear) driving INTA#, the TCTR counter at the
 *    33 MHz PCI clock and TimerInt's TimeOut interrupt;
 *  - the internal PHY's MII registers (BMCR, BMSR, ANAR, ANLPAR, ANER):
 *    link always up at 100 Mb/s full duplex.
 * Not modelled (logged once when the guest uses them): C+ mode, early
 * receive/transmit thresholds (transfers are whole frames), wake-on-LAN,
 * the flash interface, the undocumented PHY tuning registers.
 *
 * The device never reaches host memory or the network itself: guest
 * memory comes through the board's DMA callbacks (only while the PCI
 * command register's bus-master bit is on), frames leave through
 * `transmit`, and frames from the network are handed in with
 * rtl8139_receive() by the board between instructions.
 */
#ifndef SHADOW86_DEVICES_RTL8139_H
#define SHADOW86_DEVICES_RTL8139_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/irq.h"
#include "base/state.h"
#include "devices/pci.h"

#define RTL8139_VENDOR 0x10EC
#define RTL8139_DEVICE 0x8139
#define RTL8139_REVISION 0x10
#define RTL8139_REGS 256          /* BAR0 ports, BAR1 bytes */
#define RTL8139_MAX_TX 1792       /* largest frame a descriptor may hold */
#define RTL8139_MAX_FRAME 1518    /* largest frame received, FCS included */

/* Interrupt status / mask bits (ISR 0x3E, IMR 0x3C). */
#define RTL8139_INT_ROK 0x0001
#define RTL8139_INT_RER 0x0002
#define RTL8139_INT_TOK 0x0004
#define RTL8139_INT_TER 0x0008
#define RTL8139_INT_RXOVW 0x0010
#define RTL8139_INT_LINKCHG 0x0020
#define RTL8139_INT_FOVW 0x0040
#define RTL8139_INT_TIMEOUT 0x4000
#define RTL8139_INT_SERR 0x8000

struct rtl8139_host {
    void *opaque;
    /* Bus-master reads and writes of guest physical memory. */
    void (*dma_read)(void *opaque, uint32_t gpa, void *buf, uint32_t len);
    void (*dma_write)(void *opaque, uint32_t gpa, const void *buf, uint32_t len);
    /* A frame left the card for the network (no FCS). NULL: the cable is
     * unplugged on the far side, frames go nowhere. */
    void (*transmit)(void *opaque, const uint8_t *frame, uint32_t len);
};

struct rtl8139_eeprom {       /* the 93C46's serial interface */
    uint8_t state;            /* enum in rtl8139.c */
    uint8_t bits;             /* bits shifted in or out in this state */
    uint8_t last;             /* 9346CR bits 3:1 as last written (edge detection) */
    uint8_t dout;             /* EEDO */
    uint16_t shift;           /* command being shifted in / data being shifted out */
    uint16_t addr;
};

struct rtl8139 {
    struct pci_device fn;
    /* Registers. */
    uint8_t idr[6];           /* IDR0-5: the station address */
    uint8_t mar[8];           /* MAR0-7: multicast hash filter */
    uint32_t tsd[4], tsad[4];
    uint32_t rbstart;
    uint16_t capr;            /* where the driver has read to, minus 16 */
    uint16_t cbr;             /* where the next received packet goes */
    uint16_t imr, isr;
    uint8_t cr;               /* RE (bit 3), TE (bit 2); RST and BUFE are derived */
    uint32_t tcr, rcr;
    uint32_t mpc;             /* missed packets, 24 bits */
    uint8_t cfg9346;          /* EEM1:0 and EECS/EESK/EEDI as written */
    uint8_t config1, config3, config4, config5;
    uint32_t timer_int;
    uint64_t tctr_zero_ns;    /* clock time at which TCTR read 0 */
    uint16_t multint;
    uint16_t bmcr, anar;
    uint16_t eeprom[64];
    struct rtl8139_eeprom ee;
    /* Wiring. */
    struct rtl8139_host host;
    struct irq_line irq;
    int irq_level;
    struct clock *clock;
    int timer;                /* TimerInt's TimeOut */
    FILE *log;
    uint32_t logged;          /* devlog_once bits */
    uint32_t crc_table[256];  /* IEEE 802.3 CRC-32, reflected (the FCS) */
    /* Counters (--stats; not guest state). */
    uint64_t tx_frames, rx_frames, rx_filtered, rx_missed;
};

/* Set up the card with station address `mac`. Registers its TimerInt
 * timer on `clock`. Returns 0, or -1 (no timer left). */
int rtl8139_init(struct rtl8139 *n, const uint8_t mac[6], struct clock *clock,
                 struct irq_line irq, const struct rtl8139_host *host, FILE *log);
/* Power-on / PCI reset: registers to their reset values, the station
 * address reloaded from the EEPROM. */
void rtl8139_reset(struct rtl8139 *n);

/* Register access at offset `off` (0-255) of either BAR. */
uint32_t rtl8139_read(struct rtl8139 *n, unsigned off, unsigned size);
void rtl8139_write(struct rtl8139 *n, unsigned off, unsigned size, uint32_t val);

/* A frame from the network (destination address first, no FCS). Returns
 * 1 if it was stored in the receive ring, 0 if the address filter or a
 * disabled receiver dropped it (as the wire would), -1 if the ring had no
 * room (counted in MPC, RXOVW raised). */
int rtl8139_receive(struct rtl8139 *n, const uint8_t *frame, size_t len);
/* The receiver is enabled and has room for a frame of `len` bytes. */
int rtl8139_can_receive(const struct rtl8139 *n, size_t len);

/* Snapshot record "N139" (the PCI configuration space is the PCI bus's). */
void rtl8139_save(const struct rtl8139 *n, struct state_writer *w);
int rtl8139_load(struct rtl8139 *n, struct state_reader *r);

#endif
