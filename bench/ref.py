#!/usr/bin/python3
"""ref.py: the statistics of `gapsurvey analyze` as a researcher would script
them with pandas and scipy, for the benchmark (bench/README.md).

    bench/ref.py DIR OUT.json      (DIR holds form.csv and responses.csv)

Same definitions as shared DESIGN.md section 5 and bench/ref.R; the numbers
are compared with gapsurvey's by bench/compare.py.  Needs Debian's
python3-pandas and python3-scipy (run it with /usr/bin/python3).

scipy has no Cronbach's alpha, Welch ANOVA, ICC or rwg(j), and Debian 12's
scipy 1.10 no Benjamini-Hochberg: they are written out from their
definitions on pandas aggregates, as a researcher would.  The tests that
scipy does have are called: f_oneway, kruskal, ttest_1samp and, per unit x
dimension, ttest_ind(equal_var=False).
"""
import csv
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

MIN_N, LO, HI, A = 5, 1.0, 5.0, 5


def read_form(path):
    rows = list(csv.reader(open(path, encoding="utf-8")))
    sheets, name, hdr = {}, None, None
    for r in rows:
        if r[0]:
            name, hdr = r[0].strip().lower(), None
            continue
        if hdr is None:
            hdr = r
            sheets[name] = []
            continue
        sheets[name].append(dict(zip(hdr, r)))
    likert = [r for r in sheets["survey"] if r.get("dimension")]
    dims = [r["name"] for r in sheets["dimensions"]]
    return dims, likert


def bh(p):
    p = np.asarray(p, dtype=float)
    n = len(p)
    order = np.argsort(p)[::-1]
    q = np.minimum.accumulate(p[order] * n / np.arange(n, 0, -1))
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def main():
    d, out = sys.argv[1], sys.argv[2]
    dims, likert = read_form(d + "/form.csv")
    t0 = time.monotonic()
    df = pd.read_csv(d + "/responses.csv", dtype={"unit": str})
    t_read = time.monotonic() - t0
    names = [r["name"] for r in likert]
    X = df[names].astype(float)
    S = X.copy()
    rev = [r["name"] for r in likert if r.get("reverse") == "yes"]
    S[rev] = LO + HI - S[rev]
    unit = df["unit"]

    scores = pd.DataFrame(index=df.index)
    for code in dims:
        s = S[[r["name"] for r in likert if r["dimension"] == code]]
        k = s.shape[1]
        m = s.mean(axis=1)
        scores[code] = (100 * (m - LO) / (HI - LO)).where(s.notna().sum(axis=1) * 2 >= k)
    # weak dimension: each score against the mean of the OTHER scored ones
    nscored, total = scores.notna().sum(axis=1), scores.sum(axis=1)

    cnt = unit.value_counts()
    supp = cnt < MIN_N
    if supp.any() and cnt[supp].sum() < MIN_N and (~supp).any():
        supp[cnt[~supp].idxmin()] = True
    shown = sorted(cnt.index[~supp])
    # between-group statistics over the published blocks: the shown units
    # and one block pooling the hidden ones
    block = unit.where(unit.isin(shown), "(pool)")

    res_dims, cells = [], []
    for code in dims:
        items = [r["name"] for r in likert if r["dimension"] == code]
        x = scores[code]
        ok = x.notna()
        # Cronbach's alpha on complete cases (psych::alpha raw_alpha, std.alpha)
        cc = S.loc[S[items].notna().all(axis=1), items]
        k = len(items)
        C = cc.cov().values
        alpha = k / (k - 1) * (1 - np.trace(C) / C.sum())
        R = cc.corr().values
        avg_r = (R.sum() - k) / (k * (k - 1))
        std_alpha = k * avg_r / (1 + (k - 1) * avg_r)
        xs, us, bs = x[ok], unit[ok], block[ok]
        groups = [g.values for _, g in xs.groupby(bs)]
        F, pF = stats.f_oneway(*groups)
        agg = xs.groupby(bs).agg(["count", "mean", "var"])
        G, N = len(agg), len(xs)
        grand = xs.mean()
        ssb = (agg["count"] * (agg["mean"] - grand) ** 2).sum()
        ssw = ((xs - bs.map(agg["mean"])) ** 2).sum()
        msb, msw = ssb / (G - 1), ssw / (N - G)
        kbar = N / G
        # Welch's ANOVA (R oneway.test var.equal = FALSE)
        wf = wdf = wp = None
        if (agg["count"] >= 2).all() and (agg["var"] > 0).all():
            w = agg["count"] / agg["var"]
            mw = (w * agg["mean"]).sum() / w.sum()
            tmp = (((1 - w / w.sum()) ** 2) / (agg["count"] - 1)).sum() / (G * G - 1)
            wf = ((w * (agg["mean"] - mw) ** 2).sum() / (G - 1)) / (1 + 2 * (G - 2) * tmp)
            wdf = 1 / (3 * tmp)
            wp = stats.f.sf(wf, G - 1, wdf)
        H, pH = stats.kruskal(*groups)
        dev = (x - (total - x) / (nscored - 1))[ok & (nscored >= 2)]
        tt = stats.ttest_1samp(dev, 0.0)
        tau2 = max(0.0, (msb - msw) / kbar)
        res_dims.append({
            "code": code, "n": int(ok.sum()), "mean": xs.mean(), "sd": xs.std(),
            "alpha": alpha, "std_alpha": std_alpha, "average_r": avg_r,
            "anova": {"f": F, "df_between": G - 1, "df_within": N - G, "p": pF,
                      "eta2": ssb / (ssb + ssw)},
            "welch_anova": {"f": wf, "df_within": wdf, "p": wp},
            "kruskal": {"h": H, "df": G - 1, "p": pH},
            "icc1": (msb - msw) / (msb + (kbar - 1) * msw), "icc2": (msb - msw) / msb,
            "deviation": dev.mean(), "t": tt.statistic, "p": tt.pvalue})
        # per shown unit: Welch t-test against everybody else, rwg(j), EB mean
        ranvar = (A * A - 1) / 12.0
        # mean variance of the items answered at least twice in the unit (J of them)
        iv = X[items].groupby(unit).var()
        ivar, jn = iv.mean(axis=1), iv.notna().sum(axis=1)
        xv, uv = xs.values, us.values
        for g in shown:
            ing = uv == g
            xu, xo = xv[ing], xv[~ing]
            t = stats.ttest_ind(xu, xo, equal_var=False)
            n = len(xu)
            su = (xu.var(ddof=1) / n, xo.var(ddof=1) / len(xo))
            sv = min(ivar[g], ranvar)
            J = jn[g]
            rwg = J * (1 - sv / ranvar) / (J * (1 - sv / ranvar) + sv / ranvar)
            B = tau2 / (tau2 + msw / n)
            cells.append({"unit": g, "dimension": code, "n": n, "mean": xu.mean(),
                          "diff": xu.mean() - xo.mean(), "t": t.statistic,
                          "df": (su[0] + su[1]) ** 2 / (su[0] ** 2 / (n - 1) +
                                                       su[1] ** 2 / (len(xo) - 1)),
                          "p": t.pvalue, "rwg_j": rwg,
                          "shrunk": grand + B * (xu.mean() - grand)})
    for r, q in zip(res_dims, bh([r["p"] for r in res_dims])):
        r["q"] = q
    for c, q in zip(cells, bh([c["p"] for c in cells])):
        c["q"] = q
    total = time.monotonic() - t0

    def clean(o):
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list):
            return [clean(v) for v in o]
        if isinstance(o, (np.floating, float)):
            return None if np.isnan(o) else float(o)
        if isinstance(o, np.integer):
            return int(o)
        return o
    json.dump(clean({"tool": "pandas", "respondents": len(df), "read_seconds": t_read,
                     "total_seconds": total, "dimensions": res_dims, "cells": cells}),
              open(out, "w"))


if __name__ == "__main__":
    main()
