#!/usr/bin/env bash
# The ctest side of a fuzz target: run every committed input of its corpus
# (seeds and the regression inputs of fixed crashes), then mutate for a
# few seconds. New inputs go to a scratch directory, never into the
# committed corpus. Usage: run_short.sh BINARY CORPUS WORKDIR SECONDS
set -euo pipefail
bin=$1 corpus=$2 work=$3 seconds=$4
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "run_short.sh: $corpus: no seed corpus" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work/new" "$work/artifacts"
# -timeout: one input running 20 s is a hang; -rss_limit_mb: a guest must
# not make the host grow without bound.
exec "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/new" "$corpus"
