/* The SB16's CT1745 mixer: the SB16 register block 0x30-0x47 with the
 * SBPro registers it keeps for compatibility (0x04 voice, 0x0A mic, 0x22
 * master, 0x26 MIDI, 0x28 CD, 0x2E line: 4-bit left/right nibbles mapped
 * onto the top bits of the 5-bit SB16 registers), and the interrupt and
 * DMA setup registers 0x80 (IRQ select), 0x81 (DMA select) and 0x82
 * (interrupt status, read-only). Master and voice scale the DSP's sound,
 * master and FM (0x34/0x35, SBPro 0x26) the OPL3's (devices/opl3.c); the
 * other inputs (CD, line, mic) have no source on this board.
 */
#include "devices/sb16.h"

/* Power-on values (programming guide, mixer register table). */
void sb16_mixer_reset(struct sb16 *s)
{
    uint8_t irq = s->mixer[0x80], dma = s->mixer[0x81];
    int keep = irq != 0;   /* register 0 resets levels, not the jumpers' setup */
    for (unsigned i = 0; i < SB16_MIXER_REGS; i++)
        s->mixer[i] = 0;
    s->mixer[0x30] = s->mixer[0x31] = 0xC0;   /* master -14 dB */
    s->mixer[0x32] = s->mixer[0x33] = 0xC0;   /* voice */
    s->mixer[0x34] = s->mixer[0x35] = 0xC0;   /* MIDI */
    s->mixer[0x3C] = 0x1F;                    /* output switches: all on */
    s->mixer[0x3D] = 0x15;                    /* input switches left */
    s->mixer[0x3E] = 0x0B;                    /* input switches right */
    s->mixer[0x44] = s->mixer[0x45] = 0x80;   /* treble */
    s->mixer[0x46] = s->mixer[0x47] = 0x80;   /* bass */
    s->mixer[0x80] = keep ? irq : 0x02;       /* IRQ 5 */
    s->mixer[0x81] = keep ? dma : 0x22;       /* DMA 1 and 5 */
}

/* SBPro register -> the SB16 pair it aliases (0 if none). */
static uint8_t sbpro_pair(uint8_t r)
{
    switch (r) {
    case 0x04: return 0x32;
    case 0x22: return 0x30;
    case 0x26: return 0x34;
    case 0x28: return 0x36;
    case 0x2E: return 0x38;
    default: return 0;
    }
}

uint8_t sb16_mixer_read(struct sb16 *s)
{
    uint8_t r = s->mixer_index;
    uint8_t pair = sbpro_pair(r);
    if (pair)
        return (uint8_t)((s->mixer[pair] & 0xF0) | (s->mixer[pair + 1] >> 4));
    if (r == 0x0A)
        return (uint8_t)(s->mixer[0x3A] >> 5);
    if (r == 0x82)
        return s->irq_pending & 3;
    if (r == 0x80)
        return (uint8_t)(s->mixer[0x80] | 0xF0);   /* unused bits read 1 */
    return s->mixer[r];
}

void sb16_mixer_write(struct sb16 *s, uint8_t v)
{
    uint8_t r = s->mixer_index;
    uint8_t pair = sbpro_pair(r);
    sb16_catch_up(s);   /* levels apply from now on */
    if (s->before_mixer)
        s->before_mixer(s->mixer_observer);
    if (r == 0x00) {
        sb16_mixer_reset(s);
        return;
    }
    if (pair) {
        /* 4-bit nibbles to the 5-bit registers' bits 7-4; bit 3 follows
         * bit 4 (the hardware's rule, so 0xF maps to 0xF8 = 0 dB). */
        uint8_t l = v & 0xF0, rr = (uint8_t)(v << 4);
        s->mixer[pair] = (uint8_t)(l | (l & 0x10 ? 0x08 : 0));
        s->mixer[pair + 1] = (uint8_t)(rr | (rr & 0x10 ? 0x08 : 0));
        return;
    }
    if (r == 0x0A) {
        s->mixer[0x3A] = (uint8_t)((v & 7) << 5);
        return;
    }
    if (r >= 0x30 && r <= 0x3B) {
        s->mixer[r] = v & 0xF8;       /* 5-bit levels in bits 7-3 */
        return;
    }
    if (r == 0x80) {
        s->mixer[0x80] = v & 0x0F;
        sb16_update_irq(s);
        return;
    }
    if (r == 0x81) {
        s->mixer[0x81] = v & 0xEB;    /* DMA 0, 1, 3, 5, 6, 7 */
        return;
    }
    if (r == 0x82)
        return;                       /* read-only */
    s->mixer[r] = v;
}
