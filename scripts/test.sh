#!/usr/bin/env bash
# Set up, build and run the whole test suite: every ctest test in a normal
# build (gcc: the translator dispatches from a loop); the engine tests again
# in a clang build (the translator's threaded dispatch by guaranteed tail
# calls); then the unit tests under AddressSanitizer and UBSan.
# Test data in ../shared (vector suites) is used from there.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$jobs")

CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-clang -j"$jobs"
(cd build-clang && ctest --output-on-failure -j"$jobs" -R '^(guest-|hostdiff)')

# Optimised (-O2 -g): the sanitizers keep their checks and the slow tests
# (whole-machine snapshots, disk images) stay within their timeouts.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHADOW86_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j"$jobs" -L unit)
