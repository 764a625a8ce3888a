/*
 * dispatch: one outbox message to every channel it should reach (SPEC §9). A person's message
 * ("user:ID", "unit:ID", "deputy:ID", "constituent:ID", "booking:ID") goes to each configured
 * gateway - the office's webhook, its command, and e-mail when the recipient has an address -
 * as that channel's template in --notify-lang; with none configured it goes to the log. An
 * integrator's message ("subscription:ID") goes to that subscription's URL, signed with its own
 * secret. Used by the background thread (background.c), outside any transaction.
 */
#ifndef LIAISON_API_DISPATCH_H
#define LIAISON_API_DISPATCH_H

#include <stddef.h>

#include "core/config.h"
#include "store/outbox.h"

struct vault;

/* Tries each channel of m not named in done (" webhook email ", updated in place as channels
 * take it). 0 when every channel has it; -1 with the first failure in err otherwise. */
int api_dispatch(const config_t *cfg, const struct vault *vault, store_t *db, const store_outbox_t *m, char *done,
                 size_t donelen, char *err, size_t errlen);

#endif
