#!/usr/bin/env bash
# League table benchmark: the league table of units (督, GET /api/v1/suggestions/league) as
# Liaison serves it from its rollup, against a naive GROUP BY over the same rows, in the same run,
# on province-size data.
#
# The data: the province generator (issue 10) does not exist yet, so this script makes the data
# itself with SQL in the fresh bench database (`liaison init` + `liaison demo`): 100 congresses
# (the demo's 16 and 84 township congresses of earlier terms), 3,000 units (30 for each congress,
# the demo's own for the county congress), and BENCH_SUGGESTIONS (1,000,000) suggestions spread
# evenly over the congresses and both sessions, each with one lead assignment, a co-unit for one
# in four, a replaced earlier lead for one in a hundred, states spread over assigned .. closed,
# reply categories A/B/C, both reply types and the three ratings - inserted with recursive CTEs
# through sqlite3 in one transaction. The rollup's trigger on new assignments would take about
# twice as long on a million rows, so it is dropped for the bulk insert and the rollup rebuilt
# once from the view the triggers use (suggestion_league_rows), then the trigger put back. The
# triggers are then checked on real changes: a thousand suggestions replied, a thousand sent back
# (重办) and a hundred reassignments, after which the rollup must equal a fresh GROUP BY.
#
# Two targets, measured in interleaved rounds:
#   liaison  wrk on GET /api/v1/suggestions/league?congress=ID&session=session as the demo's
#            admin (如东县), for the county congress: the session check, the policy, the rollup
#            read by its primary key, JSON
#   naive    bench/league_baseline.c, compiled here: the pre-rollup query of src/store/
#            suggestions.c (a GROUP BY over the congress's lead assignments joined with the
#            suggestions), run to its last row again and again by BENCH_SERVER_THREADS threads
#            with a connection each, for as many seconds as a wrk run - no HTTP at all
# Before measuring, the figures liaison answers must equal the naive query's, unit by unit.
# It prints requests/s for both and the ratio liaison / naive, and rewrites the results block of
# docs/PERFORMANCE.md (between <!-- league-bench:begin --> and <!-- league-bench:end -->).
#
# It does not build liaison (`make bench` builds first); it compiles the C loop with cc into its
# temp directory. Loopback only; every process it starts is stopped by the EXIT trap, and every
# run is bounded by `timeout`. About 2.5 minutes with the defaults, a minute of it making the data.
#
# Settings (environment):
#   LIAISON_BIN           the binary (default build/liaison)
#   BENCH_SUGGESTIONS     suggestions generated (1000000)
#   BENCH_SECONDS         measured seconds per run (10)
#   BENCH_WARMUP          warm-up seconds per target before the rounds (2)
#   BENCH_ROUNDS          rounds; each measures both targets (3)
#   BENCH_THREADS         wrk threads (2)
#   BENCH_CONNS           wrk connections (64)
#   BENCH_SERVER_THREADS  liaison event loops and the C loop's threads (default: nproc)
#   BENCH_WRITE_DOC       1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
SUGGESTIONS=${BENCH_SUGGESTIONS:-1000000}
CONGRESS=4 # the demo's 如东县第十八届人民代表大会, in the admin's region
SESSION=session
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
bench_whole_numbers BENCH_SUGGESTIONS:SUGGESTIONS
bench_need_binary
command -v wrk >/dev/null || die "wrk is missing; install it with scripts/deps.sh (Debian package wrk)"
for tool in cc sqlite3 jq curl; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs it)"
done
bench_tmp

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -o "$TMP/league_baseline" "$ROOT/bench/league_baseline.c" \
    -lsqlite3 -lpthread 2>"$TMP/cc.log" || { cat "$TMP/cc.log" >&2; die "cannot compile bench/league_baseline.c"; }

# ---- the data ----

DB=$TMP/liaison.db
bench_new_database "$DB" "$TMP/data"
sqlite3 "$DB" "SELECT name FROM congresses WHERE id = $CONGRESS AND level = 4 AND region_code = '320623000000'" \
    | grep -q . || die "the demo has no county congress $CONGRESS for 如东县"
TRIGGER=$(sqlite3 "$DB" "SELECT sql FROM sqlite_master WHERE name = 'suggestion_unit_figures_new'")
[ -n "$TRIGGER" ] || die "no rollup trigger in the database: is $BIN older than migrations/014?"
ROLLUP_COLUMNS="congress_id, session, unit_id, region_code, count(*), sum(completed), sum(a_count), sum(rated),
    sum(satisfied), sum(solve_count) FROM suggestion_league_rows GROUP BY congress_id, session, unit_id, region_code"

GEN_START=$SECONDS
sqlite3 -bail "$DB" >"$TMP/gen.log" 2>&1 <<SQL || { cat "$TMP/gen.log" >&2; die "generating the data failed"; }
PRAGMA cache_size = -600000;
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE p AS SELECT $SUGGESTIONS AS n, 100 AS congresses, 30 AS per;
BEGIN;
DROP TRIGGER suggestion_unit_figures_new;
-- 84 township congresses of earlier terms (届 15-18) beside the demo's 16: 100 in all
INSERT INTO congresses (level, region_code, term, name, created_at, updated_at)
SELECT 5, r.code, t.term, r.name || '第' || t.term || '届人民代表大会', 0, 0
FROM regions r, (SELECT 15 AS term UNION ALL SELECT 16 UNION ALL SELECT 17 UNION ALL SELECT 18) t
WHERE r.code LIKE '320623%' AND r.level = 4 ORDER BY r.code, t.term
LIMIT (SELECT congresses FROM p) - (SELECT count(*) FROM congresses);
CREATE TEMP TABLE cmap (k INTEGER PRIMARY KEY, id INTEGER);
INSERT INTO cmap SELECT row_number() OVER (ORDER BY id <> $CONGRESS, id) - 1, id FROM congresses;
-- 30 units for each congress; the county congress gets the demo's own
WITH RECURSIVE i(x) AS (SELECT (SELECT count(*) FROM units) UNION ALL SELECT x + 1 FROM i
                        WHERE x + 1 < (SELECT congresses * per FROM p))
INSERT INTO units (name, region_code, created_at, updated_at) SELECT '如东县第' || x || '号承办单位', '320623000000', 0, 0 FROM i;
CREATE TEMP TABLE umap (k INTEGER PRIMARY KEY, id INTEGER);
INSERT INTO umap SELECT row_number() OVER (ORDER BY id) - 1, id FROM units;
CREATE TEMP TABLE rmap (k INTEGER PRIMARY KEY, code TEXT);
INSERT INTO rmap SELECT row_number() OVER (ORDER BY code) - 1, code FROM regions WHERE code LIKE '320623%' AND level = 4;
-- suggestion n: congress n % 100, session (n / 100) % 2, numbered within both from 1000; its
-- state, reply and rating spread by a hash
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < (SELECT n FROM p)),
g AS (SELECT n, n % 100 AS c, CASE (n / 100) % 2 WHEN 0 THEN 'session' ELSE 'recess' END AS sess,
             ((n / 200) * 7919 + ((n / 100) % 2) * 31) % 100 AS h FROM i),
st AS (SELECT *, CASE WHEN h < 15 THEN 'assigned' WHEN h < 17 THEN 'contested' WHEN h < 40 THEN 'handling'
                      WHEN h < 65 THEN 'replied' WHEN h < 85 THEN 'evaluated' ELSE 'closed' END AS state FROM g)
INSERT INTO suggestions (id, region_code, title, content, state, created_at, updated_at, congress_id, session, number,
                         reply_category, reply_type, reply_text, rating, due, assigned_at, replied_at)
SELECT 1000 + n, (SELECT code FROM rmap WHERE k = n % (SELECT count(*) FROM rmap)), '关于第' || n || '号事项的建议',
       '建议内容', state, 1700000000 + n, 1700000000 + n, (SELECT id FROM cmap WHERE k = c), sess, n / 200 + 1000,
       CASE WHEN h >= 40 THEN CASE WHEN (n / 7) % 10 < 5 THEN 'A' WHEN (n / 7) % 10 < 8 THEN 'B' ELSE 'C' END END,
       CASE WHEN h >= 40 THEN CASE WHEN (n / 3) % 10 < 6 THEN 'solve' ELSE 'explain' END END,
       CASE WHEN h >= 40 THEN '答复' END,
       CASE WHEN h >= 65 THEN CASE WHEN (n / 11) % 10 < 7 THEN 'satisfied' WHEN (n / 11) % 10 < 9 THEN 'basic'
                                   ELSE 'unsatisfied' END END,
       1800000000, 1700000000 + n, CASE WHEN h >= 40 THEN 1710000000 + n END
FROM st;
-- one lead unit each of the congress's 30; a co-unit for every fourth; every hundredth was
-- reassigned, its first lead row replaced
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < (SELECT n FROM p)),
a AS (SELECT n, (n % 100) * 30 AS base, (n / 200) % 30 AS u FROM i)
INSERT INTO suggestion_units (suggestion_id, unit_id, role, state, created_at, updated_at)
SELECT 1000 + n, (SELECT id FROM umap WHERE k = base + u), 'lead', 'assigned', 0, 0 FROM a
UNION ALL SELECT 1000 + n, (SELECT id FROM umap WHERE k = base + (u + 1) % 30), 'co', 'assigned', 0, 0 FROM a
          WHERE n % 4 = 0
UNION ALL SELECT 1000 + n, (SELECT id FROM umap WHERE k = base + (u + 2) % 30), 'lead', 'replaced', 0, 0 FROM a
          WHERE n % 100 = 17;
-- the rollup rebuilt once, from the view its triggers use, and the trigger put back
DELETE FROM suggestion_unit_figures;
INSERT INTO suggestion_unit_figures SELECT $ROLLUP_COLUMNS;
$TRIGGER;
COMMIT;
ANALYZE;
SQL
GEN_SECONDS=$((SECONDS - GEN_START))

# rollup_matches WHEN: the rollup must equal a fresh GROUP BY over the rows (the view's).
rollup_matches() {
    local diff
    diff=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT * FROM (SELECT $ROLLUP_COLUMNS) EXCEPT
        SELECT * FROM suggestion_unit_figures WHERE assigned > 0 UNION ALL SELECT * FROM suggestion_unit_figures
        WHERE assigned > 0 EXCEPT SELECT * FROM (SELECT $ROLLUP_COLUMNS))")
    [ "$diff" = 0 ] || die "after $1 the rollup differs from a fresh GROUP BY in $diff rows"
}
rollup_matches "the bulk insert"
# the triggers at work: replies, 重办 and reassignments, as the server's writes make them
CHANGE_START=$SECONDS
sqlite3 -bail "$DB" >"$TMP/change.log" 2>&1 <<'SQL' || { cat "$TMP/change.log" >&2; die "changing the data failed"; }
BEGIN;
UPDATE suggestions SET state = 'replied', reply_category = 'A', reply_type = 'solve', reply_text = '答复'
    WHERE id IN (SELECT id FROM suggestions WHERE state = 'handling' LIMIT 1000);
UPDATE suggestions SET state = 'handling', rating = 'unsatisfied', reopens = 1
    WHERE id IN (SELECT id FROM suggestions WHERE state = 'evaluated' LIMIT 1000);
UPDATE suggestion_units SET state = 'replaced' WHERE role = 'lead' AND suggestion_id IN
    (SELECT id FROM suggestions WHERE state = 'contested' LIMIT 100);
INSERT INTO suggestion_units (suggestion_id, unit_id, role, state, created_at, updated_at)
    SELECT s.id, (SELECT min(unit_id) FROM suggestion_units WHERE suggestion_id = s.id), 'lead', 'assigned', 1, 1
    FROM suggestions s WHERE s.id IN (SELECT suggestion_id FROM suggestion_units WHERE state = 'replaced'
                                      AND updated_at = 0 AND created_at = 0 AND role = 'lead' LIMIT 100);
COMMIT;
SQL
CHANGE_SECONDS=$((SECONDS - CHANGE_START))
rollup_matches "a thousand replies, a thousand reopenings and a hundred reassignments"
ROWS_S=$(sqlite3 "$DB" "SELECT count(*) FROM suggestions")
ROWS_A=$(sqlite3 "$DB" "SELECT count(*) FROM suggestion_units")
ROWS_F=$(sqlite3 "$DB" "SELECT count(*) FROM suggestion_unit_figures")
IN_CONGRESS=$(sqlite3 "$DB" "SELECT count(*) FROM suggestions WHERE congress_id = $CONGRESS AND session = '$SESSION'")
F_CONGRESS=$(sqlite3 "$DB" "SELECT count(*) FROM suggestion_unit_figures WHERE congress_id = $CONGRESS AND session = '$SESSION'")
DB_MB=$(( $(stat -c %s "$DB") / 1048576 ))
echo "data: $ROWS_S suggestions, $ROWS_A assignments, $ROWS_F rollup rows, ${DB_MB} MiB, made in ${GEN_SECONDS} s" \
    "(changes through the triggers: ${CHANGE_SECONDS} s); congress $CONGRESS $SESSION: $IN_CONGRESS suggestions," \
    "$F_CONGRESS rollup rows"

# ---- the server ----

mkdir -p "$TMP/web"
LPORT=$(free_port)
SERVE_FLAGS=(--rate-limits=off --access-log=off "--threads=$SERVER_THREADS" "--max-conns-per-ip=$((CONNS + 16))")
"$BIN" serve --db "$DB" --data-dir "$TMP/data" --web-dir "$TMP/web" --listen "127.0.0.1:$LPORT" \
    "${SERVE_FLAGS[@]}" >"$TMP/liaison.out" 2>"$TMP/liaison.err" &
LPID=$!
bench_server "$LPID" liaison "$TMP/liaison.err"
wait_for "http://127.0.0.1:$LPORT/healthz" "$LPID" "$TMP/liaison.err"
BASE=http://127.0.0.1:$LPORT
bench_sign_in admin
REGION=$(jq -r .user.region "$SESSION_JSON")
# the upper bound of the admin's region subtree, as src/domain/region.c makes it: the code's
# prefix (2, 4, 6 or 9 digits, by level) and ':', which sorts right after '9'
case $REGION in
??0000000000) PREFIX=${REGION:0:2} ;;
????00000000) PREFIX=${REGION:0:4} ;;
??????000000) PREFIX=${REGION:0:6} ;;
?????????000) PREFIX=${REGION:0:9} ;;
*) PREFIX=$REGION ;;
esac
HI="$PREFIX:"
PATH_Q="/api/v1/suggestions/league?congress=$CONGRESS&session=$SESSION"
URL=([liaison]="$BASE$PATH_Q")
COOKIE=$(awk '$6 == "liaison_session" {print $6 "=" $7}' "$JAR")
[ -n "$COOKIE" ] || die "no session cookie after signing in"
WRK_FLAGS=(-H "Cookie: $COOKIE")

# The figures liaison answers must be the naive query's, unit by unit.
curl -fsS --max-time 10 -b "$JAR" -o "$TMP/league.json" "${URL[liaison]}" || die "GET $PATH_Q failed"
BODY_BYTES=$(wc -c <"$TMP/league.json")
jq -r '.units[] | "\(.unit_id) \(.assigned) \(.completed) \(.a_count) \(.rated) \(.satisfied) \(.solve_count)"' \
    "$TMP/league.json" >"$TMP/served.txt"
timeout 60 "$TMP/league_baseline" "$DB" "$CONGRESS" "$SESSION" "$REGION" "$HI" 0.01 1 --print |
    grep -v '^queries' >"$TMP/naive.txt" || die "the naive query failed"
UNITS=$(wc -l <"$TMP/served.txt")
[ "$UNITS" -ge 30 ] || die "the league table has only $UNITS units: $(head -c 300 "$TMP/league.json")"
cmp -s "$TMP/served.txt" "$TMP/naive.txt" || { diff "$TMP/served.txt" "$TMP/naive.txt" | head >&2;
    die "liaison's league table differs from the naive GROUP BY"; }

# naive SECONDS OUT: the C loop; sets NAIVE_RATE.
naive() {
    local rc=0
    timeout -k 5 $(($1 + 60)) "$TMP/league_baseline" "$DB" "$CONGRESS" "$SESSION" "$REGION" "$HI" "$1" \
        "$SERVER_THREADS" >"$2" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    [ "$rc" -eq 0 ] || { cat "$2" >&2; die "the naive loop failed"; }
    NAIVE_RATE=$(awk '$1 == "queries" {print $6}' "$2")
    [ -n "$NAIVE_RATE" ] || { cat "$2" >&2; die "no rate in the naive loop's output"; }
}

# ---- measuring ----

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT; $PATH_Q as admin ($REGION):" \
    "$UNITS units, $BODY_BYTES bytes; $ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "  warm-up liaison, naive (${WARMUP} s each)"
run_wrk liaison "$WARMUP" "$TMP/warmup-liaison.txt"
naive "$WARMUP" "$TMP/warmup-naive.txt"
declare -a L_RPS N_RATE R_NAIVE
ROWS_MD=""
for ((r = 1; r <= ROUNDS; r++)); do
    l=$TMP/round$r-liaison.txt
    run_wrk liaison "$SECONDS_PER_RUN" "$l"
    naive "$SECONDS_PER_RUN" "$TMP/round$r-naive.txt"
    L_RPS+=("$(rps_of "$l")") N_RATE+=("$NAIVE_RATE")
    R_NAIVE+=("$(ratio "${L_RPS[-1]}" "$NAIVE_RATE")")
    printf '  round %d  liaison %8.0f req/s (p50 %s, p99 %s)  naive GROUP BY %7.1f queries/s  liaison/naive %sx\n' \
        "$r" "${L_RPS[-1]}" "$(p50_of "$l")" "$(p99_of "$l")" "$NAIVE_RATE" "${R_NAIVE[-1]}"
    ROWS_MD+="| $r | $(printf '%.0f' "${L_RPS[-1]}") | $(p50_of "$l") | $(p99_of "$l") | $NAIVE_RATE | ${R_NAIVE[-1]}x |"$'\n'
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
curl -fsS --max-time 10 -b "$JAR" -o "$TMP/after.json" "${URL[liaison]}" || die "liaison no longer answers $PATH_Q"
cmp -s "$TMP/league.json" "$TMP/after.json" || die "the league table changed during the run; figures not recorded"

M_L=$(median %.0f "${L_RPS[@]}") M_N=$(median %.1f "${N_RATE[@]}") R=$(median %.2f "${R_NAIVE[@]}")
echo
echo "median: liaison $M_L requests/s; naive GROUP BY $M_N queries/s"
printf 'liaison / naive = %sx (median of the rounds; they ranged %s)\n' "$R" "$(range "${R_NAIVE[@]}")"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

WRK_V=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)
cat >"$TMP/results.md" <<EOF
$(bench_results_head "liaison, wrk and the naive loop")
| versions | $(bench_versions); wrk $WRK_V; $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/SQLite /') (liaison and the naive loop link the same libsqlite3) |
| data | \`liaison init\` + \`liaison demo\`, then this script's SQL: $ROWS_S suggestions, $ROWS_A assignments (lead, co, replaced), 100 congresses x 2 sessions, 3,000 units; ${DB_MB} MiB; made in ${GEN_SECONDS} s with the rollup's insert trigger dropped and the rollup rebuilt once; then 1,000 replies, 1,000 reopenings and 100 reassignments through the triggers (${CHANGE_SECONDS} s), and the rollup ($ROWS_F rows) checked against a fresh GROUP BY after each |
| the table | congress $CONGRESS (如东县第十八届人民代表大会), session \`$SESSION\`: $IN_CONGRESS suggestions, $F_CONGRESS rollup rows, $UNITS units; $BODY_BYTES bytes of JSON; liaison's figures equal the naive query's unit by unit (checked before measuring; the body again after) |
| liaison | \`liaison serve ... ${SERVE_FLAGS[*]}\`; \`wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency -H 'Cookie: liaison_session=...' $PATH_Q\` as the demo admin |
| naive | \`bench/league_baseline.c\` (\`cc -O2\`): the pre-rollup GROUP BY of \`src/store/suggestions.c\` to its last row, in a loop, $SERVER_THREADS threads with a read-only connection each, ${SECONDS_PER_RUN} s; no HTTP |
| rounds | ${WARMUP} s warm-up each, then $ROUNDS rounds of liaison, naive in turn |

| target | median per second | liaison's ratio to it (median of the rounds' ratios) | range over the rounds |
|---|---:|---:|---|
| liaison, GET over HTTP from the rollup | $M_L requests | | |
| naive GROUP BY in SQLite, no HTTP | $M_N queries | **${R}x** | $(range "${R_NAIVE[@]}") |

Every round:

| round | liaison requests/s | liaison p50 | liaison p99 | naive queries/s | liaison / naive |
|---:|---:|---:|---:|---:|---:|
${ROWS_MD%$'\n'}
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" league-bench "$TMP/results.md" \
    "## The league table benchmark (\`bench/league.sh\`)"
