/*
 * annual_reports: SQL for deputies' annual reports (述职报告), their public ratings (评议), and
 * the figures of a year a draft is written from (migrations/016_duties.sql).
 *
 * The figures come from the deputy's confirmed duty records of the year and from the modules'
 * own rows: held reception activities the deputy attended and the visitors received there,
 * opinions sent to them and those they owned and answered, and the suggestions they led or
 * co-signed. Every query reads by an index of the deputy (or, for answered opinions, of the
 * answer's time).
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). What they hand out owns its
 * strings: free reports with store_annual_report_free, figures with store_annual_figures_free.
 */
#ifndef LIAISON_STORE_ANNUAL_REPORTS_H
#define LIAISON_STORE_ANNUAL_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/annual_report.h"
#include "store/store.h"

/* Ratings of a report, by word. */
typedef enum { REPORT_SATISFIED, REPORT_BASIC, REPORT_UNSATISFIED, REPORT_RATINGS } store_report_rating_t;
extern const char *const store_report_ratings[REPORT_RATINGS]; /* satisfied basic unsatisfied */

typedef struct {
    int64_t id;
    int64_t deputy_id;
    char *deputy_name; /* owned; read only */
    char region[13];   /* the deputy's; set by the store on insert */
    int year;
    char *title, *body;                 /* owned */
    char state[12];                     /* draft, published */
    int64_t generated_at, published_at; /* published_at 0 while a draft */
    int64_t updated_by;                 /* 0: none */
    int64_t created_at, updated_at;
    int64_t ratings[REPORT_RATINGS]; /* read only */
} store_annual_report_t;

void store_annual_report_free(store_annual_report_t *r);

/* STORE_ENOTFOUND when there is no such report. */
int store_annual_report_get(store_t *db, int64_t id, store_annual_report_t *out);
/* The report of a deputy and year; STORE_ENOTFOUND when none was made. */
int store_annual_report_find(store_t *db, int64_t deputy_id, int year, store_annual_report_t *out);
/* Calls fn for each report of the deputy, latest year first - published ones only unless drafts -
 * until fn returns non-zero. */
int store_annual_reports_each(store_t *db, int64_t deputy_id, bool drafts,
                              int (*fn)(const store_annual_report_t *r, void *arg), void *arg);
/* A new draft of r->deputy_id (region from the deputy); STORE_ENOTFOUND for no live deputy,
 * STORE_ECONSTRAINT when the deputy has a report of that year already. */
int store_annual_report_insert(store_t *db, const store_annual_report_t *r, int64_t now, int64_t *id);
/* Writes title, body, state, generated_at, published_at and updated_by back. */
int store_annual_report_save(store_t *db, const store_annual_report_t *r, int64_t now);

/* One rating of a report by the phone of phone_hash (a keyed hash, see auth/vault.h);
 * STORE_ECONSTRAINT when that phone has rated the report already. */
int store_report_rating_add(store_t *db, int64_t report_id, const char *phone_hash, const char *rating,
                            const char *comment, int64_t now);

/* The figures of a deputy's year, with the storage behind their strings. */
typedef struct {
    annual_report_figures_t f;
    char *name;
    annual_report_record_t *records;
    annual_report_suggestion_t *suggestions;
    size_t records_cap, suggestions_cap;
} store_annual_figures_t;

/* Gathers the figures of year (a Beijing calendar year) of a live deputy; STORE_ENOTFOUND when
 * there is none. Free with store_annual_figures_free (also after an error). */
int store_annual_figures(store_t *db, int64_t deputy_id, int year, store_annual_figures_t *out);
void store_annual_figures_free(store_annual_figures_t *out);

#endif
