/*
 * open311: the rules of Liaison's Open311 GeoReport v2 endpoint (SPEC §9) that need no I/O -
 * where a point may lie, how the specification writes times and formats, and how an opinion's
 * state reads as a service request's status.
 *
 * Categories are services and opinions are service requests; GeoReport v2 knows only the
 * statuses open and closed, so the loop's stage (SPEC §3) travels in status_notes, in Chinese
 * and English.
 */
#ifndef LIAISON_DOMAIN_OPEN311_H
#define LIAISON_DOMAIN_OPEN311_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/opinion.h"

/* Whether (lat, lng) lies in China's bounding box: 3.85..53.56 N, 73.50..135.09 E (from 曾母暗沙
 * to 漠河, from 帕米尔高原 to 黑瞎子岛). A box, not a border: a point just across the border of a
 * neighbour passes, and the region it resolves to decides. */
bool open311_in_china(double lat, double lng);

/* A W3C datetime as the specification writes it - "2026-03-01T09:30:00+08:00",
 * "2026-03-01T01:30:00Z", fractions of a second allowed - as UTC seconds. The time zone is
 * required; false for anything else (a date alone, a bad day of the month, an offset past 14 h). */
bool open311_parse_datetime(const char *text, int64_t *utc);
/* utc as a W3C datetime in Beijing time: "2026-03-01T09:30:00+08:00" (25 characters). */
void open311_format_datetime(int64_t utc, char out[26]);

typedef enum { OPEN311_JSON, OPEN311_XML, OPEN311_FORMAT_UNKNOWN } open311_format_t;

/* A path segment "name.json" or "name.xml": the name into base (at most cap - 1 bytes) and the
 * format; OPEN311_FORMAT_UNKNOWN for another extension, none, an empty name or one too long. */
open311_format_t open311_split_format(const char *segment, char *base, size_t cap);

/* "open" while somebody still has to act on the opinion (opinion_state_open), else "closed". */
const char *open311_status(opinion_state_t state);
/* The stage in both languages: "办理中 (in progress)". */
void open311_status_notes(opinion_state_t state, char *out, size_t cap);

/* The HTTP status an Open311 client is given for one of Liaison's: the specification knows 400
 * for a request it refuses, so 422 (a field breaks a rule) becomes 400; others stay. */
int open311_http_status(int status);

/* A person's name from GeoReport's first_name and last_name (either may be empty): in Chinese
 * order, family name first and no space, when either holds a non-ASCII character ("王" + "小明"
 * -> "王小明"); otherwise "first last". Empty when both are. */
void open311_person_name(const char *first, const char *last, char *out, size_t cap);

#endif
