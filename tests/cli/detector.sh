# The detectors on simulated data, a smoke run of two seeds each (the
# sweeps are `make check-detector`: 100 seeds for the weak-unit detector's
# power and false discoveries, 20 for the self-vs-staff gap rule's false
# flags on null cities and its power on --overclaim units).  The same
# claims, the same thresholds; the seeds are fixed, so the result is too.
. "$ROOT/tests/cli/lib.sh"
python3 "$ROOT/tests/detector/weak_units.py" "$GS" 2
python3 "$ROOT/tests/detector/gaps.py" "$GS" 2
