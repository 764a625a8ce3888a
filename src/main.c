/*
 * main: the liaison binary. Every capability is a subcommand in src/cli/; this file only
 * dispatches to them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/password.h"
#include "cli/cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cli_serve, "serve the API and the web front end"},
    {"init", cli_init, "create the data directory, its keys and the database"},
    {"migrate", cli_migrate, "bring the database schema up to date"},
    {"demo", cli_demo, "load demonstration regions and accounts"},
    {"gen", cli_gen, "generate a county, city or province of data for benchmarks"},
    {"import", cli_import, "load the national region table or a registry sheet"},
    {"export", cli_export, "write a registry table as CSV"},
    {"calendar", cli_calendar, "load and list the holidays and make-up workdays deadlines count"},
    {"digest", cli_digest, "print a region office's weekly digest (一周一汇总)"},
    {"user", cli_user, "add, list, disable accounts and set passwords"},
    {"backup", cli_backup, "copy the live database to a file"},
    {"audit", cli_audit, "print the audit log"},
    {"routes", cli_routes, "list every HTTP route with its policy action"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: liaison COMMAND [options]\n\nLiaison runs people's-deputy liaison stations.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nliaison COMMAND --help shows a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("liaison %s\n", LIAISON_VERSION);
        return 0;
    }
    umask(077); /* the database, its WAL, backups and keys hold password hashes and personal data */
    if (password_init() != 0) {
        fprintf(stderr, "liaison: cannot initialise libsodium\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "liaison: unknown command '%s' (see liaison --help)\n", cmd);
    return 2;
}
