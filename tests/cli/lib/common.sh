# shellcheck shell=bash disable=SC2034 # sourced; sets variables for the test that sources it
# tests/cli/lib/common.sh: what the shell tests in tests/cli share. Sourced, never run: it sits in
# a subfolder so that cmake's glob (tests/cli/*.sh) doesn't register it as a test.
#
# The sourcing test runs under `set -euo pipefail`. This file gives it:
#   BIN, REPO, WEB   the binary (from LIAISON_BIN, required), the repository, its web/ folder
#                    (or LIAISON_WEB_DIR); every other LIAISON_* setting of the caller is unset
#   TMP              a fresh temp dir, removed at exit, after the commands given to at_exit
#   check NAME CMD.. one named check (TAP-like "ok - NAME" / "not ok - NAME" with the output of
#                    the last `run`); pass NAME, fail NAME [DETAIL] for checks done by hand
#   run CMD..        runs CMD capturing rc, out, err (never aborts the test)
#   finish           prints the counts; its status is the test's (call it last)
#   has, lines, wait_until, free_port, start_server, healthy: see each below

BIN=${LIAISON_BIN:?set LIAISON_BIN to the liaison binary}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
WEB=${LIAISON_WEB_DIR:-$REPO/web}
# Only the test's own settings count: nothing from the caller's environment.
while IFS= read -r _var; do
    case $_var in LIAISON_BIN | LIAISON_WEB_DIR) ;; *) unset "$_var" ;; esac
done < <(compgen -e | grep '^LIAISON_' || true)
unset _var

TMP=$(mktemp -d "/tmp/liaison-$(basename "${BASH_SOURCE[1]}" .sh)-XXXXXX")
AT_EXIT=()
# at_exit COMMAND: run COMMAND (a string, eval'd) when the test ends, before TMP is removed.
at_exit() { AT_EXIT+=("$1"); }
_cleanup() {
    local c
    for c in "${AT_EXIT[@]}"; do eval "$c" || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap _cleanup EXIT

passed=0
failed=0
pass() {
    passed=$((passed + 1))
    echo "ok - $1"
}
fail() {
    failed=$((failed + 1))
    echo "not ok - $1"
    if [[ -n ${2:-} ]]; then printf '%s\n' "$2" | sed 's/^/    /'; fi
}
# check NAME COMMAND...: one named check that passes when COMMAND succeeds; a failure shows the
# exit status and output of the last `run`.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "exit: ${rc:-}
stdout: $(head -c 2000 "$TMP/out" 2>/dev/null)
stderr: $(head -c 2000 "$TMP/err" 2>/dev/null)"; fi
}
# run COMMAND...: runs it with stdout and stderr captured; sets rc, out, err. Never aborts.
run() {
    set +e
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    set -e
    out=$(cat "$TMP/out")
    err=$(cat "$TMP/err")
}
# finish: the summary line; fails when any check failed.
finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}

has() { [[ $1 == *"$2"* ]]; }
lines() { printf '%s' "$1" | grep -c '' || true; }

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds (0) or SECONDS pass (1).
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        if ((SECONDS >= deadline)); then return 1; fi
        sleep 0.05
    done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port: a loopback port nothing listens on right now.
free_port() {
    local p i
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 40000))
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# start_server ARGS...: `liaison serve ARGS... --listen 127.0.0.1:PORT` on a free port, stdout and
# stderr to $TMP/server.out and $TMP/server.err; waits for /healthz. Tries five ports (another
# process may take the port between the check and the bind). Sets PORT and SERVER_PID and
# returns 0, or returns 1 with SERVER_PID empty. The server is killed at exit if still running.
SERVER_PID=
PORT=
healthy() { curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; }
# Healthy, or gone (then the wait ends at once and the caller looks which).
_healthy_or_gone() { healthy || ! kill -0 "$SERVER_PID" 2>/dev/null; }
start_server() {
    local attempt
    for ((attempt = 0; attempt < 5; attempt++)); do
        PORT=$(free_port) || return 1
        "$BIN" serve "$@" --listen "127.0.0.1:$PORT" >"$TMP/server.out" 2>"$TMP/server.err" &
        SERVER_PID=$!
        if wait_until 30 _healthy_or_gone && healthy; then return 0; fi
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    done
    return 1
}
_kill_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
}
at_exit _kill_server
