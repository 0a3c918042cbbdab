#!/usr/bin/env bash
# linux-disk.sh -- build a disk image that boots Linux through SeaBIOS and
# syslinux: an MBR (syslinux's mbr.bin) with one active FAT16 partition at
# 1 MiB holding ldlinux.sys/ldlinux.c32 (installed by `syslinux --install`
# on the partition's image file, no mount and no root needed), the kernel,
# the initramfs and syslinux.cfg (copied in with mtools).
#
#   scripts/linux-disk.sh [-k KERNEL] [-i INITRD] [-a CMDLINE] [-s MIB] OUT.img
#
# KERNEL and INITRD default to what scripts/linux-guest.sh leaves in
# ${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux (vmlinuz-686, else the
# newest vmlinuz-*-686, and initramfs.gz). CMDLINE defaults to "console=ttyS0". Then:
#
#   build/shadow86 -hda OUT.img -snapshot -nographic
#
# Needs the Debian packages syslinux, syslinux-common and mtools
# (scripts/setup.sh installs them).
set -euo pipefail

usage() {
    echo "usage: $0 [-k KERNEL] [-i INITRD] [-a CMDLINE] [-s SIZE_MIB] OUT.img" >&2
    exit 2
}

cache=${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux
kernel=""
initrd=""
cmdline="console=ttyS0"
size_mib=64
while getopts "k:i:a:s:h" opt; do
    case $opt in
    k) kernel=$OPTARG ;;
    i) initrd=$OPTARG ;;
    a) cmdline=$OPTARG ;;
    s) size_mib=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
out=$1

die() {
    echo "linux-disk: $*" >&2
    exit 1
}

# Defaults from the cache (scripts/linux-guest.sh): the 686 kernel (not
# 686-pae) as vmlinuz-686 or under Debian's name, newest first, and the
# initramfs beside it.
if [ -z "$kernel" ] && [ -r "$cache/vmlinuz-686" ]; then
    kernel=$cache/vmlinuz-686
fi
if [ -z "$kernel" ]; then
    # shellcheck disable=SC2012  # kernel file names are Debian's, no odd characters
    kernel=$(ls -1 "$cache"/vmlinuz-*-686 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$kernel" ] || die "no kernel given (-k) and none in $cache (run the Linux set-up, see README)"
fi
if [ -z "$initrd" ]; then
    for f in "$cache"/initramfs.gz "$cache"/initramfs.cpio.gz; do
        if [ -r "$f" ]; then initrd=$f; break; fi
    done
    [ -n "$initrd" ] || die "no initramfs given (-i) and none in $cache (run the Linux set-up, see README)"
fi
[ -r "$kernel" ] || die "$kernel: cannot read the kernel"
[ -r "$initrd" ] || die "$initrd: cannot read the initramfs"
case $size_mib in
'' | *[!0-9]*) die "-s $size_mib: not a size in MiB" ;;
esac
if [ "$size_mib" -lt 8 ] || [ "$size_mib" -gt 2048 ]; then
    die "-s $size_mib: size must be 8..2048 MiB"
fi
case $cmdline in
*$'\n'*) die "the kernel command line must be one line" ;;
esac

mbr=/usr/lib/syslinux/mbr/mbr.bin
for tool in syslinux mformat mcopy; do
    command -v "$tool" >/dev/null || die "$tool not found (install the Debian packages syslinux and mtools: scripts/setup.sh)"
done
[ -r "$mbr" ] || die "$mbr missing (install the Debian package syslinux-common: scripts/setup.sh)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-disk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The partition: from sector 2048 (1 MiB) to the end of the disk.
start=2048
total=$((size_mib * 2048))
count=$((total - start))
part=$tmp/part.img
truncate -s $((count * 512)) "$part"
# FAT16, with the hidden-sector count (-H) the partition's start: the boot
# sector syslinux writes adds it to find ldlinux.sys on the disk.
mformat -i "$part" -v SHADOW86 -H "$start" -h 16 -s 63 -T "$count" ::
syslinux --install "$part"
cat >"$tmp/syslinux.cfg" <<EOF
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $cmdline
EOF
mcopy -i "$part" "$kernel" ::vmlinuz
mcopy -i "$part" "$initrd" ::initrd.img
mcopy -i "$part" "$tmp/syslinux.cfg" ::syslinux.cfg

# The disk: syslinux's MBR code, one active partition entry (type 0x0E:
# FAT16 addressed by LBA; CHS fields saturated, as for disks past 8 GiB),
# the 0x55AA signature, then the partition.
disk=$tmp/disk.img
truncate -s $((total * 512)) "$disk"
dd if="$mbr" of="$disk" bs=440 count=1 conv=notrunc status=none
# A 32-bit value as four little-endian bytes (printf octal escapes).
# shellcheck disable=SC2059  # the format is the escape being built
le32() {
    local v=$1
    printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $(((v >> 8) & 255)))"
    printf "\\$(printf %03o $(((v >> 16) & 255)))\\$(printf %03o $(((v >> 24) & 255)))"
}
{
    printf '\200\376\377\377\016\376\377\377'
    le32 "$start"
    le32 "$count"
} | dd of="$disk" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$disk" bs=1 seek=510 conv=notrunc status=none
dd if="$part" of="$disk" bs=1M seek=1 conv=notrunc status=none
mv "$disk" "$out"
echo "linux-disk: $out ($size_mib MiB): $(basename "$kernel"), $(basename "$initrd"), \"$cmdline\""
