#!/bin/sh
# linux_balloon.sh -- the memory balloon under Debian's own drivers:
#   linux_balloon.sh EMULATOR SOURCE_DIR MMU
# Boots the 686 kernel with 256 MiB and -device virtio-balloon; a
# -balloon-script sets the target to 192 MiB at power-on and back to 256
# MiB at 30 s of machine time. /etc/s86/balloon.sh loads virtio_pci and
# virtio_balloon from the initramfs; the guest's MemTotal must fall by the
# 64 MiB asked for and come back, and the host's --stats must show the
# 16384 pages passed on each queue and counted ballooned by the pool, and the guest's
# memory figures from the stats queue. The initramfs is built from this
# tree into a temporary folder with the modules scripts/linux-guest.sh
# puts in the cache.
set -u
emu=$1
src=$2
mmu=$3
name=linux_balloon
. "$src/tests/boot/linux_common.sh"
linux_need "$cache/modules/$version/virtio_balloon.ko" "$cache/modules/$version/virtio_pci.ko"
linux_initramfs --modules "$cache/modules"
printf '# power-on: give up 64 MiB\n0 192\n30000 256\n' >"$tmp/script"
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-300}" "$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu "$mmu" \
    -m 256 -kernel "$kernel" -initrd "$tmp/initrd.gz" -no-reboot -serial "file:$tmp/out" \
    -device virtio-balloon -balloon-script "$tmp/script" --stats --stats-interval 1000 \
    -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=balloon s86.balloon=65536" \
    >/dev/null 2>"$tmp/err"
linux_serial $?
val() { sed -n "s/^S86 balloon $1 //p" "$out"; }
stat() { sed -n "s/^stats: $1 //p" "$tmp/err"; }
need '^S86 balloon device virtio[0-9]+ features 01'
need '^S86 balloon fill ok$'
need '^shadow86-linux: script balloon exit 0$'
grep -q 'insmod .* failed' "$out" && { echo "linux_balloon: a module did not load"; fail=1; }
start=$(val memtotal-start)
inflated=$(val memtotal-inflated)
deflated=$(val memtotal-deflated)
if [ -z "$start" ] || [ -z "$inflated" ] || [ -z "$deflated" ]; then
    echo "linux_balloon: MemTotal lines missing"; fail=1
else
    drop=$((start - inflated))
    if [ "$drop" -ne 65536 ]; then
        echo "linux_balloon: MemTotal fell by $drop KiB, expected 65536"; fail=1
    fi
    if [ "$deflated" -ne "$start" ]; then
        echo "linux_balloon: MemTotal $deflated KiB after deflating, expected $start"; fail=1
    fi
fi
[ "$(stat balloon.inflated_pages)" = 16384 ] || { echo "linux_balloon: inflated_pages $(stat balloon.inflated_pages), expected 16384"; fail=1; }
[ "$(stat balloon.deflated_pages)" = 16384 ] || { echo "linux_balloon: deflated_pages $(stat balloon.deflated_pages), expected 16384"; fail=1; }
[ "$(stat balloon.actual_pages)" = 0 ] || { echo "linux_balloon: actual_pages $(stat balloon.actual_pages) at the end, expected 0"; fail=1; }
[ "$(stat balloon.broken)" = 0 ] || { echo "linux_balloon: the device broke"; fail=1; }
# The host's view over time (--stats-interval): the pool counted all
# 16384 pages as ballooned at some point, and none at the end.
need_in "$tmp/err" '^memstats .* ballooned=16384 '
[ "$(stat hostpool.ballooned)" = 0 ] || { echo "linux_balloon: hostpool.ballooned $(stat hostpool.ballooned) at the end, expected 0"; fail=1; }
resident_min=$(sed -n 's/^memstats .* resident=\([0-9]*\) .* ballooned=16384 .*/\1/p' "$tmp/err" | sort -n | head -n1)
need_in "$tmp/err" '^stats: balloon.guest.total_bytes [1-9][0-9]*$'
linux_verdict
echo "linux_balloon: $mmu: MemTotal $start -> $inflated -> $deflated KiB," \
     "$(stat balloon.inflated_pages) pages inflated, pool resident ${resident_min:-?} pages while inflated," \
     "$(stat balloon.guest_reports) guest stats reports"
