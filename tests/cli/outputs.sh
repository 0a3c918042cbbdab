#!/bin/sh
# outputs.sh -- the command line's outputs at the ends of a run.
#
#   outputs.sh EMULATOR ROM signals   a run of print_spin.rom ended by SIGTERM,
#                                     by SIGINT and by timeout(1) keeps what the
#                                     guest wrote in its -debugcon and -serial
#                                     files, and says how it ended
#   outputs.sh EMULATOR ROM halt [FLAGS]
#                                     a run of halt_idle.rom (halting between
#                                     timer ticks) ends within 5 s of SIGTERM
#                                     and of SIGINT, status 128+N, stop line
#   outputs.sh EMULATOR ROM full      write errors (-debugcon, -serial file:,
#                                     --trace-file on /dev/full) are one line
#                                     each and exit status 14
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 EMULATOR ROM signals|full|halt [FLAGS]" >&2
    exit 2
fi
emu=$1
rom=$2
mode=$3
shift 3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-outputs.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
    echo "outputs: FAIL: $*"
    echo "--- stderr:"
    cat "$tmp/err"
    failed=1
}

# The files must hold exactly what print_spin wrote.
check_files() {
    printf 'print_spin: debugcon\n' >"$tmp/want-dc"
    printf 'print_spin: serial\n' >"$tmp/want-ser"
    cmp -s "$tmp/dc" "$tmp/want-dc" || fail "$1: -debugcon file holds '$(cat "$tmp/dc" 2>/dev/null)'"
    cmp -s "$tmp/ser" "$tmp/want-ser" || fail "$1: -serial file holds '$(cat "$tmp/ser" 2>/dev/null)'"
}

case $mode in
signals)
    # Two seconds: well past the guest's printing (its first hundred
    # instructions) and the handlers' installation, even on a loaded host.
    for sig in TERM:15 INT:2; do
        before=$failed
        failed=0
        name=${sig%:*}
        num=${sig#*:}
        rm -f "$tmp/dc" "$tmp/ser"
        "$emu" -bios "$rom" -debugcon "file:$tmp/dc" -serial "file:$tmp/ser" >"$tmp/out" 2>"$tmp/err" &
        pid=$!
        sleep 2
        kill -"$name" "$pid"
        wait "$pid"
        st=$?
        [ $st -eq $((128 + num)) ] || fail "SIG$name: status $st, expected $((128 + num))"
        grep -q "^shadow86: stopped by signal $num at " "$tmp/err" || fail "SIG$name: no stop line"
        check_files "SIG$name"
        [ $failed -eq 0 ] && echo "SIG$name ok"
        [ $before -eq 0 ] || failed=1
    done
    # What the issue saw: a run ended by timeout(1), which sends SIGTERM.
    rm -f "$tmp/dc" "$tmp/ser"
    timeout 2 "$emu" -bios "$rom" -debugcon "file:$tmp/dc" -serial "file:$tmp/ser" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 124 ] || fail "timeout: status $st, expected 124"
    before=$failed
    failed=0
    check_files timeout
    [ $failed -eq 0 ] && echo "timeout ok"
    [ $before -eq 0 ] || failed=1
    ;;
halt)
    # The guest prints, then only halts between ticks. Each signal must
    # end the run within 5 s (checked every 0.1 s), not wait forever.
    for sig in TERM:15 INT:2; do
        before=$failed
        failed=0
        name=${sig%:*}
        num=${sig#*:}
        rm -f "$tmp/dc"
        "$emu" "$@" -bios "$rom" -debugcon "file:$tmp/dc" >"$tmp/out" 2>"$tmp/err" &
        pid=$!
        sleep 2
        kill -"$name" "$pid"
        n=0
        while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            fail "SIG$name: still running 5 s after the signal"
            kill -KILL "$pid"
        fi
        wait "$pid"
        st=$?
        [ $st -eq $((128 + num)) ] || fail "SIG$name: status $st, expected $((128 + num))"
        grep -q "^shadow86: stopped by signal $num at " "$tmp/err" || fail "SIG$name: no stop line"
        grep -q "halt_idle: idling" "$tmp/dc" 2>/dev/null || fail "SIG$name: the guest did not start"
        [ $failed -eq 0 ] && echo "SIG$name while halted ok"
        [ $before -eq 0 ] || failed=1
    done
    ;;
full)
    if [ ! -w /dev/full ]; then
        echo "SKIP: no /dev/full on this host"
        exit 77
    fi
    for out in "-debugcon /dev/full|-debugcon /dev/full" \
               "-serial file:/dev/full|-serial file:/dev/full" \
               "--trace insn --trace-file /dev/full|--trace-file /dev/full"; do
        args=${out%%|*}
        what=${out#*|}
        before=$failed
        failed=0
        # shellcheck disable=SC2086  # args is a list of words
        "$emu" -bios "$rom" -debugcon none --max-insns 20000 $args >"$tmp/out" 2>"$tmp/err"
        st=$?
        [ $st -eq 14 ] || fail "$what: status $st, expected 14"
        n=$(grep -c "^shadow86: $what: write error" "$tmp/err")
        [ "$n" -eq 1 ] || fail "$what: $n write-error lines, expected 1"
        grep -q "^shadow86: instruction limit reached " "$tmp/err" || fail "$what: no line saying how the run ended"
        [ $failed -eq 0 ] && echo "$what ok"
        [ $before -eq 0 ] || failed=1
    done
    # A run without write errors still ends as its guest made it (6: the
    # instruction limit), so the status above is the write error's.
    "$emu" -bios "$rom" -debugcon "file:$tmp/dc" --max-insns 20000 >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 6 ] || fail "no write error: status $st, expected 6"
    ;;
*)
    echo "outputs: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
exit $failed
