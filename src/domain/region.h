/*
 * region: China's 12-digit administrative codes and the subtrees that scopes are made of.
 *
 * A code is province(2) city(2) county(2) township(3) village(3); trailing zero groups mean a
 * higher level. The subtree of a region is every code that starts with its significant prefix
 * (520201000000 -> "520201"), so a scope check is a prefix compare and a region filter in SQL is
 * an index range scan.
 */
#ifndef LIAISON_DOMAIN_REGION_H
#define LIAISON_DOMAIN_REGION_H

#include <stdbool.h>
#include <stddef.h>

enum { REGION_CODE_LEN = 12 };

typedef enum {
    REGION_INVALID = 0,
    REGION_PROVINCE = 1,
    REGION_CITY = 2,
    REGION_COUNTY = 3,
    REGION_TOWNSHIP = 4,
    REGION_VILLAGE = 5,
} region_level_t;

/* Twelve ASCII digits, a non-zero province, and no lower group set under an empty one (but for
 * the county group, which cities without counties leave empty). */
bool region_code_valid(const char *code);
region_level_t region_level(const char *code);
/* Length of the significant prefix: 2, 4, 6, 9 or 12 (0 for an invalid code). */
size_t region_prefix_len(const char *code);
/* True when code lies in the subtree of scope (a region is in its own subtree). */
bool region_in_scope(const char *scope, const char *code);
/* The parent's code (all zeros above a province: returns false). */
bool region_parent(const char *code, char out[REGION_CODE_LEN + 1]);
/* Upper bound of the subtree for a range scan: code >= scope AND code < upper.
 * For a village (prefix of 12) out needs REGION_CODE_LEN + 2 bytes. */
void region_subtree_upper(const char *scope, char out[REGION_CODE_LEN + 2]);

#endif
