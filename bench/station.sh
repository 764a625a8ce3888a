#!/usr/bin/env bash
# Station page benchmark: the public read behind a station's page (the page a constituent opens
# from the station's QR code), GET /api/v1/stations/ID, against nginx serving the same bytes as
# a static file, in one run.
#
# Two targets, measured with wrk in interleaved rounds so drift on a noisy machine hits both
# alike:
#   nginx            nginx serving station.json, a copy of the station's body - the baseline
#   liaison-station  liaison answering GET /api/v1/stations/ID (router, policy, the station row
#                    with its region name, hub, liaison points and deputies from SQLite, jansson)
# The station is the first one GET /api/v1/stations?region=CODE&limit=1 lists: in the demo
# county, its 人大代表之家. It prints requests/s for both and the ratio to nginx (goal: at least
# 0.8x), and rewrites the results block of docs/PERFORMANCE.md (between
# <!-- station-bench:begin --> and <!-- station-bench:end -->).
#
# It builds nothing: `make bench` builds first. Loopback only; every process it starts is
# stopped by the EXIT trap, and every wrk run is bounded by `timeout`.
#
# Settings (environment):
#   LIAISON_BIN           the binary (default build/liaison)
#   BENCH_REGION          the region whose first station is read (320623000000, the demo county)
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
REGION=${BENCH_REGION:-320623000000}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
SERVER_THREADS=${BENCH_SERVER_THREADS:-$(nproc)}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
GOAL=0.8
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_args "$@"
bench_whole_numbers BENCH_SECONDS:SECONDS_PER_RUN BENCH_WARMUP:WARMUP BENCH_ROUNDS:ROUNDS \
    BENCH_THREADS:WRK_THREADS BENCH_CONNS:CONNS BENCH_SERVER_THREADS:SERVER_THREADS
[ "$CONNS" -ge "$WRK_THREADS" ] || die "BENCH_CONNS ($CONNS) must be at least BENCH_THREADS ($WRK_THREADS)"
[[ $REGION =~ ^[0-9]{12}$ ]] || die "BENCH_REGION must be a 12-digit region code, got '$REGION'"
bench_need_binary
bench_need_http_tools
bench_tmp

# ---- the servers, and the same bytes from both URLs ----

bench_start_liaison "$TMP/web"
BASE=http://127.0.0.1:$LPORT
curl -fsS --max-time 5 -o "$TMP/list.json" "$BASE/api/v1/stations?region=$REGION&limit=1" ||
    die "GET /api/v1/stations?region=$REGION&limit=1 failed"
STATION=$(sed -n 's/^{"items":\[{"id":\([0-9][0-9]*\),.*/\1/p' "$TMP/list.json")
[ -n "$STATION" ] || die "no station in region $REGION: GET /api/v1/stations answered $(head -c 200 "$TMP/list.json")"
# The station's body, byte for byte, is the file nginx serves.
curl -fsS --max-time 5 -o "$TMP/web/station.json" "$BASE/api/v1/stations/$STATION" ||
    die "GET /api/v1/stations/$STATION failed"
BODY_BYTES=$(wc -c <"$TMP/web/station.json")
NAME=$(sed -n 's/^{"id":[0-9]*,"name":"\([^"]*\)".*/\1/p' "$TMP/web/station.json")
DEPUTIES=$(grep -o '"deputies":\[[^]]*\]' "$TMP/web/station.json" | grep -o '"id":' | grep -c '' || true)
SPOKES=$(grep -o '"spokes":\[[^]]*\]' "$TMP/web/station.json" | grep -o '"id":' | grep -c '' || true)
bench_start_nginx "$TMP/web" station.json

TARGETS=(nginx liaison-station)
URL=(
    [nginx]="http://127.0.0.1:$NPORT/station.json"
    [liaison-station]="$BASE/api/v1/stations/$STATION"
)
bench_same_body "$TMP/web/station.json" "GET /api/v1/stations/$STATION"

# ---- measuring ----

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT, nginx on 127.0.0.1:$NPORT;" \
    "station $STATION ${NAME:-?}, body $BODY_BYTES bytes; $ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
bench_rounds

# Liaison must still answer the same bytes after the load.
curl -fsS --max-time 5 -o "$TMP/after.json" "$BASE/api/v1/stations/$STATION" ||
    die "liaison no longer answers GET /api/v1/stations/$STATION after the run"
cmp -s "$TMP/web/station.json" "$TMP/after.json" || die "the station's body changed during the run; figures not recorded"

bench_print_summary nginx "liaison station page"
R=${R_MED[liaison-station]}
if awk -v r="$R" -v g="$GOAL" 'BEGIN {exit !(r >= g)}'; then
    VERDICT="meets the goal of ${GOAL}x"
else
    VERDICT="below the goal of ${GOAL}x"
fi
echo "station page: ${R}x nginx, $VERDICT"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

# shellcheck disable=SC2086 # RATIOS[t] are space-separated numbers
cat >"$TMP/results.md" <<EOF
Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), written by \`bench/station.sh\`.

| | |
|---|---|
$(bench_http_rows)
| station | id $STATION, ${NAME:-?} (the first station \`GET /api/v1/stations?region=$REGION&limit=1\` lists), with $DEPUTIES deputies and $SPOKES liaison points |
| body | $BODY_BYTES bytes, identical from both URLs (checked with cmp before measuring, and liaison's again after); Content-Type ${CTYPE[nginx]} (nginx), ${CTYPE[liaison-station]} (liaison) |
| response headers | nginx ${HEADER_BYTES[nginx]} bytes, liaison ${HEADER_BYTES[liaison-station]} bytes (status line included) |

| target | URL | median requests/s | ratio to nginx (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---|---:|---:|---|---:|
| nginx | \`/station.json\` | ${MED[nginx]} | 1.00x | | |
| liaison, station page | \`/api/v1/stations/$STATION\` | ${MED[liaison-station]} | **${R}x** ($VERDICT) | $(range ${RATIOS[liaison-station]}) | ${R_OF_MEDS[liaison-station]}x |

Every round:

$(bench_round_table)
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" station-bench "$TMP/results.md" "## The station page benchmark (\`bench/station.sh\`)"
