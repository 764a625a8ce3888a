/*
 * config: every option is a row of one table (name, environment variable, kind, where it lives
 * in config_t, bounds). Flags, environment and file all go through config_set, so they cannot
 * drift apart.
 */
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kind { TEXT, BOOL, INT, LONG };

typedef struct {
    config_option_t opt;
    enum kind kind;
    size_t offset;
    size_t size;   /* TEXT: capacity */
    long min, max; /* INT/LONG */
} row_t;

#define T(n, e, field, h) {{n, e, h, false}, TEXT, offsetof(config_t, field), sizeof(((config_t *)0)->field), 0, 0}
#define B(n, e, field, h) {{n, e, h, true}, BOOL, offsetof(config_t, field), 0, 0, 0}
#define I(n, e, field, lo, hi, h) {{n, e, h, false}, INT, offsetof(config_t, field), 0, lo, hi}
#define L(n, e, field, lo, hi, h) {{n, e, h, false}, LONG, offsetof(config_t, field), 0, lo, hi}

static const row_t rows[] = {
    T("db", "LIAISON_DB", db, "database file"),
    T("listen", "LIAISON_LISTEN", listen, "host:port to serve on"),
    T("data-dir", "LIAISON_DATA_DIR", data_dir, "directory for uploads and keys"),
    T("web-dir", "LIAISON_WEB_DIR", web_dir, "directory of the web front end"),
    T("public-url", "LIAISON_PUBLIC_URL", public_url, "public base URL, encoded in QR codes"),
    T("tls-cert", "LIAISON_TLS_CERT", tls_cert, "PEM certificate; serves HTTPS with --tls-key"),
    T("tls-key", "LIAISON_TLS_KEY", tls_key, "PEM private key"),
    B("http2", "LIAISON_HTTP2", http2, "serve HTTP/2 (see docs/OPERATIONS.md)"),
    B("rate-limits", "LIAISON_RATE_LIMITS", rate_limits, "rate limits on login and public forms"),
    I("threads", "LIAISON_THREADS", threads, 0, 256, "event loops (0: one per core)"),
    L("max-body", "LIAISON_MAX_BODY", max_body, 1024, 1L << 30, "largest request body in bytes"),
    I("max-conns", "LIAISON_MAX_CONNS", max_conns, 1, 1000000, "connections in total"),
    I("max-conns-per-ip", "LIAISON_MAX_CONNS_PER_IP", max_conns_per_ip, 1, 1000000, "connections per client IP"),
    I("req-timeout-ms", "LIAISON_REQ_TIMEOUT_MS", req_timeout_ms, 100, 3600000, "time allowed to send a request; also HTTP/1.1 keep-alive idle time"),
    I("idle-timeout-ms", "LIAISON_IDLE_TIMEOUT_MS", idle_timeout_ms, 100, 3600000, "HTTP/2 idle time (HTTP/1.1 keep-alive waits req-timeout-ms)"),
    I("session-idle-s", "LIAISON_SESSION_IDLE_S", session_idle_s, 60, 86400 * 30, "session idle expiry"),
    I("session-max-s", "LIAISON_SESSION_MAX_S", session_max_s, 60, 86400 * 90, "session absolute expiry"),
    I("login-max-failures", "LIAISON_LOGIN_MAX_FAILURES", login_max_failures, 1, 1000, "failed logins before 429"),
    I("login-window-s", "LIAISON_LOGIN_WINDOW_S", login_window_s, 1, 86400, "window for failed logins"),
    I("form-per-minute", "LIAISON_FORM_PER_MINUTE", form_per_minute, 1, 100000, "public form posts per IP a minute"),
    I("track-max-failures", "LIAISON_TRACK_MAX_FAILURES", track_max_failures, 1, 1000,
      "wrong tracking-code lookups per IP before 429"),
    I("triage-days", "LIAISON_TRIAGE_DAYS", triage_days, 1, 365, "working days to triage an opinion"),
    I("answer-days", "LIAISON_ANSWER_DAYS", answer_days, 1, 365, "working days to answer an opinion"),
    I("referral-days", "LIAISON_REFERRAL_DAYS", referral_days, 1, 365, "working days a referred unit gets by default"),
    I("reopen-limit", "LIAISON_REOPEN_LIMIT", reopen_limit, 0, 10, "times an unsatisfied rating reopens an opinion"),
    I("auto-close-days", "LIAISON_AUTO_CLOSE_DAYS", auto_close_days, 1, 365,
      "working days after which an unrated answer closes"),
    I("suggestion-months", "LIAISON_SUGGESTION_MONTHS", suggestion_months, 1, 12,
      "months a unit has to reply to a deputy suggestion"),
    I("key-suggestion-months", "LIAISON_KEY_SUGGESTION_MONTHS", key_suggestion_months, 1, 12,
      "months a unit has to reply to a key suggestion"),
    I("suggestion-redo-months", "LIAISON_SUGGESTION_REDO_MONTHS", suggestion_redo_months, 1, 12,
      "months of one more round after an unsatisfied rating"),
    I("suggestion-contest-days", "LIAISON_SUGGESTION_CONTEST_DAYS", suggestion_contest_days, 1, 60,
      "working days a unit may contest an assignment"),
    I("commit-batch", "LIAISON_COMMIT_BATCH", commit_batch, 1, 100000, "most writes in one group commit"),
    L("export-max-rows", "LIAISON_EXPORT_MAX_ROWS", export_max_rows, 1, 100000000,
      "most rows one CSV or Excel export may hold (larger ones are refused with 413)"),
    T("notify-webhook", "LIAISON_NOTIFY_WEBHOOK", notify_webhook, "URL that receives notifications as JSON POSTs"),
    T("notify-secret", "LIAISON_NOTIFY_SECRET", notify_secret, "HMAC-SHA256 key signing webhook posts"),
    T("notify-command", "LIAISON_NOTIFY_COMMAND", notify_command,
      "command that receives each notification as JSON on stdin"),
    T("notify-smtp-url", "LIAISON_NOTIFY_SMTP_URL", notify_smtp_url,
      "mail server for e-mail notifications: smtp://host:587 (STARTTLS when offered) or smtps://host:465; "
      "user:password@ before the host when it asks"),
    T("notify-smtp-from", "LIAISON_NOTIFY_SMTP_FROM", notify_smtp_from, "sender address of notification e-mail"),
    T("notify-lang", "LIAISON_NOTIFY_LANG", notify_lang, "language of notification templates: zh or en"),
    I("notify-max-attempts", "LIAISON_NOTIFY_MAX_ATTEMPTS", notify_max_attempts, 1, 100,
      "failed tries before a notification is a dead letter (staff see and retry those)"),
    I("notify-backoff-s", "LIAISON_NOTIFY_BACKOFF_S", notify_backoff_s, 1, 86400,
      "seconds before the first retry of a notification, doubled after each failure"),
    I("notify-backoff-max-s", "LIAISON_NOTIFY_BACKOFF_MAX_S", notify_backoff_max_s, 1, 7 * 86400,
      "longest pause between retries of a notification"),
    I("jobs-interval-s", "LIAISON_JOBS_INTERVAL_S", jobs_interval_s, 1, 3600,
      "seconds between runs of notifications, reminders and auto-closing"),
    B("access-log", "LIAISON_ACCESS_LOG", access_log, "one JSON line per request on stdout"),
    B("trust-proxy", "LIAISON_TRUST_PROXY", trust_proxy,
      "take the client address and scheme from X-Forwarded-For/-Proto (only behind your own proxy)"),
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

void config_defaults(config_t *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->db, sizeof(c->db), "liaison.db");
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
    snprintf(c->data_dir, sizeof(c->data_dir), ".");
    snprintf(c->web_dir, sizeof(c->web_dir), "web");
    snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
    c->rate_limits = true;
    c->max_body = 1L << 20;
    c->max_conns = 10000;
    c->max_conns_per_ip = 256;
    c->req_timeout_ms = 10000;
    c->idle_timeout_ms = 30000;
    c->session_idle_s = 2 * 3600;
    c->session_max_s = 12 * 3600;
    c->login_max_failures = 5;
    c->login_window_s = 900;
    c->form_per_minute = 10;
    c->track_max_failures = 10;
    c->triage_days = 2;
    c->answer_days = 15;
    c->referral_days = 10;
    c->reopen_limit = 1;
    c->auto_close_days = 7;
    c->suggestion_months = 3;
    c->key_suggestion_months = 2;
    c->suggestion_redo_months = 1;
    c->suggestion_contest_days = 5;
    c->commit_batch = 1000;
    c->export_max_rows = 1000000;
    c->jobs_interval_s = 30;
    snprintf(c->notify_lang, sizeof(c->notify_lang), "zh");
    c->notify_max_attempts = 10;
    c->notify_backoff_s = 30;
    c->notify_backoff_max_s = 6 * 3600;
    c->access_log = true;
}

static const row_t *find(const char *name)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].opt.name, name) == 0)
            return &rows[i];
    return NULL;
}

bool config_is_option(const char *name)
{
    return find(name) != NULL;
}

bool config_is_switch(const char *name)
{
    const row_t *r = find(name);
    return r && r->kind == BOOL;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "on") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
        *out = true;
    else if (!strcasecmp(v, "off") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
        *out = false;
    else
        return -1;
    return 0;
}

int config_set(config_t *c, const char *name, const char *value, char *err, size_t errlen)
{
    const row_t *r = find(name);
    if (r == NULL) {
        snprintf(err, errlen, "unknown option '%s'", name);
        return -1;
    }
    char *field = (char *)c + r->offset;
    switch (r->kind) {
    case TEXT:
        if (strlen(value) >= r->size) {
            snprintf(err, errlen, "%s: value is too long", name);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case BOOL:
        if (parse_bool(value, (bool *)field) != 0) {
            snprintf(err, errlen, "%s: expected on or off, got '%s'", name, value);
            return -1;
        }
        return 0;
    case INT:
    case LONG: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < r->min || v > r->max) {
            snprintf(err, errlen, "%s: expected a whole number from %ld to %ld, got '%s'", name, r->min,
                     r->max, value);
            return -1;
        }
        if (r->kind == INT)
            *(int *)field = (int)v;
        else
            *(long *)field = v;
        return 0;
    }
    }
    return -1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

int config_load_file(config_t *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[2048], sub[256];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (config_set(c, trim(s), trim(eq + 1), sub, sizeof(sub)) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

int config_load_env(config_t *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < NROWS; i++) {
        const char *v = rows[i].opt.env ? getenv(rows[i].opt.env) : NULL;
        if (v && config_set(c, rows[i].opt.name, v, err, errlen) != 0)
            return -1;
    }
    return 0;
}

int config_validate(const config_t *c, char *err, size_t errlen)
{
    if (!!c->tls_cert[0] != !!c->tls_key[0]) {
        snprintf(err, errlen, "tls-cert and tls-key go together");
        return -1;
    }
    const char *colon = strrchr(c->listen, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (colon == NULL || colon == c->listen || end == colon + 1 || *end || port < 1 || port > 65535) {
        snprintf(err, errlen, "listen: expected host:port, got '%s'", c->listen);
        return -1;
    }
    if (strncmp(c->public_url, "http://", 7) != 0 && strncmp(c->public_url, "https://", 8) != 0) {
        snprintf(err, errlen, "public-url: expected an http:// or https:// URL, got '%s'", c->public_url);
        return -1;
    }
    if (c->session_idle_s > c->session_max_s) {
        snprintf(err, errlen, "session-idle-s must not exceed session-max-s");
        return -1;
    }
    if (strcmp(c->notify_lang, "zh") != 0 && strcmp(c->notify_lang, "en") != 0) {
        snprintf(err, errlen, "notify-lang: expected zh or en, got '%s'", c->notify_lang);
        return -1;
    }
    if (c->notify_smtp_url[0] && (!c->notify_smtp_from[0] || (strncmp(c->notify_smtp_url, "smtp://", 7) != 0 &&
                                                               strncmp(c->notify_smtp_url, "smtps://", 8) != 0))) {
        snprintf(err, errlen, "notify-smtp-url: expected an smtp:// or smtps:// URL, with notify-smtp-from");
        return -1;
    }
    return 0;
}

const config_option_t *config_options(void)
{
    static config_option_t list[NROWS + 1];
    for (size_t i = 0; i < NROWS; i++)
        list[i] = rows[i].opt;
    return list;
}
