/*
 * log: structured logs, one JSON object per line. Diagnostics go to stderr; the access log
 * (one line per request) goes to stdout so it can be shipped on its own.
 */
#ifndef LIAISON_CORE_LOG_H
#define LIAISON_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes one already-formatted JSON line to stdout atomically (a single write). */
void log_access_line(const char *json, unsigned long len);
/* Silences info lines (CLI subcommands that print their own output). */
void log_set_quiet(int quiet);

#endif
