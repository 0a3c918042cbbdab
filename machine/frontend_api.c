#include <stdio.h>

#include "machine/frontend_api.h"
#include "machine/board.h"
#include "machine/replay.h"
#include "machine/machine.h"

enum vga_screen_kind machine_screen_kind(const struct machine *m)
{
    return vga_screen_kind(&m->vga);
}

int machine_screen_text(const struct machine *m, struct vga_text_screen *t)
{
    return vga_text_snapshot(&m->vga, t);
}

void machine_screen_attr_rgb(const struct machine *m, unsigned index, uint8_t rgb[3])
{
    vga_attr_rgb(&m->vga, index, rgb);
}

int machine_screen_rgb(const struct machine *m, uint8_t **rgb, unsigned *width, unsigned *height)
{
    return vga_render_rgb(&m->vga, rgb, width, height);
}

int machine_screen_geometry(const struct machine *m, struct vga_frame_geometry *g)
{
    return vga_frame_geometry(&m->vga, g);
}

int machine_screen_render(const struct machine *m, uint32_t *px, unsigned stride, uint64_t frame)
{
    return vga_render_frame(&m->vga, px, stride, frame);
}

uint64_t machine_screen_generation(const struct machine *m)
{
    return m->vga.generation;
}

int machine_set_display_refresh(struct machine *m, void (*fn)(void *opaque), void *opaque,
                                uint64_t period_ns)
{
    return board_display_set(m, fn, opaque, period_ns);
}

void machine_set_audio_sink(struct machine *m, machine_audio_sink sink, void *opaque)
{
    board_audio_set_sink(m, sink, opaque);
}

uint64_t machine_audio_frames(const struct machine *m)
{
    return m->audio.frames;
}

void machine_pace_idle(struct machine *m)
{
    m->clock.pace_idle = 1;
}

void machine_key(struct machine *m, unsigned code, int down)
{
    if (m->replay && replay_key(m, code, down))
        return;
    ps2kbd_key(&m->kbc.kbd, code, down);
}

void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons)
{
    if (m->replay && replay_mouse(m, dx, dy, dz, buttons))
        return;
    ps2mouse_event(&m->kbc.mouse, dx, dy, dz, buttons);
}

void machine_power_button(struct machine *m)
{
    if (m->replay && replay_power_button(m))
        return;
    acpi_pm_press_power_button(&m->pm);
}

void machine_reset_button(struct machine *m)
{
    board_request_reset(m);
}

uint64_t machine_time_ns(const struct machine *m)
{
    return clock_now(&m->clock);
}

uint64_t machine_insns(const struct machine *m)
{
    return machine_insn_total(m);
}

void machine_set_debugcon(struct machine *m, FILE *out)
{
    debugcon_set_output(&m->debugcon, out);
}

void machine_set_seabios_log(struct machine *m, FILE *out)
{
    debugcon_set_output(&m->seabios_log, out);
}

int machine_serial_count(const struct machine *m)
{
    return (int)(sizeof m->com / sizeof m->com[0]);
}

void machine_serial_attach(struct machine *m, int port, const struct uart_backend *b)
{
    if (port >= 0 && port < machine_serial_count(m) && m->replay)
        replay_serial_attach(m, port, b);
    else if (port >= 0 && port < machine_serial_count(m))
        uart16550_set_backend(&m->com[port], b);
}

int machine_parse_backend(const char *name, enum dbt_backend *b)
{
    return dbt_parse_backend(name, b);
}

int machine_parse_mmu_mode(const char *name, enum mmu_mode *mode)
{
    return mmu_parse_mode(name, mode);
}

uint32_t machine_exit_value(const struct machine *m)
{
    return m->exit_value;
}

const char *machine_lockstep_report(const struct machine *m)
{
    return m->lockstep_report;
}

void machine_describe_position(const struct machine *m, char *buf, size_t bufsz)
{
    const struct cpu *c = m->cpu;
    int n = snprintf(buf, bufsz, "at %04X:%08X after %llu instructions, ", c->seg[SEG_CS].sel,
                     c->eip, (unsigned long long)machine_insn_total(m));
    if (n < 0 || (size_t)n >= bufsz)
        return;
    if (m->postcode.writes)
        snprintf(buf + n, bufsz - (size_t)n, "last POST code 0x%02X", m->postcode.last);
    else
        snprintf(buf + n, bufsz - (size_t)n, "no POST code");
}

int machine_interrupts_enabled(const struct machine *m)
{
    return (cpu_get_eflags(m->cpu) & EFLAGS_IF) != 0;
}

void machine_fault_chain(const struct machine *m, char *buf, size_t bufsz)
{
    cpu_format_fault_chain(m->cpu, buf, bufsz);
}

int machine_net_attach(struct machine *m, const struct net_backend *b)
{
    if (!m->nic.present)
        return 0;
    if (m->replay)
        replay_net_attach(m, b);
    else
        board_nic_attach(m, b);
    /* A live network answers in host time: while the guest idles waiting
     * for it, wait in host time too, or its timeouts would run out before
     * the host could answer. Only pacing: the guest sees the same times. */
    if (b->poll)
        machine_pace_idle(m);
    return 1;
}
