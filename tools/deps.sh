#!/bin/sh
# Finds the Debian 12 packages gapsurvey needs and installs the missing ones.
# `deps.sh check` installs only when something is missing (as root), and as
# non-root stops with the exact apt-get line to run; `deps.sh install` is the
# same but says what it did.  Each check looks for the thing itself (a
# pkg-config module, a header, a program, a font), not for the package name,
# so a hand-built library counts as present.
set -u
mode=${1:-check}
missing=""
need() { missing="$missing $1"; }

pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need pkg-config
command -v cc >/dev/null 2>&1 || need gcc
command -v make >/dev/null 2>&1 || need make
pc gsl      || need libgsl-dev
pc sqlite3  || need libsqlite3-dev
pc cmocka   || need libcmocka-dev
pc libmicrohttpd || need libmicrohttpd-dev
pc xlsxwriter || need libxlsxwriter-dev
pc libqrencode || need libqrencode-dev
pc libsodium || need libsodium-dev
# report.docx and .xlsx questionnaires: zip containers (libzip), XML (expat)
pc libzip   || need libzip-dev
pc expat    || need libexpat1-dev
# the PostgreSQL store (libpq) and the throwaway server its tests start
# (tools/pgtmp.sh: initdb, pg_ctl, postgres; psql, pg_dump)
pc libpq    || need libpq-dev
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 ||
    need postgresql
command -v psql >/dev/null 2>&1 || need postgresql-client
[ -f /usr/include/readstat.h ] || need libreadstat-dev
[ -f /usr/include/csv.h ] || need libcsv-dev
command -v gnuplot >/dev/null 2>&1 || need gnuplot-nox
# msgfmt compiles po/zh_CN.po in every build; xgettext for `make pot`
command -v msgfmt >/dev/null 2>&1 || need gettext
# `man -l man/gapsurvey.1` in tests/cli/i18n.sh
command -v man >/dev/null 2>&1 || need "man-db groff-base"
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need fonts-noto-cjk
command -v fc-list >/dev/null 2>&1 || need fontconfig
command -v python3 >/dev/null 2>&1 || need python3
# tools/csv2xlsx.py and the tests that write .xlsx workbooks
/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || need python3-openpyxl
command -v sqlite3 >/dev/null 2>&1 || need sqlite3
command -v chromium >/dev/null 2>&1 || need chromium
command -v curl >/dev/null 2>&1 || need curl
command -v tmux >/dev/null 2>&1 || need tmux
command -v unzip >/dev/null 2>&1 || need unzip
# the report.docx tests: LibreOffice converts it to PDF (pdfinfo, pdftoppm
# look at the pages), python-docx reads its tables back
command -v soffice >/dev/null 2>&1 || need libreoffice-writer-nogui
command -v pdfinfo >/dev/null 2>&1 || need poppler-utils
# report.docx measures its table columns in Times New Roman; without it or
# Liberation Serif (the same metrics) LibreOffice sets the text in a wider
# face, and the PDF checks of tests/cli/docx.sh see headers and numbers wrap
fc-match 'Times New Roman' 2>/dev/null | grep -qE '"(Liberation Serif|Times New Roman)"' || need fonts-liberation2
/usr/bin/python3 -c 'import docx' >/dev/null 2>&1 || need python3-docx
# `make fuzz` builds libFuzzer targets with clang; `make valgrind`
command -v clang >/dev/null 2>&1 || need clang
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
    need libclang-rt-14-dev
command -v valgrind >/dev/null 2>&1 || need valgrind
# tests/cli/export.sh reads the .sav and .dta exports back with R's haven
# and the .sav with PSPP (without them those checks skip)
Rscript -e 'library(haven)' >/dev/null 2>&1 || need r-cran-haven
command -v pspp >/dev/null 2>&1 || need pspp
# the browser test drives Chromium with playwright-core (npm)
command -v npm >/dev/null 2>&1 || need "nodejs npm"

if [ -z "$missing" ]; then
    [ "$mode" = install ] && echo "deps: all present"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "gapsurvey needs Debian packages that are missing; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
