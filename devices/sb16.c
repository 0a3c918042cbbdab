/* The SB16's ports, interrupt lines, reset and saved state (see sb16.h). */
#include <string.h>

#include "devices/sb16.h"

const uint8_t sb16_irq_numbers[SB16_IRQS] = { 2, 5, 7, 10 };

/* The pending interrupts drive the line register 0x80 selects (the
 * others low). */
void sb16_update_irq(struct sb16 *s)
{
    int level = s->irq_pending != 0;
    for (int i = 0; i < SB16_IRQS; i++) {
        /* Only lines this card drives are touched: the unselected ones
         * may be other devices' (IRQ 9 is the ACPI SCI, 10 a PCI PIRQ). */
        int want = level && (s->mixer[0x80] & (1u << i));
        if (want != ((s->irq_driven >> i) & 1)) {
            irq_set(&s->irq[i], want);
            s->irq_driven ^= (uint8_t)(1u << i);
        }
    }
}

static uint32_t sb16_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct sb16 *s = opaque;
    (void)size;
    switch (port - SB16_BASE) {
    case 0x4:
        return s->mixer_index;
    case 0x5:
        return sb16_mixer_read(s);
    case 0xA: {
        if (!s->q_len)
            return s->queue[(s->q_head + SB16_QUEUE - 1) % SB16_QUEUE];   /* the last byte again */
        uint8_t v = s->queue[s->q_head];
        s->q_head = (uint8_t)((s->q_head + 1) % SB16_QUEUE);
        s->q_len--;
        return v;
    }
    case 0xC:
        return 0x7F;              /* bit 7 clear: ready for a command */
    case 0xE:
        s->irq_pending &= (uint8_t)~1u;   /* acknowledges the 8-bit IRQ */
        sb16_update_irq(s);
        return s->q_len ? 0xFF : 0x7F;    /* bit 7: data to read */
    case 0xF:
        s->irq_pending &= (uint8_t)~2u;   /* acknowledges the 16-bit IRQ */
        sb16_update_irq(s);
        return 0xFF;
    default:
        return 0xFF;
    }
}

static void sb16_io_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct sb16 *s = opaque;
    (void)size;
    uint8_t v = (uint8_t)val;
    switch (port - SB16_BASE) {
    case 0x4:
        s->mixer_index = v;
        break;
    case 0x5:
        sb16_mixer_write(s, v);
        break;
    case 0x6:
        /* Reset: 1 then 0; the DSP answers 0xAA. */
        if (s->reset_high && !(v & 1))
            sb16_dsp_reset(s);
        s->reset_high = v & 1;
        break;
    case 0xC:
        sb16_dsp_write(s, v);
        break;
    default:
        break;
    }
}

static void block_timer(void *opaque)
{
    struct sb16 *s = opaque;
    sb16_catch_up(s);
    sb16_play_arm(s);
}

static void dma_access(void *opaque)
{
    sb16_catch_up(opaque);
}

void sb16_reset(struct sb16 *s)
{
    sb16_catch_up(s);
    if (s->before_mixer)
        s->before_mixer(s->mixer_observer);
    s->mixer[0x80] = 0;
    sb16_mixer_reset(s);
    s->mixer_index = 0;
    s->reset_high = 0;
    s->test_reg = 0;
    sb16_dsp_reset(s);
    s->q_head = s->q_len = 0;   /* no 0xAA until the guest resets the DSP */
}

int sb16_init(struct sb16 *s, struct iobus *bus, struct clock *clock, struct i8237 *dma,
              const struct irq_line irq[SB16_IRQS], FILE *log)
{
    memset(s, 0, sizeof *s);
    s->clock = clock;
    s->dma = dma;
    s->log = log;
    for (int i = 0; i < SB16_IRQS; i++)
        s->irq[i] = irq[i];
    s->timer = clock_timer_add(clock, "sb16", block_timer, s);
    if (s->timer < 0)
        return -1;
    i8237_observe(dma, dma_access, s);
    sb16_reset(s);
    /* 0x220-0x22F but the OPL3's 0-3 and 8-9 (devices/opl3.c). */
    if (iobus_register(bus, SB16_BASE + 4, 3, sb16_io_read, sb16_io_write, s, "sb16 mixer/reset") != 0 ||
        iobus_register(bus, SB16_BASE + 0xA, 6, sb16_io_read, sb16_io_write, s, "sb16 dsp") != 0)
        return -1;
    return 0;
}

void sb16_free(struct sb16 *s)
{
    audio_src_free(&s->out);
}

static const struct state_field sb16_fields[] = {
    STATE_FIELD(struct sb16, reset_high, 1),
    STATE_FIELD(struct sb16, cmd, 0xFF),
    STATE_FIELD(struct sb16, nparams, 4),
    STATE_FIELD(struct sb16, params_got, 3),
    STATE_ARRAY(struct sb16, params, 0xFF),
    STATE_ARRAY(struct sb16, queue, 0xFF),
    STATE_FIELD(struct sb16, q_head, SB16_QUEUE - 1),
    STATE_FIELD(struct sb16, q_len, SB16_QUEUE),
    STATE_FIELD(struct sb16, test_reg, 0xFF),
    STATE_FIELD(struct sb16, speaker, 1),
    STATE_FIELD(struct sb16, rate, 45000),
    STATE_FIELD(struct sb16, block_len, 0xFFFF),
    STATE_FIELD(struct sb16, direct, 0xFF),
    STATE_FIELD(struct sb16, irq_pending, 3),
    STATE_FIELD(struct sb16, active, 1),
    STATE_FIELD(struct sb16, paused, 1),
    STATE_FIELD(struct sb16, bits16, 1),
    STATE_FIELD(struct sb16, stereo, 1),
    STATE_FIELD(struct sb16, is_signed, 1),
    STATE_FIELD(struct sb16, autoinit, 1),
    STATE_FIELD(struct sb16, input, 1),
    STATE_FIELD(struct sb16, exit_pending, 1),
    STATE_FIELD(struct sb16, block_frames, 0x10000),
    STATE_FIELD(struct sb16, fetched, 0x10000),
    STATE_FIELD(struct sb16, seg_base, 0x10000),
    STATE_FIELD(struct sb16, seg_start, STATE_ANY),
    STATE_FIELD(struct sb16, cur_l, 0xFFFF),
    STATE_FIELD(struct sb16, cur_r, 0xFFFF),
    STATE_FIELD(struct sb16, mixer_index, 0xFF),
    STATE_ARRAY(struct sb16, mixer, 0xFF),
};
static const struct state_layout sb16_layout = STATE_LAYOUT("SB16", 1, sb16_fields);

void sb16_save(const struct sb16 *s, struct state_writer *w)
{
    state_save_layout(w, &sb16_layout, NULL, s);
}

int sb16_load(struct sb16 *s, struct state_reader *r)
{
    if (state_load_layout(r, &sb16_layout, NULL, s) != 0)
        return -1;
    if (s->rate < 1 || s->fetched > s->block_frames || s->seg_base > s->block_frames ||
        s->params_got >= 4)
        return -1;
    s->irq_driven = 0;   /* the PIC restored its own input levels */
    sb16_update_irq(s);
    return 0;
}
