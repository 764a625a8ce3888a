/* demo: what `liaison demo` builds, split by subject (demo.c the county, demo_opinions.c its
 * opinions). */
#ifndef LIAISON_CLI_DEMO_H
#define LIAISON_CLI_DEMO_H

#include <stdint.h>

#include "auth/vault.h"
#include "store/store.h"

#define DEMO_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Thirty opinions sent to station over the last ten weeks, in every state of the loop, some
 * referred to unit. vault may be NULL (no data directory): then they carry no personal data. */
int demo_opinions(store_t *db, const vault_t *vault, int64_t station, int64_t unit);

#endif
