#!/usr/bin/env bash
# Booking benchmark: durable bookings per second - a constituent booking a seat of a reception
# day, POST /api/v1/activities/ID/bookings, acknowledged with a 201 only once it is committed -
# when every request is for the same activity (contention) against the same bookings spread over
# many activities (no contention), in one run.
#
# Two targets, measured with wrk and bench/bookings.lua in interleaved rounds so drift on a noisy
# machine hits both alike:
#   spread      the baseline: each request books an activity of its own lane, one lane per wrk
#               connection, so no two requests in flight want the same activity
#   contention  every request of every connection books the same activity; when a 201 says it
#               has at most 2 x BENCH_CONNS seats left, the connections move on together to the
#               next one (each activity has 10000 seats, the most the schema allows, and a run
#               books more than that); a wrk thread that got none of those last 201s moves on
#               at its first 409 "full"
# Each request has a phone number of its own and the same topic. A 201 and a 409 "full" count as
# answers (bookings/s counts the 201s alone; the margin above means there should be few 409s, if
# any); any other answer refuses the run. The activities (kind other, 10000 seats, next month) are made
# before each run through the API as the demo's staff account, on that account's station; every
# run starts on activities no run has booked. It prints both rates with p50 and p99 latency and
# the ratio contention / spread, and rewrites the results block of docs/PERFORMANCE.md (between
# <!-- bookings-bench:begin --> and <!-- bookings-bench:end -->).
#
# After the rounds it checks, with sqlite3 on the server's database: that every booking code wrk
# received in a 201 is there, confirmed; that the database holds no more bookings of the run than
# those plus the requests in flight when each wrk run stopped; that every activity's `booked`
# equals its bookings still held (for the benchmark's activities: its confirmed bookings); and
# that no activity is over capacity. Then that liaison still answers /healthz and one more
# booking.
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
#   BENCH_CONNS           wrk connections (64), and lanes of the spread target
#   BENCH_SERVER_THREADS  liaison event loops (default: nproc)
#   BENCH_WRITE_DOC       1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
SEATS=10000 # an activity's capacity: the most the schema allows
TOPIC='反映小区停车位不足、夜间施工噪音扰民，希望代表帮助协调解决'
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
[ "$WRK_THREADS" -le 99 ] || die "BENCH_THREADS must be at most 99 (a phone number holds the thread's number)"
MARGIN=$((2 * CONNS)) # seats left at which a lane moves on: requests in flight can't take them all
[ "$MARGIN" -lt $((SEATS / 2)) ] || die "BENCH_CONNS ($CONNS) must be below $((SEATS / 4))"
bench_need_binary
bench_need_http_tools
for tool in sqlite3 jq; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs it)"
done
bench_tmp

# ---- the server, and the activities ----

bench_start_liaison "$TMP/web" "--max-conns-per-ip=$((CONNS + 1024))"
BASE=http://127.0.0.1:$LPORT
bench_sign_in staff
STATION=$(jq -r '.user.stations[0] // empty' "$SESSION_JSON")
[ -n "$STATION" ] || die "the demo's staff account has no station: $(head -c 300 "$SESSION_JSON")"
STATION_NAME=$(curl -fsS --max-time 5 "$BASE/api/v1/stations/$STATION" | jq -r .name)
# next month's 15th, 19:00-21:00 Beijing time: ahead of the whole run
DAY=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) +1 month" +%Y-%m-%d)
DEMO_MAX_ACTIVITY=$(sqlite3 "$TMP/liaison.db" "SELECT coalesce(max(id), 0) FROM activities")
DEMO_MAX_BOOKING=$(sqlite3 "$TMP/liaison.db" "SELECT coalesce(max(id), 0) FROM bookings")

# The pool: the benchmark's activities, one id a line; a run books the lines from NEXT on.
POOL=$TMP/pool.txt
: >"$POOL"
NEXT=1

# grow_pool LINES: makes activities until the pool holds LINES, in one curl (requests in turn).
grow_pool() {
    local want=$1 have i
    have=$(wc -l <"$POOL")
    ((want > have)) || return 0
    : >"$TMP/pool.curl"
    for ((i = have + 1; i <= want; i++)); do
        ((i == have + 1)) || echo next >>"$TMP/pool.curl"
        cat >>"$TMP/pool.curl" <<EOF
url = "$BASE/api/v1/activities"
cookie = "$JAR"
header = "X-CSRF-Token: $CSRF"
header = "Content-Type: application/json"
data = "{\"station_id\":$STATION,\"kind\":\"other\",\"title\":\"选民预约接待 $i\",\"place\":\"联络站接待室\",\"starts_at\":\"${DAY}T19:00\",\"ends_at\":\"${DAY}T21:00\",\"capacity\":$SEATS,\"deputies\":[]}"
EOF
    done
    curl -sS --max-time 120 -K "$TMP/pool.curl" >"$TMP/pool.json" || die "making activities failed"
    jq -r '.id // empty' "$TMP/pool.json" >>"$POOL"
    [ "$(wc -l <"$POOL")" -eq "$want" ] ||
        die "POST /api/v1/activities did not make $((want - have)) activities: $(head -c 300 "$TMP/pool.json")"
}

# lines_for LANES SECONDS: pool lines a run may book: every lane's share of twice the best rate
# seen so far (at least 5000/s), each activity taking up to SEATS - MARGIN, plus one.
BEST_RATE=5000
lines_for() {
    local bookings=$((2 * BEST_RATE * $2)) per_lane
    per_lane=$(((bookings / $1 + SEATS - MARGIN - 1) / (SEATS - MARGIN) + 1))
    echo $(($1 * per_lane))
}

TARGETS=(spread contention)
declare -A LANES=([spread]=$CONNS [contention]=1)
URL=([spread]="$BASE/api/v1/activities" [contention]="$BASE/api/v1/activities") # the script sets each path
WRK_TIMEOUT=10s
WRK_FLAGS=(-s "$ROOT/bench/bookings.lua" --timeout "$WRK_TIMEOUT")
WRK_SCRIPT_CHECKS_STATUS=1 # a 409 full is an answer too; bench/bookings.lua fails on anything else
export BENCH_BOOKING_POOL=$POOL BENCH_BOOKING_MARGIN=$MARGIN BENCH_BOOKING_TOPIC=$TOPIC
export BENCH_BOOKING_THREADS=$WRK_THREADS

ACKED=0 FULL=0 RUNS=0
mkdir -p "$TMP/codes"

# measure TARGET SECONDS OUT: one wrk run from the pool's line NEXT on; checks the counts, moves
# NEXT past what the run booked. Sets RATE (201s per second).
measure() {
    local target=$1 out=$3 created full other requests last
    grow_pool $((NEXT - 1 + $(lines_for "${LANES[$target]}" "$2")))
    RUNS=$((RUNS + 1))
    BENCH_BOOKING_START=$NEXT BENCH_BOOKING_LANES=${LANES[$target]} BENCH_BOOKING_CODES=$TMP/codes/run$RUNS \
        run_wrk "$target" "$2" "$out"
    created=$(sed -n 's/^201 responses: //p' "$out")
    full=$(sed -n 's/^409 full responses: //p' "$out")
    other=$(sed -n 's/^other responses: //p' "$out")
    requests=$(requests_of "$out")
    RATE=$(sed -n 's/^bookings\/s: //p' "$out")
    last=$(sed -n 's/^last pool line: //p' "$out")
    if [ -z "$created" ] || [ -z "$last" ] || [ "$other" != 0 ] || [ "$requests" != $((created + full)) ]; then
        cat "$out" >&2
        die "$target: $requests answers, ${created:-?} of them 201s and ${full:-?} 409 full; nothing else may come"
    fi
    refuse_timeouts "$target" "$out"
    ACKED=$((ACKED + created)) FULL=$((FULL + full)) NEXT=$((last + 1))
    awk -v r="$RATE" -v b="$BEST_RATE" 'BEGIN {exit !(r > b)}' && BEST_RATE=${RATE%.*}
    return 0
}

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT; station $STATION $STATION_NAME," \
    "activities of $SEATS seats on $DAY; $ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for t in "${TARGETS[@]}"; do
    echo "  warm-up $t (${WARMUP} s)"
    measure "$t" "$WARMUP" "$TMP/warmup-$t.txt"
done

declare -A RATES P50S P99S
R_LIST=() ROWS_MD=""
for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${TARGETS[@]}"; do
        out=$TMP/round$r-$t.txt
        measure "$t" "$SECONDS_PER_RUN" "$out"
        RATES[$t]="${RATES[$t]:-} $RATE"
        P50S[$t]="${P50S[$t]:-} $(to_ms "$(p50_of "$out")")"
        P99S[$t]="${P99S[$t]:-} $(to_ms "$(p99_of "$out")")"
        declare "RATE_$t=$RATE"
        printf '  round %d  %-10s %7.0f bookings/s  p50 %-8s p99 %-8s\n' "$r" "$t" "$RATE" "$(p50_of "$out")" \
            "$(p99_of "$out")"
    done
    R_LIST+=("$(ratio "$RATE_contention" "$RATE_spread")")
    ROWS_MD+="| $r | $(printf '%.0f' "$RATE_spread") | $(p50_of "$TMP/round$r-spread.txt") |"
    ROWS_MD+=" $(p99_of "$TMP/round$r-spread.txt") | $(printf '%.0f' "$RATE_contention") |"
    ROWS_MD+=" $(p50_of "$TMP/round$r-contention.txt") | $(p99_of "$TMP/round$r-contention.txt") | ${R_LIST[-1]}x |"$'\n'
    echo "  round $r  contention / spread = ${R_LIST[-1]}x"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- what is in the database, and liaison's health after the load ----

curl -fsS --max-time 5 -o /dev/null "$BASE/healthz" || die "liaison is unhealthy after the run"
# One more booking: the writer commits in the order it was given work, so once this one is
# acknowledged, whatever wrk left in flight has been committed too (or was never received).
grow_pool "$NEXT"
LAST_ACTIVITY=$(sed -n "${NEXT}p" "$POOL")
code=$(curl -sS --max-time 10 -H 'Content-Type: application/json' -o "$TMP/last.json" -w '%{http_code}' \
    --data-binary "{\"topic\":\"$TOPIC\",\"phone\":\"13912345678\"}" "$BASE/api/v1/activities/$LAST_ACTIVITY/bookings") ||
    die "the last booking failed"
[ "$code" = 201 ] || die "the last booking answered $code: $(head -c 300 "$TMP/last.json")"
check_servers

jq -r .code "$TMP/last.json" >"$TMP/curl-codes.txt"
bench_codes_stored "$TMP/curl-codes.txt" booking "bookings (as confirmed)" \
    "SELECT code FROM bookings WHERE id > $DEMO_MAX_BOOKING AND state = 'confirmed'"
db() { sqlite3 "$TMP/liaison.db" "$1"; }
STORED=$(db "SELECT count(*) FROM bookings WHERE id > $DEMO_MAX_BOOKING")
UNANSWERED=$((STORED - ACKED_ALL))
((UNANSWERED <= CONNS * RUNS)) ||
    die "$STORED bookings stored, $ACKED_ALL acknowledged: more than the $CONNS a run can leave in flight"
# every activity's count of seats against its bookings: the benchmark's hold confirmed bookings
# only; the demo's may also hold checked-in and no-show ones, which keep their seat
BENCH_ACTIVITIES=$(db "SELECT count(*) FROM activities WHERE id > $DEMO_MAX_ACTIVITY")
OFF_COUNT=$(db "SELECT count(*) FROM activities a WHERE a.booked <> (SELECT count(*) FROM bookings b
    WHERE b.activity_id = a.id AND b.state = CASE WHEN a.id > $DEMO_MAX_ACTIVITY THEN 'confirmed' ELSE b.state END
    AND b.state <> 'cancelled')")
if [ "$OFF_COUNT" -ne 0 ]; then
    db "SELECT id, capacity, booked, (SELECT count(*) FROM bookings b WHERE b.activity_id = a.id AND
        b.state <> 'cancelled') FROM activities a" | head -n 20 >&2
    die "$OFF_COUNT activities have a booked count other than their bookings (id|capacity|booked|bookings above)"
fi
OVER=$(db "SELECT count(*) FROM activities WHERE booked > capacity")
[ "$OVER" -eq 0 ] || die "$OVER activities are over capacity"
FULLEST=$(db "SELECT max(booked) FROM activities WHERE id > $DEMO_MAX_ACTIVITY")
FILLED=$(db "SELECT count(*) FROM activities WHERE id > $DEMO_MAX_ACTIVITY AND booked >= capacity - $MARGIN")
echo "checked: all $ACKED_ALL acknowledged bookings are in the database, confirmed; it holds $STORED" \
    "bookings of this run ($UNANSWERED more: requests in flight when wrk stopped, at most $CONNS per run of $RUNS);" \
    "every activity's booked equals its bookings and none is over capacity ($BENCH_ACTIVITIES activities of the" \
    "benchmark, $FILLED of them filled to within $MARGIN seats, the fullest at $FULLEST of $SEATS); $FULL 409 full"

# ---- the summary ----

# shellcheck disable=SC2086 # space-separated numbers
M_S=$(median %.0f ${RATES[spread]}) M_C=$(median %.0f ${RATES[contention]})
# shellcheck disable=SC2086
S_P50=$(median %.2f ${P50S[spread]}) S_P99=$(median %.2f ${P99S[spread]})
# shellcheck disable=SC2086
C_P50=$(median %.2f ${P50S[contention]}) C_P99=$(median %.2f ${P99S[contention]})
RC=$(median %.2f "${R_LIST[@]}")
echo
echo "median: spread $M_S bookings/s (p50 $S_P50 ms, p99 $S_P99 ms); contention $M_C bookings/s" \
    "(p50 $C_P50 ms, p99 $C_P99 ms)"
echo "contention / spread = ${RC}x (median of the rounds; they ranged $(range "${R_LIST[@]}"))"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

WRK_V=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)
cat >"$TMP/results.md" <<EOF
$(bench_results_head "liaison and wrk")
| versions | $(bench_versions); wrk $WRK_V; $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/SQLite /') |
| liaison | \`liaison serve --db D --data-dir D --web-dir W --listen 127.0.0.1:PORT ${SERVE_FLAGS[*]}\` on a fresh \`liaison init\` + \`liaison demo\` database |
| activities | made through the API as the demo's staff account before each run as needed: kind other, $SEATS seats, station $STATION ($STATION_NAME), $DAY 19:00-21:00 Beijing time; $BENCH_ACTIVITIES in all |
| load | \`wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency -s bench/bookings.lua --timeout $WRK_TIMEOUT URL\` - ${WARMUP} s warm-up per target, then $ROUNDS rounds of spread, contention in turn |
| request | \`POST /api/v1/activities/ID/bookings\` {"topic": the same ${#TOPIC} characters, "phone": "13", wrk's thread (2 digits), the thread's count of requests (7 digits)}: a phone of its own for every request; answered 201 with the booking's code and the activity, after the commit |
| spread | $CONNS lanes, one per connection (each wrk thread sends its requests to its own lanes in turn); a lane books one activity until a 201 says at most $MARGIN seats are left, then the next |
| contention | one lane: every connection books the same activity, moving on to the next when a 201 says at most $MARGIN seats are left (more than can be in flight, so few if any should answer 409 full; a wrk thread that got none of those 201s moves on at its first 409 full) |
| answers | a 201, or a 409 full (counted, and not a booking: $FULL in the whole run); anything else, a timeout or a dropped connection refuses the run. Bookings/s counts the 201s |
| checks after the rounds | every one of the $ACKED_ALL bookings acknowledged (the 201s of every wrk run, warm-up included, and one with curl) is in the database by its code, confirmed; it holds $STORED bookings of this run ($UNANSWERED more than acknowledged: requests in flight when a wrk run stopped, at most $CONNS per run); for every activity \`booked\` equals its bookings (confirmed ones for the $BENCH_ACTIVITIES of the benchmark, $FILLED of them filled to within $MARGIN seats, the fullest at $FULLEST), and none is over capacity (sqlite3 on the server's database) |

| target | median bookings/s | p50 latency (median of the rounds) | p99 latency (median of the rounds) | ratio to spread (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---:|---:|---:|---:|---|---:|
| spread: one activity per connection | $M_S | $S_P50 ms | $S_P99 ms | 1.00x | | |
| contention: every request the same activity | $M_C | $C_P50 ms | $C_P99 ms | **${RC}x** | $(range "${R_LIST[@]}") | $(ratio "$M_C" "$M_S")x |

Every round:

| round | spread bookings/s | spread p50 | spread p99 | contention bookings/s | contention p50 | contention p99 | contention / spread |
|---:|---:|---:|---:|---:|---:|---:|---:|
${ROWS_MD%$'\n'}
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" bookings-bench "$TMP/results.md" \
    "## The booking benchmark (\`bench/bookings.sh\`)"
