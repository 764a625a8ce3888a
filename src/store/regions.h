/*
 * regions: the administrative-region table (12-digit codes). Returns STORE_OK, STORE_ENOTFOUND
 * or another STORE_E* code.
 */
#ifndef LIAISON_STORE_REGIONS_H
#define LIAISON_STORE_REGIONS_H

#include "store/store.h"

typedef struct {
    char code[13];
    char name[200]; /* up to 64 characters */
    char parent[13]; /* "" for a province */
    int level;       /* 1 province .. 5 village */
} store_region_t;

int store_region_exists(store_t *db, const char *code);
int store_region_get(store_t *db, const char *code, store_region_t *out);
/* Inserts, or renames and re-parents an existing code: importing twice never duplicates. */
int store_region_upsert(store_t *db, const char *code, const char *name, const char *parent, int level);
/* The children of code (provinces when code is NULL), by code; stops when each returns non-zero. */
int store_region_children(store_t *db, const char *code, int (*each)(const store_region_t *r, void *arg), void *arg);
/* Regions of the subtree [lo, hi) whose name contains text, at most limit, by code. */
int store_region_search(store_t *db, const char *lo, const char *hi, const char *text, int limit,
                        int (*each)(const store_region_t *r, void *arg), void *arg);

#endif
