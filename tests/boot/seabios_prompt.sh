#!/bin/sh
# seabios_prompt.sh -- boot the distribution's SeaBIOS with no bootable
# media and judge its debug log (port 0x402):
#   seabios_prompt.sh EMULATOR
# The run must get through POST (fw_cfg, RAM size, PCI with the PIIX4 PM
# function, whose ACPI PM timer SeaBIOS then keeps time with, PS/2
# keyboard, serial ports, the e820 map with the 4 KiB at the top of RAM
# that holds the board's ACPI tables, installed from fw_cfg), try the boot
# devices, print "No bootable device", wait its 60 seconds (virtual time:
# HLT skips ahead) and reboot through port 0xCF9, which -no-reboot turns
# into exit status 10.
set -u
emu=$1
bios=/usr/share/seabios/bios.bin
if [ ! -r "$bios" ]; then
    echo "seabios_prompt: $bios missing (scripts/setup.sh installs the seabios package)" >&2
    exit 1
fi
log=$(mktemp)
err=$(mktemp)
trap 'rm -f "$log" "$err"' EXIT
timeout "${SHADOW86_GUEST_TIMEOUT:-60}" "$emu" ${SHADOW86_GUEST_FLAGS:-} -m 64 -no-reboot \
    -seabios-log "$log" -debugcon none 2>"$err" >/dev/null
status=$?
fail=0
if [ "$status" -ne 10 ]; then
    echo "seabios_prompt: exit status $status, expected 10 (guest reset with -no-reboot)"
    fail=1
fi
for line in \
    'SeaBIOS (version ' \
    'Found QEMU fw_cfg' \
    'qemu/e820: addr 0x0000000000000000 len 0x0000000004000000 [RAM]' \
    'Found 5 PCI devices (max PCI bus is 00)' \
    'PCI: init bdf=00:00.0 id=8086:1237' \
    'PCI: init bdf=00:01.3 id=8086:7113' \
    'Using pmtimer, ioport 0x608' \
    'Found 2 serial ports' \
    'PS2 keyboard initialized' \
    'e820 map has 6 items:' \
    '  3: 0000000000100000 - 0000000003fff000 = 1 RAM' \
    '  4: 0000000003fff000 - 0000000004000000 = 2 RESERVED' \
    'Booting from Hard Disk...' \
    'No bootable device.  Retrying in 60 seconds.' \
    'Rebooting.'
do
    if ! grep -qF -- "$line" "$log"; then
        echo "seabios_prompt: log line missing: $line"
        fail=1
    fi
done
if grep -q 'WARNING\|Timeout' "$log"; then
    echo "seabios_prompt: SeaBIOS warned:"
    grep 'WARNING\|Timeout' "$log"
    fail=1
fi
if [ $fail -ne 0 ]; then
    echo "--- SeaBIOS log:"; cat "$log"
    echo "--- stderr:"; cat "$err"
fi
exit $fail
