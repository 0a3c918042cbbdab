#!/usr/bin/env bash
# Set up the Linux guest: Debian bookworm's i386 kernels (686 and 686-pae)
# and an initramfs built from busybox-static, in a cache folder that is
# never committed:
#
#   ${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux/
#     vmlinuz-686, vmlinuz-686-pae   the kernels (bzImage)
#     initramfs.gz                   busybox + /init + the boot-test scripts
#                                    + the network card's and balloon's modules (modules/)
#     vmlinuz-6.1.0-N-686[-pae], initramfs.cpio.gz   the same under Debian's names
#
# The packages are fetched with `apt-get download` through a private apt
# state (its own lists and archive cache under the cache folder, no dpkg
# status, the i386 architecture only), so the system's apt configuration
# and package lists are left as they were. A package index that fails to
# download (a mirror caught mid-update gives "size mismatch") is retried a
# few times; the set-up goes on when every package it needs resolves from
# the indexes that did download.
#
# Idempotent: what is present is not fetched or built again (the initramfs
# is rebuilt when its inputs in the repository are newer).
# Usage: scripts/linux-guest.sh [--print-dir | --deb PACKAGE]
#   --deb PACKAGE   only fetch PACKAGE (i386 or "all") through the same
#                   private apt state; print the path of its .deb
#                   (scripts/installer-iso.sh uses this)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"

if [ "${1:-}" = "--print-dir" ]; then
    echo "$cache"
    exit 0
fi

die() { echo "linux-guest: $*" >&2; exit 1; }

only_deb=""
if [ "${1:-}" = "--deb" ]; then
    [ -n "${2:-}" ] || die "--deb needs a package name"
    only_deb="$2"
fi

need_tool() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (run scripts/setup.sh)"; }
need_tool apt-get
need_tool dpkg
need_tool python3

mkdir -p "$cache" || die "cannot create $cache"

apt_opts=(
    -o APT::Architectures::=i386 -o APT::Architecture=i386
    -o Dir::State::Lists="$cache/apt/lists"
    -o Dir::Cache="$cache/apt/cache"
    -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root
    -q
)

apt_ready=0
resolves() {
    local out
    out="$(apt-cache "${apt_opts[@]}" policy "$1" 2>/dev/null || true)"
    case "$out" in *"Candidate: "[0-9]*) return 0 ;; esac
    return 1
}
apt_update() {
    [ "$apt_ready" = 1 ] && return 0
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
    local try
    for try in 1 2 3; do
        if apt-get "${apt_opts[@]}" update >"$cache/apt/update.log" 2>&1; then
            apt_ready=1
            return 0
        fi
        # A failed index leaves the others usable: go on if what we need
        # resolves, else wait and retry.
        if resolves linux-image-686 && resolves linux-image-686-pae &&
            resolves busybox-static && { [ -z "$only_deb" ] || resolves "$only_deb"; }; then
            apt_ready=1
            return 0
        fi
        sleep $((try * 5))
    done
    die "apt-get update failed 3 times (see $cache/apt/update.log)"
}

# The package a meta package (linux-image-686) depends on: the versioned
# kernel image, e.g. linux-image-6.1.0-27-686.
resolve_meta() {
    apt-cache "${apt_opts[@]}" depends "$1" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1
}

download() {  # package -> path of the .deb in $cache/debs
    local pkg="$1" deb
    mkdir -p "$cache/debs"
    deb="$(ls "$cache/debs/${pkg}"_*_{i386,all}.deb 2>/dev/null | head -n1 || true)"
    if [ -z "$deb" ]; then
        apt_update
        local try
        for try in 1 2 3; do
            if (cd "$cache/debs" && apt-get "${apt_opts[@]}" download "$pkg" \
                    >"$cache/apt/download.log" 2>&1); then
                break
            fi
            [ "$try" = 3 ] && die "apt-get download $pkg failed (see $cache/apt/download.log)"
            sleep $((try * 5))
        done
        deb="$(ls "$cache/debs/${pkg}"_*_{i386,all}.deb 2>/dev/null | head -n1 || true)"
        [ -n "$deb" ] || die "apt-get download $pkg left no .deb in $cache/debs"
    fi
    echo "$deb"
}

# kernel FLAVOUR: vmlinuz-FLAVOUR from the current linux-image-*-FLAVOUR.
kernel() {
    local flavour="$1" out="$cache/vmlinuz-$1"
    [ -s "$out" ] && return 0
    apt_update
    local pkg
    pkg="$(resolve_meta "linux-image-$flavour")"
    [ -n "$pkg" ] || die "cannot resolve linux-image-$flavour to a kernel package"
    local deb
    deb="$(download "$pkg")"
    local tmp="$cache/tmp-$flavour"
    rm -rf "$tmp"
    dpkg -x "$deb" "$tmp" || die "dpkg -x $deb failed"
    local img
    img="$(ls "$tmp"/boot/vmlinuz-* 2>/dev/null | head -n1 || true)"
    [ -n "$img" ] || die "$deb holds no /boot/vmlinuz-*"
    cp "$img" "$out.part" && mv "$out.part" "$out"
    echo "${pkg#linux-image-}" >"$out.version"
    rm -rf "$tmp"
    echo "linux-guest: $out ($pkg)" >&2
}

busybox() {
    local out="$cache/busybox"
    [ -s "$out" ] && return 0
    local deb
    deb="$(download busybox-static)"
    local tmp="$cache/tmp-busybox"
    rm -rf "$tmp"
    dpkg -x "$deb" "$tmp" || die "dpkg -x $deb failed"
    [ -s "$tmp/bin/busybox" ] || die "$deb holds no /bin/busybox"
    cp "$tmp/bin/busybox" "$out.part" && chmod 755 "$out.part" && mv "$out.part" "$out"
    rm -rf "$tmp"
    echo "linux-guest: $out" >&2
}

# The network card's drivers from each kernel package (8139too, the MII
# library it needs, and 8139cp for QEMU's C+ card in the comparison), and
# the memory balloon's (virtio_balloon over virtio_pci, with the virtio
# core, the ring and both PCI transports' helpers the 6.1 virtio_pci
# needs) into modules/VERSION/, for the initramfs.
GUEST_MODULES="kernel/drivers/net/mii.ko kernel/drivers/net/ethernet/realtek/8139too.ko
             kernel/drivers/net/ethernet/realtek/8139cp.ko
             kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
             kernel/drivers/virtio/virtio_pci_legacy_dev.ko
             kernel/drivers/virtio/virtio_pci_modern_dev.ko
             kernel/drivers/virtio/virtio_pci.ko kernel/drivers/virtio/virtio_balloon.ko"
modules() {
    local flavour="$1" version
    version="$(cat "$cache/vmlinuz-$flavour.version")"
    local dir="$cache/modules/$version" m
    local missing=0
    for m in $GUEST_MODULES; do [ -s "$dir/$(basename "$m")" ] || missing=1; done
    [ "$missing" = 0 ] && return 0
    local deb
    deb="$(ls "$cache/debs/linux-image-${version}_"*.deb 2>/dev/null | head -n1 || true)"
    if [ -z "$deb" ]; then
        apt_update
        deb="$(download "linux-image-$version")"
    fi
    local tmp="$cache/tmp-mod-$flavour"
    rm -rf "$tmp"
    dpkg -x "$deb" "$tmp" || die "dpkg -x $deb failed"
    mkdir -p "$dir"
    for m in $GUEST_MODULES; do
        [ -s "$tmp/lib/modules/$version/$m" ] || die "$deb holds no $m"
        cp "$tmp/lib/modules/$version/$m" "$dir/"
    done
    rm -rf "$tmp"
    echo "linux-guest: $dir (network and balloon modules)" >&2
}

initramfs() {
    local out="$cache/initramfs.gz" src="$repo/tests/boot/initramfs"
    local gen="$repo/scripts/mkinitramfs.py"
    if [ -s "$out" ] && [ -z "$(find "$src" "$gen" "$cache/busybox" "$cache/modules" -newer "$out" 2>/dev/null)" ]; then
        return 0
    fi
    python3 "$gen" --busybox "$cache/busybox" --tree "$src" --modules "$cache/modules" -o "$out.part" ||
        die "building the initramfs failed"
    mv "$out.part" "$out"
    echo "linux-guest: $out" >&2
}

# Debian's names too (vmlinuz-6.1.0-N-686, initramfs.cpio.gz), which
# scripts/linux-disk.sh looks for.
debian_names() {
    local f
    for f in 686 686-pae; do
        ln -sfn "vmlinuz-$f" "$cache/vmlinuz-$(cat "$cache/vmlinuz-$f.version")"
    done
    ln -sfn initramfs.gz "$cache/initramfs.cpio.gz"
}

if [ -n "$only_deb" ]; then
    download "$only_deb"
    exit 0
fi

kernel 686
kernel 686-pae
modules 686
modules 686-pae
busybox
initramfs
debian_names
