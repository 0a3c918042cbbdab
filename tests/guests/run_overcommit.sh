#!/bin/sh
# run_overcommit.sh -- a guest under memory overcommit sees what it sees
# without it (docs/overcommit.md).
#
#   run_overcommit.sh EMULATOR HOST_MEM_MB [EMULATOR ARGS...]
#
# Runs the guest three times: plainly, then twice with --host-mem
# HOST_MEM_MB, a --swap file and the sharing scanner on (--share-scan).
# Requires the guest's output (stdout, port 0xE9) and exit status to be the
# same in all three runs, the overcommitted runs to have really swapped
# (--stats: hostpool.swap_outs and swap_ins above zero, resident never past
# the limit), and the two overcommitted runs to have evicted, read back and
# merged exactly the same pages (the host side is deterministic too).
# SHADOW86_GUEST_FLAGS and SHADOW86_GUEST_TIMEOUT as for run_guest.sh.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 EMULATOR HOST_MEM_MB [ARGS...]" >&2
    exit 2
fi
emu=$1
mb=$2
shift 2
if [ ! -x "$emu" ]; then
    echo "run_overcommit: emulator '$emu' is not an executable" >&2
    exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-overcommit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout_s=${SHADOW86_GUEST_TIMEOUT:-60}
# shellcheck disable=SC2086  # SHADOW86_GUEST_FLAGS is a list of words
set -- ${SHADOW86_GUEST_FLAGS:-} "$@"

run() {
    name=$1
    shift
    timeout -k 5 "$timeout_s" "$emu" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.status"
}
run plain "$@"
over="--host-mem $mb --swap $tmp/swap --share-scan 2000 --stats"
# shellcheck disable=SC2086
run over1 $over "$@"
# shellcheck disable=SC2086
run over2 $over "$@"

fail=0
for r in over1 over2; do
    if ! cmp -s "$tmp/plain.out" "$tmp/$r.out"; then
        echo "run_overcommit: FAIL: guest output under overcommit ($r) differs:"
        diff -u "$tmp/plain.out" "$tmp/$r.out" | sed 's/^/    /' | head -40
        fail=1
    fi
    if [ "$(cat "$tmp/plain.status")" != "$(cat "$tmp/$r.status")" ]; then
        echo "run_overcommit: FAIL: exit status $(cat "$tmp/$r.status") under overcommit ($r)," \
             "$(cat "$tmp/plain.status") without"
        fail=1
    fi
done
stat() { sed -n "s/^stats: hostpool\.$2 //p" "$tmp/$1.err"; }
outs=$(stat over1 swap_outs)
ins=$(stat over1 swap_ins)
peak=$(stat over1 peak_resident)
limit=$(stat over1 limit_pages)
if [ -z "$outs" ] || [ -z "$ins" ] || [ "$outs" -eq 0 ] || [ "$ins" -eq 0 ]; then
    echo "run_overcommit: FAIL: the guest never swapped (swap_outs '$outs', swap_ins '$ins'):" \
         "raise its memory use or lower HOST_MEM_MB"
    fail=1
elif [ "$peak" -gt "$limit" ]; then
    echo "run_overcommit: FAIL: $peak pages resident at the peak, the limit is $limit"
    fail=1
fi
grep '^stats: hostpool\.' "$tmp/over1.err" >"$tmp/pool1"
grep '^stats: hostpool\.' "$tmp/over2.err" >"$tmp/pool2"
if ! cmp -s "$tmp/pool1" "$tmp/pool2"; then
    echo "run_overcommit: FAIL: two identical runs did different host-side work:"
    diff -u "$tmp/pool1" "$tmp/pool2" | sed 's/^/    /'
    fail=1
fi
if [ $fail -ne 0 ]; then
    echo "run_overcommit: command: $emu $over $*"
    echo "run_overcommit: stderr of the first overcommitted run:"
    grep -v '^stats: ' "$tmp/over1.err" | sed 's/^/    /' | head -20
    exit 1
fi
echo "run_overcommit: PASS: same output and status; $outs pages swapped out, $ins back in" \
     "(peak $peak of $limit pages); $(stat over1 merges) merges, $(stat over1 cow_breaks)" \
     "copy-on-write breaks"
