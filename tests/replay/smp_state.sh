#!/bin/sh
# smp_state.sh -- saved states and record/replay with -smp 4.
#
#   smp_state.sh EMULATOR SMP_ELF
#
# The smp guest (tests/guests/smp) run uninterrupted saves the machine at
# its end. Then it is cut at points inside the AP start-up, the LOCK INC
# race and the IPIs: each segment loads the previous one's state, runs to
# the next cut and saves, alternating the engine and the MMU mode. The
# end state must be byte-identical to the uninterrupted run's (it holds
# every CPU, its APIC and the scheduler's turn) and the outputs put
# together equal. A recorded run must replay, and a state of 4 CPUs must
# be refused by a machine of 2.
set -u
emu=$1
elf=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-smpstate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
args="-no-reboot -smp 4 -kernel $elf"
fail() { echo "smp_state: $*"; exit 1; }

"$emu" $args --save-state "$tmp/full.st" >"$tmp/full.out" 2>"$tmp/err"
[ $? -eq 1 ] || { cat "$tmp/err"; fail "the uninterrupted run did not pass"; }

prev=""
: >"$tmp/cut.out"
i=0
for point in 60001 150000 333333 500001 700000 end; do
    case $((i % 3)) in
    0) engine="" ;;
    1) engine="--no-dbt --mmu shadow" ;;
    2) engine="--mmu shadow" ;;
    esac
    load=""
    [ -n "$prev" ] && load="--load-state $prev"
    limit=""
    [ "$point" != end ] && limit="--max-insns $point"
    "$emu" $args $engine $load $limit --save-state "$tmp/s$i.st" >>"$tmp/cut.out" 2>"$tmp/err"
    status=$?
    want=6
    [ "$point" = end ] && want=1
    [ "$status" -eq "$want" ] || { cat "$tmp/err"; fail "segment to $point exited $status, not $want"; }
    prev="$tmp/s$i.st"
    i=$((i + 1))
done
cmp -s "$tmp/full.out" "$tmp/cut.out" || { diff "$tmp/full.out" "$tmp/cut.out"; fail "the cut runs' output differs"; }
cmp -s "$tmp/full.st" "$prev" || fail "the cut runs' end state differs from the uninterrupted run's"

"$emu" $args -record "$tmp/run.log" >"$tmp/rec.out" 2>"$tmp/err" || true
"$emu" $args -replay "$tmp/run.log" >"$tmp/rep.out" 2>"$tmp/err"
status=$?
[ "$status" -eq 1 ] || { cat "$tmp/err"; fail "replay exited $status"; }
grep -q "matched the recording" "$tmp/err" || { cat "$tmp/err"; fail "replay did not match"; }
cmp -s "$tmp/rec.out" "$tmp/rep.out" || fail "replayed output differs"

"$emu" -no-reboot -smp 2 -kernel "$elf" --load-state "$tmp/full.st" >/dev/null 2>"$tmp/err"
status=$?
[ "$status" -eq 2 ] || fail "a 4-CPU state loaded into -smp 2 exited $status, not 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "full.st" "$tmp/err" || { cat "$tmp/err"; fail "no one-line error naming the file"; }
echo "smp_state: 6 segments on 3 engine/MMU settings end in the same state; replay matched"
