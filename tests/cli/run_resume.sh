# A terminal draft belongs to one code or one session (issue 17): a
# session without an invitation code shows a resume key when it starts and
# when it is left, and only `run --resume KEY` continues it; the same
# command at the same terminal, for the same unit, starts afresh and is
# never offered it.  Data entry (--entry) keeps its drafts the same way;
# a key that is open in a running session, mistyped, of another unit or of
# the other mode is refused with what to do.  Run through a real
# pseudo-terminal (tests/cli/ptydrive.py), as tests/cli/run_pty.sh does.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/pty_lib.inc"
key() { grep -o -- '--resume [0-9A-Z-]*' "$T/$1.log" | head -n 1 | cut -d' ' -f2; }

# ---- data entry: the keyer's draft is the keyer's session's
{
    echo "expect If this session is interrupted, continue it with this command"
    echo "expect gapsurvey run staff-opinion --entry --resume "
    echo "expect [ 1/43]"
    echo "send 1"
    echo "expect [ 2/43]"
    echo "send 2"
    echo "expect [ 3/43]"
    echo "send 3"
    echo "expect [ 4/43]"
    echo "send q"
    echo "expect The questionnaire being keyed is kept as a draft; to finish it:"
    echo "expect gapsurvey run staff-opinion --entry --resume "
    echo "exit 0"
} | pty entry-a run staff-opinion --entry --unit U05 --lang en
K=$(key entry-a)
check "the keyer was shown a key" test -n "$K"
same "the quit repeats the same key" "$(grep -o -- '--resume [0-9A-Z-]*' "$T/entry-a.log" | sort -u | wc -l)" 1
{
    echo "expect [ 1/43]"
    echo "send q"
    echo "expect Done."
    echo "exit 0"
} | pty entry-b run staff-opinion --entry --unit U05 --lang en
hasnot "another keyer of the same unit is not offered it" "$T/entry-b.log" "saved draft"
run "$GS" run staff-opinion --resume "$K" --lang en </dev/null
status "a data-entry key without --entry (input not a terminal): usage" 2
{
    echo "expect no saved draft of staff-opinion has the key $K"
    echo "expect it is a data-entry draft (add --entry)"
    echo "exit 1"
} | pty entry-c run staff-opinion --resume "$K" --lang en
{
    echo "expect A saved draft was found: 3 answers, stopped at question 4 of 43."
    echo "expect Resume? [Y/n]"
    echo "send y"
    echo "expect [ 4/43]"
    echo "send b"
    echo "expect [ 3/43]"
    echo "send b"
    echo "expect [ 2/43]"
    echo "send q"
    echo "expect to finish it:"
    echo "exit 0"
} | pty entry-d run staff-opinion --entry --resume "$K" --lang en
same "one draft: the keyer's own" "$(db 'SELECT count(*) FROM drafts')" 1

# ---- a key in use at another terminal is refused
{
    echo "expect Resume? [Y/n]"
    echo "send y"
    echo "expect [ 4/43]"
    echo "sleep 4"
    echo "send q"
    echo "exit 0"
} | pty hold run staff-opinion --entry --resume "$K" --lang en > "$T/hold.out" &
sleep 1.5
{
    echo "expect the draft of this key is open in another session right now"
    echo "exit 1"
} | pty second run staff-opinion --entry --resume "$K" --lang en
wait
cat "$T/hold.out"

# ---- refused keys say what to do
{
    echo "expect the draft of this key was made for another unit; leave out --unit"
    echo "exit 1"
} | pty other-unit run staff-opinion --entry --resume "$K" --unit U07 --lang en
{
    echo "expect no saved draft of staff-opinion has the key 2222-3333-4444-5555"
    echo "exit 1"
} | pty mistyped run staff-opinion --resume 2222-3333-4444-5555 --lang en
run "$GS" run staff-opinion --resume "$K" --token QW12ER34
status "--resume with --token: usage" 2
has "the code finds its draft itself" "$T/err" "--resume is for sessions without an invitation code or batch"
run "$GS" run staff-opinion --resume 'not a key!'
status "--resume with no key: usage" 2
has "says what a key looks like" "$T/err" "--resume takes the key the interrupted session showed (XXXX-XXXX-XXXX-XXXX)"

# ---- the draft is encrypted under the key: nothing readable without it
same "one draft, one box, no answer in clear" \
    "$(db 'SELECT count(*), count(box) FROM drafts') $(db 'SELECT count(*) FROM draft_answers')" "1|1 0"
sqlite3 "$GAPSURVEY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
norm=$(echo "$K" | tr -d '-')
check "the key is nowhere in the database" sh -c "! grep -a -q -e '$K' -e '$norm' '$GAPSURVEY_DB'"
