#!/bin/sh
# linux_smp.sh -- boot Debian's 686 kernel with -smp N and judge what
# Linux made of the CPUs (/etc/s86/smp.sh):
#   linux_smp.sh EMULATOR SOURCE_DIR MMU N
# /proc/cpuinfo must list N processors with APIC IDs 0..N-1, all of them
# online, and every CPU must have taken local timer interrupts. The
# initramfs is built from this tree into a temporary folder; busybox and
# the kernel come from scripts/linux-guest.sh.
set -u
emu=$1
src=$2
mmu=$3
n=$4
name=linux_smp
. "$src/tests/boot/linux_common.sh"
linux_need
linux_initramfs
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu "$mmu" \
    -smp "$n" -m 256 -kernel "$kernel" -initrd "$tmp/initrd.gz" -no-reboot -serial "file:$tmp/out" \
    -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=smp" >/dev/null 2>"$tmp/err"
linux_serial $?
last=$((n - 1))
need "^S86 cpus $n\$"
if [ "$n" -eq 1 ]; then need '^S86 online 0$'; else need "^S86 online 0-$last\$"; fi
need "smp: Brought up 1 node, $n CPUs?\$"
need '^shadow86-linux: script smp exit 0$'
k=0
while [ "$k" -lt "$n" ]; do
    need "^S86 cpuinfo apicid: ?$k\$"
    k=$((k + 1))
done
# LOC: one count per CPU, each nonzero.
loc=$(sed -n 's/^S86 irq *LOC: *//p' "$out")
ticked=0
for c in $loc; do
    case $c in
        *[!0-9]*) break ;;
        0) ;;
        *) ticked=$((ticked + 1)) ;;
    esac
done
[ "$ticked" -eq "$n" ] || { echo "linux_smp: $ticked of $n CPUs took local timer interrupts (LOC: $loc)"; fail=1; }
linux_verdict
echo "linux_smp: $mmu: -smp $n: $n CPUs in /proc/cpuinfo, all online, LOC: $loc"
