#!/bin/sh
# linux_firmware.sh -- Debian's 686 kernel booted through SeaBIOS and the
# project's option ROM (-kernel-boot firmware, roms/linuxboot.asm) instead
# of the direct loader:
#   linux_firmware.sh EMULATOR MODE MMU
# MODE marker: /init's marker and the marker script on the serial console,
#   the ACPI power-off, and SeaBIOS's log showing it booted the ROM.
# MODE vga: the same with vga=0x317 (VESA 1024x768, 16 bpp, set by the
#   kernel's real-mode setup through the VGA BIOS): the kernel log must
#   report vesafb in that mode, and --screendump must be a 1024x768 PNG.
# Extra flags come from SHADOW86_GUEST_FLAGS.
set -u
emu=$1
mode=$2
mmu=$3
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-686"
initrd="$cache/initramfs.gz"
for f in "$kernel" "$initrd"; do
    if [ ! -s "$f" ]; then
        echo "linux_firmware: $f missing: run 'bash scripts/linux-guest.sh' (scripts/test.sh does)" >&2
        exit 1
    fi
done
case "$mode" in
marker) extra="" ;;
vga) extra=" vga=0x317" ;;
*) echo "linux_firmware: MODE is marker or vga, not $mode" >&2; exit 2 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s)
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu "$mmu" \
    -m 256 -kernel "$kernel" -initrd "$initrd" -kernel-boot firmware -no-reboot \
    -serial "file:$dir/console" -seabios-log "$dir/seabios" --screendump "$dir/screen.png" \
    -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=marker$extra" \
    >/dev/null 2>"$dir/stderr"
status=$?
end=$(date +%s)
tr -d '\r' <"$dir/console" >"$dir/out"
fail=0
if [ "$status" -ne 0 ]; then
    echo "linux_firmware: exit status $status, expected 0 (the guest's ACPI power-off)"
    fail=1
fi
need() {  # FILE TEXT: a line containing TEXT
    if ! grep -qF -- "$2" "$1"; then
        echo "linux_firmware: $(basename "$1") lacks: $2"
        fail=1
    fi
}
# SeaBIOS found the ROM through the bootorder file and booted it.
need "$dir/seabios" "Searching bootorder for: /rom@genroms/linuxboot.bin"
need "$dir/seabios" "Booting from ROM..."
need "$dir/out" "shadow86-linux: init reached"
need "$dir/out" "shadow86-linux: script marker exit 0"
# The initrd the ROM placed was found and unpacked.
need "$dir/out" "Freeing initrd memory"
if [ "$mode" = vga ]; then
    need "$dir/out" "vesafb: mode is 1024x768x16"
    need "$dir/out" "fb0: VESA VGA frame buffer device"
    # PNG: width and height are the big-endian words at bytes 16 and 20.
    size=$(od -An -tu1 -j16 -N8 "$dir/screen.png" 2>/dev/null |
           awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }')
    if [ "$size" != 1024x768 ]; then
        echo "linux_firmware: the screen dump is ${size:-missing}, expected 1024x768"
        fail=1
    fi
fi
if [ "$fail" -ne 0 ]; then
    echo "--- console (last 30 lines) ---"
    tail -n 30 "$dir/out"
    echo "--- SeaBIOS log (last 10 lines) ---"
    tail -n 10 "$dir/seabios"
    echo "--- stderr ---"
    cat "$dir/stderr"
    exit 1
fi
echo "linux_firmware: $mode --mmu $mmu: booted through SeaBIOS in $((end - start)) s"
exit 0
