#!/bin/sh
# run_flushes.sh EMULATOR CRTOGGLE_ELF MODE -- MOV to CR0/CR4 flushes only
# what changed.
#
# Runs the crtoggle guest (1000 rounds of CR0.WP off/on and CR4.PGE off/on
# around stores to a read-only page, after 100 toggles of CR4.PSE/PGE and
# CR0.WP with paging off) under --mmu=MODE with --stats, plus any
# SHADOW86_GUEST_FLAGS, and requires
#   - the guest's own result: every store faulted exactly when WP = 1;
#   - at most two full software-TLB flushes a round (the PGE toggles) and
#     two more (CR0.PG on and off): none for the WP toggles or for the
#     toggles with paging off;
#   - one revocation of supervisor write rights a round (WP set).
set -u
emu=$1 elf=$2 mode=$3
rounds=1000
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
"$emu" ${SHADOW86_GUEST_FLAGS:-} --mmu="$mode" -no-reboot --stats -kernel "$elf" \
    -append "$rounds" >"$tmp/out" 2>"$tmp/err"
status=$?
fail() {
    echo "run_flushes: FAIL: $*" >&2
    echo "--- guest output:" >&2
    cat "$tmp/out" >&2
    echo "--- stderr:" >&2
    grep -v '^stats: ' "$tmp/err" >&2
    exit 1
}
[ "$status" -eq 1 ] || fail "exit status $status, expected 1 (guest passed)"
grep -q "^rounds $rounds, faults $rounds, bad 0," "$tmp/out" || fail "the guest's checks failed"
stat() {
    sed -n "s/^stats: softtlb\.$1 //p" "$tmp/err"
}
all=$(stat flush_all)
revoke=$(stat revoke_supervisor_writes)
[ -n "$all" ] && [ -n "$revoke" ] || fail "no softtlb flush counters in --stats"
max=$((2 * rounds + 2))
[ "$all" -le "$max" ] || fail "$all full TLB flushes, at most $max expected"
[ "$revoke" -eq "$rounds" ] || fail "$revoke supervisor-write revocations, $rounds expected"
echo "run_flushes: $mode: $all full flushes, $revoke write revocations for $rounds rounds"
