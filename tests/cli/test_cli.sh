#!/usr/bin/env bash
# test_cli: operating liaison from the shell, as an operator does. Help and errors, init and
# migrate, refusing a database from a newer liaison, account management with its audit trail,
# settings from a file and the environment, a backup taken while the server serves and is
# written to, and a clean stop on SIGTERM.
#
# Needs LIAISON_BIN (the binary); LIAISON_WEB_DIR defaults to the repository's web/.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
export LIAISON_WEB_DIR=$WEB

LOAD_PID=
stop_load() { if [[ -n $LOAD_PID ]] && kill -0 "$LOAD_PID" 2>/dev/null; then kill "$LOAD_PID" 2>/dev/null || true; fi; }
at_exit stop_load

DB=$TMP/liaison.db
DATA=$TMP/data
HOME_REGION=320623000000 # 如东县, loaded by `liaison demo`

# ---- help, version, usage errors ----------------------------------------------------------

run "$BIN" --help
check "liaison --help exits 0 with usage" bash -c '[[ $0 -eq 0 && $1 == *"usage:"* ]]' "$rc" "$out"
run "$BIN" --version
check "liaison --version exits 0 and prints its version" \
    bash -c '[[ $0 -eq 0 && $1 =~ ^liaison\ [0-9]+\.[0-9]+\.[0-9]+ ]]' "$rc" "$out"

for cmd in serve init migrate demo user backup audit routes; do
    run "$BIN" "$cmd" --help
    check "liaison $cmd --help exits 0 with usage" bash -c '[[ $0 -eq 0 && $1 == *"usage:"* ]]' "$rc" "$out"
done
for sub in add list passwd disable enable; do
    run "$BIN" user "$sub" --help
    check "liaison user $sub --help exits 0 with usage" bash -c '[[ $0 -eq 0 && $1 == *"usage:"* ]]' "$rc" "$out"
done

# usage errors: exit 2, exactly one line on stderr, nothing on stdout
usage_error() {
    local what=$1
    shift
    run "$@"
    check "$what: exit 2 and one line on stderr" \
        bash -c '[[ $0 -eq 2 && $1 -eq 1 && -z $2 ]]' "$rc" "$(lines "$err")" "$out"
}
usage_error "unknown command" "$BIN" frobnicate
usage_error "unknown user subcommand" "$BIN" user frobnicate
usage_error "unknown flag on migrate" "$BIN" migrate --frobnicate
usage_error "unknown flag on serve" "$BIN" serve --frobnicate=1
usage_error "unknown flag on user add" "$BIN" user add someone --region "$HOME_REGION" --frobnicate
usage_error "a server setting on a command that does not take it" "$BIN" migrate --listen 127.0.0.1:1
usage_error "a flag without its value" "$BIN" migrate --db
usage_error "an extra argument" "$BIN" routes extra

# ---- init and migrate ---------------------------------------------------------------------

run "$BIN" init --db "$DB" --data-dir "$DATA"
check "init exits 0" test "$rc" -eq 0
check "init creates the key with mode 600" test "$(stat -c %a "$DATA/liaison.key" 2>/dev/null)" = 600
check "init creates a 64-byte key" test "$(stat -c %s "$DATA/liaison.key" 2>/dev/null)" = 64
key_sum=$(sha256sum "$DATA/liaison.key")
run "$BIN" init --db "$DB" --data-dir "$DATA"
check "init again exits 0 and says it kept the key" bash -c '[[ $0 -eq 0 && $1 == *kept* ]]' "$rc" "$out"
check "init again leaves the key as it was" test "$(sha256sum "$DATA/liaison.key")" = "$key_sum"
check "init again leaves the key mode 600" test "$(stat -c %a "$DATA/liaison.key")" = 600

run "$BIN" migrate --db "$DB"
check "migrate on a current database applies 0 migrations" \
    bash -c '[[ $0 -eq 0 && $1 == *"(0 migrations applied)"* ]]' "$rc" "$out"
run "$BIN" migrate --db "$DB"
check "migrate a second time applies 0 migrations too" \
    bash -c '[[ $0 -eq 0 && $1 == *"(0 migrations applied)"* ]]' "$rc" "$out"
FRESH=$TMP/fresh.db
run "$BIN" migrate --db "$FRESH"
check "migrate on a new database applies at least 1 migration" \
    bash -c '[[ $0 -eq 0 && $1 =~ \(([1-9][0-9]*)\ migrations?\ applied\) ]]' "$rc" "$out"
run "$BIN" migrate --db "$FRESH"
check "migrate twice: the second run says 0 migrations applied" \
    bash -c '[[ $0 -eq 0 && $1 == *"(0 migrations applied)"* ]]' "$rc" "$out"

run "$BIN" demo --db "$DB"
check "demo loads regions and accounts" bash -c '[[ $0 -eq 0 && $1 == *admin-rugao* ]]' "$rc" "$out"

# ---- a database from a newer liaison is refused --------------------------------------------

NEWER=$TMP/newer.db
run "$BIN" migrate --db "$NEWER"
sqlite3 "$NEWER" "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_from_the_future', 0)"
run "$BIN" migrate --db "$NEWER"
check "migrate refuses a database with a newer schema, naming its version" \
    bash -c '[[ $0 -ne 0 && $1 == *"999"* && $1 == *newer* ]]' "$rc" "$err"
run "$BIN" serve --check-config --db "$NEWER" --data-dir "$DATA" --web-dir "$WEB" --listen 127.0.0.1:9999
check "serve --check-config refuses a database with a newer schema" \
    bash -c '[[ $0 -ne 0 && $1 == *"999"* && $1 == *newer* ]]' "$rc" "$err"
check "the newer database was left untouched" \
    test "$(sqlite3 "$NEWER" 'SELECT max(version) FROM schema_migrations')" = 999

# ---- accounts -----------------------------------------------------------------------------

run "$BIN" user add alice --db "$DB" --region "$HOME_REGION" --role staff --display-name 李爱丽 \
    --password 'first password 1'
check "user add creates an account" bash -c '[[ $0 -eq 0 && $1 == "created alice"* ]]' "$rc" "$out"
alice_id=$(sed -n 's/.*(id \([0-9]*\),.*/\1/p' "$TMP/out")
run "$BIN" user add alice --db "$DB" --region "$HOME_REGION" --password 'first password 1'
check "user add refuses a taken username" bash -c '[[ $0 -ne 0 && $1 == *taken* ]]' "$rc" "$err"
run "$BIN" user add bob --db "$DB" --region "$HOME_REGION" --password 'short'
check "user add refuses a password under 8 characters" bash -c '[[ $0 -ne 0 && $1 == *"at least 8"* ]]' "$rc" "$err"
run "$BIN" user add bob --db "$DB" --region 520299000000 --password 'long enough 1'
check "user add refuses an unknown region" bash -c '[[ $0 -ne 0 && $1 == *region* ]]' "$rc" "$err"
run env LIAISON_PASSWORD='代表的密码一二三四' "$BIN" user add carol --db "$DB" --region "$HOME_REGION" --role deputy
check "user add takes the password from LIAISON_PASSWORD" test "$rc" -eq 0

run "$BIN" user list --db "$DB"
check "user list shows the new account with its role and region" \
    bash -c 'grep -Eq "^[0-9]+ +alice +staff +320623000000 +李爱丽$" <<<"$0"' "$out"
check "user list shows the demo accounts" bash -c '[[ $0 == *admin-rugao* && $0 == *carol* ]]' "$out"

run "$BIN" user passwd alice --db "$DB" --password 'second password 2'
check "user passwd sets a new password" bash -c '[[ $0 -eq 0 && $1 == *"password of alice changed"* ]]' "$rc" "$out"
set +e
printf 'third password 3\n' | "$BIN" user passwd alice --db "$DB" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "user passwd reads the password from standard input" test "$rc" -eq 0
run "$BIN" user passwd nobody --db "$DB" --password 'whatever 12345'
check "user passwd of an unknown account fails and says so" \
    bash -c '[[ $0 -ne 0 && $1 == *"no account named nobody"* ]]' "$rc" "$err"

run "$BIN" user disable alice --db "$DB"
check "user disable exits 0" bash -c '[[ $0 -eq 0 && $1 == "alice disabled" ]]' "$rc" "$out"
run "$BIN" user list --db "$DB"
check "user list marks the disabled account" bash -c 'grep -E "^[0-9]+ +alice " <<<"$0" | grep -q "(disabled)"' "$out"
run "$BIN" user enable alice --db "$DB"
check "user enable exits 0" bash -c '[[ $0 -eq 0 && $1 == "alice enabled" ]]' "$rc" "$out"
run "$BIN" user list --db "$DB"
check "user list no longer marks it disabled" \
    bash -c 'grep -E "^[0-9]+ +alice " <<<"$0" | grep -vq "(disabled)"' "$out"

run "$BIN" audit --db "$DB"
check "audit exits 0" test "$rc" -eq 0
check "audit shows the account's creation by the cli" \
    bash -c 'grep -E " cli +user\.create +user#$1 +region=320623000000 .* staff$" <<<"$0" >/dev/null' "$out" "$alice_id"
check "audit shows both password resets" \
    test "$(grep -cE " cli +user\.update +user#$alice_id .*password reset$" "$TMP/out" || true)" = 2
check "audit shows the disable and the enable, in that order" \
    bash -c 'grep -E " user\.update +user#$1 " <<<"$0" | grep -oE "(disabled|enabled)$" | tr "\n" " " | grep -qx "disabled enabled "' \
    "$out" "$alice_id"
check "audit lines carry a Beijing time" bash -c 'head -1 <<<"$0" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\+08 "' "$out"

run "$BIN" audit --db "$DB" --since 2000-01-01
check "audit --since an old date shows every entry" bash -c '[[ $0 -eq 0 && $1 == *user.create* ]]' "$rc" "$out"
run "$BIN" audit --db "$DB" --since 2999-01-01
check "audit --since a future date shows nothing" bash -c '[[ $0 -eq 0 && -z $1 ]]' "$rc" "$out"
for bad in 2024-13-01 2024-00-10 2024-01-32 yesterday 2024/01/01 2024-01-01x ""; do
    usage_error "audit --since '$bad'" "$BIN" audit --db "$DB" --since "$bad"
done

# ---- settings: file, environment, validation ----------------------------------------------

CONF=$TMP/liaison.conf
cat >"$CONF" <<EOF
# settings for the check
listen = 127.0.0.1:9999

db = $DB
data-dir = $DATA
web-dir = $WEB
EOF
run "$BIN" serve --check-config --config "$CONF"
check "serve --check-config passes with a good config file" \
    bash -c '[[ $0 -eq 0 && $1 == *"127.0.0.1:9999"* ]]' "$rc" "$out"
run env LIAISON_CONFIG="$CONF" "$BIN" serve --check-config
check "serve --check-config reads LIAISON_CONFIG" bash -c '[[ $0 -eq 0 && $1 == *"127.0.0.1:9999"* ]]' "$rc" "$out"
run env LIAISON_LISTEN=127.0.0.1:9998 "$BIN" serve --check-config --db "$DB" --data-dir "$DATA" --web-dir "$WEB"
check "serve --check-config passes with LIAISON_LISTEN" bash -c '[[ $0 -eq 0 && $1 == *"127.0.0.1:9998"* ]]' "$rc" "$out"
run env LIAISON_LISTEN=127.0.0.1:9998 "$BIN" serve --check-config --config "$CONF"
check "LIAISON_LISTEN overrides the config file" bash -c '[[ $0 -eq 0 && $1 == *"127.0.0.1:9998"* ]]' "$rc" "$out"
run env LIAISON_LISTEN=127.0.0.1:9998 "$BIN" serve --check-config --config "$CONF" --listen 127.0.0.1:9997
check "a flag overrides LIAISON_LISTEN" bash -c '[[ $0 -eq 0 && $1 == *"127.0.0.1:9997"* ]]' "$rc" "$out"

BADCONF=$TMP/bad.conf
printf '# a typo on line 3\nlisten = 127.0.0.1:9999\nlisne = 127.0.0.1:9999\n' >"$BADCONF"
usage_error "serve --check-config with an unknown key in the config file" \
    "$BIN" serve --check-config --config "$BADCONF" --db "$DB" --data-dir "$DATA"
check "the error names the file and the line" bash -c '[[ $0 == *"$1:3:"* && $0 == *lisne* ]]' "$err" "$BADCONF"
usage_error "serve --check-config with a missing config file" "$BIN" serve --check-config --config "$TMP/absent.conf"
for bad in localhost 127.0.0.1:99999 127.0.0.1:http :8080 127.0.0.1:; do
    usage_error "serve --check-config with listen '$bad'" \
        "$BIN" serve --check-config --db "$DB" --data-dir "$DATA" --listen "$bad"
done
run env LIAISON_LISTEN=nonsense "$BIN" serve --check-config --db "$DB" --data-dir "$DATA"
check "serve --check-config with a bad LIAISON_LISTEN exits 2 naming listen" \
    bash -c '[[ $0 -eq 2 && $1 == *listen* ]]' "$rc" "$err"
usage_error "serve --check-config with threads out of bounds" \
    "$BIN" serve --check-config --db "$DB" --data-dir "$DATA" --threads 100000
usage_error "serve --check-config with a TLS key and no certificate" \
    "$BIN" serve --check-config --db "$DB" --data-dir "$DATA" --tls-key "$TMP/key.pem"

# ---- serving: a backup under writes, and SIGTERM ------------------------------------------

start_server --db "$DB" --data-dir "$DATA" --web-dir "$WEB" --threads 2 --access-log=off || true
if [[ -z $SERVER_PID ]]; then
    fail "the server starts and answers /healthz" "$(cat "$TMP/server.err" 2>/dev/null)"
else
    pass "the server starts and answers /healthz"

    login() {
        curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
            -d "{\"username\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/v1/session"
    }
    check "the password set by user passwd signs in" test "$(login alice 'third password 3')" = 200
    check "the replaced password no longer signs in" test "$(login alice 'first password 1')" = 401

    # Keep creating accounts through the CLI, and signing in through the server (a session write),
    # for as long as the backup runs.
    STOP=$TMP/stop-load
    (
        i=0
        while [[ ! -e $STOP ]]; do
            i=$((i + 1))
            if "$BIN" user add "load$i" --db "$DB" --region "$HOME_REGION" --role member \
                --password 'load password 1' >/dev/null 2>>"$TMP/load.err"; then
                echo "load$i" >>"$TMP/load.created"
            fi
            login admin liaison-demo >/dev/null || true
        done
    ) &
    LOAD_PID=$!
    created_some() { [[ -s $TMP/load.created ]]; }
    wait_until 60 created_some || true
    before=$(grep -c '' "$TMP/load.created" 2>/dev/null || echo 0)
    run "$BIN" backup "$TMP/backup.db" --db "$DB"
    backup_rc=$rc
    # let the writes go on until at least one more account lands after the backup
    more_created() { (($(grep -c '' "$TMP/load.created") > before)); }
    wait_until 60 more_created || true
    touch "$STOP"
    wait "$LOAD_PID" 2>/dev/null || true
    LOAD_PID=
    after=$(grep -c '' "$TMP/load.created" 2>/dev/null || echo 0)

    check "accounts were being created while the backup ran" test "$before" -ge 1 -a "$after" -gt "$before"
    check "liaison backup exits 0 while the server serves" bash -c '[[ $0 -eq 0 ]]' "$backup_rc"
    check "the backup passes PRAGMA integrity_check" \
        test "$(sqlite3 "$TMP/backup.db" 'PRAGMA integrity_check' 2>&1)" = ok
    in_backup=$(sqlite3 "$TMP/backup.db" "SELECT count(*) FROM users WHERE username LIKE 'load%'" 2>&1 || true)
    check "the backup holds every account created before it began" \
        bash -c '[[ $0 =~ ^[0-9]+$ && $0 -ge $1 && $0 -le $2 ]]' "$in_backup" "$before" "$after"
    check "the backup holds the demo accounts and alice" \
        test "$(sqlite3 "$TMP/backup.db" "SELECT count(*) FROM users WHERE username IN ('admin','admin-rugao','alice')" 2>&1)" = 3
    run "$BIN" migrate --db "$TMP/backup.db"
    check "the backup is a current liaison database" \
        bash -c '[[ $0 -eq 0 && $1 == *"(0 migrations applied)"* ]]' "$rc" "$out"
    check "the load's account creations all succeeded" test ! -s "$TMP/load.err"

    run "$BIN" user list --db "$DB"
    check "accounts made while serving are listed" bash -c '[[ $0 == *load1* ]]' "$out"

    kill -TERM "$SERVER_PID"
    stopped() { ! kill -0 "$SERVER_PID" 2>/dev/null; }
    if wait_until 30 stopped; then
        set +e
        wait "$SERVER_PID"
        server_rc=$?
        set -e
        check "SIGTERM stops the server with exit status 0" test "$server_rc" -eq 0
    else
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        fail "SIGTERM stops the server with exit status 0" "still running 30 s after SIGTERM"
    fi
    SERVER_PID=
    check "the server's stop is logged" grep -q 'stopped' "$TMP/server.err"
fi

finish
