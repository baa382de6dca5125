#!/usr/bin/env python3
"""json_close.py -- compare an expected JSON document with an actual one.

Usage: python3 json_close.py EXPECTED.json ACTUAL.json [--rtol 1e-6] [--atol 1e-9]

Used by the CLI tests to check `gapsurvey analyze --json` against reference
values computed in R (tests/r/analyze_ref.R). The expected document drives
the walk:
  - numbers match when |actual - expected| <= max(rtol*|expected|, atol)
    (atol, default 1e-9, covers values near zero such as tiny p-values);
  - strings, booleans and null must be equal (a boolean never equals a
    number, and null never equals a number);
  - objects: every expected key must be present in actual; extra keys in
    actual are fine. One rule from the analyze --json contract (DESIGN 6) is
    enforced as well: an expected object with "suppressed": true must have
    nothing but "code", "name" and "suppressed" in actual (no "scores", no
    "careless" count...), since a suppressed group shows nothing but its name;
  - arrays of objects are matched by key: "code", else "name", else
    "unit"+"dimension", when every expected element carries that key;
    otherwise by position. An actual element with no expected counterpart is
    an error too (e.g. a gap or group that should not be shown), as is a
    length difference for arrays matched by position.
Each mismatch is printed as `path: expected X, got Y`; exit status 1 if any,
else a one-line summary (with the largest absolute difference) and exit
status 0. Exit status 2 on usage errors.
Standard library only.
"""

import argparse
import json
import math
import sys

KEYS = (("code",), ("name",), ("unit", "dimension"))


def fmt(v):
    return json.dumps(v, ensure_ascii=False)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Comparer:
    def __init__(self, rtol, atol):
        self.rtol = rtol
        self.atol = atol
        self.compared = 0
        self.errors = []
        self.largest = 0.0   # the largest |actual - expected| of the numbers

    def err(self, path, msg):
        self.errors.append("%s: %s" % (path or "$", msg))

    def mismatch(self, path, exp, act):
        self.err(path, "expected %s, got %s" % (fmt(exp), fmt(act)))

    def walk(self, path, exp, act):
        if isinstance(exp, dict):
            if not isinstance(act, dict):
                return self.mismatch(path, "an object", act)
            if exp.get("suppressed") is True:
                for k in sorted(set(act) - {"code", "name", "suppressed"}):
                    self.err(path + "." + k, "expected absent (suppressed), got present")
            for k, v in exp.items():
                p = "%s.%s" % (path, k) if path else k
                if k not in act:
                    self.err(p, "expected %s, got nothing (key missing)" % fmt(v))
                    continue
                self.walk(p, v, act[k])
        elif isinstance(exp, list):
            if not isinstance(act, list):
                return self.mismatch(path, "an array", act)
            self.walk_array(path, exp, act)
        elif is_num(exp):
            self.compared += 1
            if not is_num(act):
                return self.mismatch(path, exp, act)
            if math.isnan(exp) or math.isnan(act):
                if not (math.isnan(exp) and math.isnan(act)):
                    self.mismatch(path, exp, act)
                return
            self.largest = max(self.largest, abs(act - exp))
            if abs(act - exp) > max(self.rtol * abs(exp), self.atol):
                self.mismatch(path, exp, act)
        else:  # string, bool, null
            self.compared += 1
            if type(exp) is not type(act) or exp != act:
                self.mismatch(path, exp, act)

    def walk_array(self, path, exp, act):
        key = None
        if exp and all(isinstance(e, dict) for e in exp):
            for cand in KEYS:
                if all(all(k in e for k in cand) for e in exp):
                    key = cand
                    break
        if key is None:
            for i, e in enumerate(exp):
                p = "%s[%d]" % (path, i)
                if i >= len(act):
                    self.err(p, "expected %s, got nothing (array too short)" % fmt(e))
                else:
                    self.walk(p, e, act[i])
            if len(act) > len(exp):
                self.err(path, "expected %d elements, got %d" % (len(exp), len(act)))
            return

        def ident(o):
            return tuple(o.get(k) for k in key) if isinstance(o, dict) else None

        def label(t):
            return "/".join(str(x) for x in t)

        index = {}
        for a in act:
            index.setdefault(ident(a), []).append(a)
        seen = set()
        for e in exp:
            t = ident(e)
            seen.add(t)
            p = "%s[%s]" % (path, label(t))
            found = index.get(t, [])
            if not found:
                self.err(p, "expected an element with %s, got none" %
                         ", ".join("%s=%s" % (k, fmt(v)) for k, v in zip(key, t)))
                continue
            if len(found) > 1:
                self.err(p, "expected one element, got %d" % len(found))
            self.walk(p, e, found[0])
        for a in act:
            t = ident(a)
            if t not in seen:
                self.err("%s[%s]" % (path, label(t) if t else "?"),
                         "expected no such element, got %s" % fmt(a)[:200])


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("json_close: %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description="compare JSON numbers within a relative tolerance")
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9)
    a = ap.parse_args()
    c = Comparer(a.rtol, a.atol)
    c.walk("", load(a.expected), load(a.actual))
    for e in c.errors:
        print(e)
    if c.errors:
        print("json_close: %d mismatch(es) in %d values compared (%s vs %s)" %
              (len(c.errors), c.compared, a.expected, a.actual))
        return 1
    print("json_close: %d values compared, all within rtol %g, largest difference %.2g (%s)" %
          (c.compared, a.rtol, c.largest, a.expected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
