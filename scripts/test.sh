#!/usr/bin/env bash
# Set up, build and run the whole test suite: every ctest test in a normal
# build, then the unit tests again under AddressSanitizer and UBSan.
# Test data in ../shared (vector suites) is used from there.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSHADOW86_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j"$jobs" -L unit)
