/* A guest's machine options from its command line (guest_options.h). */
#include <stdlib.h>
#include <string.h>

#include "frontends/cli/balloon_script.h"
#include "frontends/cli/guest_options.h"

int cli_machine_options(const struct cli_options *o, struct machine_options *mo,
                        struct balloon_step **steps, char *err, size_t errsz)
{
    *mo = (struct machine_options){
        .ram_mib = o->ram_mib,
        .bios_path = o->bios,
        .kernel_path = o->kernel,
        .kernel_boot = o->kernel_boot_firmware ? MACHINE_KERNEL_BOOT_FIRMWARE
                                             : MACHINE_KERNEL_BOOT_DIRECT,
        .initrd_path = o->initrd,
        .cmdline = o->append,
        .debugcon_out = NULL,  /* set once the inputs are accepted */
        .log = stderr,
        .no_reboot = o->no_reboot,
        .no_dbt = o->no_dbt,
        .code_cache_mib = o->code_cache_mib,
        .tmp_dir = getenv("TMPDIR"),
        .lockstep = o->lockstep,
        .mmu_mode = o->mmu_mode,
        .max_insns = o->max_insns,
        .dbt_backend_set = o->dbt_backend_set,
        .dbt_backend = o->dbt_backend,
        .code_buffer_bytes = o->code_buffer_bytes,
        .clock_mode = o->rtc_clock_host ? CLOCK_HOST : CLOCK_VIRTUAL,
        .rtc_base_set = o->rtc_base_set || o->rtc_base_utc,
        .rtc_base = o->rtc_base_utc ? clock_host_wall_seconds() : o->rtc_base,
        .boot_order = o->boot_order,
        .hd_paths = { o->hd[0], o->hd[1], o->hd[2], o->hd[3] },
        .cdrom_path = o->cdrom,
        .fd_paths = { o->fd[0], o->fd[1] },
        .snapshot = o->snapshot,
        .vga_bios_path = o->vga_bios,
        .sercon = o->nographic,
        .nic_model = o->nic.backend == CLI_NET_NONE ? BOARD_NIC_NONE : o->nic.model,
        .nic_rom_path = o->nic.romfile,
        .apic = !o->no_apic,
        .x2apic = o->x2apic,
        .balloon = o->balloon,
        .balloon_deflate_on_oom = o->balloon_deflate_on_oom,
        .balloon_target_mib = o->balloon_target_mib,
        .share_scan = o->share_scan,
        .smp = o->smp,
    };
    *steps = NULL;
    if (o->balloon_script) {
        if (cli_balloon_script_load(o->balloon_script, o->ram_mib, steps,
                                    &mo->balloon_script_len, err, errsz) != 0)
            return -1;
        mo->balloon_script = *steps;
    }
    memcpy(mo->nic_mac, o->nic.mac, sizeof mo->nic_mac);
    /* -boot n: the card's iPXE ROM from Debian's ipxe-qemu, unless one was named. */
    if (mo->nic_model != BOARD_NIC_NONE && !mo->nic_rom_path && o->boot_order &&
        strchr(o->boot_order, 'n'))
        mo->nic_rom_path = cli_nic_default_rom(mo->nic_model);
    return 0;
}
