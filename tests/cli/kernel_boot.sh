#!/bin/sh
# kernel_boot.sh -- -kernel-boot refusals, each before any guest code runs:
# exit status 2 and exactly one line on stderr naming the file (or the
# option) and the problem:
#   kernel_boot.sh EMULATOR
set -u
emu=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
expect() {  # WANT ARGS...: status 2, one stderr line containing WANT
    want=$1
    shift
    "$emu" "$@" >/dev/null 2>"$dir/err"
    status=$?
    lines=$(wc -l <"$dir/err")
    if [ "$status" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$want" "$dir/err"; then
        echo "kernel_boot: $*: status $status, $lines line(s), expected 2 and one line with: $want"
        cat "$dir/err"
        fail=1
    fi
}
# Not a kernel at all.
printf 'not a kernel' >"$dir/junk"
expect "$dir/junk: -kernel-boot firmware needs a Linux kernel (bzImage)" \
    -kernel "$dir/junk" -kernel-boot firmware
# A bzImage header with boot protocol 1.00 (1 KiB: boot sector, "HdrS").
dd if=/dev/zero of="$dir/old" bs=1024 count=1 2>/dev/null
printf '\125\252' | dd of="$dir/old" bs=1 seek=510 conv=notrunc 2>/dev/null
printf 'HdrS\000\001' | dd of="$dir/old" bs=1 seek=514 conv=notrunc 2>/dev/null
expect "$dir/old: boot protocol 1.00 is too old (2.02 or later needed)" \
    -kernel "$dir/old" -kernel-boot firmware
# A protocol 2.15 header that ends before its setup sectors do.
cp "$dir/old" "$dir/short"
printf '\017\002' | dd of="$dir/short" bs=1 seek=518 conv=notrunc 2>/dev/null
printf '\353\146' | dd of="$dir/short" bs=1 seek=512 conv=notrunc 2>/dev/null
printf '\001' | dd of="$dir/short" bs=1 seek=529 conv=notrunc 2>/dev/null
printf '\010' | dd of="$dir/short" bs=1 seek=497 conv=notrunc 2>/dev/null
expect "$dir/short: truncated: the setup code takes 4608 bytes, the file has 1024" \
    -kernel "$dir/short" -kernel-boot firmware
expect "-kernel-boot: 'bios' is not direct or firmware" -kernel "$dir/junk" -kernel-boot bios
expect "-kernel-boot needs -kernel" -kernel-boot firmware
expect "-bios with -kernel boots through the firmware: add -kernel-boot firmware" \
    -bios /usr/share/seabios/bios.bin -kernel "$dir/junk"
[ "$fail" -eq 0 ] && echo "kernel_boot: every refusal was one line with status 2"
exit "$fail"
