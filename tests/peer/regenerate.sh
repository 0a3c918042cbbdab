#!/bin/sh
# regenerate.sh -- record Bochs' output for every peer guest.
#
#   sh tests/peer/regenerate.sh
#
# Assembles each guest with nasm and runs it in Bochs (run_bochs.sh),
# writing tests/peer/expected/NAME.txt.  Needs nasm and bochs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shadow86-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for name in stack_matrix sys_matrix; do
    nasm -f bin -w+all -I "$here/" -o "$tmp/$name.rom" "$here/$name.asm"
    sh "$here/run_bochs.sh" "$tmp/$name.rom" "$here/expected/$name.txt"
    echo "regenerate: expected/$name.txt: $(wc -l <"$here/expected/$name.txt") lines"
done
