#!/usr/bin/env python3
"""Writes results-<date>.md from the JSON outputs of fee_bench, run_openfisca.py and compare.py."""
import json
import os
import pathlib
import platform
import sys

out, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ours = json.loads((out / "ours.json").read_text())
of = json.loads((out / "openfisca.json").read_text())
cmp = json.loads((out / "compare.json").read_text())


def ratio(theirs, mine):
    return theirs / mine


def verdict(r, goal):
    return f"{r:.2f}× ({'meets' if r >= goal else 'misses'} ≥{goal}×)"


rows = [
    ("(a) amounts only, compute alone", ours["a_compute_s"], of["a_compute_s"], "s", 10),
    ("(a) amounts only, build + compute", ours["a_build_compute_s"], of["a_build_compute_s"], "s", 10),
    ("(b) with explanations / trace, serialised", ours["b_explained_s"], of["b_traced_s"], "s", 5),
]
lines = [
    f"# Kindergarten fees: svc-kindergarten vs OpenFisca ({target.stem.removeprefix('results-')})",
    "",
    "Tracker issue 6, peer benchmark. Produced by `bash bench/kindergarten/run.sh`; same exported "
    f"population for both sides: {ours['children']} children in {ours['households']} households "
    "(synthetic Norway, seed 1, decision date of `out/cases.csv`). Medians of "
    f"{ours['reps']} repetitions (3 for (b) and (c)). Machine: {os.cpu_count()} cores, "
    f"{platform.python_implementation()} {platform.python_version()}, openfisca-core "
    f"{of['openfisca_core']}, numpy {of['numpy']}; ours with {ours['threads']} rayon thread(s), "
    f"OpenFisca single-threaded (numpy). Load average when the report was written: {os.getloadavg()[0]:.1f} "
    "(the 2 cores are shared with other sessions' builds and benchmarks: figures vary by up to 2× between runs).",
    "",
    "| mode | ours | OpenFisca | OpenFisca / ours | goal |",
    "|---|---:|---:|---:|---|",
]
for name, mine, theirs, unit, goal in rows:
    lines.append(f"| {name} | {mine:.3f} {unit} | {theirs:.3f} {unit} | {ratio(theirs, mine):.2f}× | {verdict(ratio(theirs, mine), goal)} |")
rc = ours["c_households_per_s"] / of["c_households_per_s"]
lines.append(
    f"| (c) one household at a time, JSON in → JSON out with explanation | {ours['c_households_per_s']:.0f} households/s "
    f"({ours['c_households']} households) | {of['c_households_per_s']:.1f} households/s ({of['c_households']} households; "
    f"all {of['households']} would take {of['households'] / of['c_households_per_s']:.0f} s) | {rc:.1f}× | {verdict(rc, 100)} |"
)
lines += [
    "",
    f"Build alone: ours {ours['a_build_s']:.3f} s (HouseholdInputs from the columns), OpenFisca "
    f"{of['a_build_s']:.3f} s (SimulationBuilder + set_input). Serialised output of (b): ours "
    f"{ours['b_json_bytes'] / 1e6:.0f} MB (one explanation tree per child, JSON lines), OpenFisca "
    f"{of['b_json_bytes'] / 1e6:.0f} MB (flat trace: **one node per variable and period, holding the "
    "whole population's vector — not a per-child explanation**).",
    "",
    "## Agreement",
    "",
    f"- children compared: {cmp['children']}; identical fee: {cmp['exact']} (both manual handling: {cmp['both_manual']})",
    f"- ±1 NOK: {cmp['off_by_one']} (of which at an exact half krone, float32: {cmp['off_by_one_at_half_krone']}; by sibling rank: {cmp['off_by_one_by_sibling_rank']})",
    f"- larger differences or manual handling on one side only: {cmp['larger']}",
    f"- ours from the CSV vs ours from the registers (export_cases): {ours['differs_from_registers']} children differ",
    f"- total monthly parent payments: ours {ours['total_monthly_fee']} NOK, OpenFisca {of['total_monthly_fee']:.0f} NOK",
]
lines.append(
    "- note: an earlier version of the package rounded inside one formula, `floor((place − free) × (1 − "
    "discount) + 0.5)`, with the discount rate read from a float32 variable (0.3 → 0.30000001); it gave "
    "259 children 1 NOK less than ours, every one a second child (30 %) whose exact fee is x.50 "
    "(e.g. reduced price 1 705 × 0.7 = 1 193.5 → ours 1 194, OpenFisca 1 193.49998 → 1 193). With the "
    "value before rounding as its own variable (`kindergarten_fee_before_rounding`, stored as float32, "
    "which snaps 1 193.49998 to 1 193.5) every fee agrees; compare.py still classifies any ±1 by "
    "this half-krone test."
)
for r in cmp["differences"][:50]:
    lines.append(f"  - {r}")
lines += [
    "",
    "## How each side is measured",
    "",
    "- Ours (`crates/svc-kindergarten/examples/fee_bench.rs`): (a) `HouseholdInput`s built from the "
    "in-memory columns, `household_total` over all households with `rules::evaluate_batch`; "
    "(b) `decide_household` for every household and each decision (status, findings, per-child fee, "
    "rank and explanation tree) serialised with serde straight to JSON lines (/dev/null); (c) the case "
    "JSON text of one household → `fee_for_case` (parse, `FeeRules::resolve` for the date, decide) → "
    "JSON text, sequentially.",
    "- OpenFisca (`run_openfisca.py`, package `openfisca_barnehage`, parameters generated from "
    "law/parameters/kindergarten by `gen_parameters.py`): (a) `SimulationBuilder` with entity ids + "
    "`join_with_persons` + `set_input`, `calculate('kindergarten_fee')`; (b) the same with `trace=True` and "
    "`tracer.get_serialized_flat_trace()` dumped to JSON; (c) one household's JSON → "
    "`openfisca_web_api.handlers.trace` (what POST /trace runs: `build_from_entities`, tracer on, "
    "calculate, serialised flat trace) → JSON text, over a sample of households, extrapolated.",
    "",
    "## Why ours misses the goals today (read from the code; not changed here)",
    "",
    "- `household_total` (the amounts-only path) is `decide_household(..).result.total_monthly_fee`: it "
    "builds the full explanation tree (strings from `format!`, cloned `ParameterUse`s and provenance) "
    "for every child and throws it away. OpenFisca's amounts path is ~15 numpy vector operations over "
    "268 000 elements. A columnar amounts path (the rules on plain integer columns, no explanation) "
    "is needed for (a); the fee_bench harness measures whatever `household_total` is.",
    "- (b): each child's explanation is ~5.6 KB of JSON (the regulation reference text, parameter "
    "sources and summaries repeated in every node), 1.5 GB for the population; OpenFisca's trace is 35 MB "
    "because it is per variable, not per child: it cannot say why one child pays what it pays without "
    "reading every vector. Shorter explanation nodes (references by id, parameters listed once per "
    "decision run) would shrink our side.",
    "- (c): `fee_for_case` re-resolves every parameter (`FeeRules::resolve`) per request and goes through "
    "`serde_json::Value` twice; caching the resolved rules per date and serialising the decision "
    "directly would cut most of the per-household cost.",
]
target.write_text("\n".join(lines) + "\n")
print(target.read_text())
