#!/bin/sh
# linux_apic.sh -- boot Debian's 686 kernel on the APIC board and judge
# what Linux made of it from /proc/interrupts (/etc/s86/apic.sh):
#   linux_apic.sh EMULATOR SOURCE_DIR MMU
# The timer (IRQ 0), the keyboard and the serial port must be routed
# through the I/O APIC, the clock event device must be the local APIC
# timer, and it must tick about HZ (250) times a guest second: 400-600
# local timer interrupts in the script's two-second sleep. The initramfs
# is built from this tree into a temporary folder (the shared cache's is
# left alone); busybox and the kernel come from scripts/linux-guest.sh.
set -u
emu=$1
src=$2
mmu=$3
name=linux_apic
. "$src/tests/boot/linux_common.sh"
linux_need
linux_initramfs
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu "$mmu" \
    -m 256 -kernel "$kernel" -initrd "$tmp/initrd.gz" -no-reboot -serial "file:$tmp/out" \
    -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=apic" >/dev/null 2>"$tmp/err"
linux_serial $?
need '^S86 irq +0: +[1-9][0-9]* +IO-APIC +2-edge +timer$'
need '^S86 irq +1: +[0-9]+ +IO-APIC +1-edge +i8042$'
need '^S86 irq +4: +[1-9][0-9]* +IO-APIC +4-edge +ttyS0$'
need '^S86 irq +9: +[0-9]+ +IO-APIC +9-fasteoi +acpi$'
need '^S86 irq LOC: +[1-9][0-9]* +Local timer interrupts$'
need '^S86 clockevent lapic$'
need '^S86 clocksources .*hpet'
need '^shadow86-linux: script apic exit 0$'
ticks=$(sed -n 's/^S86 loc-per-2s //p' "$out")
if [ -z "$ticks" ] || [ "$ticks" -lt 400 ] || [ "$ticks" -gt 600 ]; then
    echo "linux_apic: ${ticks:-no} local timer interrupts in 2 guest seconds (want 400-600)"
    fail=1
fi
linux_verdict
echo "linux_apic: $mmu: IO-APIC routing, LAPIC timer, $ticks local timer interrupts in 2 s"
