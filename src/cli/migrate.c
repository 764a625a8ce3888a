/* migrate and init: create and update the schema (and, for init, the data directory). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/vault.h"
#include "cli/cli.h"
#include "store/migrations.h"

static int migrate(const cli_spec_t *spec, const config_t *cfg)
{
    char err[512];
    store_t *db;
    if (store_open(&db, cfg->db, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK) {
        cli_error(spec, "%s", err);
        return CLI_FAIL;
    }
    int applied;
    int rc = store_migrate(db, &applied, err, sizeof(err));
    store_close(db);
    if (rc != STORE_OK) {
        cli_error(spec, "%s", err);
        return CLI_FAIL;
    }
    printf("schema version %d (%d migration%s applied)\n", store_schema_latest(), applied, applied == 1 ? "" : "s");
    return CLI_OK;
}

int cli_migrate(int argc, char **argv)
{
    cli_spec_t spec = {"migrate", "migrate [--db FILE]",
                       "Applies every migration the database lacks. Running it again changes nothing;\n"
                       "a database with a newer schema than this binary knows is refused.",
                       NULL, false, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    return migrate(&spec, &args.cfg);
}

int cli_init(int argc, char **argv)
{
    cli_spec_t spec = {"init", "init [--db FILE] [--data-dir DIR]",
                       "Creates the data directory with the key that encrypts personal data\n"
                       "(mode 0600, kept if it exists), and creates or migrates the database.",
                       NULL, false, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    if (mkdir(args.cfg.data_dir, 0750) != 0 && errno != EEXIST) {
        cli_error(&spec, "%s: %s", args.cfg.data_dir, strerror(errno));
        return CLI_FAIL;
    }
    char err[512];
    int created;
    if (vault_init(args.cfg.data_dir, &created, err, sizeof(err)) != 0) {
        cli_error(&spec, "%s", err);
        return CLI_FAIL;
    }
    printf("%s key in %s\n", created ? "created the" : "kept the", args.cfg.data_dir);
    return migrate(&spec, &args.cfg);
}
