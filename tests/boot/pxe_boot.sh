#!/bin/sh
# pxe_boot.sh EMULATOR MULTIBOOT_ELF EXPECTED -- a whole network boot:
# SeaBIOS runs the card's iPXE ROM (Debian's ipxe-qemu), iPXE takes a DHCP
# lease from slirp, fetches an iPXE script by TFTP (-nic user,tftp=DIR,
# bootfile=NAME), and the script loads the multiboot test guest by TFTP
# and boots it. The guest's debug-port output must be its expected text
# and it must end through the exit port (status 1, as every guest test).
emu=$1 elf=$2 expected=$3
rom=/usr/lib/ipxe/qemu/pxe-rtl8139.rom
[ -f "$rom" ] || { echo "pxe_boot: $rom missing: install Debian's ipxe-qemu (apt-get install ipxe-qemu)"; exit 1; }
[ -f "$elf" ] || { echo "pxe_boot: $elf missing: the multiboot guest needs gcc-multilib"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tftp"
cp "$elf" "$tmp/tftp/multiboot.elf"
printf '#!ipxe\nkernel multiboot.elf shadow86 multiboot test: alpha=1 beta=two\nboot\n' >"$tmp/tftp/boot.ipxe"
$emu -m 128 -nic "user,model=rtl8139,tftp=$tmp/tftp,bootfile=boot.ipxe" -boot n -display none \
    --max-insns 4000000000 --screendump "$tmp/screen.txt" >"$tmp/out.txt" 2>"$tmp/err.txt"
st=$?
fail=0
[ $st -eq 1 ] || { echo "pxe_boot: exit status $st, want 1 (the guest's exit port)"; fail=1; }
cmp -s "$tmp/out.txt" "$expected" || { echo "pxe_boot: the guest's output differs from $expected:"; diff "$expected" "$tmp/out.txt"; fail=1; }
for want in "Filename: boot.ipxe" "tftp://10.0.2.2/boot.ipxe... ok" "multiboot.elf... ok"; do
    grep -qF "$want" "$tmp/screen.txt" || { echo "pxe_boot: screen lacks: $want"; fail=1; }
done
if [ $fail -ne 0 ]; then
    echo "--- screen:"; cat "$tmp/screen.txt"; echo "--- stderr:"; cat "$tmp/err.txt"
    exit 1
fi
echo "pxe_boot: OK: DHCP, TFTP script, multiboot guest booted over the network, all checks passed"
