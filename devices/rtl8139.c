#include <string.h>

#include "devices/devlog.h"
#include "devices/rtl8139.h"

/* Register offsets (RTL8139C datasheet, section 6). */
enum {
    R_IDR = 0x00, R_MAR = 0x08, R_TSD = 0x10, R_TSAD = 0x20, R_RBSTART = 0x30,
    R_ERBCR = 0x34, R_ERSR = 0x36, R_CR = 0x37, R_CAPR = 0x38, R_CBR = 0x3A,
    R_IMR = 0x3C, R_ISR = 0x3E, R_TCR = 0x40, R_RCR = 0x44, R_TCTR = 0x48,
    R_MPC = 0x4C, R_9346CR = 0x50, R_CONFIG0 = 0x51, R_CONFIG1 = 0x52,
    R_TIMERINT = 0x54, R_MSR = 0x58, R_CONFIG3 = 0x59, R_CONFIG4 = 0x5A,
    R_HLTCLK = 0x5B, R_MULINT = 0x5C, R_RERID = 0x5E, R_TSAD_ALL = 0x60,
    R_BMCR = 0x62, R_BMSR = 0x64, R_ANAR = 0x66, R_ANLPAR = 0x68, R_ANER = 0x6A,
    R_DIS = 0x6C, R_FCSC = 0x6E, R_NWAYTR = 0x70, R_REC = 0x72, R_CSCR = 0x74,
    R_PHY1 = 0x78, R_TW = 0x7C, R_PHY2 = 0x80, R_CONFIG5 = 0xD8,
};

#define CR_RST 0x10
#define CR_RE 0x08
#define CR_TE 0x04
#define CR_BUFE 0x01

#define TSD_SIZE 0x1FFFu
#define TSD_OWN (1u << 13)
#define TSD_TUN (1u << 14)
#define TSD_TOK (1u << 15)
#define TSD_TABT (1u << 30)
#define TSD_WRITABLE 0x003F1FFFu   /* ERTXTH 21:16, OWN, SIZE */

#define TCR_HWVERID 0x74000000u    /* RTL8139C: HWVERID_A 11101, HWVERID_B 00 */
#define TCR_WRITABLE 0x030707F1u   /* IFG 25:24, LBK 18:17, CRC 16, MXDMA, TXRR, CLRABT */
#define TCR_LOOPBACK (3u << 17)

#define RCR_AAP 0x01
#define RCR_APM 0x02
#define RCR_AM 0x04
#define RCR_AB 0x08
#define RCR_WRAP 0x80
#define RCR_WRITABLE 0x0F03FFBFu

#define RX_ROK 0x0001
#define RX_BAR 0x2000
#define RX_PAM 0x4000
#define RX_MAR 0x8000

#define EE_CS 0x08
#define EE_SK 0x04
#define EE_DI 0x02
#define EEM_PROGRAM 0x80
#define EEM_CONFIG 0xC0
#define EEM_AUTOLOAD 0x40

#define BMCR_RESET 0x8000
#define BMCR_ANRESTART 0x0200
#define BMCR_RESET_VALUE 0x3100    /* 100 Mb/s, autonegotiation on, full duplex */
#define BMSR_VALUE 0x782D          /* 100/10 FD/HD, AN complete, link up, AN able */
#define ANAR_RESET_VALUE 0x05E1    /* pause, 100/10 FD/HD, 802.3 */
#define ANLPAR_VALUE 0x45E1        /* the partner: the same, acknowledged */

#define PCI_CLOCK_MHZ 33u
#define PCI_CMD_MASTER 0x0004

/* devlog_once bits: one per unmodelled thing the guest may touch. */
enum { LOG_REG_WRITE, LOG_EARLY_TX, LOG_TX_DISABLED, LOG_TX_SIZE, LOG_NO_MASTER, LOG_HLTCLK,
       LOG_EEPROM_WRITE, LOG_REG_READ };

enum { EE_IDLE, EE_COMMAND, EE_READ };

/* ------------------------------------------------------------ CRCs */

static void crc_table_init(uint32_t *t)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
}

static uint32_t frame_fcs(const uint32_t *t, const uint8_t *p, size_t len)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

/* The multicast hash: the top six bits of the CRC-32 of the destination
 * address computed MSB-first (the CRC register shifted left, each octet
 * fed LSB first), as the datasheet's MAR description and every driver
 * compute it; they index the 64 bits of MAR0-7. */
static unsigned multicast_hash(const uint8_t *addr)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (int i = 0; i < 6; i++) {
        uint8_t octet = addr[i];
        for (int b = 0; b < 8; b++, octet >>= 1) {
            uint32_t top = crc >> 31;
            crc <<= 1;
            if (top ^ (octet & 1))
                crc ^= 0x04C11DB7u;
        }
    }
    return crc >> 26;
}

/* ------------------------------------------------------------ interrupts, timer */

static void update_irq(struct rtl8139 *n)
{
    int level = (n->isr & n->imr) != 0;
    if (level != n->irq_level) {
        n->irq_level = level;
        irq_set(&n->irq, level);
    }
}

static void raise_status(struct rtl8139 *n, uint16_t bits)
{
    n->isr |= bits;
    update_irq(n);
}

static uint32_t tctr_now(const struct rtl8139 *n)
{
    uint64_t ns = clock_now(n->clock) - n->tctr_zero_ns;
    return (uint32_t)(ns * PCI_CLOCK_MHZ / 1000u);
}

/* TimerInt: TimeOut when TCTR reaches it; TCTR keeps counting and wraps,
 * so it comes again 2^32 ticks later. 0 disables it. */
static void schedule_timeout(struct rtl8139 *n)
{
    if (n->timer < 0)
        return;
    if (!n->timer_int) {
        clock_cancel(n->clock, n->timer);
        return;
    }
    uint64_t now = clock_now(n->clock);
    uint64_t ticks = (now - n->tctr_zero_ns) * PCI_CLOCK_MHZ / 1000u;
    uint64_t wraps = ticks >> 32;
    uint64_t target = (wraps << 32) + n->timer_int;
    if (target <= ticks)
        target += 1ull << 32;
    clock_schedule(n->clock, n->timer, n->tctr_zero_ns + (target * 1000u + PCI_CLOCK_MHZ - 1) / PCI_CLOCK_MHZ);
}

static void timeout_fired(void *opaque)
{
    struct rtl8139 *n = opaque;
    raise_status(n, RTL8139_INT_TIMEOUT);
    schedule_timeout(n);
}

/* ------------------------------------------------------------ EEPROM (93C46, 64 words) */

static void eeprom_fill(struct rtl8139 *n, const uint8_t mac[6])
{
    memset(n->eeprom, 0, sizeof n->eeprom);
    n->eeprom[0] = 0x8129;                 /* the ID word the drivers look for */
    n->eeprom[1] = RTL8139_VENDOR;
    n->eeprom[2] = RTL8139_DEVICE;
    n->eeprom[3] = RTL8139_VENDOR;         /* subsystem vendor */
    n->eeprom[4] = RTL8139_DEVICE;         /* subsystem */
    for (int i = 0; i < 3; i++)
        n->eeprom[7 + i] = (uint16_t)(mac[2 * i] | (mac[2 * i + 1] << 8));
}

static void eeprom_autoload(struct rtl8139 *n)
{
    for (int i = 0; i < 3; i++) {
        n->idr[2 * i] = (uint8_t)n->eeprom[7 + i];
        n->idr[2 * i + 1] = (uint8_t)(n->eeprom[7 + i] >> 8);
    }
}

/* One write of 9346CR in programming mode: the 93C46 samples EEDI on the
 * rising edge of EESK while EECS is high. A command is a start bit (1),
 * two opcode bits and six address bits; READ (10) then shifts the word
 * out MSB first, one bit per rising edge, after a dummy 0. Writes and
 * erases are refused (the ROM's contents are the card's identity). */
static void eeprom_pins(struct rtl8139 *n, uint8_t pins)
{
    struct rtl8139_eeprom *e = &n->ee;
    int rising = (pins & EE_SK) && !(e->last & EE_SK);
    e->last = pins;
    if (!(pins & EE_CS)) {
        e->state = EE_IDLE;
        e->dout = 0;
        return;
    }
    if (!rising)
        return;
    int di = (pins & EE_DI) != 0;
    switch (e->state) {
    case EE_IDLE:
        if (di) {
            e->state = EE_COMMAND;
            e->bits = 0;
            e->shift = 0;
        }
        break;
    case EE_COMMAND:
        e->shift = (uint16_t)((e->shift << 1) | di);
        if (++e->bits < 8)
            break;
        e->addr = e->shift & 0x3F;
        if ((e->shift >> 6) == 2) {
            e->state = EE_READ;
            e->shift = n->eeprom[e->addr];
            e->bits = 0;
            e->dout = 0;                  /* the dummy bit */
        } else {
            devlog_once(n->log, &n->logged, LOG_EEPROM_WRITE,
                        "rtl8139: EEPROM command %u (write/erase/enable) ignored: the ROM is read-only here",
                        e->shift >> 6);
            e->state = EE_IDLE;
        }
        break;
    case EE_READ:
        e->dout = (uint8_t)(e->shift >> 15);
        e->shift <<= 1;
        if (++e->bits == 16) {            /* sequential read: the next word follows */
            e->addr = (e->addr + 1) & 0x3F;
            e->shift = n->eeprom[e->addr];
            e->bits = 0;
        }
        break;
    }
}

/* ------------------------------------------------------------ receive */

static uint32_t rx_ring_size(const struct rtl8139 *n)
{
    return 8192u << ((n->rcr >> 11) & 3);
}

/* Bytes the driver has not read yet: from CAPR+16 to CBR, modulo the ring. */
static uint32_t rx_used(const struct rtl8139 *n)
{
    uint32_t size = rx_ring_size(n);
    uint32_t rd = ((uint32_t)n->capr + 16u) % size;
    return (n->cbr % size + size - rd) % size;
}

static int rx_empty(const struct rtl8139 *n)
{
    return rx_used(n) == 0;
}

static uint32_t rx_need(size_t len)
{
    size_t wire = len < 60 ? 60 : len;            /* padded on the wire */
    return (uint32_t)((4 + wire + 4 + 3) & ~(size_t)3);   /* header, frame, FCS, align */
}

int rtl8139_can_receive(const struct rtl8139 *n, size_t len)
{
    if (!(n->cr & CR_RE))
        return 0;
    return rx_used(n) + rx_need(len) < rx_ring_size(n);
}

static int bus_master(const struct rtl8139 *n)
{
    return (pci_get16(&n->fn, 0x04) & PCI_CMD_MASTER) != 0;
}

/* Store `len` bytes at ring offset `off`: past the end with WRAP set
 * (the driver left room), else folded back to the start. */
static void rx_store(struct rtl8139 *n, uint32_t off, const uint8_t *data, uint32_t len)
{
    uint32_t size = rx_ring_size(n);
    off %= size;
    if ((n->rcr & RCR_WRAP) || off + len <= size) {
        n->host.dma_write(n->host.opaque, n->rbstart + off, data, len);
        return;
    }
    uint32_t first = size - off;
    n->host.dma_write(n->host.opaque, n->rbstart + off, data, first);
    n->host.dma_write(n->host.opaque, n->rbstart, data + first, len - first);
}

static uint16_t rx_filter(const struct rtl8139 *n, const uint8_t *dst)
{
    static const uint8_t broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    if (!memcmp(dst, broadcast, 6))
        return (n->rcr & (RCR_AB | RCR_AAP)) ? RX_BAR : 0;
    if (dst[0] & 1) {
        unsigned h = multicast_hash(dst);
        if ((n->rcr & RCR_AAP) || ((n->rcr & RCR_AM) && (n->mar[h >> 3] & (1u << (h & 7)))))
            return RX_MAR;
        return 0;
    }
    if (!memcmp(dst, n->idr, 6))
        return (n->rcr & (RCR_APM | RCR_AAP)) ? RX_PAM : 0;
    return (n->rcr & RCR_AAP) ? RX_PAM : 0;
}

int rtl8139_receive(struct rtl8139 *n, const uint8_t *frame, size_t len)
{
    if (!(n->cr & CR_RE) || len < 14 || len > RTL8139_MAX_FRAME - 4 || !bus_master(n)) {
        n->rx_filtered++;
        return 0;
    }
    uint16_t match = rx_filter(n, frame);
    if (!match) {
        n->rx_filtered++;
        return 0;
    }
    if (!rtl8139_can_receive(n, len)) {
        n->mpc = (n->mpc + 1) & 0xFFFFFF;
        n->rx_missed++;
        raise_status(n, RTL8139_INT_RXOVW);
        return -1;
    }
    uint8_t buf[4 + RTL8139_MAX_FRAME];
    size_t wire = len < 60 ? 60 : len;
    memcpy(buf + 4, frame, len);
    memset(buf + 4 + len, 0, wire - len);
    uint32_t fcs = frame_fcs(n->crc_table, buf + 4, wire);
    for (int i = 0; i < 4; i++)
        buf[4 + wire + (size_t)i] = (uint8_t)(fcs >> (8 * i));
    uint16_t status = (uint16_t)(RX_ROK | match);
    uint16_t length = (uint16_t)(wire + 4);
    buf[0] = (uint8_t)status;
    buf[1] = (uint8_t)(status >> 8);
    buf[2] = (uint8_t)length;
    buf[3] = (uint8_t)(length >> 8);
    rx_store(n, n->cbr, buf, (uint32_t)(4 + wire + 4));
    n->cbr = (uint16_t)((n->cbr + rx_need(len)) % rx_ring_size(n));
    n->rx_frames++;
    raise_status(n, RTL8139_INT_ROK);
    return 1;
}

/* ------------------------------------------------------------ transmit */

static void transmit(struct rtl8139 *n, int d)
{
    uint32_t len = n->tsd[d] & TSD_SIZE;
    if (!(n->cr & CR_TE)) {
        devlog_once(n->log, &n->logged, LOG_TX_DISABLED,
                    "rtl8139: descriptor %d handed over with the transmitter off: held", d);
        return;
    }
    if (!bus_master(n)) {
        devlog_once(n->log, &n->logged, LOG_NO_MASTER,
                    "rtl8139: transmit with bus mastering off in the PCI command register: aborted");
        n->tsd[d] |= TSD_OWN | TSD_TABT;
        raise_status(n, RTL8139_INT_TER);
        return;
    }
    if (len > RTL8139_MAX_TX) {
        devlog_once(n->log, &n->logged, LOG_TX_SIZE,
                    "rtl8139: descriptor size %u over %u bytes: aborted", len, RTL8139_MAX_TX);
        n->tsd[d] |= TSD_OWN | TSD_TABT;
        raise_status(n, RTL8139_INT_TER);
        return;
    }
    if (n->tsd[d] & 0x003F0000u)
        devlog_once(n->log, &n->logged, LOG_EARLY_TX,
                    "rtl8139: early transmit threshold set: frames go out whole");
    uint8_t frame[RTL8139_MAX_TX];
    n->host.dma_read(n->host.opaque, n->tsad[d], frame, len);
    n->tsd[d] |= TSD_OWN;            /* the data is in the FIFO: the buffer is the driver's */
    n->tx_frames++;
    if ((n->tcr & TCR_LOOPBACK) == TCR_LOOPBACK)
        rtl8139_receive(n, frame, len);
    else if (n->host.transmit)
        n->host.transmit(n->host.opaque, frame, len);
    n->tsd[d] |= TSD_TOK;
    raise_status(n, RTL8139_INT_TOK);
}

static uint16_t tsd_summary(const struct rtl8139 *n)
{
    uint16_t v = 0;
    for (int d = 0; d < 4; d++) {
        if (n->tsd[d] & TSD_TOK) v |= (uint16_t)(0x1000u << d);
        if (n->tsd[d] & TSD_TUN) v |= (uint16_t)(0x0100u << d);
        if (n->tsd[d] & TSD_TABT) v |= (uint16_t)(0x0010u << d);
        if (n->tsd[d] & TSD_OWN) v |= (uint16_t)(0x0001u << d);
    }
    return v;
}

/* ------------------------------------------------------------ reset */

/* The command register's RST: the receive and transmit paths start
 * over; the station address, multicast filter and configuration stay. */
static void soft_reset(struct rtl8139 *n)
{
    n->cr = 0;
    n->capr = 0xFFF0;                  /* CAPR + 16 == CBR: the ring is empty */
    n->cbr = 0;
    n->imr = 0;
    n->isr = 0;
    for (int d = 0; d < 4; d++)
        n->tsd[d] = TSD_OWN;           /* every descriptor the driver's */
    n->mpc = 0;
    update_irq(n);
}

void rtl8139_reset(struct rtl8139 *n)
{
    memset(n->mar, 0, sizeof n->mar);
    memset(n->tsad, 0, sizeof n->tsad);
    n->rbstart = 0;
    n->tcr = 0;
    n->rcr = 0;
    n->cfg9346 = 0;
    n->config1 = 0x00;
    n->config3 = 0x00;
    n->config4 = 0x00;
    n->config5 = 0x00;
    n->timer_int = 0;
    n->tctr_zero_ns = clock_now(n->clock);
    n->multint = 0;
    n->bmcr = BMCR_RESET_VALUE;
    n->anar = ANAR_RESET_VALUE;
    memset(&n->ee, 0, sizeof n->ee);
    eeprom_autoload(n);
    soft_reset(n);
    schedule_timeout(n);
}

int rtl8139_init(struct rtl8139 *n, const uint8_t mac[6], struct clock *clock,
                 struct irq_line irq, const struct rtl8139_host *host, FILE *log)
{
    memset(n, 0, sizeof *n);
    n->clock = clock;
    n->irq = irq;
    n->host = *host;
    n->log = log;
    crc_table_init(n->crc_table);
    eeprom_fill(n, mac);
    n->timer = clock_timer_add(clock, "rtl8139-timerint", timeout_fired, n);
    if (n->timer < 0)
        return -1;
    /* 02/00/00: Ethernet controller; BAR0 I/O, BAR1 memory, INTA#. */
    pci_device_init(&n->fn, "rtl8139", RTL8139_VENDOR, RTL8139_DEVICE, RTL8139_REVISION,
                    0x020000, 0x00);
    pci_set16(&n->fn, 0x2C, 0x1AF4);   /* subsystem: Red Hat / QEMU, as QEMU's card */
    pci_set16(&n->fn, 0x2E, 0x1100);
    n->fn.config[0x3D] = 1;            /* INTA# */
    n->fn.config[0x3E] = 0x20;         /* Min_Gnt, Max_Lat (datasheet) */
    n->fn.config[0x3F] = 0x40;
    pci_device_add_bar(&n->fn, 0, RTL8139_REGS, 1, 0);
    pci_device_add_bar(&n->fn, 1, RTL8139_REGS, 0, 0);
    rtl8139_reset(n);
    return 0;
}

/* ------------------------------------------------------------ registers */

/* The register that holds byte `off`: its first offset and width. */
static unsigned reg_width(unsigned off, unsigned *base)
{
    static const struct { uint8_t base, width; } wide[] = {
        { R_TSD, 4 }, { R_TSD + 4, 4 }, { R_TSD + 8, 4 }, { R_TSD + 12, 4 },
        { R_TSAD, 4 }, { R_TSAD + 4, 4 }, { R_TSAD + 8, 4 }, { R_TSAD + 12, 4 },
        { R_RBSTART, 4 }, { R_ERBCR, 2 }, { R_CAPR, 2 }, { R_CBR, 2 }, { R_IMR, 2 },
        { R_ISR, 2 }, { R_TCR, 4 }, { R_RCR, 4 }, { R_TCTR, 4 }, { R_MPC, 4 },
        { R_TIMERINT, 4 }, { R_MULINT, 2 }, { R_TSAD_ALL, 2 }, { R_BMCR, 2 }, { R_BMSR, 2 },
        { R_ANAR, 2 }, { R_ANLPAR, 2 }, { R_ANER, 2 }, { R_DIS, 2 }, { R_FCSC, 2 },
        { R_NWAYTR, 2 }, { R_REC, 2 }, { R_CSCR, 2 }, { R_PHY1, 4 }, { R_TW, 4 },
    };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        if (off >= wide[i].base && off < (unsigned)wide[i].base + wide[i].width) {
            *base = wide[i].base;
            return wide[i].width;
        }
    }
    *base = off;
    return 1;
}

/* A register's whole value (reads have no side effects on this chip). */
static uint32_t reg_value(struct rtl8139 *n, unsigned base)
{
    if (base < R_MAR)
        return n->idr[base];
    if (base < R_TSD)
        return n->mar[base - R_MAR];
    if (base >= R_TSD && base < R_TSAD)
        return n->tsd[(base - R_TSD) / 4];
    if (base >= R_TSAD && base < R_RBSTART)
        return n->tsad[(base - R_TSAD) / 4];
    switch (base) {
    case R_RBSTART: return n->rbstart;
    case R_ERBCR: return 0;            /* early receive: never partial */
    case R_ERSR: return 0;
    case R_CR: return (uint32_t)(n->cr & (CR_RE | CR_TE)) | (rx_empty(n) ? CR_BUFE : 0);
    case R_CAPR: return n->capr;
    case R_CBR: return n->cbr;
    case R_IMR: return n->imr;
    case R_ISR: return n->isr;
    case R_TCR: return TCR_HWVERID | (n->tcr & TCR_WRITABLE & ~1u);
    case R_RCR: return n->rcr;
    case R_TCTR: return tctr_now(n);
    case R_MPC: return n->mpc;
    case R_9346CR: return (uint32_t)(n->cfg9346 & 0xCE) | n->ee.dout;
    case R_CONFIG0: return 0x00;       /* no boot ROM socket described */
    case R_CONFIG1: return n->config1;
    case R_TIMERINT: return n->timer_int;
    case R_MSR: return 0x00;           /* link up (LINKB 0), 100 Mb/s (SPEED_10 0) */
    case R_CONFIG3: return n->config3;
    case R_CONFIG4: return n->config4;
    case R_HLTCLK: return 0;
    case R_MULINT: return n->multint;
    case R_RERID: return RTL8139_REVISION;
    case R_TSAD_ALL: return tsd_summary(n);
    case R_BMCR: return n->bmcr;
    case R_BMSR: return BMSR_VALUE;
    case R_ANAR: return n->anar;
    case R_ANLPAR: return ANLPAR_VALUE;
    case R_ANER: return 0x0001;        /* the partner autonegotiates */
    case R_DIS: case R_FCSC: case R_REC: return 0;   /* error counters: no errors */
    case R_NWAYTR: return 0;
    case R_CSCR: return 0;
    case R_CONFIG5: return n->config5;
    default:
        devlog_once(n->log, &n->logged, LOG_REG_READ,
                    "rtl8139: read of unmodelled register 0x%02X returns 0 (further ones not reported)",
                    base);
        return 0;
    }
}

static int config_unlocked(const struct rtl8139 *n)
{
    return (n->cfg9346 & 0xC0) == EEM_CONFIG;
}

/* Write `val` to the register at `base` (already merged with the bytes
 * the access did not cover); `bytes` is the byte mask the access
 * covered, for write-one-to-clear ISR. */
static void reg_store(struct rtl8139 *n, unsigned base, uint32_t val, uint32_t bytes)
{
    if (base < R_MAR) {
        n->idr[base] = (uint8_t)val;
        return;
    }
    if (base < R_TSD) {
        n->mar[base - R_MAR] = (uint8_t)val;
        return;
    }
    if (base >= R_TSD && base < R_TSAD) {
        int d = (int)(base - R_TSD) / 4;
        n->tsd[d] = (n->tsd[d] & ~TSD_WRITABLE) | (val & TSD_WRITABLE);
        if (bytes & 3) {                 /* a new size: the descriptor is handed over */
            n->tsd[d] &= ~(TSD_TOK | TSD_TUN | TSD_TABT);
            if (!(val & TSD_OWN))
                transmit(n, d);
        }
        return;
    }
    if (base >= R_TSAD && base < R_RBSTART) {
        n->tsad[(base - R_TSAD) / 4] = val;
        return;
    }
    switch (base) {
    case R_RBSTART: n->rbstart = val; return;
    case R_CR:
        if (val & CR_RST) {
            soft_reset(n);
            return;
        }
        n->cr = (uint8_t)(val & (CR_RE | CR_TE));
        return;
    case R_CAPR: n->capr = (uint16_t)val; return;
    case R_IMR:
        /* Enabling ROK while the ring holds frames the driver has not
         * read, with ROK already cleared, raises it again (a modelling
         * choice, docs/network.md): 8139too clears ROK after each frame
         * and stops at its NAPI budget, then unmasks; on a busy wire the
         * next frame would raise ROK, on the emulated one the rest of the
         * ring would sit there until the guest's TCP timed out. */
        if ((val & RTL8139_INT_ROK) && !(n->imr & RTL8139_INT_ROK) && !rx_empty(n))
            n->isr |= RTL8139_INT_ROK;
        n->imr = (uint16_t)(val & 0xE07F);
        update_irq(n);
        return;
    case R_ISR: {
        uint16_t clear = 0;
        if (bytes & 1) clear |= (uint16_t)(val & 0xFF);
        if (bytes & 2) clear |= (uint16_t)(val & 0xFF00);
        n->isr &= (uint16_t)~clear;
        update_irq(n);
        return;
    }
    case R_TCR:
        n->tcr = val & TCR_WRITABLE;
        if (val & 1) {                   /* CLRABT: retransmit the aborted descriptors */
            for (int d = 0; d < 4; d++)
                if ((n->tsd[d] & TSD_TABT) && !(n->tsd[d] & TSD_TOK)) {
                    n->tsd[d] &= ~(TSD_TABT | TSD_OWN);
                    transmit(n, d);
                }
        }
        return;
    case R_RCR: n->rcr = val & RCR_WRITABLE; return;
    case R_TCTR:
        n->tctr_zero_ns = clock_now(n->clock);
        schedule_timeout(n);
        return;
    case R_MPC: n->mpc = 0; return;
    case R_9346CR: {
        uint8_t mode = (uint8_t)(val & 0xC0);
        n->cfg9346 = (uint8_t)(val & 0xCE);
        if (mode == EEM_PROGRAM) {
            eeprom_pins(n, (uint8_t)(val & 0x0E));
        } else {
            eeprom_pins(n, 0);           /* EECS follows the mode: deselected */
            if (mode == EEM_AUTOLOAD) {
                eeprom_autoload(n);
                n->cfg9346 &= 0x3F;      /* the load is done at once */
            }
        }
        return;
    }
    case R_CONFIG1: if (config_unlocked(n)) n->config1 = (uint8_t)val; return;
    case R_CONFIG3: if (config_unlocked(n)) n->config3 = (uint8_t)(val & 0x6E); return;
    case R_CONFIG4: if (config_unlocked(n)) n->config4 = (uint8_t)(val & 0xF6); return;
    case R_CONFIG5: n->config5 = (uint8_t)(val & 0x7F); return;
    case R_TIMERINT: n->timer_int = val; schedule_timeout(n); return;
    case R_HLTCLK:
        if (val != 'R' && val != 'H')
            devlog_once(n->log, &n->logged, LOG_HLTCLK,
                        "rtl8139: HLTCLK value 0x%02X is neither 'R' nor 'H': ignored", val);
        return;
    case R_MULINT: n->multint = (uint16_t)(val & 0x0FFF); return;
    case R_BMCR:
        if (val & BMCR_RESET) {
            n->bmcr = BMCR_RESET_VALUE;
            n->anar = ANAR_RESET_VALUE;
            return;
        }
        n->bmcr = (uint16_t)(val & ~(BMCR_RESET | BMCR_ANRESTART));   /* both self-clear */
        return;
    case R_ANAR: n->anar = (uint16_t)((val & 0x2DE0) | 0x0001); return;
    case R_CONFIG0: case R_ERBCR: case R_ERSR: case R_CBR: case R_MSR: case R_RERID:
    case R_TSAD_ALL: case R_BMSR: case R_ANLPAR: case R_ANER:
        return;                          /* read-only */
    default:
        devlog_once(n->log, &n->logged, LOG_REG_WRITE,
                    "rtl8139: write 0x%X to unmodelled register 0x%02X ignored (further ones not reported)",
                    val, base);
        return;
    }
}

uint32_t rtl8139_read(struct rtl8139 *n, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned o = (off + i) & 0xFF, base;
        reg_width(o, &base);
        v |= ((reg_value(n, base) >> (8 * (o - base))) & 0xFF) << (8 * i);
    }
    return v;
}

void rtl8139_write(struct rtl8139 *n, unsigned off, unsigned size, uint32_t val)
{
    unsigned i = 0;
    while (i < size) {
        unsigned o = (off + i) & 0xFF, base;
        unsigned width = reg_width(o, &base);
        uint32_t merged = reg_value(n, base), bytes = 0;
        if (base == R_ISR || base == R_TCTR || base == R_MPC)
            merged = 0;                  /* write-to-clear / write-to-reset: only what is written */
        while (i < size && ((off + i) & 0xFF) < base + width) {
            unsigned shift = 8 * (((off + i) & 0xFF) - base);
            merged = (merged & ~(0xFFu << shift)) | (((val >> (8 * i)) & 0xFF) << shift);
            bytes |= 1u << (shift / 8);
            i++;
        }
        reg_store(n, base, merged, bytes);
    }
}

/* ------------------------------------------------------------ state */

#define T struct rtl8139
static const struct state_field rtl8139_fields[] = {
    STATE_ARRAY(T, idr, 0xFF), STATE_ARRAY(T, mar, 0xFF), STATE_ARRAY(T, tsd, STATE_ANY),
    STATE_ARRAY(T, tsad, STATE_ANY), STATE_FIELD(T, rbstart, STATE_ANY),
    STATE_FIELD(T, capr, STATE_ANY), STATE_FIELD(T, cbr, 0xFFFF), STATE_FIELD(T, imr, STATE_ANY),
    STATE_FIELD(T, isr, STATE_ANY), STATE_FIELD(T, cr, CR_RE | CR_TE),
    STATE_FIELD(T, tcr, STATE_ANY), STATE_FIELD(T, rcr, STATE_ANY),
    STATE_FIELD(T, mpc, 0xFFFFFF), STATE_FIELD(T, cfg9346, 0xCE),
    STATE_FIELD(T, config1, 0xFF), STATE_FIELD(T, config3, 0xFF),
    STATE_FIELD(T, config4, 0xFF), STATE_FIELD(T, config5, 0xFF),
    STATE_FIELD(T, timer_int, STATE_ANY), STATE_FIELD(T, tctr_zero_ns, STATE_ANY),
    STATE_FIELD(T, multint, 0x0FFF), STATE_FIELD(T, bmcr, STATE_ANY),
    STATE_FIELD(T, anar, STATE_ANY), STATE_ARRAY(T, eeprom, STATE_ANY),
    STATE_FIELD(T, ee.state, EE_READ), STATE_FIELD(T, ee.bits, 16),
    STATE_FIELD(T, ee.last, 0xFF), STATE_FIELD(T, ee.dout, 1),
    STATE_FIELD(T, ee.shift, STATE_ANY), STATE_FIELD(T, ee.addr, 0x3F),
};
#undef T
static const struct state_layout rtl8139_layout = STATE_LAYOUT("N139", 1, rtl8139_fields);

void rtl8139_save(const struct rtl8139 *n, struct state_writer *w)
{
    state_save_layout(w, &rtl8139_layout, NULL, n);
}

int rtl8139_load(struct rtl8139 *n, struct state_reader *r)
{
    if (state_load_layout(r, &rtl8139_layout, NULL, n) != 0)
        return -1;
    n->irq_level = -1;                   /* drive the restored line */
    update_irq(n);
    schedule_timeout(n);
    return 0;
}
