#!/bin/sh
# run_ifoff.sh EMULATOR PAGEBENCH_ELF -- IF = 0 with INTR waiting costs
# nothing.
#
# A direct boot leaves the PIT ticking into an open IRQ 0 (as SeaBIOS
# does), so any multiboot guest that runs with IF = 0 for more than 55 ms
# of virtual time has INTR waiting for IF. The pagebench guest (400
# rounds, 8.3 M instructions, never sets IF) must still run translated:
# at most 10,000 instructions interpreted (the run loop once stepped the
# CPU one instruction per pass until IF was set: 7.5 M of them, 12x
# slower).
set -u
emu=$1 elf=$2
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
"$emu" -no-reboot --stats -debugcon none -kernel "$elf" -append 400 >/dev/null 2>"$tmp"
status=$?
if [ "$status" -ne 1 ]; then
    echo "run_ifoff: FAIL: exit status $status, expected 1" >&2
    grep -v '^stats: ' "$tmp" >&2
    exit 1
fi
insns=$(sed -n 's/^stats: run\.instructions //p' "$tmp")
interp=$(sed -n 's/^stats: dbt\.interpreted //p' "$tmp")
if [ -z "$insns" ] || [ -z "$interp" ]; then
    echo "run_ifoff: FAIL: no run.instructions / dbt.interpreted in --stats" >&2
    exit 1
fi
if [ "$insns" -lt 5500000 ]; then
    echo "run_ifoff: FAIL: only $insns instructions: the PIT never ticked (55 ms = 5.5 M)" >&2
    exit 1
fi
if [ "$interp" -gt 10000 ]; then
    echo "run_ifoff: FAIL: $interp of $insns instructions interpreted (at most 10000)" >&2
    exit 1
fi
echo "run_ifoff: $interp of $insns instructions interpreted"
