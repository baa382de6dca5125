# The architecture's one rule that a compiler does not check (issue 14):
# dependencies point one way, base <- survey <- analysis <- cli <- main,
# and no modules depend on each other in a circle.  tools/layers.py reads
# the #includes of the sources and `nm` of the objects of the build under
# test; its self-test shows it can fail.
. "$ROOT/tests/cli/lib.sh"
build=$(dirname "$GS")
python3 "$ROOT/tools/layers.py" "$ROOT" "$build"
python3 "$ROOT/tools/layers.py" selftest
