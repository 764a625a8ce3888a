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
GOAL=0.8
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
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

bench_still_same liaison-station "$TMP/web/station.json" "the station's body"
bench_goal liaison-station "station page" "$GOAL"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

cat >"$TMP/results.md" <<EOF
$(bench_results_head)
$(bench_http_rows)
| station | id $STATION, ${NAME:-?} (the first station \`GET /api/v1/stations?region=$REGION&limit=1\` lists), with $DEPUTIES deputies and $SPOKES liaison points |
| body | $BODY_BYTES bytes, identical from both URLs (checked with cmp before measuring, and liaison's again after); Content-Type ${CTYPE[nginx]} (nginx), ${CTYPE[liaison-station]} (liaison) |
| response headers | nginx ${HEADER_BYTES[nginx]} bytes, liaison ${HEADER_BYTES[liaison-station]} bytes (status line included) |

$(bench_goal_table liaison-station /station.json "station page")

Every round:

$(bench_round_table)
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" station-bench "$TMP/results.md" "## The station page benchmark (\`bench/station.sh\`)"
