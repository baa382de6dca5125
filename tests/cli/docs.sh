# The documentation agrees with itself and with the program (issue 10): the
# README's command reference is a fresh rendering of man/gapsurvey.1
# (tools/readme-ref.sh), the man page renders without warnings, and every
# option a command's --help names is described in that command's section
# of the man page (and the other way round), every global option in
# GLOBAL OPTIONS; and every option of a command's option table (the list
# its parser uses, `gapsurvey COMMAND --list-options`) is in its section,
# which names no option the table lacks.
. "$ROOT/tests/cli/lib.sh"

# ---- the README's copy of the man page ----
run sh "$ROOT/tools/readme-ref.sh" --check
status "README.md's command reference is the man page as rendered now (make readme-ref)" 0
# the check must be able to fail: an edited copy of the README is caught
cp "$ROOT/README.md" readme.md
sed -i 's/^\(       \)gapsurvey --db city.db init$/\1gapsurvey --db town.db init/' readme.md
if cmp -s "$ROOT/README.md" readme.md; then
    notok "the control edit changed nothing (has the init example moved?)"
else
    run sh "$ROOT/tools/readme-ref.sh" --check readme.md
    status "a README whose reference was edited by hand fails the check" 1
    has "and the diff shows the edit" "$T/err" "town.db"
    run sh "$ROOT/tools/readme-ref.sh" readme.md
    check "make readme-ref's script puts the rendering back" cmp -s "$ROOT/README.md" readme.md
fi

# ---- the man page renders cleanly ----
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$ROOT/man/gapsurvey.1" 2>"$T/manwarn" >/dev/null
    check "man --warnings -l man/gapsurvey.1: no warnings" test ! -s "$T/manwarn"
    sed 's/^/# /' "$T/manwarn" | head -n 10
else
    notok "man is not installed (tools/deps.sh: man-db)"
fi

# ---- every option of every command is in the man page ----
# The rendering (no hyphenation: an option is never split) cut into
# sections: GLOBAL OPTIONS, and one per command heading ("   form check|add").
sh "$ROOT/tools/readme-ref.sh" --print >page.txt
awk '/^GLOBAL OPTIONS$/ { on = 1; next } /^COMMANDS$/ { on = 0 } on' page.txt >global.txt
# options NAME.txt: the long options in a text, one a line
opts() { grep -o -- '--[a-z][a-z0-9-]*' "$1" | sort -u; }
"$GS" --help >main-help.txt 2>&1
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' main-help.txt)
check "gapsurvey --help lists the commands" test -n "$cmds"
missing=""
for o in $(sed -n '1,/^commands:/p' main-help.txt | opts /dev/stdin); do
    grep -q -- "$o\b" global.txt || missing="$missing $o"
done
same "every option in gapsurvey --help is in GLOBAL OPTIONS" "$missing" ""
for c in $cmds; do
    awk -v c="$c" '
        /^   [^ ]/ { on = ($1 == c) }
        /^[A-Z]/ { on = 0 }
        on' page.txt >"sec-$c.txt"
    if [ ! -s "sec-$c.txt" ]; then
        notok "the man page has a section for $c"
        continue
    fi
    "$GS" "$c" --help >"help-$c.txt" 2>&1
    # the options of its synopsis ("usage:" up to the first blank line) and
    # of its option list (lines that start with an option) belong in its
    # own section (or GLOBAL OPTIONS); one its prose names (wave's help
    # mentions analyze --compare-wave) must be somewhere in the page
    awk '/^usage:/ { u = 1 } u && /^$/ { u = 0 } u || /^ +-/' "help-$c.txt" >"own-$c.txt"
    missing=""
    for o in $(opts "own-$c.txt"); do
        grep -q -- "$o\b" "sec-$c.txt" || grep -q -- "$o\b" global.txt ||
            missing="$missing $o"
    done
    same "$c: every option of '$c --help' (synopsis, option list) is in its man page section" \
        "$missing" ""
    missing=""
    for o in $(opts "help-$c.txt"); do
        grep -q -- "$o\b" page.txt || missing="$missing $o"
    done
    same "$c: every option '$c --help' names is in the man page" "$missing" ""
    # and the other way round: the page describes no option the command
    # lacks (global options, named in a section's prose, excepted)
    extra=""
    for o in $(opts "sec-$c.txt"); do
        grep -q -- "$o\b" "help-$c.txt" || grep -q -- "$o\b" global.txt || extra="$extra $o"
    done
    same "$c: every option its man page section names is in '$c --help'" "$extra" ""
done

# ---- the option tables against the man page ----
# table_check PAGE: one line per option that a command's option table and
# its section of the rendered man page PAGE do not share (global options,
# which a section may name, excepted)
table_cmds=$("$GS" --list-options | grep -v '^-')
same "the command table (--list-options) holds the commands of --help" "$(echo $table_cmds)" \
    "$(echo $cmds)"
table_check() {
    awk '/^GLOBAL OPTIONS$/ { on = 1; next } /^COMMANDS$/ { on = 0 } on' "$1" >tc-global.txt
    for c in $table_cmds; do
        awk -v c="$c" '/^   [^ ]/ { on = ($1 == c) } /^[A-Z]/ { on = 0 } on' "$1" >tc-sec.txt
        "$GS" "$c" --list-options | grep -vx -- --help | sort -u >tc-table.txt
        opts tc-sec.txt >tc-page.txt
        comm -23 tc-table.txt tc-page.txt | sed "s/^/$c: in its option table, not in its man page section: /"
        for o in $(comm -13 tc-table.txt tc-page.txt); do
            grep -q -- "$o\b" tc-global.txt ||
                echo "$c: in its man page section, not in its option table: $o"
        done
    done
}
table_check page.txt >tc.out
check "every command's man page section names exactly the options of its option table" \
    test ! -s tc.out
sed 's/^/# /' tc.out
# the check can fail both ways: a page whose report section says
# --no-plotz where the table has --no-plots
sed '/^   report/,/^   demo/s/--no-plots/--no-plotz/g' page.txt >page-edited.txt
table_check page-edited.txt >tc.out
has "an option of the table missing from the man page is caught" tc.out \
    "report: in its option table, not in its man page section: --no-plots"
has "an option the man page names that the table lacks is caught" tc.out \
    "report: in its man page section, not in its option table: --no-plotz"
