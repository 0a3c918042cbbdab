#!/usr/bin/env bash
# Install the Debian packages shadow86 builds and tests with.
# Idempotent: does nothing when every package is present, and runs
# `apt-get update` only when something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcapstone-dev libelf-dev libsdl2-dev check zlib1g-dev
  nasm gcc-multilib time clang
  libclang-rt-14-dev   # libFuzzer for clang 14 (bookworm's clang): tests/fuzz
  gdb python3
  seabios vgabios xorriso xvfb xauth
  syslinux syslinux-common extlinux mtools
)

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
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
