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
