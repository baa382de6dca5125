#!/usr/bin/python3
"""gen.py: a province-scale staff survey for the benchmarks (issue #8).

    bench/gen.py N OUTDIR [--units G] [--seed 1]     (G: N/50, at most 2000)

Writes into OUTDIR:
  form.csv       the shipped staff questionnaire (questionnaires/staff-opinion.csv)
                 with its unit list replaced by the province's units, under its
                 own version, so imports check every unit code against the form
  units.csv      code,name,category,parent,headcount for `gapsurvey unit import`
  responses.csv  N responses in gapsurvey's plain layout (what `export --format
                 plain` writes): unit, 3 background questions, 38 Likert items
                 in 7 dimensions, one conditional text question, the overall
                 judgement (the form's outcome_field) and a comment

The data are made to look like a real survey, not to be easy: unit sizes are
skewed (a few large bureaus, many small offices, some under min_n), units
differ on every dimension, respondents have a general level and a
dimension-specific one, reverse-worded items are answered in reverse, 3% of
Likert answers are blank, 2% of respondents stop part-way (every item after
that blank), and a few leave comments.  The overall judgement leans on the
respondent's general level and, by OUTCOME_WEIGHTS, on the unit's and the
respondent's own level on each dimension, with noise; it is drawn from a
second stream, so every other column is what it was before the form had
the question.  The same N and seed give the same file byte for byte.  Needs
numpy (Debian python3-numpy).
"""
import argparse
import csv
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORM = os.path.join(ROOT, "questionnaires", "staff-opinion.csv")

COMMENTS = ["希望加强学习培训", "建议减少形式主义", "领导重视程度不够", "创建工作很有成效",
            "希望多开展党支部活动", "建议简化办事流程", "More training please", "无"]
WHY = ["整改不彻底", "问题反复出现", "窗口服务仍需改进"]
# the outcome's weights on the dimensions (as survey/simulate.c's)
OUTCOME_WEIGHTS = {"political": 0.08, "clean": 0.05, "learning": 0.07, "vibrant": 0.05,
                   "efficient": 0.10, "understanding": 0.35, "planning": 0.30}


def read_form():
    with open(FORM, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--units", type=int, default=0,
                    help="default: N/50, at most 2000")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    rng_out = np.random.default_rng([a.seed, 2])   # the outcome's stream
    G = a.units or max(2, min(2000, a.n // 50))
    codes = ["P%04d" % (u + 1) for u in range(G)]

    # the form: drop the city's unit choices, add the province's, new version
    rows = read_form()
    out, sheet, outcome = [], None, ""
    items = []          # (type, name, dimension, reverse) in order
    for r in rows:
        if r[0]:
            sheet = r[0].strip().lower()
            hdr = None
            out.append(r)
            continue
        if hdr is None:
            hdr = r
            out.append(r)
            if sheet == "choices":
                width = len(r)
            continue
        rec = dict(zip(hdr, r))
        if sheet == "choices" and rec.get("list_name") == "units":
            continue
        if sheet == "settings":
            outcome = rec.get("outcome_field", "")
            r = list(r)
            r[hdr.index("version")] = "bench-%d" % G
            r[hdr.index("form_title")] = "干部职工问卷（全省基准）"
        if sheet == "survey":
            items.append((rec["type"], rec["name"], rec.get("dimension", ""),
                          rec.get("reverse", "") == "yes"))
        out.append(r)
        if sheet == "choices" and rec.get("list_name") == "agree5" and rec.get("name") == "5":
            for u, c in enumerate(codes):
                row = [""] * width
                row[1:5] = ["units", c, "单位%04d" % (u + 1), "Unit %04d" % (u + 1)]
                out.append(row)
    with open(os.path.join(a.outdir, "form.csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)

    # unit sizes: lognormal shares, every unit at least 1 respondent
    share = rng.lognormal(0.0, 0.9, G)
    size = np.maximum(2, np.floor(share / share.sum() * a.n)).astype(np.int64)
    size[:5] = rng.integers(2, 5, 5)           # a few too small to show
    while size.sum() > a.n:
        size[np.argmax(size)] -= size.sum() - a.n
    while size.sum() < a.n:
        size[rng.integers(5, G)] += 1
    with open(os.path.join(a.outdir, "units.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "category", "parent", "headcount"])
        for u, c in enumerate(codes):
            w.writerow([c, "单位%04d" % (u + 1), "省直" if u < 100 else "市县", "",
                        int(size[u] * 1.25) + 1])

    likert = [(nm, dim, rev) for t, nm, dim, rev in items if t == "select_one agree5" and dim]
    dims = sorted({d for _, d, _ in likert}, key=[d for _, d, _ in likert].index)
    header = [nm for t, nm, _, _ in items
              if not t.startswith(("begin", "end", "note"))]
    unit_of = np.repeat(np.arange(G), size)
    rng.shuffle(unit_of)
    ueff = rng.normal(0.0, 0.3, (G, len(dims)))
    cuts = np.array([-1.6, -0.7, 0.2, 1.1])
    chunk = 100000
    path = os.path.join(a.outdir, "responses.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for lo in range(0, a.n, chunk):
            m = min(chunk, a.n - lo)
            uo = unit_of[lo:lo + m]
            gen = rng.normal(0.3, 0.6, m)
            spec = rng.normal(0.0, 0.45, (m, len(dims)))
            stop = np.where(rng.random(m) < 0.02, rng.integers(0, len(likert), m), len(likert))
            vals = {}
            for j, (nm, dim, rev) in enumerate(likert):
                d = dims.index(dim)
                lat = gen + ueff[uo, d] + spec[:, d] + rng.normal(0.0, 0.75, m)
                if rev:
                    lat = -lat
                x = 1 + np.searchsorted(cuts, lat)
                x = x.astype(object)
                x[(rng.random(m) < 0.03) | (j >= stop)] = ""
                vals[nm] = x
            pos = rng.choice(["clerk", "deputy_section", "section", "division"], m,
                             p=[0.5, 0.25, 0.17, 0.08]).astype(object)
            party = rng.choice(["yes", "no"], m, p=[0.7, 0.3]).astype(object)
            years = rng.choice(["lt3", "3to10", "gt10"], m, p=[0.25, 0.4, 0.35]).astype(object)
            for arr in (pos, party, years):
                arr[rng.random(m) < 0.01] = ""
            why = np.where((np.array([v in (1, 2) for v in vals["ef3"]])) &
                           (rng.random(m) < 0.3), rng.choice(WHY, m), "").astype(object)
            com = np.where(rng.random(m) < 0.06, rng.choice(COMMENTS, m), "").astype(object)
            lat = gen + rng_out.normal(0.0, 0.5, m)
            for d, dim in enumerate(dims):
                lat += OUTCOME_WEIGHTS.get(dim, 0.1) * (ueff[uo, d] + spec[:, d])
            overall = (1 + np.searchsorted(cuts, lat)).astype(object)
            overall[rng_out.random(m) < 0.03] = ""
            vals[outcome] = overall
            cols = []
            for h in header:
                if h == "unit":
                    cols.append([codes[u] for u in uo])
                elif h == "position":
                    cols.append(pos)
                elif h == "party":
                    cols.append(party)
                elif h == "years":
                    cols.append(years)
                elif h == "ef3_why":
                    cols.append(why)
                elif h == "comment":
                    cols.append(com)
                else:
                    cols.append(vals[h])
            f.write("".join(",".join(map(str, r)) + "\n" for r in zip(*cols)))
    print("%s: %d responses, %d units, %d Likert items" % (path, a.n, G, len(likert)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
