# i18n: every message is marked for translation and translated; the
# language follows --lang and the environment; `make install` gives a
# binary that finds its questionnaires and translations from anywhere.
. "$ROOT/tests/cli/lib.sh"

# (a) the catalogue covers the sources: a fresh template from xgettext, and
# every msgid in it translated (non-empty, not fuzzy) in po/zh_CN.po
if make -s -C "$ROOT" pot-file POT="$T/gapsurvey.pot" >"$T/pot.log" 2>&1; then
    ok "xgettext extracts the messages"
    python3 "$ROOT/tests/cli/i18n.py" coverage "$T/gapsurvey.pot" "$ROOT/po/zh_CN.po"
else
    notok "xgettext extracts the messages"; sed 's/^/# /' "$T/pot.log" | head -n 20
fi
check "po/zh_CN.po compiles (msgfmt --check)" \
    msgfmt --check -o "$T/zh.mo" "$ROOT/po/zh_CN.po"

# (b) no message printed or returned unmarked, no Chinese in a C literal
# unless it is data; and the lint itself catches both (on a bad file)
python3 "$ROOT/tests/cli/i18n.py" lint "$ROOT" "$ROOT/tests/cli/i18n_allow.txt"
python3 "$ROOT/tests/cli/i18n.py" selftest

# (c) the language: --lang, else LANGUAGE/LC_ALL/LC_MESSAGES/LANG, else English
zh() { grep -q '用法' "$1"; }
en() { grep -q '^usage: gapsurvey' "$1"; }
LANG=zh_CN.UTF-8 LANGUAGE= LC_ALL= LC_MESSAGES= "$GS" --help >"$T/h" 2>&1
check "LANG=zh_CN.UTF-8: --help is Chinese" zh "$T/h"
LANG=C LANGUAGE= LC_ALL= LC_MESSAGES= "$GS" --help >"$T/h" 2>&1
check "LANG=C: --help is English" en "$T/h"
env -u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES "$GS" --help >"$T/h" 2>&1
check "no language set: English" en "$T/h"
LANG=C "$GS" --lang zh help analyze >"$T/h" 2>&1
check "--lang zh beats LANG=C; help CMD" grep -q '用法：gapsurvey analyze' "$T/h"
LANG=zh_CN.UTF-8 "$GS" --lang en form --help >"$T/h" 2>&1
check "--lang en beats LANG=zh_CN" grep -q '^usage: gapsurvey form' "$T/h"
LC_ALL=zh_CN.UTF-8 LANG=C "$GS" wave --help >"$T/h" 2>&1
check "LC_ALL comes before LANG" zh "$T/h"
run env LANG=zh_CN.UTF-8 "$GS" analyze --min-n=x
status "a bad value is a usage error" 2
has "the error is Chinese, with the command" "$T/err" "gapsurvey: analyze: --min-n 取不小于1的整数"
run env LANG=C "$GS" analyze --jsn
status "unknown option: exit 2" 2
has "with the nearest valid option" "$T/err" "did you mean '--json'?"
run "$GS" --verison
status "unknown global option: exit 2" 2
has "global option hint" "$T/err" "did you mean '--version'?"
run "$GS" anlyze
has "unknown command hint" "$T/err" "did you mean 'analyze'?"
run "$GS" --version
has "--version" "$T/out" "gapsurvey "
# every command of main.c's table (`gapsurvey --list-options` prints the
# global options, then the commands), so a new command is checked too
table_cmds=$("$GS" --list-options | grep -v '^-')
check "gapsurvey --list-options names the commands" test -n "$table_cmds"
for c in $table_cmds; do
    "$GS" help "$c" >"$T/h1" 2>&1; r1=$?
    "$GS" "$c" --help >"$T/h2" 2>&1; r2=$?
    if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && cmp -s "$T/h1" "$T/h2" && grep -q '^examples*:' "$T/h1" &&
        "$GS" --lang zh help "$c" | grep -q '^示例：'; then
        ok "help $c = $c --help, with examples, in both languages"
    else
        notok "help $c = $c --help, with examples, in both languages"
    fi
done

# (d) installed: binary, man page, completion, translations, questionnaires
# the build under test is installed as it is (-o: never rebuilt here, so
# a run of the tests cannot swap the binary they test)
build=$(basename "$(dirname "$GS")")
san=0; [ "$build" = build-san ] && san=1
if make -s -C "$ROOT" -o "$build/gapsurvey" install SANITIZE=$san BUILD="$build" DESTDIR="$T/stage" PREFIX=/usr >"$T/inst.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=/usr"
else
    notok "make install DESTDIR=... PREFIX=/usr"; sed 's/^/# /' "$T/inst.log" | tail -n 20
fi
for f in usr/bin/gapsurvey usr/share/man/man1/gapsurvey.1 \
         usr/share/bash-completion/completions/gapsurvey \
         usr/share/locale/zh_CN/LC_MESSAGES/gapsurvey.mo \
         usr/share/gapsurvey/questionnaires/staff-opinion.csv \
         usr/share/gapsurvey/questionnaires/five-type-self-assessment.csv; do
    check "installed $f" test -f "$T/stage/$f"
done
mkdir -p "$T/elsewhere"
IGS="$T/stage/usr/bin/gapsurvey"
(cd "$T/elsewhere" && export GAPSURVEY_DB="$T/elsewhere/x.db" && unset GAPSURVEY_DATA &&
    "$IGS" init >/dev/null && "$IGS" simulate --units 3 --staff 6 --seed 2 >"$T/out" 2>"$T/err")
RC=$?
status "installed binary, run elsewhere, finds the shipped questionnaires (simulate)" 0
(cd "$T/elsewhere" && env -u GAPSURVEY_DATA LANG=C "$IGS" --lang zh --help >"$T/h" 2>&1)
check "installed binary finds its translations" zh "$T/h"
check "--lang zh: Chinese command summaries" grep -q '创建数据库' "$T/h"
if make -s -C "$ROOT" uninstall SANITIZE=$san BUILD="$build" DESTDIR="$T/stage" PREFIX=/usr >"$T/inst.log" 2>&1 &&
    [ -z "$(find "$T/stage" -type f)" ]; then
    ok "make uninstall removes every installed file"
else
    notok "make uninstall removes every installed file"; find "$T/stage" -type f | sed 's/^/# /'
fi

# the man page renders
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$ROOT/man/gapsurvey.1" >"$T/man" 2>"$T/manerr"
    check "man -l man/gapsurvey.1 renders" grep -q 'gapsurvey' "$T/man"
    check "the man page renders without warnings" test ! -s "$T/manerr"
    for c in $table_cmds; do
        check "the man page describes $c" grep -q "^ *gapsurvey.* $c\b\|^ *$c\b" "$T/man"
    done
fi
# bash completion loads and completes commands and options
if command -v bash >/dev/null 2>&1; then
    cat >"$T/comp.sh" <<EOC
. "$ROOT/completion/gapsurvey.bash"
COMP_WORDS=(gapsurvey ana); COMP_CWORD=1; _gapsurvey; echo "\${COMPREPLY[*]}"
COMP_WORDS=(gapsurvey analyze --js); COMP_CWORD=2; _gapsurvey; echo "\${COMPREPLY[*]}"
EOC
    bash "$T/comp.sh" >"$T/comp" 2>&1
    check "completion: a command" grep -qx 'analyze' "$T/comp"
    check "completion: an option of the command" grep -qx -- '--json' "$T/comp"
fi
