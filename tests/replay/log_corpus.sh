#!/bin/sh
# log_corpus.sh -- replay logs: a good one replays; damaged ones are refused.
#
#   log_corpus.sh EMULATOR ROM
#
# Records the pc_platform guest (checkpoints every 1,000 instructions),
# replays it (must match), from a state saved at instruction 12,345 with
# the interpreter (must match: incremental checkpoint hashes), a
# -rtc clock=host recording replayed with both engines, replays with EAX perturbed after instruction
# 5,000 (must exit 12 naming instruction 5000), then makes a corpus:
# truncations, flipped bytes in every part, junk appended, another
# version, an empty file, a missing file, and a changed image. Each must
# exit with status 2 and one stderr line naming the file.
set -u
emu=$1
rom=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-logs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$rom" "$tmp/rom"
args="-no-reboot -bios $tmp/rom -rtc base=2001-02-03T04:05:06 -debugcon none"
# shellcheck disable=SC2086
"$emu" $args -record "$tmp/good.log" --checkpoint-every 1000 2>/dev/null
# shellcheck disable=SC2086
"$emu" $args -replay "$tmp/good.log" 2>"$tmp/err"
if [ $? -ne 1 ] || ! grep -q "matched the recording" "$tmp/err"; then
    echo "log_corpus: the good log does not replay"; cat "$tmp/err"; exit 1
fi
# Checkpoint hashes are incremental (only pages written since the last
# one are hashed again): a replay from a state saved on the way starts
# with every page hashed afresh, so a write the recording's dirty-page
# tracking missed shows as a mismatch at the next checkpoint.
# shellcheck disable=SC2086
"$emu" $args -replay "$tmp/good.log" --save-state "$tmp/mid.s86" --save-at 12345 2>"$tmp/err"
# shellcheck disable=SC2086
"$emu" $args -replay "$tmp/good.log" --load-state "$tmp/mid.s86" --no-dbt 2>"$tmp/err"
if [ $? -ne 1 ] || ! grep -q "matched the recording" "$tmp/err"; then
    echo "log_corpus: the replay from a saved state does not match"; cat "$tmp/err"; exit 1
fi
# Host time (-rtc clock=host): every read the guest sees is logged and fed
# back, and nothing else reads it: the replays (another host time, both
# engines) match at every checkpoint.
hargs="-no-reboot -bios $tmp/rom -rtc clock=host -debugcon none"
# shellcheck disable=SC2086
"$emu" $hargs -record "$tmp/host.log" --checkpoint-every 500 2>/dev/null
rst=$?   # the guest's own verdict (its TSC check fails under host time)
for engine in "" "--no-dbt --mmu shadow"; do
    # shellcheck disable=SC2086
    "$emu" $hargs -replay "$tmp/host.log" $engine 2>"$tmp/err"
    if [ $? -ne $rst ] || ! grep -q "matched the recording" "$tmp/err"; then
        echo "log_corpus: the clock=host log does not replay ($engine)"; cat "$tmp/err"; exit 1
    fi
done
# shellcheck disable=SC2086
"$emu" $args -replay "$tmp/good.log" --replay-perturb insn:5000 2>"$tmp/err"
st=$?
if [ $st -ne 12 ] || ! grep -q "first difference after instruction 5000 " "$tmp/err"; then
    echo "log_corpus: the perturbed replay (status $st) was not pinpointed"; cat "$tmp/err"; exit 1
fi
python3 - "$tmp" <<'PY'
import os, sys
tmp = sys.argv[1]
good = open(os.path.join(tmp, "good.log"), "rb").read()
def put(name, data):
    open(os.path.join(tmp, "bad-%s.log" % name), "wb").write(data)
n = len(good)
for cut in sorted(set([0, 1, 15, 16, 20, 24, 28, 40, n // 3, n // 2, n - 9, n - 1])):
    put("cut%d" % cut, good[:cut])
for k in range(24):
    off = 16 + (n - 17) * k // 23
    b = bytearray(good); b[off] ^= 0x5A; put("flip%d" % off, bytes(b))
put("junk", good + b"junk")
b = bytearray(good); b[16] = 9; put("version", bytes(b))
PY
: >"$tmp/bad-empty.log"
fail=0
for f in "$tmp"/bad-*.log "$tmp/missing.log"; do
    # shellcheck disable=SC2086
    "$emu" $args -replay "$f" >/dev/null 2>"$tmp/err"
    st=$?
    if [ $st -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -qF "$f" "$tmp/err"; then
        echo "FAIL $(basename "$f"): status $st:"; cat "$tmp/err"; fail=1
    fi
done
# A changed image: refused, naming it.
printf 'x' | dd of="$tmp/rom" bs=1 seek=100 conv=notrunc 2>/dev/null
# shellcheck disable=SC2086
"$emu" $args -replay "$tmp/good.log" >/dev/null 2>"$tmp/err"
if [ $? -ne 2 ] || ! grep -q "bios differs" "$tmp/err"; then
    echo "FAIL changed image:"; cat "$tmp/err"; fail=1
fi
[ $fail = 0 ] && echo "log_corpus: good log replays, perturbation pinpointed, damaged logs refused"
exit $fail
