/*
 * cache: finished JSON bodies of hot public pages (a station, a deputy), kept per event loop so
 * no lock is taken. An entry is good while the database has not changed: the caller passes a
 * version that moves on every commit (see http_reply_cached), and a new version drops
 * everything.
 */
#ifndef LIAISON_HTTP_CACHE_H
#define LIAISON_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct http_cache http_cache_t;

http_cache_t *http_cache_new(void);
void http_cache_free(http_cache_t *c);
/* Empties the cache when version differs from the one its entries were made at. */
void http_cache_check(http_cache_t *c, int64_t version);
/* The body stored under key, owned by the cache and valid until the next put or check. */
bool http_cache_get(http_cache_t *c, const char *key, const char **body, size_t *len);
/* Stores a copy of body under key, replacing whatever shared its slot. */
void http_cache_put(http_cache_t *c, const char *key, const char *body, size_t len);

#endif
