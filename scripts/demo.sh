#!/usr/bin/env bash
# Set up, build, and boot the default guest: the demo ROM from
# tests/guests/demo (prints to the console through port 0xE9 and halts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
exec build/shadow86 -bios build/tests/guests/demo.rom "$@"
