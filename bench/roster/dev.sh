#!/usr/bin/env bash
# Quick development runs of our solver only: bench/roster/dev.sh SECONDS INSTANCES...
# Prints one line per instance: objective, feasibility, time to best, rounds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${NRP_DATA:-$root/../shared/data/nrp-instances}"
bin="${ROSTER_BIN:-$root/target/release/examples/bench_solve}"
seconds="$1"; shift
for n in "$@"; do
    echo "I$n $("$bin" solve "$data/Instance$n.txt" "$seconds" "${THREADS:-2}" "${SEED:-1}")"
done
