/* cli: the shared flag parser; see cli.h for the rules. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/migrations.h"

static const char *const basic_settings[] = {"db", "data-dir", NULL};

void cli_error(const cli_spec_t *spec, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "liaison %s: ", spec->command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool setting_allowed(const cli_spec_t *spec, const char *name)
{
    if (!config_is_option(name))
        return false;
    if (spec->all_settings)
        return true;
    for (int i = 0; basic_settings[i]; i++)
        if (strcmp(basic_settings[i], name) == 0)
            return true;
    return false;
}

static void print_help(const cli_spec_t *spec)
{
    printf("usage: liaison %s\n\n%s\n\noptions:\n", spec->usage, spec->summary);
    for (cli_flag_t *f = spec->flags; f && f->name; f++)
        printf("  --%s%s%s\n      %s\n", f->name, f->arg ? " " : "", f->arg ? f->arg : "", f->help);
    for (const config_option_t *o = config_options(); o->name; o++)
        if (setting_allowed(spec, o->name))
            printf("  --%s%s\n      %s%s%s\n", o->name, o->is_switch ? "[=on|off]" : " VALUE", o->help,
                   o->env ? "; env " : "", o->env ? o->env : "");
    printf("  --config FILE\n      settings file of 'key = value' lines; env LIAISON_CONFIG\n"
           "  --help\n      show this help\n");
}

static cli_flag_t *own_flag(const cli_spec_t *spec, const char *name)
{
    for (cli_flag_t *f = spec->flags; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

typedef struct {
    const char *name, *value;
} setting_t;

int cli_parse(const cli_spec_t *spec, int argc, char **argv, cli_args_t *out, int *exit_status)
{
    setting_t settings[64];
    int nsettings = 0;
    const char *config_file = getenv("LIAISON_CONFIG");
    memset(out, 0, sizeof(*out));
    *exit_status = CLI_USAGE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(spec);
            *exit_status = 0;
            return CLI_USAGE;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (out->npositional == spec->positional + spec->optional || out->npositional == CLI_MAX_POSITIONAL) {
                cli_error(spec, "unexpected argument '%s' (see --help)", a);
                return CLI_USAGE;
            }
            out->positional[out->npositional++] = a;
            continue;
        }
        char name[64];
        const char *eq = strchr(a + 2, '='), *value = NULL;
        snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a + 2)), a + 2);
        cli_flag_t *f = own_flag(spec, name);
        bool takes_value = f ? f->arg != NULL : !config_is_switch(name);
        if (!f && strcmp(name, "config") != 0 && !setting_allowed(spec, name)) {
            cli_error(spec, "unknown flag '--%s' (see --help)", name);
            return CLI_USAGE;
        }
        if (eq)
            value = eq + 1;
        else if (!takes_value)
            value = "on";
        else if (i + 1 < argc)
            value = argv[++i];
        else {
            cli_error(spec, "--%s needs a value", name);
            return CLI_USAGE;
        }
        if (f)
            f->value = value;
        else if (strcmp(name, "config") == 0)
            config_file = value;
        else if (nsettings < 64)
            settings[nsettings++] = (setting_t){a + 2, value};
    }
    char err[512];
    config_defaults(&out->cfg);
    if ((config_file && config_load_file(&out->cfg, config_file, err, sizeof(err)) != 0) ||
        config_load_env(&out->cfg, err, sizeof(err)) != 0) {
        cli_error(spec, "%s", err);
        return CLI_USAGE;
    }
    for (int i = 0; i < nsettings; i++) {
        char name[64];
        const char *eq = strchr(settings[i].name, '=');
        snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - settings[i].name : (long)strlen(settings[i].name)),
                 settings[i].name);
        if (config_set(&out->cfg, name, settings[i].value, err, sizeof(err)) != 0) {
            cli_error(spec, "%s", err);
            return CLI_USAGE;
        }
    }
    if (out->npositional < spec->positional) {
        cli_error(spec, "missing argument (usage: liaison %s)", spec->usage);
        return CLI_USAGE;
    }
    *exit_status = 0;
    return CLI_OK;
}

int cli_open_db(const cli_spec_t *spec, const config_t *cfg, store_t **db)
{
    char err[512];
    struct stat st;
    if (stat(cfg->db, &st) != 0) { /* never leave an empty file behind a typo */
        cli_error(spec, "no database at %s (run liaison init first)", cfg->db);
        return CLI_FAIL;
    }
    if (store_open(db, cfg->db, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK) {
        cli_error(spec, "%s", err);
        return CLI_FAIL;
    }
    if (store_schema_check(*db, err, sizeof(err)) != STORE_OK) {
        cli_error(spec, "%s", err);
        store_close(*db);
        *db = NULL;
        return CLI_FAIL;
    }
    return CLI_OK;
}

bool cli_begin(const cli_spec_t *spec, int argc, char **argv, cli_args_t *args, store_t **db, int *exit_status)
{
    if (cli_parse(spec, argc, argv, args, exit_status) != CLI_OK)
        return false;
    *exit_status = cli_open_db(spec, &args->cfg, db);
    return *exit_status == CLI_OK;
}
