#!/usr/bin/env bash
# test_calendar: the working-day calendar from the shell, as an operator loads the year's holidays.
# `liaison calendar import` reads the shipped data/calendar/2026.csv (byte-order mark, Chinese
# headers, 休/班); importing a year again replaces it, so no day is duplicated and corrected names
# and kinds win, while other years stay; English headers, GB18030 and Excel's 2026/2/14 dates are
# read; a bad file (a date that doesn't exist, an unknown kind, a ragged row, a day listed twice)
# prints FILE:LINE: lines for each problem, exits 1 and writes nothing; `liaison calendar list`
# shows the days of a year; --help answers on each subcommand; usage errors are one line.
#
# Needs LIAISON_BIN (the binary), the sqlite3 shell and iconv.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

DB=$TMP/liaison.db
DATA=$TMP/data
SHIPPED=$REPO/data/calendar/2026.csv

sql() { sqlite3 "$DB" "$1"; }
days() { sql "SELECT count(*) FROM calendar_days${1:+ WHERE $1}"; }
kind_of() { sql "SELECT kind || ' ' || name FROM calendar_days WHERE day = '$1'"; }
audits() { sql "SELECT count(*) FROM audit_log WHERE action = 'calendar.import'"; }
# succeeded_with TEXT...: the last run exited 0 and its stdout holds every TEXT
succeeded_with() {
    [[ $rc -eq 0 ]] || return 1
    local t
    for t in "$@"; do has "$out" "$t" || return 1; done
}
# one_line_error STATUS: exited with STATUS, exactly one line on stderr, nothing on stdout
one_line_error() { [[ $rc -eq $1 && $(lines "$err") -eq 1 && -z $out ]]; }

run "$BIN" init --db "$DB" --data-dir "$DATA"
check "init exits 0" test "$rc" -eq 0
check "a new database has an empty calendar" test "$(days)" -eq 0

# ---- the shipped 2026 calendar --------------------------------------------------------------

run "$BIN" calendar import "$SHIPPED" --db "$DB"
check "importing data/calendar/2026.csv exits 0 and names the year" succeeded_with "39 days for 2026"
check "the 2026 calendar has 39 days" test "$(days)" -eq 39
check "春节 runs from Sunday 15 to Monday 23 February" \
    test "$(days "day BETWEEN '2026-02-15' AND '2026-02-23' AND kind = 'holiday' AND name = '春节'")" -eq 9
check "Saturday 14 February is a make-up working day of 春节" test "$(kind_of 2026-02-14)" = "workday 春节"
check "Saturday 28 February is a make-up working day of 春节" test "$(kind_of 2026-02-28)" = "workday 春节"
check "Saturday 10 October is a make-up working day of 国庆节" test "$(kind_of 2026-10-10)" = "workday 国庆节"
check "Sunday 20 September is a make-up working day of 国庆节" test "$(kind_of 2026-09-20)" = "workday 国庆节"
check "the import is in the audit log as calendar.import" test "$(audits)" -eq 1

run "$BIN" calendar import "$SHIPPED" --db "$DB"
check "importing the same file again exits 0 and replaces the 39 days" succeeded_with "39 days for 2026" "39 stored"
check "importing the same file again duplicates no day" test "$(days)" -eq 39

run "$BIN" calendar list --year 2026 --db "$DB"
check "calendar list --year 2026 prints one line per day" test "$(lines "$out")" -eq 39
check "the list shows date, weekday, kind and name" has "$out" "2026-02-14  Sat  workday  春节"
check "the list is in date order" test "$(printf '%s\n' "$out" | head -n 1 | cut -c1-10)" = 2026-01-01
run "$BIN" calendar list --year 2025 --db "$DB"
check "a year without days lists nothing and says so on stderr" \
    test "$rc" -eq 0 -a -z "$out" -a "$(lines "$err")" -eq 1

# ---- importing a year again ------------------------------------------------------------------

cat >"$TMP/2027.csv" <<'EOF'
date,kind,name
2027-02-06,holiday,春截
2027-02-07,workday,春节
2027-02-20,workday,春节
EOF
run "$BIN" calendar import "$TMP/2027.csv" --db "$DB"
check "an English-headed file for 2027 is imported" succeeded_with "3 days for 2027" "0 stored"
# corrected: a name fixed, a kind fixed, a day dropped, a day added
cat >"$TMP/2027-fixed.csv" <<'EOF'
date,kind,name
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
EOF
run "$BIN" calendar import "$TMP/2027-fixed.csv" --db "$DB"
check "the corrected 2027 file replaces the 3 days of 2027" succeeded_with "3 days for 2027" "3 stored"
check "2027 has exactly the corrected file's days" test "$(days "day LIKE '2027-%'")" -eq 3
check "a corrected name replaces the old one" test "$(kind_of 2027-02-06)" = "holiday 春节"
check "a corrected kind replaces the old one" test "$(kind_of 2027-02-07)" = "holiday 春节"
check "a day the corrected file drops is gone" test -z "$(kind_of 2027-02-20)"
check "importing 2027 leaves 2026 alone" test "$(days "day LIKE '2026-%'")" -eq 39

printf '\xEF\xBB\xBF类型,日期\r\n班,2028/1/29\r\n休,2028/2/3\r\n' >"$TMP/excel.csv"
run "$BIN" calendar import "$TMP/excel.csv" --db "$DB"
check "a sheet from Excel (BOM, CRLF, 2028/1/29, no name column) is imported" succeeded_with "2 days for 2028"
check "Excel's 2028/1/29 is stored as 2028-01-29" test "$(kind_of 2028-01-29)" = "workday "

printf '日期,类型,名称\n2029-02-12,休,春节\n2029-02-17,班,春节\n' | iconv -f UTF-8 -t GB18030 >"$TMP/gb.csv"
run "$BIN" calendar import "$TMP/gb.csv" --db "$DB"
check "a GB18030 file is read as GB18030" succeeded_with "2 days for 2029" GB18030
check "its names are stored as UTF-8" test "$(kind_of 2029-02-12)" = "holiday 春节"

# ---- a bad file ------------------------------------------------------------------------------

cat >"$TMP/bad.csv" <<'EOF'
日期,类型,名称
2026-02-14,班,春节
2026-02-30,休,春节
2026-02-16,放假,春节
2026-02-17,休
2026-02-14,休,春节
2026-02-18,休,春节
EOF
before=$(sql "SELECT group_concat(day || kind || name) FROM calendar_days")
audits_before=$(audits)
run "$BIN" calendar import "$TMP/bad.csv" --db "$DB"
check "a bad file exits 1" test "$rc" -eq 1
check "a date that doesn't exist is named with its line: bad.csv:3: 日期" grep -q "bad.csv:3: 日期 .*2026-02-30" "$TMP/err"
check "an unknown kind is named with its line: bad.csv:4: 类型" grep -q "bad.csv:4: 类型 .*放假" "$TMP/err"
check "a ragged row is named with its line: bad.csv:5:" grep -q "bad.csv:5: has 2 cells where the header has 3" "$TMP/err"
check "a day listed twice is named with both lines" grep -q "bad.csv:6: 日期 .*line 2" "$TMP/err"
check "exactly the four bad rows are reported" test "$(grep -c "bad.csv:" "$TMP/err")" -eq 4
check "a bad file says nothing was imported" has "$err" "4 problems; nothing was imported"
check "a bad file writes nothing, not even its good rows" \
    test "$(sql "SELECT group_concat(day || kind || name) FROM calendar_days")" = "$before"
check "a bad file leaves no audit entry" test "$(audits)" -eq "$audits_before"

printf 'date,name\n2026-02-14,春节\n' >"$TMP/nokind.csv"
run "$BIN" calendar import "$TMP/nokind.csv" --db "$DB"
check "a file without a kind column exits 1 and says which column is missing" \
    test "$rc" -eq 1 -a "$(grep -c "nokind.csv:1: no kind column" "$TMP/err")" -eq 1

printf 'date,kind,name\n' >"$TMP/empty.csv"
run "$BIN" calendar import "$TMP/empty.csv" --db "$DB"
check "a file with a header and no days exits 1" test "$rc" -eq 1
check "a file with no days writes nothing" \
    test "$(sql "SELECT group_concat(day || kind || name) FROM calendar_days")" = "$before"

printf 'date,kind,name\n2026-02-14,\xff\xfe,x\n' >"$TMP/binary.csv"
run "$BIN" calendar import "$TMP/binary.csv" --db "$DB"
check "bytes that are neither UTF-8 nor GB18030 exit 1 and say so" test "$rc" -eq 1 -a -n "$(grep GB18030 "$TMP/err")"

# ---- help and usage errors -------------------------------------------------------------------

run "$BIN" calendar --help
check "calendar --help exits 0 naming import and list" succeeded_with "import|list"
run "$BIN" calendar import --help
check "calendar import --help explains the columns" succeeded_with "date,kind,name" "日期,类型,名称" "--db"
run "$BIN" calendar list --help
check "calendar list --help names --year" succeeded_with "--year"
run "$BIN" --help
check "liaison --help lists the calendar command" succeeded_with "calendar"
run "$BIN" calendar
check "calendar without a subcommand exits 2" test "$rc" -eq 2
run "$BIN" calendar nosuch --db "$DB"
check "an unknown subcommand is one line and exit 2" one_line_error 2
run "$BIN" calendar import --db "$DB"
check "import without a file is one line and exit 2" one_line_error 2
run "$BIN" calendar import "$TMP/no-such-file.csv" --db "$DB"
check "import of a missing file is one line and exit 1" one_line_error 1
check "the line names the file" has "$err" "no-such-file.csv"
run "$BIN" calendar list --year 26 --db "$DB"
check "list --year 26 is one line and exit 2" one_line_error 2
run "$BIN" calendar list --db "$TMP/none.db"
check "list without a database is one line and exit 1" one_line_error 1
check "list without a database leaves no file behind" test ! -e "$TMP/none.db"

finish
