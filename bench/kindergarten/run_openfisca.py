#!/usr/bin/env python3
"""OpenFisca side of the kindergarten peer benchmark (tracker issue 6).

Reads the population exported by `export_cases` (bench/kindergarten/out/cases.csv), builds an
OpenFisca simulation of openfisca_barnehage from arrays (SimulationBuilder with entity ids +
set_input) and computes every child's fee, in three modes, each the median of repetitions:

(a) amounts only: build + compute, and compute alone (on a freshly built simulation);
(b) with OpenFisca's tracer on (`trace=True`) and the flat trace serialised to JSON. NOTE: the
    flat trace is per *variable and period* (one node per variable with the whole population's
    vector of values, its dependencies and parameters), not a per-child explanation;
(c) one household at a time, as the OpenFisca web API's /trace serves it: JSON text in,
    `build_from_entities`, tracer on, calculate, serialised flat trace + values as JSON text out,
    over --households-c households (households/s, extrapolated to the population).

Writes the fee per child to --fees-out and a JSON summary to stdout (and --json-out).
"""
import argparse
import json
import statistics
import sys
import time
import pathlib

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import openfisca_core  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402
from openfisca_web_api import handlers as web_handlers  # noqa: E402

from openfisca_barnehage import BarnehageTaxBenefitSystem  # noqa: E402


def load(path):
    df = pd.read_csv(path, dtype={"municipality": str, "household_manual": str, "price_zone": str},
                     keep_default_na=False, na_values={"household_income": [""], "fee_registers": [""]})
    dates = df["date"].unique()
    assert len(dates) == 1, "one date per export"
    date = dates[0]
    period = date[:7]
    hh_ids, hh_first = np.unique(df["household_id"].to_numpy(), return_index=True)
    income = df["household_income"].to_numpy(dtype=float)
    cols = {
        "period": period,
        "date": date,
        "child_id": df["child_id"].to_numpy(dtype=np.int64),
        "household_id": df["household_id"].to_numpy(dtype=np.int64),
        "birth_date": df["birth_date"].to_numpy(dtype="datetime64[D]"),
        "weekly_hours": df["weekly_hours"].to_numpy(dtype=np.int64),
        "hh_ids": hh_ids,
        "hh_income": np.nan_to_num(income[hh_first], nan=0.0),
        "hh_income_known": ~np.isnan(income[hh_first]),
        "hh_zone": np.where(df["price_zone"].to_numpy()[hh_first] == "", "unknown",
                            df["price_zone"].to_numpy()[hh_first]).astype(str),
        "hh_manual": df["household_manual"].to_numpy()[hh_first] != "",
        "df": df,
    }
    return cols


def build(tbs, c):
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    sb.declare_person_entity("person", c["child_id"])
    households = sb.declare_entity("household", c["hh_ids"])
    sb.join_with_persons(households, c["household_id"], np.zeros(len(c["child_id"]), dtype=np.int64))
    sim = sb.build(tbs)
    p = c["period"]
    sim.set_input("birth_date", "ETERNITY", c["birth_date"])
    sim.set_input("child_number", "ETERNITY", c["child_id"])
    sim.set_input("weekly_hours", p, c["weekly_hours"])
    sim.set_input("household_income", p, c["hh_income"])
    sim.set_input("household_income_known", p, c["hh_income_known"])
    sim.set_input("kindergarten_price_zone", p, c["hh_zone"])
    sim.set_input("register_manual_handling", p, c["hh_manual"])
    return sim


def compute(sim, period):
    fee = sim.calculate("kindergarten_fee", period)
    manual = sim.persons.household("kindergarten_manual_handling", period)
    return fee, manual


def case_payload(c, rows, period):
    """One household as the OpenFisca web API takes it (JSON text)."""
    df = c["df"]
    first = rows[0]
    persons = {}
    for i in rows:
        persons[f"c{df['child_id'].iat[i]}"] = {
            "birth_date": {"ETERNITY": df["birth_date"].iat[i]},
            "child_number": {"ETERNITY": int(df["child_id"].iat[i])},
            "weekly_hours": {period: int(df["weekly_hours"].iat[i])},
            "kindergarten_fee": {period: None},
        }
    income = df["household_income"].iat[first]
    household = {
        "children": list(persons),
        "household_income": {period: 0.0 if np.isnan(income) else float(income)},
        "household_income_known": {period: bool(not np.isnan(income))},
        "kindergarten_price_zone": {period: df["price_zone"].iat[first] or "unknown"},
        "register_manual_handling": {period: bool(df["household_manual"].iat[first])},
        "household_kindergarten_fee": {period: None},
        "kindergarten_manual_handling": {period: None},
    }
    return json.dumps({"persons": persons, "households": {"h": household}})


def serve_trace(tbs, text):
    """What POST /trace does: openfisca_web_api.handlers.trace on the parsed JSON, answer as JSON
    text (Flask's jsonify turns dates into text; here json.dumps(default=str))."""
    return json.dumps(web_handlers.trace(tbs, json.loads(text)), default=str)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default=str(HERE / "out" / "cases.csv"))
    ap.add_argument("--fees-out", default=str(HERE / "out" / "fees-openfisca.csv"))
    ap.add_argument("--trace-out", default="/dev/null")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--households-c", type=int, default=500)
    ap.add_argument("--json-out")
    args = ap.parse_args()

    t = time.perf_counter()
    tbs = BarnehageTaxBenefitSystem()
    c = load(args.cases)
    period = c["period"]
    n_children, n_households = len(c["child_id"]), len(c["hh_ids"])
    print(f"loaded tax-benefit system and {n_children} children in {n_households} households "
          f"({time.perf_counter() - t:.2f} s, not timed below); openfisca-core "
          f"{openfisca_core.__version__ if hasattr(openfisca_core, '__version__') else ''}",
          file=sys.stderr)

    # (a) amounts only.
    build_compute, compute_only, build_only = [], [], []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        sim = build(tbs, c)
        t1 = time.perf_counter()
        fee, manual = compute(sim, period)
        t2 = time.perf_counter()
        build_only.append(t1 - t0)
        compute_only.append(t2 - t1)
        build_compute.append(t2 - t0)
    a_bc, a_c, a_b = (statistics.median(x) for x in (build_compute, compute_only, build_only))
    total = float(np.where(manual, 0, fee).astype(np.float64).sum())
    print(f"(a) amounts only: build+compute {a_bc:.3f} s (build {a_b:.3f} s), compute {a_c:.3f} s; "
          f"total {total:.0f} NOK/month", file=sys.stderr)

    # (b) tracer on, flat trace serialised to JSON.
    b_times, b_bytes = [], 0
    for _ in range(max(1, min(args.reps, 3))):
        t0 = time.perf_counter()
        sim = build(tbs, c)
        sim.trace = True
        compute(sim, period)
        flat = sim.tracer.get_serialized_flat_trace()
        with open(args.trace_out, "w") as f:
            text = json.dumps(flat, default=str)
            f.write(text)
        b_times.append(time.perf_counter() - t0)
        b_bytes = len(text)
        del sim, flat, text
    b = statistics.median(b_times)
    print(f"(b) with trace: {b:.3f} s, {b_bytes / 1e6:.1f} MB of JSON (one node per variable, "
          f"not per child)", file=sys.stderr)

    # (c) one household at a time, as the web API's /trace serves it.
    household_id = c["household_id"]
    starts = np.flatnonzero(np.r_[True, household_id[1:] != household_id[:-1]])
    ends = np.r_[starts[1:], len(household_id)]
    n_c = min(args.households_c, n_households)
    step = max(1, n_households // n_c)
    sample = [case_payload(c, range(starts[k * step], ends[k * step]), period) for k in range(n_c)]
    c_times, c_bytes = [], 0
    for _ in range(max(1, min(args.reps, 3))):
        t0 = time.perf_counter()
        size = 0
        for text in sample:
            size += len(serve_trace(tbs, text))
        c_times.append(time.perf_counter() - t0)
        c_bytes = size
    c_secs = statistics.median(c_times)
    rate = n_c / c_secs
    print(f"(c) one household at a time: {n_c} households in {c_secs:.3f} s = {rate:.1f} households/s "
          f"({c_secs / n_c * 1e3:.2f} ms each, {c_bytes / n_c:.0f} bytes of JSON out each); "
          f"all {n_households} households would take {n_households / rate:.0f} s", file=sys.stderr)

    # The value before rounding (float32, as OpenFisca stores it), to explain ±1 differences.
    sim = build(tbs, c)
    fee, manual = compute(sim, period)
    raw = sim.calculate("kindergarten_fee_before_rounding", period)
    rank = sim.calculate("kindergarten_sibling_rank", period)
    with open(args.fees_out, "w") as f:
        f.write("child_id,fee,fee_before_rounding,sibling_rank\n")
        for cid, value, r, k, m in zip(c["child_id"], fee, raw, rank, manual):
            f.write(f"{cid},{'' if m else int(value)},{'' if m else repr(float(r))},{k}\n")

    summary = {
        "side": "openfisca",
        "openfisca_core": __import__("importlib.metadata").metadata.version("openfisca-core"),
        "numpy": np.__version__,
        "children": n_children, "households": n_households, "reps": args.reps,
        "a_build_compute_s": a_bc, "a_build_s": a_b, "a_compute_s": a_c,
        "a_compute_min_s": min(compute_only), "a_build_compute_min_s": min(build_compute),
        "b_traced_s": b, "b_json_bytes": b_bytes,
        "c_households": n_c, "c_seconds": c_secs, "c_households_per_s": rate,
        "total_monthly_fee": total,
    }
    print(json.dumps(summary))
    if args.json_out:
        pathlib.Path(args.json_out).write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
