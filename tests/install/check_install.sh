#!/bin/sh
# check_install.sh CMAKE BUILD PREFIX DEMO_EXPECTED: install BUILD into
# PREFIX (emptied first) and check the installed tree from /.
set -eu
cmake=$1 build=$2 prefix=$3 expected=$4
fail() { echo "install-tree: $*" >&2; exit 1; }

rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install failed"
bin=$prefix/bin/shadow86
for f in "$bin" "$prefix/share/man/man1/shadow86.1" "$prefix/share/doc/shadow86/README.md" \
         "$prefix/share/doc/shadow86/architecture.md" "$prefix/share/shadow86/demo.rom"; do
    [ -e "$f" ] || fail "$f not installed"
done

cd /
out=$("$bin" --help) || fail "--help failed"
echo "$out" | grep -q -- "-bios FILE" || fail "--help lacks -bios"

# The demo ROM by its bare name: found in PREFIX/share/shadow86.
got=$("$bin" -no-reboot -bios demo.rom 2>/dev/null) && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "installed demo.rom run: exit status $rc, expected 0"
[ "$got" = "$(cat "$expected")" ] || fail "installed demo.rom printed: $got"

# Moved elsewhere, the tree still finds its data (relative to the binary).
moved=$prefix.moved
rm -rf "$moved"
cp -R "$prefix" "$moved"
got=$("$moved/bin/shadow86" -no-reboot -bios demo.rom 2>/dev/null) || fail "moved tree: demo.rom run failed"
[ "$got" = "$(cat "$expected")" ] || fail "moved tree: demo.rom printed: $got"
rm -rf "$moved"

if command -v man >/dev/null; then
    page=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$prefix/share/man/man1/shadow86.1" 2>&1 | col -b) ||
        fail "man -l failed"
    for s in "-bios FILE" "--trace LIST" "EXIT STATUS" "-hda, -hdb, -hdc, -hdd FILE"; do
        echo "$page" | grep -q -- "$s" || fail "man -l: no '$s' in the rendered page"
    done
else
    fail "man is missing (apt-get install man-db)"
fi
echo "install-tree: $prefix installed and runs from /"
