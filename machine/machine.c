#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/except.h"
#include "machine/board.h"
#include "machine/board_apic.h"
#include "machine/board_fwstate.h"
#include "machine/image_file.h"
#include "machine/machine.h"
#include "dbt/dbt.h"
#include "devices/pci_pc.h"
#include "devices/vga_mode3.h"
#include "machine/replay.h"
#include "machine/rom_loader.h"
#include "roms/roms.h"

/* Most instructions per cpu_run() call; the clock shortens slices to the
 * next timer deadline. The size bounds how late an exit request, an
 * instruction limit or (in host-clock mode) a host-time deadline is seen. */
#define MACHINE_SLICE (1u << 20)
/* Longest host sleep in one HLT (host-clock mode), so input is polled. */
#define MACHINE_MAX_SLEEP_NS 10000000ull

static uint32_t machine_port_in(void *opaque, uint16_t port, unsigned size)
{
    struct machine *m = opaque;
    return iobus_read(&m->bus, port, size);
}

static void machine_port_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct machine *m = opaque;
    iobus_write(&m->bus, port, size, val);
}

static uint64_t machine_clock_insns(void *opaque)
{
    return machine_insn_total(opaque);
}

/* A timer deadline moved before the end of the running slice, or the
 * PIC raised INTR: end the slice after the current instruction so the run
 * loop sees it. Both depend only on instruction counts, so this keeps
 * runs deterministic. */
static void machine_kick(void *opaque)
{
    struct machine *m = opaque;
    cpu_request_stop(m->cpu);
}

/* PAUSE: a spin-wait loop; with several CPUs, let the next one run. */
static void machine_pause(void *opaque)
{
    machine_smp_yield(opaque);
}

static int wire_devices(struct machine *m, char *err, size_t errsz)
{
    iobus_init(&m->bus);
    clock_init(&m->clock, m->opts.clock_mode, machine_clock_insns, m);
    clock_set_kick(&m->clock, machine_kick, m);
    if (m->opts.rtc_base_set)
        m->clock.epoch = m->opts.rtc_base;
    return board_wire_pc(m, err, errsz);
}

/* Put the CPU where a multiboot loader leaves it (spec 3.2): flat 32-bit
 * protected mode, EAX = magic, EBX = info block, at the entry point.
 * A Linux kernel gets the 32-bit boot protocol's state instead
 * (boot.rst): the boot GDT loaded with __BOOT_CS/__BOOT_DS in the segment
 * registers, ESI = zero page, EBP = EDI = EBX = 0, interrupts off. */
static void enter_kernel(struct machine *m)
{
    cpu_enter_flat32(m->cpu);
    if (m->kernel_is_linux) {
        const struct linux_boot_start *ls = &m->linux_start;
        m->cpu->gdtr.base = ls->gdt_base;
        m->cpu->gdtr.limit = ls->gdt_limit;
        for (int s = 0; s < SEG_COUNT; s++)
            m->cpu->seg[s].sel = s == SEG_CS ? LINUX_BOOT_CS : LINUX_BOOT_DS;
        m->cpu->eip = ls->entry;
        m->cpu->regs[REG_ESI] = ls->zero_page;
        m->cpu->regs[REG_EBP] = m->cpu->regs[REG_EDI] = m->cpu->regs[REG_EBX] = 0;
        /* The zero page says "VGA text mode 3": make it true, as the
         * firmware a boot loader runs under would have. */
        vga_set_mode3(&m->vga);
    }
    /* No firmware ran: leave the devices as it would have. */
    board_firmware_state(m);
    if (m->kernel_is_linux)
        return;
    m->cpu->eip = m->kernel_start.entry;
    m->cpu->regs[REG_EAX] = MULTIBOOT_LOADER_MAGIC;
    m->cpu->regs[REG_EBX] = m->kernel_start.info_addr;
}

/* Load (again, after a reset) the kernel read at creation. */
static int place_kernel(struct machine *m, char *err, size_t errsz)
{
    if (m->kernel_is_linux)
        return linux_boot_load(&m->mem, m->opts.kernel_path, m->kernel_image, m->kernel_size,
                               m->opts.initrd_path, m->initrd_image, m->initrd_size,
                               m->opts.cmdline, &m->linux_start, err, errsz);
    return multiboot_load_image(&m->mem, m->opts.kernel_path, m->kernel_image, m->kernel_size,
                                m->opts.cmdline, &m->kernel_start, err, errsz);
}

/* -kernel-boot firmware: publish the kernel in fw_cfg for the option ROM
 * (roms/linuxboot.asm) and put the ROM where SeaBIOS looks for extra ROMs
 * ("genroms/"), first in the boot order. The images are checked here, so a
 * bad kernel is a one-line error before the firmware starts. */
static int publish_kernel(struct machine *m, char *err, size_t errsz)
{
    if (!m->kernel_is_linux) {
        snprintf(err, errsz, "%s: -kernel-boot firmware needs a Linux kernel (bzImage); "
                             "boot a multiboot kernel with -kernel-boot direct",
                 m->opts.kernel_path);
        return -1;
    }
    struct linux_boot_firmware *fw = malloc(sizeof *fw);
    if (!fw) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    const char *cmdline = m->opts.cmdline ? m->opts.cmdline : "";
    if (linux_boot_firmware_split(m->mem.ram_size, m->opts.kernel_path, m->kernel_image,
                                  m->kernel_size, m->opts.initrd_path, m->initrd_image,
                                  m->initrd_size, cmdline, fw, err, errsz) != 0) {
        free(fw);
        return -1;
    }
    static const char bootorder[] = "/rom@genroms/linuxboot.bin\n";
    struct fw_cfg *f = &m->fw_cfg;
    int rc = fw_cfg_add_u32(f, FW_CFG_SETUP_ADDR, LINUX_BOOT_FW_SETUP_ADDR) |
             fw_cfg_add_u32(f, FW_CFG_SETUP_SIZE, fw->setup_size) |
             fw_cfg_add_bytes(f, FW_CFG_SETUP_DATA, fw->setup, fw->setup_size) |
             fw_cfg_add_u32(f, FW_CFG_KERNEL_ADDR, LINUX_BOOT_KERNEL_ADDR) |
             fw_cfg_add_u32(f, FW_CFG_KERNEL_SIZE, fw->kernel_size) |
             fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, fw->kernel, fw->kernel_size) |
             fw_cfg_add_u32(f, FW_CFG_CMDLINE_ADDR, LINUX_BOOT_CMDLINE_ADDR) |
             fw_cfg_add_u32(f, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(cmdline) + 1) |
             fw_cfg_add_bytes(f, FW_CFG_CMDLINE_DATA, cmdline, (uint32_t)strlen(cmdline) + 1) |
             fw_cfg_add_u32(f, FW_CFG_INITRD_SIZE, (uint32_t)m->initrd_size) |
             fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, m->initrd_image, (uint32_t)m->initrd_size) |
             fw_cfg_add_file(f, "genroms/linuxboot.bin", roms_linuxboot,
                             (uint32_t)roms_linuxboot_size) |
             fw_cfg_add_file(f, "bootorder", bootorder, sizeof bootorder - 1);
    free(fw);
    if (rc != 0) {
        snprintf(err, errsz, "internal error: fw_cfg has no room for the -kernel items");
        return -1;
    }
    /* fw_cfg holds its own copies, and the firmware boots the kernel again
     * after a reset: nothing for the machine to keep. */
    free(m->kernel_image);
    m->kernel_image = NULL;
    free(m->initrd_image);
    m->initrd_image = NULL;
    return 0;
}

static int load_kernel(struct machine *m, char *err, size_t errsz)
{
    if (image_file_read(m->opts.kernel_path, m->mem.ram_size, &m->kernel_image,
                        &m->kernel_size, err, errsz) != 0)
        return -1;
    m->kernel_is_linux = linux_boot_is_bzimage(m->kernel_image, m->kernel_size);
    if (m->opts.initrd_path) {
        if (!m->kernel_is_linux) {
            snprintf(err, errsz, "%s: -initrd needs a Linux kernel (bzImage)", m->opts.kernel_path);
            return -1;
        }
        if (image_file_read(m->opts.initrd_path, m->mem.ram_size, &m->initrd_image,
                            &m->initrd_size, err, errsz) != 0)
            return -1;
    }
    if (m->opts.kernel_boot == MACHINE_KERNEL_BOOT_FIRMWARE)
        return publish_kernel(m, err, errsz);
    return place_kernel(m, err, errsz);
}

int machine_create(struct machine *m, const struct machine_options *opts, char *err,
                   size_t errsz)
{
    memset(m, 0, sizeof(*m));
    m->opts = *opts;
    for (int i = 0; i < MACHINE_ALARMS; i++)
        m->alarms[i].at = MACHINE_ALARM_OFF;
    for (int u = 0; u < MACHINE_IDE_UNITS; u++)
        m->media[u].fd = -1;   /* not open: nothing for board_free to close */
    for (int u = 0; u < FDC_DRIVES; u++)
        m->floppy[u].fd = -1;
    board_display_init(&m->display);
    board_audio_init(&m->audio);

    if (opts->ram_mib < MACHINE_RAM_MIN_MIB || opts->ram_mib > MACHINE_RAM_MAX_MIB) {
        snprintf(err, errsz, "RAM size %u MiB out of range (%u to %u)", opts->ram_mib,
                 MACHINE_RAM_MIN_MIB, MACHINE_RAM_MAX_MIB);
        return -1;
    }
    if (!opts->bios_path && !opts->kernel_path) {
        snprintf(err, errsz, "nothing to run: give a firmware image (-bios FILE) or a "
                             "multiboot kernel (-kernel FILE)");
        return -1;
    }
    if (opts->kernel_path && opts->kernel_boot == MACHINE_KERNEL_BOOT_FIRMWARE &&
        !opts->bios_path) {
        snprintf(err, errsz, "-kernel-boot firmware needs a firmware image (-bios FILE)");
        return -1;
    }
    if (opts->bios_path && opts->kernel_path &&
        opts->kernel_boot != MACHINE_KERNEL_BOOT_FIRMWARE) {
        snprintf(err, errsz, "-bios with -kernel boots through the firmware: add "
                             "-kernel-boot firmware");
        return -1;
    }
    if (opts->cmdline && !opts->kernel_path) {
        snprintf(err, errsz, "-append needs -kernel");
        return -1;
    }
    if (opts->initrd_path && !opts->kernel_path) {
        snprintf(err, errsz, "-initrd needs -kernel");
        return -1;
    }
    m->ncpus = opts->smp ? opts->smp : 1;
    if (m->ncpus > MACHINE_CPUS_MAX) {
        snprintf(err, errsz, "-smp %u: at most %u CPUs", m->ncpus, MACHINE_CPUS_MAX);
        return -1;
    }
    if (opts->x2apic && !opts->apic) {
        snprintf(err, errsz, "-machine x2apic=on needs the APIC (not apic=off)");
        return -1;
    }
    if (m->ncpus > 1 && !opts->apic) {
        snprintf(err, errsz, "-smp %u needs the APIC (-machine apic=on)", m->ncpus);
        return -1;
    }
    m->cpu = &m->cpus[0];
    if (physmem_init(&m->mem, opts->ram_mib << 20) != 0) {
        snprintf(err, errsz, "cannot allocate %u MiB of guest RAM: %s", opts->ram_mib,
                 strerror(errno));
        return -1;
    }
    if (opts->pool && physmem_set_pool(&m->mem, opts->pool) != 0) {
        snprintf(err, errsz, "too many guests for one host page pool (at most %d)",
                 HOSTPOOL_MEMBERS_MAX);
        physmem_free(&m->mem);
        return -1;
    }
    /* The CPU first: the clock counts its instructions. */
    struct cpu_io io = { .opaque = m, .in = machine_port_in, .out = machine_port_out,
                         .pause = m->ncpus > 1 ? machine_pause : NULL };
    cpu_init(m->cpu, &m->mem, &io);
    if (mmu_init(&m->mmu, &m->mem, opts->mmu_mode) != 0) {
        snprintf(err, errsz, "internal error: the MMU's page-table watch is taken");
        machine_destroy(m);
        return -1;
    }
    m->cpu->mmu = &m->mmu;
    machine_smp_create(m);
    if (!opts->no_dbt && !(m->dbt = dbt_create(m->cpu))) {
        snprintf(err, errsz, "out of memory for the translator");
        machine_destroy(m);
        return -1;
    }
    if (m->dbt && (opts->dbt_backend_set || opts->code_buffer_bytes) &&
        dbt_set_backend(m->dbt, opts->dbt_backend_set ? opts->dbt_backend : dbt_get_backend(m->dbt),
                        opts->code_buffer_bytes, err, errsz) != 0) {
        machine_destroy(m);
        return -1;
    }
    if (m->dbt) {
        dbt_set_timer(m->dbt, clock_host_monotonic_ns);   /* --stats only */
        if (opts->code_cache_mib)
            dbt_set_cache_limit(m->dbt, (uint64_t)opts->code_cache_mib << 20);
    }
    if (wire_devices(m, err, errsz) != 0) {
        machine_destroy(m);
        return -1;
    }

    if (opts->bios_path && rom_load_file(&m->mem, opts->bios_path, err, errsz) != 0) {
        machine_destroy(m);
        return -1;
    }
    if (opts->kernel_path && load_kernel(m, err, errsz) != 0) {
        machine_destroy(m);
        return -1;
    }
    cpu_reset(m->cpu);
    if (m->kernel_image)
        enter_kernel(m);
    return 0;
}

void machine_destroy(struct machine *m)
{
    if (m->lockstep_twin) {
        machine_destroy(m->lockstep_twin);
        free(m->lockstep_twin);
        m->lockstep_twin = NULL;
    }
    replay_free(m);
    dbt_destroy(m->dbt);
    m->dbt = NULL;
    board_free(m);
    board_audio_free(&m->audio);
    mmu_free(&m->mmu);
    physmem_free(&m->mem);
    free(m->ram_page_hash);
    m->ram_page_hash = NULL;
    free(m->kernel_image);
    m->kernel_image = NULL;
    free(m->initrd_image);
    m->initrd_image = NULL;
}

void machine_reset(struct machine *m)
{
    /* Observers attached to the CPU belong to the session, not to the
     * CPU's architectural state: keep them across the reset. */
    struct cpu_hooks hooks = m->cpu->hooks;
    char err[MACHINE_ERR_MAX];

    uint64_t icount = machine_smp_icount_sum(m);

    board_reset(m);
    if (m->dbt)
        dbt_flush(m->dbt);   /* the loaders rewrite memory behind the translator */
    cpu_reset(m->cpu);
    m->cpu->hooks = hooks;
    /* Whether cpu_reset() keeps icount or zeroes it, the machine's total
     * stays the count of everything retired since creation. */
    m->insns_before_reset += icount - machine_smp_icount_sum(m);
    if (m->ncpus > 1)
        machine_smp_reset(m);   /* the others too; the BSP runs */
    /* The image was accepted at creation and RAM size has not changed, so
     * loading it again cannot fail. */
    if (m->kernel_image && place_kernel(m, err, sizeof err) == 0)
        enter_kernel(m);
}

void machine_request_quit(struct machine *m)
{
    if (m->replay)
        replay_quit(m);
    m->quit_requested = 1;
    cpu_request_stop(m->cpu);
}

uint64_t machine_insn_total(const struct machine *m)
{
    return m->insns_before_reset + m->icount_others + m->cpu->icount;
}

/* Could anything wake a halted CPU? Only an interrupt can (NMI, or INTR
 * with IF=1, SDM vol. 3 "HLT"). With IF=1, INTR can still come if some
 * path is open: a PIC line through to the CPU (directly, or through LINT0
 * as ExtINT), the local APIC's timer or a request it holds, or an
 * unmasked I/O APIC input (board_intr_can_wake). Whether a device will
 * ever raise a line is for the clock to say: with no timer armed,
 * machine_run() stops too. */
static int machine_halt_can_wake(const struct machine *m)
{
    for (unsigned k = 0; k < m->ncpus; k++)
        if (machine_smp_cpu_can_wake(m, k))
            return 1;
    return 0;
}

/* An interrupt is offered and the CPU takes interrupts: run the INTA
 * cycle (the 8259's, or the local APIC's) and deliver the vector.
 * Returns -1 if the delivery triple-faulted. */
static int machine_deliver_interrupt(struct machine *m)
{
    uint8_t vec = board_intr_acknowledge(m, m->cur);
    return cpu_external_interrupt(m->cpu, vec);
}

/* A guest that faults right after every reset loops forever, as a PC
 * would; the first few notices say why, the rest would only flood. */
#define MACHINE_RESET_NOTICES 10

static void log_reset(struct machine *m)
{
    const struct cpu *c = m->cpu;
    if (!m->opts.log || m->resets > MACHINE_RESET_NOTICES)
        return;
    if (m->resets == MACHINE_RESET_NOTICES) {
        fprintf(m->opts.log, "shadow86: further triple-fault resets not reported "
                             "(--stats counts them)\n");
        return;
    }
    /* Keep the guest's console output ahead of the notice. */
    if (m->debugcon.out)
        fflush(m->debugcon.out);
    char chain[64];
    cpu_format_fault_chain(c, chain, sizeof chain);
    fprintf(m->opts.log,
            "shadow86: triple fault (%s) at %04X:%08X after %llu instructions; "
            "resetting (-no-reboot stops instead)\n",
            chain,
            c->seg[SEG_CS].sel, c->eip, (unsigned long long)machine_insn_total(m));
    fflush(m->opts.log);
}

/* The triple-fault outcome shared by instructions and deliveries:
 * returns 1 when the run must stop. */
static int machine_shutdown(struct machine *m)
{
    if (m->opts.no_reboot)
        return 1;
    log_reset(m);
    m->resets++;
    machine_reset(m);
    return 0;
}

/* The engine for one pass: the interpreter, the translator, or (lockstep)
 * the translator one block at a time with the units used reported, or the
 * interpreter held to exactly `cap` units. */
static enum cpu_exit machine_engine(struct machine *m, uint64_t budget, uint64_t cap,
                                    uint64_t *used)
{
    if (m->lockstep_role == MACHINE_LOCKSTEP_TRANSLATOR)
        return dbt_exec_block(m->dbt, budget, used);
    /* Even a zero budget goes through cpu_run(): its end-of-run rules (a
     * pending stop is taken) must match the translator's. */
    if (m->lockstep_role == MACHINE_LOCKSTEP_REFERENCE)
        budget = cap < budget ? cap : budget;
    return m->dbt ? dbt_exec(m->dbt, budget) : cpu_run(m->cpu, budget);
}

void machine_set_alarm(struct machine *m, int slot, uint64_t at,
                       void (*fn)(struct machine *m, void *opaque), void *opaque)
{
    m->alarms[slot].at = fn ? at : MACHINE_ALARM_OFF;
    m->alarms[slot].fn = fn;
    m->alarms[slot].opaque = opaque;
    m->alarms[slot].rearmed = 1;
}

/* Call the alarms that are due; returns the instruction count the slice
 * must end at for the next one (MACHINE_ALARM_OFF: none). An alarm that
 * re-armed for a count already reached (waiting for the clock, not the
 * count: replay's input at a point of virtual time) is called again at
 * every pass top and does not shorten slices, so a halted CPU still idles
 * forward. */
static uint64_t machine_ring_alarms(struct machine *m)
{
    uint64_t next = MACHINE_ALARM_OFF, done = machine_insn_total(m);
    for (int i = 0; i < MACHINE_ALARMS; i++) {
        struct machine_alarm *a = &m->alarms[i];
        if (a->at != MACHINE_ALARM_OFF && done >= a->at) {
            a->rearmed = 0;
            a->fn(m, a->opaque);
            if (!a->rearmed)
                a->at = MACHINE_ALARM_OFF;
        }
        if (a->at < next && a->at > done)
            next = a->at;
    }
    return next;
}

/* The sharing scanner's work for the instructions retired since the
 * last call: share_scan pages per million, carried in millionths, at most
 * MACHINE_SHARE_MAX_STEP pages at a time. Counted in instructions, so two
 * runs scan the same pages at the same points. */
#define MACHINE_SHARE_MAX_STEP 4096u
static void machine_share_step(struct machine *m)
{
    uint64_t done = machine_insn_total(m);
    if (done < m->share_insns) {   /* a reset or a loaded state went back */
        m->share_insns = done;
        return;
    }
    m->share_credit += (done - m->share_insns) * m->opts.share_scan;
    m->share_insns = done;
    uint64_t pages = m->share_credit / 1000000u;
    if (!pages)
        return;
    m->share_credit %= 1000000u;
    physmem_share_scan(&m->mem, pages > MACHINE_SHARE_MAX_STEP ? MACHINE_SHARE_MAX_STEP
                                                              : (unsigned)pages);
}

/* Every CPU is halted (or waits for a SIPI): stop if nothing can ever
 * wake one, else skip (or, in host mode, sleep) to the next timer. */
static int machine_idle(struct machine *m)
{
    if (!machine_halt_can_wake(m))
        return MACHINE_STOP_HALTED;
    uint64_t skipped = m->clock.halt_skipped_ns;
    if (clock_idle(&m->clock, MACHINE_MAX_SLEEP_NS) != 0)
        return MACHINE_STOP_HALTED;
    /* The TSC counts virtual time at one tick per instruction's worth
     * of it: the time HLT skipped passes for it too, as it does for
     * the PIT and the RTC, or Linux's clocksource watchdog sees the
     * TSC fall behind them and every idle period shrinks. Whole ticks
     * of the running total, so no remainder is ever lost. */
    machine_smp_idle_skipped(m, m->clock.halt_skipped_ns / CLOCK_NS_PER_INSN -
                                    skipped / CLOCK_NS_PER_INSN);
    if (m->quit_requested)
        return MACHINE_STOP_QUIT;
    /* A guest idling with a timer armed may end every slice in HLT:
     * poll here too, or a stop request (SIGTERM, a debugger's
     * interrupt) is never seen. The CPU stays halted: a run resumed
     * after the stop goes on idling. */
    if (m->debug_poll.fn && m->debug_poll.fn(m->debug_poll.opaque))
        return MACHINE_STOP_DEBUG;
    return MACHINE_PASS_CONTINUE;
}

int machine_pass(struct machine *m, uint64_t cap, uint64_t *used)
{
    if (used)
        *used = 0;
    if (!m->clock.host_started)
        clock_host_start(&m->clock);
    uint64_t alarm = machine_ring_alarms(m);
    if (m->quit_requested)
        return MACHINE_STOP_QUIT;   /* an alarm ended the run (replay's end) */
    clock_run_due(&m->clock);
    /* Several CPUs: the running one keeps its turn, or the next that can
     * run takes it (machine/smp.h). */
    if (m->ncpus > 1 && machine_smp_pick(m) != 0)
        return machine_idle(m);
    /* NMI first (it outranks INTR, SDM 6.9); it ignores IF. */
    if (cpu_nmi_ready(m->cpu)) {
        if (cpu_deliver_nmi(m->cpu) != 0 && machine_shutdown(m))
            return MACHINE_STOP_SHUTDOWN;
        return MACHINE_PASS_CONTINUE;
    }
    int intr = board_intr_pending(m, m->cur) != 0;
    if (intr && cpu_interrupts_enabled(m->cpu) &&
        machine_deliver_interrupt(m) != 0) {
        if (machine_shutdown(m))
            return MACHINE_STOP_SHUTDOWN;
        return MACHINE_PASS_CONTINUE;
    }

    uint64_t budget = clock_budget(&m->clock, MACHINE_SLICE);
    /* INTR is waiting for the STI/MOV SS shadow: one instruction, so it
     * is taken at the first boundary where the CPU accepts it. Waiting
     * for IF: the instruction that sets IF ends the run (intr_waiting),
     * so a guest running with IF = 0 and a line pending (a PIT left
     * counting, say) keeps its full slices. */
    int if_set = (cpu_get_eflags(m->cpu) & EFLAGS_IF) != 0;
    m->cpu->intr_waiting = (uint8_t)(intr && !if_set);
    if (intr && if_set && budget > 1)
        budget = 1;
    if (alarm != MACHINE_ALARM_OFF) {
        uint64_t done = machine_insn_total(m);
        if (alarm - done < budget)
            budget = alarm - done;
    }
    if (m->opts.max_insns) {
        uint64_t done = machine_insn_total(m);
        if (done >= m->opts.max_insns)
            return MACHINE_STOP_INSN_LIMIT;
        if (m->opts.max_insns - done < budget)
            budget = m->opts.max_insns - done;
    }

    if (m->ncpus > 1 && budget > m->slice_left)
        budget = m->slice_left;
    uint64_t before = m->cpu->icount;
    enum cpu_exit why = machine_engine(m, budget, cap, used);
    if (m->opts.share_scan)
        machine_share_step(m);
    if (m->ncpus > 1) {
        uint64_t ran = m->cpu->icount - before;
        m->slice_left -= ran < 1 ? 1 : ran > m->slice_left ? m->slice_left : ran;
    }
    if (m->exit_requested)
        return MACHINE_STOP_EXIT_PORT;
    if (m->quit_requested)
        return MACHINE_STOP_QUIT;
    if (m->poweroff_requested)
        return MACHINE_STOP_POWEROFF;
    if (m->reset_requested) {
        if (m->opts.no_reboot)
            return MACHINE_STOP_RESET;
        machine_reset(m);
        return MACHINE_PASS_CONTINUE;
    }
    /* A debug stop waits for the run's own ends (HLT, shutdown), which
     * must not be lost by returning early. */
    if (why == CPU_EXIT_BUDGET || why == CPU_EXIT_STOP) {
        if (m->debug_poll.fn && m->debug_poll.fn(m->debug_poll.opaque))
            m->debug_stop = 1;
        if (m->debug_stop) {
            m->debug_stop = 0;
            return MACHINE_STOP_DEBUG;
        }
    }

    switch (why) {
    case CPU_EXIT_BUDGET:
    case CPU_EXIT_STOP:
        break;
    case CPU_EXIT_HLT:
        clock_run_due(&m->clock);
        if ((board_intr_pending(m, m->cur) && cpu_interrupts_enabled(m->cpu)) ||
            cpu_nmi_ready(m->cpu))
            break;  /* delivered at the top of the next pass */
        if (m->ncpus > 1) {
            m->smp[m->cur].halts++;
            m->switch_requested = 1;   /* the next pass picks who runs, or idles */
            break;
        }
        int r = machine_idle(m);
        if (r != MACHINE_PASS_CONTINUE)
            return r;
        break;
    case CPU_EXIT_SHUTDOWN:
        if (machine_shutdown(m))
            return MACHINE_STOP_SHUTDOWN;
        break;
    }
    board_audio_frame(m, 0);
    return MACHINE_PASS_CONTINUE;
}

enum machine_stop machine_run(struct machine *m)
{
    int r;
    if (m->lockstep_twin) {
        r = machine_run_lockstep(m);
    } else {
        while ((r = machine_pass(m, UINT64_MAX, NULL)) == MACHINE_PASS_CONTINUE)
            ;
    }
    board_audio_frame(m, 1);   /* what played up to the end */
    return (enum machine_stop)r;
}
