#!/bin/sh
# run_state.sh EMULATOR GUEST -- x2APIC mode survives a saved state.
#
# The x2apic guest is saved at instruction 1800 (in x2APIC mode, among
# its MSR register checks) and at 2400 (its MSR-programmed timer armed)
# and resumed from each state on the interpreter and the translator: the
# resumed run must finish every check (a state that lost the mode makes
# every later x2APIC MSR access #GP and the checks FAIL), and the output
# before and after the cut must make the uninterrupted run's. A state
# saved with x2apic=on is refused by a machine without it.
set -u
emu=$1
elf=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-x2state.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
args="-no-reboot -machine x2apic=on -kernel $elf"
fail=0

# shellcheck disable=SC2086
"$emu" $args -debugcon "file:$tmp/full.out" >/dev/null 2>&1
grep -q "all checks passed" "$tmp/full.out" || { echo "run_state: the uninterrupted run failed"; cat "$tmp/full.out"; exit 1; }
for at in 1800 2400; do
    # shellcheck disable=SC2086
    "$emu" $args -debugcon "file:$tmp/a$at.out" --max-insns "$at" --save-state "$tmp/s$at.s86" >/dev/null 2>&1
    [ -s "$tmp/s$at.s86" ] || { echo "run_state: no state saved at $at"; exit 1; }
    for engine in "" --no-dbt; do
        # shellcheck disable=SC2086
        "$emu" $args $engine -debugcon "file:$tmp/b.out" --load-state "$tmp/s$at.s86" >/dev/null 2>"$tmp/err"
        st=$?
        cat "$tmp/a$at.out" "$tmp/b.out" > "$tmp/joined.out"
        if [ "$st" != 1 ] || ! cmp -s "$tmp/joined.out" "$tmp/full.out"; then
            echo "run_state: resumed at $at ${engine:-(translator)}: status $st, output:"
            cat "$tmp/b.out" "$tmp/err"
            fail=1
        fi
    done
done
# shellcheck disable=SC2086
if "$emu" -no-reboot -kernel "$elf" --load-state "$tmp/s2400.s86" >/dev/null 2>"$tmp/err"; then
    echo "run_state: a state saved with x2apic=on loaded without it"
    fail=1
elif ! grep -q "x2apic" "$tmp/err"; then
    echo "run_state: the refusal does not name x2apic:"
    cat "$tmp/err"
    fail=1
fi
[ $fail = 0 ] && echo "run_state: x2APIC mode kept across saved states: ok"
exit $fail
