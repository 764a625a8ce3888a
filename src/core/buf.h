/*
 * buf: one growable byte buffer for building text (after git's strbuf).
 *
 * A buf_t always holds a NUL-terminated string in data (never NULL after buf_init), so it can be
 * handed to C string functions. The buffer owns data; buf_free releases it, buf_detach hands it
 * to the caller, who then frees it with free(). Allocation failure aborts: we are a server that
 * cannot do anything useful without memory.
 */
#ifndef LIAISON_CORE_BUF_H
#define LIAISON_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(buf_t *b);
/* Returns data, now owned by the caller; leaves b empty and initialised. */
char *buf_detach(buf_t *b, size_t *len);
void buf_grow(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *p, size_t n);
void buf_adds(buf_t *b, const char *s);
void buf_addc(buf_t *b, char c);
void buf_addf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(buf_t *b, const char *fmt, va_list ap);
/* Appends s as the body of a JSON string (no quotes), escaping what JSON requires. */
void buf_add_json_escaped(buf_t *b, const char *s, size_t n);

#endif
