#!/usr/bin/env bash
# Side-by-side benchmark of the predictive slice (issue #5): ours vs scikit-learn and fairlearn.
#
#   bench/predictive/run.sh [REPEAT]        (default 21 timed repetitions per side)
#
# 1. `mulighetsrom screening evaluate-model` runs stratified 10-fold CV of the L2 logistic
#    regression on the Wisconsin data and exports the folds, outcomes, features and our
#    out-of-fold predictions (predictions.csv); peer.py fits scikit-learn's
#    StandardScaler + LogisticRegression(C = 1/lambda) on exactly those folds.
#    Timing: training + inference over all folds, in-process on both sides (no start-up or
#    data loading), median of REPEAT runs; BLAS/OpenMP held to one thread on the Python side,
#    as ours is single-threaded.
# 2. `mulighetsrom oversight audit S7 --export-predictions` on a generated county (Vestland, seed
#    7) writes our fairness audit and our predictions; peer.py recomputes every Fairlearn metric
#    from those predictions with fairlearn and compares (must agree to 1e-9).
# 3. The model.onnx our own protobuf writer made is checked with onnx's checker and scored with
#    its reference evaluator against the native model.json formula.
# Writes bench/predictive/results-<date>.md. Env: MULIGHETSROM_BIN (prebuilt binary, skips cargo).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeat="${1:-21}"

bash "$here/setup.sh" >/dev/null
python="$root/bench/.venv/bin/python"
if [ -z "${MULIGHETSROM_BIN:-}" ]; then
    (cd "$root" && cargo build --release -p cli >&2)
    MULIGHETSROM_BIN="$root/target/release/mulighetsrom"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$MULIGHETSROM_BIN"

"$bin" --data "$work/data" generate --county 46 --seed 7 >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" screening evaluate-model --folds 10 --repeat "$repeat" --out "$work/model" >"$work/model.txt"
"$bin" --data "$work/data" oversight audit S7 --export-predictions --out "$work/audit" >"$work/audit.txt"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "$python" "$here/peer.py" --model-dir "$work/model" --audit-dir "$work/audit" \
    --repeat "$repeat" --out "$work/peer.json" | tee "$work/peer.txt"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

out="$here/results-$(date +%F).md"
{
    echo "# Predictive slice: ours vs scikit-learn and fairlearn ($(date +%F))"
    echo
    echo "Machine: $(nproc) cores shared with other builds; load average before $load_before, after $load_after."
    echo "Versions: $("$python" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ("scikit-learn", "fairlearn", "numpy")))'), $("$bin" --version)."
    echo
    echo "## Summary"
    echo
    echo '```'
    cat "$work/peer.txt"
    echo '```'
    echo
    echo "## Our cross-validation report (Wisconsin diagnostic data)"
    echo
    echo '```'
    cat "$work/model.txt"
    echo '```'
    echo
    echo "## Our fairness audit of S7 (Vestland, seed 7)"
    echo
    echo '```'
    cat "$work/audit.txt"
    echo '```'
    echo
    echo "## Every Fairlearn value compared (attribute, method, metric, ours, fairlearn, |difference|)"
    echo
    "$python" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["fairness"]["checks"]:
    print(f"- {c[0]} / {c[1]} / {c[2]}: {c[3]!r} vs {c[4]!r} ({c[5]:.1e})")
' "$work/peer.json"
} >"$out"
echo "wrote $out"
