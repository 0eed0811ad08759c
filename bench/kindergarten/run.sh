#!/usr/bin/env bash
# Kindergarten peer benchmark (tracker issue 6): our S1 fee rules (svc-kindergarten) vs the same
# rules as an OpenFisca country package (openfisca_barnehage), on the same exported population,
# side by side in one run. Writes bench/kindergarten/results-<date>.md.
#
#   bash bench/kindergarten/run.sh            # reuses out/cases.csv when present
#   FRESH=1 bash bench/kindergarten/run.sh    # regenerates synthetic Norway and the export
#   REPS=5 HOUSEHOLDS_OURS=20000 HOUSEHOLDS_OPENFISCA=500 DATE=2024-03-01 (defaults)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
py="$here/../.venv/bin/python"
reps="${REPS:-5}"
date="${DATE:-2024-03-01}"
mkdir -p "$out"

bash "$here/setup.sh"
"$py" "$here/gen_parameters.py"
(cd "$root" && cargo build --release -p svc-kindergarten --examples)
bin="$root/target/release/examples"

if [ -n "${FRESH:-}" ] || [ ! -s "$out/cases.csv" ] || ! grep -q ",$date," <(sed -n 2p "$out/cases.csv"); then
    "$bin/export_cases" --out "$out/cases.csv" --date "$date" 2>&1 | tee "$out/export.log"
fi

echo "== ours (svc-kindergarten)"
"$bin/fee_bench" --cases "$out/cases.csv" --fees-out "$out/fees-ours.csv" \
    --reps "$reps" --households-c "${HOUSEHOLDS_OURS:-20000}" --json-out "$out/ours.json" 2>&1 | tee "$out/ours.log"
echo "== OpenFisca (openfisca_barnehage)"
"$py" "$here/run_openfisca.py" --cases "$out/cases.csv" --fees-out "$out/fees-openfisca.csv" \
    --reps "$reps" --households-c "${HOUSEHOLDS_OPENFISCA:-500}" --json-out "$out/openfisca.json" 2>&1 | tee "$out/openfisca.log"
echo "== agreement"
"$py" "$here/compare.py" "$out/cases.csv" "$out/fees-ours.csv" "$out/fees-openfisca.csv" > "$out/compare.json"
"$py" "$here/report.py" "$out" "$here/results-$(date +%F).md"
