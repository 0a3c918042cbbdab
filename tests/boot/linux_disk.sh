#!/bin/sh
# linux_disk.sh -- boot Debian's i386 kernel through SeaBIOS and syslinux
# from a disk image, and judge the serial console:
#   linux_disk.sh EMULATOR REPO END
# The image is built at test time by scripts/linux-disk.sh from the kernel
# and initramfs that scripts/linux-guest.sh leaves in the cache. SeaBIOS
# must boot the disk's MBR, syslinux must load the kernel and initramfs,
# /init must print its marker and run /etc/s86/smoke.sh, and the guest must
# end the machine through ACPI:
#   END=poweroff: `poweroff -f`, ACPI S5: exit status 0;
#   END=reboot: `reboot -f` (s86.end=reboot), which Linux does through the
#               FADT's reset register first; with -no-reboot: status 10.
# Extra flags come from SHADOW86_GUEST_FLAGS.
set -u
emu=$1
repo=$2
end=$3
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-686"
initrd="$cache/initramfs.gz"
for f in "$kernel" "$kernel.version" "$initrd"; do
    if [ ! -s "$f" ]; then
        echo "linux_disk: $f missing: run 'bash scripts/linux-guest.sh' (scripts/test.sh does)" >&2
        exit 1
    fi
done
version=$(cat "$kernel.version")
case $end in
poweroff) want_status=0 want_end="the guest powered off (ACPI S5)" extra= ;;
reboot) want_status=10 want_end="the guest reset the machine (-no-reboot)" extra=" s86.end=reboot" ;;
*) echo "linux_disk: END must be poweroff or reboot, not '$end'" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-disk-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! bash "$repo/scripts/linux-disk.sh" -k "$kernel" -i "$initrd" -s 32 \
        -a "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=smoke$extra" \
        "$tmp/disk.img" >"$tmp/mkdisk.log" 2>&1; then
    echo "linux_disk: building the disk image failed:"
    cat "$tmp/mkdisk.log"
    exit 1
fi
start=$(date +%s)
# -nographic: COM1 on stdout, and SeaBIOS copies its console (and so
# syslinux's messages) to COM1.
# shellcheck disable=SC2086  # SHADOW86_GUEST_FLAGS is a list of words
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} -m 256 \
    -hda "$tmp/disk.img" -snapshot -nographic -no-reboot >"$tmp/out" 2>"$tmp/err"
status=$?
stop=$(date +%s)
tr -d '\r' <"$tmp/out" >"$tmp/console"
fail=0
if [ "$status" -ne "$want_status" ]; then
    echo "linux_disk: exit status $status, expected $want_status ($end)"
    fail=1
fi
if ! grep -qF -- "shadow86: $want_end" "$tmp/err"; then
    echo "linux_disk: stderr does not say: shadow86: $want_end"
    fail=1
fi
want_md5=$(seq 1 20000 | md5sum | cut -d' ' -f1)
has() {  # a substring that must appear
    if ! grep -qF -- "$1" "$tmp/console"; then
        echo "linux_disk: console lacks: $1"
        fail=1
    fi
}
has "Booting from Hard Disk..."
has "SYSLINUX "
has "Loading vmlinuz... ok"
has "Loading initrd.img...ok"
has "ACPI: RSDP"
has "ACPI: PM-Timer IO Port: 0x608"
has "shadow86-linux: init reached"
has "S86 uname Linux $version i686"
has "S86 md5 $want_md5  -"
has "shadow86-linux: script smoke exit 0"
if grep -qF "ACPI Error" "$tmp/console"; then
    echo "linux_disk: the kernel reported ACPI errors:"
    grep -F "ACPI Error" "$tmp/console"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- console (last 40 lines) ---"
    tail -n 40 "$tmp/console"
    echo "--- stderr ---"
    cat "$tmp/err"
    exit 1
fi
echo "linux_disk: SeaBIOS -> syslinux -> Linux $version -> $end in $((stop - start)) s"
exit 0
