#!/bin/sh
# rss_check.sh EMULATOR TOUCH16_ELF MODE -- lazy guest RAM costs nothing.
#
# Runs the touch16 guest with -m 1024 twice under --mmu=MODE: writing
# nothing, then writing 16 MiB. Measures the host's peak RSS of each run
# with /usr/bin/time (Debian package "time") and requires
#   - the idle run (the emulator's fixed overhead with 1 GiB of guest RAM)
#     below 64 MiB: guest RAM is not allocated up front;
#   - the 16 MiB run at most 17 MiB above it: 16 MiB of pages plus 1 MiB
#     for p2m leaf tables and allocator headers.
set -u
emu=$1 elf=$2 mode=$3
if [ ! -x /usr/bin/time ]; then
    echo "rss_check: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
fi
run() {
    # Peak RSS in KiB is the last line time writes to stderr.
    /usr/bin/time -f '%M' "$emu" -m 1024 --mmu="$mode" -no-reboot -debugcon none \
        -kernel "$elf" -append "$1" 2>"$tmp" >/dev/null
    status=$?
    if [ "$status" -ne 1 ]; then
        echo "rss_check: guest run with '$1' exited with status $status:" >&2
        cat "$tmp" >&2
        exit 1
    fi
    tail -n 1 "$tmp"
}
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
idle=$(run 0) || exit 1
busy=$(run 16) || exit 1
echo "rss_check ($mode): peak RSS idle ${idle} KiB, with 16 MiB written ${busy} KiB," \
     "difference $((busy - idle)) KiB (limit $((17 * 1024)) KiB; idle limit 65536 KiB)"
if [ "$idle" -gt 65536 ]; then
    echo "rss_check: FAIL: a -m 1024 guest that writes nothing costs ${idle} KiB" >&2
    exit 1
fi
if [ $((busy - idle)) -gt $((17 * 1024)) ]; then
    echo "rss_check: FAIL: writing 16 MiB cost $((busy - idle)) KiB" >&2
    exit 1
fi
if [ $((busy - idle)) -lt $((16 * 1024 - 512)) ]; then
    echo "rss_check: FAIL: writing 16 MiB cost only $((busy - idle)) KiB: is it measuring?" >&2
    exit 1
fi
exit 0
