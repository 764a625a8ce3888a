#!/usr/bin/env bash
# digest: `liaison digest` prints a region office's weekly digest (一周一汇总) with the same
# figures GET /api/v1/digest answers for the same region and week - new opinions, by category,
# by region, clusters and overdue items - as text, JSON or a real .xlsx; a bad week, a bad region
# or an unknown flag is one line on stderr and exit 2.
#
# Needs LIAISON_BIN (the binary), curl, jq and unzip.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

DB=$TMP/liaison.db
DATA=$TMP/data
HOME_REGION=320623000000 # 如东县, loaded by `liaison demo`
WEEK=$(TZ=Asia/Shanghai date +%G-W%V)

run "$BIN" init --db "$DB" --data-dir "$DATA"
check "init exits 0" test "$rc" -eq 0
run "$BIN" demo --db "$DB"
check "demo loads the county" test "$rc" -eq 0
# the demo's opinions, moved into this week so the digest has something new to count
sqlite3 "$DB" "UPDATE opinions SET created_at = strftime('%s', 'now') - (id % 3) * 60"

start_server --db "$DB" --data-dir "$DATA" --web-dir "$WEB" --rate-limits=off || fail "server starts"
JAR=$TMP/cookies
curl -fsS -c "$JAR" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"liaison-demo"}' "http://127.0.0.1:$PORT/api/v1/session" >/dev/null
curl -fsS -b "$JAR" "http://127.0.0.1:$PORT/api/v1/digest?region=$HOME_REGION&week=$WEEK" >"$TMP/api.json"

run "$BIN" digest --db "$DB" --week "$WEEK" --region "$HOME_REGION" --format json
check "digest --format json exits 0" test "$rc" -eq 0
cp "$TMP/out" "$TMP/cli.json"
# figures only: what a digest says, without the summaries' flags that depend on the second
figures='{new, week, region, by_category, by_region, clusters: [.clusters[] | {count, ids, sample: .sample.id}],
          overdue: {count: .overdue.count, ids: [.overdue.items[].id]}}'
check "the API's digest has new opinions" test "$(jq .new "$TMP/api.json")" -gt 0
check "the CLI's figures equal the API's" \
    test "$(jq -S "$figures" "$TMP/cli.json")" = "$(jq -S "$figures" "$TMP/api.json")"

run "$BIN" digest --db "$DB" --week "$WEEK" --region "$HOME_REGION"
NEW=$(jq .new "$TMP/api.json")
OVERDUE=$(jq .overdue.count "$TMP/api.json")
check "text shows the new count" has "$out" "new: $NEW"
check "text shows the overdue count" has "$out" "overdue: $OVERDUE"
check "text names the region" has "$out" "如东县"

run "$BIN" digest --db "$DB" --week "$WEEK" --region "$HOME_REGION" --format xlsx --out "$TMP/digest.xlsx"
check "xlsx exits 0" test "$rc" -eq 0
check "xlsx is a zip with the sheets" bash -c "unzip -p '$TMP/digest.xlsx' xl/workbook.xml | grep -q 相似意见"

run "$BIN" digest --db "$DB" --week 2026-W54 --region "$HOME_REGION"
check "a week that does not exist: exit 2, one line naming week" \
    bash -c "[[ $rc -eq 2 && \$(printf '%s' \"\$1\" | grep -c '') -eq 1 && \$1 == *week* ]]" _ "$err"
run "$BIN" digest --db "$DB" --week "$WEEK" --region 32062
check "a malformed region: exit 2" test "$rc" -eq 2
run "$BIN" digest --db "$DB" --week "$WEEK" --region "$HOME_REGION" --colour
check "an unknown flag: exit 2, one line" bash -c "[[ $rc -eq 2 && \$1 == *unknown\ flag* ]]" _ "$err"
run "$BIN" digest --db "$DB" --region "$HOME_REGION"
check "no week: exit 2" test "$rc" -eq 2

finish
