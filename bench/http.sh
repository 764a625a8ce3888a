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
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_wrk_settings "$@"
bench_need_binary
bench_need_http_tools
bench_tmp

# ---- the servers, and the same bytes from all three URLs ----

bench_start_liaison "$TMP/web"
# The body of the JSON route, byte for byte, becomes the static file both servers serve.
curl -fsS --max-time 5 -o "$TMP/web/bench.json" "http://127.0.0.1:$LPORT/api/v1/meta" ||
    die "GET /api/v1/meta failed"
BODY_BYTES=$(wc -c <"$TMP/web/bench.json")
bench_start_nginx "$TMP/web" bench.json

TARGETS=(nginx liaison-static liaison-json)
URL=(
    [nginx]="http://127.0.0.1:$NPORT/bench.json"
    [liaison-static]="http://127.0.0.1:$LPORT/bench.json"
    [liaison-json]="http://127.0.0.1:$LPORT/api/v1/meta"
)
bench_same_body "$TMP/web/bench.json" "GET /api/v1/meta"

# ---- measuring ----

echo "liaison $("$BIN" --version | awk '{print $NF}') on 127.0.0.1:$LPORT, nginx on 127.0.0.1:$NPORT," \
    "body $BODY_BYTES bytes; $ROUNDS rounds of ${SECONDS_PER_RUN} s per target"
bench_rounds

# Liaison must still be healthy after the load.
curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$LPORT/healthz" || die "liaison is unhealthy after the run"

bench_print_summary nginx "liaison static" "liaison JSON route"

# ---- the results block ----

[ "$WRITE_DOC" = 1 ] || exit 0

# shellcheck disable=SC2086 # RATIOS[t] are space-separated numbers
cat >"$TMP/results.md" <<EOF
$(bench_results_head)
$(bench_http_rows)
| body | $BODY_BYTES bytes, identical from all three URLs (checked with cmp before measuring); Content-Type ${CTYPE[nginx]} (nginx), ${CTYPE[liaison-static]} (liaison static), ${CTYPE[liaison-json]} (liaison JSON) |
| response headers | nginx ${HEADER_BYTES[nginx]} bytes, liaison static ${HEADER_BYTES[liaison-static]} bytes, liaison JSON ${HEADER_BYTES[liaison-json]} bytes (status line included) |

| target | URL | median requests/s | ratio to nginx (median of the rounds' ratios) | range over the rounds | ratio of the medians |
|---|---|---:|---:|---|---:|
| nginx | \`/bench.json\` | ${MED[nginx]} | 1.00x | | |
| liaison, static file | \`/bench.json\` | ${MED[liaison-static]} | **${R_MED[liaison-static]}x** | $(range ${RATIOS[liaison-static]}) | ${R_OF_MEDS[liaison-static]}x |
| liaison, JSON route | \`/api/v1/meta\` | ${MED[liaison-json]} | **${R_MED[liaison-json]}x** | $(range ${RATIOS[liaison-json]}) | ${R_OF_MEDS[liaison-json]}x |

Every round:

$(bench_round_table)
EOF
bench_write_block "$ROOT/docs/PERFORMANCE.md" http-bench "$TMP/results.md"
