#!/usr/bin/env bash
# Install the Debian packages shadow86 builds and tests with.
# Idempotent: does nothing when every package is present, and runs
# `apt-get update` only when something has to be installed.
#
#   setup.sh                 the native build's packages
#   setup.sh --cross ARCH    those, and what a cross build for ARCH
#                            (aarch64, s390x) needs: the target's multiarch
#                            libraries (dpkg --add-architecture), binutils,
#                            qemu-user-static (cmake/cross-debian.cmake says why
#                            clang and not gcc-<triple>)
set -euo pipefail

cross=
if [ "${1-}" = --cross ]; then
  cross=${2:?"usage: setup.sh [--cross aarch64|s390x]"}
fi

packages=(
  build-essential cmake pkg-config
  libcapstone-dev libelf-dev libsdl2-dev check zlib1g-dev
  nasm gcc-multilib time clang
  libclang-rt-14-dev   # libFuzzer for clang 14 (bookworm's clang): tests/fuzz
  gdb python3
  seabios vgabios xorriso xvfb xauth
  syslinux syslinux-common extlinux mtools
  libslirp-dev ipxe-qemu   # -nic user; the card's iPXE option ROM (-boot n)
)

dpkg_arch=
if [ -n "$cross" ]; then
  case "$cross" in
    aarch64) dpkg_arch=arm64 triple=aarch64-linux-gnu ;;
    s390x) dpkg_arch=s390x triple=s390x-linux-gnu ;;
    *) echo "setup: no cross target '$cross' (aarch64, s390x)" >&2; exit 2 ;;
  esac
  # The target's libgcc for the gcc version clang links with (bookworm: 12).
  gcc_major=$(gcc -dumpversion 2>/dev/null | cut -d. -f1)
  packages+=(
    qemu-user-static "binutils-$triple"
    "libc6-dev:$dpkg_arch" "libgcc-${gcc_major:-12}-dev:$dpkg_arch"
    "libcapstone-dev:$dpkg_arch" "libelf-dev:$dpkg_arch" "libsdl2-dev:$dpkg_arch"
    "check:$dpkg_arch" "zlib1g-dev:$dpkg_arch" "libslirp-dev:$dpkg_arch"
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$dpkg_arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$dpkg_arch"; then
  $SUDO dpkg --add-architecture "$dpkg_arch"
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
