#!/bin/sh
# bochs_live.sh -- check the recording against a live Bochs.
#
#   bochs_live.sh ROM EXPECTED
#
# Skipped (exit 77) when bochs is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-bochs-live.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
sh "$here/run_bochs.sh" "$1" "$tmp/out"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
sh "$here/compare.sh" "$2" "$tmp/out"
