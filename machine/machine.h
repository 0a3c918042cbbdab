/* struct machine: one emulated PC, with everything it owns.
 *
 * All mutable emulator state lives here (or in what it embeds), never in
 * globals, so two machines can run side by side in one process. The
 * machine wires the CPU's port I/O to the bus, puts the debug devices on
 * it, loads firmware or a kernel and runs the CPU until something ends
 * the run. It holds no device or CPU logic of its own.
 */
#ifndef SHADOW86_MACHINE_MACHINE_H
#define SHADOW86_MACHINE_MACHINE_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "dbt/dbt.h"
#include "devices/debugcon.h"
#include "devices/exitport.h"
#include "devices/fdc.h"
#include "devices/ferr.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/i8237.h"
#include "devices/i8254.h"
#include "devices/i8259.h"
#include "devices/hpet.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/mc146818.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/resetctl.h"
#include "devices/uart16550.h"
#include "devices/iobus.h"
#include "devices/acpi_pm.h"
#include "devices/blockdev.h"
#include "devices/ide.h"
#include "devices/pci.h"
#include "devices/pci_pc.h"
#include "devices/pcspk.h"
#include "devices/sb16.h"
#include "devices/opl3.h"
#include "devices/vga.h"
#include "machine/board_audio.h"
#include "machine/board_balloon.h"
#include "machine/board_display.h"
#include "machine/board_nic.h"
#include "devices/postcode.h"
#include "base/clock.h"
#include "machine/linux_boot.h"
#include "machine/multiboot.h"
#include "machine/smp.h"
#include "mmu/mmu.h"
#include "mmu/physmem.h"

#define MACHINE_ERR_MAX 512
#define MACHINE_RAM_MIN_MIB 1u
#define MACHINE_RAM_MAX_MIB 3584u   /* keeps RAM clear of the PCI/ROM hole */
#define MACHINE_RAM_DEFAULT_MIB 128u
#define MACHINE_CPUS_MAX 8u     /* -smp N: APIC IDs 0..7 */
#define MACHINE_IDE_UNITS (IDE_CHANNELS * 2)   /* -hda..-hdd; -cdrom is unit 2 */

/* How -kernel starts (docs/platform.md, "Booting -kernel through the
 * firmware"). */
enum machine_kernel_boot {
    MACHINE_KERNEL_BOOT_DIRECT,    /* the loaders enter the kernel; no firmware runs */
    MACHINE_KERNEL_BOOT_FIRMWARE   /* bios_path runs; roms/linuxboot boots the kernel */
};

struct machine_options {
    uint32_t ram_mib;
    const char *bios_path;       /* firmware image, or NULL */
    const char *kernel_path;     /* Linux bzImage or multiboot kernel, or NULL */
    const char *initrd_path;     /* Linux initrd, or NULL */
    const char *cmdline;         /* kernel command line, or NULL */
    enum machine_kernel_boot kernel_boot;   /* with kernel_path; FIRMWARE needs bios_path */
    FILE *debugcon_out;          /* port 0xE9 output (not owned); NULL discards */
    FILE *log;                   /* one-line notices (resets); NULL: silent */
    int no_reboot;               /* a triple fault or a guest reset ends the run
                                    instead of resetting */
    int no_dbt;                  /* run the interpreter instead of the translator */
    uint32_t code_cache_mib;     /* translator cache limit in MiB (0: the default) */
    const char *tmp_dir;         /* where a -snapshot overlay spills past its RAM
                                    limit ($TMPDIR, from the frontend; NULL: /tmp) */
    int lockstep;                /* 1: check the translator against the interpreter
                                    after every block; 2: after every instruction */
    enum mmu_mode mmu_mode;      /* how paging is emulated: nested or shadow */
    int dbt_backend_set;         /* dbt_backend given (else the host's default) */
    enum dbt_backend dbt_backend;   /* the translator's backend */
    size_t code_buffer_bytes;    /* native backend's code buffer; 0: default */
    uint64_t max_insns;          /* stop after this many instructions; 0: no limit */
    /* Storage and display (machine/board_ide.c, board_vga.c). */
    const char *hd_paths[4];     /* -hda..-hdd: IDE disks, primary/secondary master/slave */
    const char *cdrom_path;      /* -cdrom: ATAPI CD-ROM image on the secondary master */
    const char *fd_paths[FDC_DRIVES];   /* -fda, -fdb: floppy images (machine/board_floppy.c) */
    int snapshot;                /* -snapshot: disk writes stay in memory */
    const char *vga_bios_path;   /* -vga-bios FILE, or NULL for the packaged one */
    int sercon;                  /* -nographic: SeaBIOS mirrors its text console on
                                    COM1 (fw_cfg etc/sercon-port) */
    enum clock_mode clock_mode;  /* virtual (default, deterministic) or host */
    FILE *seabios_log_out;       /* port 0x402 output (not owned); NULL discards */
    const char *boot_order;      /* boot devices in order: 'a' floppy, 'c' disk,
                                    'd' CD-ROM, 'n' network; NULL: "cd" */
    enum board_nic_model nic_model;   /* -nic ...,model= (NONE: no card) */
    uint8_t nic_mac[6];          /* its station address */
    const char *nic_rom_path;    /* -nic ...,romfile=: its option ROM, or NULL */
    int rtc_base_set;            /* rtc_base given (else the clock's default) */
    int64_t rtc_base;            /* wall-clock seconds since 1970 at power-on */
    int apic;                    /* local APIC, I/O APIC and HPET (-machine apic=on, the
                                    default); 0: the PIC-only board */
    int x2apic;                  /* the local APICs offer x2APIC mode (-machine x2apic=on) */
    /* The memory balloon (machine/board_balloon.h). */
    int balloon;                 /* -device virtio-balloon */
    int balloon_deflate_on_oom;  /* ...,deflate-on-oom=on */
    uint32_t balloon_target_mib; /* -balloon-target MB at power-on; 0: none */
    const struct balloon_step *balloon_script;   /* -balloon-script steps (not owned) */
    unsigned balloon_script_len;
    /* Host memory (docs/overcommit.md). */
    struct hostpool *pool;       /* the process's page pool (not owned); NULL: the
                                    machine's own, unlimited */
    uint32_t share_scan;         /* sharing scanner: pages per million instructions */
    unsigned smp;                /* CPUs (-smp N, 1..MACHINE_CPUS_MAX; 0 means 1) */
};

enum machine_lockstep_role {
    MACHINE_LOCKSTEP_NONE,
    MACHINE_LOCKSTEP_TRANSLATOR,  /* runs one block per pass and reports the units */
    MACHINE_LOCKSTEP_REFERENCE    /* the interpreter twin, held to those units */
};

/* Why machine_run() returned. */
enum machine_stop {
    MACHINE_STOP_EXIT_PORT,   /* guest wrote port 0xF4; see exit_value */
    MACHINE_STOP_HALTED,      /* HLT and nothing can ever wake the CPU (IF=0,
                                 no timer armed, or every IRQ masked) */
    MACHINE_STOP_SHUTDOWN,    /* triple fault with no_reboot */
    MACHINE_STOP_INSN_LIMIT,  /* max_insns reached */
    MACHINE_STOP_QUIT,        /* machine_request_quit() (the user, via the frontend) */
    MACHINE_STOP_DEBUG,       /* an observer asked (debugger, signal): see debug_stop */
    MACHINE_STOP_RESET,       /* the guest reset the machine (port 0x92, 0xCF9, the
                                 keyboard controller) with no_reboot */
    MACHINE_STOP_DIVERGED,    /* lockstep: the engines disagreed (lockstep_report) */
    MACHINE_STOP_POWEROFF     /* the guest turned the power off (ACPI S5) */
};

/* machine_pass() result meaning "keep running". */
#define MACHINE_PASS_CONTINUE (-1)

/* Observers (debug/) that must act between instructions or slices: a hook
 * sets `debug_stop` and calls cpu_request_stop() to end machine_run() after
 * the current instruction; `poll`, when set, is called between run slices
 * (every MACHINE_SLICE instructions at most) and returns nonzero to stop
 * the run the same way. Neither changes guest state. */
struct machine_debug_poll {
    void *opaque;
    int (*fn)(void *opaque);
};

/* Alarms on the instruction count: the run loop ends its slice exactly at
 * `at` retired instructions (machine_insn_total) and calls `fn` at the top
 * of the next pass, before timers and interrupts, where the machine is
 * between two instructions and can be saved, hashed or given input. `fn`
 * re-arms (machine_set_alarm) or its slot is disarmed. An alarm re-armed
 * for a count already reached is called at every pass top until it moves
 * on (replay waiting for a point of virtual time). Slots: one for the frontend (--save-at), one for
 * record/replay (machine/replay.c), one for the gdb stub's snapshots
 * (debug/gdb_history.c), called in that order. Splitting a slice does not change
 * what the guest sees: deadlines and interrupts are taken at the same
 * instruction whatever the slicing. */
#define MACHINE_ALARM_OFF UINT64_MAX
enum { MACHINE_ALARM_FRONTEND, MACHINE_ALARM_REPLAY, MACHINE_ALARM_DEBUG, MACHINE_ALARMS };
struct machine;
struct machine_alarm {
    uint64_t at;
    void (*fn)(struct machine *m, void *opaque);
    void *opaque;
    int rearmed;             /* machine_set_alarm() was called during fn */
};

struct machine {
    struct machine_options opts;
    struct physmem mem;
    /* The sharing scanner's pace (machine_pass): instructions accounted
     * for, and the remainder in millionths of a page. */
    uint64_t share_insns, share_credit;
    struct mmu mmu;              /* the paging unit ([mmu]), shared by the CPUs: its
                                    shadow spaces are keyed by CR3; the PDPTE
                                    registers are swapped with the running CPU */
    /* The CPUs (machine/smp.c): `cpu` is the one running now, cpus[cur];
     * one CPU unless -smp. They run in turn on this thread, so every
     * instruction (LOCK-prefixed ones included) is atomic to the others. */
    struct cpu *cpu;
    unsigned ncpus, cur;
    struct cpu cpus[MACHINE_CPUS_MAX];
    struct machine_smp_cpu smp[MACHINE_CPUS_MAX];
    uint64_t icount_others;      /* the icount of every CPU but the running one */
    uint64_t slice_left;         /* instructions left in the running CPU's quantum */
    int switch_requested;        /* end the running CPU's turn at the next pass */
    struct iobus bus;
    struct debugcon debugcon;
    struct postcode postcode;
    struct exitport exitport;
    struct dbt *dbt;             /* the translator, or NULL with no_dbt */

    /* The board: machine/board.c's device table wires these. */
    struct clock clock;
    struct i8259 pic;
    int intr_level;              /* the PIC's INTR output */
    struct lapic lapic[MACHINE_CPUS_MAX];   /* each CPU's local APIC (opts.apic) */
    struct ioapic ioapic;        /* 0xFEC00000 (opts.apic) */
    struct hpet hpet;            /* 0xFED00000 (opts.apic) */
    /* Each local APIC's way back to the machine (wiring, not state). */
    struct machine_lapic_port { struct machine *m; unsigned cpu; } lapic_port[MACHINE_CPUS_MAX];
    int lapic_init_logged;       /* "INIT to the BSP not modelled" said once */
    /* ISA IRQ 0 and 8 have two sources each: the PIT / the RTC, and HPET
     * timers 0 / 1 under legacy replacement; the line carries one of them
     * (board_apic.c). Levels of each, indexed [IRQ 0, IRQ 8]. */
    uint8_t isa_legacy_dev_level[2];
    uint8_t isa_legacy_hpet_level[2];
    struct i8254 pit;
    struct port61 port61;
    struct pcspk pcspk;          /* PIT channel 2 through port 0x61 */
    struct mc146818 rtc;
    struct port92 port92;
    struct fw_cfg fw_cfg;
    struct debugcon seabios_log; /* port 0x402 */
    struct uart16550 com[2];     /* COM1 0x3F8 IRQ 4, COM2 0x2F8 IRQ 3 */
    struct i8042 kbc;            /* keyboard controller, keyboard and mouse */
    struct resetctl resetctl;    /* port 0xCF9 */
    struct ferr ferr;            /* port 0xF0: x87 FERR# to IRQ 13, IGNNE# */
    struct pci_bus pci;          /* configuration mechanism #1 */
    struct pci_pc chipset;       /* 00.0 i440FX, 01.0 PIIX3, 01.1 IDE */
    struct acpi_pm pm;           /* 01.3 PIIX4 power management (ACPI) */
    struct ide ide;
    struct blockdev media[MACHINE_IDE_UNITS];   /* images behind the IDE units */
    struct i8237 dma;            /* both 8237s and the page registers */
    struct fdc fdc;              /* 82077AA at 0x3F0, IRQ 6, DMA 2 */
    struct blockdev floppy[FDC_DRIVES];   /* images behind the floppy drives */
    struct sb16 sb16;            /* Sound Blaster 16 at 0x220, IRQ 5, DMA 1 and 5 */
    struct opl3 opl3;            /* its OPL3: 0x220-0x223, 0x228/9, 0x388-0x38B */
    struct vga vga;
    struct pci_device vga_fn;    /* 02.0 */
    struct board_nic nic;        /* 03.0 RTL8139 (-nic), and its host end */
    struct board_balloon balloon;   /* 04.0 virtio-balloon (-device virtio-balloon) */
    uint32_t pirq_assert[4];     /* PIRQA-D: a bit per slot asserting it */
    uint16_t pirq_driven;        /* ISA IRQs PCI interrupts hold high now */
    struct board_display display;   /* the frontend's refresh timer */
    struct board_audio audio;    /* the sound sources mixed for the frontend's sink */
    int quit_requested;          /* the user asked to end the run (frontend) */
    uint8_t a20_sources;         /* BOARD_A20_* bits: A20 is on if any is set */
    int reset_requested;         /* port 0x92 / keyboard controller reset line */
    int poweroff_requested;      /* ACPI S5 entered: the run ends */

    /* machine/state_hash.c's cache: a hash of each RAM page (0 for an
     * all-zero one) and their sum, brought up to date from physmem's
     * dirty bitmap at each machine_state_hash. NULL until the first. */
    uint64_t *ram_page_hash;
    uint64_t ram_hash_sum;

    struct machine_alarm alarms[MACHINE_ALARMS];
    struct replay *replay;       /* -record / -replay (machine/replay.h), or NULL */

    int debug_stop;              /* set by a debug observer: machine_run returns DEBUG */
    struct machine_debug_poll debug_poll;
    int exit_requested;          /* set by the exit port, seen after cpu_run */
    uint32_t exit_value;
    uint64_t resets;             /* resets after triple faults */
    uint64_t insns_before_reset; /* retired instructions cpu.icount no longer counts (resets) */

    /* Lockstep checking (machine/lockstep.c): this machine's role and its
     * twin, which runs the interpreter on a copy of everything. */
    int lockstep_role;           /* enum machine_lockstep_role */
    struct machine *lockstep_twin;
    char lockstep_report[1280];  /* the first divergence, when one was found */

    /* Direct kernel boot: kept so a reset can start the kernel again, as a
     * PC whose firmware boots it would. */
    uint8_t *kernel_image;
    size_t kernel_size;
    uint8_t *initrd_image;       /* -initrd, with a Linux kernel */
    size_t initrd_size;
    int kernel_is_linux;         /* kernel_image is a bzImage (else multiboot) */
    struct multiboot_start kernel_start;
    struct linux_boot_start linux_start;
};

/* Set up a machine from `opts`: allocate RAM, wire the devices, load the
 * firmware or kernel and put the CPU at its first instruction. Returns 0,
 * or -1 with a one-line message in err (for bad input files, the message
 * names the file); on failure nothing needs freeing. */
int machine_create(struct machine *m, const struct machine_options *opts, char *err,
                   size_t errsz);
void machine_destroy(struct machine *m);

/* Reset as the board's reset line does: CPU to its power-on state, RAM
 * kept; a directly booted kernel is loaded and entered again. */
void machine_reset(struct machine *m);

/* Run until the guest ends the run (see enum machine_stop). */
enum machine_stop machine_run(struct machine *m);

/* One pass of the run loop (timers, interrupt delivery, one engine call
 * and its outcome): MACHINE_PASS_CONTINUE or an enum machine_stop. A
 * lockstep translator reports the budget units it used in *used; a
 * lockstep reference runs at most `cap` units. */
int machine_pass(struct machine *m, uint64_t cap, uint64_t *used);

/* Lockstep (machine/lockstep.c): create the interpreter twin of `m` (same
 * options and inputs, outputs discarded) and run both, comparing the CPUs
 * after every pass and guest RAM periodically and at the end. */
int machine_lockstep_attach(struct machine *m, char *err, size_t errsz);
enum machine_stop machine_run_lockstep(struct machine *m);

/* End machine_run() after the current instruction (frontends: the user
 * typed the quit key). */
void machine_request_quit(struct machine *m);

/* Arm alarm `slot` for `at` instructions (MACHINE_ALARM_OFF disarms). */
void machine_set_alarm(struct machine *m, int slot, uint64_t at,
                       void (*fn)(struct machine *m, void *opaque), void *opaque);

/* Instructions retired since the machine was created (across resets). */
uint64_t machine_insn_total(const struct machine *m);

#endif
