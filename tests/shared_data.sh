#!/usr/bin/env bash
# Runs a test that needs the shared test data: the vector suites kept
# beside the checkout (../shared), not in the repository.
#
#   shared_data.sh [--require] CONFIGURED_DIR WHAT PATH... -- COMMAND ARG...
#
# The shared directory is $SHADOW86_SHARED_DIR when the environment sets
# it, else CONFIGURED_DIR (the cmake cache variable SHADOW86_SHARED_DIR,
# by default ../shared beside the checkout). Every PATH (relative to it)
# must exist; then COMMAND runs with each @SHARED@ in its arguments
# replaced by the directory, and its status is the test's.
#
# When one is missing, the test is skipped: one line saying what is
# missing and how to point at it, exit 77 (the SKIP_RETURN_CODE the
# ctest registration sets), never a pass. With --require (scripts/test.sh
# passes it through -DSHADOW86_REQUIRE_SHARED=ON when the data exists)
# or CI=true, it is a failure instead.
set -u
require=0
if [ "${1-}" = --require ]; then
    require=1
    shift
fi
if [ "${CI-}" = true ]; then
    require=1
fi
if [ $# -lt 4 ]; then
    echo "usage: shared_data.sh [--require] CONFIGURED_DIR WHAT PATH... -- COMMAND ARG..." >&2
    exit 2
fi
dir=${SHADOW86_SHARED_DIR:-$1}
what=$2
shift 2
missing=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    [ -e "$dir/$1" ] || missing="$missing $dir/$1"
    shift
done
if [ $# -lt 2 ]; then
    echo "shared_data.sh: no command after --" >&2
    exit 2
fi
shift
if [ -n "$missing" ]; then
    how="set SHADOW86_SHARED_DIR (cmake -DSHADOW86_SHARED_DIR=DIR, or the environment variable) to the shared test data directory"
    if [ $require = 1 ]; then
        echo "error: $what missing:$missing (required here: SHADOW86_REQUIRE_SHARED or CI=true); $how" >&2
        exit 1
    fi
    echo "SKIP: $what missing:$missing; $how" >&2
    exit 77
fi
args=()
for a in "$@"; do
    args+=("${a//@SHARED@/$dir}")
done
exec "${args[@]}"
