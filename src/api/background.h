/*
 * background: the server's own periodic work (see background.c): notifications, deadline
 * reminders and closing unrated answers. The server calls the tick from a thread of its own,
 * with a read-only connection, every --jobs-interval-s seconds.
 */
#ifndef LIAISON_API_BACKGROUND_H
#define LIAISON_API_BACKGROUND_H

#include <stdint.h>

#include "core/config.h"
#include "store/store.h"
#include "store/writer.h"

void api_background_tick(const config_t *cfg, writer_t *writer, store_t *db, int64_t now);

#endif
