"""The self-vs-staff gap rule on simulated cities (make check-detector).

A self score is one response; DESIGN.md section 5 asks that on a city with
no real gap at most 5% of unit x dimension cells be flagged, and that a
unit whose self-assessment sits at the top of the scale be found.  For each
of a fixed set of seeds this simulates a city of 40 units with no unit
effects (--unit-effects 0) whose self-assessments are drawn like one more
staff member (--unbiased-self), and the same city with four --overclaim
units, and runs `analyze --json`.  Then:
  - null: flagged cells (over- or underclaim) among all cells with a flag,
    over every seed, must be at most 5%;
  - power: each overclaim unit must have an overclaim flag on at least one
    dimension in at least 90% of seeds.
Prints one "ok"/"not ok" line per claim with the measured figures.

  python3 tests/detector/gaps.py GAPSURVEY [NSEEDS]   (default 20 seeds)
"""
import json, os, subprocess, sys, tempfile

gs = sys.argv[1] if len(sys.argv) > 1 else os.environ["GS"]
nseeds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
seeds = range(1, nseeds + 1)
over_units = ["U07", "U12", "U23", "U31"]
work = tempfile.mkdtemp()


def run(args, db):
    return subprocess.run([gs, "--db", db] + args, check=True, capture_output=True, text=True).stdout


def analyse(seed, overclaim):
    db = os.path.join(work, f"{'o' if overclaim else 'n'}{seed}.db")
    run(["init"], db)
    extra = ["--overclaim", ",".join(over_units)] if overclaim else []
    run(["simulate", "--seed", str(seed), "--unit-effects", "0", "--unbiased-self"] + extra, db)
    d = json.loads(run(["analyze", "--json"], db))
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ext):
            os.remove(db + ext)
    return d


flagged = tested = 0
found = {u: 0 for u in over_units}
per_seed = []
for seed in seeds:
    d = analyse(seed, False)
    cells = [g for g in d["gaps"] if g["flag"] is not None]
    f = sum(g["flag"] != "consistent" for g in cells)
    flagged += f
    tested += len(cells)
    per_seed.append(f)
    d = analyse(seed, True)
    for u in over_units:
        found[u] += any(g["unit"] == u and g["flag"] == "overclaim" for g in d["gaps"])

n = len(seeds)
share = flagged / tested if tested else 1.0
print(("ok" if share <= 0.05 else "not ok") +
      f" - null cities: {flagged} of {tested} cells flagged ({100 * share:.2f}%, at most 5%); "
      f"per seed {min(per_seed)}-{max(per_seed)}")
worst = min(found.values())
print(("ok" if worst >= 0.9 * n else "not ok") +
      f" - overclaim units flagged: " + ", ".join(f"{u} {found[u]}/{n}" for u in over_units) +
      " (each in at least 90% of seeds)")
