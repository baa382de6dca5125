# bash completion (completion/gapsurvey.bash) against the binary it
# completes: every command's options are exactly those its --help lists, the
# subcommands are the ones the binary takes, and form ids, unit codes and
# wave names come from the database the line names with --db.  The option
# lists in the script are written by hand; this test is what keeps them from
# drifting when an option is added.
. "$ROOT/tests/cli/lib.sh"

command -v bash >/dev/null 2>&1 || { ok "# SKIP no bash"; exit 0; }

# complete WORD...: prints the completions of the last word, one per line,
# with gapsurvey on PATH as the binary under test.
mkdir -p "$T/bin"
ln -s "$GS" "$T/bin/gapsurvey"
complete_words() {
    PATH="$T/bin:$PATH" bash -c '
        . "$1/completion/gapsurvey.bash"; shift
        COMP_WORDS=(gapsurvey "$@"); COMP_CWORD=$#
        _gapsurvey
        [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' sh "$ROOT" "$@" | sort -u
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
# a command's own options: --db is global, written before the command
# ("gapsurvey [--db FILE] init"), so it is not offered after one
for c in init form unit wave token run serve import export simulate analyze report demo; do
    options_of "$c" --help | grep -vx -- --db >"$T/help.$c"
    echo "--help" >>"$T/help.$c"
    sort -u -o "$T/help.$c" "$T/help.$c"
    complete_words "$c" -- >"$T/comp.$c"
    if cmp -s "$T/help.$c" "$T/comp.$c"; then
        ok "completion offers exactly the options of '$c --help'"
    else
        notok "completion offers exactly the options of '$c --help'"
        diff "$T/help.$c" "$T/comp.$c" | sed 's/^/# /'
    fi
done

# the global options, as `gapsurvey --help` lists them
{ options_of --help; echo --help; } | sort -u >"$T/help.global"
complete_words -- >"$T/comp.global"
if cmp -s "$T/help.global" "$T/comp.global"; then
    ok "completion offers exactly the global options of --help"
else
    notok "completion offers exactly the global options of --help"
    diff "$T/help.global" "$T/comp.global" | sed 's/^/# /'
fi

# every command of the command table, and nothing else
complete_words "" >"$T/cmds"
for c in init form unit wave token run serve import export simulate analyze report demo help; do
    check "completion offers the command '$c'" grep -qx "$c" "$T/cmds"
done

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
