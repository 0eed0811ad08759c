#!/usr/bin/env python3
"""Generates the OpenFisca parameter tree of openfisca_barnehage from law/parameters/kindergarten.

Every value, from-date, reference and status comes from our parameter files, so the two sides of
the benchmark cannot drift: this script runs before every benchmark (run.sh). Our format has
`values: {date: {value, source, status, note}}`; OpenFisca's has `values: {date: {value,
metadata}}` plus `reference`/`description`/`unit` on the parameter. Two conversions:

* a zone price (makspris/sentralitet_5_6, makspris/tiltakssonen) applies only from its first
  value; before it the general makspris applies (our rule kindergarten.makspris). OpenFisca cannot
  tell "not introduced yet" from "explicit null" (both make the parameter absent at the instant),
  so each zone gets a generated boolean `<zone>_in_force` (false, then true from the first value);
* choices (method parameters) stay strings; the formulas refuse a choice they do not implement.
"""
import pathlib
import shutil
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parent.parent / "law" / "parameters" / "kindergarten"
DST = HERE / "openfisca_barnehage" / "parameters" / "kindergarten"


def convert(doc: dict) -> dict:
    out = {}
    if "description" in doc:
        out["description"] = " ".join(str(doc["description"]).split())
    if "reference" in doc:
        out["reference"] = doc["reference"]
    meta = {k: doc[k] for k in ("unit", "choices", "documentation") if k in doc}
    if meta:
        out["metadata"] = meta
    values = {}
    for date, entry in doc["values"].items():
        v = entry["value"]
        m = {k: entry[k] for k in ("source", "status", "note") if k in entry}
        values[str(date)] = {"value": v, "metadata": m}
    out["values"] = values
    return out


def main() -> int:
    if DST.exists():
        shutil.rmtree(DST)
    n = 0
    for path in sorted(SRC.rglob("*.yaml")):
        rel = path.relative_to(SRC)
        doc = yaml.safe_load(path.read_text())
        target = DST / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "index.yaml":
            node = {k: " ".join(str(doc[k]).split()) for k in ("description", "reference") if k in doc}
            target.write_text(yaml.safe_dump(node, allow_unicode=True, sort_keys=False))
            continue
        target.write_text(yaml.safe_dump(convert(doc), allow_unicode=True, sort_keys=False))
        n += 1
        if rel.parent.name == "makspris" and path.stem != "general":
            first = min(str(d) for d in doc["values"])
            flag = {
                "description": f"Generated from {rel}: whether the {path.stem} price is in force "
                "(from its first value; before it the general makspris applies).",
                "values": {
                    "1900-01-01": {"value": False},
                    first: {"value": True},
                },
            }
            (target.parent / f"{path.stem}_in_force.yaml").write_text(
                yaml.safe_dump(flag, allow_unicode=True, sort_keys=False)
            )
    print(f"generated {n} OpenFisca parameters from {SRC} into {DST}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
