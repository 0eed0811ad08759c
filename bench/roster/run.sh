#!/usr/bin/env bash
# Side-by-side benchmark: svc-roster vs OR-Tools CP-SAT on the Curtois instances.
#
#   bench/roster/run.sh [SECONDS] [INSTANCES...]      (defaults: 10 s, instances 1-24)
#
# Both solvers get the same time limit and THREADS (env, default 2). Every
# solution (ours and CP-SAT's) is re-scored by our evaluator; the table shows
# the evaluator's value, with "(infeasible)" if it finds a hard violation.
# Writes bench/roster/results-<date>.md and keeps solutions in bench/roster/out/.
# Env: THREADS (2), SEED (1), ROSTER_BIN (prebuilt bench_solve, skips cargo).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${NRP_DATA:-$root/../shared/data/nrp-instances}"
seconds="${1:-10}"
shift || true
instances=("$@")
[ ${#instances[@]} -eq 0 ] && instances=($(seq 1 24))
threads="${THREADS:-2}"
seed="${SEED:-1}"

bash "$here/setup.sh" >/dev/null
python="$root/bench/.venv/bin/python"
if [ -z "${ROSTER_BIN:-}" ]; then
    (cd "$root" && cargo build --release -p svc-roster --example bench_solve >&2)
    ROSTER_BIN="$root/target/release/examples/bench_solve"
fi

# Best known upper bounds (schedulingbenchmarks.org, via the data README).
ub=(0 607 828 1001 1716 1143 1950 1056 1300 439 4631 3443 4040 1348 1278 3831 3225 5746 4459 3149 4769 21133 30244 17428 42463)

out="$here/out"
mkdir -p "$out"
table="$here/results-$(date +%Y-%m-%d)-${seconds}s.md"
gap() { # value ub -> percent gap, or "-" when there is no feasible value
    if [ "$1" = "-" ] || [[ "$1" == *infeasible* ]]; then echo "-"; else awk -v v="$1" -v u="$2" 'BEGIN { printf "%.2f%%", (v - u) * 100 / u }'; fi
}
score() { # instance solution -> evaluator objective, "-" if the file is absent
    [ -s "$2" ] || { echo "-"; return; }
    local line
    line="$("$ROSTER_BIN" check "$1" "$2" > "$2.check" 2>&1; head -1 "$2.check")"
    local obj="${line#objective=}"; obj="${obj%% *}"
    case "$line" in *feasible=true*) echo "$obj" ;; *) echo "$obj (infeasible)" ;; esac
}

{
    echo "# Roster benchmark, $(date +%Y-%m-%d)"
    echo
    echo "${seconds} s per instance and solver, ${threads} threads, seed ${seed}, $(nproc) cores (shared machine)."
    echo "Values are re-scored by svc-roster's evaluator. CP-SAT: ortools $("$python" -c 'import ortools; print(ortools.__version__)')."
    echo
    echo "| Instance | Best known | Ours | Gap ours | CP-SAT | Gap CP-SAT | CP-SAT status |"
    echo "|---|---|---|---|---|---|---|"
} > "$table"

for n in "${instances[@]}"; do
    inst="$data/Instance$n.txt"
    ours_sol="$out/ours-$n.txt"
    cp_sol="$out/cpsat-$n.txt"
    rm -f "$ours_sol" "$cp_sol"
    "$ROSTER_BIN" solve "$inst" "$seconds" "$threads" "$seed" "$ours_sol" > "$out/ours-$n.log" 2>&1 || true
    cp_line="$(timeout $((seconds * 3 + 300)) "$python" "$here/cpsat.py" "$inst" --seconds "$seconds" --threads "$threads" --seed "$seed" --out "$cp_sol" 2>&1 | tail -1 || true)"
    status="$(sed -n 's/.*status=\([A-Z_]*\).*/\1/p' <<< "$cp_line")"
    ours="$(score "$inst" "$ours_sol")"
    cpsat="$(score "$inst" "$cp_sol")"
    echo "| $n | ${ub[$n]} | $ours | $(gap "$ours" "${ub[$n]}") | $cpsat | $(gap "$cpsat" "${ub[$n]}") | ${status:-error} |" >> "$table"
    echo "Instance$n: best ${ub[$n]} ours $ours cpsat $cpsat ($status)" >&2
done
echo "$table"
