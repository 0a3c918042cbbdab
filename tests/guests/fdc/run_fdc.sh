#!/bin/sh
# run_fdc.sh EMU GUEST.rom EXPECTED -- make the test floppies (A: 1.44 MiB,
# B: 720 KiB, see mkfloppy.py), run the guest ROM with them under
# -snapshot through run_guest.sh, and check the image files are unchanged
# afterwards (the guest writes and formats).
set -u
emu=$1 rom=$2 expected=$3
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-fdc.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
python3 "$here/mkfloppy.py" "$tmp/a.img" 1474560 A || exit 1
python3 "$here/mkfloppy.py" "$tmp/b.img" 737280 B || exit 1
cp "$tmp/a.img" "$tmp/a0.img" && cp "$tmp/b.img" "$tmp/b0.img"
sh "$here/../run_guest.sh" "$emu" "$expected" 1 -no-reboot -bios "$rom" \
    -fda "$tmp/a.img" -fdb "$tmp/b.img" -snapshot || exit 1
if ! cmp -s "$tmp/a.img" "$tmp/a0.img" || ! cmp -s "$tmp/b.img" "$tmp/b0.img"; then
    echo "run_fdc: FAIL: a -snapshot run changed an image file"
    exit 1
fi
exit 0
