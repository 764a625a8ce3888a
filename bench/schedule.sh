#!/usr/bin/env bash
# Schedule page benchmark: the public 接待日公示表 of a station, GET
# /api/v1/stations/ID/schedule?month=YYYY-MM (a month's reception days and activities, served from
# the server's page cache), against nginx serving the same bytes with the same headers, in one
# run.
#
# Before measuring it makes the month realistic, through the API as the demo's staff account: on
# that account's station (掘港街道人大代表联络站 in the demo) it adds the reception rule "weekly
# MON 09:00-11:30" (20 seats) with two of the station's deputies on duty, which makes the
# reception days of the coming 8 weeks, and four other activities (小组活动, 视察, 调研, 述职会)
# in the month, besides what the demo has there. The month is next month (Beijing time), so
# every day of it lies ahead and the page stays the same through the run.
#
# Two targets, measured with wrk in interleaved rounds so drift on a noisy machine hits both
# alike:
#   nginx             nginx serving schedule.json, a copy of the schedule's body, with liaison's
#                     Content-Type and other headers (add_header) - the baseline
#   liaison-schedule  liaison answering GET /api/v1/stations/ID/schedule?month=YYYY-MM (router,
#                     query checks, policy, the page cache of its event loop; on a miss, the
#                     month's activities and their deputies from SQLite and jansson)
# It prints requests/s for both and the ratio to nginx (goal: at least 0.8x), and rewrites the
# results block of docs/PERFORMANCE.md (between <!-- schedule-bench:begin --> and
# <!-- schedule-bench:end -->).
#
# It builds nothing: `make bench` builds first. Loopback only; every process it starts is
# stopped by the EXIT trap, and every wrk run is bounded by `timeout`.
#
# Settings (environment):
#   LIAISON_BIN           the binary (default build/liaison)
#   BENCH_SECONDS         measured seconds per wrk run (10)
#   BENCH_WARMUP          warm-up seconds per target before the rounds (2)
#   BENCH_ROUNDS          rounds; each measures both targets (3)
#   BENCH_THREADS         wrk threads (2)
#   BENCH_CONNS           wrk connections (64)
#   BENCH_SERVER_THREADS  liaison event loops and nginx workers (default: nproc)
#   BENCH_WRITE_DOC       1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
GOAL=0.8
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
bench_need_binary
bench_need_http_tools
command -v jq >/dev/null || die "jq is missing (scripts/deps.sh installs it)"
bench_tmp

# ---- the server, and a month with reception days ----

bench_start_liaison "$TMP/web" "--max-conns-per-ip=$((CONNS + 1024))"
bench_import_calendar "$TMP/liaison.db" # reception rules skip its holidays
BASE=http://127.0.0.1:$LPORT
# next month in Beijing time: the 15th of this month plus a month
MONTH=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) +1 month" +%Y-%m)

bench_sign_in staff
STATION=$(jq -r '.user.stations[0] // empty' "$SESSION_JSON")
[ -n "$STATION" ] || die "the demo's staff account has no station: $(head -c 300 "$SESSION_JSON")"
curl -fsS --max-time 5 -o "$TMP/rules.json" "$BASE/api/v1/stations/$STATION/rules" ||
    die "GET /api/v1/stations/$STATION/rules failed"
curl -fsS --max-time 5 -o "$TMP/deputies.json" "$BASE/api/v1/deputies?station=$STATION&limit=50" ||
    die "GET /api/v1/deputies?station=$STATION failed"
# two of the station's deputies, not on the roster of a rule it has already if it has enough
ROSTER=$(jq -c --slurpfile rules "$TMP/rules.json" '[$rules[0].items[].deputies[].id] as $busy
    | [.items[].id] | ((. - $busy) + (. - (. - $busy)))[:2]' "$TMP/deputies.json")
[ "$(jq length <<<"$ROSTER")" = 2 ] || die "station $STATION has fewer than two deputies"

bench_post "/api/v1/stations/$STATION/rules" \
    "{\"rule\":\"weekly MON 09:00-11:30\",\"place\":\"联络站接待室\",\"capacity\":20,\"deputies\":$ROSTER}" \
    "$TMP/rule.json"
# four more activities in the month, in the afternoon (the rule's deputies are on duty on Monday
# mornings only)
add_activity() { # KIND DAY TITLE PLACE CAPACITY
    bench_post /api/v1/activities "$(jq -cn --argjson station "$STATION" --arg kind "$1" \
        --arg start "$MONTH-$2T14:30" --arg until "$MONTH-$2T16:30" --arg title "$3" --arg place "$4" \
        --argjson capacity "$5" --argjson deputies "$ROSTER" \
        '{station_id: $station, kind: $kind, title: $title, place: $place, starts_at: $start, ends_at: $until,
          capacity: $capacity, deputies: $deputies}')" "$TMP/activity.json"
}
add_activity group 03 "代表小组活动：听取社区居民对老旧小区改造的意见" 联络站会议室 30
add_activity inspection 10 "视察城区农贸市场食品安全" 城区农贸市场 0
add_activity research 17 "调研农村养老服务站运行情况" 各村养老服务站 0
add_activity report 24 "代表向选民述职会" 联络站会议室 60

URL=(
    [liaison-schedule]="$BASE/api/v1/stations/$STATION/schedule?month=$MONTH"
)
# The schedule's body and headers, byte for byte, are what nginx serves.
curl -fsS --max-time 5 -D "$TMP/liaison.headers" -o "$TMP/web/schedule.json" "${URL[liaison-schedule]}" ||
    die "GET ${URL[liaison-schedule]} failed"
BODY_BYTES=$(wc -c <"$TMP/web/schedule.json")
NAME=$(jq -r .station.name "$TMP/web/schedule.json")
DAYS=$(jq '.days | length' "$TMP/web/schedule.json")
ACTIVITIES=$(jq '[.days[].activities[]] | length' "$TMP/web/schedule.json")
RECEPTIONS=$(jq '[.days[].activities[] | select(.kind == "reception")] | length' "$TMP/web/schedule.json")
[ "$DAYS" -ge 4 ] || die "the schedule of $MONTH has only $DAYS days: $(head -c 300 "$TMP/web/schedule.json")"

bench_nginx_like_liaison "$TMP/liaison.headers" /schedule.json "$TMP/nginx-schedule.conf"
bench_start_nginx "$TMP/web" schedule.json "$TMP/nginx-schedule.conf"
TARGETS=(nginx liaison-schedule)
URL[nginx]="http://127.0.0.1:$NPORT/schedule.json"
bench_same_body "$TMP/web/schedule.json" "GET /api/v1/stations/$STATION/schedule?month=$MONTH"
header_names() { tr -d '\r' <"$1" | sed -n 's/^\([A-Za-z-]*\):.*/\1/p' | tr '[:upper:]' '[:lower:]' | sort | paste -sd' '; }
ONLY_NGINX=$(comm -23 <(header_names "$TMP/nginx.headers" | tr ' ' '\n') \
    <(header_names "$TMP/liaison-schedule.headers" | tr ' ' '\n') | paste -sd' ')
ONLY_LIAISON=$(comm -13 <(header_names "$TMP/nginx.headers" | tr ' ' '\n') \
    <(header_names "$TMP/liaison-schedule.headers" | tr ' ' '\n') | paste -sd' ')

# ---- measuring ----

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT, nginx on 127.0.0.1:$NPORT;" \
    "station $STATION $NAME, $MONTH: $DAYS days, $ACTIVITIES activities, body $BODY_BYTES bytes;" \
    "$ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
bench_rounds

bench_still_same liaison-schedule "$TMP/web/schedule.json" "the schedule's body"
bench_goal liaison-schedule "schedule page" "$GOAL"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

cat >"$TMP/results.md" <<EOF
$(bench_results_head)
$(bench_http_rows)
| nginx location | \`location = /schedule.json\` with liaison's Content-Type as \`default_type\`, \`add_header\` for each of liaison's other headers, \`etag off\`, \`max_ranges 0\` |
| the month | station $STATION, $NAME (the demo staff account's), $MONTH: $DAYS days, $ACTIVITIES activities ($RECEPTIONS reception days of the demo's rule and of \`weekly MON 09:00-11:30\` added with the deputies $ROSTER, the demo's own activities, and four added: 小组活动, 视察, 调研, 述职会); data/calendar/2026.csv imported |
| body | $BODY_BYTES bytes, identical from both URLs (checked with cmp before measuring, and liaison's again after); Content-Type ${CTYPE[nginx]} (nginx), ${CTYPE[liaison-schedule]} (liaison) |
| response headers | nginx ${HEADER_BYTES[nginx]} bytes, liaison ${HEADER_BYTES[liaison-schedule]} bytes (status line included); only nginx sends: ${ONLY_NGINX:-none}; only liaison: ${ONLY_LIAISON:-none} |

$(bench_goal_table liaison-schedule /schedule.json "schedule page")

Every round:

$(bench_round_table)
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" schedule-bench "$TMP/results.md" \
    "## The schedule page benchmark (\`bench/schedule.sh\`)"
