# The weak-unit detector on simulated data: power to find planted weak cells
# and false discoveries on null data, over 100 fixed seeds (tests/cli/detector.py).
. "$ROOT/tests/cli/lib.sh"
python3 "$ROOT/tests/cli/detector.py"
