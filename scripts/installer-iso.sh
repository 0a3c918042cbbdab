#!/usr/bin/env bash
# Set up the Debian 12 i386 installer ISO for the boot-installer-* tests,
# in the cache, never committed:
#
#   ${SHADOW86_CACHE:-$HOME/.cache/shadow86}/installer/mini.iso
#
# Debian's debian-installer-12-netboot-i386 package ships the netboot trees
# (text/ and gtk/: the installer's kernel, initrd, isolinux menus) but not
# the mini.iso the installer's own build makes from them. This script makes
# that ISO the same way: the gtk tree (kernel, graphical initrd, the
# boot-screens menus with vesamenu.c32) plus the text tree's initrd, booted
# by isolinux.bin (Debian's isolinux package), built with xorriso. The
# menu is Debian's, with the two entries a mini.iso shows first:
# "Graphical install" (the default; the gtk initrd) and "Install" (the
# text initrd). The package leaves gtk.cfg (the graphical entry) out of
# its trees, so it is written here as Debian's mini.iso has it.
#
# Both packages are fetched by scripts/linux-guest.sh --deb (the private
# apt state; the system's apt is not touched). Idempotent.
# Usage: scripts/installer-iso.sh [--print-iso]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/installer"
iso="$cache/mini.iso"
if [ "${1:-}" = "--print-iso" ]; then
    echo "$iso"
    exit 0
fi
die() { echo "installer-iso: $*" >&2; exit 1; }
[ -s "$iso" ] && exit 0
command -v xorriso >/dev/null 2>&1 || die "xorriso not found (run scripts/setup.sh)"
command -v dpkg >/dev/null 2>&1 || die "dpkg not found"

di_deb="$(bash "$repo/scripts/linux-guest.sh" --deb debian-installer-12-netboot-i386)"
iso_deb="$(bash "$repo/scripts/linux-guest.sh" --deb isolinux)"
mkdir -p "$cache"
tmp="$cache/tmp"
rm -rf "$tmp"
mkdir -p "$tmp/x" "$tmp/tree/debian-installer/i386/text"
dpkg -x "$di_deb" "$tmp/x" || die "dpkg -x $di_deb failed"
dpkg -x "$iso_deb" "$tmp/x" || die "dpkg -x $iso_deb failed"
src="$tmp/x/usr/lib/debian-installer/images/12/i386"
[ -s "$src/gtk/debian-installer/i386/initrd.gz" ] && [ -s "$src/text/debian-installer/i386/initrd.gz" ] ||
    die "$di_deb lacks the gtk or text netboot tree"
[ -s "$tmp/x/usr/lib/ISOLINUX/isolinux.bin" ] || die "$iso_deb lacks isolinux.bin"
di="$tmp/tree/debian-installer/i386"
cp "$src/gtk/debian-installer/i386/linux" "$src/gtk/debian-installer/i386/initrd.gz" "$di/"
cp -r "$src/gtk/debian-installer/i386/boot-screens" "$di/"
cp "$src/text/debian-installer/i386/initrd.gz" "$di/text/"
cp "$tmp/x/usr/lib/ISOLINUX/isolinux.bin" "$tmp/tree/"
# isolinux looks for ldlinux.c32 and its configuration beside itself.
cp "$di/boot-screens/ldlinux.c32" "$tmp/tree/"
cp "$di/boot-screens/syslinux.cfg" "$tmp/tree/isolinux.cfg"
cat >"$di/boot-screens/gtk.cfg" <<'CFG'
default installgui
label installgui
	menu label ^Graphical install
	menu default
	kernel debian-installer/i386/linux
	append vga=788 initrd=debian-installer/i386/initrd.gz --- quiet
CFG
sed -i 's#initrd=debian-installer/i386/initrd.gz#initrd=debian-installer/i386/text/initrd.gz#' \
    "$di/boot-screens/txt.cfg"
grep -q 'text/initrd.gz' "$di/boot-screens/txt.cfg" || die "txt.cfg has no Install entry to point at the text initrd"
xorriso -as mkisofs -quiet -r -J -V "Debian 12 i386 n" -o "$iso.part" \
    -b isolinux.bin -c boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
    "$tmp/tree" 2>"$cache/xorriso.log" || die "xorriso failed (see $cache/xorriso.log)"
mv "$iso.part" "$iso"
rm -rf "$tmp"
echo "installer-iso: $iso ($(basename "$di_deb"))" >&2
