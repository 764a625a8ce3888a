/*
 * league_baseline: the naive side of bench/league.sh - the league table of units computed the way
 * Liaison computed it before the rollup (migrations/014_suggestion_league.sql): a GROUP BY over
 * every lead assignment of the congress and session, joined with the suggestions, in a plain C
 * loop with none of the server around it.
 *
 * The one idea: THREADS threads, each with its own read-only connection (as each of the server's
 * event loops has), run the pre-rollup query of src/store/suggestions.c to its last row, again
 * and again, for SECONDS seconds. What is left out is everything that is not SQLite: HTTP, the
 * session check, JSON.
 *
 * usage: league_baseline DB CONGRESS SESSION REGION_LO REGION_HI SECONDS THREADS [--print]
 * Prints "queries N seconds S per_second R"; with --print, first the rows of one run, one a line
 * "unit_id assigned completed a_count rated satisfied solve_count". Exit status 1 on any error.
 *
 * Built by bench/league.sh with `cc -O2 league_baseline.c -lsqlite3 -lpthread`; not part of liaison.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DONE "s.state IN ('replied', 'evaluated', 'closed')"
/* the league query as it was before the rollup, word for word */
static const char naive_sql[] =
    "SELECT su.unit_id, coalesce(u.name, ''), count(*), sum(" DONE "), sum(" DONE " AND s.reply_category = 'A'),"
    " sum(" DONE " AND s.rating IS NOT NULL), sum(" DONE " AND s.rating IN ('satisfied', 'basic')),"
    " sum(" DONE " AND s.reply_type = 'solve')"
    " FROM suggestions s JOIN suggestion_units su ON su.suggestion_id = s.id AND su.role = 'lead'"
    " AND su.state <> 'replaced' LEFT JOIN units u ON u.id = su.unit_id"
    " WHERE s.congress_id = ?1 AND s.session = ?2 AND s.state IN ('assigned', 'contested', 'handling',"
    " 'replied', 'evaluated', 'closed') AND s.region_code >= ?3 AND s.region_code < ?4"
    " GROUP BY su.unit_id ORDER BY su.unit_id";

static const char *path, *session, *lo, *hi;
static int64_t congress;
static double seconds;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "league_baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
    exit(1);
}

static sqlite3_stmt *prepare(sqlite3 **db)
{
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        fail(*db, path);
    sqlite3_busy_timeout(*db, 5000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(*db, naive_sql, -1, &st, NULL) != SQLITE_OK)
        fail(*db, "preparing the league query");
    sqlite3_bind_int64(st, 1, congress);
    sqlite3_bind_text(st, 2, session, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hi, -1, SQLITE_STATIC);
    return st;
}

/* One run of the query to its last row; prints the rows when out is given. */
static void run(sqlite3 *db, sqlite3_stmt *st, FILE *out)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out)
            fprintf(out, "%lld %lld %lld %lld %lld %lld %lld\n", (long long)sqlite3_column_int64(st, 0),
                    (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
                    (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
                    (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7));
        else
            (void)sqlite3_column_text(st, 1); /* the unit's name, as the server reads it */
    }
    if (rc != SQLITE_DONE)
        fail(db, "running the league query");
    sqlite3_reset(st);
}

static void *worker(void *arg)
{
    sqlite3 *db;
    sqlite3_stmt *st = prepare(&db);
    int64_t n = 0;
    double end = now() + seconds;
    while (now() < end) {
        run(db, st, NULL);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    *(int64_t *)arg = n;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 8 || argc > 9 || (argc == 9 && strcmp(argv[8], "--print") != 0)) {
        fprintf(stderr, "usage: league_baseline DB CONGRESS SESSION REGION_LO REGION_HI SECONDS THREADS [--print]\n");
        return 1;
    }
    path = argv[1];
    congress = atoll(argv[2]);
    session = argv[3];
    lo = argv[4];
    hi = argv[5];
    seconds = atof(argv[6]);
    int threads = atoi(argv[7]);
    if (congress < 1 || seconds <= 0 || threads < 1 || threads > 64) {
        fprintf(stderr, "league_baseline: bad CONGRESS, SECONDS or THREADS\n");
        return 1;
    }
    if (argc == 9) {
        sqlite3 *db;
        sqlite3_stmt *st = prepare(&db);
        run(db, st, stdout);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    pthread_t tid[64];
    int64_t count[64] = {0}, total = 0;
    double start = now();
    for (int i = 0; i < threads; i++)
        if (pthread_create(&tid[i], NULL, worker, &count[i]) != 0)
            fail(NULL, "starting a thread");
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        total += count[i];
    }
    double took = now() - start;
    printf("queries %lld seconds %.2f per_second %.1f\n", (long long)total, took, total / took);
    return 0;
}
