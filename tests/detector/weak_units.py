"""Statistical test of the weak-unit detector (make check-detector; a
two-seed smoke run is tests/cli/detector.sh).

  python3 tests/detector/weak_units.py GAPSURVEY [NSEEDS]   (default 100)

For each of a fixed set of seeds, simulate a city of 40 units with about 30
staff each, with no random unit effects (--unit-effects 0) so that every
cell that was not planted is truly null, plant -15 points in four cells,
and run `analyze --json`.  Then:
  - power: the share of seeds in which all four planted cells are flagged
    weak must be at least 95%;
  - false discoveries: among flagged cells, the share that were not planted
    (the false discovery proportion), averaged over seeds, must stay at or
    below the fdr level (0.05); and on null data (nothing planted) the share
    of flagged cells among all tested cells must too.
Prints one "ok"/"not ok" line per claim with the measured figures.
"""
import json, os, subprocess, sys, tempfile

gs = sys.argv[1] if len(sys.argv) > 1 else os.environ["GS"]
seeds = range(1, 1 + (int(sys.argv[2]) if len(sys.argv) > 2 else 100))
plants = [("U07", "planning"), ("U12", "understanding"), ("U23", "efficient"), ("U31", "clean")]
spec = ",".join(f"{u}:{d}:-15" for u, d in plants)
work = tempfile.mkdtemp()

def run(args, db):
    return subprocess.run([gs, "--db", db] + args, check=True, capture_output=True, text=True).stdout

# 40 units of equal size, so every unit has about 30 respondents (simulate
# draws each unit's count from its headcount and a common response rate)
units = os.path.join(work, "units.csv")
with open(units, "w") as f:
    f.write("code,name,category,parent,headcount\n")
    for i in range(1, 41):
        f.write(f"U{i:02d},Unit {i},test,,36\n")

def analyse(seed, plant):
    db = os.path.join(work, f"{'p' if plant else 'n'}{seed}.db")
    run(["init"], db)
    run(["unit", "import", units], db)
    extra = ["--plant", spec] if plant else []
    run(["simulate", "--units", "40", "--staff", "30", "--seed", str(seed), "--unit-effects", "0"] + extra, db)
    d = json.loads(run(["analyze", "--json"], db))
    os.remove(db)
    for ext in ("-wal", "-shm"):
        if os.path.exists(db + ext):
            os.remove(db + ext)
    flagged, tested = set(), 0
    sizes.extend(g["n"] for g in d["groups"] if not g["suppressed"] and g["code"] in planted_units)
    for g in d["groups"]:
        for dim, s in g.get("scores", {}).items():
            tested += 1
            if s["weak"]:
                flagged.add((g["code"], dim))
    return flagged, tested

planted_units = {u for u, _ in plants}
sizes = []
all_found = 0
planted_found = 0
fdp = []
null_share = []
for seed in seeds:
    flagged, tested = analyse(seed, True)
    hits = sum((u, d) in flagged for u, d in plants)
    planted_found += hits
    all_found += hits == len(plants)
    false = len(flagged - set(plants))
    fdp.append(false / len(flagged) if flagged else 0.0)
    flagged0, tested0 = analyse(seed, False)
    null_share.append(len(flagged0) / tested0)

n = len(seeds)
power = all_found / n
cell_power = planted_found / (4 * n)
print(("ok" if cell_power >= 0.95 else "not ok") +
      f" - planted cells (-15 points) flagged: {planted_found} of {4 * n} ({100 * cell_power:.1f}%); "
      f"all four in {all_found} of {n} seeds; planted units had {min(sizes)}-{max(sizes)} "
      f"respondents, mean {sum(sizes) / len(sizes):.1f}")
mfdp = sum(fdp) / n
print(("ok" if mfdp <= 0.05 else "not ok") +
      f" - mean false discovery proportion among flagged cells {mfdp:.4f} <= 0.05")
mnull = sum(null_share) / n
print(("ok" if mnull <= 0.05 else "not ok") +
      f" - null data: mean share of cells falsely flagged {mnull:.5f} <= 0.05 "
      f"({sum(1 for s in null_share if s > 0)} of {n} seeds flagged anything)")
