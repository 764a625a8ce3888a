/*
 * demo: a small real place and one account per role, so `make run` shows a working system.
 * The regions are real administrative codes (六盘水市, Guizhou); running it again keeps what
 * exists.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/region.h"
#include "store/regions.h"

#define DEMO_PASSWORD "liaison-demo"

static const struct {
    const char *code, *name, *parent;
} regions[] = {
    {"520000000000", "贵州省", NULL},
    {"520200000000", "六盘水市", "520000000000"},
    {"520201000000", "钟山区", "520200000000"},
    {"520203000000", "六枝特区", "520200000000"},
};

static const struct {
    const char *username, *display_name, *role, *region;
} accounts[] = {
    {"admin", "王主任（钟山区人大代表工委）", "admin", "520201000000"},
    {"staff", "李联络员", "staff", "520201000000"},
    {"deputy", "张代表", "deputy", "520201000000"},
    {"unit", "赵科长（区住建局）", "unit", "520201000000"},
    {"member", "陈委员", "member", "520201000000"},
    {"admin-liuzhi", "刘主任（六枝特区人大代表工委）", "admin", "520203000000"},
};

static int load_regions(store_t *db)
{
    int rc = store_begin(db);
    for (size_t i = 0; rc == STORE_OK && i < sizeof(regions) / sizeof(regions[0]); i++)
        rc = store_region_upsert(db, regions[i].code, regions[i].name, regions[i].parent,
                                 (int)region_level(regions[i].code));
    if (rc == STORE_OK)
        return store_commit(db);
    store_rollback(db);
    return rc;
}

int cli_demo(int argc, char **argv)
{
    cli_spec_t spec = {"demo", "demo [--db FILE]",
                       "Loads demonstration regions and one account per role, and prints the logins.", NULL,
                       false, 0};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    if (load_regions(db) != STORE_OK) {
        cli_error(&spec, "cannot load regions: %s", store_errmsg(db));
        store_close(db);
        return CLI_FAIL;
    }
    printf("\nDemo logins (password for all: %s)\n", DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
        store_user_t u = {0}, existing;
        char err[512];
        int64_t id;
        if (store_user_by_username(db, accounts[i].username, &existing) != STORE_OK) {
            snprintf(u.username, sizeof(u.username), "%s", accounts[i].username);
            snprintf(u.display_name, sizeof(u.display_name), "%s", accounts[i].display_name);
            snprintf(u.role, sizeof(u.role), "%s", accounts[i].role);
            snprintf(u.region, sizeof(u.region), "%s", accounts[i].region);
            if (cli_create_user(db, &u, DEMO_PASSWORD, &id, err, sizeof(err)) != STORE_OK) {
                cli_error(&spec, "%s", err);
                store_close(db);
                return CLI_FAIL;
            }
        }
        printf("  %-13s %-7s %s  %s\n", accounts[i].username, accounts[i].role, accounts[i].region,
               accounts[i].display_name);
    }
    printf("\nStaff workspace: http://127.0.0.1:8080/staff/\n\n");
    store_close(db);
    return CLI_OK;
}
