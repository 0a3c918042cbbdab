/* nic guest: the RTL8139 (-nic null) from inside, without a driver's
 * help: PCI identity and the interrupt routing a direct boot gets, the
 * 93C46 EEPROM by bit-banging 9346CR, then loopback (TCR LBK = 11) through
 * all four transmit descriptors in turn while the receive ring wraps --
 * with WRAP = 0 (frames folded at the ring's end) and WRAP = 1 (run past
 * it) -- checking every header, byte and FCS, the TSAD summary, ROK/TOK
 * through IRQ 11, the address filter, ring overflow (RXOVW, MPC) and the
 * TimerInt timeout. Each failed check prints FAIL and exits with its
 * number. */
#define GUEST_NAME "nic"
#include "guest_check.h"
#include "guest_cpu.h"

static u64 gdt[3] = GDT_FLAT;
static u64 idt[256];
static u16 io;

#define RX_RING ((volatile u8 *)0x200000)    /* 8 KiB + 16 + 1.5 KiB of slack */
#define TX_BUF(d) ((u8 *)(0x210000 + (d) * 0x800))


static u32 pci_read(u32 devfn, u32 off)
{
    outl(0xCF8, 0x80000000u | (devfn << 8) | (off & 0xFC));
    return inl(0xCFC);
}

static void pci_write(u32 devfn, u32 off, u32 v)
{
    outl(0xCF8, 0x80000000u | (devfn << 8) | (off & 0xFC));
    outl(0xCFC, v);
}

static void putdec(u32 v) { putdec64(v); }

static void puthex8(u32 v)
{
    const char *h = "0123456789ABCDEF";
    putc(h[(v >> 4) & 15]);
    putc(h[v & 15]);
}

/* ------------------------------------------------------------ IRQ 11 */

static volatile u32 irqs, rok_irqs, tok_irqs, timeout_irqs;

void nic_irq(void)
{
    u16 isr = inw(io + 0x3E);
    irqs++;
    if (isr & 0x01) rok_irqs++;
    if (isr & 0x04) tok_irqs++;
    if (isr & 0x4000) timeout_irqs++;
    outw(io + 0x3E, isr);          /* write 1 to clear */
    outb(0xA0, 0x20);
    outb(0x20, 0x20);
}

void irq11_stub(void);

/* ------------------------------------------------------------ EEPROM */

static u16 eeprom_read(unsigned addr)
{
    u32 cmd = (6u << 6) | addr;        /* start bit, READ (10), 6 address bits */
    for (int i = 8; i >= 0; i--) {
        u8 di = (cmd >> i) & 1 ? 0x02 : 0;
        outb(io + 0x50, 0x88 | di);
        outb(io + 0x50, 0x8C | di);
    }
    outb(io + 0x50, 0x88);
    u16 v = 0;
    for (int i = 0; i < 16; i++) {
        outb(io + 0x50, 0x8C);
        v = (u16)((v << 1) | (inb(io + 0x50) & 1));
        outb(io + 0x50, 0x88);
    }
    outb(io + 0x50, 0x00);
    return v;
}

/* ------------------------------------------------------------ frames */

static u32 crc_table[256];

static u32 fcs(const u8 *p, u32 len, u32 skip_at, u32 ring)
{
    u32 c = 0xFFFFFFFFu;
    for (u32 i = 0; i < len; i++) {
        u8 b = ring ? RX_RING[(skip_at + i) % ring] : p[i];
        c = crc_table[(c ^ b) & 0xFF] ^ (c >> 8);
    }
    return ~c;
}

static const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static u32 seed = 12345;

static u32 rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
}

static u32 build_frame(u8 *f, u32 len, const u8 *dst)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x88;
    f[13] = 0xB5;                      /* local experimental ethertype */
    for (u32 i = 14; i < len; i++)
        f[i] = (u8)rnd();
    return len;
}

static u32 tx_desc;

static void transmit(u32 len)
{
    u32 d = tx_desc++ & 3;
    outl(io + 0x20 + 4 * d, (u32)TX_BUF(d));
    outl(io + 0x10 + 4 * d, len);
    u32 tsd = inl(io + 0x10 + 4 * d);
    check((tsd & 0xA000u) == 0xA000u && (tsd & 0x1FFF) == len, 20, "TSD after send: OWN and TOK", tsd);
    u16 sum = inw(io + 0x60);
    check((sum >> 12) & (1u << d) && (sum & (1u << d)), 21, "TSAD summary TOK/OWN", sum);
}

/* Check the frame at the driver's read offset `*rd` against f[len] and
 * advance CAPR as a driver does. `wrap0`: data folds at the ring end. */
static void receive_check(u32 *rd, const u8 *f, u32 len, u32 ring, int wrap0)
{
    u32 off = *rd;
    u16 status = (u16)(RX_RING[off] | (RX_RING[(off + 1) % ring] << 8));
    u16 rlen = (u16)(RX_RING[(off + 2) % ring] | (RX_RING[(off + 3) % ring] << 8));
    u32 wire = len < 60 ? 60 : len;
    check(status == 0x4001, 30, "RX status: ROK and PAM", status);
    check(rlen == wire + 4, 31, "RX length with FCS", rlen);
    u32 bad = 0;
    for (u32 i = 0; i < wire; i++) {
        u32 at = off + 4 + i;
        u8 b = wrap0 ? RX_RING[at % ring] : RX_RING[at];
        if (b != (i < len ? f[i] : 0))
            bad++;
    }
    check(bad == 0, 32, "RX data bytes", bad);
    u32 got_fcs = 0;
    for (int i = 0; i < 4; i++) {
        u32 at = off + 4 + wire + (u32)i;
        got_fcs |= (u32)(wrap0 ? RX_RING[at % ring] : RX_RING[at]) << (8 * i);
    }
    u32 calc = wrap0 ? fcs(0, wire, off + 4, ring) : fcs((const u8 *)RX_RING + off + 4, wire, 0, 0);
    check(got_fcs == calc, 33, "RX FCS", got_fcs);
    *rd = (off + 4 + wire + 4 + 3) & ~3u;
    *rd %= ring;
    outw(io + 0x38, (u16)(*rd - 16));
}

static void wait_irq(volatile u32 *counter, u32 before)
{
    for (u32 spin = 0; *counter == before && spin < 1000000; spin++)
        __asm__ volatile("pause");
}

static void loopback_run(int wrap, u32 frames)
{
    const u32 ring = 8192;
    u32 rd = 0, wrapped = 0;
    outb(io + 0x37, 0x10);             /* reset: pointers back to 0 */
    check((inb(io + 0x37) & 0x11) == 0x01, 40, "CR after reset: RST clear, BUFE", inb(io + 0x37));
    outl(io + 0x30, (u32)RX_RING);
    outb(io + 0x37, 0x0C);             /* RE, TE */
    outl(io + 0x44, 0x0A | (wrap ? 0x80 : 0));   /* APM, AB, 8 KiB ring */
    outl(io + 0x40, 3u << 17);         /* loopback */
    outw(io + 0x3C, 0x0005);           /* ROK, TOK */
    u8 f[1514];
    u32 rok0 = rok_irqs;
    for (u32 n = 0; n < frames; n++) {
        u32 len = 42 + rnd() % (1514 - 42);
        if (n % 7 == 0)
            len = 42;                  /* short: padded to 60 */
        build_frame(TX_BUF(tx_desc & 3), len, mac);
        memcpy(f, TX_BUF(tx_desc & 3), len);
        u32 before = rok_irqs;
        transmit(len);
        wait_irq(&rok_irqs, before);
        check(!(inb(io + 0x37) & 1), 41, "BUFE clear with a frame", inb(io + 0x37));
        u32 old = rd;
        receive_check(&rd, f, len, ring, !wrap);
        if (rd < old)
            wrapped++;
        check(inb(io + 0x37) & 1, 42, "BUFE set when drained", inb(io + 0x37));
        check(inw(io + 0x3A) == rd, 43, "CBR equals the read point", inw(io + 0x3A));
    }
    check(rok_irqs - rok0 == frames, 44, "one ROK interrupt a frame", rok_irqs - rok0);
    puts("loopback WRAP=");
    putdec(wrap);
    puts(": ");
    putdec(frames);
    puts(" frames, ring wrapped ");
    putdec(wrapped);
    puts(" times, ok\n");
}

u32 guest_main(u32 magic, u32 info)
{
    (void)magic;
    (void)info;
    idt[0x2B] = idt_gate((u32)irq11_stub, 0);
    load_tables(gdt, sizeof gdt, idt, sizeof idt);
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    puts("nic guest\n");

    /* PCI 00:03.0 as a direct kernel boot leaves it. */
    u32 id = pci_read(0x18, 0), cls = pci_read(0x18, 8), intr = pci_read(0x18, 0x3C);
    check(id == 0x813910ECu, 1, "PCI ID at 03.0", id);
    check(cls == 0x02000010u, 2, "class and revision", cls);
    check((intr & 0xFFFF) == 0x010B, 3, "interrupt pin A, line 11", intr);
    check(pci_read(0x08, 0x60) == 0x0B0B0A0Au, 4, "PIIX3 PIRQ routes", pci_read(0x08, 0x60));
    io = (u16)(pci_read(0x18, 0x10) & ~3u);
    pci_write(0x18, 4, 0x0007);        /* I/O, memory, bus master */
    puts("rtl8139 at 00:03.0, INTA# -> IRQ 11, I/O 0x");
    puthex32(io);
    puts("\n");

    check(inl(io + 0x40) == 0x74000000u, 5, "TCR hardware version (RTL8139C)", inl(io + 0x40));
    u16 w0 = eeprom_read(0), w7 = eeprom_read(7), w8 = eeprom_read(8), w9 = eeprom_read(9);
    check(w0 == 0x8129, 6, "EEPROM word 0", w0);
    u8 idr[6];
    for (int i = 0; i < 6; i++)
        idr[i] = inb(io + (u16)i);
    check(w7 == (idr[0] | (idr[1] << 8)) && w8 == (idr[2] | (idr[3] << 8)) &&
          w9 == (idr[4] | (idr[5] << 8)), 7, "EEPROM MAC words match IDR", w7);
    puts("EEPROM 0x");
    puthex32(w0);
    puts(", MAC ");
    for (int i = 0; i < 6; i++) {
        puthex8(idr[i]);
        putc(i < 5 ? ':' : '\n');
    }
    check(inw(io + 0x64) & 0x0004, 8, "BMSR link up", inw(io + 0x64));

    /* PIC: vectors 20h/28h, cascade, only IRQ 2 and 11 open (level in ELCR). */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFB); outb(0xA1, 0xF7);
    check(inb(0x4D1) & 0x08, 9, "ELCR: IRQ 11 level-triggered", inb(0x4D1));
    __asm__ volatile("sti");

    loopback_run(0, 40);
    loopback_run(1, 40);
    check(tok_irqs >= 80, 50, "TOK interrupts", tok_irqs);

    /* The filter: a unicast frame for another station is not received. */
    u8 other[6] = { 0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC };
    build_frame(TX_BUF(tx_desc & 3), 100, other);
    transmit(100);
    check(inb(io + 0x37) & 1, 51, "a frame for another address is filtered", inb(io + 0x37));
    /* ... but with AAP it is. */
    outl(io + 0x44, 0x0B | 0x80);
    build_frame(TX_BUF(tx_desc & 3), 100, other);
    transmit(100);
    check(!(inb(io + 0x37) & 1), 52, "AAP accepts every frame", inb(io + 0x37));

    /* Overflow: nothing consumed, 1514-byte frames until the ring is full. */
    outb(io + 0x37, 0x10);
    outl(io + 0x30, (u32)RX_RING);
    outb(io + 0x37, 0x0C);
    outl(io + 0x44, 0x0A | 0x80);
    outl(io + 0x40, 3u << 17);
    outl(io + 0x4C, 0);
    outw(io + 0x3C, 0x0000);
    for (int n = 0; n < 8; n++) {
        build_frame(TX_BUF(tx_desc & 3), 1514, mac);
        transmit(1514);
    }
    u16 isr = inw(io + 0x3E);
    u32 mpc = inl(io + 0x4C);
    check(isr & 0x10, 53, "RXOVW after the ring filled", isr);
    check(mpc == 3, 54, "missed packets (5 of 8 fit in 8 KiB)", mpc);
    puts("overflow: RXOVW, ");
    putdec(mpc);
    puts(" missed\n");
    outw(io + 0x3E, 0xFFFF);
    check(inw(io + 0x3E) == 0, 55, "ISR write-1-to-clear", inw(io + 0x3E));

    /* TimerInt: TimeOut when TCTR reaches it (33 MHz: 3300 = 100 us). */
    outw(io + 0x3C, 0x4000);
    outl(io + 0x54, 3300);
    outl(io + 0x48, 0);
    u32 before = timeout_irqs;
    while (timeout_irqs == before)
        __asm__ volatile("hlt");
    u32 tctr = inl(io + 0x48);
    check(tctr >= 3300, 56, "TCTR past TimerInt", tctr);
    puts("TimerInt: TimeOut interrupt\n");
    outl(io + 0x54, 0);
    outw(io + 0x3C, 0);
    __asm__ volatile("cli");
    check(irqs >= rok_irqs, 57, "IRQ count", irqs);
    if (!failures)
        puts("nic: all checks passed\n");
    return failures;
}
