#!/bin/sh
# determinism.sh -- -smp runs are repeatable: the smp guest with 4 CPUs,
# twice under the translator and once under the interpreter, must print
# the same output and retire the same instructions on each CPU (and take
# the same interrupts and halts), as --stats reports them.
#   determinism.sh EMULATOR SMP_ELF
set -u
emu=$1
elf=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-smpdet.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
run() {  # NAME FLAGS...
    name=$1
    shift
    timeout -k 5 60 "$emu" "$@" -no-reboot -smp 4 --stats -kernel "$elf" \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
    status=$?
    if [ "$status" -ne 1 ]; then
        echo "determinism: run $name exited with $status, expected 1"; cat "$tmp/$name.err"
        exit 1
    fi
    grep -E '^stats: (run\.instructions|smp\.cpu[0-9]+\.(instructions|interrupts|halts|sipis)) ' \
        "$tmp/$name.err" >"$tmp/$name.counts"
}
run first
run second
run interp --no-dbt
n=$(grep -c 'smp\.cpu[0-9]*\.instructions' "$tmp/first.counts")
if [ "$n" -ne 4 ]; then
    echo "determinism: --stats gave $n per-CPU instruction counts, expected 4"; cat "$tmp/first.err"
    exit 1
fi
if grep -qE 'smp\.cpu[0-9]+\.instructions 0$' "$tmp/first.counts"; then
    echo "determinism: a CPU retired no instructions:"; cat "$tmp/first.counts"
    exit 1
fi
fail=0
for other in second interp; do
    if ! cmp -s "$tmp/first.out" "$tmp/$other.out"; then
        echo "determinism: guest output of run '$other' differs:"
        diff "$tmp/first.out" "$tmp/$other.out"; fail=1
    fi
    if ! cmp -s "$tmp/first.counts" "$tmp/$other.counts"; then
        echo "determinism: counts of run '$other' differ:"
        diff "$tmp/first.counts" "$tmp/$other.counts"; fail=1
    fi
done
[ "$fail" -eq 0 ] || exit 1
echo "determinism: 3 runs, same output and counts:"
cat "$tmp/first.counts"
