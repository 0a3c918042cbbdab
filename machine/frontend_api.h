/* What a frontend may do with a machine: the small API the command line
 * and window frontends use instead of reaching into struct machine.
 *
 * Frontends sit above machine/ (docs/architecture.md): they see the screen
 * as the VGA describes it, send keys, mouse motion and the power button,
 * give the serial ports and debug consoles somewhere to write, and read
 * where the run stopped. Everything here takes effect between instructions
 * (the frontends call it from the run loop's poll or display timer), so
 * input reaches the guest at a point of the virtual clock, never midway.
 */
#ifndef SHADOW86_MACHINE_FRONTEND_API_H
#define SHADOW86_MACHINE_FRONTEND_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dbt/dbt.h"
#include "devices/audio_src.h"
#include "devices/blockdev.h"
#include "devices/ps2.h"
#include "devices/uart16550.h"
#include "devices/vga_render.h"
#include "devices/vga_screen.h"
#include "mmu/mmu.h"
#include "machine/board_nic.h"

/* Defaults a frontend shows in its help (they live in the parts that
 * apply them). */
#define MACHINE_CODE_CACHE_DEFAULT_MIB DBT_CACHE_DEFAULT_MIB
#define MACHINE_SNAPSHOT_RAM_DEFAULT_MIB ((unsigned)(BLOCKDEV_OVERLAY_RAM_DEFAULT >> 20))

struct machine;

/* The screen: what the VGA shows now (text, graphics or nothing). */
enum vga_screen_kind machine_screen_kind(const struct machine *m);
/* Text mode: the characters, attributes and cursor. Returns 0, or -1 when
 * the screen is not in a text mode. */
int machine_screen_text(const struct machine *m, struct vga_text_screen *t);
/* The RGB colour of text attribute colour `index` (0-15). */
void machine_screen_attr_rgb(const struct machine *m, unsigned index, uint8_t rgb[3]);
/* Graphics: the visible picture as 8-bit RGB triples in *rgb (malloc'd,
 * the caller frees). Returns 0, or -1 with nothing allocated. */
int machine_screen_rgb(const struct machine *m, uint8_t **rgb, unsigned *width, unsigned *height);
/* The picture as pixels (0x00RRGGBB), for a window: its size now
 * (returns -1 when the screen is off or shows nothing renderable), and
 * the whole frame rendered into px (`stride` pixels a row) with the
 * blink phases of refresh number `frame`. */
int machine_screen_geometry(const struct machine *m, struct vga_frame_geometry *g);
int machine_screen_render(const struct machine *m, uint32_t *px, unsigned stride, uint64_t frame);
/* A number that changes whenever anything that can change the picture
 * was written (VGA registers, DAC, video memory): equal numbers, equal
 * pictures (but for blinking). */
uint64_t machine_screen_generation(const struct machine *m);
/* Have `fn` called every `period_ns` of machine time (0 stops it): the
 * frontend's refresh and input poll. Returns 0, or -1 with no timer left. */
int machine_set_display_refresh(struct machine *m, void (*fn)(void *opaque), void *opaque,
                                uint64_t period_ns);
/* Sound: every sound device's output mixed, as stereo 16-bit frames (L, R
 * interleaved) at MACHINE_AUDIO_RATE of machine time, handed to `sink`
 * every 10 ms of machine time and when a run ends (NULL: no sound; the
 * devices then render nothing). The frames depend on the machine clock
 * only, so with -rtc clock=vm two runs give the same frames. */
#define MACHINE_AUDIO_RATE AUDIO_RATE
typedef void (*machine_audio_sink)(void *opaque, const int16_t *frames, size_t count);
void machine_set_audio_sink(struct machine *m, machine_audio_sink sink, void *opaque);
/* Frames handed to the sink so far. */
uint64_t machine_audio_frames(const struct machine *m);
/* Input from a person: while the machine waits idle (HLT), wait in host
 * time too, so typed keys arrive at a human pace. */
void machine_pace_idle(struct machine *m);

/* Keyboard: a key (PS/2 set-2 make code, with PS2_KEY_E0 for E0-prefixed
 * keys, or PS2_KEY_PAUSE / PS2_KEY_PRTSC) pressed or released; the
 * keyboard controller translates to set 1 when the guest asks. */
void machine_key(struct machine *m, unsigned code, int down);
#define MACHINE_KEY_E0 PS2_KEY_E0
#define MACHINE_KEY_PAUSE PS2_KEY_PAUSE
#define MACHINE_KEY_PRTSC PS2_KEY_PRTSC
/* Mouse: relative motion, wheel and the buttons held (bit 0 left, 1 right,
 * 2 middle). */
void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons);
/* The ACPI power button (a guest with ACPI shuts down cleanly). */
void machine_power_button(struct machine *m);
/* The reset button: the machine resets at the end of the current slice
 * (with -no-reboot the run ends, as for a guest's reset). */
void machine_reset_button(struct machine *m);
/* Machine time now (ns since power-on, virtual or host as -rtc says) and
 * the instructions retired, for a frontend's title and scripts. */
uint64_t machine_time_ns(const struct machine *m);
uint64_t machine_insns(const struct machine *m);

/* Where guest output goes: port 0xE9, port 0x402 (SeaBIOS's log), and the
 * serial ports (0 = COM1, 1 = COM2). NULL discards. */
void machine_set_debugcon(struct machine *m, FILE *out);
void machine_set_seabios_log(struct machine *m, FILE *out);
int machine_serial_count(const struct machine *m);
void machine_serial_attach(struct machine *m, int port, const struct uart_backend *b);

/* The network card's host end (machine/board_nic.h): frames from the
 * guest go to b->send; b->poll is asked for frames from the network from
 * the card's poll timer, between instructions. No card: nothing happens.
 * Returns 1 when the machine has a card. */
int machine_net_attach(struct machine *m, const struct net_backend *b);

/* "nested" or "shadow" to the MMU mode (--mmu). Returns 0, or -1. */
int machine_parse_mmu_mode(const char *name, enum mmu_mode *mode);
/* "x86-64" or "portable" (--backend): 0, or -1 for any other name. */
int machine_parse_backend(const char *name, enum dbt_backend *b);

/* Host memory (docs/overcommit.md): the process's page pool, made before
 * the machines (machine_options.pool) and freed after them. A limit of 0
 * MiB: none; swap_path NULL: no swap file. NULL with a one-line reason
 * in err. */
struct hostpool;
struct hostpool *machine_hostpool_create(uint32_t limit_mib, const char *swap_path, char *err,
                                         size_t errsz);
void machine_hostpool_destroy(struct hostpool *p);
/* One "memstats key=value ..." line: the pool's counters (every machine
 * in it), at machine `m`'s time (--stats-interval). */
void machine_hostpool_print_line(const struct hostpool *p, const struct machine *m, FILE *out);
/* RAM pages of `m` that read the zero page (never written, or merged). */
uint64_t machine_zero_pages(const struct machine *m);

/* How the run ended, for the frontend's closing line. */
uint32_t machine_exit_value(const struct machine *m);
const char *machine_lockstep_report(const struct machine *m);
/* "at CS:EIP after N instructions, last POST code 0xNN" */
void machine_describe_position(const struct machine *m, char *buf, size_t bufsz);
/* The interrupt flag now (a halted CPU with IF=0 can never wake). */
int machine_interrupts_enabled(const struct machine *m);
/* The exceptions of the last double/triple fault, e.g. "#GP -> #DF -> #GP". */
void machine_fault_chain(const struct machine *m, char *buf, size_t bufsz);

#endif
