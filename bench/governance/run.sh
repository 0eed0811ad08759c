#!/usr/bin/env bash
# Audit-log benchmark: durable appends/s and inclusion-proof generation/verification at
# 10 million entries. Usage: bench/governance/run.sh [ENTRIES] (default 10 000 000).
# Builds the example in release, runs it at nice -20 when allowed, prints the figures and
# the peak memory (GNU time), in a scratch directory that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries="${1:-10000000}"
cargo build --release -p governance --example audit_bench
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
nice_cmd=()
if nice -n -20 true 2>/dev/null; then nice_cmd=(nice -n -20); fi
/usr/bin/time -v "${nice_cmd[@]}" target/release/examples/audit_bench "$scratch/log" "$entries" 2> "$scratch/time.txt"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$scratch/time.txt"
du -sh "$scratch/log/audit.sqlite"
