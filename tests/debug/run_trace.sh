#!/bin/sh
# run_trace.sh -- golden-output check of a trace (or of stderr).
#
#   run_trace.sh EMULATOR EXPECTED WANT_STATUS trace|stderr [EMULATOR ARGS...]
#
# "trace": runs EMULATOR ARGS --trace-file TMP and compares TMP with EXPECTED.
# "stderr": compares the emulator's stderr with EXPECTED.
# Both also require the exit status WANT_STATUS. On failure the difference,
# the emulator's stderr and the command are printed.
set -u
if [ $# -lt 4 ]; then
    echo "usage: $0 EMULATOR EXPECTED WANT_STATUS trace|stderr [ARGS...]" >&2
    exit 2
fi
emu=$1 expected=$2 want=$3 what=$4
shift 4
[ -x "$emu" ] || { echo "run_trace: '$emu' is not an executable" >&2; exit 2; }
[ -r "$expected" ] || { echo "run_trace: expected file '$expected' is missing" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-trace.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
if [ "$what" = trace ]; then
    set -- "$@" --trace-file "$tmp/out"
fi
echo "run_trace: $emu $*"
timeout -k 5 60 "$emu" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
[ "$what" = stderr ] && cp "$tmp/stderr" "$tmp/out"
fail=0
if [ "$status" -ne "$want" ]; then
    echo "run_trace: FAIL: exit status $status, expected $want"
    fail=1
fi
if ! cmp -s "$expected" "$tmp/out"; then
    echo "run_trace: FAIL: output differs from $expected:"
    diff -u "$expected" "$tmp/out" | sed 's/^/    /'
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "run_trace: emulator stderr (last 20 lines):"
    tail -n 20 "$tmp/stderr" | sed 's/^/    /'
    exit 1
fi
echo "run_trace: ok ($(wc -l <"$tmp/out") lines as expected)"
