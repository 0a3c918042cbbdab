# linux_common.sh -- sourced (POSIX sh) by the tests/boot/linux_*.sh that
# boot Debian's 686 kernel with an initramfs built from this tree. Set
# `name` (the prefix of every message) and `src` (the source tree) first.
# It sets cache, kernel and version (the kernel's module folder name) and
# gives:
#   linux_need [FILE...]         the kernel, busybox and FILEs must be in
#                                the cache, else a line and exit 1
#   linux_initramfs [OPTION...]  $tmp (removed at exit) and $tmp/initrd.gz
#                                from scripts/mkinitramfs.py with OPTIONs
#   linux_serial STATUS          $out: the serial log $tmp/out without CRs;
#                                fail=1 unless STATUS is 0
#   need RE, need_in FILE RE     a line of $out (FILE) must match RE
#   linux_verdict                exit 1 with the serial log and stderr if
#                                a check failed
cache="${SHADOW86_CACHE:-$HOME/.cache/shadow86}/linux"
kernel="$cache/vmlinuz-686"
version=$(cat "$cache/vmlinuz-686.version" 2>/dev/null)
fail=0

linux_need() {
    for f in "$kernel" "$cache/busybox" "$@"; do
        if [ ! -s "$f" ]; then
            echo "$name: $f missing: run 'bash scripts/linux-guest.sh'" >&2
            exit 1
        fi
    done
}

linux_initramfs() {
    tmp=$(mktemp -d) || exit 1
    trap 'rm -rf "$tmp"' EXIT
    python3 "$src/scripts/mkinitramfs.py" --busybox "$cache/busybox" \
        --tree "$src/tests/boot/initramfs" "$@" -o "$tmp/initrd.gz" || exit 1
}

linux_serial() {
    tr -d '\r' <"$tmp/out" >"$tmp/out.txt"
    out="$tmp/out.txt"
    [ "$1" -eq 0 ] || { echo "$name: exit status $1, expected 0"; fail=1; }
}

need_in() {
    grep -qE -- "$2" "$1" || { echo "$name: no line matching: $2"; fail=1; }
}

need() {
    need_in "$out" "$1"
}

linux_verdict() {
    if [ "$fail" -ne 0 ]; then
        echo "--- serial console:"; cat "$out"; echo "--- stderr:"; cat "$tmp/err"
        exit 1
    fi
}
