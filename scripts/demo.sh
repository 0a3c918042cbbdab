#!/usr/bin/env bash
# Set up, build, and boot the default guest: Debian bookworm's i386 Linux
# kernel with a busybox initramfs (scripts/linux-guest.sh fetches and
# builds them into the cache), straight from -kernel, to an interactive
# shell on this terminal. `poweroff` (or `reboot`) returns to the host
# shell; Ctrl-A x quits at any time.
#
#   bash scripts/demo.sh                    686 kernel, console on the serial port
#   bash scripts/demo.sh --pae              the 686-pae kernel (PAE paging, NX)
#   bash scripts/demo.sh --vga              the VGA text console (-display text)
#   bash scripts/demo.sh --append "ARGS"    more kernel command-line arguments
#   bash scripts/demo.sh --rom              the old demo ROM (tests/guests/demo)
#   bash scripts/demo.sh ... -- FLAGS       more shadow86 flags (e.g. --mmu shadow)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=686
console=serial
append=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --pae) flavour=686-pae ;;
    --vga) console=vga ;;
    --append) shift; append="${1:?--append needs a value}" ;;
    --rom)
        bash scripts/build.sh >/dev/null
        exec build/shadow86 -bios build/tests/guests/demo.rom ;;
    --) shift; extra=("$@"); break ;;
    *) echo "demo.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift
done
bash scripts/build.sh >/dev/null
bash scripts/linux-guest.sh
cache="$(bash scripts/linux-guest.sh --print-dir)"
# cryptomgr.notests: skip the crypto self-tests; noisapnp: no ISA PnP scan
# (both only shorten the boot).
cmdline="cryptomgr.notests=1 noisapnp"
if [ "$console" = vga ]; then
    display=(-display text)
    cmdline="console=tty0 $cmdline"
else
    display=(-nographic)
    cmdline="console=ttyS0 $cmdline"
fi
[ -n "$append" ] && cmdline="$cmdline $append"
exec build/shadow86 -m 256 -kernel "$cache/vmlinuz-$flavour" -initrd "$cache/initramfs.gz" \
    -append "$cmdline" "${display[@]}" -no-reboot "${extra[@]}"
