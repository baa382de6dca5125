#!/bin/sh
# A throwaway PostgreSQL cluster for the tests and the benchmarks: initdb in
# a temporary directory, the server listening on a Unix socket in that
# directory only (no TCP port, so two clusters never collide), trust
# authentication for the one database user "gapsurvey".
#
#   tools/pgtmp.sh start DIR     starts it and prints its URI on stdout
#                                (postgresql://gapsurvey@/gapsurvey?host=DIR)
#   tools/pgtmp.sh stop DIR      stops it (the directory stays; rm -rf it)
#   tools/pgtmp.sh bin           prints the server's bin directory, or fails
#
# PostgreSQL refuses to run as root, so under root the cluster belongs to
# the system user PGTMP_USER, default gspg (created when missing, no shell,
# no home).
# PGTMP_FSYNC=on keeps fsync (the benchmarks); the tests run without it,
# which loses nothing unless the machine itself goes down.
set -eu
cmd=${1:-}
dir=${2:-}
owner=${PGTMP_USER:-gspg}

bindir() {
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# as USER CMD...: runs CMD as the cluster's owner
as() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
bin)
    bindir
    ;;
start)
    [ -n "$dir" ] || { echo "usage: pgtmp.sh start DIR" >&2; exit 2; }
    bin=$(bindir) || { echo "pgtmp: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
    if [ "$(id -u)" = 0 ] && ! id "$owner" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown "$owner" "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as "$bin/initdb" -D "$dir/data" -U gapsurvey -A trust -E UTF8 --locale=C.UTF-8 \
            --no-sync >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    fsync=${PGTMP_FSYNC:-off}
    # already running (an earlier start): the same URI again
    as "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 ||
    as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses= -k $dir -p 5432 -c fsync=$fsync -c max_connections=200" \
        start >/dev/null 2>&1 ||
        { cat "$dir/server.log" >&2; exit 1; }
    # the socket directory must be reachable by whoever runs the tests
    chmod 755 "$dir"
    "$bin/psql" -h "$dir" -p 5432 -U gapsurvey -d postgres -qAtc \
        "SELECT 1 FROM pg_database WHERE datname = 'gapsurvey'" | grep -q 1 ||
        "$bin/createdb" -h "$dir" -p 5432 -U gapsurvey gapsurvey
    echo "postgresql://gapsurvey@/gapsurvey?host=$dir&port=5432"
    ;;
stop)
    [ -n "$dir" ] || { echo "usage: pgtmp.sh stop DIR" >&2; exit 2; }
    bin=$(bindir) || exit 1
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    owner=$(stat -c %U "$dir/data")    # whoever started it
    as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: pgtmp.sh start DIR | stop DIR | bin" >&2
    exit 2
    ;;
esac
