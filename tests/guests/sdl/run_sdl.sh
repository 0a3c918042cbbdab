#!/bin/sh
# run_sdl.sh -- a -display sdl test in a real (virtual) display.
#
#   run_sdl.sh EMU MKDISK DRIVER BIN picture GOLDEN.png
#   run_sdl.sh EMU MKDISK DRIVER BIN input SCRIPT EXPECTED
#
# DRIVER: "offscreen" (SDL's offscreen video driver, no X server) or
# "xvfb" (SDL's x11 driver on an Xvfb server started by xvfb-run).
# picture: boot BIN (a boot sector that draws and idles) through SeaBIOS,
# take the window's screenshot at 3 s of machine time (--sdl-script) and
# compare it pixel for pixel with GOLDEN. input: run SCRIPT (keys and mouse
# as SDL events) and compare the guest's port 0xE9 output with EXPECTED.
# Without xvfb-run the xvfb variant is skipped (status 77) -- unless CI=true,
# where scripts/setup.sh installs it and its absence is a failure.
set -u
emu=$1 mkdisk=$2 driver=$3 bin=$4 mode=$5
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-sdl.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout_s=${SHADOW86_GUEST_TIMEOUT:-60}

run=""
case $driver in
offscreen) export SDL_VIDEODRIVER=offscreen ;;
xvfb)
    if ! command -v xvfb-run >/dev/null 2>&1; then
        echo "run_sdl.sh: xvfb-run is missing (Debian packages xvfb and xauth; scripts/setup.sh installs them)"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    fi
    export SDL_VIDEODRIVER=x11
    run="xvfb-run -a" ;;
*) echo "run_sdl.sh: unknown driver $driver"; exit 2 ;;
esac

"$mkdisk" "$tmp/disk.img" 1048576 "$bin" || exit 1
if [ "$mode" = picture ]; then
    printf '3000 screenshot %s\n3010 quit\n' "$tmp/shot.png" >"$tmp/script"
    script=$tmp/script
else
    script=$6
fi
# shellcheck disable=SC2086
timeout -k 5 "$timeout_s" $run "$emu" -hda "$tmp/disk.img" -snapshot -display sdl \
    --sdl-script "$script" -debugcon "file:$tmp/e9" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" -ne 0 ] || ! grep -q "quit by the user" "$tmp/err"; then
    echo "run_sdl.sh: shadow86 ended with status $st:"; cat "$tmp/err"
    exit 1
fi
if [ "$mode" = picture ]; then
    python3 "$here/pngcmp.py" "$tmp/shot.png" "$6" || { cp "$tmp/shot.png" "${TMPDIR:-/tmp}/$(basename "$6" .png)-got.png"; exit 1; }
else
    if ! diff -u "$7" "$tmp/e9"; then
        echo "run_sdl.sh: the guest received other input than expected"
        exit 1
    fi
fi
echo "run_sdl.sh: $mode $(basename "$bin") on $driver: ok"
