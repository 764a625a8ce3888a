#!/usr/bin/env bash
# Opinion submission benchmark: durable public submissions per second - a constituent's message
# to a station, POST /api/v1/opinions, acknowledged with a 201 only once it is committed - against
# two ceilings measured in the same run.
#
# Three targets, measured in interleaved rounds so drift on a noisy machine hits all alike:
#   nginx    the HTTP ceiling: nginx answering the same POST, with the same request body, with a
#            fixed 201 and the bytes liaison answered the first submission with (`return 201`)
#   liaison  liaison answering POST /api/v1/opinions (JSON parse, checks against the registry,
#            the phone sealed, deadlines from the working-day calendar, then the writer thread:
#            one opinions row and one opinion_events row per submission, group commit, fsync)
#   C loop   the database ceiling: bench/insert_baseline.c, compiled here, inserting the same two
#            rows per submission with the same SQL into a fresh copy of a database of the same
#            schema (`liaison init` + `liaison demo`), WAL and synchronous=FULL as the server,
#            BENCH_BATCH submissions per transaction, for as many seconds as a wrk run
# nginx and liaison get wrk with bench/opinions.lua: the same JSON body (a station of
# BENCH_REGION, the first GET /api/v1/stations?region=CODE&limit=1 lists; category traffic; a
# hundred Chinese characters; a mobile number) on every request, and any answer other than a 201
# refuses the run. It prints requests/s with p50 and p99 latency, the C loop's submissions/s,
# the ratios liaison / nginx (goal: at least 0.3x) and liaison / C loop, and C loop / nginx (the
# database ceiling against the HTTP ceiling), and rewrites the results block of
# docs/PERFORMANCE.md (between <!-- opinions-bench:begin --> and <!-- opinions-bench:end -->).
#
# After the rounds it checks durability: the tracking code of every 201 wrk received against
# liaison must be in the database (each with its 'register' event), and the database may hold no
# more than those plus the requests still in flight when each wrk run stopped; then that liaison
# still answers /healthz and one more submission.
#
# It does not build liaison (`make bench` builds first); it compiles the C loop with cc into its
# temp directory. Loopback only; every process it starts is stopped by the EXIT trap, and every
# run is bounded by `timeout`.
#
# Settings (environment):
#   LIAISON_BIN           the binary (default build/liaison)
#   BENCH_REGION          the region whose first station gets the messages (320623000000)
#   BENCH_SECONDS         measured seconds per run (10)
#   BENCH_WARMUP          warm-up seconds per target before the rounds (2)
#   BENCH_ROUNDS          rounds; each measures all three targets (3)
#   BENCH_THREADS         wrk threads (2)
#   BENCH_CONNS           wrk connections (64)
#   BENCH_SERVER_THREADS  liaison event loops and nginx workers (default: nproc)
#   BENCH_BATCH           submissions per transaction in the C loop (100)
#   BENCH_WRITE_DOC       1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
REGION=${BENCH_REGION:-320623000000}
BATCH=${BENCH_BATCH:-100}
GOAL=0.3
# a hundred characters, as a constituent would write them
CONTENT='掘港街道人民路与青园路交叉口早晚高峰车辆拥堵严重，红绿灯配时过短，行人和电动自行车抢行现象突出，存在安全隐患。建议交警部门优化信号灯配时，增设行人过街安全岛和非机动车隔离护栏，上下学时段安排人员疏导。'
PHONE=13812345678
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
bench_whole_numbers BENCH_BATCH:BATCH
[[ $REGION =~ ^[0-9]{12}$ ]] || die "BENCH_REGION must be a 12-digit region code, got '$REGION'"
bench_need_binary
bench_need_http_tools
for tool in cc sqlite3 jq; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs it)"
done
bench_tmp

# ---- the C loop, and the database it writes into ----

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -o "$TMP/insert_baseline" "$ROOT/bench/insert_baseline.c" \
    -lsqlite3 2>"$TMP/cc.log" || { cat "$TMP/cc.log" >&2; die "cannot compile bench/insert_baseline.c (needs libsqlite3-dev)"; }

# the C loop's database, of which each run gets a fresh copy; every submission's two deadlines
# are counted with the working-day calendar
bench_new_database "$TMP/cloop/liaison.db" "$TMP/cloop"
bench_import_calendar "$TMP/cloop/liaison.db"

# ---- the servers ----

bench_start_liaison "$TMP/web"
bench_import_calendar "$TMP/liaison.db" # before the first submission; the server reads it on every one
BASE=http://127.0.0.1:$LPORT
curl -fsS --max-time 5 -o "$TMP/list.json" "$BASE/api/v1/stations?region=$REGION&limit=1" ||
    die "GET /api/v1/stations?region=$REGION&limit=1 failed"
STATION=$(jq -r '.items[0].id // empty' "$TMP/list.json")
[ -n "$STATION" ] || die "no station in region $REGION: GET /api/v1/stations answered $(head -c 200 "$TMP/list.json")"
STATION_REGION=$(jq -r '.items[0].region' "$TMP/list.json")
STATION_NAME=$(jq -r '.items[0].name' "$TMP/list.json")
jq -cn --argjson station "$STATION" --arg region "$STATION_REGION" --arg content "$CONTENT" --arg phone "$PHONE" \
    '{station_id: $station, category: "traffic", region: $region, content: $content, phone: $phone}' \
    >"$TMP/body.json"
BODY_BYTES=$(wc -c <"$TMP/body.json")
CHARS=$(jq -r '.content | length' "$TMP/body.json")

# post URL OUT: one submission with curl; dies unless it is answered 201. Sets POST_HEADERS.
post() {
    local code
    code=$(curl -sS --max-time 10 -H 'Content-Type: application/json' --data-binary "@$TMP/body.json" \
        -D "$TMP/post.headers" -o "$2" -w '%{http_code}' "$1") || die "POST $1 failed"
    [ "$code" = 201 ] || die "POST $1 answered $code: $(head -c 300 "$2")"
    POST_HEADERS=$(wc -c <"$TMP/post.headers")
}

# What the demo left: the durability check counts only what comes after.
DEMO_ROWS=$(sqlite3 "$TMP/liaison.db" "SELECT count(*) FROM opinions")
DEMO_MAX_ID=$(sqlite3 "$TMP/liaison.db" "SELECT coalesce(max(id), 0) FROM opinions")

# The first submission: its answer is what nginx answers every POST with, and its row is what
# the C loop copies.
post "$BASE/api/v1/opinions" "$TMP/first.json"
FIRST_CODE=$(jq -r .tracking_code "$TMP/first.json")
L_HEADER_BYTES=$POST_HEADERS
RESPONSE=$(cat "$TMP/first.json")
jq -e '.tracking_code and .state == "registered" and .triage_due and .answer_due' "$TMP/first.json" >/dev/null ||
    die "the first submission's answer is not what the benchmark expects: $RESPONSE"
case $RESPONSE in *"'"* | *"\\"* | *'$'*) die "liaison's answer can't go into nginx's return: $RESPONSE" ;; esac

# nginx: the same location, answered with a fixed 201. A `return` never reads the body into a
# buffer: nginx discards it (it usually came in the same read as the headers), so
# client_body_buffer_size only says what nginx would keep if something read it.
cat >"$TMP/nginx-opinions.conf" <<EOF
location = /api/v1/opinions {
    client_body_buffer_size 16k;
    return 201 '$RESPONSE';
}
EOF
echo ok >"$TMP/web/ready.txt"
bench_start_nginx "$TMP/web" ready.txt "$TMP/nginx-opinions.conf"
post "http://127.0.0.1:$NPORT/api/v1/opinions" "$TMP/nginx.json"
N_HEADER_BYTES=$POST_HEADERS
cmp -s "$TMP/first.json" "$TMP/nginx.json" || die "nginx answers other bytes than liaison's first answer"

URL=(
    [nginx]="http://127.0.0.1:$NPORT/api/v1/opinions"
    [liaison]="$BASE/api/v1/opinions"
)
WRK_TIMEOUT=10s
WRK_FLAGS=(-s "$ROOT/bench/opinions.lua" --timeout "$WRK_TIMEOUT")
export BENCH_OPINION_BODY=$TMP/body.json

# ---- measuring ----

ACKED=0        # 201s wrk received from liaison, warm-ups included
LIAISON_RUNS=0 # wrk runs against liaison: each may leave up to CONNS submissions unanswered
mkdir -p "$TMP/codes"

# measure TARGET SECONDS OUT: one wrk run (run_wrk in bench/lib.sh), then the script's counts;
# for liaison, the tracking codes of its 201s go to $TMP/codes.
measure() {
    local target=$1 out=$3 created other requests
    if [ "$target" = liaison ]; then
        LIAISON_RUNS=$((LIAISON_RUNS + 1))
        BENCH_OPINION_CODES=$TMP/codes/run$LIAISON_RUNS run_wrk "$target" "$2" "$out"
    else
        run_wrk "$target" "$2" "$out"
    fi
    created=$(sed -n 's/^201 responses: //p' "$out")
    other=$(sed -n 's/^non-201 responses: //p' "$out")
    requests=$(requests_of "$out")
    if [ -z "$created" ] || [ "$other" != 0 ] || [ "$requests" != "$created" ]; then
        cat "$out" >&2
        die "$target: $requests answers, ${created:-?} of them 201s; only 201s may count"
    fi
    refuse_timeouts "$target" "$out"
    [ "$target" != liaison ] || ACKED=$((ACKED + created))
}

# cloop SECONDS OUT: the C loop on a fresh copy of its database. Sets CLOOP_RATE.
cloop() {
    local rc=0
    rm -f "$TMP"/cloop-run.db*
    cp "$TMP/cloop/liaison.db" "$TMP/cloop-run.db"
    # in the background like wrk, so that a signal is handled at once; the trap stops it
    timeout -k 5 $(($1 + 60)) "$TMP/insert_baseline" "$TMP/liaison.db" "$FIRST_CODE" "$TMP/cloop-run.db" "$1" \
        "$BATCH" >"$2" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    [ "$rc" -eq 0 ] || { cat "$2" >&2; die "the C loop failed"; }
    CLOOP_RATE=$(awk '$1 == "submissions" {print $6}' "$2")
    [ -n "$CLOOP_RATE" ] || { cat "$2" >&2; die "no rate in the C loop's output"; }
    rm -f "$TMP"/cloop-run.db*
}

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT, nginx on 127.0.0.1:$NPORT;" \
    "station $STATION ${STATION_NAME}, body $BODY_BYTES bytes ($CHARS characters of content);" \
    "$ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "  warm-up nginx, liaison, C loop (${WARMUP} s each)"
measure nginx "$WARMUP" "$TMP/warmup-nginx.txt"
measure liaison "$WARMUP" "$TMP/warmup-liaison.txt"
cloop "$WARMUP" "$TMP/warmup-cloop.txt"

declare -a N_RPS L_RPS C_RATE R_NGINX R_CLOOP R_CEIL L_P50 L_P99 N_P50 N_P99
ROWS_MD=""
for ((r = 1; r <= ROUNDS; r++)); do
    measure nginx "$SECONDS_PER_RUN" "$TMP/round$r-nginx.txt"
    measure liaison "$SECONDS_PER_RUN" "$TMP/round$r-liaison.txt"
    cloop "$SECONDS_PER_RUN" "$TMP/round$r-cloop.txt"
    n=$TMP/round$r-nginx.txt l=$TMP/round$r-liaison.txt
    N_RPS+=("$(rps_of "$n")") L_RPS+=("$(rps_of "$l")") C_RATE+=("$CLOOP_RATE")
    R_NGINX+=("$(ratio "${L_RPS[-1]}" "${N_RPS[-1]}")") R_CLOOP+=("$(ratio "${L_RPS[-1]}" "$CLOOP_RATE")")
    R_CEIL+=("$(ratio "$CLOOP_RATE" "${N_RPS[-1]}")") # the database ceiling against the HTTP ceiling
    N_P50+=("$(to_ms "$(p50_of "$n")")") N_P99+=("$(to_ms "$(p99_of "$n")")")
    L_P50+=("$(to_ms "$(p50_of "$l")")") L_P99+=("$(to_ms "$(p99_of "$l")")")
    printf '  round %d  nginx %8.0f req/s (p50 %s, p99 %s)  liaison %7.0f req/s (p50 %s, p99 %s)  C loop %7.0f/s' \
        "$r" "${N_RPS[-1]}" "$(p50_of "$n")" "$(p99_of "$n")" "${L_RPS[-1]}" "$(p50_of "$l")" "$(p99_of "$l")" \
        "$CLOOP_RATE"
    printf '  liaison/nginx %sx  liaison/C loop %sx  C loop/nginx %sx\n' "${R_NGINX[-1]}" "${R_CLOOP[-1]}" \
        "${R_CEIL[-1]}"
    ROWS_MD+="| $r | $(printf '%.0f' "${N_RPS[-1]}") | $(p50_of "$n") | $(p99_of "$n") |"
    ROWS_MD+=" $(printf '%.0f' "${L_RPS[-1]}") | $(p50_of "$l") | $(p99_of "$l") | $CLOOP_RATE |"
    ROWS_MD+=" ${R_NGINX[-1]}x | ${R_CLOOP[-1]}x | ${R_CEIL[-1]}x |"$'\n'
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- durability, and liaison's health after the load ----

curl -fsS --max-time 5 -o /dev/null "$BASE/healthz" || die "liaison is unhealthy after the run"
# One more submission: the writer commits in the order it was given work, so once this one is
# acknowledged, whatever wrk left in flight has been committed too (or was never received).
post "$BASE/api/v1/opinions" "$TMP/last.json"
check_servers
jq -r .tracking_code "$TMP/first.json" "$TMP/last.json" >"$TMP/curl-codes.txt"
bench_codes_stored "$TMP/curl-codes.txt" tracking submissions "SELECT tracking_code FROM opinions"
ROWS=$(($(wc -l <"$TMP/stored.txt") - DEMO_ROWS)) # the submissions of this run
EVENTS=$(sqlite3 "$TMP/liaison.db" "SELECT count(*) FROM opinions o WHERE o.id > $DEMO_MAX_ID AND EXISTS
    (SELECT 1 FROM opinion_events e WHERE e.opinion_id = o.id AND e.action = 'register')")
[ "$EVENTS" -eq "$ROWS" ] || die "$ROWS opinions submitted but $EVENTS of them have their 'register' event"
UNANSWERED=$((ROWS - ACKED_ALL))
((UNANSWERED <= CONNS * LIAISON_RUNS)) ||
    die "$ROWS opinions stored, $ACKED_ALL acknowledged: more than the $CONNS a run can leave in flight"
echo "durability: all $ACKED_ALL acknowledged submissions are in the database, each with its event;" \
    "it holds $ROWS submissions of this run ($UNANSWERED more: requests in flight when wrk stopped, at" \
    "most $CONNS per run of $LIAISON_RUNS); liaison still answers /healthz and a submission"

# ---- the summary ----

M_N=$(median %.0f "${N_RPS[@]}") M_L=$(median %.0f "${L_RPS[@]}") M_C=$(median %.0f "${C_RATE[@]}")
RN=$(median %.2f "${R_NGINX[@]}") RC=$(median %.2f "${R_CLOOP[@]}") RCEIL=$(median %.2f "${R_CEIL[@]}")
M_LP50=$(median %.2f "${L_P50[@]}") M_LP99=$(median %.2f "${L_P99[@]}")
M_NP50=$(median %.2f "${N_P50[@]}") M_NP99=$(median %.2f "${N_P99[@]}")
VERDICT=$(verdict "$RN" "$GOAL")
echo
echo "median: nginx $M_N req/s (p50 $M_NP50 ms, p99 $M_NP99 ms); liaison $M_L req/s (p50 $M_LP50 ms," \
    "p99 $M_LP99 ms); C loop $M_C submissions/s"
printf '%-16s = %sx (median of the rounds; they ranged %s), %s\n' "liaison / nginx" "$RN" "$(range "${R_NGINX[@]}")" \
    "$VERDICT"
printf '%-16s = %sx (median of the rounds; they ranged %s)\n' "liaison / C loop" "$RC" "$(range "${R_CLOOP[@]}")"
printf '%-16s = %sx (median of the rounds; they ranged %s): the database ceiling against the HTTP ceiling\n' \
    "C loop / nginx" "$RCEIL" "$(range "${R_CEIL[@]}")"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

WRK_V=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)
cat >"$TMP/results.md" <<EOF
$(bench_results_head "the servers, wrk and the C loop")
| versions | $(bench_versions); $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); wrk $WRK_V; $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/SQLite /') (liaison and the C loop link the same libsqlite3) |
| liaison | \`liaison serve --db D --data-dir D --web-dir W --listen 127.0.0.1:PORT ${SERVE_FLAGS[*]}\` on a fresh \`liaison init\` + \`liaison demo\` database with \`liaison calendar import data/calendar/2026.csv\` |
| nginx | \`bench/nginx.conf.in\` (worker_processes $SERVER_THREADS, access_log off, listen reuseport, keepalive_requests 1000000) with \`location = /api/v1/opinions { client_body_buffer_size 16k; return 201 '<liaison's first answer>'; }\` |
| C loop | \`bench/insert_baseline.c\` (\`cc -O2\`, libsqlite3): one \`opinions\` row and one \`opinion_events\` row per submission with the server's SQL, $BATCH submissions per transaction, WAL, synchronous=FULL, foreign keys on; a fresh copy of an init + demo + calendar database each run |
| load | \`wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency -s bench/opinions.lua --timeout $WRK_TIMEOUT URL\` - ${WARMUP} s warm-up per target, then $ROUNDS rounds of nginx, liaison, C loop in turn; any answer but a 201 refuses the run |
| request | \`POST /api/v1/opinions\`, $BODY_BYTES bytes of JSON: station $STATION (${STATION_NAME}, the first \`GET /api/v1/stations?region=$REGION&limit=1\` lists), category traffic, region $STATION_REGION, $CHARS characters of content, a mobile number |
| response | 201, the same ${#RESPONSE}-byte body from both (nginx's is liaison's first answer, checked with cmp); headers: nginx $N_HEADER_BYTES bytes, liaison $L_HEADER_BYTES bytes |
| durability | every one of the $ACKED_ALL submissions liaison acknowledged (the 201s of every wrk run, warm-up included, and two with curl) is in the database by its tracking code, each with its \`register\` event; the database holds $ROWS submissions of this run besides the demo's $DEMO_ROWS opinions ($UNANSWERED more than acknowledged: requests in flight when a wrk run stopped, at most $CONNS per run) |

| target | median per second | p50 latency (median of the rounds) | p99 latency (median of the rounds) | liaison's ratio to it (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---:|---:|---:|---:|---|---:|
| nginx, fixed 201 | $M_N requests | $M_NP50 ms | $M_NP99 ms | **${RN}x** ($VERDICT) | $(range "${R_NGINX[@]}") | $(ratio "$M_L" "$M_N")x |
| liaison | $M_L submissions | $M_LP50 ms | $M_LP99 ms | | | |
| C loop into SQLite | $M_C submissions | | | **${RC}x** | $(range "${R_CLOOP[@]}") | $(ratio "$M_L" "$M_C")x |

The C loop itself reaches **${RCEIL}x** nginx (median of the rounds; they ranged $(range "${R_CEIL[@]}")): what the same inserts alone reach, $BATCH to a transaction, against what HTTP alone reaches.

Every round:

| round | nginx requests/s | nginx p50 | nginx p99 | liaison submissions/s | liaison p50 | liaison p99 | C loop submissions/s | liaison / nginx | liaison / C loop | C loop / nginx |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${ROWS_MD%$'\n'}
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" opinions-bench "$TMP/results.md" \
    "## The opinion submission benchmark (\`bench/opinions.sh\`)"
