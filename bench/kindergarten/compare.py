#!/usr/bin/env python3
"""Compares our fee per child with OpenFisca's, child by child, and lists every difference
with the inputs needed to explain it. Prints a JSON summary on stdout."""
import json
import sys
from fractions import Fraction

import pandas as pd

cases, ours, theirs = sys.argv[1:4]
c = pd.read_csv(cases, keep_default_na=False, dtype=str)
o = pd.read_csv(ours, keep_default_na=False, dtype=str)
t = pd.read_csv(theirs, keep_default_na=False, dtype=str)
assert list(c["child_id"]) == list(o["child_id"]) == list(t["child_id"]), "same children, same order"
both_manual = (o["fee"] == "") & (t["fee"] == "")
one_manual = (o["fee"] == "") != (t["fee"] == "")
num = ~(o["fee"] == "") & ~(t["fee"] == "")
diff = pd.Series(0, index=c.index)
diff[num] = t["fee"][num].astype(int) - o["fee"][num].astype(int)
exact = int((num & (diff == 0)).sum()) + int(both_manual.sum())
off1 = num & (diff.abs() == 1)
larger = (num & (diff.abs() > 1)) | one_manual


rows = []
for i in c.index[off1 | larger]:
    rows.append({
        "child_id": c.at[i, "child_id"], "household_id": c.at[i, "household_id"],
        "birth_date": c.at[i, "birth_date"], "weekly_hours": c.at[i, "weekly_hours"],
        "household_income": c.at[i, "household_income"], "price_zone": c.at[i, "price_zone"],
        "ours": o.at[i, "fee"], "openfisca": t.at[i, "fee"], "openfisca_before_rounding": t.at[i, "fee_before_rounding"],
        "sibling_rank": int(t.at[i, "sibling_rank"]) + 1,
    })
# A ±1 difference is explained when OpenFisca's value before rounding lies within 0.001 of a
# half krone (exactly x.5 in exact arithmetic, which our rounding takes up) and float32 put it
# just below: then the two sides differ only by the representation of the decimals.
def at_half(r):
    v = float(r["openfisca_before_rounding"])
    return abs(v - int(v) - 0.5) < 1e-3 and int(r["ours"]) == int(v) + 1 and int(r["openfisca"]) == int(v)


off1_rows = [r for r in rows if r["ours"] and r["openfisca"] and abs(int(r["ours"]) - int(r["openfisca"])) == 1]
explained = sum(1 for r in off1_rows if at_half(r))
by_rank = {}
for r in off1_rows:
    by_rank[r["sibling_rank"]] = by_rank.get(r["sibling_rank"], 0) + 1
summary = {
    "children": len(c), "exact": exact, "both_manual": int(both_manual.sum()),
    "off_by_one": int(off1.sum()), "off_by_one_at_half_krone": explained,
    "off_by_one_by_sibling_rank": by_rank, "larger": int(larger.sum()),
    "differences": rows,
}
print(json.dumps(summary))
