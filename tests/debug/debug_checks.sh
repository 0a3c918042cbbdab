#!/bin/sh
# debug_checks.sh -- checks of debug/ that are not plain golden files.
#
#   debug_checks.sh MODE EMULATOR ARGS...
#
#   json ROM          --stats-format=json parses back (python3's json), and
#                     its figures agree with the run: instructions with the
#                     closing line, debugcon writes with the bytes printed
#   ring ROM          --trace-ring 4 on a triple-faulting ROM prints the last
#                     4 instructions after the triple-fault line
#   elf ELF CMDLINE   a -kernel ELF's own symbols: the first instruction is
#                     <_start>, --trace-addr guest_main traces only it
#   signals ROM       on a guest that never ends: SIGUSR1 prints --stats and
#                     SIGUSR2 the --trace-ring while the run goes on; SIGINT
#                     ends it with status 130 and prints the ring
#   mmustats MODE ELF on a paging guest in --mmu=MODE: the --stats figures
#                     are the same with and without --trace mmu (host-time
#                     figures aside), and the trace holds one line per
#                     counted event: references (stage 1 and 2) = walk_refs,
#                     walk-done + walk-fault = walks, walk-fault =
#                     faulting_walks; shadow mode: hits, builds, reuses,
#                     write traps, write resyncs
#   blockflush ROM    --trace block --trace-file F: the translator's last
#                     flush (at exit, after the run) still reaches F, and
#                     F is not written after it was closed (the flush line
#                     is the file's last line, the closing line of the run
#                     is on stderr before it)
#   tracemax ROM      --trace insn --trace-max 1 on a guest that never ends
#                     (--max-insns 100000: ~7 MB of trace uncut): the file
#                     stops within a line of 1 MiB, its last line (only)
#                     says the trace was cut, the line before is whole
#   codecache ROM     tests/guests/cs_alias (61,000-odd blocks, ~19 MiB of
#                     cache) with --code-cache 1: the guest still passes,
#                     --stats shows cache-full flushes and a peak within
#                     1 MiB (+ one block), --trace block shows one flush
#                     with cause=cache-full per flush counted; by default
#                     nothing is flushed
#   errors ROM        bad symbol inputs: one line naming the file, status 2,
#                     and no trace file created
set -u
mode=$1 emu=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-dbg.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() { echo "debug_checks $mode: FAIL: $*"; [ -f "$tmp/err" ] && sed 's/^/    /' "$tmp/err" | tail -20; exit 1; }

# The value of stats line KEY in FILE.
stat() { sed -n "s/^stats: $1 //p" "$2"; }

case $mode in
mmustats)
    mmu=$1 elf=$2
    "$emu" -no-reboot --mmu="$mmu" -kernel "$elf" --stats >"$tmp/out" 2>"$tmp/plain"
    st=$?
    [ $st -eq 1 ] || fail "status $st without tracing, expected 1"
    "$emu" -no-reboot --mmu="$mmu" -kernel "$elf" --stats --trace mmu --trace-file "$tmp/trace" \
        >"$tmp/out" 2>"$tmp/traced"
    st=$?
    [ $st -eq 1 ] || fail "status $st with --trace mmu, expected 1"
    hostfig='host_seconds|mips|_ms |_us_per'
    grep '^stats: ' "$tmp/plain" | grep -v -E "$hostfig" >"$tmp/a"
    grep '^stats: ' "$tmp/traced" | grep -v -E "$hostfig" >"$tmp/b"
    [ "$(wc -l <"$tmp/a")" -gt 50 ] || fail "too few stats lines"
    diff "$tmp/a" "$tmp/b" >"$tmp/err" || fail "--stats differ with --trace mmu"
    count() { grep -c -E "^[0-9]+ mmu +$1( |\$)" "$tmp/trace"; }
    eq() { [ "$1" -eq "$2" ] || fail "$3: trace has $1, --stats says $2"; }
    eq "$(count ref)" "$(stat mmu.walk_refs "$tmp/a")" "references"
    eq $(($(count walk-done) + $(count walk-fault))) "$(stat mmu.walks "$tmp/a")" "walks"
    eq "$(count walk-fault)" "$(stat mmu.faulting_walks "$tmp/a")" "faulting walks"
    if [ "$mmu" = shadow ]; then
        eq "$(count shadow-hit)" "$(stat mmu.shadow.hits "$tmp/a")" "shadow hits"
        eq "$(count shadow-build)" "$(stat mmu.shadow.tables_built "$tmp/a")" "tables built"
        eq "$(count shadow-reuse)" "$(stat mmu.shadow.tables_reused "$tmp/a")" "tables reused"
        eq "$(count shadow-wrtrap)" "$(stat mmu.shadow.write_traps "$tmp/a")" "write traps"
        eq "$(grep -c 'shadow-resync cause=write' "$tmp/trace")" \
           "$(stat mmu.shadow.resyncs "$tmp/a")" "write resyncs"
    fi
    echo "mmustats $mmu ok: $(count ref) references in $(stat mmu.walks "$tmp/a") walks"
    ;;
json)
    rom=$1
    "$emu" -no-reboot -bios "$rom" --stats --stats-format json >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 0 ] || fail "status $? (the demo halts: 0)"
    n=$(sed -n 's/.* after \([0-9][0-9]*\) instructions.*/\1/p' "$tmp/err")
    [ -n "$n" ] || fail "no closing line"
    sed -n '/^{/,$p' "$tmp/err" >"$tmp/json"
    bytes=$(wc -c <"$tmp/out")
    python3 - "$tmp/json" "$n" "$bytes" <<'PY' || fail "JSON check"
import json, sys
doc = json.load(open(sys.argv[1]))
insns, nbytes = int(sys.argv[2]), int(sys.argv[3])
assert doc["run"]["instructions"] == insns, (doc["run"], insns)
assert doc["run"]["mips"] >= 0
assert doc["io"]["ports_per_device"]["debugcon"]["writes"] == nbytes, doc["io"]
assert doc["debug_devices"]["debugcon_bytes"] == nbytes
assert isinstance(doc["cpu"]["exceptions_per_vector"], dict)
assert doc["sensitive"]["iopl-sensitive"]["OUT"] >= nbytes
print("json ok:", insns, "instructions,", nbytes, "debugcon bytes")
PY
    ;;
ring)
    rom=$1
    "$emu" -no-reboot -bios "$rom" --trace-ring 4 >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 4 ] || fail "status $st, expected 4 (triple fault)"
    grep -q '^shadow86: triple fault' "$tmp/err" || fail "no triple-fault line"
    grep -q '^shadow86: last 4 of [0-9]* instructions (triple fault):$' "$tmp/err" || fail "no ring header"
    lines=$(sed -n '/^shadow86: last 4 of/,$p' "$tmp/err" | tail -n +2 |
            grep -c -E '^[0-9]+ r[0-3] [0-9a-f]{4}:[0-9a-f]{8} @[0-9a-f]{8} [0-9a-f]+ +[a-z]')
    [ "$lines" -eq 4 ] || fail "$lines ring lines, expected 4"
    echo "ring ok"
    ;;
elf)
    elf=$1 cmdline=$2
    "$emu" -no-reboot -kernel "$elf" -append "$cmdline" --trace insn --max-insns 2 \
        --trace-file "$tmp/t1" >"$tmp/out" 2>"$tmp/err"
    head -n 1 "$tmp/t1" | grep -q ' <_start> ' || fail "first line lacks <_start>: $(head -n 1 "$tmp/t1")"
    "$emu" -no-reboot -kernel "$elf" -append "$cmdline" --trace insn --trace-addr guest_main \
        --max-insns 20000 --trace-file "$tmp/t2" >"$tmp/out" 2>"$tmp/err"
    total=$(wc -l <"$tmp/t2")
    inside=$(grep -c -E ' <guest_main(\+0x[0-9a-f]+)?>( |$)' "$tmp/t2")
    [ "$total" -gt 10 ] || fail "only $total lines traced in guest_main"
    [ "$total" -eq "$inside" ] || fail "$((total - inside)) lines outside guest_main"
    echo "elf ok: $total instructions in guest_main"
    ;;
blockflush)
    rom=$1
    "$emu" -no-reboot -bios "$rom" --trace block --trace-file "$tmp/t" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 1 ] || fail "status $st, expected 1"
    grep -q ' block translate ' "$tmp/t" || fail "no translate events in the trace"
    last=$(tail -n 1 "$tmp/t")
    echo "$last" | grep -q -E '^[0-9]+ block flush pa=00000000 cause=-$' ||
        fail "last trace line is not the exit flush: $last"
    echo "blockflush ok"
    ;;
tracemax)
    rom=$1
    "$emu" -no-reboot -bios "$rom" --trace insn --trace-max 1 --max-insns 100000 \
        --trace-file "$tmp/t" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 6 ] || fail "status $st, expected 6 (instruction limit)"
    size=$(wc -c <"$tmp/t")
    [ "$size" -ge 1048576 ] && [ "$size" -le $((1048576 + 2048)) ] ||
        fail "trace of $size bytes, expected 1 MiB and at most one more line"
    tail -n 1 "$tmp/t" | grep -q '^trace cut: --trace-max of 1 MiB reached; nothing more is written$' ||
        fail "last line: $(tail -n 1 "$tmp/t")"
    [ "$(grep -c '^trace cut' "$tmp/t")" -eq 1 ] || fail "more than one closing line"
    tail -n 2 "$tmp/t" | head -n 1 | grep -q -E '^[0-9]+ r0 [0-9a-f]{4}:[0-9a-f]{8} ' ||
        fail "the line before the cut is not a whole instruction line"
    echo "tracemax ok: $size bytes"
    ;;
codecache)
    rom=$1
    "$emu" -no-reboot -bios "$rom" --stats >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 1 ] || fail "default cache: status not 1"
    [ "$(stat dbt.cache_full_flushes "$tmp/err")" = 0 ] || fail "default cache: flushed"
    "$emu" -no-reboot -bios "$rom" --stats --code-cache 1 --trace block --trace-file "$tmp/t" \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 1 ] || fail "status $st, expected 1"
    grep -q '^PASS cs_alias' "$tmp/out" || fail "guest did not pass"
    n=$(stat dbt.cache_full_flushes "$tmp/err")
    peak=$(stat dbt.cache_peak_kib "$tmp/err")
    [ "${n:-0}" -ge 4 ] || fail "$n cache-full flushes, expected several"
    [ "$peak" -le 1040 ] || fail "cache peak $peak KiB over the 1 MiB limit"
    [ "$(grep -c ' block flush pa=00000000 cause=cache-full$' "$tmp/t")" -eq "$n" ] ||
        fail "trace flush events differ from the $n counted"
    echo "codecache ok: $n flushes, peak $peak KiB"
    ;;
errors)
    rom=$1
    "$emu" -bios "$rom" --symbols "$tmp/missing.map" --trace insn --trace-file "$tmp/t" \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 2 ] || fail "missing file: status $st"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "missing.map" "$tmp/err" || fail "missing file: message"
    [ ! -e "$tmp/t" ] || fail "trace file created by a rejected run"
    printf '000f0000 T ok\nthis is not a map\n' >"$tmp/bad.map"
    "$emu" -bios "$rom" --symbols "$tmp/bad.map" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 2 ] || fail "bad map: status $st"
    grep -q "bad.map:2: not a System.map/kallsyms line" "$tmp/err" || fail "bad map: message"
    printf '\177ELF garbage' >"$tmp/bad.elf"
    "$emu" -bios "$rom" --symbols "$tmp/bad.elf" >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "bad.elf: " "$tmp/err" || fail "bad ELF"
    "$emu" -bios "$rom" --trace insn --trace-addr no_such_symbol >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "no_such_symbol" "$tmp/err" || fail "unknown --trace-addr symbol"
    echo "errors ok"
    ;;
signals)
    rom=$1
    "$emu" -bios "$rom" --trace-ring 2 --stats >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep 1
    kill -USR1 "$pid"
    sleep 0.5
    kill -USR2 "$pid"
    sleep 0.5
    kill -INT "$pid"
    wait "$pid"
    st=$?
    [ $st -eq 130 ] || fail "status $st, expected 130"
    [ "$(grep -c '^stats: run.instructions ' "$tmp/err")" -eq 2 ] || fail "want stats twice (SIGUSR1, exit)"
    grep -q '^shadow86: last 2 of [0-9]* instructions (on request, SIGUSR2):$' "$tmp/err" ||
        fail "no ring on SIGUSR2"
    grep -q '^shadow86: stopped by signal 2 at ' "$tmp/err" || fail "no stop line"
    grep -q '^shadow86: last 2 of [0-9]* instructions (stopped by a signal):$' "$tmp/err" ||
        fail "no ring at the stop"
    grep -q ' inc ax ' "$tmp/err" || fail "ring lacks the guest's instructions"
    echo "signals ok"
    ;;
*)
    echo "debug_checks: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
