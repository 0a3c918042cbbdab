#!/bin/sh
# run_peer.sh -- run a peer ROM in shadow86 and compare with Bochs.
#
#   run_peer.sh SHADOW86 ROM EXPECTED KNOWN [SHADOW86 FLAGS...]
#
# EXPECTED is Bochs' recorded output (expected/NAME.txt), KNOWN the cases
# where the two are known to differ (known/NAME.txt); see compare.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
emu=$1
rom=$2
exp=$3
known=$4
shift 4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-peer.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
echo "run_peer: $emu $* -no-reboot -bios $rom"
timeout -k 5 120 "$emu" "$@" -no-reboot -bios "$rom" >"$tmp/raw" 2>"$tmp/stderr"
status=$?
if [ "$status" -ne 1 ]; then
    echo "run_peer: FAIL: exit status $status, expected 1 (the guest's port F4h write)"
    tail -n 20 "$tmp/stderr" | sed 's/^/    /'
fi
grep -aE '^([0-9a-f]{4} |END )' "$tmp/raw" >"$tmp/out"
sh "$here/compare.sh" "$exp" "$tmp/out" "$known" || exit 1
[ "$status" -eq 1 ] || exit 1
exit 0
