#!/bin/sh
# callout_outcomes.sh -- the callout trace gives each sensitive instruction
# its outcome: a CPL-0 guest that loads bad selectors (pm_privilege) must
# show "faulted" callouts, each followed at once by the exception's "int"
# line at the same CS:EIP, and "emulated" ones; both engines must agree.
#
#   callout_outcomes.sh EMULATOR ROM
set -u
emu=$1 rom=$2
[ -x "$emu" ] || { echo "callout_outcomes: '$emu' is not an executable" >&2; exit 2; }
[ -r "$rom" ] || { echo "callout_outcomes: guest ROM '$rom' is missing" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-callout.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
for e in dbt interp; do
    flag=""
    [ "$e" = interp ] && flag=--no-dbt
    timeout -k 5 60 "$emu" $flag -no-reboot -bios "$rom" --trace callout,int --trace-file "$tmp/$e" \
        >/dev/null 2>"$tmp/$e.err"
done
cmp -s "$tmp/dbt" "$tmp/interp" || { echo "FAIL: the engines' callout traces differ"; diff "$tmp/dbt" "$tmp/interp" | head; exit 1; }
faulted=$(grep -c ' callout [a-z-]* faulted: ' "$tmp/dbt")
emulated=$(grep -c ' callout [a-z-]* emulated: ' "$tmp/dbt")
echo "callout_outcomes: $faulted faulted, $emulated emulated"
[ "$faulted" -gt 0 ] || { echo "FAIL: no faulted callout"; exit 1; }
[ "$emulated" -gt 0 ] || { echo "FAIL: no emulated callout"; exit 1; }
# Each faulted line: the next line is an int line at the same count and CS:EIP.
awk '
    pending { split(prev, p, " "); split($0, q, " ");
              if (q[1] != p[1] || q[3] != p[3] || q[4] != "int") { print "FAIL: after: " prev; print "  came: " $0; bad = 1 }
              pending = 0 }
    / callout [a-z-]* faulted: / { prev = $0; pending = 1 }
    END { if (pending) { print "FAIL: trace ends after a faulted callout"; bad = 1 } exit bad }' "$tmp/dbt" || exit 1
echo "callout_outcomes: ok"
