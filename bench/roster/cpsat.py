#!/usr/bin/env python3
"""OR-Tools CP-SAT peer for the Curtois shift-scheduling instances 1-24.

Models the same hard constraints and objective as crates/svc-roster (see
shared/domain/rostering.md), including the horizon-edge reading: a working or
off run touching the first or last day is exempt from its minimum length, and
the maximum run length is checked only inside the horizon.

Usage: cpsat.py INSTANCE --seconds N --threads T [--out FILE]
Prints `objective=N status=S bound=B` (objective=-1 if no solution) and, with
--out, writes the roster in svc-roster's solution format so that our
evaluator can confirm the score.
"""

import argparse
import sys

from ortools.sat.python import cp_model


def parse(path):
    sections = {}
    current = None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("SECTION_"):
                current = line
                sections.setdefault(current, [])
                continue
            sections[current].append(line)
    horizon = int(sections["SECTION_HORIZON"][0])
    shifts = []
    for line in sections["SECTION_SHIFTS"]:
        sid, minutes, follow = (part.strip() for part in line.split(","))
        shifts.append((sid, int(minutes), [f for f in follow.split("|") if f]))
    shift_index = {s[0]: i for i, s in enumerate(shifts)}
    staff = []
    for line in sections["SECTION_STAFF"]:
        f = [part.strip() for part in line.split(",")]
        max_shifts = [horizon] * len(shifts)
        for entry in filter(None, f[1].split("|")):
            name, limit = entry.split("=")
            max_shifts[shift_index[name]] = int(limit)
        staff.append(
            dict(id=f[0], max_shifts=max_shifts, max_min=int(f[2]), min_min=int(f[3]),
                 max_cons=int(f[4]), min_cons=int(f[5]), min_off=int(f[6]), max_we=int(f[7]), days_off=set())
        )
    staff_index = {s["id"]: i for i, s in enumerate(staff)}
    for line in sections.get("SECTION_DAYS_OFF", []):
        parts = [p.strip() for p in line.split(",")]
        staff[staff_index[parts[0]]]["days_off"].update(int(d) for d in parts[1:] if d)

    def requests(name):
        out = []
        for line in sections.get(name, []):
            e, d, s, w = (p.strip() for p in line.split(","))
            out.append((staff_index[e], int(d), shift_index[s], int(w)))
        return out

    cover = {}
    for line in sections["SECTION_COVER"]:
        d, s, req, under, over = (p.strip() for p in line.split(","))
        cover[(int(d), shift_index[s])] = (abs(int(req)), int(under), int(over))
    return dict(horizon=horizon, shifts=shifts, shift_index=shift_index, staff=staff,
                on=requests("SECTION_SHIFT_ON_REQUESTS"), off=requests("SECTION_SHIFT_OFF_REQUESTS"), cover=cover)


def build(inst):
    m = cp_model.CpModel()
    H, S, E = inst["horizon"], len(inst["shifts"]), len(inst["staff"])
    x = {}
    work = {}
    for e, emp in enumerate(inst["staff"]):
        for d in range(H):
            for s in range(S):
                if d in emp["days_off"] or emp["max_shifts"][s] == 0:
                    continue
                x[e, d, s] = m.NewBoolVar(f"x{e}_{d}_{s}")
            w = m.NewBoolVar(f"w{e}_{d}")
            m.Add(sum(x[e, d, s] for s in range(S) if (e, d, s) in x) == w)
            work[e, d] = w
        # Forbidden successions.
        for d in range(H - 1):
            for s1, (_, _, follow) in enumerate(inst["shifts"]):
                for name in follow:
                    s2 = inst["shift_index"][name]
                    if (e, d, s1) in x and (e, d + 1, s2) in x:
                        m.AddBoolOr([x[e, d, s1].Not(), x[e, d + 1, s2].Not()])
        # Max shifts per type and total minutes.
        for s in range(S):
            vars_s = [x[e, d, s] for d in range(H) if (e, d, s) in x]
            if vars_s and emp["max_shifts"][s] < H:
                m.Add(sum(vars_s) <= emp["max_shifts"][s])
        minutes = sum(inst["shifts"][s][1] * v for (ee, d, s), v in x.items() if ee == e)
        m.Add(minutes <= emp["max_min"])
        m.Add(minutes >= emp["min_min"])
        # Max consecutive: every window of max+1 days inside the horizon has a day off.
        k = emp["max_cons"]
        for d in range(H - k):
            m.Add(sum(work[e, d + i] for i in range(k + 1)) <= k)
        # Min consecutive shifts / days off, for runs not touching an edge.
        for length in range(1, emp["min_cons"]):
            for d in range(1, H - length):
                # Forbid: off at d-1, work d..d+length-1, off at d+length.
                m.AddBoolOr([work[e, d - 1]] + [work[e, d + i].Not() for i in range(length)] + [work[e, d + length]])
        for length in range(1, emp["min_off"]):
            for d in range(1, H - length):
                m.AddBoolOr([work[e, d - 1].Not()] + [work[e, d + i] for i in range(length)] + [work[e, d + length].Not()])
        # Weekends: worked if Saturday or Sunday is worked.
        weekends = []
        for sat in range(5, H, 7):
            days = [work[e, d] for d in (sat, sat + 1) if d < H]
            wk = m.NewBoolVar(f"wk{e}_{sat}")
            for v in days:
                m.AddImplication(v, wk)
            m.AddBoolOr([wk.Not()] + days)
            weekends.append(wk)
        m.Add(sum(weekends) <= emp["max_we"])
    terms = []
    for e, d, s, w in inst["on"]:
        terms.append(w * (1 - x[e, d, s]) if (e, d, s) in x else w)
    for e, d, s, w in inst["off"]:
        if (e, d, s) in x:
            terms.append(w * x[e, d, s])
    for (d, s), (req, under_w, over_w) in inst["cover"].items():
        assigned = sum(x[e, d, s] for e in range(E) if (e, d, s) in x)
        under = m.NewIntVar(0, req, f"u{d}_{s}")
        over = m.NewIntVar(0, E, f"o{d}_{s}")
        m.Add(assigned - req == over - under)
        terms.append(under_w * under + over_w * over)
    m.Minimize(sum(terms))
    return m, x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out")
    args = parser.parse_args()
    inst = parse(args.instance)
    model, x = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.seconds
    solver.parameters.num_workers = args.threads
    solver.parameters.random_seed = args.seed
    status = solver.Solve(model)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        print(f"objective=-1 status={name} bound={solver.BestObjectiveBound():.0f}")
        return 0
    objective = round(solver.ObjectiveValue())
    if args.out:
        H, S = inst["horizon"], len(inst["shifts"])
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(f"# CP-SAT {name} objective {objective}\n")
            for e, emp in enumerate(inst["staff"]):
                tokens = []
                for d in range(H):
                    token = "-"
                    for s in range(S):
                        if (e, d, s) in x and solver.Value(x[e, d, s]):
                            token = inst["shifts"][s][0]
                    tokens.append(token)
                out.write(f"{emp['id']}: {' '.join(tokens)}\n")
    print(f"objective={objective} status={name} bound={solver.BestObjectiveBound():.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
