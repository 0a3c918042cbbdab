#!/bin/sh
# state_corpus.sh -- damaged saved states are refused cleanly.
#
#   state_corpus.sh EMULATOR ROM
#
# Saves the pc_platform guest part-way, then makes a corpus from that file:
# cut at many lengths, single bytes flipped in the magic, the version, the
# flags, the identity, the lengths, the checksum and the payload, junk
# appended, an empty file, a directory, a missing file, a state of another
# configuration (-m) and of another build (the identity's build line
# changed). Loading each must exit with status 2 and print exactly one
# line on stderr that names the file -- never a crash, never a run.
set -u
emu=$1
rom=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
args="-no-reboot -bios $rom -rtc base=2001-02-03T04:05:06 -debugcon none"
# shellcheck disable=SC2086
"$emu" $args --max-insns 9000 --save-state "$tmp/good.s86" --save-at 9000 2>/dev/null
[ -s "$tmp/good.s86" ] || { echo "state_corpus: no state saved"; exit 1; }
# shellcheck disable=SC2086
"$emu" $args --load-state "$tmp/good.s86" 2>"$tmp/err"
st=$?
if [ $st -ne 1 ]; then
    echo "state_corpus: the good state does not load and finish (status $st)"
    cat "$tmp/err"
    exit 1
fi
size=$(wc -c <"$tmp/good.s86")

python3 - "$tmp" "$size" <<'PY'
import os, sys
tmp, size = sys.argv[1], int(sys.argv[2])
good = open(os.path.join(tmp, "good.s86"), "rb").read()
il = int.from_bytes(good[24:28], "little")
ident_end = 28 + il
def put(name, data):
    open(os.path.join(tmp, "bad-" + name + ".s86"), "wb").write(data)
for cut in (0, 1, 15, 16, 20, 27, 28, 40, ident_end - 1, ident_end, ident_end + 8,
            ident_end + 23, ident_end + 24, ident_end + 25, size // 2, size - 1):
    put("cut%d" % cut, good[:cut])
def flip(off, name):
    b = bytearray(good)
    b[off] ^= 0x55
    put(name, bytes(b))
flip(0, "magic")
flip(16, "version")
flip(20, "flags")
flip(24, "identlen")
flip(28 + il // 2, "ident")
flip(ident_end, "rawlen")
flip(ident_end + 8, "storedlen")
flip(ident_end + 16, "checksum")
for k in range(8):
    flip(ident_end + 24 + (size - ident_end - 24) * k // 8, "payload%d" % k)
put("junk", good + b"\0junk")
ident = good[28:ident_end].decode()
other = ident.replace("build=", "build=another-")
put("build", good[:24] + len(other).to_bytes(4, "little") + other.encode() + good[ident_end:])
PY
mkdir "$tmp/bad-dir.s86"
: >"$tmp/bad-empty.s86"
fail=0
n=0
for f in "$tmp"/bad-*.s86 "$tmp/missing.s86"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$emu" $args --load-state "$f" >/dev/null 2>"$tmp/err"
    st=$?
    lines=$(wc -l <"$tmp/err")
    if [ $st -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF "$f" "$tmp/err"; then
        echo "FAIL $(basename "$f"): status $st (want 2), $lines stderr lines (want 1 naming the file):"
        cat "$tmp/err"
        fail=1
    fi
done
# Another configuration: the same state, more RAM.
# shellcheck disable=SC2086
"$emu" $args -m 64 --load-state "$tmp/good.s86" >/dev/null 2>"$tmp/err"
st=$?
n=$((n + 1))
if [ $st -ne 2 ] || ! grep -q "ram_mib differs" "$tmp/err"; then
    echo "FAIL other configuration: status $st:"
    cat "$tmp/err"
    fail=1
fi
[ $fail = 0 ] && echo "state_corpus: $n damaged or foreign states refused, one line each"
exit $fail
