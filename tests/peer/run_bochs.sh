#!/bin/sh
# run_bochs.sh -- run a peer ROM in Bochs, headless, and keep its lines.
#
#   run_bochs.sh ROM OUTPUT
#
# Exit 77 (ctest's SKIP_RETURN_CODE) when bochs is not installed.  Debian's
# bochs has its debugger built in (hence -rc: continue) and no "nogui"
# display, so the VNC display with no wait for a client stands in; sound
# goes to the dummy driver.  The guest ends by writing "Shutdown" to
# Bochs' port 8900h, which stops Bochs; a timeout stops it otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rom=$1
out=$2
if ! command -v bochs >/dev/null 2>&1; then
    echo "run_bochs: SKIPPED: bochs is not installed (apt-get install -y bochs bochsbios vgabios)"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-bochs.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cp "$rom" "$tmp/peer.rom"
(cd "$tmp" && PEER_ROM="$tmp/peer.rom" PEER_LOG="$tmp/bochs.log" \
    timeout -k 5 "${PEER_BOCHS_TIMEOUT:-300}" bochs -q -f "$here/bochsrc.txt" \
    -rc "$here/bochs_debugger.rc" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
grep -aE '^([0-9a-f]{4} |END )' "$tmp/stdout" >"$out"
if ! grep -q '^END ' "$out"; then
    echo "run_bochs: FAIL: no END line from Bochs; its log ends:"
    tail -n 20 "$tmp/bochs.log" 2>/dev/null | sed 's/^/    /'
    tail -n 10 "$tmp/stderr" | sed 's/^/    /'
    exit 1
fi
exit 0
