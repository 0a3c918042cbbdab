#!/bin/sh
# run_wav.sh EMU GUEST.rom EXPECTED CHECKER -- run a sound guest ROM twice
# through run_guest.sh with -audio wav: under -rtc clock=vm, require the
# two WAV files to be identical byte for byte, then judge the first with
# `python3 CHECKER WAV EXPECTED` (the guest's expected output tells the
# checker what it played).
set -u
emu=$1 rom=$2 expected=$3 checker=$4
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-wav.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
for run in 1 2; do
    sh "$here/../run_guest.sh" "$emu" "$expected" 1 -no-reboot -bios "$rom" -display none \
        -rtc clock=vm -audio "wav:$tmp/run$run.wav" || exit 1
done
if ! cmp "$tmp/run1.wav" "$tmp/run2.wav"; then
    echo "run_wav: FAIL: two runs wrote different WAV files"
    exit 1
fi
echo "run_wav: two runs wrote identical files ($(wc -c <"$tmp/run1.wav") bytes)"
python3 "$checker" "$tmp/run1.wav" "$expected"
