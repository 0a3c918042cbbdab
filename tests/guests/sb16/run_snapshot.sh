#!/bin/sh
# run_snapshot.sh EMU GUEST.rom INSNS -- a state saved in the middle of
# playback goes on playing the same sound: the WAV of a run restored from
# a state saved after INSNS instructions must equal the tail of the WAV of
# an uninterrupted run, byte for byte (the sound devices save their DMA
# position, the stream restarts at the restored machine time).
set -u
emu=$1 rom=$2 at=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-sndsnap.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
run() { "$emu" -no-reboot -bios "$rom" -display none -rtc clock=vm "$@" >/dev/null; }
run -audio "wav:$tmp/full.wav"; [ $? -eq 1 ] || { echo "run_snapshot: FAIL: full run"; exit 1; }
run --save-state "$tmp/s.st" --save-at "$at"; [ $? -eq 1 ] || { echo "run_snapshot: FAIL: saving run"; exit 1; }
run --load-state "$tmp/s.st" -audio "wav:$tmp/tail.wav"
[ $? -eq 1 ] || { echo "run_snapshot: FAIL: restored run"; exit 1; }
python3 - "$tmp/full.wav" "$tmp/tail.wav" <<'PY'
import sys
full = open(sys.argv[1], "rb").read()[44:]
tail = open(sys.argv[2], "rb").read()[44:]
if len(tail) < 4000 or len(tail) >= len(full) or not full.endswith(tail):
    print("run_snapshot: FAIL: the restored run's %d frames are not the last of the full run's %d"
          % (len(tail) // 4, len(full) // 4))
    sys.exit(1)
print("run_snapshot: PASS: %d of %d frames played on after the restore" % (len(tail) // 4, len(full) // 4))
PY
