#!/bin/sh
# linux_smoke.sh -- boot Debian's i386 kernel with the busybox initramfs
# (both from scripts/linux-guest.sh) and judge the serial console:
#   linux_smoke.sh EMULATOR FLAVOUR MMU
# FLAVOUR is 686 or 686-pae, MMU nested or shadow. /init must print its
# marker, run /etc/s86/smoke.sh (uname, /proc/cpuinfo, the checksum of a
# generated file, a shell loop) with the results the host computes too,
# and end the machine. Extra flags come from SHADOW86_GUEST_FLAGS.
set -u
emu=$1
flavour=$2
mmu=$3
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-$flavour"
initrd="$cache/initramfs.gz"
for f in "$kernel" "$kernel.version" "$initrd"; do
    if [ ! -s "$f" ]; then
        echo "linux_smoke: $f missing: run 'bash scripts/linux-guest.sh' (scripts/test.sh does)" >&2
        exit 1
    fi
done
version=$(cat "$kernel.version")
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# The guest ends with `poweroff -f` (ACPI S5: status 0); -no-reboot makes
# a reset end the run too, with status 10, so a kernel that fails to power
# off cannot loop. cryptomgr.notests skips the crypto self-tests and
# noisapnp the ISA PnP scan (together about a third of the boot).
start=$(date +%s)
timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu "$mmu" \
    -m 256 -kernel "$kernel" -initrd "$initrd" -no-reboot -serial "file:$out" \
    -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=smoke" \
    >/dev/null 2>"$err"
status=$?
end=$(date +%s)
# The guest's tty turns "\n" into "\r\n".
tr -d '\r' <"$out" >"$out.txt" && mv "$out.txt" "$out"
fail=0
if [ "$status" -ne 0 ]; then
    echo "linux_smoke: exit status $status, expected 0 (the guest's ACPI power-off)"
    fail=1
fi
want_md5=$(seq 1 20000 | md5sum | cut -d' ' -f1)
flags="fpu tsc cx8 cmov pse pge"
[ "$flavour" = 686-pae ] && flags="$flags pae"
check() {  # a line that must appear whole
    if ! grep -qxF -- "$1" "$out"; then
        echo "linux_smoke: missing line: $1"
        fail=1
    fi
}
check "shadow86-linux: init reached"
check "S86 uname Linux $version i686"
check "S86 cpuinfo vendor_id	: GenuineIntel"
check "S86 cpuinfo fpu		: yes"
check "S86 md5 $want_md5  -"
check "S86 loop 2664667000"
check "shadow86-linux: script smoke exit 0"
cpuflags=$(sed -n 's/^S86 cpuinfo flags[^:]*: //p' "$out")
for f in $flags; do
    case " $cpuflags " in
    *" $f "*) ;;
    *) echo "linux_smoke: /proc/cpuinfo flags lack '$f': $cpuflags"; fail=1 ;;
    esac
done
if [ "$fail" -ne 0 ]; then
    echo "--- console (last 40 lines) ---"
    tail -n 40 "$out"
    echo "--- stderr ---"
    cat "$err"
    exit 1
fi
echo "linux_smoke: $flavour --mmu $mmu: booted and ran the script in $((end - start)) s"
exit 0
