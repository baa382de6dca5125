# bash completion (completion/gapsurvey.bash) against the binary it
# completes: every command's options are exactly those of its option table
# (`gapsurvey COMMAND --list-options`, the list the parser uses) and those
# its --help lists, the commands are those of main.c's table, and form ids,
# unit codes and wave names come from the database the line names with
# --db.  The option lists in the script are written by hand; this test is
# what keeps them from drifting when an option is added.
. "$ROOT/tests/cli/lib.sh"

command -v bash >/dev/null 2>&1 || { ok "# SKIP no bash"; exit 0; }

# complete WORD...: prints the completions of the last word, one per line,
# with gapsurvey on PATH as the binary under test.
mkdir -p "$T/bin"
ln -s "$GS" "$T/bin/gapsurvey"
# COMP_SCRIPT: the script under test (the control below edits a copy)
COMP_SCRIPT="$ROOT/completion/gapsurvey.bash"
complete_words() {
    PATH="$T/bin:$PATH" bash -c '
        . "$1"; shift
        COMP_WORDS=(gapsurvey "$@"); COMP_CWORD=$#
        _gapsurvey
        [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP_SCRIPT" "$@" | sort -u
}

# options_of ARGS...: the long options a --help text defines: those of its
# usage synopsis (the first paragraph) and of lines that start with one,
# not those its prose mentions in passing
options_of() {
    "$GS" --lang en "$@" 2>&1 | awk '
        /^$/ { insyn = 0 }
        /^usage:/ { insyn = 1 }
        insyn || /^  +(-[a-z], )?--[a-z]/ { print }' |
        grep -o -- '--[a-z][a-z-]*' | sort -u
}
# the commands of main.c's table (`gapsurvey --list-options` prints the
# global option table, then the commands)
table_cmds=$("$GS" --list-options | grep -v '^-')
check "gapsurvey --list-options names the commands" test -n "$table_cmds"

# a command's own options: --db is global, written before the command
# ("gapsurvey [--db FILE] init"), so it is not offered after one
for c in $table_cmds; do
    options_of "$c" --help | grep -vx -- --db >"$T/help.$c"
    echo "--help" >>"$T/help.$c"
    sort -u -o "$T/help.$c" "$T/help.$c"
    "$GS" "$c" --list-options | sort -u >"$T/table.$c"
    if cmp -s "$T/table.$c" "$T/help.$c"; then
        ok "'$c --help' shows exactly the options of its option table"
    else
        notok "'$c --help' shows exactly the options of its option table"
        diff "$T/table.$c" "$T/help.$c" | sed 's/^/# /'
    fi
done

# comp_check: one line per option the script offers after a command that
# its option table lacks, or the other way round
comp_check() {
    for c in $table_cmds; do
        complete_words "$c" -- >"$T/comp.$c"
        comm -23 "$T/table.$c" "$T/comp.$c" | sed "s/^/$c: not offered: /"
        comm -13 "$T/table.$c" "$T/comp.$c" | sed "s/^/$c: offered, not in its table: /"
    done
}
comp_check >"$T/compcheck"
check "completion offers exactly the options of every command's option table" \
    test ! -s "$T/compcheck"
sed 's/^/# /' "$T/compcheck"
# the check can fail both ways: a script that lost --labels of export and
# offers an --everything analyze does not have
sed -e '/^    export)/s/ --labels//' -e '/^    analyze)/s/ --help/ --everything --help/' \
    "$ROOT/completion/gapsurvey.bash" >"$T/edited.bash"
COMP_SCRIPT="$T/edited.bash" comp_check >"$T/compcheck"
has "an option of the table missing from the script is caught" "$T/compcheck" \
    "export: not offered: --labels"
has "an option the script offers that the table lacks is caught" "$T/compcheck" \
    "analyze: offered, not in its table: --everything"

# the global options, as `gapsurvey --help` lists them and as their table has them
{ options_of --help; echo --help; } | sort -u >"$T/help.global"
"$GS" --list-options | grep '^-' | sort -u >"$T/table.global"
check "gapsurvey --help shows exactly the global option table" \
    cmp -s "$T/help.global" "$T/table.global"
complete_words -- >"$T/comp.global"
if cmp -s "$T/help.global" "$T/comp.global"; then
    ok "completion offers exactly the global options of --help"
else
    notok "completion offers exactly the global options of --help"
    diff "$T/help.global" "$T/comp.global" | sed 's/^/# /'
fi

# every command of the command table, and nothing else
complete_words "" >"$T/cmds"
for c in $table_cmds help; do
    check "completion offers the command '$c'" grep -qx "$c" "$T/cmds"
done
same "and no other" "$(sort "$T/cmds" | tr '\n' ' ')" \
    "$(printf '%s\n' $table_cmds help | sort | tr '\n' ' ')"

# values from the database named on the line
"$GS" --db "$T/c.db" init >/dev/null 2>&1
"$GS" --db "$T/c.db" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" --db "$T/c.db" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" --db "$T/c.db" wave add 2031 >/dev/null 2>&1
fid=$("$GS" --db "$T/c.db" --lang en form list | awk 'NR == 2 { print $1 }')
complete_words --db "$T/c.db" analyze --form "" >"$T/forms"
check "--form completes the form ids of --db ($fid)" grep -qx "$fid" "$T/forms"
complete_words --db "$T/c.db" token issue --unit U0 >"$T/units"
check "--unit completes the unit codes of --db" grep -qx "U07" "$T/units"
hasnot "and only those that match the typed prefix" "$T/units" "U10"
complete_words --db "$T/c.db" report --wave "" >"$T/waves"
check "--wave completes the wave names" grep -qx "2031" "$T/waves"
complete_words --db "$T/nonexistent.db" analyze --form "" >"$T/none"
check "a missing database completes nothing and prints nothing" test ! -s "$T/none"
test ! -e "$T/nonexistent.db"
check "completion never creates a database" test $? -eq 0
