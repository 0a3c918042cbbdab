#!/bin/sh
# linux_vga.sh -- Debian's 686 kernel on the VGA text console: boot with
# console=tty0 (vgacon on the mode-3 screen the loader sets up), run the
# marker script, power off, and read the screen (--screendump) at exit:
#   linux_vga.sh EMULATOR
set -u
emu=$1
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-686"
initrd="$cache/initramfs.gz"
for f in "$kernel" "$initrd"; do
    if [ ! -s "$f" ]; then
        echo "linux_vga: $f missing: run 'bash scripts/linux-guest.sh' (scripts/test.sh does)" >&2
        exit 1
    fi
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} -m 256 \
    -kernel "$kernel" -initrd "$initrd" -no-reboot --screendump "$dir/screen.txt" \
    -append "console=tty0 cryptomgr.notests=1 noisapnp s86.script=marker" \
    >"$dir/stdout" 2>"$dir/stderr"
status=$?
fail=0
if [ "$status" -ne 0 ]; then
    echo "linux_vga: exit status $status, expected 0 (the guest's ACPI power-off)"
    fail=1
fi
if [ -s "$dir/stdout" ]; then
    echo "linux_vga: output outside the screen (console=tty0 should send none):"
    head -5 "$dir/stdout"
    fail=1
fi
for line in "shadow86-linux: init reached" "shadow86-linux: script marker exit 0" \
            "reboot: Power down"; do
    if ! grep -qF -- "$line" "$dir/screen.txt" 2>/dev/null; then
        echo "linux_vga: the screen lacks: $line"
        fail=1
    fi
done
if [ "$fail" -ne 0 ]; then
    echo "--- screen ---"
    cat "$dir/screen.txt" 2>/dev/null
    echo "--- stderr ---"
    cat "$dir/stderr"
    exit 1
fi
echo "linux_vga: the VGA console showed the boot, the script and the power-off"
