/*
 * insert_baseline: the database ceiling of bench/opinions.sh - opinion submissions written by a
 * plain C loop straight into SQLite, with none of the server around it.
 *
 * The one idea: it writes exactly the rows the server writes for a public submission (one
 * opinions row with the server's INSERT, one opinion_events row 'register'), copied from a
 * submission the server stored, into a database of the server's own schema, with the server's
 * pragmas (WAL, synchronous=FULL, foreign keys), in transactions of BATCH submissions, for
 * SECONDS seconds. What is left out is everything that is not SQLite: HTTP, JSON, validation,
 * the sealing of the phone number, deadlines, the writer's queue and savepoints.
 *
 * usage: insert_baseline TEMPLATE_DB CODE DB SECONDS BATCH
 *   TEMPLATE_DB  the server's database (read only), holding the submission to copy
 *   CODE         that submission's tracking code
 *   DB           the database to write into (a fresh `liaison init` + `liaison demo`)
 * Prints one line: "submissions N seconds S per_second R transactions T". Exit status 1 on any
 * error, with a message on stderr.
 *
 * Built by bench/opinions.sh with `cc -O2 insert_baseline.c -lsqlite3`; not part of liaison.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The server's tracking code: 8 characters of this alphabet, drawn at random (src/domain/opinion.c). */
static const char code_alphabet[] = "ACDEFGHJKMNPQRTWXY34679";
enum { CODE_LEN = 8 };

/* The columns of the server's submission that the loop copies into every row. */
typedef struct {
    int64_t station_id, deputy_id, category_id, consent_publish, triage_due, answer_due;
    char *channel, *region, *content, *location, *phone_sealed, *phone_hash, *phone4;
} template_t;

static sqlite3 *db_out;

static void fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "insert_baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
    exit(1);
}

static char *text_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? strdup((const char *)t) : NULL;
}

static void read_template(const char *path, const char *code, template_t *t)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail(db, path);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT coalesce(station_id, 0), coalesce(deputy_id, 0), category_id, consent_publish,"
                           " triage_due, answer_due, channel, region_code, content, location, phone_sealed,"
                           " phone_hash, phone4 FROM opinions WHERE tracking_code = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        fail(db, "reading the template opinion");
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail(db, "the template database holds no opinion with that tracking code");
    t->station_id = sqlite3_column_int64(st, 0);
    t->deputy_id = sqlite3_column_int64(st, 1);
    t->category_id = sqlite3_column_int64(st, 2);
    t->consent_publish = sqlite3_column_int64(st, 3);
    t->triage_due = sqlite3_column_int64(st, 4);
    t->answer_due = sqlite3_column_int64(st, 5);
    t->channel = text_or_null(st, 6);
    t->region = text_or_null(st, 7);
    t->content = text_or_null(st, 8);
    t->location = text_or_null(st, 9);
    t->phone_sealed = text_or_null(st, 10);
    t->phone_hash = text_or_null(st, 11);
    t->phone4 = text_or_null(st, 12);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: codes need only be spread like the server's, not unpredictable */
static uint64_t rng_state;
static uint32_t draw(uint32_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32) % n;
}

static void draw_code(char out[CODE_LEN + 1])
{
    for (int i = 0; i < CODE_LEN; i++)
        out[i] = code_alphabet[draw(sizeof(code_alphabet) - 1)];
    out[CODE_LEN] = '\0';
}

static void exec(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db_out, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "insert_baseline: %s: %s\n", sql, msg ? msg : "error");
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db_out, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        fail(db_out, sql);
    return st;
}

static void bind_text_or_null(sqlite3_stmt *st, int n, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, n, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, n);
}

static void bind_id_or_null(sqlite3_stmt *st, int n, int64_t id)
{
    if (id)
        sqlite3_bind_int64(st, n, id);
    else
        sqlite3_bind_null(st, n);
}

static int64_t count_opinions(void)
{
    sqlite3_stmt *st = prepare("SELECT count(*) FROM opinions");
    if (sqlite3_step(st) != SQLITE_ROW)
        fail(db_out, "counting opinions");
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 6 || atoi(argv[4]) < 1 || atoi(argv[5]) < 1) {
        fprintf(stderr, "usage: insert_baseline TEMPLATE_DB CODE DB SECONDS BATCH\n");
        return 2;
    }
    double seconds = atof(argv[4]);
    int batch = atoi(argv[5]);
    template_t t;
    read_template(argv[1], argv[2], &t);
    rng_state = (uint64_t)time(NULL) * 6364136223846793005ULL ^ (uint64_t)getpid();
    if (rng_state == 0)
        rng_state = 1;

    if (sqlite3_open_v2(argv[3], &db_out, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail(db_out, argv[3]);
    sqlite3_extended_result_codes(db_out, 1);
    sqlite3_busy_timeout(db_out, 5000);
    /* the server's pragmas (src/store/sqlite.c, store_open for writing) */
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    int64_t before = count_opinions();

    /* the server's two statements (src/store/opinions.c), column for column */
    sqlite3_stmt *opinion =
        prepare("INSERT INTO opinions (tracking_code, secret_hash, secret_sealed, idempotency_key, channel,"
                " station_id, deputy_id, region_code, category_id, content, location, name_sealed, phone_sealed,"
                " address_sealed, phone_hash, phone4, consent_publish, state, urgency, triage_due, answer_due,"
                " created_by, created_at, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
                " 'registered', 'normal', $18, $19, $20, $21, $21)");
    sqlite3_stmt *event =
        prepare("INSERT INTO opinion_events (opinion_id, at, actor_id, actor, action, from_state, to_state, note,"
                " public_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE"); /* as the writer begins (store_begin) */
    sqlite3_stmt *commit = prepare("COMMIT");

    /* what stays the same from row to row is bound once; sqlite3_reset keeps bindings */
    bind_text_or_null(opinion, 2, NULL);
    bind_text_or_null(opinion, 3, NULL);
    bind_text_or_null(opinion, 4, NULL);
    sqlite3_bind_text(opinion, 5, t.channel, -1, SQLITE_STATIC);
    bind_id_or_null(opinion, 6, t.station_id);
    bind_id_or_null(opinion, 7, t.deputy_id);
    sqlite3_bind_text(opinion, 8, t.region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(opinion, 9, t.category_id);
    sqlite3_bind_text(opinion, 10, t.content, -1, SQLITE_STATIC);
    sqlite3_bind_text(opinion, 11, t.location ? t.location : "", -1, SQLITE_STATIC);
    bind_text_or_null(opinion, 12, NULL);
    bind_text_or_null(opinion, 13, t.phone_sealed);
    bind_text_or_null(opinion, 14, NULL);
    bind_text_or_null(opinion, 15, t.phone_hash);
    bind_text_or_null(opinion, 16, t.phone4);
    sqlite3_bind_int64(opinion, 17, t.consent_publish);
    sqlite3_bind_int64(opinion, 18, t.triage_due);
    sqlite3_bind_int64(opinion, 19, t.answer_due);
    bind_id_or_null(opinion, 20, 0);
    sqlite3_bind_null(event, 3);
    sqlite3_bind_text(event, 4, "constituent", -1, SQLITE_STATIC);
    sqlite3_bind_text(event, 5, "register", -1, SQLITE_STATIC);
    sqlite3_bind_null(event, 6);
    sqlite3_bind_text(event, 7, "registered", -1, SQLITE_STATIC);
    sqlite3_bind_text(event, 8, "", -1, SQLITE_STATIC);
    sqlite3_bind_text(event, 9, "", -1, SQLITE_STATIC);

    int64_t submissions = 0, transactions = 0;
    double start = now_s(), elapsed = 0;
    char code[CODE_LEN + 1];
    while (elapsed < seconds) {
        if (sqlite3_step(begin) != SQLITE_DONE)
            fail(db_out, "BEGIN IMMEDIATE");
        sqlite3_reset(begin);
        for (int i = 0; i < batch; i++) {
            int64_t at = time(NULL);
            int rc;
            do { /* a code already taken is drawn again, as the server does */
                draw_code(code);
                sqlite3_bind_text(opinion, 1, code, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(opinion, 21, at);
                rc = sqlite3_step(opinion);
                sqlite3_reset(opinion);
            } while (rc == SQLITE_CONSTRAINT_UNIQUE);
            if (rc != SQLITE_DONE)
                fail(db_out, "inserting an opinion");
            sqlite3_bind_int64(event, 1, sqlite3_last_insert_rowid(db_out));
            sqlite3_bind_int64(event, 2, at);
            if (sqlite3_step(event) != SQLITE_DONE)
                fail(db_out, "inserting an opinion event");
            sqlite3_reset(event);
        }
        if (sqlite3_step(commit) != SQLITE_DONE)
            fail(db_out, "COMMIT");
        sqlite3_reset(commit);
        submissions += batch;
        transactions++;
        elapsed = now_s() - start;
    }

    int64_t stored = count_opinions() - before;
    if (stored != submissions) {
        fprintf(stderr, "insert_baseline: %lld submissions committed but %lld rows stored\n", (long long)submissions,
                (long long)stored);
        return 1;
    }
    printf("submissions %lld seconds %.3f per_second %.0f transactions %lld\n", (long long)submissions, elapsed,
           (double)submissions / elapsed, (long long)transactions);
    sqlite3_finalize(opinion);
    sqlite3_finalize(event);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    if (sqlite3_close(db_out) != SQLITE_OK)
        fail(db_out, "closing the database");
    return 0;
}
