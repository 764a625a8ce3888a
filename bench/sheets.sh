#!/usr/bin/env bash
# Sheet import benchmark: a generated stations sheet (BENCH_ROWS rows, 90,000 by default: about
# 4.8 MB of UTF-8 CSV with Chinese names and addresses across eight townships of the demo county)
# sent to POST /api/v1/stations/import of a running `liaison serve`, in the same run as two
# other measurements:
#   shell      the baseline: the sqlite3 shell doing the same inserts on a copy of the same
#              database (.import of the sheet, INSERT ... SELECT into stations, its trigram search
#              table filled with one statement; WAL, synchronous=FULL, foreign keys, one
#              transaction), timed from start to exit
#   import     liaison: curl uploads the sheet and waits for the 200 (decode, parse, check every
#              row, write, index, commit)
#   waits      how long a small write waits while an import runs: curl PATCHes one station every
#              50 ms (after the last answer) while a second import (of a fresh database) is under
#              way, and the longest and the median of those PATCHes are compared with the same
#              PATCH on an idle server; the same again during a dry run (?dry_run=true) of the sheet
# With BENCH_BEFORE_BIN (a binary of an earlier version), its import and waits are measured in the
# same rounds, for a before-and-after comparison.
#
# Every liaison run starts from a fresh copy of a `liaison init` + `liaison demo` database, so
# each round measures the same work. Rounds alternate the targets so drift on a noisy machine
# hits them alike; each round gives a ratio, and the median of those is the result. Results go to
# docs/PERFORMANCE.md between <!-- sheets-bench:begin --> and <!-- sheets-bench:end -->.
#
# It builds nothing. Loopback only; every process it starts is stopped by the EXIT trap.
#
# Settings (environment):
#   LIAISON_BIN       the binary (default build/liaison)
#   BENCH_BEFORE_BIN  a binary of an earlier version to measure alongside (default: none)
#   BENCH_ROWS        rows in the sheet (90000)
#   BENCH_ROUNDS      rounds (3)
#   BENCH_WRITE_DOC   1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
BEFORE=${BENCH_BEFORE_BIN:-}
ROWS=${BENCH_ROWS:-90000}
ROUNDS=${BENCH_ROUNDS:-3}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
COUNTY=320623000000 # 如东县, the demo county
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_args "$@"
bench_whole_numbers BENCH_ROWS:ROWS BENCH_ROUNDS:ROUNDS
bench_need_binary
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || die "BENCH_BEFORE_BIN: no binary at $BEFORE"
for tool in sqlite3 curl bc jq; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs it)"
done
bench_tmp

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
# ms SECONDS FORMAT: seconds as milliseconds
ms() { awk -v s="$1" -v f="$2" 'BEGIN {printf f, s * 1000}'; }

# ---- the databases and the sheet ----

# pristine NAME BINARY: a fresh init + demo database made by BINARY, kept as $TMP/NAME.db.
pristine() {
    mkdir -p "$TMP/$1"
    "$2" init --db "$TMP/$1.db" --data-dir "$TMP/$1" >"$TMP/$1-init.log" 2>&1 ||
        { cat "$TMP/$1-init.log" >&2; die "liaison init failed"; }
    (cd "$ROOT" && "$2" demo --db "$TMP/$1.db" --data-dir "$TMP/$1") >"$TMP/$1-demo.log" 2>&1 ||
        { cat "$TMP/$1-demo.log" >&2; die "liaison demo failed"; }
}
pristine after "$BIN"
[ -z "$BEFORE" ] || pristine before "$BEFORE"

TOWNS=$(sqlite3 "$TMP/after.db" "SELECT code FROM regions WHERE parent_code = '$COUNTY' ORDER BY code LIMIT 8" |
    tr '\n' ' ')
[ -n "$TOWNS" ] || die "the demo database has no townships under $COUNTY"
# sheet FILE TAG: name,kind,region,address rows, the townships in turn
sheet() {
    awk -v n="$ROWS" -v towns="$TOWNS" -v tag="$2" 'BEGIN {
        k = split(towns, t, " "); printf "名称,类型,地区,地址\r\n"
        for (i = 1; i <= n; i++) printf "%s测站%06d,hub,%s,镇基准路%d号\r\n", tag, i, t[i % k + 1], i }' >"$1"
}
sheet "$TMP/sheet.csv" 基准
BYTES=$(wc -c <"$TMP/sheet.csv")
((BYTES <= 5 * 1024 * 1024)) || die "a $ROWS-row sheet is $BYTES bytes, over the 5 MiB an import takes; lower BENCH_ROWS"

# ---- the baseline: the sqlite3 shell ----

cat >"$TMP/shell.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA foreign_keys=ON;
BEGIN;
CREATE TEMP TABLE sheet (name TEXT, kind TEXT, region TEXT, address TEXT);
CREATE TEMP TABLE before AS SELECT coalesce(max(id), 0) AS id FROM stations;
.import --csv --skip 1 $TMP/sheet.csv sheet
INSERT INTO stations (name, kind, region_code, address, created_at, updated_at)
    SELECT name, kind, region, address, unixepoch(), unixepoch() FROM sheet;
INSERT INTO station_search (rowid, text)
    SELECT id, name || ' ' || address FROM stations WHERE id > (SELECT id FROM before);
COMMIT;
SQL

# run_shell: sets SHELL_S, the shell's seconds.
run_shell() {
    rm -f "$TMP"/shell.db*
    cp "$TMP/after.db" "$TMP/shell.db"
    local t0 n
    t0=$(now)
    timeout 300 sqlite3 "$TMP/shell.db" <"$TMP/shell.sql" >"$TMP/shell.out" 2>&1 ||
        { cat "$TMP/shell.out" >&2; die "the sqlite3 shell's import failed"; }
    SHELL_S=$(since "$t0")
    n=$(sqlite3 "$TMP/shell.db" "SELECT count(*) FROM stations WHERE name LIKE '基准测站%'")
    [ "$n" = "$ROWS" ] || die "the sqlite3 shell stored $n rows, not $ROWS"
}

# ---- liaison ----

SERVER_PID=""
# serve NAME BINARY: liaison on a fresh copy of NAME's database, signed in as the demo admin.
# Sets BASE, CSRF (the cookie jar is $TMP/jar) and SERVER_PID.
serve() {
    rm -f "$TMP"/run.db*
    cp "$TMP/$1.db" "$TMP/run.db"
    local port
    port=$(free_port)
    "$2" serve --db "$TMP/run.db" --data-dir "$TMP/$1" --web-dir "$ROOT/web" --listen "127.0.0.1:$port" \
        --rate-limits=off --access-log=off >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SERVER_PID=$!
    bench_server "$SERVER_PID" "liaison ($1)" "$TMP/serve.err"
    BASE=http://127.0.0.1:$port
    wait_for "$BASE/healthz" "$SERVER_PID" "$TMP/serve.err"
    CSRF=$(curl -fsS --max-time 5 -c "$TMP/jar" -H 'Content-Type: application/json' \
        -d '{"username":"admin","password":"liaison-demo"}' "$BASE/api/v1/session" | jq -r .csrf_token)
    if [ -z "$CSRF" ] || [ "$CSRF" = null ]; then die "cannot sign in as the demo admin"; fi
    STATION=$(curl -fsS --max-time 5 "$BASE/api/v1/stations?region=$COUNTY&limit=1" | jq -r '.items[0].id')
}

unserve() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

# import FILE OUT [QUERY]: POSTs the sheet; prints curl's total seconds, dies unless it answered 200.
import() {
    local result
    result=$(curl -sS --max-time 300 -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/csv' \
        --data-binary "@$1" -o "$2" -w '%{http_code} %{time_total}' "$BASE/api/v1/stations/import${3:-}")
    [ "${result%% *}" = 200 ] || { head -c 600 "$2" >&2; die "the import answered ${result%% *}"; }
    echo "${result#* }"
}

# patch: PATCHes the station's opening hours; prints curl's total seconds.
patch() {
    local result
    result=$(curl -sS --max-time 300 -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
        -X PATCH -d "{\"hours\":\"基准 $RANDOM\"}" -o /dev/null -w '%{http_code} %{time_total}' \
        "$BASE/api/v1/stations/$STATION")
    [ "${result%% *}" = 200 ] || die "the PATCH answered ${result%% *}"
    echo "${result#* }"
}

# run_import NAME BINARY: one import on a fresh server; sets IMPORT_S, its seconds.
run_import() {
    serve "$1" "$2"
    local n
    IMPORT_S=$(import "$TMP/sheet.csv" "$TMP/import.json")
    n=$(jq '.created' "$TMP/import.json")
    [ "$n" = "$ROWS" ] || die "liaison ($1) created $n records, not $ROWS"
    unserve
}

# run_waits NAME BINARY [QUERY]: on a fresh server, 10 PATCHes while idle, then PATCHes one after
# another while an import (with QUERY, e.g. ?dry_run=true) runs. Sets W_IDLE (the idle median),
# W_MED and W_MAX (the median and the longest during the import), W_COUNT (how many) and
# W_IMPORT (the import's seconds).
run_waits() {
    serve "$1" "$2"
    local idle=() during=() i pid
    for ((i = 0; i < 10; i++)); do idle+=("$(patch)"); done
    import "$TMP/sheet.csv" "$TMP/waits.json" "${3:-}" >"$TMP/waits.time" &
    pid=$!
    # paced, so that starting curl again and again takes little of the two cores the server needs
    while kill -0 "$pid" 2>/dev/null; do
        during+=("$(patch)")
        sleep 0.05
    done
    wait "$pid" || die "the import during the PATCHes failed"
    unserve
    W_IDLE=$(median %.4f "${idle[@]}")
    W_MED=$(median %.4f "${during[@]}")
    W_MAX=$(printf '%s\n' "${during[@]}" | sort -g | tail -n 1)
    W_COUNT=${#during[@]}
    W_IMPORT=$(cat "$TMP/waits.time")
}

# Read the sheet once first, so that the first round does not pay for a cold page cache.
cat "$TMP/sheet.csv" >/dev/null

shell=() after=() before=() ratios=() before_ratios=() rows_md="" waits_md=""
declare -A wait_max
for ((r = 1; r <= ROUNDS; r++)); do
    run_shell
    shell+=("$SHELL_S")
    run_import after "$BIN"
    after+=("$IMPORT_S")
    ratios+=("$(ratio "${after[-1]}" "${shell[-1]}")")
    line="round $r: sqlite3 shell ${shell[-1]} s, liaison import ${after[-1]} s (${ratios[-1]}x)"
    row="| $r | $(printf '%.2f' "${shell[-1]}") | $(printf '%.2f' "${after[-1]}") | ${ratios[-1]}x |"
    if [ -n "$BEFORE" ]; then
        run_import before "$BEFORE"
        before+=("$IMPORT_S")
        before_ratios+=("$(ratio "${before[-1]}" "${shell[-1]}")")
        line+=", before ${before[-1]} s (${before_ratios[-1]}x)"
        row+=" $(printf '%.2f' "${before[-1]}") | ${before_ratios[-1]}x |"
    fi
    echo "$line" >&2
    rows_md+="$row"$'\n'
    for who in after ${BEFORE:+before}; do
        [ "$who" = after ] && b=$BIN || b=$BEFORE
        for kind in import dry-run; do
            [ "$kind" = import ] && query="" || query="?dry_run=true"
            run_waits "$who" "$b" "$query"
            echo "round $r ($who, $kind): PATCH idle ${W_IDLE} s; during it (${W_IMPORT} s) ${W_COUNT} PATCHes," \
                "median ${W_MED} s, longest ${W_MAX} s" >&2
            wait_max[$who $kind]="${wait_max[$who $kind]:-} $W_MAX"
            waits_md+="| $r | $who | $kind | $(ms "$W_IDLE" %.1f) | $W_COUNT | $(ms "$W_MED" %.1f) |"
            waits_md+=" $(ms "$W_MAX" %.0f) | $(printf '%.2f' "$W_IMPORT") |"$'\n'
        done
    done
done

ms=$(median %.2f "${shell[@]}")
ma=$(median %.2f "${after[@]}")
r_med=$(median %.2f "${ratios[@]}")
# longest_ms WHO: the median over the rounds of the longest PATCH during an import, in ms
longest_ms() {
    local x waited=()
    for x in ${wait_max[$1]}; do waited+=("$(ms "$x" %.3f)"); done
    median %.0f "${waited[@]}"
}
longest=$(longest_ms "after import")
longest_dry=$(longest_ms "after dry-run")
echo "liaison import of $ROWS stations: ${ma} s; sqlite3 shell: ${ms} s; ratio ${r_med}x" \
    "(median of the rounds; they ranged $(range "${ratios[@]}")); a PATCH during the import waited up to ${longest} ms," \
    "during a dry run ${longest_dry} ms (medians of the rounds' longest)"
if [ -n "$BEFORE" ]; then
    mb=$(median %.2f "${before[@]}")
    longest_before=$(longest_ms "before import")
    longest_before_dry=$(longest_ms "before dry-run")
    echo "before ($BEFORE): import ${mb} s; ratio $(median %.2f "${before_ratios[@]}")x; a PATCH waited up to" \
        "${longest_before} ms, during a dry run ${longest_before_dry} ms"
fi

[ "$WRITE_DOC" = 1 ] || exit 0

before_v=""
before_head="" before_cols="" before_rows=""
if [ -n "$BEFORE" ]; then
    before_v="; before: \`$BEFORE\` ($("$BEFORE" --version), binary built $(date -u -r "$BEFORE" '+%Y-%m-%d %H:%M UTC'))"
    before_head=" before, s | before / shell |"
    before_cols="---:|---:|"
    before_rows="| liaison before (\`BENCH_BEFORE_BIN\`), the same import | $(median %.2f "${before[@]}") |
| **before / shell** | **$(median %.2f "${before_ratios[@]}")x** (rounds ranged $(range "${before_ratios[@]}")) |
| a PATCH during a before import, or a before dry run: the longest wait (median over the rounds) | $longest_before ms, $longest_before_dry ms |"
fi
cat >"$TMP/results.md" <<MD
Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/sheets.sh\` on $(bench_machine);
$(bench_versions)${before_v}; $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /');
the sheet: $ROWS rows, $BYTES bytes; median of ${ROUNDS} alternating rounds:

| what | median |
|---|---|
| \`sqlite3\` shell: \`.import\` of the sheet, \`INSERT ... SELECT\` into stations and its search table (WAL, synchronous=FULL, foreign keys, one transaction), s | ${ms} |
| liaison: \`POST /api/v1/stations/import\` with curl, upload to answer (decode, parse and check every row on a worker, then write, index and commit on the writer), s | ${ma} |
| **liaison / shell** | **${r_med}x** (rounds ranged $(range "${ratios[@]}"); ratio of the medians $(ratio "$ma" "$ms")x) |
| a PATCH of one station during the import, or during a dry run: the longest wait (median over the rounds) | ${longest} ms, ${longest_dry} ms |
${before_rows}

Every round (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end):

| round | shell, s | liaison, s | liaison / shell |${before_head}
|---:|---:|---:|---:|${before_cols}
${rows_md%$'\n'}

PATCHes of one station (\`PATCH /api/v1/stations/ID\` with curl): 10 in a row on an idle server,
then one every 50 ms (after the last answer) while an import (or a dry run) of the same sheet runs
on a fresh copy of the database; the longest shows how long the import holds the writer:

| round | binary | what runs | idle median, ms | PATCHes meanwhile | their median, ms | the longest, ms | that import, s |
|---:|---|---|---:|---:|---:|---:|---:|
${waits_md%$'\n'}
MD
bench_write_block "$ROOT/docs/PERFORMANCE.md" sheets-bench "$TMP/results.md" "## Sheet import (\`bench/sheets.sh\`)

bench/sheets.sh imports a generated stations sheet through the API, compares it with the sqlite3
shell doing the same inserts, and measures how long a small write waits while an import runs."
