/* The closing line of a run (exit_status.h). */
#include <stdio.h>

#include "frontends/cli/exit_status.h"
#include "machine/frontend_api.h"

int cli_report_stop(const struct machine *m, enum machine_stop why, int signal, const char *who)
{
    char where[160];
    machine_describe_position(m, where, sizeof where);
    switch (why) {
    case MACHINE_STOP_EXIT_PORT:
        return exitport_status(machine_exit_value(m));
    case MACHINE_STOP_HALTED:
        fprintf(stderr, "shadow86: %sCPU halted with IF=%d and nothing to wake it %s\n", who,
                machine_interrupts_enabled(m), where);
        return EXIT_HALTED;
    case MACHINE_STOP_SHUTDOWN: {
        char chain[64];
        machine_fault_chain(m, chain, sizeof chain);
        fprintf(stderr, "shadow86: %striple fault (%s) %s\n", who, chain, where);
        return EXIT_TRIPLE_FAULT;
    }
    case MACHINE_STOP_RESET:
        fprintf(stderr, "shadow86: %sthe guest reset the machine (-no-reboot) %s\n", who, where);
        return EXIT_GUEST_RESET;
    case MACHINE_STOP_QUIT:
        fprintf(stderr, "shadow86: %squit by the user %s\n", who, where);
        return EXIT_HALTED;
    case MACHINE_STOP_POWEROFF:
        fprintf(stderr, "shadow86: %sthe guest powered off (ACPI S5) %s\n", who, where);
        return EXIT_HALTED;
    case MACHINE_STOP_INSN_LIMIT:
        fprintf(stderr, "shadow86: %sinstruction limit reached %s\n", who, where);
        return EXIT_INSN_LIMIT;
    case MACHINE_STOP_DEBUG:
        if (signal) {
            fprintf(stderr, "shadow86: %sstopped by signal %d %s\n", who, signal, where);
            return EXIT_SIGNAL_BASE + signal;
        }
        fprintf(stderr, "shadow86: %skilled by the debugger %s\n", who, where);
        return EXIT_DEBUGGER_KILL;
    case MACHINE_STOP_DIVERGED:
        fprintf(stderr, "shadow86: %s%s\n", who, machine_lockstep_report(m));
        return EXIT_DIVERGED;
    }
    return EXIT_BAD_INPUT;
}
