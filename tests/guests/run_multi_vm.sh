#!/bin/sh
# run_multi_vm.sh -- several guests in one process (-vm) each see what they
# see alone (docs/overcommit.md, "Several guests in one process").
#
#   run_multi_vm.sh EMULATOR GUEST_BIN
#
# acpi_off (powers off: status 0), x87 (status 1), nic (-nic null, status
# 1) and acpi_off -append reset (status 10), each run alone, then together
# in one process: each guest's port 0xE9 output must be byte for byte its
# output alone (to files, and as the [vmN]-tagged lines on stdout), its
# instruction count the same, and the process's status 0 when all are 0,
# else the first guest's, in command-line order, that is not. Two runs of
# the set give the same counts (the round-robin is deterministic).
set -u
emu=$1
bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-multivm.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
t=${SHADOW86_GUEST_TIMEOUT:-120}

set_guest() {   # name -> its options
    case "$1" in
    off) echo "-no-reboot -kernel $bin/acpi_off.elf" ;;
    x87) echo "-no-reboot -kernel $bin/x87.elf" ;;
    nic) echo "-no-reboot -nic null -kernel $bin/nic.elf" ;;
    reset) echo "-no-reboot -kernel $bin/acpi_off.elf -append reset" ;;
    esac
}
for g in off x87 nic reset; do
    # shellcheck disable=SC2046
    timeout "$t" "$emu" $(set_guest $g) -debugcon "file:$tmp/$g.solo" --stats \
        >/dev/null 2>"$tmp/$g.solo.err"
    echo $? >"$tmp/$g.status"
    sed -n 's/^stats: run.instructions //p' "$tmp/$g.solo.err" >"$tmp/$g.insns"
done
echo "run_multi_vm: alone: off $(cat "$tmp/off.status"), x87 $(cat "$tmp/x87.status")," \
     "nic $(cat "$tmp/nic.status"), reset $(cat "$tmp/reset.status")"

# together: $1 = tag for files, rest = guest names; checks outputs, counts
# and the process status.
together() {
    tag=$1
    shift
    args=""
    n=0
    want=0
    for g in "$@"; do
        n=$((n + 1))
        args="$args -vm $(set_guest "$g") -debugcon file:$tmp/$tag.vm$n"
        s=$(cat "$tmp/$g.status")
        [ "$want" -eq 0 ] && want=$s
    done
    # shellcheck disable=SC2086
    timeout "$t" "$emu" --stats $args >"$tmp/$tag.out" 2>"$tmp/$tag.err"
    got=$?
    [ "$got" -eq "$want" ] || { echo "run_multi_vm: $tag: process status $got, expected $want"; fail=1; }
    n=0
    for g in "$@"; do
        n=$((n + 1))
        cmp -s "$tmp/$g.solo" "$tmp/$tag.vm$n" ||
            { echo "run_multi_vm: $tag: vm$n ($g) wrote other output than alone"; fail=1; }
        i=$(sed -n "s/^stats: vm$n.run.instructions //p" "$tmp/$tag.err")
        [ "$i" = "$(cat "$tmp/$g.insns")" ] ||
            { echo "run_multi_vm: $tag: vm$n ($g) ran $i instructions, alone $(cat "$tmp/$g.insns")"; fail=1; }
        echo "$i" >>"$tmp/$tag.counts"
    done
}
together a off x87 nic
together b off reset x87
together c off off
# Tagged stdout: each guest's lines, tags taken off, are its output alone.
timeout "$t" "$emu" -vm $(set_guest x87) -vm $(set_guest nic) >"$tmp/tagged.out" 2>/dev/null
sed -n 's/^\[vm1\] //p' "$tmp/tagged.out" >"$tmp/tagged.1"
sed -n 's/^\[vm2\] //p' "$tmp/tagged.out" >"$tmp/tagged.2"
tr -d '\r' <"$tmp/x87.solo" >"$tmp/x87.lines"
tr -d '\r' <"$tmp/nic.solo" >"$tmp/nic.lines"
cmp -s "$tmp/tagged.1" "$tmp/x87.lines" || { echo "run_multi_vm: tagged stdout of vm1 differs from x87 alone"; fail=1; }
cmp -s "$tmp/tagged.2" "$tmp/nic.lines" || { echo "run_multi_vm: tagged stdout of vm2 differs from nic alone"; fail=1; }
[ "$(grep -c -v '^\[vm[12]\] ' "$tmp/tagged.out")" -eq 0 ] || { echo "run_multi_vm: untagged lines on stdout"; fail=1; }
# The same set again: the same counts.
mv "$tmp/a.counts" "$tmp/a.first"
together a off x87 nic
cmp -s "$tmp/a.first" "$tmp/a.counts" || { echo "run_multi_vm: two runs of one set differ"; fail=1; }
if [ "$fail" -ne 0 ]; then
    for f in "$tmp"/*.err; do echo "--- $f"; grep -v '^stats' "$f"; done
    exit 1
fi
echo "run_multi_vm: outputs, counts and statuses as alone; status = first nonzero guest's"
