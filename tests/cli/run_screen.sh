# What the respondent sees, read back from a real terminal emulator
# (tmux capture-pane): at 80x24 the rating scale is one line in Chinese
# and in English, long labels wrap with their continuation aligned, the
# 40-unit list fits on one screen with its prompt; at 40 columns the scale
# keeps its end labels on one line; with LANG=C nothing but ASCII.
. "$ROOT/tests/cli/lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
    ok "skipped: tmux is not installed"
    exit 0
fi
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
# one tmux server per screen, on its own socket, so nothing else is touched
SOCK=""
SOCKS=""
tm() { LANG=C.UTF-8 tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
    for SOCK in $SOCKS; do tm kill-server 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# screen_start NAME COLS LANG ARGS...: starts gapsurvey ARGS in a new terminal
screen_start() {
    name=$1 cols=$2 lang=$3
    shift 3
    SOCK="gsrun$$$name"
    SOCKS="$SOCKS $SOCK"
    tm new-session -d -s "$name" -x "$cols" -y 24 \
        "env LANG=$lang LC_ALL= LANGUAGE= GAPSURVEY_DB=$GAPSURVEY_DB $GS $*; sleep 60"
}
# wait_for TEXT: until the screen shows TEXT (5 s), then the screen is in $T/screen
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        tm capture-pane -p > "$T/screen"
        grep -qF -- "$1" "$T/screen" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
keys() { tm send-keys "$@"; }
# line DESC TEXT: the screen has a line that is exactly TEXT (trailing blanks aside)
line() {
    if sed 's/[[:space:]]*$//' "$T/screen" | grep -qxF -- "$2"; then ok "$1"; else
        notok "$1"; sed 's/^/# /' "$T/screen"; fi
}

screen_start zh 80 C.UTF-8 --lang zh run staff-opinion
wait_for "（1-40，必答）>"
check "zh 80x24: the unit list fits with its question and prompt" grep -qF "[1/45] 您所在的单位" "$T/screen"
line "zh: unit list in two aligned columns" "   8 市委网络安全和信息化委员会办公室  28 市退役军人事务局"
line "zh: last row of the list" "  20 市生态环境局                      40 市投资促进中心"
keys 7 Enter 1 Enter 1 Enter 1 Enter
wait_for "[5/45]"
line "zh: the five-point scale on one line" "  1 非常不同意   2 不同意   3 一般   4 同意   5 非常同意"
line "zh: group heading as a rule" "── 政治型 ─────────────────────────────────────────────────────────────────────"

screen_start en 80 C run staff-opinion --lang en --unit U07
wait_for "[1/44]"
keys 1 Enter 1 Enter 1 Enter
wait_for "[4/44]"
line "en LANG=C: the scale on one line" "  1 Strongly disagree   2 Disagree   3 Neutral   4 Agree   5 Strongly agree"
line "en: the label wraps at a word, aligned" "       Two Safeguards into concrete work"
line "en LANG=C: ASCII rule with the group, 79 columns" "-- Political $(printf '%066d' 0 | tr 0 -)"
check "en LANG=C: only ASCII on the screen" sh -c "[ \$(tr -d '\000-\177' < '$T/screen' | wc -c) -eq 0 ]"

screen_start narrow 40 C.UTF-8 --lang zh run staff-opinion --unit U08
wait_for "[1/44]"
keys 1 Enter 1 Enter 1 Enter
wait_for "[4/44]"
line "40 columns: the scale keeps its end labels on one line" "  1 非常不同意  2  3  4  5 非常同意"
line "40 columns: the label's first line" "[4/44] 本单位领导班子带头把“两个确"
line "40 columns: continuation aligned under it, the closing quote not at its start" \
    "       立”“两个维护”落实到具体工作中"

# zh_CN.UTF-8 is not installed on many servers: the name still says UTF-8
# and Chinese, so the rules stay box-drawing lines and the words Chinese
screen_start uninstalled 80 zh_CN.UTF-8 run staff-opinion --unit U09
wait_for "[1/44]"
check "LANG=zh_CN.UTF-8 without the locale: Chinese" grep -qF "[1/44] 您的职级" "$T/screen"
line "and box drawing" "── 基本情况 ───────────────────────────────────────────────────────────────────"
