/* backup, audit and routes: operating a running installation from the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli/cli.h"
#include "store/audit.h"

static void show_progress(int done, int total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rbackup: %d of %d pages (%d%%)", done, total, total ? done * 100 / total : 100);
}

int cli_backup(int argc, char **argv)
{
    cli_spec_t spec = {"backup", "backup DEST [--db FILE]",
                       "Copies the database to DEST while the server keeps serving (SQLite online backup).",
                       NULL, false, 1};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    store_t *db;
    char err[512];
    if (store_open(&db, args.cfg.db, STORE_READ_ONLY, err, sizeof(err)) != STORE_OK) {
        cli_error(&spec, "%s", err);
        return CLI_FAIL;
    }
    int rc = store_backup(db, args.positional[0], show_progress, NULL, err, sizeof(err));
    store_close(db);
    fputc('\n', stderr);
    if (rc != STORE_OK) {
        cli_error(&spec, "%s", err);
        return CLI_FAIL;
    }
    printf("backed up %s to %s\n", args.cfg.db, args.positional[0]);
    return CLI_OK;
}

/* YYYY-MM-DD as midnight in Asia/Shanghai (UTC+8, no daylight saving), in UTC seconds. */
static int parse_date(const char *s, int64_t *out)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = (int64_t)t - 8 * 3600;
    return 0;
}

static int print_entry(const store_audit_t *a, void *arg)
{
    int64_t *last = arg;
    time_t local = (time_t)(a->at + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    printf("%04d-%02d-%02d %02d:%02d:%02d+08  %-12s %-22s %s#%s  region=%s ip=%s  %s\n", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, a->actor[0] ? a->actor : "-", a->action,
           a->entity, a->entity_id, a->region, a->ip, a->detail);
    *last = a->id;
    return 0;
}

int cli_audit(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"since", "DATE", "only entries from this day on (YYYY-MM-DD, Beijing time)", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"audit", "audit [--since DATE] [--db FILE]", "Prints the audit log, oldest first.", flags, false, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    int64_t since = 0;
    if (flags[0].value && parse_date(flags[0].value, &since) != 0) {
        cli_error(&spec, "--since: expected a date like 2026-11-01, got '%s'", flags[0].value);
        return CLI_USAGE;
    }
    store_t *db;
    if ((status = cli_open_db(&spec, &args.cfg, &db)) != CLI_OK)
        return status;
    int64_t last = 0, before;
    int rc;
    do { /* page through by id so the output streams without holding the table */
        before = last;
        rc = store_audit_each(db, since, NULL, NULL, last, 1000, print_entry, &last);
    } while (rc == STORE_OK && last != before);
    store_close(db);
    return rc == STORE_OK ? CLI_OK : CLI_FAIL;
}

int cli_routes(int argc, char **argv)
{
    cli_spec_t spec = {"routes", "routes", "Lists every HTTP route and the policy action it performs.", NULL, false, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    for (const http_route_t *r = api_routes; r->method; r++)
        printf("%-7s %-32s %s\n", r->method, r->pattern, r->action);
    return CLI_OK;
}
