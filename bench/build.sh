#!/usr/bin/env bash
# Build the benchmark guests (ROM images) and their native twins into
# build/bench/. Usage: bench/build.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../build}/bench"
mkdir -p "$out"
cflags=(-m32 -O2 -march=i686 -mno-sse -mno-mmx -fno-stack-protector -fno-asynchronous-unwind-tables
        -Wall -Wextra -Werror)
for w in null intmix calls smc paging; do
  [ -f "$here/guests/$w.c" ] || continue
  gcc "${cflags[@]}" -ffreestanding -fno-pic -fno-pie -nostdlib -c "$here/guests/rt.c" -o "$out/rt-$w.o"
  gcc "${cflags[@]}" -ffreestanding -fno-pic -fno-pie -nostdlib -c "$here/guests/$w.c" -o "$out/$w.o"
  ld -m elf_i386 --no-warn-rwx-segments -T "$here/guests/bench.ld" -o "$out/$w.elf" "$out/rt-$w.o" "$out/$w.o"
  objcopy -O binary "$out/$w.elf" "$out/$w.bin"
  nasm -f bin -DPROG="\"$out/$w.bin\"" -o "$out/$w.rom" "$here/guests/entry.asm"
  gcc "${cflags[@]}" -DBENCH_NATIVE "$here/guests/rt.c" "$here/guests/$w.c" -o "$out/$w-native"
done
