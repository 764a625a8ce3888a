#!/usr/bin/env bash
# test_sheets: registry sheets from the shell, as an operator loads the office's Excel files.
# `liaison export stations` writes CSV for Excel (byte-order mark, Chinese headers, one row per
# live station); importing that file back updates every row and creates none, and a second export
# is the same file; a sheet in GB18030 with Chinese headers is read; --dry-run checks and writes
# nothing; a bad sheet prints file:line: column message lines and "nothing was imported" and
# exits non-zero having written nothing; a deputy's phone is sealed with the data folder's key and
# never exported; the headers are the staff forms' labels (所属联络站) and a sheet with yesterday's
# (所属站点) still imports; the deputies' sheet carries their stations and seats and the county's
# comes back in unchanged; an unknown table, a missing file or a missing key is one line on stderr.
#
# Needs LIAISON_BIN (the binary), the sqlite3 shell and iconv.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

DB=$TMP/liaison.db
DATA=$TMP/data
HOME_REGION=320623000000 # 如东县, loaded by `liaison demo`
TOWN=${HOME_REGION:0:6}901000
VILLAGE=${HOME_REGION:0:6}901001
MISSING=${HOME_REGION:0:6}988000 # well-formed, never loaded

sql() { sqlite3 "$DB" "$1"; }
live_stations() { sql "SELECT count(*) FROM stations WHERE deleted_at IS NULL"; }
all_stations() { sql "SELECT count(*) FROM stations"; }
# data_rows FILE: CSV records after the header (quoted line breaks are not records)
data_rows() {
    awk 'BEGIN { q = 0; n = 0 }
         { c = gsub(/"/, "\""); q = (q + c) % 2; if (q == 0) n++ }
         END { print n - 1 }' "$1"
}
# succeeded_with TEXT...: the last run exited 0 and its stdout holds every TEXT
succeeded_with() {
    [[ $rc -eq 0 ]] || return 1
    local t
    for t in "$@"; do has "$out" "$t" || return 1; done
}
# failed_with TEXT...: the last run exited non-zero and its stderr holds every TEXT
failed_with() {
    [[ $rc -ne 0 ]] || return 1
    local t
    for t in "$@"; do has "$err" "$t" || return 1; done
}
# one_line_error: failed (exit non-zero), exactly one line on stderr, nothing on stdout
one_line_error() { [[ $rc -ne 0 && $(lines "$err") -eq 1 && -z $out ]]; }

run "$BIN" init --db "$DB" --data-dir "$DATA"
check "init exits 0" test "$rc" -eq 0
run "$BIN" demo --db "$DB"
check "demo loads the county" test "$rc" -eq 0
sql "INSERT INTO regions (code, name, parent_code, level) VALUES ('$TOWN', '表格测试镇', '$HOME_REGION', 4);
     INSERT INTO regions (code, name, parent_code, level) VALUES ('$VILLAGE', '表格测试村', '$TOWN', 5);"
HUB=$(sql "SELECT id FROM stations WHERE kind = 'hub' AND deleted_at IS NULL ORDER BY id LIMIT 1")

# ---- export and the round trip --------------------------------------------------------------

run "$BIN" export stations --db "$DB"
cp "$TMP/out" "$TMP/first.csv"
check "export stations exits 0" test "$rc" -eq 0
starts_with_bom() { [[ $(head -c 3 "$1" | od -An -tx1 | tr -d ' \n') == efbbbf ]]; }
chinese_header() { [[ $(head -n 1 "$1" | tail -c +4) == 编号,名称,类型,地区,* ]]; }
check "the export starts with the byte-order mark" starts_with_bom "$TMP/first.csv"
check "the export's header is Chinese: 编号,名称,类型,地区,..." chinese_header "$TMP/first.csv"
N=$(live_stations)
check "the export has one row per live station ($N)" test "$(data_rows "$TMP/first.csv")" -eq "$N"
check "the county has stations to export" test "$N" -gt 1

run "$BIN" export stations --db "$DB" --region "$HOME_REGION"
COUNTY=$(sql "SELECT count(*) FROM stations WHERE deleted_at IS NULL AND substr(region_code, 1, 6) = '${HOME_REGION:0:6}'")
cp "$TMP/out" "$TMP/county.csv"
check "export --region keeps to the county" test "$(data_rows "$TMP/county.csv")" -eq "$COUNTY"

before=$(all_stations)
run "$BIN" import stations "$TMP/first.csv" --db "$DB" --data-dir "$DATA"
check "importing the export back exits 0" test "$rc" -eq 0
check "importing the export back reports 0 created, $N updated" has "$out" "0 created, $N updated"
check "importing the export back creates no station" test "$(all_stations)" -eq "$before"
"$BIN" export stations --db "$DB" >"$TMP/second.csv"
check "a second export is byte for byte the first" cmp -s "$TMP/first.csv" "$TMP/second.csv"
hub_header() { head -n 1 "$1" | tr -d '\r' | tr ',' '\n' | grep -qx 所属联络站; }
check "the export heads the hub column 所属联络站, as the staff form labels it" hub_header "$TMP/first.csv"

# ---- new rows, dry run, GB18030 -------------------------------------------------------------

cat >"$TMP/new.csv" <<EOF
name,kind,region,hub_id
命令行新站甲,hub,$TOWN,
命令行新点乙,spoke,$VILLAGE,$HUB
EOF
before=$(all_stations)
audit_before=$(sql "SELECT count(*) FROM audit_log")
run "$BIN" import stations "$TMP/new.csv" --db "$DB" --data-dir "$DATA" --dry-run
check "--dry-run exits 0 and reports what it would do" succeeded_with "checked stations" "2 created, 0 updated"
check "--dry-run writes nothing" test "$(all_stations)" -eq "$before"
check "--dry-run leaves the audit log alone" test "$(sql "SELECT count(*) FROM audit_log")" -eq "$audit_before"

run "$BIN" import stations "$TMP/new.csv" --db "$DB" --data-dir "$DATA"
check "the same sheet for real exits 0 with 2 created" succeeded_with "imported stations" "2 created, 0 updated"
check "the two stations are stored" test "$(all_stations)" -eq $((before + 2))
check "the spoke hangs from its hub" \
    test "$(sql "SELECT hub_id FROM stations WHERE name = '命令行新点乙' AND kind = 'spoke'")" = "$HUB"
run "$BIN" audit --db "$DB"
check "a real import is in the audit log as station.import" has "$out" "station.import"

printf '名称,类型,地区,地址\r\n国标命令行测试站,hub,%s,如东县掘港镇\r\n' "$TOWN" | iconv -f UTF-8 -t GB18030 >"$TMP/gb.csv"
run "$BIN" import stations "$TMP/gb.csv" --db "$DB" --data-dir "$DATA"
check "a GB18030 sheet is read as GB18030" succeeded_with GB18030 "1 created"
check "its Chinese text is stored as UTF-8" \
    test "$(sql "SELECT address FROM stations WHERE name = '国标命令行测试站'")" = "如东县掘港镇"

# ---- a bad sheet ----------------------------------------------------------------------------

cat >"$TMP/bad.csv" <<EOF
名称,类型,地区,所属站点
命令行好行甲,hub,$TOWN,
命令行无站点的点,spoke,$VILLAGE,
命令行好行乙,hub,$TOWN,
命令行未知地区站,hub,$MISSING,
EOF
before=$(all_stations)
run "$BIN" import stations "$TMP/bad.csv" --db "$DB" --data-dir "$DATA"
check "a bad sheet exits non-zero" test "$rc" -ne 0
check "a bad sheet names line 3 and its hub column" grep -q "^$TMP/bad.csv:3: 所属站点 " "$TMP/err"
check "a bad sheet names line 5 and its region column" grep -q "^$TMP/bad.csv:5: 地区 " "$TMP/err"
check "a bad sheet lists exactly its two problems" test "$(grep -c "^$TMP/bad.csv:" "$TMP/err")" -eq 2
check "a bad sheet says nothing was imported" has "$err" "nothing was imported"
check "a bad sheet writes nothing" test "$(all_stations)" -eq "$before"

printf 'name,kind,region\n"未闭合,hub,%s\n' "$TOWN" >"$TMP/quote.csv"
run "$BIN" import stations "$TMP/quote.csv" --db "$DB" --data-dir "$DATA"
check "an unclosed quote exits non-zero naming line 2" failed_with "quote.csv:2:" "nothing was imported"
check "an unclosed quote writes nothing" test "$(all_stations)" -eq "$before"

printf 'name,kind,region\n\xff\xfe\xfd,hub,%s\n' "$TOWN" >"$TMP/binary.csv"
run "$BIN" import stations "$TMP/binary.csv" --db "$DB" --data-dir "$DATA"
check "bytes that are neither UTF-8 nor GB18030 exit non-zero and say so" failed_with GB18030 "nothing was imported"

# ---- a deputy's phone ---------------------------------------------------------------------

printf '姓名,性别,地区,手机\n命令行代表,female,%s,13900003333\n' "$TOWN" >"$TMP/deputies.csv"
run "$BIN" import deputies "$TMP/deputies.csv" --db "$DB" --data-dir "$DATA"
check "a deputies sheet with a phone is imported" succeeded_with "1 created"
check "the phone is stored sealed" \
    test "$(sql "SELECT phone_sealed <> '' AND instr(phone_sealed, '13900003333') = 0 FROM deputies WHERE name = '命令行代表'")" = 1
"$BIN" export deputies --db "$DB" --region "$TOWN" >"$TMP/deputies-out.csv"
check "the deputies' export holds the deputy" grep -q "命令行代表" "$TMP/deputies-out.csv"
check "the deputies' export never holds the phone" test "$(grep -c 13900003333 "$TMP/deputies-out.csv")" -eq 0

# ---- headers of yesterday, and a deputy's stations and seats -------------------------------

printf '名称,类型,地区,所属站点\n命令行旧表头点,spoke,%s,%s\n' "$VILLAGE" "$HUB" >"$TMP/old-header.csv"
run "$BIN" import stations "$TMP/old-header.csv" --db "$DB" --data-dir "$DATA"
check "a sheet headed with yesterday's 所属站点 still imports" succeeded_with "1 created"
check "its spoke hangs from the hub it names" \
    test "$(sql "SELECT hub_id FROM stations WHERE name = '命令行旧表头点'")" = "$HUB"

run "$BIN" export deputies --db "$DB" --region "$HOME_REGION"
cp "$TMP/out" "$TMP/deputies-county.csv"
link_headers() { [[ $(head -n 1 "$1" | tr -d '\r') == *,所在联络站,代表资格 ]]; }
check "the deputies' sheet ends its header with 所在联络站,代表资格" link_headers "$TMP/deputies-county.csv"
SEATED=$(sql "SELECT d.id FROM deputies d WHERE d.deleted_at IS NULL AND d.region_code LIKE '${HOME_REGION:0:6}%'
    AND (SELECT count(*) FROM deputy_seats s WHERE s.deputy_id = d.id) = 2 ORDER BY d.id LIMIT 1")
SEATS=$(sql "SELECT group_concat(congress_id || ':' || district, ';') FROM (SELECT s.congress_id, s.district
    FROM deputy_seats s JOIN congresses c ON c.id = s.congress_id WHERE s.deputy_id = $SEATED ORDER BY c.level)")
seats_row() { grep -q "^$SEATED,.*,$SEATS"$'\r'"\$" "$1"; }
check "a deputy's row ends with their seats as id:district;id:district ($SEATS)" seats_row "$TMP/deputies-county.csv"
D=$(data_rows "$TMP/deputies-county.csv")
all_seats() { sql "SELECT count(*) || '/' || group_concat(deputy_id || ':' || congress_id || ':' || district) FROM
    (SELECT * FROM deputy_seats ORDER BY deputy_id, congress_id)"; }
seats_before=$(all_seats)
links_before=$(sql "SELECT count(*) FROM station_deputies")
run "$BIN" import deputies "$TMP/deputies-county.csv" --db "$DB" --data-dir "$DATA"
check "the county's deputies come back in as $D updates" succeeded_with "0 created, $D updated"
check "their seats are as they were" test "$(all_seats)" = "$seats_before"
check "their stations are as they were" test "$(sql "SELECT count(*) FROM station_deputies")" = "$links_before"

# ---- usage and file errors ----------------------------------------------------------------

run "$BIN" import nosuch "$TMP/new.csv" --db "$DB" --data-dir "$DATA"
check "import of an unknown table fails with one line" one_line_error
check "the line names the table" has "$err" "nosuch"
run "$BIN" import stations "$TMP/no-such-file.csv" --db "$DB" --data-dir "$DATA"
check "import of a missing file fails with one line" one_line_error
check "the line names the file" has "$err" "no-such-file.csv"
run "$BIN" import stations --db "$DB" --data-dir "$DATA"
check "import without a file fails with one line" one_line_error
run "$BIN" export nosuch --db "$DB"
check "export of an unknown table fails with one line" one_line_error
run "$BIN" export stations --db "$DB" --region 3206
check "export --region with a short code fails with one line" one_line_error
before=$(all_stations)
run bash -c 'cd "$0" && "$1" import stations "$2" --db "$3"' "$TMP" "$BIN" "$TMP/new.csv" "$DB"
check "import without the data folder's key fails with one line" one_line_error
check "the line names the missing key" has "$err" "liaison.key"
check "import without the key writes nothing" test "$(all_stations)" -eq "$before"

finish
