/*
 * config: the server's settings, read once at start and read-only afterwards.
 *
 * One table of options drives every source, so a setting has one name everywhere:
 *   defaults < config file (`key = value` lines) < environment (LIAISON_*) < command-line flags.
 * Functions return 0 on success or -1 with a one-line message in err (caller-provided).
 */
#ifndef LIAISON_CORE_CONFIG_H
#define LIAISON_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char db[512];            /* SQLite database file */
    char listen[128];        /* host:port */
    char data_dir[512];      /* uploads and keys */
    char web_dir[512];       /* static front end */
    char public_url[256];    /* where the public reaches us: the base of QR-code links */
    char tls_cert[512];      /* PEM certificate; TLS is served when cert and key are set */
    char tls_key[512];
    bool http2;              /* off by default: h2o 2.2.5 predates the rapid-reset fix */
    bool rate_limits;        /* LIAISON_RATE_LIMITS=off disables them, for benchmarks */
    int threads;             /* event loops; 0 = one per core */
    long max_body;           /* bytes of a request body */
    int max_conns;           /* connections in total */
    int max_conns_per_ip;
    int req_timeout_ms;      /* time to read a whole request */
    int idle_timeout_ms;     /* keep-alive idle time */
    int session_idle_s;      /* a session ends after this long unused */
    int session_max_s;       /* and after this long in any case */
    int login_max_failures;  /* failed logins per IP or username within the window */
    int login_window_s;
    int form_per_minute;     /* public form submissions per IP per minute */
    int track_max_failures;  /* wrong tracking lookups per IP within login_window_s */
    int triage_days;         /* SPEC §3 deadlines, in working days */
    int answer_days;
    int referral_days;       /* a referred unit's default deadline */
    int reopen_limit;        /* times 不满意 reopens an opinion */
    int auto_close_days;     /* an unrated answer closes after this many working days */
    int suggestion_months;   /* SPEC §5: months a unit has to reply to a suggestion */
    int key_suggestion_months; /* the shorter deadline of a key suggestion (重点督办) */
    int suggestion_redo_months; /* months of one more round after 不满意 */
    int suggestion_contest_days; /* working days a unit may contest an assignment */
    int commit_batch;        /* most writes in one group commit */
    long export_max_rows;    /* most rows one export may hold; more is refused before it starts */
    char notify_webhook[512];  /* notifications go to this URL... */
    char notify_secret[128];   /* ...signed with this key, */
    char notify_command[512];  /* or to this command; neither: to the log */
    char notify_smtp_url[512]; /* e-mail through this server (smtp:// or smtps://), when set... */
    char notify_smtp_from[256]; /* ...from this address */
    char notify_lang[8];       /* zh or en: the language of the templates */
    int notify_max_attempts;   /* failed tries before a message is a dead letter */
    int notify_backoff_s;      /* the pause after the first failure, doubled after each */
    int notify_backoff_max_s;  /* and never longer than this */
    int jobs_interval_s;       /* how often notifications, reminders and auto-closing run */
    bool access_log;
    bool trust_proxy;        /* behind a reverse proxy: take client IP and scheme from X-Forwarded-* */
} config_t;

typedef struct {
    const char *name;        /* flag --name and file key `name` */
    const char *env;         /* environment variable, or NULL */
    const char *help;
    bool is_switch;          /* on/off: given alone as --name, or --name=off */
} config_option_t;

void config_defaults(config_t *c);
/* Applies one option by name; value is text as given by any source. */
int config_set(config_t *c, const char *name, const char *value, char *err, size_t errlen);
int config_load_file(config_t *c, const char *path, char *err, size_t errlen);
int config_load_env(config_t *c, char *err, size_t errlen);
/* Checks values that can only be judged together (e.g. a TLS key without a certificate). */
int config_validate(const config_t *c, char *err, size_t errlen);
/* NULL-terminated table of every option, for --help. */
const config_option_t *config_options(void);
bool config_is_option(const char *name);
bool config_is_switch(const char *name);

#endif
