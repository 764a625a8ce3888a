/*
 * encoding: text files as people in China save them. Excel writes CSV in GB18030 (its "ANSI"
 * on a Chinese Windows) unless told otherwise, and UTF-8 with a byte-order mark when told;
 * everything here works in UTF-8.
 */
#ifndef LIAISON_CORE_ENCODING_H
#define LIAISON_CORE_ENCODING_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Appends text as UTF-8 to out (without a byte-order mark) and sets *name to "UTF-8" or
 * "GB18030". Returns 0, or -1 when the bytes are neither (out is then unchanged).
 */
int encoding_to_utf8(const char *text, size_t len, buf_t *out, const char **name);

#endif
