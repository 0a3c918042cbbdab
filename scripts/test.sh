#!/usr/bin/env bash
# Set up, build and run the whole test suite: every ctest test in a normal
# build (gcc: the translator dispatches by tail calls gcc makes jumps); the
# engine tests again in a clang build (guaranteed tail calls), the fuzz
# targets briefly in a clang build with the sanitizers, and the engine
# tests in a build with the portable dispatch loop; then the unit tests under
# AddressSanitizer and UBSan (where the sanitizers leave most tail calls
# calls, so the translator's stack guard is what keeps the stack bounded).
# Test data in ../shared (vector suites; or $SHADOW86_SHARED_DIR) is used
# from there. Where it exists (or under CI=true) the tests that need it are
# required to find it: a missing file fails them. Elsewhere (a fresh clone
# with nothing beside it) they are skipped, each saying what is missing.
#
# Then the same sources cross-built for aarch64 and run under
# qemu-aarch64-static (docs/portability.md): `scripts/test.sh --cross ARCH`
# runs only that part, for aarch64 or s390x.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
require=OFF
if [ -d "${SHADOW86_SHARED_DIR:-../shared}" ] || [ "${CI-}" = true ]; then
    require=ON
fi

# cross_suite ARCH: set up (idempotent), build build-ARCH with
# cmake/ARCH-linux-gnu.cmake and run a selection of its tests under qemu-user.
# The selection keeps the part within about 15 minutes on 2 cores (build
# ~3, tests ~10): every unit and machine test but test_snapshot (200 s
# under qemu; test_boot_snapshot saves and restores too), the decoder
# against Capstone on 200,000 instead of 1,000,000 strings per mode,
# hostdiff against its recorded results, the x87 vectors, SST, every guest
# on the translator and in lockstep (the interpreter-only variants are left
# out: lockstep runs the interpreter too), the debug, CLI, docs, replay and
# SDL tests and SeaBIOS to its boot prompt. Left out as well: the Linux
# boots and the Debian installer (minutes each even natively), the peer comparisons (other
# emulators, not shadow86's host), debug-gdb-idle (it budgets 20 s of
# wall time for 300 M guest instructions), and docs-readme-options and
# install-tree (they run the build's own tools, here the target's binaries).
cross_suite() {
    local arch=$1
    bash scripts/setup.sh --cross "$arch"
    cmake -S . -B "build-$arch" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_TOOLCHAIN_FILE="cmake/$arch-linux-gnu.cmake" -DSHADOW86_REQUIRE_SHARED=$require >/dev/null
    cmake --build "build-$arch" -j"$jobs"
    (cd "build-$arch" && SHADOW86_DECODE_ITERATIONS=200000 ctest --output-on-failure -j"$jobs" \
       -E '^(boot-linux|boot-installer|boot-replay|boot-seabios-prompt-interp$|peer-|fuzz-|guest-.*-interp$|test_snapshot$|debug-gdb-idle$|docs-readme-options$|install-tree$)')
}

if [ "${1-}" = --cross ]; then
    cross_suite "${2:?usage: scripts/test.sh [--cross aarch64|s390x]}"
    exit 0
fi
bash scripts/build.sh -DSHADOW86_REQUIRE_SHARED=$require
# The Linux guest (kernels, busybox initramfs) for the boot tests: fetched
# into the cache once, then found there.
bash scripts/linux-guest.sh
# The Debian installer ISO for boot-installer-*: built in the cache once.
bash scripts/installer-iso.sh
(cd build && ctest --output-on-failure -j"$jobs")

CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHADOW86_REQUIRE_SHARED=$require >/dev/null
cmake --build build-clang -j"$jobs"
(cd build-clang && ctest --output-on-failure -j"$jobs" -R '^(guest-|hostdiff)')

# The libFuzzer harnesses (tests/fuzz, docs/fuzzing.md) in a clang build
# with ASan, UBSan and coverage: each target replays its committed corpus
# (seeds and the inputs of fixed crashes) and mutates for a few seconds,
# about a minute in all, so the harnesses cannot rot. Long runs:
# scripts/fuzz.sh NAME SECONDS.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHADOW86_FUZZ=ON \
  -DSHADOW86_REQUIRE_SHARED=$require >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz-targets
(cd build-fuzz && ctest --output-on-failure -j"$jobs" -L '^fuzz$')

# The translator's portable dispatch (micro-ops return to a loop), which
# the gcc and clang builds above do not use: the engine tests once more.
cmake -S . -B build-loop -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS=-DSHADOW86_DBT_LOOP \
  -DSHADOW86_REQUIRE_SHARED=$require >/dev/null
cmake --build build-loop -j"$jobs"
(cd build-loop && ctest --output-on-failure -j"$jobs" -R '^(guest-|hostdiff|test_dbt)')

# Optimised (-O2 -g): the sanitizers keep their checks and the slow tests
# (whole-machine snapshots, disk images) stay within their timeouts.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHADOW86_SANITIZE=ON \
  -DSHADOW86_REQUIRE_SHARED=$require >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j"$jobs" -L '^(unit|machine)$')

# Another host CPU: aarch64 (little-endian, unsigned char, binary128 long
# double), cross-built and run under qemu-aarch64-static.
cross_suite aarch64
