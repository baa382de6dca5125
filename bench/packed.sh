#!/bin/sh
# Packed answers against one row per answer (issue #22), side by side in
# one run on the same data: a simulated city (gapsurvey simulate, the
# same seed for both, so the same responses), then for each binary the
# import of its plain export into a database holding only the forms and
# units, analyze --json, a bare read of every answer (bench/floor), and
# the database's size against the CSV's.  Medians of REPS runs.
#
#   sh bench/packed.sh OLD_BUILD NEW_BUILD [UNITS] [STAFF] [REPS]
#
# OLD_BUILD: a build directory of schema 6 (one answers row per answer),
# e.g. main 8a4be08 built elsewhere (its bench/floor built too, `make
# BUILD/bench/floor`); NEW_BUILD: this tree's.  Data in
# ${BENCH_DIR:-/tmp/gapsurvey-packed}.
set -eu
OLD=$1 NEW=$2 UNITS=${3:-2000} STAFF=${4:-50} REPS=${5:-3}
DIR=${BENCH_DIR:-/tmp/gapsurvey-packed}
TIME=/usr/bin/time
mkdir -p "$DIR"
log="$DIR/times"
: > "$log"
timed() {   # STEP CMD...: "STEP wall cpu rss_kib" into the log
    step=$1; shift
    "$TIME" -f "%e %U %S %M" -o "$DIR/t" "$@" > "$DIR/out" 2> "$DIR/err" ||
        { echo "bench: $step failed" >&2; tail -n 3 "$DIR/err" >&2; exit 1; }
    awk -v s="$step" '{ printf "%s %s %.2f %s\n", s, $1, $2 + $3, $4 }' "$DIR/t" >> "$log"
}
for v in old new; do
    if [ "$v" = old ]; then B=$OLD; else B=$NEW; fi
    db="$DIR/$v-sim.db"
    rm -f "$db"*
    "$B/gapsurvey" --db "$db" init > /dev/null
    "$B/gapsurvey" --db "$db" simulate --units "$UNITS" --staff "$STAFF" --seed 1 > /dev/null
    [ -s "$DIR/staff.csv" ] || "$B/gapsurvey" --db "$db" export --form staff-opinion --format plain -o "$DIR/staff.csv" > /dev/null 2>&1
    # the forms, units and wave without responses, for every import
    cp "$db" "$DIR/$v-empty.db"
    if [ "$v" = old ]; then del="DELETE FROM answers; DELETE FROM responses;"; else del="DELETE FROM responses;"; fi
    sqlite3 "$DIR/$v-empty.db" "$del VACUUM; PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
    i=1
    while [ "$i" -le "$REPS" ]; do
        rm -f "$DIR/$v.db"*
        cp "$DIR/$v-empty.db" "$DIR/$v.db"
        timed "$v-import" "$B/gapsurvey" --db "$DIR/$v.db" import "$DIR/staff.csv" --form staff-opinion
        timed "$v-analyze" "$B/gapsurvey" --db "$DIR/$v.db" analyze --json
        cp "$DIR/out" "$DIR/$v.json"
        timed "$v-floor" "$B/bench/floor" select "$DIR/$v.db"
        i=$((i + 1))
    done
    sqlite3 "$DIR/$v.db" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
    wc -c < "$DIR/$v.db" > "$DIR/$v.size"
    "$B/bench/floor" select "$DIR/$v.db" | sed 's/^select: \([0-9]*\) answers.*/\1/' > "$DIR/$v.answers"
done
# the old database migrated by the new binary: the same analysis, byte for
# byte (two imports differ in their random ids, so in the order of sums
# and the last digits: the migrated copy holds the same ids)
rm -f "$DIR/migrated.db"*
cp "$DIR/old.db" "$DIR/migrated.db"
"$NEW/gapsurvey" --db "$DIR/migrated.db" analyze --json > "$DIR/migrated.json"
cmp -s "$DIR/old.json" "$DIR/migrated.json" &&
    echo "analyze --json of the old database migrated to packed answers: the same bytes" ||
    { echo "analyze --json differs after the migration" >&2; exit 1; }
csv=$(wc -c < "$DIR/staff.csv")
echo "$(sed -n '$=' "$DIR/staff.csv") rows less the header, $(cat "$DIR/new.answers") answers; CSV $csv bytes; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v csv="$csv" -v so="$(cat "$DIR/old.size")" -v sn="$(cat "$DIR/new.size")" -v a="$(cat "$DIR/new.answers")" '
{ w[$1] = w[$1] " " $2; c[$1] = c[$1] " " $3; if ($4 > m[$1]) m[$1] = $4 }
function med(s,   n, x, i, j, t) { n = split(s, x, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }; return x[int((n + 1) / 2)] }
END {
    printf "| step | one row per answer: wall s | CPU s | MiB | packed: wall s | CPU s | MiB |\n|---|---|---|---|---|---|---|\n"
    split("import analyze floor", s, " ")
    for (k = 1; k <= 3; k++)
        printf "| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f |\n", s[k], med(w["old-" s[k]]), med(c["old-" s[k]]), m["old-" s[k]] / 1024, med(w["new-" s[k]]), med(c["new-" s[k]]), m["new-" s[k]] / 1024
    printf "\nimport: %.0f answers/s of CPU (one row per answer: %.0f)\n", a / med(c["new-import"]), a / med(c["old-import"])
    printf "analyze: %.2fx faster (CPU); %.2fx the bare read of the packed rows\n", med(c["old-analyze"]) / med(c["new-analyze"]), med(c["new-analyze"]) / med(c["new-floor"])
    printf "database: %.2fx the CSV packed, %.2fx one row per answer\n", sn / csv, so / csv
}' "$log"
