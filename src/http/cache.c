/* cache: a direct-mapped table; a collision simply replaces the older entry. */
#include "http/cache.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS 1024

typedef struct {
    char key[40];
    char *body;
    size_t len;
} entry_t;

struct http_cache {
    int64_t version;
    entry_t entries[SLOTS];
};

http_cache_t *http_cache_new(void)
{
    http_cache_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        abort();
    c->version = -1;
    return c;
}

static void clear(http_cache_t *c)
{
    for (int i = 0; i < SLOTS; i++) {
        free(c->entries[i].body);
        c->entries[i].body = NULL;
        c->entries[i].key[0] = '\0';
    }
}

void http_cache_free(http_cache_t *c)
{
    if (c == NULL)
        return;
    clear(c);
    free(c);
}

void http_cache_check(http_cache_t *c, int64_t version)
{
    if (version != c->version) {
        clear(c);
        c->version = version;
    }
}

static entry_t *slot(http_cache_t *c, const char *key)
{
    uint32_t h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &c->entries[h % SLOTS];
}

bool http_cache_get(http_cache_t *c, const char *key, const char **body, size_t *len)
{
    entry_t *e = slot(c, key);
    if (e->body == NULL || strcmp(e->key, key) != 0)
        return false;
    *body = e->body;
    *len = e->len;
    return true;
}

void http_cache_put(http_cache_t *c, const char *key, const char *body, size_t len)
{
    if (strlen(key) >= sizeof(((entry_t *)0)->key))
        return;
    entry_t *e = slot(c, key);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, body, len);
    copy[len] = '\0';
    free(e->body);
    e->body = copy;
    e->len = len;
    strcpy(e->key, key);
}
