#!/usr/bin/env bash
# Run one libFuzzer target of tests/fuzz for SECONDS (docs/fuzzing.md).
#
#   bash scripts/fuzz.sh NAME SECONDS [libFuzzer options...]
#
# Configures build-fuzz (clang, -DSHADOW86_FUZZ=ON: ASan, UBSan and
# coverage on every library) if needed, builds fuzz_NAME, and runs it on
# a working corpus in build-fuzz/fuzz-corpus/NAME, seeded from the
# committed tests/fuzz/corpus/NAME (which it never writes). A crash leaves
# its input in build-fuzz/fuzz-artifacts/NAME/ and the exit status nonzero;
# reproduce with build-fuzz/tests/fuzz/fuzz_NAME FILE. Names: decode
# multiboot bzimage rom disk state gdb devices lockstep.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
    echo "usage: scripts/fuzz.sh NAME SECONDS [libFuzzer options...]" >&2
    exit 2
fi
name=$1 seconds=$2
shift 2
if [ ! -d "tests/fuzz/corpus/$name" ]; then
    echo "scripts/fuzz.sh: no fuzz target '$name' (tests/fuzz/corpus/$name is missing)" >&2
    exit 2
fi
case $seconds in
    ''|*[!0-9]*) echo "scripts/fuzz.sh: SECONDS '$seconds' is not a number" >&2; exit 2 ;;
esac
jobs=${SHADOW86_JOBS:-2}
if [ ! -f build-fuzz/CMakeCache.txt ]; then
    CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHADOW86_FUZZ=ON >/dev/null
fi
cmake --build build-fuzz -j"$jobs" --target "fuzz_$name" >/dev/null
work=build-fuzz/fuzz-corpus/$name
artifacts=build-fuzz/fuzz-artifacts/$name
mkdir -p "$work" "$artifacts"
exec "build-fuzz/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" \
    "$work" "tests/fuzz/corpus/$name"
