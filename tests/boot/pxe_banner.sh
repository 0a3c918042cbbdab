#!/bin/sh
# pxe_banner.sh EMULATOR -- -boot n with the card's option ROM from Debian's
# ipxe-qemu (/usr/lib/ipxe/qemu/pxe-rtl8139.rom, the default ROM for -boot n):
# SeaBIOS finds the ROM in the card's expansion ROM BAR, boots it, and iPXE
# prints its banner and opens the card on the VGA text screen (saved with
# --screendump). Fails saying what is missing when the package is absent.
emu=$1
rom=/usr/lib/ipxe/qemu/pxe-rtl8139.rom
[ -f "$rom" ] || { echo "pxe_banner: $rom missing: install Debian's ipxe-qemu (apt-get install ipxe-qemu)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
$emu -nic user,model=rtl8139 -boot n -display none --max-insns 600000000 \
    --screendump "$tmp/screen.txt" >"$tmp/out.txt" 2>&1
st=$?
[ $st -eq 6 ] || { echo "pxe_banner: exit status $st, want 6 (--max-insns)"; cat "$tmp/out.txt"; exit 1; }
bad=0
for want in "iPXE (http://ipxe.org) 00:03.0" "iPXE (PCI 00:03.0) starting execution...ok" \
            "Open Source Network Boot Firmware" \
            "net0: 52:54:00:12:34:56 using rtl8139 on 0000:00:03.0 (open)" \
            "Configuring (net0 52:54:00:12:34:56)"; do
    grep -qF "$want" "$tmp/screen.txt" || { echo "pxe_banner: screen lacks: $want"; bad=1; }
done
[ $bad -eq 0 ] || { cat "$tmp/screen.txt"; exit 1; }
echo "pxe_banner: OK: iPXE banner, card opened, DHCP started"
