#!/bin/sh
# run_boot.sh -- build a disk or CD image around a boot-sector guest, boot it
# through SeaBIOS under shadow86, and judge the run.
#
#   run_boot.sh EMU MKDISK MODE BIN EXPECTED_OUT EXPECTED_SCREEN
#
# MODE:
#   snapshot  4 MiB disk image (mkdisk), -hda IMG -snapshot: the image file
#             must be byte-for-byte unchanged afterwards
#   write     the same without -snapshot: the image must afterwards equal the
#             original with exactly the guest's two written sectors (LBA 2000
#             "WRIT", LBA 2016 "CHSW", both padded with 0xC3) replaced
#   display   like snapshot, with -display text: the terminal output must
#             show the guest's last line (and ANSI colour sequences)
#   nographic like snapshot, with -nographic: SeaBIOS mirrors its text
#             console on COM1 (stdout), which must show the SeaBIOS banner,
#             "Booting from Hard Disk..." and the guest's video line (not its
#             very last line: bytes still in the UART's transmit FIFO when
#             the guest exits are not written out yet)
#   keys      1 MiB disk, -display text with keys typed on stdin once the
#             guest says it waits for them (keys typed before SeaBIOS resets
#             the keyboard are lost, as on a PC): "Hi!", Up, Ctrl-C, Enter;
#             the guest's port 0xE9 output (-debugcon file) lists the scan
#             code and character INT 16h returned for each
#   gfx       1 MiB disk, --screendump FILE.ppm: a 320x200 PPM whose pixels
#             (x, y) show default-palette colour (x + 320 y) & 0x3F; checked
#             at pixels with known colours (EXPECTED_OUT and EXPECTED_SCREEN
#             are not used)
#   lock      1 MiB disk with BIN (a guest that waits for keys): a first
#             shadow86 holds the image; a second one, with and without
#             -snapshot, must be refused (status 2, one line naming the
#             image "in use"); the first is then stopped
#   errors    bad images: missing, empty, not a whole number of sectors (disk
#             and CD), -hdc with -cdrom: status 2 and one line on stderr
#             naming the flag and the file, nothing on stdout
#   fifo      a FIFO given as each input file (-bios, -kernel, -initrd,
#             -vga-bios, --symbols, -cdrom, -hda -snapshot) is refused at
#             once (status 2, one line "not a regular file"), not waited on
#             in open()
#   twice     one image behind two drives of one machine (-hda X -hdb X,
#             -hda X -cdrom X, through a symbolic link, with -snapshot):
#             refused with one line naming both flags; record locks do not
#             conflict within one process, so only the inode tells
#   cd        El Torito ISO (xorriso, no-emulation boot image), -cdrom -boot d
# Always: stdout (port 0xE9) equal to EXPECTED_OUT (except display mode),
# exit status 1 (the guest wrote 0 to port 0xF4), and the text screen at exit
# (--screendump) equal to EXPECTED_SCREEN.
# Images are made in a temporary directory and removed: never committed.

set -u
if [ $# -ne 6 ]; then
    echo "usage: $0 EMU MKDISK MODE BIN EXPECTED_OUT EXPECTED_SCREEN" >&2
    exit 2
fi
emu=$1 mkdisk=$2 mode=$3 bin=$4 expected=$5 screen=$6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-boot.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout_s=${SHADOW86_GUEST_TIMEOUT:-60}
fail=0

# expect_refusal WHAT PATTERN ARGS...: shadow86 ARGS must exit 2 with one
# stderr line matching PATTERN and print nothing else.
expect_refusal() {
    what=$1 pattern=$2
    shift 2
    timeout -k 5 "$timeout_s" "$emu" "$@" >"$tmp/r.out" 2>"$tmp/r.err" </dev/null
    st=$?
    if [ "$st" -ne 2 ] || [ "$(wc -l <"$tmp/r.err")" -ne 1 ] || [ -s "$tmp/r.out" ] ||
       ! grep -q -- "$pattern" "$tmp/r.err"; then
        echo "run_boot: FAIL: $what: status $st (want 2), stderr:"
        sed 's/^/    /' "$tmp/r.err"
        fail=1
    else
        echo "run_boot: ok: $what: $(cat "$tmp/r.err")"
    fi
}

case $mode in
errors)
    : >"$tmp/empty.img"
    head -c 1000 /dev/zero >"$tmp/odd.img"
    head -c 3072 /dev/zero >"$tmp/odd.iso"
    head -c 4096 /dev/zero >"$tmp/ok.iso"
    head -c 4096 /dev/zero >"$tmp/ok.img"
    expect_refusal "missing image" "^shadow86: -hda $tmp/none.img: No such file" -hda "$tmp/none.img"
    expect_refusal "empty image" "^shadow86: -hdb $tmp/empty.img: image is empty" -hdb "$tmp/empty.img"
    expect_refusal "ill-sized disk" "^shadow86: -hda $tmp/odd.img: size 1000 is not a multiple of the 512-byte sector" -hda "$tmp/odd.img"
    expect_refusal "ill-sized CD" "^shadow86: -cdrom $tmp/odd.iso: size 3072 is not a multiple of the 2048-byte sector" -cdrom "$tmp/odd.iso"
    expect_refusal "directory" "^shadow86: -hdd $tmp: Is a directory" -hdd "$tmp"
    expect_refusal "-hdc and -cdrom" "^shadow86: -cdrom and -hdc both" -hdc "$tmp/ok.img" -cdrom "$tmp/ok.iso"
    [ "$fail" -eq 0 ] && echo "run_boot: ok ($mode)"
    exit "$fail"
    ;;
fifo)
    mkfifo "$tmp/p"
    # A Linux kernel as far as -initrd cares ("HdrS" at 0x202): the initrd
    # is read before the kernel is checked further.
    { head -c 514 /dev/zero; printf HdrS; head -c 1000 /dev/zero; } >"$tmp/k"
    timeout_s=5   # a hang is the failure: no need to wait long for it
    nrf="not a regular file"
    expect_refusal "-bios FIFO" "^shadow86: $tmp/p: $nrf\$" -bios "$tmp/p"
    expect_refusal "-kernel FIFO" "^shadow86: $tmp/p: $nrf\$" -kernel "$tmp/p"
    expect_refusal "-initrd FIFO" "^shadow86: $tmp/p: $nrf\$" -kernel "$tmp/k" -initrd "$tmp/p"
    expect_refusal "-vga-bios FIFO" "^shadow86: -vga-bios: $tmp/p: $nrf\$" -vga-bios "$tmp/p"
    expect_refusal "--symbols FIFO" "^shadow86: $tmp/p: $nrf\$" --symbols "$tmp/p"
    expect_refusal "-cdrom FIFO" "^shadow86: -cdrom $tmp/p: $nrf\$" -cdrom "$tmp/p"
    expect_refusal "-hda FIFO -snapshot" "^shadow86: -hda $tmp/p: $nrf\$" -hda "$tmp/p" -snapshot
    expect_refusal "-hdb FIFO" "^shadow86: -hdb $tmp/p: $nrf\$" -hdb "$tmp/p"
    [ "$fail" -eq 0 ] && echo "run_boot: ok ($mode)"
    exit "$fail"
    ;;
twice)
    head -c 4096 /dev/zero >"$tmp/x.img"
    head -c 4096 /dev/zero >"$tmp/y.img"
    ln -s x.img "$tmp/link.img"
    same="same image as"
    # --max-insns: a run that is wrongly accepted ends at once (status 6).
    n="--max-insns 1000"
    expect_refusal "-hda X -hdb X" "^shadow86: -hdb $tmp/x.img: $same -hda$" $n \
        -hda "$tmp/x.img" -hdb "$tmp/x.img"
    expect_refusal "-hda X -cdrom X" "^shadow86: -cdrom $tmp/x.img: $same -hda$" $n \
        -hda "$tmp/x.img" -cdrom "$tmp/x.img"
    expect_refusal "-hdb X -hdd link to X" "^shadow86: -hdd $tmp/link.img: $same -hdb$" $n \
        -hdb "$tmp/x.img" -hda "$tmp/y.img" -hdd "$tmp/link.img"
    expect_refusal "-hdd X -cdrom X" "^shadow86: -cdrom $tmp/x.img: $same -hdd$" $n \
        -hdd "$tmp/x.img" -cdrom "$tmp/x.img"
    expect_refusal "-snapshot -hda X -hdb X" "^shadow86: -hdb $tmp/x.img: $same -hda$" $n \
        -snapshot -hda "$tmp/x.img" -hdb "$tmp/x.img"
    # Two different images are fine: the run goes on to the instruction limit.
    timeout -k 5 "$timeout_s" "$emu" $n -hda "$tmp/x.img" -hdb "$tmp/y.img" >/dev/null 2>&1
    st=$?
    if [ $st -ne 6 ]; then
        echo "run_boot: FAIL: two different images: status $st (want 6)"
        fail=1
    fi
    [ "$fail" -eq 0 ] && echo "run_boot: ok ($mode)"
    exit "$fail"
    ;;
lock)
    "$mkdisk" "$tmp/disk.img" 1048576 "$bin" || exit 1
    mkfifo "$tmp/keys"
    # The first holder waits for keys on a FIFO kept open by sleep.
    sleep "$timeout_s" >"$tmp/keys" &
    holder_in=$!
    "$emu" -hda "$tmp/disk.img" -display text -debugcon none <"$tmp/keys" >"$tmp/first.out" 2>&1 &
    first=$!
    trap 'kill "$first" "$holder_in" 2>/dev/null; rm -rf "$tmp"' EXIT
    i=0
    while ! grep -q "boot_keys: type" "$tmp/first.out" && [ $i -lt $((timeout_s * 10)) ]; do
        sleep 0.1; i=$((i + 1))
    done
    expect_refusal "second user" "^shadow86: -hda $tmp/disk.img: image is in use by another process" \
        -hda "$tmp/disk.img"
    expect_refusal "second user with -snapshot" "^shadow86: -hdb $tmp/disk.img: image is in use" \
        -hdb "$tmp/disk.img" -snapshot
    kill "$first" 2>/dev/null
    kill "$holder_in" 2>/dev/null
    wait "$first" 2>/dev/null
    # Once the holder is gone the image is free again.
    expect_refusal "after release (a bad flag, so nothing runs)" "^shadow86: -display: 'x'" \
        -hda "$tmp/disk.img" -display x
    timeout -k 5 "$timeout_s" "$emu" -hda "$tmp/disk.img" --max-insns 1000 >/dev/null 2>&1
    if [ $? -ne 6 ]; then
        echo "run_boot: FAIL: the image stays locked after its user ended"
        fail=1
    fi
    [ "$fail" -eq 0 ] && echo "run_boot: ok ($mode)"
    exit "$fail"
    ;;
cd)
    if ! command -v xorriso >/dev/null 2>&1; then
        echo "run_boot: FAIL: xorriso is missing (bash scripts/setup.sh installs it)"
        exit 1
    fi
    mkdir "$tmp/root" && cp "$bin" "$tmp/root/boot.bin" && echo "shadow86 test CD" >"$tmp/root/readme.txt"
    if ! xorriso -as mkisofs -quiet -o "$tmp/cd.iso" -b boot.bin -no-emul-boot \
            -boot-load-size 4 "$tmp/root" 2>"$tmp/xorriso.err"; then
        echo "run_boot: FAIL: xorriso could not build the ISO:"; cat "$tmp/xorriso.err"
        exit 1
    fi
    set -- -cdrom "$tmp/cd.iso" -boot d
    ;;
gfx)
    "$mkdisk" "$tmp/disk.img" 1048576 "$bin" || exit 1
    set -- -hda "$tmp/disk.img" -snapshot -debugcon none
    ;;
keys)
    "$mkdisk" "$tmp/disk.img" 1048576 "$bin" || exit 1
    set -- -hda "$tmp/disk.img" -snapshot -display text -debugcon "file:$tmp/guest.out"
    ;;
snapshot|write|display|nographic)
    "$mkdisk" "$tmp/disk.img" 4194304 "$bin" || exit 1
    cp "$tmp/disk.img" "$tmp/pristine.img"
    set -- -hda "$tmp/disk.img"
    [ "$mode" = write ] || set -- "$@" -snapshot
    [ "$mode" = display ] && set -- "$@" -display text -debugcon none
    [ "$mode" = nographic ] && set -- "$@" -nographic -debugcon none
    ;;
*)
    echo "run_boot: unknown mode $mode" >&2
    exit 2
    ;;
esac

dump=$tmp/screen.txt
[ "$mode" = gfx ] && dump=$tmp/screen.ppm
# shellcheck disable=SC2086
set -- ${SHADOW86_GUEST_FLAGS:-} -no-reboot --screendump "$dump" "$@"
echo "run_boot: $emu $*"
if [ "$mode" = keys ]; then
    # The screen (flushed at every redraw) says when the guest waits.
    : >"$tmp/stdout"
    (i=0; while ! grep -q "boot_keys: type" "$tmp/stdout" && [ $i -lt $((timeout_s * 10)) ]; do
         sleep 0.1; i=$((i + 1)); done
     printf 'Hi!\033[A\003\r') |
        timeout -k 5 "$timeout_s" "$emu" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    cp "$tmp/guest.out" "$tmp/stdout" 2>/dev/null || : >"$tmp/stdout"
else
    timeout -k 5 "$timeout_s" "$emu" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
fi
if [ "$status" -ne 1 ]; then
    echo "run_boot: FAIL: exit status $status, expected 1 (guest passed)"
    fail=1
fi
# pixel X Y: the RGB bytes of pixel (X, Y) of a 320-wide P6 dump (15-byte header).
pixel() {
    od -An -tu1 -j $((15 + ($2 * 320 + $1) * 3)) -N3 "$tmp/screen.ppm" | tr -s ' ' | sed 's/^ //'
}
if [ "$mode" = gfx ]; then
    if [ "$(head -c 15 "$tmp/screen.ppm" 2>/dev/null)" != "$(printf 'P6\n320 200\n255\n')" ]; then
        echo "run_boot: FAIL: the dump is not a 320x200 P6 image"
        fail=1
    else
        # Default palette: 0 black, 1 blue, 4 red, 7 light grey, 15 white,
        # 16-31 a grey ramp from black to white; (1, 1) has colour
        # 321 & 63 = 1, (0, 199) colour 63680 & 63 = 0.
        for want in "0 0 0 0 0" "1 0 0 0 170" "4 0 170 0 0" "7 0 170 170 170" "15 0 255 255 255" \
                    "16 0 0 0 0" "31 0 255 255 255" "1 1 0 0 170" "0 199 0 0 0"; do
            set -- $want
            got=$(pixel "$1" "$2")
            if [ "$got" != "$3 $4 $5" ]; then
                echo "run_boot: FAIL: pixel ($1, $2) is $got, expected $3 $4 $5"
                fail=1
            fi
        done
    fi
elif [ "$mode" = display ]; then
    if ! grep -q "boot_disk: all checks passed" "$tmp/stdout" || ! grep -q "$(printf '\033')\[0;" "$tmp/stdout"; then
        echo "run_boot: FAIL: -display text output lacks the guest's last line or colours"
        fail=1
    fi
elif [ "$mode" = nographic ]; then
    for want in "SeaBIOS (version" "Booting from Hard Disk..." "video: mode 3, cursor, mode 13h pixel ok"; do
        if ! grep -q "$want" "$tmp/stdout"; then
            echo "run_boot: FAIL: -nographic serial output lacks '$want'"
            fail=1
        fi
    done
elif ! cmp -s "$expected" "$tmp/stdout"; then
    echo "run_boot: FAIL: guest output differs from $expected:"
    diff -u "$expected" "$tmp/stdout" | sed 's/^/    /'
    fail=1
fi
if [ "$mode" != gfx ] && ! cmp -s "$screen" "$tmp/screen.txt"; then
    echo "run_boot: FAIL: screen at exit differs from $screen:"
    diff -u "$screen" "$tmp/screen.txt" | sed 's/^/    /'
    fail=1
fi
case $mode in
snapshot|display|nographic)
    if ! cmp -s "$tmp/disk.img" "$tmp/pristine.img"; then
        echo "run_boot: FAIL: -snapshot run changed the image file"
        fail=1
    fi
    ;;
write)
    # The expected image: the original with the two sectors the guest wrote.
    cp "$tmp/pristine.img" "$tmp/want.img"
    { printf 'WRIT'; head -c 508 /dev/zero | tr '\000' '\303'; } >"$tmp/s2000"
    { printf 'CHSW'; head -c 508 /dev/zero | tr '\000' '\303'; } >"$tmp/s2016"
    dd if="$tmp/s2000" of="$tmp/want.img" bs=512 seek=2000 conv=notrunc 2>/dev/null
    dd if="$tmp/s2016" of="$tmp/want.img" bs=512 seek=2016 conv=notrunc 2>/dev/null
    if ! cmp "$tmp/disk.img" "$tmp/want.img"; then
        echo "run_boot: FAIL: the image does not hold exactly the guest's writes"
        fail=1
    fi
    ;;
esac
if [ "$fail" -ne 0 ]; then
    echo "run_boot: emulator stderr (last 20 lines):"
    tail -n 20 "$tmp/stderr" | sed 's/^/    /'
    exit 1
fi
echo "run_boot: ok ($mode)"
exit 0
