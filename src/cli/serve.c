/* serve: checks the settings and the schema, then runs the server until SIGTERM. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "api/api.h"
#include "api/background.h"
#include "auth/vault.h"
#include "cli/cli.h"
#include "core/log.h"
#include "store/migrations.h"
#include "store/registry.h"

int cli_serve(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"check-config", NULL, "validate the settings, the database, the key file and TLS files, then exit", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"serve", "serve [options]", "Serves the JSON API and the web front end.", flags, true, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    char err[512];
    if (config_validate(&args.cfg, err, sizeof(err)) != 0) {
        cli_error(&spec, "%s", err);
        return CLI_USAGE;
    }
    struct stat st;
    if (stat(args.cfg.web_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error(&spec, "web-dir %s is not a directory", args.cfg.web_dir);
        return CLI_USAGE;
    }
    store_t *db;
    if (cli_open_db(&spec, &args.cfg, &db) != CLI_OK)
        return CLI_FAIL;
    store_close(db);
    vault_t *vault = vault_load(args.cfg.data_dir, err, sizeof(err));
    if (vault == NULL) {
        cli_error(&spec, "%s", err);
        return CLI_FAIL;
    }
    vault_free(vault);
    const char *tls[] = {args.cfg.tls_cert, args.cfg.tls_key};
    for (int i = 0; i < 2; i++)
        if (tls[i][0] && access(tls[i], R_OK) != 0) {
            cli_error(&spec, "%s: %s", tls[i], strerror(errno));
            return CLI_FAIL;
        }
    if (flags[0].value) {
        printf("configuration is valid: %s, database %s\n", args.cfg.listen, args.cfg.db);
        return CLI_OK;
    }
    store_registry_init();
    return http_server_run(&args.cfg, api_routes, api_background_tick);
}
