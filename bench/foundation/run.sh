#!/usr/bin/env bash
# Foundation benchmark: synthetic Norway end to end, and register import/export throughput.
#
#   bench/foundation/run.sh [RUNS]      (default 3 runs of the national generation)
#
# Measures, on this machine, with the release binary:
#   - wall time and peak memory (GNU time) of `mulighetsrom generate --norway` (median of RUNS);
#   - export of every register to CSV and to Parquet (rows/s, as the command reports them);
#   - import of persons and monthly_income from both formats into a fresh store (rows/s).
# Writes a Markdown report to bench/foundation/results-<date>.md and prints it.
# The machine is shared: report medians, and expect a few percent of noise.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
cargo build --release -p cli >/dev/null
BIN="$PWD/target/release/mulighetsrom"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="bench/foundation/results-$(date +%Y-%m-%d).md"

times=(); mems=(); cpus=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data"
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$BIN" --data "$WORK/data" generate --norway --seed 1 >"$WORK/generate.txt"
  read -r secs kb user sys <"$WORK/time.txt"
  times+=("$secs"); mems+=("$kb"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
  echo "run $i: ${secs} s, $((kb / 1024)) MiB peak, ${user} s user + ${sys} s system CPU" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
med_time=$(median "${times[@]}")
med_mem=$(median "${mems[@]}")

"$BIN" --data "$WORK/data" export "$WORK/csv" --format csv >"$WORK/export-csv.txt"
"$BIN" --data "$WORK/data" export "$WORK/parquet" --format parquet >"$WORK/export-parquet.txt"
imports=""
for fmt in csv parquet; do
  for table in persons monthly_income; do
    line=$("$BIN" --data "$WORK/fresh-$fmt" import "$table" "$WORK/$fmt/$table.$fmt")
    imports+="| $fmt | $table | ${line} |"$'\n'
  done
done

{
  echo "# Foundation benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "## generate --norway (seed 1), $RUNS runs"
  echo
  echo "| | median | runs |"
  echo "|---|---|---|"
  echo "| wall time | ${med_time} s | ${times[*]} |"
  echo "| peak memory | $((med_mem / 1024)) MiB | $(for m in "${mems[@]}"; do printf '%s ' $((m / 1024)); done)|"
  echo "| CPU time (user + system) | $(median "${cpus[@]}") s | ${cpus[*]} |"
  echo
  echo '```'
  cat "$WORK/generate.txt"
  echo '```'
  echo
  echo "## Export (every register)"
  echo
  echo '```'
  cat "$WORK/export-csv.txt" "$WORK/export-parquet.txt"
  echo '```'
  echo
  echo "## Import into a fresh store (validated, one transaction)"
  echo
  echo "| format | table | result |"
  echo "|---|---|---|"
  printf '%s' "$imports"
} | tee "$OUT"
echo "wrote $OUT" >&2
