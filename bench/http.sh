#!/usr/bin/env bash
# HTTP benchmark: liaison against nginx on loopback, in one run, with the same body.
#
# Three targets, measured with wrk in interleaved rounds so drift on a noisy machine hits all
# three alike:
#   nginx          nginx serving bench.json (a copy of GET /api/v1/meta's body) - the baseline
#   liaison-static liaison serving the same bench.json from --web-dir (h2o's file handler)
#   liaison-json   liaison answering GET /api/v1/meta (router, policy, jansson)
# It prints requests/s for each and the ratios to nginx, and rewrites the results block of
# docs/PERFORMANCE.md (between <!-- http-bench:begin --> and <!-- http-bench:end -->).
#
# It builds nothing: `make bench` builds first. Loopback only; every process it starts is
# stopped by the EXIT trap, and every wrk run is bounded by `timeout`.
#
# Settings (environment):
#   LIAISON_BIN           the binary (default build/liaison)
#   BENCH_SECONDS         measured seconds per wrk run (10)
#   BENCH_WARMUP          warm-up seconds per target before the rounds (2)
#   BENCH_ROUNDS          rounds; each measures all three targets (3)
#   BENCH_THREADS         wrk threads (2)
#   BENCH_CONNS           wrk connections (64)
#   BENCH_SERVER_THREADS  liaison event loops and nginx workers (default: nproc)
#   BENCH_WRITE_DOC       1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
CORES=$(nproc)
SERVER_THREADS=${BENCH_SERVER_THREADS:-$CORES}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
DOC=$ROOT/docs/PERFORMANCE.md
BEGIN_MARK='<!-- http-bench:begin -->'
END_MARK='<!-- http-bench:end -->'

die() {
    echo "bench/http.sh: $*" >&2
    exit 1
}

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi
[ $# -eq 0 ] || die "takes no arguments (see --help)"

for pair in BENCH_SECONDS:SECONDS_PER_RUN BENCH_WARMUP:WARMUP BENCH_ROUNDS:ROUNDS BENCH_THREADS:WRK_THREADS \
    BENCH_CONNS:CONNS BENCH_SERVER_THREADS:SERVER_THREADS; do
    n=${pair#*:}
    if ! [[ ${!n} =~ ^[0-9]+$ ]] || [ "${!n}" -lt 1 ]; then
        die "${pair%%:*} must be a whole number >= 1, got '${!n}'"
    fi
done
[ "$CONNS" -ge "$WRK_THREADS" ] || die "BENCH_CONNS ($CONNS) must be at least BENCH_THREADS ($WRK_THREADS)"

# ---- what we need ----

[ -x "$BIN" ] || die "no liaison binary at $BIN; build it first (\`make bench\` builds, then runs this)"
command -v wrk >/dev/null || die "wrk is missing; install it with scripts/deps.sh (Debian package wrk)"
NGINX=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx) ||
    die "nginx is missing; install it with scripts/deps.sh (Debian package nginx-light)"
command -v curl >/dev/null || die "curl is missing; install it with scripts/deps.sh"

# Settings from the caller's environment must not change what is measured.
while IFS= read -r v; do
    [ "$v" = LIAISON_BIN ] || unset "$v"
done < <(compgen -e | grep '^LIAISON_' || true)

# The build type, when the binary sits in a cmake build directory.
BUILD_TYPE=unknown
SANITIZED=unknown
CACHE=$(dirname "$BIN")/CMakeCache.txt
if [ -f "$CACHE" ]; then
    BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$CACHE")
    SANITIZED=$(sed -n 's/^LIAISON_SANITIZE:BOOL=//p' "$CACHE")
    BUILD_TYPE=${BUILD_TYPE:-none}
    SANITIZED=${SANITIZED:-OFF}
fi
case "$BUILD_TYPE/$SANITIZED" in
Release/OFF | RelWithDebInfo/OFF | MinSizeRel/OFF) ;;
*) echo "bench/http.sh: warning: $BIN is a '$BUILD_TYPE' build (sanitizers: $SANITIZED);" \
    "its figures understate liaison. \`make bench\` builds RelWithDebInfo." >&2 ;;
esac

# ---- temp dir and clean-up ----

TMP=$(mktemp -d "${TMPDIR:-/tmp}/liaison-bench.XXXXXX")
PIDS=()
WRK_PID=""
cleanup() {
    local pid t
    if [ -n "$WRK_PID" ]; then
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for ((t = 0; t < 50; t++)); do # up to 5 s each, then SIGKILL
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on, outside the kernel's ephemeral range (where tests take theirs).
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 10000))
        [ "$p" != "${1:-}" ] || continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free loopback port found"
}

# Polls url until it answers 200, or the process dies, or 10 s pass.
wait_for() {
    local url=$1 pid=$2 log=$3 deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "server for $url exited"; }
        curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
        sleep 0.05
    done
    tail -n 20 "$log" >&2
    die "$url did not answer within 10 s"
}

# Dies with the server's exit status and the end of its log if either server has stopped.
declare -A SERVER_LOG SERVER_NAME
check_servers() {
    local pid rc
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && continue
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        echo "bench/http.sh: ${SERVER_NAME[$pid]} (pid $pid) stopped during the run," \
            "exit status $rc$( ((rc > 128)) && echo " (signal $((rc - 128)))"); the end of its log:" >&2
        tail -n 30 "${SERVER_LOG[$pid]}" >&2
        die "a server stopped during the run; figures not recorded"
    done
}

# ---- liaison ----

mkdir -p "$TMP/web" "$TMP/data"
"$BIN" init --db "$TMP/liaison.db" --data-dir "$TMP/data" >"$TMP/init.log" 2>&1 ||
    { cat "$TMP/init.log" >&2; die "liaison init failed"; }
"$BIN" demo --db "$TMP/liaison.db" --data-dir "$TMP/data" >"$TMP/demo.log" 2>&1 ||
    { cat "$TMP/demo.log" >&2; die "liaison demo failed"; }

LPORT=$(free_port)
SERVE_FLAGS=(--rate-limits=off --access-log=off "--threads=$SERVER_THREADS")
[ "$CONNS" -le 240 ] || SERVE_FLAGS+=("--max-conns-per-ip=$((CONNS + 16))")
"$BIN" serve --db "$TMP/liaison.db" --data-dir "$TMP/data" --web-dir "$TMP/web" \
    --listen "127.0.0.1:$LPORT" "${SERVE_FLAGS[@]}" >"$TMP/liaison.out" 2>"$TMP/liaison.err" &
LPID=$!
PIDS+=("$LPID")
SERVER_LOG[$LPID]=$TMP/liaison.err
SERVER_NAME[$LPID]=liaison
wait_for "http://127.0.0.1:$LPORT/healthz" "$LPID" "$TMP/liaison.err"

# The body of the JSON route, byte for byte, becomes the static file both servers serve.
curl -fsS --max-time 5 -o "$TMP/web/bench.json" "http://127.0.0.1:$LPORT/api/v1/meta" ||
    die "GET /api/v1/meta failed"
BODY_BYTES=$(wc -c <"$TMP/web/bench.json")

# ---- nginx ----

NPORT=$(free_port "$LPORT")
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user $(id -un) $(id -gn);" # else workers would run as nobody
sed -e "s|@PREFIX@|$TMP|g" -e "s|@PORT@|$NPORT|g" -e "s|@WORKERS@|$SERVER_THREADS|g" \
    -e "s|@WEB_DIR@|$TMP/web|g" -e "s|@USER_LINE@|$USER_LINE|g" \
    "$ROOT/bench/nginx.conf.in" >"$TMP/nginx.conf"
"$NGINX" -q -t -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" >"$TMP/nginx-test.log" 2>&1 ||
    { cat "$TMP/nginx-test.log" "$TMP/nginx-error.log" >&2 2>/dev/null; die "nginx rejects $TMP/nginx.conf"; }
"$NGINX" -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" >"$TMP/nginx.out" 2>&1 &
NPID=$!
PIDS+=("$NPID")
SERVER_LOG[$NPID]=$TMP/nginx-error.log
SERVER_NAME[$NPID]=nginx
wait_for "http://127.0.0.1:$NPORT/bench.json" "$NPID" "$TMP/nginx-error.log"

# ---- same bytes from all three ----

declare -A URL=(
    [nginx]="http://127.0.0.1:$NPORT/bench.json"
    [liaison-static]="http://127.0.0.1:$LPORT/bench.json"
    [liaison-json]="http://127.0.0.1:$LPORT/api/v1/meta"
)
TARGETS=(nginx liaison-static liaison-json)
declare -A HEADER_BYTES CTYPE
for t in "${TARGETS[@]}"; do
    curl -fsS --max-time 5 -D "$TMP/$t.headers" -o "$TMP/$t.body" "${URL[$t]}" || die "GET ${URL[$t]} failed"
    cmp -s "$TMP/web/bench.json" "$TMP/$t.body" ||
        die "${URL[$t]} answers a different body than GET /api/v1/meta; not measuring"
    HEADER_BYTES[$t]=$(wc -c <"$TMP/$t.headers")
    CTYPE[$t]=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$TMP/$t.headers" | tr -d '\r')
done

# ---- measuring ----

WRK_ARGS=(-t"$WRK_THREADS" -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency)

# run_wrk TARGET SECONDS OUT: one bounded wrk run; refuses results with errors in the answers.
run_wrk() {
    local target=$1 secs=$2 out=$3
    local rc=0
    # in the background, so that a signal to this script is handled at once (bash runs traps
    # only between commands, and `wait` is one); timeout passes the signal on to wrk
    timeout -k 5 $((secs + 30)) wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --latency "${URL[$target]}" \
        >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    check_servers
    [ "$rc" -eq 0 ] || { cat "$out" >&2; die "wrk against $target failed"; }
    if grep -q 'Socket errors:.*\(read\|write\) [1-9]' "$out"; then
        cat "$out" >&2
        die "$target dropped connections under load; figures would be meaningless"
    fi
    if grep -q 'Non-2xx or 3xx responses' "$out"; then
        cat "$out" >&2
        die "$target answered errors under load; figures would be meaningless"
    fi
}

# field FILE: requests/s, average latency, p99 latency, socket errors from wrk's output.
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
avg_of() { awk '$1 == "Latency" {print $2; exit}' "$1"; }
p99_of() { awk '$1 == "99%" {print $2}' "$1"; }
errors_of() { sed -n 's/^ *Socket errors: *//p' "$1"; }

# median FORMAT NUMBER...
median() {
    local format=$1
    shift
    printf '%s\n' "$@" | sort -g | awk -v f="$format" '{v[NR] = $1} END {
        if (NR % 2) printf f, v[(NR + 1) / 2]; else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT, nginx on 127.0.0.1:$NPORT," \
    "body $BODY_BYTES bytes; $ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for t in "${TARGETS[@]}"; do
    echo "  warm-up $t (${WARMUP} s)"
    run_wrk "$t" "$WARMUP" "$TMP/warmup-$t.txt"
done

declare -A RPS_LIST
ROWS=""
RATIOS_STATIC=()
RATIOS_JSON=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
for ((r = 1; r <= ROUNDS; r++)); do
    declare -A THIS=()
    for t in "${TARGETS[@]}"; do
        out=$TMP/round$r-$t.txt
        run_wrk "$t" "$SECONDS_PER_RUN" "$out"
        rps=$(rps_of "$out")
        [ -n "$rps" ] || { cat "$out" >&2; die "no Requests/sec in wrk's output for $t"; }
        THIS[$t]=$rps
        RPS_LIST[$t]="${RPS_LIST[$t]:-} $rps"
        errs=$(errors_of "$out")
        printf '  round %d  %-15s %12.0f req/s  avg %-8s p99 %-8s%s\n' "$r" "$t" "$rps" "$(avg_of "$out")" \
            "$(p99_of "$out")" "${errs:+  socket errors: $errs}"
        if [ "$t" = nginx ]; then in_round=1.00; else in_round=$(ratio "$rps" "${THIS[nginx]}"); fi
        ROWS+="| $r | $t | $(printf '%.0f' "$rps") | ${in_round}x | $(avg_of "$out") | $(p99_of "$out") | ${errs:-none} |"$'\n'
    done
    RATIOS_STATIC+=("$(ratio "${THIS[liaison-static]}" "${THIS[nginx]}")")
    RATIOS_JSON+=("$(ratio "${THIS[liaison-json]}" "${THIS[nginx]}")")
    unset THIS
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Liaison must still be healthy after the load, and must not have logged errors.
curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$LPORT/healthz" || die "liaison is unhealthy after the run"

declare -A MED
for t in "${TARGETS[@]}"; do
    # shellcheck disable=SC2086 # the list is space-separated numbers
    MED[$t]=$(median %.0f ${RPS_LIST[$t]})
done
# The ratios: the median of each round's ratio, since a round's three runs are a minute apart
# and share that minute's load; the ratio of the medians is shown beside them.
R_STATIC=$(median %.2f "${RATIOS_STATIC[@]}")
R_JSON=$(median %.2f "${RATIOS_JSON[@]}")
M_STATIC=$(ratio "${MED[liaison-static]}" "${MED[nginx]}")
M_JSON=$(ratio "${MED[liaison-json]}" "${MED[nginx]}")

echo
printf 'median requests/s  nginx %s   liaison static %s   liaison JSON route %s\n' \
    "${MED[nginx]}" "${MED[liaison-static]}" "${MED[liaison-json]}"
range() { printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd- | sed 's/-/x to /; s/$/x/'; }
printf 'liaison static / nginx      = %sx (median of the rounds; they ranged %s)\n' \
    "$R_STATIC" "$(range "${RATIOS_STATIC[@]}")"
printf 'liaison JSON route / nginx  = %sx (median of the rounds; they ranged %s)\n' \
    "$R_JSON" "$(range "${RATIOS_JSON[@]}")"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

MODEL=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
GIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
WRK_CMD="wrk ${WRK_ARGS[*]} URL"
NGINX_V=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
WRK_V=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)

cat >"$TMP/results.md" <<EOF
Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), written by \`bench/http.sh\`.

| | |
|---|---|
| machine | nproc $CORES, ${MODEL:-unknown model}, Linux $(uname -r) |
| shared cores | the servers and wrk run on the same $CORES cores, so each figure is what is left after wrk takes its share |
| other load | load average $LOAD_BEFORE before the run, $LOAD_AFTER after it (1, 5, 15 min; the benchmark itself adds about 2) |
| versions | $("$BIN" --version) (git $GIT, cmake build type $BUILD_TYPE, sanitizers $SANITIZED); $NGINX_V; wrk $WRK_V |
| liaison | \`liaison serve --db D --data-dir D --web-dir W --listen 127.0.0.1:PORT ${SERVE_FLAGS[*]}\` |
| nginx | \`nginx -c nginx.conf -p TMP\` from \`bench/nginx.conf.in\`: worker_processes $SERVER_THREADS, access_log off, default_type application/json, sendfile off with open_file_cache, listen reuseport, keepalive_requests 1000000 |
| load | \`$WRK_CMD\` - ${WARMUP} s warm-up per target, then $ROUNDS rounds of nginx, liaison-static, liaison-json in turn |
| body | $BODY_BYTES bytes, identical from all three URLs (checked with cmp before measuring); Content-Type ${CTYPE[nginx]} (nginx), ${CTYPE[liaison-static]} (liaison static), ${CTYPE[liaison-json]} (liaison JSON) |
| response headers | nginx ${HEADER_BYTES[nginx]} bytes, liaison static ${HEADER_BYTES[liaison-static]} bytes, liaison JSON ${HEADER_BYTES[liaison-json]} bytes (status line included) |

| target | URL | median requests/s | ratio to nginx (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---|---:|---:|---|---:|
| nginx | \`/bench.json\` | ${MED[nginx]} | 1.00x | | |
| liaison, static file | \`/bench.json\` | ${MED[liaison-static]} | **${R_STATIC}x** | $(range "${RATIOS_STATIC[@]}") | ${M_STATIC}x |
| liaison, JSON route | \`/api/v1/meta\` | ${MED[liaison-json]} | **${R_JSON}x** | $(range "${RATIOS_JSON[@]}") | ${M_JSON}x |

Every round:

| round | target | requests/s | ratio to nginx in this round | avg latency | p99 latency | socket errors |
|---:|---|---:|---:|---:|---:|---|
${ROWS%$'\n'}
EOF

[ -f "$DOC" ] || die "$DOC is missing"
if grep -qxF "$BEGIN_MARK" "$DOC" && grep -qxF "$END_MARK" "$DOC"; then
    awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v block="$TMP/results.md" '
        $0 == begin { print; while ((getline line < block) > 0) print line; skipping = 1; next }
        $0 == end { skipping = 0 }
        !skipping { print }' "$DOC" >"$TMP/doc.new"
else
    { cat "$DOC"; printf '\n%s\n' "$BEGIN_MARK"; cat "$TMP/results.md"; printf '%s\n' "$END_MARK"; } >"$TMP/doc.new"
fi
cat "$TMP/doc.new" >"$DOC"
echo "wrote the results to ${DOC#"$ROOT"/}"
