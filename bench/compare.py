#!/usr/bin/python3
"""compare.py: do the R and pandas scripts get gapsurvey's numbers?

    bench/compare.py GAPSURVEY.json REF.json [--rtol 1e-6]

Compares every statistic the reference script (bench/ref.R or bench/ref.py)
computed with the same field of `gapsurvey analyze --json`: per dimension
and per shown unit x dimension.  A null on one side must be null (or NaN) on
the other.  q-values depend on which cells form the BH family, so they are
compared only when both sides show exactly the same units (the reference
scripts apply min_n and the complementary rule, not the nested-grouping
suppression).  So are the between-group statistics, which pool the hidden
units into one block.  Prints one line per tool and exits 1 on any
disagreement.
"""
import json
import math
import sys

DIM_FIELDS = ["n", "mean", "sd", "alpha", "std_alpha", "average_r", "anova.f",
              "anova.df_between", "anova.df_within", "anova.p", "anova.eta2",
              "welch_anova.f", "welch_anova.df_within", "welch_anova.p", "kruskal.h",
              "kruskal.df", "kruskal.p", "icc1", "icc2", "deviation", "t", "p", "q"]
CELL_FIELDS = ["n", "mean", "diff", "t", "df", "p", "rwg_j", "shrunk", "q"]
# over the blocks the hidden units make: compared only when both sides hide
# the same units (shrunk uses tau^2 and MSW of those blocks)
BLOCK_FIELDS = {"anova.f", "anova.df_between", "anova.df_within", "anova.p", "anova.eta2",
                "welch_anova.f", "welch_anova.df_within", "welch_anova.p", "kruskal.h",
                "kruskal.df", "kruskal.p", "icc1", "icc2", "shrunk"}


def get(d, path):
    for k in path.split("."):
        if d is None:
            return None     # a statistic that cannot be computed: null as a whole
        if not isinstance(d, dict) or k not in d:
            return KeyError
        d = d[k]
    return d


def close(a, b, rtol, atol=1e-12):
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    if na or nb:
        return na and nb
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    # p-values far below double precision's reach differ in the last bits
    # of two different algorithms; 1e-300 is as good as 0 for any decision
    if abs(a) < 1e-290 and abs(b) < 1e-290:
        return True
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def main():
    gs = json.load(open(sys.argv[1]))
    ref = json.load(open(sys.argv[2]))
    rtol = float(sys.argv[sys.argv.index("--rtol") + 1]) if "--rtol" in sys.argv else 1e-6
    bad, n = [], 0
    gdims = {d["code"]: d for d in gs["dimensions"]}
    shown = {g["code"]: g.get("scores", {}) for g in gs["groups"] if not g["suppressed"]}
    rshown = {c["unit"] for c in ref["cells"]}
    same_family = set(shown) == rshown
    for rd in ref["dimensions"]:
        gd = gdims.get(rd["code"])
        for f in DIM_FIELDS:
            rv = get(rd, f)
            if rv is KeyError or (f in BLOCK_FIELDS and not same_family):
                continue
            n += 1
            gv = get(gd, f)
            if gv is KeyError or not close(gv, rv, rtol):
                bad.append("%s.%s: gapsurvey %r, %s %r" % (rd["code"], f, gv, ref["tool"], rv))
    common = 0
    for c in ref["cells"]:
        s = shown.get(c["unit"], {}).get(c["dimension"])
        if s is None:
            continue
        common += 1
        for f in CELL_FIELDS:
            if (f == "q" or f in BLOCK_FIELDS) and not same_family:
                continue
            n += 1
            if not close(s.get(f), c.get(f), rtol):
                bad.append("%s/%s.%s: gapsurvey %r, %s %r" % (c["unit"], c["dimension"], f,
                                                              s.get(f), ref["tool"], c.get(f)))
    note = "" if same_family else " (shown units differ: %d vs %d; q and between-group statistics not compared)" % (
        len(shown), len(rshown))
    print("%s: %d values compared over %d dimensions and %d cells, %d differ (rtol %g)%s"
          % (ref["tool"], n, len(ref["dimensions"]), common, len(bad), rtol, note))
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
