#!/bin/sh
# run_floppy.sh EMU BIN MODE -- boot the boot_floppy sector from a floppy
# through SeaBIOS (-fda, -boot a, -snapshot) and judge its port 0xE9 output
# and exit status (1: the guest passed).
#
# MODE:
#   geometries  the sector on a test image (fdc/mkfloppy.py) of each medium
#               size: 1.44 MiB, 720 KiB, 2.88 MiB, 1.2 MiB, 360 KiB; the
#               geometry SeaBIOS reports must be the medium's, and the image
#               files must be unchanged afterwards
#   errors      refusals, each status 2 with one stderr line naming the flag
#               and file: a size that is no medium, one file behind -fda and
#               -hda or -fda and -fdb, a FIFO, a second user of a held image
#   syslinux    third-party code: a 1.44 MiB FAT12 floppy made with mtools,
#               Debian's SYSLINUX installed on it (ldlinux.sys and .c32),
#               loading Debian's memdisk
#               with a 360 KiB image holding the sector; memdisk's banner
#               must reach the serial console (-nographic) and the sector
#               must boot from memdisk's RAM floppy
set -u
emu=$1 bin=$2 mode=$3
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-floppy.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout_s=${SHADOW86_GUEST_TIMEOUT:-60}
fail=0

# image FILE SIZE: a test image with the boot sector in front.
image() {
    python3 "$here/../fdc/mkfloppy.py" "$1" "$2" A || exit 1
    dd if="$bin" of="$1" conv=notrunc 2>/dev/null || exit 1
}

# expect FILE C H S: the output of a passing boot on a medium of C/H/S.
expect() {
    printf 'boot_floppy: booted from drive 0\nboot_floppy: geometry %s/%s/%s\nboot_floppy: track read, write and read-back ok\n' \
        "$2" "$3" "$4" >"$1"
}

run() {
    # shellcheck disable=SC2086
    timeout -k 5 "$timeout_s" "$emu" ${SHADOW86_GUEST_FLAGS:-} -no-reboot -boot a -snapshot "$@" \
        >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
}

case $mode in
geometries)
    for g in 1474560:80:2:18 737280:80:2:9 2949120:80:2:36 1228800:80:2:15 368640:40:2:9; do
        IFS=: read -r size c h s <<EOF
$g
EOF
        image "$tmp/f.img" "$size"
        cp "$tmp/f.img" "$tmp/f0.img"
        expect "$tmp/want" "$c" "$h" "$s"
        run -fda "$tmp/f.img"
        if [ "$status" -ne 1 ] || ! cmp -s "$tmp/want" "$tmp/stdout"; then
            echo "run_floppy: FAIL: $size-byte floppy: status $status (want 1), output:"
            diff -u "$tmp/want" "$tmp/stdout" | sed 's/^/    /'
            tail -n 5 "$tmp/stderr" | sed 's/^/    /'
            fail=1
        elif ! cmp -s "$tmp/f.img" "$tmp/f0.img"; then
            echo "run_floppy: FAIL: $size-byte floppy: -snapshot run changed the image"
            fail=1
        else
            echo "run_floppy: ok: $size bytes, geometry $c/$h/$s"
        fi
    done
    ;;
errors)
    # expect_refusal WHAT PATTERN ARGS...
    expect_refusal() {
        what=$1 pattern=$2
        shift 2
        timeout -k 5 10 "$emu" --max-insns 1000 "$@" >"$tmp/r.out" 2>"$tmp/r.err" </dev/null
        st=$?
        if [ "$st" -ne 2 ] || [ "$(wc -l <"$tmp/r.err")" -ne 1 ] || [ -s "$tmp/r.out" ] ||
           ! grep -q -- "$pattern" "$tmp/r.err"; then
            echo "run_floppy: FAIL: $what: status $st (want 2), stderr:"
            sed 's/^/    /' "$tmp/r.err"
            fail=1
        else
            echo "run_floppy: ok: $what: $(cat "$tmp/r.err")"
        fi
    }
    head -c 1474560 /dev/zero >"$tmp/x.img"
    head -c 1048576 /dev/zero >"$tmp/odd.img"
    mkfifo "$tmp/p"
    expect_refusal "no medium of that size" "^shadow86: -fda $tmp/odd.img: size 1048576 is no floppy medium" \
        -fda "$tmp/odd.img"
    expect_refusal "-fda X -hda X" "^shadow86: -fda $tmp/x.img: same image as -hda$" \
        -fda "$tmp/x.img" -hda "$tmp/x.img"
    expect_refusal "-fda X -fdb X -snapshot" "^shadow86: -fdb $tmp/x.img: same image as -fda$" \
        -fda "$tmp/x.img" -fdb "$tmp/x.img" -snapshot
    expect_refusal "-fdb FIFO" "^shadow86: -fdb $tmp/p: not a regular file$" -fdb "$tmp/p"
    # A second process while a first holds the image: the first boots a
    # sector that spins (JMP $) until it is killed.
    image "$tmp/held.img" 1474560
    printf '\353\376' | dd of="$tmp/held.img" conv=notrunc 2>/dev/null
    "$emu" -fda "$tmp/held.img" -boot a -display none >/dev/null 2>&1 &
    holder=$!
    i=0
    while [ $i -lt 50 ] && kill -0 "$holder" 2>/dev/null; do
        sleep 0.1; i=$((i + 1))
        "$emu" --max-insns 1 -fda "$tmp/held.img" 2>&1 | grep -q "in use" && break
    done
    expect_refusal "a held image" "^shadow86: -fda $tmp/held.img: image is in use" -fda "$tmp/held.img"
    kill "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
    ;;
syslinux)
    for tool in syslinux mformat mcopy; do
        if ! command -v $tool >/dev/null 2>&1; then
            echo "run_floppy: FAIL: $tool is missing (bash scripts/setup.sh installs it)"
            exit 1
        fi
    done
    memdisk=/usr/lib/syslinux/memdisk
    if [ ! -f "$memdisk" ]; then
        echo "run_floppy: FAIL: $memdisk is missing (package syslinux-common)"
        exit 1
    fi
    image "$tmp/inner.img" 368640
    printf 'DEFAULT inner\nPROMPT 0\nTIMEOUT 0\nLABEL inner\n  KERNEL memdisk\n  INITRD inner.img\n  APPEND floppy\n' \
        >"$tmp/syslinux.cfg"
    if ! mformat -C -f 1440 -v SHADOW86 -i "$tmp/boot.img" :: ||
       ! syslinux --install "$tmp/boot.img" ||
       ! mcopy -i "$tmp/boot.img" "$memdisk" "$tmp/inner.img" "$tmp/syslinux.cfg" ::; then
        echo "run_floppy: FAIL: could not build the SYSLINUX floppy"
        exit 1
    fi
    run -fda "$tmp/boot.img" -nographic -debugcon "file:$tmp/e9.out"
    expect "$tmp/want" 40 2 9
    if [ "$status" -ne 1 ] || ! cmp -s "$tmp/want" "$tmp/e9.out"; then
        echo "run_floppy: FAIL: SYSLINUX + memdisk: status $status (want 1), guest output:"
        diff -u "$tmp/want" "$tmp/e9.out" | sed 's/^/    /'
        tail -n 5 "$tmp/stderr" | sed 's/^/    /'
        fail=1
    fi
    for want in "Booting from Floppy..." "MEMDISK" "Disk is fd0, 360 K, C/H/S = 40/2/9" \
                "Loading boot sector... booting"; do
        if ! grep -q "$want" "$tmp/stdout"; then
            echo "run_floppy: FAIL: the serial console lacks '$want'"
            fail=1
        fi
    done
    [ "$fail" -eq 0 ] && echo "run_floppy: ok: SYSLINUX loaded memdisk from the floppy and it booted the 360 KiB image"
    ;;
*)
    echo "run_floppy: unknown mode $mode" >&2
    exit 2
    ;;
esac
exit "$fail"
