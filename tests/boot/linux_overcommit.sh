#!/bin/sh
# linux_overcommit.sh -- the source's overcommit scenario, scaled:
#   linux_overcommit.sh EMULATOR SOURCE_DIR [WATERMARK_MB]
# Three Debian guests of 256 MiB each in one process (-vm) sharing one
# host page pool of 400 MiB (--host-mem 400, with a --swap file), each
# with a virtio-balloon, under the balloon policy (--balloon-watermark,
# default 256 MiB: below the ~330 MiB the three touch). Each boots, loads
# Debian's virtio_pci and virtio_balloon, writes and deletes 64 MiB of a
# known pattern twice (/etc/s86/memload.sh) and powers off. Checked: every
# guest's md5s equal the host's, each script ends with status 0, the
# process exits 0, and the policy inflated balloons (host pages released).
# Prints the figures docs/overcommit.md quotes. WATERMARK_MB 0 runs
# without the policy (for the comparison).
set -u
emu=$1
src=$2
mark=${3:-256}
name=linux_overcommit
. "$src/tests/boot/linux_common.sh"
linux_need "$cache/modules/$version/virtio_balloon.ko"
linux_initramfs --modules "$cache/modules"
want=$(python3 -c "import hashlib
p = b''.join(b'%d\n' % i for i in range(1, 1000001))[:1048576]
print(hashlib.md5(p * 64).hexdigest())")
policy=
[ "$mark" -gt 0 ] && policy="--balloon-watermark $mark"
guest() {
    echo -vm -m 256 -kernel "$kernel" -initrd "$tmp/initrd.gz" -no-reboot -device virtio-balloon \
         -serial "file:$tmp/vm$1.log" -debugcon none
}
start=$(date +%s)
# shellcheck disable=SC2046
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-1200}" "$emu" --host-mem 400 --swap "$tmp/swap" \
    --stats --stats-interval 1000 $policy \
    $(guest 1) -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=memload" \
    $(guest 2) -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=memload" \
    $(guest 3) -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=memload" \
    >"$tmp/out" 2>"$tmp/err"
status=$?
secs=$(($(date +%s) - start))
fail=0
[ "$status" -eq 0 ] || { echo "linux_overcommit: exit status $status, expected 0"; fail=1; }
stat() { sed -n "s/^stats: $1 //p" "$tmp/err"; }
for n in 1 2 3; do
    log="$tmp/vm$n.txt"
    tr -d '\r' <"$tmp/vm$n.log" >"$log"
    for r in 1 2; do
        got=$(sed -n "s/^S86 memload round $r md5 \([0-9a-f]*\) .*/\1/p" "$log")
        [ "$got" = "$want" ] || { echo "linux_overcommit: vm$n round $r md5 '${got:-none}', expected $want"; fail=1; }
    done
    grep -q '^shadow86-linux: script memload exit 0$' "$log" ||
        { echo "linux_overcommit: vm$n: the script did not end with status 0"; fail=1; }
    grep -q "^shadow86: \[vm$n\] the guest powered off" "$tmp/err" ||
        { echo "linux_overcommit: vm$n did not power off"; fail=1; }
    grep -q 'insmod .* failed' "$log" && { echo "linux_overcommit: vm$n: a module did not load"; fail=1; }
done
infl=$(stat vmset.policy_inflations)
if [ "$mark" -gt 0 ] && [ "${infl:-0}" -eq 0 ]; then
    echo "linux_overcommit: the policy never inflated a balloon"; fail=1
fi
if [ "$fail" -ne 0 ]; then
    for n in 1 2 3; do echo "--- vm$n serial:"; tail -20 "$tmp/vm$n.txt"; done
    echo "--- stderr:"; grep -v '^stats: vm' "$tmp/err"
    exit 1
fi
peak=$(stat vmset.policy_peak_resident_pages)
grep '^memstats ' "$tmp/err" >"${OVERCOMMIT_MEMSTATS:-/dev/null}"
echo "linux_overcommit: 3 x 256 MiB guests, watermark ${mark} MiB: all md5s match, all powered off," \
     "${secs} s wall, $(stat vmset.rounds) rounds"
echo "linux_overcommit: policy: ${infl:-0} inflations, $(stat vmset.policy_deflations) deflations," \
     "$(stat vmset.policy_give_ups) give-ups, peak pool resident $((${peak:-0} / 256)) MiB," \
     "swap outs $(stat vm1.hostpool.swap_outs)"
for n in 1 2 3; do
    echo "linux_overcommit: vm$n: private $(($(stat vm$n.physmem.private_pages) / 256)) MiB at the end," \
         "allocated $(stat vm$n.physmem.pages_allocated) pages," \
         "balloon inflated $(stat vm$n.balloon.inflated_pages) deflated $(stat vm$n.balloon.deflated_pages)" \
         "target $(stat vm$n.balloon.target_pages)"
done
