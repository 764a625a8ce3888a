/*
 * token: session and CSRF tokens. A token is 256 random bits, written as 43 base64url
 * characters. The database keeps only its BLAKE2b hash, so a stolen database holds no live
 * session.
 */
#ifndef LIAISON_AUTH_TOKEN_H
#define LIAISON_AUTH_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

enum { TOKEN_CHARS = 43, TOKEN_HASH_BYTES = 32 };

void token_new(char out[TOKEN_CHARS + 1]);
void token_hash(const char *token, size_t len, unsigned char out[TOKEN_HASH_BYTES]);
/* Constant-time equality of two NUL-terminated strings. */
bool token_equal(const char *a, const char *b);

#endif
