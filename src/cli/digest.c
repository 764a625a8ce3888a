/* digest: `liaison digest --week 2026-W47 --region CODE` - a region office's weekly digest
 * (一周一汇总) from the shell, made by the same builder as GET /api/v1/digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/digest.h"
#include "cli/cli.h"
#include "domain/region.h"
#include "store/regions.h"

static int write_out(const cli_spec_t *spec, const char *path, const char *data, size_t len)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (f == NULL) {
        cli_error(spec, "cannot write %s", path);
        return CLI_FAIL;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    if (path)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        cli_error(spec, "cannot write %s", path ? path : "the output");
    return ok ? CLI_OK : CLI_FAIL;
}

int cli_digest(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"week", "WEEK", "the ISO week, such as 2026-W47 (Monday to Sunday, Beijing time)", NULL},
        {"region", "CODE", "the region office's 12-digit code", NULL},
        {"format", "FORMAT", "text (default), json or xlsx", NULL},
        {"out", "FILE", "write to FILE instead of standard output (xlsx needs it)", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"digest", "digest --week WEEK --region CODE [--format text|json|xlsx] [--out FILE] [--db FILE]",
                       "Prints a region office's weekly digest: new opinions by category and by region, clusters "
                       "of similar opinions, and the items past their deadline.",
                       flags, false, 0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    const char *format = flags[2].value ? flags[2].value : "text", *why = NULL;
    digest_week_t week;
    if (flags[0].value == NULL || flags[1].value == NULL) {
        cli_error(&spec, "--week and --region are required (see --help)");
        return CLI_USAGE;
    }
    if (digest_week_parse(flags[0].value, &week, &why) != 0) {
        cli_error(&spec, "--week: %s", why);
        return CLI_USAGE;
    }
    if (!region_code_valid(flags[1].value)) {
        cli_error(&spec, "--region: expected a 12-digit region code, got '%s'", flags[1].value);
        return CLI_USAGE;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "xlsx") != 0) {
        cli_error(&spec, "--format must be text, json or xlsx");
        return CLI_USAGE;
    }
    if (strcmp(format, "xlsx") == 0 && flags[3].value == NULL) {
        cli_error(&spec, "--format xlsx needs --out FILE");
        return CLI_USAGE;
    }
    store_t *db;
    if ((status = cli_open_db(&spec, &args.cfg, &db)) != CLI_OK)
        return status;
    if (store_region_exists(db, flags[1].value) != STORE_OK) {
        store_close(db);
        cli_error(&spec, "--region: no region %s", flags[1].value);
        return CLI_FAIL;
    }
    json_t *digest = api_digest_build(db, flags[1].value, &week, time(NULL));
    store_close(db);
    if (digest == NULL) {
        cli_error(&spec, "cannot read the digest");
        return CLI_FAIL;
    }
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    status = CLI_OK;
    if (strcmp(format, "json") == 0) {
        char *text = json_dumps(digest, JSON_INDENT(2));
        if (text)
            buf_addf(&out, "%s\n", text);
        free(text);
    } else if (strcmp(format, "text") == 0) {
        api_digest_text(digest, &out);
    } else if (api_digest_xlsx(digest, &out, err, sizeof(err)) != 0) {
        cli_error(&spec, "%s", err);
        status = CLI_FAIL;
    }
    json_decref(digest);
    if (status == CLI_OK)
        status = write_out(&spec, flags[3].value, out.data ? out.data : "", out.len);
    buf_free(&out);
    return status;
}
