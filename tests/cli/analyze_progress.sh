# analyze draws a progress line on stderr only when stderr is a terminal
# and the run has taken about a second (CLI_PROGRESS_DELAY), clears it
# before the result, and leaves stdout exactly what it is without a
# terminal.
#
# Whether a run takes a second depends on the machine, so the slow case is
# made slow on purpose: tests/cli/ptystop.py starts analyze on a pseudo-terminal,
# waits until it has opened the database (the progress clock starts just
# after that), stops it with SIGSTOP for 1.5 s and lets it go on.  The
# monotonic clock runs on while it is stopped, so the next progress
# update finds more than a second gone, as on a slow machine.  The stop
# must come before the scan's last update (one every 4,096 responses):
# the 18,000 responses this test used were scanned within the 50 ms it
# waits once analyze got faster, and a CI run lost that race; 52,000 kept
# the scan going for a few tenths of a second after it, until the scan's
# second thread halved that; 89,000 now.
. "$ROOT/tests/cli/lib.sh"

run "$GS" init
GAPSURVEY_DATA="$ROOT" run "$GS" simulate --units 1700 --staff 60 --seed 3
status "a city of about 89,000 responses (the scan lasts long enough to be stopped in)" 0

# not a terminal: nothing on stderr, however long it takes
run "$GS" analyze --json
status "analyze --json, stderr a file" 0
cp "$T/out" plain.json
check "no progress line when stderr is no terminal" test ! -s "$T/err"

# a terminal and a slow run: the line, then cleared before the result
python3 "$ROOT/tests/cli/ptystop.py" 1.5 tty.log "$GAPSURVEY_DB" "$GS" analyze --json
RC=$?
if [ "$RC" -eq 3 ]; then
    ok "# skip: analyze ended before it could be stopped"
else
    status "analyze --json on a terminal, stopped for 1.5 s" 0
    has "a slow run on a terminal shows progress" tty.log "analysing ["
    has "with the count and the rate" tty.log "responses/s"
    has "and the time left" tty.log "ETA"
    # what follows the last clearing of the line is the result alone, the
    # same bytes as without a terminal (the pty turns LF into CR LF)
    python3 - tty.log plain.json >cmp.txt <<'PY'
import sys
t = open(sys.argv[1], "rb").read()
k = t.rfind(b"\r\x1b[K")
rest = t[k + 4:].replace(b"\r\n", b"\n") if k >= 0 else b""
print("same" if k >= 0 and rest == open(sys.argv[2], "rb").read() else "differs")
PY
    has "the line is cleared and stdout is the JSON of a run without a terminal" cmp.txt "same"
fi

# --quiet: never a progress line, even on a terminal
python3 "$ROOT/tests/cli/ptystop.py" 1.5 quiet.log "$GAPSURVEY_DB" "$GS" --quiet analyze --json
RC=$?
if [ "$RC" -eq 3 ]; then
    ok "# skip: analyze ended before it could be stopped"
else
    hasnot "--quiet: no progress on a terminal" quiet.log "analysing"
fi

# a quick run on a terminal shows nothing: a city of a few dozen
export GAPSURVEY_DB="$T/small.db"
run "$GS" init
GAPSURVEY_DATA="$ROOT" run "$GS" simulate --units 3 --staff 10 --seed 3
python3 "$ROOT/tests/cli/ptystop.py" 0 small.log "$GAPSURVEY_DB" "$GS" analyze
RC=$?
status "analyze of a small city on a terminal" 0
hasnot "a quick run on a terminal shows no progress" small.log "analysing"

# the line speaks the process's language
export GAPSURVEY_DB="$T/test.db"
python3 "$ROOT/tests/cli/ptystop.py" 1.5 zh.log "$GAPSURVEY_DB" "$GS" --lang zh analyze --json
RC=$?
if [ "$RC" -eq 3 ]; then
    ok "# skip: analyze ended before it could be stopped"
else
    check "--lang zh: the progress line is Chinese" sh -c "grep -qa '分析 \[' zh.log && grep -qa '份答卷/秒' zh.log"
fi
