#!/bin/sh
# gdb_session.sh -- a gdb batch session against the stub, on the multiboot
# guest (an ELF with symbols):
#
#   gdb_session.sh EMULATOR KERNEL_ELF CMDLINE
#
# Starts `EMULATOR -kernel ELF -gdb tcp:127.0.0.1:0 -S` (port 0: a free port,
# read back from the "listening on" line), then runs Debian's gdb in batch
# mode: break on a symbol, continue, step, read registers (general and
# control) and memory, read an unmapped address (must fail), watch a
# variable through two changes, delete it and continue to the guest's exit.
# Every expectation is checked on gdb's output; the guest must also pass
# its own checks (exit status 1, as when it runs without gdb).
set -u
emu=$1 elf=$2 cmdline=$3
command -v gdb >/dev/null 2>&1 || { echo "gdb_session: gdb is not installed (scripts/setup.sh installs it)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-gdb.XXXXXX") || exit 2
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

timeout -k 5 60 "$emu" -no-reboot -kernel "$elf" -append "$cmdline" -debugcon none \
    -gdb tcp:127.0.0.1:0 -S 2>"$tmp/emu.err" &
emu_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^shadow86: gdb stub listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/emu.err")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "gdb_session: FAIL: no 'listening on' line"; cat "$tmp/emu.err"; exit 1; }

# Separate -ex commands: in batch mode an error (the unmapped read, on
# purpose) ends a command file but not the following -ex commands.
timeout -k 5 60 gdb -batch -nx \
    -ex "set pagination off" -ex "set confirm off" \
    -ex "target remote 127.0.0.1:$port" \
    -ex "break guest_main" -ex "continue" \
    -ex "info registers eip" -ex "stepi" -ex "info registers eip cs ss eflags cr0" \
    -ex "x/4xb guest_main" -ex "x/4xb 0xf0000000" \
    -ex "print/x *(unsigned *)&checks" -ex "watch *(unsigned *)&checks" \
    -ex "continue" -ex "continue" -ex "delete" -ex "continue" \
    "$elf" >"$tmp/gdb.out" 2>&1
wait "$emu_pid"
status=$?
emu_pid=
cat "$tmp/gdb.out"

fail=0
expect() {
    if ! grep -E -q "$1" "$tmp/gdb.out"; then
        echo "gdb_session: FAIL: gdb output lacks /$1/ ($2)"
        fail=1
    fi
}
expect '^Breakpoint 1, 0x[0-9a-f]+ in guest_main \(\)' "break on a symbol"
expect '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <guest_main>$' "eip at the breakpoint"
expect '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <guest_main\+[0-9]+>$' "eip after stepi"
expect '^cs +0x8 +8$' "cs register"
expect '^cr0 +0x[0-9a-f]*1 ' "cr0 with PE set"
expect '^0x[0-9a-f]+ <guest_main>:(\s+0x[0-9a-f]{2}){4}$' "memory read"
expect 'Cannot access memory at address 0xf0000000' "unmapped memory fails"
expect '^\$1 = 0x0$' "variable read"
expect '^Hardware watchpoint 2: \*\(unsigned \*\)&checks$' "watchpoint set"
expect '^Old value = 0$' "first change: old"
expect '^New value = 1$' "first change: new"
expect '^Old value = 1$' "second change: old"
expect '^New value = 2$' "second change: new"
expect 'exited with code 01\]$' "continue to the guest's exit"
if [ "$status" -ne 1 ]; then
    echo "gdb_session: FAIL: emulator exit status $status, expected 1 (guest passed)"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "gdb_session: emulator stderr:"
    sed 's/^/    /' "$tmp/emu.err"
    exit 1
fi
echo "gdb_session: ok"
