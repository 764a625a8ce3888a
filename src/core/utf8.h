/*
 * utf8: strict validation and character counting for user text.
 *
 * Valid means well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF) and
 * no NUL byte: a NUL can't survive a C string and is never meant by a person.
 */
#ifndef LIAISON_CORE_UTF8_H
#define LIAISON_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 text: what a user sees as the length of their text. */
size_t utf8_chars(const char *s, size_t n);
/* The code point at *p in valid UTF-8 text, advancing *p past it. */
unsigned utf8_next(const char **p);
/* Copies src into dst (cap bytes, NUL included), cutting only between characters, so a
 * shortened text is still valid UTF-8. */
void utf8_copy(char *dst, size_t cap, const char *src);

#endif
