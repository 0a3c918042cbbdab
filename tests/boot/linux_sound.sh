#!/bin/sh
# linux_sound.sh EMULATOR SOURCE_DIR -- Debian's own ALSA drivers on the
# board's Sound Blaster 16 and OPL3: snd-sb16 (legacy ISA, 0x220, IRQ 5,
# DMA 1/5, FM at 0x388) must find the card and detect the FM chip as an
# OPL3 (snd-opl3-lib's timer probe), then tests/boot/fmplay plays a note
# through the OPL3's hwdep ioctls. The run is recorded twice with
# -audio wav: under -rtc clock=vm: the files must be identical, and
# tests/guests/opl3/wavcheck.py must find the note at 439.99 Hz.
# The modules come from the kernel package scripts/linux-guest.sh cached;
# fmplay is built here (gcc -m32 -static). Flags: SHADOW86_GUEST_FLAGS.
set -u
emu=$1
src=$2
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-686"
fail() { echo "linux_sound: FAIL: $*"; exit 1; }
for f in "$kernel" "$kernel.version" "$cache/busybox"; do
    [ -s "$f" ] || fail "$f missing: run 'bash scripts/linux-guest.sh'"
done
version=$(cat "$kernel.version")
deb=$(ls "$cache/debs/linux-image-${version}_"*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no linux-image-$version package in $cache/debs: run 'bash scripts/linux-guest.sh'"
command -v dpkg >/dev/null || fail "dpkg is missing (it unpacks the kernel package)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-sound.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# The initramfs: the boot tests' tree, fmplay, the sound modules.
mkdir -p "$tmp/x" "$tmp/mods/$version"
dpkg --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards "./lib/modules/$version/kernel/sound/*" ||
    fail "unpacking the sound modules from $deb"
for m in soundcore snd snd-timer snd-pcm snd-hwdep snd-seq-device snd-rawmidi snd-opl3-lib \
         snd-mpu401-uart snd-sb-common snd-sb16-dsp snd-sb16-csp snd-sb16; do
    f=$(find "$tmp/x" -name "$m.ko" | head -n1)
    [ -n "$f" ] || fail "$deb holds no $m.ko"
    cp "$f" "$tmp/mods/$version/"
done
cp -r "$src/tests/boot/initramfs" "$tmp/tree"
mkdir -p "$tmp/tree/usr/bin"
gcc -m32 -static -O2 -o "$tmp/tree/usr/bin/fmplay" "$src/tests/boot/fmplay/fmplay.c" ||
    fail "building fmplay (gcc -m32 -static: gcc-multilib)"
python3 "$src/scripts/mkinitramfs.py" --busybox "$cache/busybox" --tree "$tmp/tree" \
    --modules "$tmp/mods" -o "$tmp/initrd.gz" || fail "building the initramfs"

for run in 1 2; do
    timeout -k 10 "${SHADOW86_GUEST_TIMEOUT:-240}" "$emu" ${SHADOW86_GUEST_FLAGS:-} \
        -m 256 -kernel "$kernel" -initrd "$tmp/initrd.gz" -no-reboot -rtc clock=vm \
        -serial "file:$tmp/out$run" -audio "wav:$tmp/run$run.wav" \
        -append "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=sound" \
        >/dev/null 2>"$tmp/err$run"
    status=$?
    tr -d '\r' <"$tmp/out$run" >"$tmp/out$run.txt"
    if [ "$status" -ne 0 ]; then
        cat "$tmp/out$run.txt" "$tmp/err$run"
        fail "run $run: exit status $status, expected 0 (the guest's power-off)"
    fi
done
out="$tmp/out1.txt"
grep '^S86 \|^NOTE ' "$out"
for line in "S86 sound card Sound Blaster 16 at 0x220, irq 5, dma 1&5" \
            "S86 sound hwdep 00-00: OPL3 FM" "S86 fm mode OPL3" "S86 fm played" \
            "shadow86-linux: script sound exit 0"; do
    grep -qxF -- "$line" "$out" || { cat "$out"; fail "missing line: $line"; }
done
cmp "$tmp/run1.wav" "$tmp/run2.wav" || fail "two runs wrote different WAV files"
echo "linux_sound: two runs wrote identical files ($(wc -c <"$tmp/run1.wav") bytes)"
# The guest times its note with usleep: its length within 20 ms.
WAVCHECK_MS_TOLERANCE=20 python3 "$src/tests/guests/opl3/wavcheck.py" "$tmp/run1.wav" "$out" ||
    fail "the WAV"
echo "linux_sound: PASS"
