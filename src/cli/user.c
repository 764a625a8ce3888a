/*
 * user: account management from the shell, for the first admin and for recovery. The shell is
 * trusted (it can read the database file anyway), so no policy applies; every change is still
 * written to the audit log, as actor "cli".
 */
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "auth/password.h"
#include "auth/policy.h"
#include "core/utf8.h"
#include "cli/cli.h"
#include "domain/region.h"
#include "store/regions.h"
#include "store/accounts.h"
#include "store/audit.h"

static int audit(store_t *db, const char *action, int64_t id, const char *region, const char *detail)
{
    char entity_id[24];
    snprintf(entity_id, sizeof(entity_id), "%lld", (long long)id);
    store_audit_t a = {.at = time(NULL), .actor = "cli", .action = action, .entity = "user",
                       .entity_id = entity_id, .region = region, .detail = detail};
    return store_audit_append(db, &a);
}

/* Runs one account change and its audit entry in one transaction. */
static int commit_or_rollback(store_t *db, int rc)
{
    if (rc == STORE_OK)
        return store_commit(db);
    store_rollback(db);
    return rc;
}

int cli_create_user(store_t *db, const store_user_t *u, const char *password, int64_t *id, char *err, size_t errlen)
{
    const char *problem = password_problem(password);
    if (problem) {
        snprintf(err, errlen, "%s", problem);
        return STORE_ERR;
    }
    size_t name_len = strlen(u->display_name);
    if (!utf8_valid(u->display_name, name_len) || name_len == 0 || utf8_chars(u->display_name, name_len) > 40) {
        snprintf(err, errlen, "the display name must be 1 to 40 characters");
        return STORE_ERR;
    }
    if (!region_code_valid(u->region) || store_region_exists(db, u->region) != STORE_OK) {
        snprintf(err, errlen, "no such region %s", u->region);
        return STORE_ERR;
    }
    if (role_from_name(u->role) == ROLE_PUBLIC) {
        snprintf(err, errlen, "role must be admin, staff, deputy, unit or member");
        return STORE_ERR;
    }
    store_user_t copy = *u;
    if (password_hash(password, copy.password_hash) != 0) {
        snprintf(err, errlen, "cannot hash the password");
        return STORE_ERR;
    }
    int rc = store_begin(db);
    if (rc == STORE_OK) {
        rc = store_user_insert(db, &copy, time(NULL), id);
        if (rc == STORE_OK)
            rc = store_user_set_stations(db, *id, u->stations, u->nstations);
        if (rc == STORE_OK)
            rc = audit(db, "user.create", *id, u->region, u->role);
        rc = commit_or_rollback(db, rc);
    }
    if (rc == STORE_ECONSTRAINT)
        snprintf(err, errlen, "username %s is taken, or a station named does not exist", u->username);
    else if (rc != STORE_OK)
        snprintf(err, errlen, "%s", store_errmsg(db));
    return rc;
}

/* The password from --password, LIAISON_PASSWORD, or one line of standard input. */
static const char *read_password(const char *flag, char *buf, size_t len)
{
    if (flag)
        return flag;
    const char *env = getenv("LIAISON_PASSWORD");
    if (env)
        return env;
    struct termios saved, quiet;
    bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
    if (tty) { /* type it unseen */
        fprintf(stderr, "password: ");
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    const char *line = fgets(buf, (int)len, stdin);
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (line == NULL)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static int user_add(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"display-name", "NAME", "name shown to people (default: the username)", NULL},
        {"role", "ROLE", "admin, staff, deputy, unit or member (default admin)", NULL},
        {"region", "CODE", "12-digit region code of the account's scope", NULL},
        {"password", "PASSWORD", "the password (else LIAISON_PASSWORD, else a line on stdin)", NULL},
        {"stations", "ID,ID", "staff: the stations they work for (up to 8 ids)", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"user add", "user add USERNAME --region CODE [--role ROLE] [--display-name NAME]",
                       "Creates an account.", flags, false, 1};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    if (flags[2].value == NULL) {
        cli_error(&spec, "--region is required");
        return CLI_USAGE;
    }
    store_user_t u = {0};
    snprintf(u.username, sizeof(u.username), "%s", args.positional[0]);
    const char *display = flags[0].value ? flags[0].value : args.positional[0];
    if (strlen(display) >= sizeof(u.display_name)) {
        cli_error(&spec, "--display-name: at most 40 characters");
        return CLI_USAGE;
    }
    snprintf(u.display_name, sizeof(u.display_name), "%s", display);
    snprintf(u.role, sizeof(u.role), "%s", flags[1].value ? flags[1].value : "admin");
    snprintf(u.region, sizeof(u.region), "%s", flags[2].value);
    for (const char *p = flags[4].value; p && *p && u.nstations < STORE_USER_MAX_STATIONS;) {
        char *end;
        long long id = strtoll(p, &end, 10);
        if (id < 1 || (*end && *end != ',')) {
            cli_error(&spec, "--stations: expected station ids separated by commas");
            return CLI_USAGE;
        }
        u.stations[u.nstations++] = id;
        p = *end ? end + 1 : end;
    }
    char buf[PASSWORD_MAX_BYTES + 2], err[512];
    const char *password = read_password(flags[3].value, buf, sizeof(buf));
    if (password == NULL) {
        cli_error(&spec, "no password given");
        return CLI_USAGE;
    }
    store_t *db;
    if (cli_open_db(&spec, &args.cfg, &db) != CLI_OK)
        return CLI_FAIL;
    int64_t id;
    int rc = cli_create_user(db, &u, password, &id, err, sizeof(err));
    sodium_memzero(buf, sizeof(buf));
    store_close(db);
    if (rc != STORE_OK) {
        cli_error(&spec, "%s", err);
        return CLI_FAIL;
    }
    printf("created %s (id %lld, %s, region %s)\n", u.username, (long long)id, u.role, u.region);
    return CLI_OK;
}

static int print_user(const store_user_t *u, void *arg)
{
    (void)arg;
    printf("%-6lld %-20s %-8s %s  %s%s\n", (long long)u->id, u->username, u->role, u->region, u->display_name,
           u->disabled ? "  (disabled)" : "");
    return 0;
}

static int user_list(int argc, char **argv)
{
    cli_spec_t spec = {"user list", "user list", "Lists every account.", NULL, false, 0};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    int rc = store_user_each(db, NULL, NULL, -1, 0, print_user, NULL);
    store_close(db);
    return rc == STORE_OK ? CLI_OK : CLI_FAIL;
}

/* Loads USERNAME or says it does not exist. */
static int find_user(const cli_spec_t *spec, store_t *db, const char *username, store_user_t *u)
{
    if (store_user_by_username(db, username, u) == STORE_OK)
        return CLI_OK;
    cli_error(spec, "no account named %s", username);
    return CLI_FAIL;
}

static int user_passwd(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"password", "PASSWORD", "the new password (else LIAISON_PASSWORD, else a line on stdin)", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"user passwd", "user passwd USERNAME", "Sets an account's password and ends its sessions.",
                       flags, false, 1};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    char buf[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
    const char *password = read_password(flags[0].value, buf, sizeof(buf));
    const char *problem = password ? password_problem(password) : "no password given";
    if (problem) {
        cli_error(&spec, "%s", problem);
        return CLI_USAGE;
    }
    store_t *db;
    store_user_t u;
    if (cli_open_db(&spec, &args.cfg, &db) != CLI_OK)
        return CLI_FAIL;
    if (find_user(&spec, db, args.positional[0], &u) != CLI_OK || password_hash(password, hash) != 0) {
        store_close(db);
        return CLI_FAIL;
    }
    sodium_memzero(buf, sizeof(buf));
    int rc = store_begin(db);
    if (rc == STORE_OK) {
        rc = store_user_set_password(db, u.id, hash, time(NULL));
        if (rc == STORE_OK)
            rc = store_session_delete_for_user(db, u.id, NULL, 0);
        if (rc == STORE_OK)
            rc = audit(db, "user.update", u.id, u.region, "password reset");
        rc = commit_or_rollback(db, rc);
    }
    store_close(db);
    if (rc != STORE_OK) {
        cli_error(&spec, "cannot set the password");
        return CLI_FAIL;
    }
    printf("password of %s changed; its sessions ended\n", u.username);
    return CLI_OK;
}

static int set_disabled(int argc, char **argv, int disabled)
{
    cli_spec_t spec = {disabled ? "user disable" : "user enable", disabled ? "user disable USERNAME" : "user enable USERNAME",
                       disabled ? "Disables an account and ends its sessions." : "Enables a disabled account.", NULL,
                       false, 1};
    cli_args_t args;
    store_t *db;
    store_user_t u;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    if (find_user(&spec, db, args.positional[0], &u) != CLI_OK) {
        store_close(db);
        return CLI_FAIL;
    }
    int rc = store_begin(db);
    if (rc == STORE_OK) {
        rc = store_user_set_disabled(db, u.id, disabled, time(NULL));
        if (rc == STORE_OK && disabled)
            rc = store_session_delete_for_user(db, u.id, NULL, 0);
        if (rc == STORE_OK)
            rc = audit(db, "user.update", u.id, u.region, disabled ? "disabled" : "enabled");
        rc = commit_or_rollback(db, rc);
    }
    store_close(db);
    if (rc != STORE_OK) {
        cli_error(&spec, "cannot change the account");
        return CLI_FAIL;
    }
    printf("%s %s\n", u.username, disabled ? "disabled" : "enabled");
    return CLI_OK;
}

static int user_disable(int argc, char **argv) { return set_disabled(argc, argv, 1); }
static int user_enable(int argc, char **argv) { return set_disabled(argc, argv, 0); }

int cli_user(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"add", user_add}, {"list", user_list}, {"passwd", user_passwd},
                {"disable", user_disable}, {"enable", user_enable}};
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        FILE *out = argc < 1 ? stderr : stdout;
        fprintf(out, "usage: liaison user add|list|passwd|disable|enable [options]\n\n"
                     "Manages accounts; liaison user SUBCOMMAND --help shows its options.\n");
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(argv[0], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "liaison user: unknown subcommand '%s' (see liaison user --help)\n", argv[0]);
    return CLI_USAGE;
}
