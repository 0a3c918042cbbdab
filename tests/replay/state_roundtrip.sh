#!/bin/sh
# state_roundtrip.sh -- saved machine states resume exactly.
#
#   state_roundtrip.sh EMULATOR guest ROM     the pc_platform device guest
#   state_roundtrip.sh EMULATOR linux         Debian's kernel + initramfs
#
# One uninterrupted run to an end point saves the machine there
# (--save-state at exit). Then the same run is cut at several points: each
# segment loads the previous segment's state (--load-state), runs to the
# next point and saves (--save-at); the segments alternate the engine
# (translator, --no-dbt interpreter) and the MMU mode (nested, shadow). The
# end state files must be byte-identical (they hold the whole machine:
# CPU, FPU, MMU mode state, devices, RAM, the clock), and the segments'
# guest output put together must equal the uninterrupted run's.
set -u
emu=$1
kind=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-state.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ "$kind" = guest ]; then
    # 24,428 instructions to the guest's exit; cut every 2,000 or so, at
    # odd counts so cuts land inside its timer and UART waits.
    args="-no-reboot -bios $3 -rtc base=2001-02-03T04:05:06 -debugcon file:"
    end=30000000
    points="1 777 2001 3333 5555 7777 9999 12121 14141 16161 18181 20202 22222 24000"
    slow_every=1
else
    cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
    for f in "$cache/vmlinuz-686" "$cache/initramfs.gz"; do
        if [ ! -s "$f" ]; then
            echo "state_roundtrip: $f missing: run 'bash scripts/linux-guest.sh'" >&2
            exit 77
        fi
    done
    args="-m 256 -kernel $cache/vmlinuz-686 -initrd $cache/initramfs.gz -no-reboot"
    args="$args -append console=ttyS0 -serial file:"
    # The kernel decompressed, paging on, the devices probed: 700 M
    # instructions in. The interpreter runs only the short segments
    # (it is ~15x slower).
    end=700000000
    points="50000000 150000000 150500000 300000000 450000000 451000000 600000000"
    slow_every=0
fi

run() {   # run OUTFILE [options...]
    out=$1
    shift
    # shellcheck disable=SC2086
    "$emu" ${args}"$out" "$@" >/dev/null 2>>"$tmp/stderr"
}

run "$tmp/full.out" --max-insns $end --save-state "$tmp/full.s86"
st=$?
[ -s "$tmp/full.s86" ] || { echo "no state saved by the full run (status $st)"; cat "$tmp/stderr"; exit 1; }

prev=
i=0
last=0
for p in $points $end; do
    engine=
    mmu=nested
    case $((i % 4)) in
        1) mmu=shadow ;;
        2) if [ "$slow_every" = 1 ] || [ $((p - last)) -le 2000000 ]; then engine=--no-dbt; fi ;;
        3) if [ "$slow_every" = 1 ] || [ $((p - last)) -le 2000000 ]; then engine=--no-dbt; fi
           mmu=shadow ;;
    esac
    load=
    [ -n "$prev" ] && load="--load-state $prev"
    if [ "$p" = "$end" ]; then
        # shellcheck disable=SC2086
        run "$tmp/seg$i.out" $engine --mmu $mmu $load --max-insns $end --save-state "$tmp/last.s86"
    else
        # shellcheck disable=SC2086
        run "$tmp/seg$i.out" $engine --mmu $mmu $load --max-insns $p --save-state "$tmp/s$i.s86" \
            --save-at $p
        prev="$tmp/s$i.s86"
        if [ ! -s "$prev" ]; then
            echo "segment $i (to $p, $engine --mmu $mmu) saved no state"
            cat "$tmp/stderr"
            exit 1
        fi
    fi
    last=$p
    i=$((i + 1))
done

fail=0
if ! cmp -s "$tmp/full.s86" "$tmp/last.s86"; then
    echo "the end state after $i segments differs from the uninterrupted run's"
    cmp "$tmp/full.s86" "$tmp/last.s86" | head -2
    fail=1
fi
j=0
: >"$tmp/joined.out"
while [ $j -lt $i ]; do
    cat "$tmp/seg$j.out" >>"$tmp/joined.out"
    j=$((j + 1))
done
if ! cmp -s "$tmp/full.out" "$tmp/joined.out"; then
    echo "the segments' guest output differs from the uninterrupted run's"
    fail=1
fi
if [ $fail = 1 ]; then
    echo "--- stderr ---"
    cat "$tmp/stderr"
    exit 1
fi
echo "state_roundtrip: $kind: $i segments, end state and output identical"
exit 0
