/* Fuzz target: random code in a sandbox guest, under lockstep: the
 * translator runs it and the interpreter, on a twin machine, is held to
 * the same instruction counts; their CPUs are compared after every block
 * (or every instruction) and their RAM periodically and at the end
 * (machine/lockstep.c). A divergence is a crash.
 *
 * Input: one control byte, then the code. The firmware copies the code
 * to 0000:1000 and jumps to it, in real mode (control bit 0 clear) or in
 * flat 32-bit protected mode (bit 0 set: a GDT with code 0x08 and data
 * 0x10, segments loaded, ESP 0x8000). Bit 1: compare after every
 * instruction rather than every block. The guest runs at most 2,000
 * instructions; faults go through the real-mode IVT or the (empty)
 * protected-mode IDT, so most runs end in a triple fault, which ends the
 * run (no_reboot) with the same state on both sides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_machine.h"
#include "machine/frontend_api.h"

#define CODE_ROM_OFF 0x100u      /* where the copied bytes sit in the ROM */
#define CODE_MAX 0x1000u

/* Real mode, at F000:0000: DS = F000, ES = SS = 0, SP = 0x8000, copy CX
 * bytes from F000:0100 to 0000:1000, then the mode's tail. */
static const uint8_t copy_head[] = {
    0xB8, 0x00, 0xF0,       /* mov ax, 0xF000 */
    0x8E, 0xD8,             /* mov ds, ax */
    0x31, 0xC0,             /* xor ax, ax */
    0x8E, 0xC0,             /* mov es, ax */
    0x8E, 0xD0,             /* mov ss, ax */
    0xBC, 0x00, 0x80,       /* mov sp, 0x8000 */
    0xBE, 0x00, 0x01,       /* mov si, 0x0100 */
    0xBF, 0x00, 0x10,       /* mov di, 0x1000 */
    0xB9, 0x00, 0x00,       /* mov cx, LEN (patched) */
    0xFC,                   /* cld */
    0xF3, 0xA4,             /* rep movsb */
};
#define COPY_LEN_AT 21

static const uint8_t real_tail[] = {
    0x31, 0xC9,                     /* xor cx, cx */
    0xEA, 0x00, 0x10, 0x00, 0x00,   /* jmp 0000:1000 */
};

/* lgdt [0x40] (the descriptor in the ROM, DS = F000); CR0.PE; far jump
 * to 0x08:0x1000, where the 32-bit stub below runs first. */
static const uint8_t pm_tail[] = {
    0x0F, 0x01, 0x16, 0x40, 0x00,   /* lgdt [0x0040] */
    0x0F, 0x20, 0xC0,               /* mov eax, cr0 */
    0x0C, 0x01,                     /* or al, 1 */
    0x0F, 0x22, 0xC0,               /* mov cr0, eax */
    0x66, 0xEA, 0x00, 0x10, 0x00, 0x00, 0x08, 0x00,   /* jmp dword 0x08:0x1000 */
};

static const uint8_t pm_gdt[] = {
    0x17, 0x00, 0x48, 0x00, 0x0F, 0x00,              /* at 0x40: limit, base 0xF0048 */
    0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,                          /* at 0x48: null */
    0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9A, 0xCF, 0x00,  /* 0x08: code, flat, 32-bit */
    0xFF, 0xFF, 0x00, 0x00, 0x00, 0x92, 0xCF, 0x00,  /* 0x10: data, flat */
};

static const uint8_t pm_stub[] = {
    0x66, 0xB8, 0x10, 0x00,         /* mov ax, 0x10 */
    0x8E, 0xD8, 0x8E, 0xC0, 0x8E, 0xD0, 0x8E, 0xE0, 0x8E, 0xE8,   /* ds es ss fs gs */
    0xBC, 0x00, 0x80, 0x00, 0x00,   /* mov esp, 0x8000 */
    0x31, 0xC0,                     /* xor eax, eax */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *rom = calloc(1, CODE_ROM_OFF + sizeof pm_stub + CODE_MAX);
    struct fuzz_file romf;
    struct machine_options o;
    struct machine *m = calloc(1, sizeof *m);
    char err[MACHINE_ERR_MAX];
    size_t at = 0, n;

    if (size < 1 || !rom || !m) {
        free(rom);
        free(m);
        return 0;
    }
    uint8_t ctl = data[0];
    data++, size--;
    n = size < CODE_MAX ? size : CODE_MAX;

    memcpy(rom, copy_head, sizeof copy_head);
    at = sizeof copy_head;
    size_t copied = n + ((ctl & 1) ? sizeof pm_stub : 0);
    rom[COPY_LEN_AT] = (uint8_t)copied;
    rom[COPY_LEN_AT + 1] = (uint8_t)(copied >> 8);
    if (ctl & 1) {
        memcpy(rom + at, pm_tail, sizeof pm_tail);
        memcpy(rom + 0x40, pm_gdt, sizeof pm_gdt);
        memcpy(rom + CODE_ROM_OFF, pm_stub, sizeof pm_stub);
        memcpy(rom + CODE_ROM_OFF + sizeof pm_stub, data, n);
    } else {
        memcpy(rom + at, real_tail, sizeof real_tail);
        memcpy(rom + CODE_ROM_OFF, data, n);
    }
    fuzz_rom_make(&romf, rom, CODE_ROM_OFF + copied);
    free(rom);

    fuzz_machine_options(&o, romf.path, 2);
    o.lockstep = (ctl & 2) ? 2 : 1;
    o.max_insns = 2000;
    if (machine_create(m, &o, err, sizeof err) != 0 ||
        machine_lockstep_attach(m, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_lockstep: machine: %s\n", err);
        abort();
    }
    enum machine_stop why = machine_run_lockstep(m);
    if (why == MACHINE_STOP_DIVERGED) {
        fprintf(stderr, "fuzz_lockstep: the translator and the interpreter diverged:\n%s\n",
                machine_lockstep_report(m));
        abort();
    }
    fuzz_check_ram_bounds(m, "fuzz_lockstep");
    machine_destroy(m);
    free(m);
    fuzz_file_close(&romf);
    return 0;
}
