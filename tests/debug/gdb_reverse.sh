#!/bin/sh
# gdb_reverse.sh -- reverse execution through the gdb stub, with Debian's
# gdb in batch mode, on the multiboot guest:
#
#   gdb_reverse.sh EMULATOR KERNEL_ELF CMDLINE
#
# Session 1 (snapshots every 1000 instructions, so the history is thinned
# many times over the guest's run): three forward hits of a breakpoint on
# fib (a recursive function: each hit at another stack depth), two
# stepi and a reverse-stepi (back to the first stepi's eip and esp),
# reverse-continue twice (the third hit's esp, then the second's), a
# watchpoint on `checks` going backwards (its previous write: old value
# N, new value N-1), reverse-continue with nothing set (back to the
# history's beginning, _start), then forward again to the first hit (the
# same esp as the first time) and on to the guest's exit.
#
# Session 2 records the run (-record) while gdb goes back to the second
# hit and writes `checks` there (+100); the guest then reports 100 checks
# more, and a replay of the log without gdb must produce the same output
# and match the recording (the write and the rewind are in the log).
set -u
emu=$1 elf=$2 cmdline=$3
command -v gdb >/dev/null 2>&1 || { echo "gdb_reverse: gdb is not installed (scripts/setup.sh installs it)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-rev.XXXXXX") || exit 2
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
die() { echo "gdb_reverse: FAIL: $*"; fail=1; }

start_emu() {   # extra emulator arguments; sets emu_pid and port
    rm -f "$tmp/emu.err"
    timeout -k 5 120 "$emu" -no-reboot -kernel "$elf" -append "$cmdline" \
        -gdb tcp:127.0.0.1:0 -S "$@" 2>"$tmp/emu.err" &
    emu_pid=$!
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^shadow86: gdb stub listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/emu.err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "gdb_reverse: FAIL: no 'listening on' line"; cat "$tmp/emu.err"; exit 1; }
}

# ---- Session 1.
start_emu -debugcon none --reverse-every 1000
timeout -k 5 120 gdb -batch -nx \
    -ex "set pagination off" -ex "set confirm off" \
    -ex "target remote 127.0.0.1:$port" \
    -ex "break fib" \
    -ex "continue" -ex "echo HIT1\n" -ex "info registers esp" \
    -ex "continue" -ex "echo HIT2\n" -ex "info registers esp" \
    -ex "continue" -ex "echo HIT3\n" -ex "info registers esp" \
    -ex "stepi" -ex "echo STEP1\n" -ex "info registers eip esp" \
    -ex "stepi" -ex "echo STEP2\n" -ex "info registers eip esp" \
    -ex "reverse-stepi" -ex "echo RSTEP\n" -ex "info registers eip esp" \
    -ex "reverse-continue" -ex "echo RHIT3\n" -ex "info registers esp" \
    -ex "reverse-continue" -ex "echo RHIT2\n" -ex "info registers esp" \
    -ex "delete" -ex "print *(unsigned *)&checks" -ex "watch *(unsigned *)&checks" \
    -ex "reverse-continue" -ex "delete" \
    -ex "reverse-continue" -ex "echo BEGIN\n" -ex "info registers eip" \
    -ex "break fib" -ex "continue" -ex "echo FWD1\n" -ex "info registers esp" \
    -ex "delete" -ex "continue" \
    "$elf" >"$tmp/gdb1.out" 2>&1
wait "$emu_pid"
status=$?
emu_pid=
cat "$tmp/gdb1.out"
[ "$status" -eq 1 ] || die "session 1: emulator exit status $status, expected 1 (guest passed)"

# The register line after a marker: "after MARKER REG".
reg() { sed -n "/^$1\$/,\$p" "$tmp/gdb1.out" | sed -n "s/^$2 \{1,\}\(0x[0-9a-f]*\) .*/\1/p" | head -n 1; }
h1=$(reg HIT1 esp) h2=$(reg HIT2 esp) h3=$(reg HIT3 esp)
[ -n "$h1" ] && [ -n "$h2" ] && [ -n "$h3" ] || die "no esp at the three hits"
[ "$h1" != "$h2" ] && [ "$h2" != "$h3" ] || die "the hits are not at different depths ($h1 $h2 $h3)"
[ "$(reg STEP1 eip)" != "$(reg STEP2 eip)" ] || die "stepi did not move"
[ "$(reg RSTEP eip)" = "$(reg STEP1 eip)" ] && [ "$(reg RSTEP esp)" = "$(reg STEP1 esp)" ] ||
    die "reverse-stepi: eip/esp $(reg RSTEP eip)/$(reg RSTEP esp), expected $(reg STEP1 eip)/$(reg STEP1 esp)"
[ "$(reg RHIT3 esp)" = "$h3" ] || die "first reverse-continue: esp $(reg RHIT3 esp), expected the third hit's $h3"
[ "$(reg RHIT2 esp)" = "$h2" ] || die "second reverse-continue: esp $(reg RHIT2 esp), expected the second hit's $h2"
grep -q '^Breakpoint 1, 0x[0-9a-f]* in fib ()' "$tmp/gdb1.out" || die "no breakpoint stop line"
n=$(sed -n 's/^\$1 = \([0-9]*\)$/\1/p' "$tmp/gdb1.out")
[ -n "$n" ] && [ "$n" -gt 0 ] || die "no value of checks"
[ -n "$n" ] && { grep -q "^Old value = $n\$" "$tmp/gdb1.out" && grep -q "^New value = $((n - 1))\$" "$tmp/gdb1.out"; } ||
    die "watchpoint going backwards: no 'Old value = $n' / 'New value = $((n - 1))'"
grep -q '^No more reverse-execution history\.' "$tmp/gdb1.out" || die "no 'No more reverse-execution history'"
reg BEGIN eip | grep -q '^0x100010$' || die "history's beginning: eip $(reg BEGIN eip), expected _start (0x100010)"
[ "$(reg FWD1 esp)" = "$h1" ] || die "forward again from the beginning: esp $(reg FWD1 esp), expected the first hit's $h1"
grep -q 'exited with code 01\]$' "$tmp/gdb1.out" || die "session 1: no exit"

# ---- Session 2: a write in the past, recorded and replayed.
start_emu -debugcon file:"$tmp/rec.txt" -record "$tmp/run.log" --reverse-every 5000
timeout -k 5 120 gdb -batch -nx \
    -ex "set pagination off" -ex "set confirm off" \
    -ex "target remote 127.0.0.1:$port" \
    -ex "break fib" -ex "continue" -ex "continue" -ex "continue" \
    -ex "reverse-continue" \
    -ex "set var *(unsigned *)&checks = *(unsigned *)&checks + 100" \
    -ex "delete" -ex "continue" \
    "$elf" >"$tmp/gdb2.out" 2>&1
wait "$emu_pid"
status=$?
emu_pid=
cat "$tmp/gdb2.out"
[ "$status" -eq 1 ] || die "session 2: emulator exit status $status, expected 1"
grep -q 'all 12[0-9] checks passed' "$tmp/rec.txt" || die "session 2: the write did not reach the guest: $(tail -n 1 "$tmp/rec.txt")"
timeout -k 5 120 "$emu" -no-reboot -kernel "$elf" -append "$cmdline" \
    -debugcon file:"$tmp/rep.txt" -replay "$tmp/run.log" 2>"$tmp/rep.err"
status=$?
cat "$tmp/rep.err"
[ "$status" -eq 1 ] || die "replay: exit status $status, expected 1"
grep -q '^shadow86: replay of .* matched the recording' "$tmp/rep.err" || die "replay did not match"
cmp -s "$tmp/rec.txt" "$tmp/rep.txt" || die "replay output differs from the recording's"

if [ "$fail" -ne 0 ]; then
    echo "gdb_reverse: emulator stderr:"
    sed 's/^/    /' "$tmp/emu.err"
    exit 1
fi
echo "gdb_reverse: ok"
