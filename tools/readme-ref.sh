#!/bin/sh
# README.md's command reference is man/gapsurvey.1 rendered (issue 10): its
# GLOBAL OPTIONS and COMMANDS sections as `man` shows them, between the two
# marker comments below, in a text block.  The man page is the one source;
# this script copies it into the README (`make readme-ref`), and
# tests/cli/docs.sh fails when the README holds anything else.
#   tools/readme-ref.sh            rewrite the section of README.md
#   tools/readme-ref.sh --check    exit 1 with a diff if it differs; no change
#   tools/readme-ref.sh --print    the rendering on standard output
# A README and man page other than the tree's can be named after the mode
# (the test checks its own altered copy).
# Rendering: groff's man macros for a UTF-8 terminal 80 columns wide (the
# page's width is 78), as `MANWIDTH=80 man -l` shows it, with no escape
# sequences, overstriking or hyphenation, so each line is plain text and an
# option is never split across two lines.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
mode=write
case "${1:-}" in
--check) mode=check; shift ;;
--print) mode=print; shift ;;
-*) echo "usage: tools/readme-ref.sh [--check|--print] [README [MANPAGE]]" >&2; exit 2 ;;
esac
readme=${1:-$root/README.md}
page=${2:-$root/man/gapsurvey.1}
begin='<!-- command reference: rendered from man/gapsurvey.1 by `make readme-ref`; edit the man page, not this -->'
end='<!-- end of the command reference -->'

if ! command -v groff >/dev/null 2>&1; then
    echo "readme-ref: groff is needed (Debian: groff-base; tools/deps.sh installs it)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the sections, from their heading to the next section heading (a line in
# capitals at the left margin); trailing blanks dropped
if ! groff -man -Tutf8 -rLL=78n -rHY=0 -P-c -P-b -P-u "$page" >"$tmp/page" 2>"$tmp/err" ||
    [ -s "$tmp/err" ]; then
    echo "readme-ref: groff could not render $page:" >&2
    cat "$tmp/err" >&2
    exit 1
fi
awk '
    /^[A-Z][A-Z ]*$/ { keep = ($0 == "GLOBAL OPTIONS" || $0 == "COMMANDS") }
    keep { sub(/[ \t]+$/, ""); print }
' "$tmp/page" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/ref"
if [ ! -s "$tmp/ref" ]; then
    echo "readme-ref: no GLOBAL OPTIONS or COMMANDS section in $page" >&2
    exit 1
fi
{
    echo "$begin"
    echo
    echo '```text'
    cat "$tmp/ref"
    echo '```'
    echo
    echo "$end"
} >"$tmp/block"
if [ "$mode" = print ]; then
    cat "$tmp/block"
    exit 0
fi

# the README with the block in place of the old one
n_begin=$(grep -cxF -- "$begin" "$readme")
n_end=$(grep -cxF -- "$end" "$readme")
if [ "$n_begin" -ne 1 ] || [ "$n_end" -ne 1 ]; then
    echo "readme-ref: $readme must hold each marker line exactly once:" >&2
    echo "  $begin" >&2
    echo "  $end" >&2
    exit 1
fi
awk -v b="$begin" -v e="$end" -v blockfile="$tmp/block" '
    $0 == b { while ((getline l < blockfile) > 0) print l; skip = 1; next }
    $0 == e { skip = 0; next }
    !skip { print }
' "$readme" >"$tmp/new"
if cmp -s "$readme" "$tmp/new"; then
    [ "$mode" = write ] && echo "readme-ref: $readme is up to date"
    exit 0
fi
if [ "$mode" = check ]; then
    echo "readme-ref: the command reference in $readme differs from $page (run make readme-ref):" >&2
    diff -u "$readme" "$tmp/new" | head -n 40 >&2
    exit 1
fi
cat "$tmp/new" >"$readme"
echo "readme-ref: $readme updated from $page"
