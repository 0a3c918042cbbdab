#!/bin/sh
# run_guest.sh -- run one bare-metal guest under shadow86 and judge it.
#
#   run_guest.sh EMULATOR EXPECTED_OUTPUT EXPECTED_STATUS [EMULATOR ARGS...]
#
# Runs `EMULATOR $SHADOW86_GUEST_FLAGS ARGS...` under a timeout, captures its
# stdout (the guest's port 0xE9 output) and requires both:
#   - stdout byte-for-byte equal to the file EXPECTED_OUTPUT, and
#   - the exit status equal to EXPECTED_STATUS
#     (guests exit through port 0xF4: status = (value << 1) | 1, so a guest
#     that passes writes 0 and exits with 1; HLT with IF=0 gives 0).
# On failure it prints what differed, the emulator's stderr and the command.
#
# Environment:
#   SHADOW86_GUEST_FLAGS    extra emulator flags, word-split (e.g. --no-dbt)
#   SHADOW86_GUEST_TIMEOUT  seconds before the run is killed (default 60)

set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 EMULATOR EXPECTED_OUTPUT EXPECTED_STATUS [ARGS...]" >&2
    exit 2
fi
emu=$1
expected=$2
want_status=$3
shift 3

if [ ! -x "$emu" ]; then
    echo "run_guest: emulator '$emu' is not an executable" >&2
    exit 2
fi
if [ ! -r "$expected" ]; then
    echo "run_guest: expected-output file '$expected' is missing" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-guest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

timeout_s=${SHADOW86_GUEST_TIMEOUT:-60}
# shellcheck disable=SC2086  # SHADOW86_GUEST_FLAGS is a list of words
set -- ${SHADOW86_GUEST_FLAGS:-} "$@"
echo "run_guest: $emu $*"
timeout -k 5 "$timeout_s" "$emu" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
status=$?

fail=0
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "run_guest: FAIL: timed out after ${timeout_s}s (status $status)"
    fail=1
elif [ "$status" -ne "$want_status" ]; then
    echo "run_guest: FAIL: exit status $status, expected $want_status"
    if [ "$status" -ge 1 ] && [ $((status % 2)) -eq 1 ]; then
        echo "run_guest:       (the guest wrote $(( (status - 1) / 2 )) to port 0xF4)"
    fi
    fail=1
fi
if ! cmp -s "$expected" "$tmp/stdout"; then
    echo "run_guest: FAIL: guest output differs from $expected:"
    diff -u "$expected" "$tmp/stdout" | sed 's/^/    /'
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "run_guest: emulator stderr (last 20 lines):"
    tail -n 20 "$tmp/stderr" | sed 's/^/    /'
    exit 1
fi
echo "run_guest: ok (status $status, $(wc -l <"$tmp/stdout") lines of output as expected)"
exit 0
